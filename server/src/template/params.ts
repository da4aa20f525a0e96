/**
 * Document kind detection and parameter files.
 */
import type { Node } from 'jsonc-parser';
import { Unknown, type Value } from '../expressions/value';
import { entries, parseSource, prop, str } from './parse';
import { literalValue } from './literal';

export type DocumentKind = 'template' | 'parameters' | 'other';

/**
 * 'template' by `$schema` (…DeploymentTemplate.json) or by shape (a root object with
 * `resources`); 'parameters' by `$schema` (…DeploymentParameters.json) or by shape (`parameters`
 * whose entries have `value` / `reference`, and no `resources`); otherwise 'other'.
 */
export function detectDocumentKind(text: string, file = '<detect>'): DocumentKind {
  const src = parseSource(file, text);
  return detectKindOfRoot(src.root);
}

export function detectKindOfRoot(root: Node | undefined): DocumentKind {
  if (!root || root.type !== 'object') return 'other';
  const schema = str(prop(root, '$schema'))?.toLowerCase() ?? '';
  if (schema.includes('deploymenttemplate')) return 'template';
  if (schema.includes('deploymentparameters')) return 'parameters';
  if (prop(root, 'resources')) return 'template';
  const params = prop(root, 'parameters');
  const es = entries(params);
  if (es.length > 0 && es.every(([, v]) => v.type === 'object' && (prop(v, 'value') || prop(v, 'reference')))) {
    return 'parameters';
  }
  return 'other';
}

export interface ParameterFileEntry {
  /** The literal value, or an Unknown for a Key Vault `reference`. */
  value: Value;
  /** The entry's `value` (or `reference`) node. */
  node?: Node;
}

/**
 * Reads a parameter file: lower-cased name → value (Unknown for a Key Vault reference).
 * Accepts the standard `{ parameters: { x: { value } } }` form and a bare `{ x: { value } }` map.
 */
export function readParameterFile(text: string, file = '<parameters>'): Map<string, ParameterFileEntry> {
  return parameterEntries(parseSource(file, text).root);
}

export function parameterEntries(root: Node | undefined): Map<string, ParameterFileEntry> {
  const out = new Map<string, ParameterFileEntry>();
  if (!root || root.type !== 'object') return out;
  let params = prop(root, 'parameters');
  if (!params || params.type !== 'object') params = root;
  for (const [name, entry] of entries(params)) {
    if (entry.type !== 'object') continue;
    const v = prop(entry, 'value');
    const ref = prop(entry, 'reference');
    if (v) {
      out.set(name.toLowerCase(), { value: literalValue(v), node: v });
    } else if (ref) {
      const secret = str(prop(ref, 'secretName'));
      out.set(name.toLowerCase(), {
        value: new Unknown(
          `parameters('${name}')`,
          `parameter '${name}' is a Key Vault reference${secret ? ` (secret '${secret}')` : ''}`,
        ),
        node: ref,
      });
    }
  }
  return out;
}
