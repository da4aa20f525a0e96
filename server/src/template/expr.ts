/** The expression evaluator the template layer uses (engineer A's expressions/). */
export { evaluateString, isExpression } from '../expressions/index';
