/**
 * The one entry point of the core for both fronts (CLI and language server):
 * text + options → findings. Pure and synchronous; never throws on any text.
 */
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { Finding, Severity, SeveritySetting } from './findings';
import { DEFAULT_MAX_FILE_SIZE, type ApimVnetConfig, type Platform } from './config/types';
import type { Template } from './template/model';
import type { ApimService } from './network/chain-model';
import { buildTemplate } from './template/builder';
import { detectKindOfRoot, scanKind } from './template/params';
import { MAX_NESTING, parseSource } from './template/parse';
import { ParseErrorCode } from 'jsonc-parser';
import { buildChain } from './network/chain';
import { RULES, ruleMeta } from './rules/registry';
import type { RuleContext } from './rules/context';
import { profileForService } from './rules/util';
import { applySuppressions } from './config/suppression';

export interface AnalyzeOptions {
  /** Absolute path (CLI) or URI string (server) of the document. */
  file: string;
  text: string;
  /** Effective configuration (file config merged with settings / CLI flags). */
  config?: ApimVnetConfig;
  /** Parameter file to apply, when one belongs to this template. */
  parametersFile?: string;
  /** Reads linked templates and parameter files; undefined = not readable / not allowed. */
  readFile?: (path: string) => string | undefined;
}

export type DocumentKind = 'template' | 'parameters' | 'other';

export interface AnalysisResult {
  kind: DocumentKind;
  findings: Finding[];
  template?: Template;
  services?: ApimService[];
  /** Rule context, for fronts that render the network report (profile per service). */
  context?: RuleContext;
}

/** Cheap pre-check: a document that never mentions an APIM service cannot produce findings. */
export function mentionsApim(text: string): boolean {
  // one case-insensitive pass (a case-sensitive substring search first would make documents
  // without a service, the common case in a workspace, read their text twice: +60 %)
  return /microsoft\.apimanagement\/service/i.test(text);
}

export function analyze(opts: AnalyzeOptions): AnalysisResult {
  try {
    return analyzeUnsafe(opts);
  } catch (e) {
    // The analyzer must never throw on any text; an internal error is a bug, reported as such.
    const err = e instanceof Error ? e : new Error(String(e));
    return {
      kind: 'other',
      findings: [
        {
          ruleId: 'internal-error',
          severity: 'error',
          message: `APIM VNet Lint failed to analyze this file (internal error: ${err.message}). Please report it.`,
          location: { file: opts.file, range: { offset: 0, length: 0 } },
          related: [],
          fixes: [],
        },
      ],
    };
  }
}

/**
 * The finding for a file over the size limit (`maxFileSize`), shared by the fronts, which check the
 * size before reading the text (the CLI from the file system, the server from the document).
 */
export function fileSkippedFinding(file: string, size: number, maxSize: number): Finding {
  return {
    ruleId: 'file-skipped',
    severity: 'warning',
    message: `File not analyzed: it is ${size} bytes, over the limit of ${maxSize} bytes ("maxFileSize" in .apim-vnet.json, or the apimVnet.maxFileSize setting).`,
    location: { file, range: { offset: 0, length: 0 } },
    related: [],
    fixes: [],
  };
}

/**
 * analyze() without the cheap path for documents that mention no APIM service (which must give
 * the same result): for tests that compare the two.
 */
export function analyzeWithoutQuickPath(opts: AnalyzeOptions): AnalysisResult {
  return analyzeUnsafe(opts, false);
}

function analyzeUnsafe(opts: AnalyzeOptions, quickPath = true): AnalysisResult {
  const config = opts.config ?? {};
  const maxSize = config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // Cheap bound first (UTF-8 takes at least one byte per UTF-16 unit), exact size only near it.
  if (opts.text.length > maxSize / 3) {
    const size = Buffer.byteLength(opts.text, 'utf8');
    if (size > maxSize) return { kind: 'other', findings: applyConfig([fileSkippedFinding(opts.file, size, maxSize)], config, opts.file, '') };
  }
  const findings: Finding[] = [];
  // Cheap path: a document that mentions no APIM service and links no template can only yield
  // invalid-json; its first syntax error and its kind come from scanKind, the same as the tree
  // below would give them, without building it (well-formed text is only validated; broken text
  // goes through jsonc-parser's visitor, which stops early when it can). A document nested too
  // deep takes the full path (refused there).
  // Each pre-check reads the whole text at most once per analysis; for well-formed text the kind
  // scan also tells whether a `templateLink` key exists (no separate search of the text).
  const apim = mentionsApim(opts.text);
  let linked: boolean | undefined;
  const hasLinked = () => (linked ??= hasLinkedTemplates(opts.text));
  if (quickPath && !apim) {
    const quick = scanKind(opts.text);
    if (quick && !(quick.templateLinkKey ?? hasLinked())) {
      const syntax = quick.error ?? (quick.hasRoot ? undefined : emptyContentError(opts.text));
      const found = syntax ? [invalidJsonFinding(opts.file, syntax)] : [];
      return { kind: kindShown(quick.kind, syntax, opts.text), findings: applyConfig(found, config, opts.file, opts.text) };
    }
  }
  // Parse once: the tree (cached by text in parseSource) serves the syntax check, the kind and
  // the builder.
  const src = parseSource(opts.file, opts.text);
  if (src.refused) {
    // Nested deeper than the recursive parsers can take (jsonc-parser's parseTree overflows the
    // stack near 5,000 levels): skipped with the reason, never parsed again (no stack overflow).
    const skipped: Finding = {
      ...fileSkippedFinding(opts.file, 0, 0),
      message: `File not analyzed: objects/arrays are nested deeper than ${MAX_NESTING} levels.`,
      location: { file: opts.file, range: { offset: src.refused.offset, length: 1 } },
    };
    return { kind: looksLikeTemplateText(opts.text) ? 'template' : 'other', findings: applyConfig([skipped], config, opts.file, opts.text) };
  }
  const syntax = src.parseErrors[0] ?? (src.root ? undefined : emptyContentError(opts.text));
  if (syntax) findings.push(invalidJsonFinding(opts.file, syntax));
  const kind = detectKindOfRoot(src.root);
  if (kind !== 'template') {
    return { kind: kindShown(kind, syntax, opts.text), findings: applyConfig(findings, config, opts.file, opts.text) };
  }
  if (!apim && !hasLinked()) {
    return { kind, findings: applyConfig(findings, config, opts.file, opts.text) };
  }
  const template = buildTemplate({
    file: opts.file,
    text: opts.text,
    parametersFile: opts.parametersFile,
    readFile: opts.readFile,
  });
  const services = buildChain(template);
  const platform: Platform = config.platform ?? 'auto';
  const context: RuleContext = {
    template,
    services,
    platform,
    profileFor: (s) => profileForService(platform, s),
  };
  for (const rule of RULES) {
    const setting = severitySetting(rule.id, config);
    if (setting === 'off') continue;
    let ruleFindings: Finding[] = [];
    try {
      ruleFindings = rule.check(context);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      ruleFindings = [
        {
          ruleId: 'internal-error',
          severity: 'error',
          message: `Rule ${rule.id} failed on this file (internal error: ${err.message}). Please report it.`,
          location: { file: opts.file, range: { offset: 0, length: 0 } },
          related: [],
          fixes: [],
        },
      ];
    }
    findings.push(...ruleFindings);
  }
  return { kind, findings: applyConfig(findings, config, opts.file, opts.text, template), template, services, context };
}

/** The invalid-json finding for the first syntax error. */
function invalidJsonFinding(file: string, syntax: ParseError): Finding {
  return {
    ruleId: 'invalid-json',
    severity: 'error',
    message: `The file is not valid JSON: ${describeParseError(syntax)}. What could be recovered is still analyzed.`,
    location: { file, range: { offset: syntax.offset, length: Math.max(syntax.length, 0) } },
    related: [],
    fixes: [],
  };
}

/** The kind reported: a broken document that looks like a template counts as one. */
function kindShown(kind: DocumentKind, syntax: ParseError | undefined, text: string): DocumentKind {
  return syntax && kind === 'other' && looksLikeTemplateText(text) ? 'template' : kind;
}

/** jsonc-parser's error for a document with no value (allowEmptyContent: false). */
function emptyContentError(text: string): ParseError {
  return { error: ParseErrorCode.ValueExpected, offset: text.length, length: 0 };
}

function looksLikeTemplateText(text: string): boolean {
  return /deploymentTemplate\.json/i.test(text) || /"resources"\s*:/.test(text);
}

/**
 * Whether a deployment may link a template (a `templateLink` property, any case): the full path
 * reads it (relativePath) or reports it as unverifiable (URI, template spec), even when this
 * document mentions no APIM service. For text the kind scan could not vouch for.
 */
function hasLinkedTemplates(text: string): boolean {
  return /"templatelink"\s*:/i.test(text);
}

/** Severity from the config (`rules` map), else the rule's default. */
export function severitySetting(ruleId: string, config: ApimVnetConfig): SeveritySetting {
  const configured = config.rules?.[ruleId];
  if (configured) return configured;
  return ruleMeta(ruleId)?.defaultSeverity ?? 'warning';
}

function applyConfig(findings: Finding[], config: ApimVnetConfig, file: string, text: string, template?: Template): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const configured = config.rules?.[f.ruleId];
    if (configured === 'off') continue;
    // A configured severity replaces the rule's own; otherwise the rule's choice (which may be
    // lower than its default, e.g. a warning for an allowedValues problem) stands.
    const severity: Severity = configured ?? f.severity;
    out.push(severity === f.severity ? f : { ...f, severity });
  }
  // Suppression comments apply in the file that holds them: the document's own for its findings,
  // a linked template's for findings located in that file.
  let kept = applySuppressions(text, out, file);
  if (template) {
    for (const [other, src] of template.files) {
      if (other !== file && kept.some((f) => f.location.file === other)) kept = applySuppressions(src.text, kept, other);
    }
  }
  return kept.sort(
    (a, b) =>
      (a.location.file === b.location.file ? 0 : a.location.file < b.location.file ? -1 : 1) ||
      a.location.range.offset - b.location.range.offset ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

/** The first real syntax error; comments and trailing commas are accepted (ARM accepts both). */
export function firstSyntaxError(text: string): ParseError | undefined {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  return errors[0];
}

function describeParseError(e: ParseError): string {
  const names: Record<string, string> = {
    InvalidSymbol: 'invalid symbol',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: "':' expected",
    CommaExpected: "',' expected",
    CloseBraceExpected: "'}' expected",
    CloseBracketExpected: "']' expected",
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'invalid comment',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  const code = printParseErrorCode(e.error);
  return names[code] ?? code;
}
