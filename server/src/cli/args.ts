/**
 * Command-line parsing for `apim-vnet-lint` (interfaces.md "Command line").
 * Accepts `--opt value` and `--opt=value`; `--` ends the options.
 */
import type { Platform } from '../config/types';
import type { SeveritySetting } from '../findings';
import { PLATFORMS, SEVERITY_SETTINGS } from '../config/load';
import { ALL_RULE_META } from '../rules/registry';

export type OutputFormat = 'text' | 'json' | 'sarif';
export const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];

export interface CliOptions {
  format: OutputFormat;
  output?: string;
  platform?: Platform;
  parameters?: string;
  rules: Record<string, SeveritySetting>;
  config?: string;
  fix: boolean;
  explain: boolean;
  maxWarnings?: number;
  quiet: boolean;
  version: boolean;
  help: boolean;
  paths: string[];
}

export type ParseResult = { ok: true; options: CliOptions } | { ok: false; error: string };

export const USAGE = `Usage: apim-vnet-lint [options] <file|dir>...

Lints Azure API Management virtual-network configuration in ARM templates
(JSON, JSONC, Bicep-compiled JSON). Directories are searched recursively for
deployment templates; parameter files feed the template they belong to.

Options:
  --format <text|json|sarif>   output format (default: text)
  --output <file>              write the report to a file instead of stdout
  --platform <auto|stv1|stv2>  requirement profile (default: auto, per APIM resource)
  --parameters <file>          parameter file for a single template (default:
                               <name>.parameters.json, azuredeploy.parameters.json
                               beside it, or the config file's parameterFiles map)
  --rule <id>=<off|info|warning|error>
                               override a rule's severity (repeatable)
  --config <file>              use this config file instead of the nearest .apim-vnet.json
  --fix                        apply every preferred quick fix in place, then report what is left
  --explain                    print the resolved network chain and requirement verdicts
  --max-warnings <n>           exit 1 when there are more than n warnings
  --quiet                      report errors only
  --version                    print the version
  --help                       print this help

Exit status: 0 no errors (and warnings within --max-warnings), 1 findings over
that, 2 usage error, unreadable path, invalid configuration or a file that is
not valid JSON.
`;

const VALUE_OPTIONS = new Set(['--format', '--output', '--platform', '--parameters', '--rule', '--config', '--max-warnings']);
const FLAG_OPTIONS = new Set(['--fix', '--explain', '--quiet', '--version', '--help']);
const SHORT: Record<string, string> = { '-h': '--help', '-v': '--version', '-f': '--format', '-o': '--output', '-q': '--quiet', '-c': '--config', '-p': '--parameters' };

export function parseArgs(argv: readonly string[]): ParseResult {
  const o: CliOptions = { format: 'text', rules: {}, fix: false, explain: false, quiet: false, version: false, help: false, paths: [] };
  const ruleIds = new Set(ALL_RULE_META.map((r) => r.id));
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === '--') {
      o.paths.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      o.paths.push(arg);
      continue;
    }
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (SHORT[arg]) arg = SHORT[arg];
    if (FLAG_OPTIONS.has(arg)) {
      if (value !== undefined) return { ok: false, error: `option ${arg} takes no value` };
      if (arg === '--fix') o.fix = true;
      else if (arg === '--explain') o.explain = true;
      else if (arg === '--quiet') o.quiet = true;
      else if (arg === '--version') o.version = true;
      else o.help = true;
      continue;
    }
    if (!VALUE_OPTIONS.has(arg)) return { ok: false, error: `unknown option ${argv[i]}` };
    if (value === undefined) {
      if (i + 1 >= argv.length) return { ok: false, error: `option ${arg} needs a value` };
      value = argv[++i];
    }
    if (arg !== '--rule') {
      if (seen.has(arg)) return { ok: false, error: `option ${arg} given more than once` };
      seen.add(arg);
    }
    switch (arg) {
      case '--format':
        if (!(FORMATS as readonly string[]).includes(value)) return { ok: false, error: `--format must be one of ${FORMATS.join(', ')} (got "${value}")` };
        o.format = value as OutputFormat;
        break;
      case '--output':
        if (value === '') return { ok: false, error: '--output needs a file name' };
        o.output = value;
        break;
      case '--platform':
        if (!(PLATFORMS as readonly string[]).includes(value)) return { ok: false, error: `--platform must be one of ${PLATFORMS.join(', ')} (got "${value}")` };
        o.platform = value as Platform;
        break;
      case '--parameters':
        if (value === '') return { ok: false, error: '--parameters needs a file name' };
        o.parameters = value;
        break;
      case '--config':
        if (value === '') return { ok: false, error: '--config needs a file name' };
        o.config = value;
        break;
      case '--max-warnings': {
        if (!/^\d+$/.test(value)) return { ok: false, error: `--max-warnings needs a non-negative integer (got "${value}")` };
        o.maxWarnings = Number(value);
        break;
      }
      case '--rule': {
        const m = /^([^=]+)=(.*)$/.exec(value);
        if (!m) return { ok: false, error: `--rule needs <id>=<off|info|warning|error> (got "${value}")` };
        const id = m[1].trim();
        const sev = m[2].trim();
        if (!ruleIds.has(id)) return { ok: false, error: `--rule: unknown rule id "${id}" (see --help; rule ids: ${[...ruleIds].join(', ')})` };
        if (!(SEVERITY_SETTINGS as readonly string[]).includes(sev)) return { ok: false, error: `--rule ${id}: severity must be off, info, warning or error (got "${sev}")` };
        o.rules[id] = sev as SeveritySetting;
        break;
      }
    }
  }
  if (!o.help && !o.version && o.paths.length === 0) return { ok: false, error: 'no file or directory given' };
  return { ok: true, options: o };
}
