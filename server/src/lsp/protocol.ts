/** Custom requests and notifications of the APIM VNet language server (shared with the client by value). */
export const Methods = {
  analyzeWorkspace: 'apimVnet/analyzeWorkspace',
  networkReport: 'apimVnet/networkReport',
  fixAll: 'apimVnet/fixAll',
  /** Every rule id with its description, default severity and docs URL. */
  rules: 'apimVnet/rules',
  /** Server → client notification after each analysis of an open document. */
  status: 'apimVnet/status',
} as const;

export interface AnalyzeWorkspaceParams {
  /** Folder URIs to scan; default: every workspace folder. */
  folders?: string[];
  workDoneToken?: string | number;
}

export interface AnalyzeWorkspaceResult {
  /** Templates found and analyzed. */
  files: number;
  /** Findings over all of them. */
  findings: number;
  /** JSON files looked at. */
  scanned: number;
}

export interface UriParams {
  uri: string;
}

export interface StatusParams {
  uri: string;
  version: number;
  isTemplate: boolean;
  /** Requirement profile per APIM service of the template, e.g. ["stv2"]. */
  profiles: string[];
  errors: number;
  warnings: number;
  infos: number;
  elapsedMs: number;
}

export interface RuleInfo {
  id: string;
  description: string;
  defaultSeverity: string;
  docsUrl: string;
}
