/** Template model builder: public entry points. */
export { buildTemplate, resolveRelative } from './builder';
export { detectDocumentKind, readParameterFile, type DocumentKind, type ParameterFileEntry } from './params';
export { parseSource, MAX_NESTING } from './parse';
export { parseId, splitPath, composeId, nameSegments, type ParsedId } from './ids';
export * from './model';
