/**
 * A bounded cache of a parser's answers (undefined included) by text: NSG rules, subnets and
 * requirement rows repeat the same few port ranges, prefixes and tags. Answers are shared, hence
 * immutable.
 */
export function cachedParser<T>(parse: (text: string) => T | undefined, max = 512): (text: string) => T | undefined {
  const answers = new Map<string, T | undefined>();
  return (text) => {
    const hit = answers.get(text);
    if (hit !== undefined || answers.has(text)) return hit;
    const v = parse(text);
    if (answers.size >= max) answers.clear();
    answers.set(text, v);
    return v;
  };
}
