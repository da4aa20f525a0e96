/**
 * URI <-> file key conversion. The core is given file system paths for `file:` documents (so
 * linked templates and parameter files resolve relative to them) and the URI string otherwise.
 */
import { fileURLToPath, pathToFileURL } from 'url';
import * as path from 'path';

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}

/** What the analyzer is given as `file` for a document URI. */
export function fileKeyForUri(uri: string): string {
  return uriToPath(uri) ?? uri;
}

/** The URI for a file key found in a finding (absolute path or URI string). */
export function uriForFileKey(key: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(key) && !/^[a-zA-Z]:[\\/]/.test(key)) return key;
  return pathToUri(path.resolve(key));
}

/** Normalized comparison key for two URIs (VS Code encodes ':' of drive letters, others do not). */
export function sameUri(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = uriToPath(a);
  const pb = uriToPath(b);
  return pa !== undefined && pa === pb;
}
