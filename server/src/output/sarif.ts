/**
 * `--format sarif`: SARIF 2.1.0 (OASIS), one run.
 *
 * - `runs[0].tool.driver`: name, version/semanticVersion (package.json), informationUri and every
 *   rule of the registry (`id`, `name`, `shortDescription.text`, `helpUri`,
 *   `defaultConfiguration.level`), so `ruleIndex` indexes ALL_RULE_META.
 * - Each result: `ruleId`, `ruleIndex`, `level` (error | warning | note), `message.text`, one
 *   `locations[0].physicalLocation` (artifactLocation.uri relative to the working directory,
 *   `uriBaseId: "%SRCROOT%"`; a file outside it too, as `../...`), 1-based region
 *   (end column exclusive, UTF-16 code units: `run.columnKind`), `relatedLocations` (ids from 1,
 *   each with a message), `fixes` (every fix, preferred first; replacements with
 *   `deletedRegion.charOffset/charLength` and `insertedContent.text`) and `partialFingerprints`
 *   (a hash of rule id, file and the flagged text, stable when lines move).
 */
import * as crypto from 'crypto';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Finding, Severity, Location } from '../findings';
import type { OutputContext, RunReport } from './common';
import { Locator } from './common';
import { ALL_RULE_META } from '../rules/registry';
import { docsUrl } from '../rules/rule';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const TOOL_NAME = 'apim-vnet-lint';
export const INFORMATION_URI = 'https://github.com/apim-vnet-lint/apim-vnet-lint';
export const SRCROOT = '%SRCROOT%';

export type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): SarifLevel {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/** "nsg-blocks-required-port" → "NsgBlocksRequiredPort" (SARIF's reportingDescriptor.name). */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

/**
 * interfaces.md: the uri is relative to the working directory, for files outside it too
 * (`../shared/net.json`, a relative reference resolved against %SRCROOT%). Only a file with no
 * relative path from the working directory (another Windows drive) gets an absolute `file:` URI.
 */
function artifactLocation(file: string, cwd: string): ArtifactLocation {
  if (!path.isAbsolute(file) && /^[a-z][a-z0-9+.-]*:/i.test(file)) return { uri: file }; // already a URI
  const rel = path.relative(cwd, file);
  if (rel !== '' && !path.isAbsolute(rel)) {
    return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(file).href };
}

function fingerprint(f: Finding, uri: string, textOf: (file: string) => string | undefined): string {
  const text = textOf(f.location.file);
  const snippet = text === undefined ? '' : text.substr(f.location.range.offset, Math.min(f.location.range.length, 400)).replace(/\s+/g, ' ');
  const h = crypto.createHash('sha256');
  h.update(`${f.ruleId}\0${uri}\0${snippet}\0${f.message}`);
  return h.digest('hex').slice(0, 32);
}

export function toSarif(report: RunReport, ctx: OutputContext): Record<string, unknown> {
  const loc = new Locator(ctx.textOf);
  const ruleIndex = new Map(ALL_RULE_META.map((r, i) => [r.id, i] as const));
  const physical = (l: Location) => {
    const r = loc.range(l.file, l.range.offset, l.range.length);
    return {
      artifactLocation: artifactLocation(l.file, ctx.cwd),
      region: {
        startLine: r.line,
        startColumn: r.column,
        endLine: r.endLine,
        endColumn: r.endColumn,
        charOffset: l.range.offset,
        charLength: l.range.length,
      },
    };
  };
  const results: Record<string, unknown>[] = [];
  for (const file of report.files) {
    for (const f of file.findings) {
      const pl = physical(f.location);
      const result: Record<string, unknown> = {
        ruleId: f.ruleId,
        ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
        level: sarifLevel(f.severity),
        message: { text: f.message },
        locations: [{ physicalLocation: pl }],
        relatedLocations: f.related.map((rel, i) => ({
          id: i + 1,
          physicalLocation: physical(rel.location),
          message: { text: rel.message },
        })),
        partialFingerprints: { 'apimVnetLint/v1': fingerprint(f, pl.artifactLocation.uri, ctx.textOf) },
      };
      const fixes = [...f.fixes].sort((a, b) => Number(b.isPreferred) - Number(a.isPreferred));
      if (fixes.length > 0) {
        result.fixes = fixes.map((fx) => {
          const byFile = new Map<string, typeof fx.edits>();
          for (const e of fx.edits) {
            const list = byFile.get(e.file) ?? [];
            list.push(e);
            byFile.set(e.file, list);
          }
          return {
            description: { text: fx.title },
            artifactChanges: [...byFile].map(([file, edits]) => ({
              artifactLocation: artifactLocation(file, ctx.cwd),
              replacements: edits.map((e) => ({
                deletedRegion: { charOffset: e.offset, charLength: e.length },
                insertedContent: { text: e.content },
              })),
            })),
          };
        });
      }
      const props: Record<string, unknown> = {};
      if (f.profile) props.profile = f.profile;
      if (f.noFixReason) props.noFixReason = f.noFixReason;
      if (Object.keys(props).length > 0) result.properties = props;
      results.push(result);
    }
  }
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: ctx.toolVersion,
            semanticVersion: ctx.toolVersion,
            informationUri: INFORMATION_URI,
            rules: ALL_RULE_META.map((r) => ({
              id: r.id,
              name: ruleName(r.id),
              shortDescription: { text: r.description },
              helpUri: docsUrl(r.id),
              defaultConfiguration: { level: sarifLevel(r.defaultSeverity) },
            })),
          },
        },
        originalUriBaseIds: {
          [SRCROOT]: { uri: pathToFileURL(ctx.cwd.endsWith(path.sep) ? ctx.cwd : ctx.cwd + path.sep).href },
        },
        invocations: [
          {
            executionSuccessful: (report.problems ?? []).length === 0,
            ...((report.problems ?? []).length > 0
              ? { toolExecutionNotifications: (report.problems ?? []).map((p) => ({ level: 'error', message: { text: p } })) }
              : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(report: RunReport, ctx: OutputContext): string {
  return JSON.stringify(toSarif(report, ctx), null, 2) + '\n';
}
