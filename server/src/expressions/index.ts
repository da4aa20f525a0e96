/** ARM template expression language: parser, evaluator and value helpers. */
export * from './value';
export type { EvalContext, UserFunction } from './context';
export * from './ast';
export { tokenize, type Token, type TokenType } from './tokenizer';
export { MAX_DEPTH } from './parser';
export { isExpression, parseExpression, evaluateString, evaluateAst, parseCached, parseCacheSize, getProperty, getIndex, keyOf, callKey, firstUnknown } from './evaluator';
export { BUILTINS, SPECIAL_FUNCTIONS, supportedFunctions, buildString } from './functions';
export { parseIpv4, formatIpv4, parseIpv4Cidr, describeIpv4, ipv4Subnet, ipv4Host } from './cidr';
export { splitSymbolic, isStringish, mapCandidates, liftArgs, markOpenObject, openObjectInfo, type OpenObjectInfo } from './util';
export { rawOffsetMapper } from './offsets';
