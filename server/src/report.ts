/**
 * Human renderings of the resolved network chain: `explainText` for the CLI `--explain`, and
 * `networkReportMarkdown` for the VS Code "Show Network Report" command. Both are built from the
 * same `describeServices` model, so they always say the same thing.
 *
 * Per APIM service: name, tier (sku), mode, profile, and per location the chain
 * subnet → VNet → NSG → route table (and public IP), each with `file:line:col` of its definition,
 * or "outside the template: <id>" / "unknown: <why>" / "none"; then, when the caller passes them,
 * the requirement rows of the profile with their verdicts.
 */
import * as path from 'path';
import { pathToFileURL, fileURLToPath } from 'url';
import { displayValue, isArray, isObject, isUnknown, type Value } from './expressions/value';
import type { Origin, Resource, Template } from './template/model';
import type { ApimLocation, ApimService, Link, SubnetInfo } from './network/chain-model';
import { LineIndex } from './text/lines';
import { member, safe, resourceOrigin } from './network/chain';
import { findSubnetUsers } from './network/usage';
import { describeRule, type RowVerdict } from './network/nsg';
import type { RuleContext } from './rules/context';
import { nsgAnalyses } from './rules/nsg-analysis';
import { resourceName } from './rules/util';
import { rowsFor } from './requirements';

/** One requirement row of the profile table with its verdict for one location's NSG. */
export interface RequirementRow {
  row: number | string;
  purpose: string;
  direction: string;
  ports: string;
  verdict: 'allowed' | 'blocked' | 'unknown';
  /** 'required' | 'optional', when known. */
  class?: string;
  /** The blocked part of `ports`, when only part is blocked. */
  blockedPorts?: string;
  /** The rule that decided the verdict, e.g. "DenyAllInBound (default, 65500)". */
  decidingRule?: string;
  decidingRuleOrigin?: Origin;
  /** Why the verdict is unknown. */
  note?: string;
}

export interface ProfileInfo {
  profile: string;
  /** Why this profile (e.g. "apiVersion 2021-08-01 ≥ 2021-08-01"). */
  why?: string;
}

export interface ReportOptions {
  /** Show file paths relative to this directory (CLI: the working directory). */
  baseDir?: string;
  /** The profile in force for a service; omitted → "not computed". */
  profileFor?: (service: ApimService) => ProfileInfo | string | undefined;
  /** The requirement rows of a location with their verdicts; omitted → no table. */
  rows?: (service: ApimService, location: ApimLocation) => RequirementRow[] | undefined;
  /** Markdown link target for a place (default: file URI + `#L<line>`). */
  linkFor?: (file: string, line: number, column: number) => string;
  /** List the other resources using each APIM subnet (default true). */
  subnetUsers?: boolean;
}

/** A place in a file, 1-based. */
export interface Place {
  file: string;
  line: number;
  column: number;
}

export interface ChainEntryReport {
  label: string;
  status: 'resolved' | 'external' | 'unknown' | 'none';
  /** Resolved: the resource name; external: the id; unknown: the reason. */
  text: string;
  place?: Place;
  /** True when the resolution depends on a condition / copy index that is not known. */
  uncertain?: boolean;
  details: string[];
}

export interface LocationReport {
  index: number;
  isPrimary: boolean;
  location: string;
  place?: Place;
  entries: ChainEntryReport[];
  users: { kind: string; name: string; place?: Place; detail?: string }[];
  rows?: RequirementRow[];
}

export interface ServiceReport {
  name: string;
  type: string;
  place: Place;
  tier: string;
  capacity: string;
  skuPlace?: Place;
  mode: string;
  modePlace?: Place;
  profile?: ProfileInfo;
  condition?: string;
  locations: LocationReport[];
  notes: string[];
}

// ---------------------------------------------------------------------------------------------

const lineIndexes = new WeakMap<object, LineIndex>();

function placeOf(template: Template, origin: Origin | undefined): Place | undefined {
  if (!origin) return undefined;
  const sf = template.files.get(origin.file) ?? (template.main.file === origin.file ? template.main : undefined);
  const text = sf?.text;
  if (text === undefined) return { file: origin.file, line: 1, column: 1 };
  let idx = lineIndexes.get(sf as object);
  if (!idx) lineIndexes.set(sf as object, (idx = new LineIndex(text)));
  const lc = idx.lineColumnAt(origin.node.offset);
  return { file: origin.file, line: lc.line, column: lc.column };
}

function resourcePlace(template: Template, r: Resource): Place | undefined {
  // Point at the resource's `name` when it has one (what an editor would show), else the object.
  const o = resourceOrigin(r);
  const nameProp = o.node.children?.find(
    (p) => p.type === 'property' && typeof p.children?.[0]?.value === 'string' && p.children[0].value.toLowerCase() === 'name',
  );
  const node = nameProp?.children?.[1] ?? o.node;
  return placeOf(template, { ...o, node });
}

/** Display form of a value: unknown parts as `{expression}`, without the builder's internal scope prefixes. */
function show(v: Value, max = 120): string {
  const t = displayValue(v, 1000).replace(/\{scope\d+:/g, '{');
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

function resName(r: Resource): string {
  const sym = r.symbolicName ? ` (${r.symbolicName})` : '';
  const copy = r.copyIndex !== undefined ? ` [copy ${r.copyIndex}]` : '';
  // A name built from values only known at deployment reads best as the user wrote it.
  const name = typeof r.name === 'string' || r.inline ? show(r.name) : resourceName(r);
  return `${name}${sym}${copy}`;
}

/** The structured report both renderers use. */
export function describeServices(template: Template, services: ApimService[], opts: ReportOptions = {}): ServiceReport[] {
  return services.map((s) => describeService(template, s, opts));
}

function describeService(template: Template, s: ApimService, opts: ReportOptions): ServiceReport {
  const notes: string[] = [];
  const prof = opts.profileFor ? safe(() => opts.profileFor!(s), undefined) : undefined;
  const profile: ProfileInfo | undefined = typeof prof === 'string' ? { profile: prof } : prof;
  const cond = safe(() => s.resource.condition, true as Value);
  const addl = member(safe(() => s.resource.properties(), {}), 'additionalLocations');
  if (isUnknown(addl)) notes.push(`additionalLocations could not be evaluated: ${addl.reason}`);
  const rep: ServiceReport = {
    name: resName(s.resource),
    type: `${s.resource.type}${s.apiVersion ? '@' + s.apiVersion : ''}`,
    place: resourcePlace(template, s.resource) ?? { file: s.resource.scope.file.file, line: 1, column: 1 },
    tier: valueText(s.skuName),
    capacity: valueText(s.skuCapacity),
    skuPlace: placeOf(template, s.skuNameOrigin),
    mode: valueText(s.virtualNetworkType),
    modePlace: placeOf(template, s.vnetTypeOrigin),
    profile,
    condition: cond === true ? undefined : valueText(cond),
    locations: [],
    notes,
  };
  for (const loc of s.locations) rep.locations.push(describeLocation(template, s, loc, opts));
  return rep;
}

function describeLocation(template: Template, s: ApimService, loc: ApimLocation, opts: ReportOptions): LocationReport {
  const entries: ChainEntryReport[] = [];
  const sub = linkEntry(template, 'subnet', loc.subnet, (info) => info.resource);
  if (loc.subnet.status === 'resolved') sub.details.push(...subnetDetails(loc.subnet.target));
  if (loc.subnet.status === 'none') {
    sub.text = loc.vnetConfigOrigin ? 'none (virtualNetworkConfiguration has no subnetResourceId)' : 'none (no virtualNetworkConfiguration)';
  }
  entries.push(sub);
  entries.push(linkEntry(template, 'VNet', loc.vnet, (r) => r));
  entries.push(linkEntry(template, 'NSG', loc.nsg, (r) => r));
  entries.push(linkEntry(template, 'route table', loc.routeTable, (r) => r));
  if (loc.publicIpAddressId !== undefined) entries.push(publicIpEntry(template, loc));

  const users: LocationReport['users'] = [];
  if (opts.subnetUsers !== false && loc.subnet.status === 'resolved') {
    const found = safe(() => findSubnetUsers(template, loc.subnet.status === 'resolved' ? loc.subnet.target.resource : s.resource, s.resource), []);
    for (const u of found) {
      if (u.kind === 'delegation') continue; // shown with the subnet details
      users.push({ kind: u.kind, name: resName(u.resource), place: placeOf(template, u.origin) ?? resourcePlace(template, u.resource), detail: u.detail });
    }
  }
  const rows = opts.rows ? safe(() => opts.rows!(s, loc), undefined) : undefined;
  return {
    index: loc.index,
    isPrimary: loc.isPrimary,
    location: valueText(loc.location),
    place: placeOf(template, loc.origin),
    entries,
    users,
    rows,
  };
}

function linkEntry<T>(template: Template, label: string, link: Link<T>, res: (t: T) => Resource): ChainEntryReport {
  switch (link.status) {
    case 'resolved': {
      const r = res(link.target);
      const e: ChainEntryReport = { label, status: 'resolved', text: resName(r), place: resourcePlace(template, r), details: [] };
      if (!link.certain) e.uncertain = true;
      if (r.inline) e.details.push('inline in the VNet');
      return e;
    }
    case 'external':
      return { label, status: 'external', text: `outside the template: ${show(link.id, 300)}`, details: link.reason && !link.reason.includes(displayValue(link.id, 300)) ? [link.reason.replace(/\{scope\d+:/g, '{')] : [] };
    case 'unknown':
      return { label, status: 'unknown', text: `unknown: ${link.reason.replace(/\{scope\d+:/g, '{')}`, details: [] };
    default:
      return { label, status: 'none', text: 'none', details: [] };
  }
}

function subnetDetails(info: SubnetInfo): string[] {
  const d: string[] = [];
  d.push(`prefix ${info.addressPrefixes.length ? info.addressPrefixes.map((p) => valueText(p)).join(', ') : 'not set'}`);
  if (info.delegations.length) {
    d.push(
      `delegations: ${info.delegations
        .map((x) => {
          const svc = member(member(x, 'properties'), 'serviceName') ?? member(x, 'serviceName');
          return svc !== undefined ? valueText(svc) : valueText(x);
        })
        .join(', ')}`,
    );
  }
  if (info.serviceEndpoints.length) {
    d.push(`service endpoints: ${info.serviceEndpoints.map((x) => valueText(member(x, 'service') ?? x)).join(', ')}`);
  }
  return d;
}

function publicIpEntry(template: Template, loc: ApimLocation): ChainEntryReport {
  const id = loc.publicIpAddressId as Value;
  const r = safe(() => template.resolveId(id, 'Microsoft.Network/publicIPAddresses'), undefined);
  if (r && r.kind === 'resource' && !r.resource.existing) {
    const e: ChainEntryReport = { label: 'public IP', status: 'resolved', text: resName(r.resource), place: resourcePlace(template, r.resource), details: [] };
    const sku = member(safe(() => r.resource.sku(), null), 'name');
    if (sku !== undefined) e.details.push(`sku ${valueText(sku)}`);
    if (!r.certain) e.uncertain = true;
    return e;
  }
  if (r && r.kind === 'unknown') return { label: 'public IP', status: 'unknown', text: `unknown: ${r.reason}`, details: [] };
  return { label: 'public IP', status: 'external', text: `outside the template: ${show(id, 300)}`, details: [] };
}

function valueText(v: Value | undefined): string {
  if (v === undefined) return 'not set';
  if (isUnknown(v)) {
    const c = v.candidates ? ` (one of ${v.candidates.map((x) => show(x, 40)).join(', ')})` : '';
    return `${show(v, 120)}${c}`;
  }
  if (isArray(v) || isObject(v)) return show(v, 120);
  return String(v);
}

/**
 * Requirement rows for the report from the NSG evaluator's verdicts (network/nsg.ts `evaluateRows`,
 * e.g. `nsgAnalyses(ctx)` in rules/nsg-analysis.ts): one row per verdict, the deciding rule being the
 * first blocking rule, else the first allowing one, else the rule whose unknown value decides.
 */
export function requirementRowsFromVerdicts(verdicts: readonly RowVerdict[]): RequirementRow[] {
  return verdicts.map((v) => {
    const verdict: RequirementRow['verdict'] = v.status === 'satisfied' ? 'allowed' : v.status === 'blocked' ? 'blocked' : 'unknown';
    const ports = v.row.destinationPorts.length ? v.row.destinationPorts.join(', ') : safe(() => v.ports.toString(), '*');
    const out: RequirementRow = {
      row: v.row.row,
      purpose: v.row.purpose,
      direction: v.direction,
      ports,
      verdict,
      class: v.row.class,
    };
    const decider = verdict === 'blocked' ? v.blocked[0]?.rule : verdict === 'allowed' ? v.allowedBy[0]?.rule : v.unknown[0]?.rule;
    if (verdict === 'blocked') out.blockedPorts = v.blocked.map((b) => b.portsText).join(', ');
    if (decider) {
      out.decidingRule = describeRule(decider);
      const o = decider.accessOrigin ?? decider.origin;
      if (o) out.decidingRuleOrigin = o;
    }
    if (verdict === 'unknown' && v.unknown[0]) out.note = v.unknown[0].reason;
    return out;
  });
}

/**
 * Report options from an analysis' rule context: the profile of each service and, for every
 * location whose subnet and NSG are in the template, its requirement rows with their verdicts.
 * Usage: `explainText(r.template, r.services, reportOptionsFor(r.context, { baseDir: cwd }))`.
 */
export function reportOptionsFor(ctx: RuleContext | undefined, base: ReportOptions = {}): ReportOptions {
  if (!ctx) return base;
  let analyses: ReturnType<typeof nsgAnalyses> | undefined;
  return {
    ...base,
    profileFor: base.profileFor ?? ((s) => safe(() => ctx.profileFor(s), undefined)),
    rows:
      base.rows ??
      ((s, l) => {
        analyses ??= safe(() => nsgAnalyses(ctx), []);
        const a = analyses.find((x) => x.service === s && x.loc === l);
        return a ? requirementRowsFromVerdicts(a.verdicts) : rowsWithoutNsg(ctx, s, l);
      }),
  };
}

/**
 * The rows of a location whose NSG is not evaluated: with no NSG on an in-template subnet every
 * row passes; with the subnet or NSG outside the template every row is unknown.
 */
function rowsWithoutNsg(ctx: RuleContext, s: ApimService, l: ApimLocation): RequirementRow[] | undefined {
  const mode = typeof s.virtualNetworkType === 'string' ? s.virtualNetworkType.toLowerCase() : '';
  if (mode !== 'external' && mode !== 'internal') return undefined;
  if (l.subnet.status === 'none' || l.nsg.status === 'resolved') return undefined;
  const tier = typeof s.skuName === 'string' ? s.skuName : undefined;
  const rows = safe(() => rowsFor(ctx.profileFor(s), mode === 'external' ? 'External' : 'Internal', s.locations.length > 1, tier), []);
  const note = l.subnet.status !== 'resolved' ? 'the subnet is not in this template' : l.nsg.status === 'none' ? undefined : 'the NSG is not in this template';
  return rows.flatMap((r) =>
    r.directions.map((d): RequirementRow => ({
      row: r.row,
      purpose: r.purpose,
      direction: d,
      ports: r.destinationPorts.join(', '),
      verdict: note ? 'unknown' : 'allowed',
      class: r.class,
      ...(note ? { note } : { decidingRule: 'no NSG on the subnet (nothing is filtered)' }),
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// Text (CLI --explain)

function displayFile(file: string, baseDir?: string): string {
  let p = file;
  if (/^file:\/\//i.test(p)) p = safe(() => fileURLToPath(p), p);
  if (baseDir && path.isAbsolute(p)) {
    const rel = path.relative(baseDir, p);
    if (rel && !rel.startsWith('..' + path.sep) && rel !== '..') return rel.split(path.sep).join('/');
  }
  return p;
}

function at(p: Place | undefined, baseDir?: string): string {
  return p ? `${displayFile(p.file, baseDir)}:${p.line}:${p.column}` : '';
}

/** The `--explain` text for the services of one template. */
export function explainText(template: Template, services: ApimService[], opts: ReportOptions = {}): string {
  const base = opts.baseDir;
  const lines: string[] = [];
  if (services.length === 0) {
    lines.push(`${displayFile(template.main.file, base)}: no Microsoft.ApiManagement/service resource`);
    return lines.join('\n') + '\n';
  }
  for (const s of describeServices(template, services, opts)) {
    lines.push(`APIM service ${s.name}  ${s.type}  ${at(s.place, base)}`);
    if (s.condition) lines.push(`  condition: ${s.condition}`);
    lines.push(`  tier:     ${s.tier}, capacity ${s.capacity}${s.skuPlace ? `  (sku.name ${at(s.skuPlace, base)})` : ''}`);
    lines.push(`  mode:     ${s.mode}${s.modePlace ? `  (virtualNetworkType ${at(s.modePlace, base)})` : '  (virtualNetworkType not set)'}`);
    lines.push(`  profile:  ${s.profile ? s.profile.profile + (s.profile.why ? ` (${s.profile.why})` : '') : 'not computed'}`);
    for (const n of s.notes) lines.push(`  note:     ${n}`);
    for (const l of s.locations) {
      lines.push(`  location ${l.index}${l.isPrimary ? ' (primary)' : ''}: ${l.location}${l.place ? `  ${at(l.place, base)}` : ''}`);
      const w = Math.max(...l.entries.map((e) => e.label.length));
      for (const e of l.entries) {
        const where = e.status === 'resolved' && e.place ? `  ${at(e.place, base)}` : '';
        const unc = e.uncertain ? ' (conditional)' : '';
        lines.push(`    ${e.label.padEnd(w)}  ${e.text}${unc}${where}`);
        for (const d of e.details) lines.push(`    ${' '.repeat(w)}    ${d}`);
      }
      for (const u of l.users) {
        lines.push(`    ${'shared'.padEnd(w)}  ${u.kind} ${u.name}${u.place ? `  ${at(u.place, base)}` : ''}`);
      }
      if (l.rows) {
        lines.push(`    requirements${s.profile ? ` (${s.profile.profile})` : ''}:`);
        if (l.rows.length === 0) lines.push('      none apply');
        for (const r of l.rows) {
          const blocked = r.verdict === 'blocked' && r.blockedPorts && r.blockedPorts !== r.ports ? ` (blocked: ${r.blockedPorts})` : '';
          const by = r.decidingRule ? `  by ${r.decidingRule}${r.decidingRuleOrigin ? ` ${at(placeOf(template, r.decidingRuleOrigin), base)}` : ''}` : '';
          const note = r.note ? `  (${r.note})` : '';
          lines.push(
            `      ${String(r.row).padStart(2)} ${r.verdict.padEnd(7)} ${r.direction.padEnd(8)} ${r.ports.padEnd(15)} ${r.purpose}${r.class ? ` [${r.class}]` : ''}${blocked}${by}${note}`,
          );
        }
      }
    }
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Markdown (VS Code "Show Network Report")

function defaultLink(file: string, line: number): string {
  const uri = /^[a-z][a-z0-9+.-]+:\/\//i.test(file) ? file : safe(() => pathToFileURL(file).href, file);
  return `${uri}#L${line}`;
}

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/</g, '&lt;');
}

function code(s: string, inTable = true): string {
  // Inside a GFM table a pipe ends the cell even in a code span: escape it (rendered as `|`).
  let t = s.replace(/[\r\n]+/g, ' ');
  if (inTable) t = t.replace(/\|/g, '\\|');
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

/** The network report as Markdown, with links to the lines where each link of the chain is defined. */
export function networkReportMarkdown(template: Template, services: ApimService[], opts: ReportOptions = {}): string {
  const base = opts.baseDir;
  const link = (p: Place | undefined): string => {
    if (!p) return '';
    const target = opts.linkFor ? opts.linkFor(p.file, p.line, p.column) : defaultLink(p.file, p.line);
    return `[${cell(`${path.basename(displayFile(p.file, base))}:${p.line}:${p.column}`)}](${target.replace(/\)/g, '%29').replace(/ /g, '%20')})`;
  };
  const out: string[] = [];
  out.push(`# APIM network report: ${cell(displayFile(template.main.file, base))}`, '');
  if (services.length === 0) {
    out.push('No `Microsoft.ApiManagement/service` resource in this template.', '');
    return out.join('\n');
  }
  for (const s of describeServices(template, services, opts)) {
    out.push(`## APIM service ${code(s.name, false)}`, '');
    out.push('| | |', '|---|---|');
    out.push(`| Resource | ${cell(s.type)} at ${link(s.place)} |`);
    if (s.condition) out.push(`| Condition | ${cell(s.condition)} |`);
    out.push(`| Tier | ${cell(s.tier)}, capacity ${cell(s.capacity)}${s.skuPlace ? ` (${link(s.skuPlace)})` : ''} |`);
    out.push(`| Mode | ${cell(s.mode)}${s.modePlace ? ` (${link(s.modePlace)})` : ' (virtualNetworkType not set)'} |`);
    out.push(`| Profile | ${s.profile ? cell(s.profile.profile + (s.profile.why ? ` (${s.profile.why})` : '')) : 'not computed'} |`);
    for (const n of s.notes) out.push(`| Note | ${cell(n)} |`);
    out.push('');
    for (const l of s.locations) {
      out.push(`### Location ${l.index}${l.isPrimary ? ' (primary)' : ''}: ${code(l.location, false)}${l.place ? ` ${link(l.place)}` : ''}`, '');
      out.push('| Link | Status | Resource | Defined at | Details |', '|---|---|---|---|---|');
      for (const e of l.entries) {
        const what = e.status === 'resolved' ? code(e.text) : cell(e.text);
        out.push(`| ${cell(e.label)} | ${e.status}${e.uncertain ? ' (conditional)' : ''} | ${what} | ${e.status === 'resolved' ? link(e.place) : ''} | ${cell(e.details.join('; '))} |`);
      }
      for (const u of l.users) out.push(`| shared with | ${cell(u.kind)} | ${code(u.name)} | ${link(u.place)} | ${cell(u.detail ?? '')} |`);
      out.push('');
      if (l.rows) {
        out.push(`#### Requirements${s.profile ? ` (${cell(s.profile.profile)})` : ''}`, '');
        if (l.rows.length === 0) out.push('No requirement row applies.', '');
        else {
          out.push('| # | Purpose | Direction | Ports | Verdict | Blocked ports | Deciding rule |', '|---|---|---|---|---|---|---|');
          for (const r of l.rows) {
            const verdict = r.verdict === 'allowed' ? '✅ allowed' : r.verdict === 'blocked' ? '❌ blocked' : '❔ unknown';
            const by = r.decidingRule
              ? `${cell(r.decidingRule)}${r.decidingRuleOrigin ? ` ${link(placeOf(template, r.decidingRuleOrigin))}` : ''}`
              : '';
            out.push(
              `| ${cell(String(r.row))} | ${cell(r.purpose)}${r.class ? ` (${cell(r.class)})` : ''} | ${cell(r.direction)} | ${cell(r.ports)} | ${verdict}${r.note ? ` (${cell(r.note)})` : ''} | ${cell(r.verdict === 'blocked' ? (r.blockedPorts ?? r.ports) : '')} | ${by} |`,
            );
          }
          out.push('');
        }
      }
    }
  }
  return out.join('\n');
}
