/**
 * Offsets of expressions are indices into the decoded JSON string value. When the raw JSON text
 * of the string contains escapes (\" \\ \n \uXXXX ...) the raw positions differ; this maps a
 * decoded-value offset back to the raw text so findings can point at the right characters.
 */
/**
 * Builds a mapper for one JSON string. `raw` is the source text between the quotes (escapes not
 * decoded). The returned function maps a decoded offset (0..decoded length) to a raw offset
 * (relative to the character after the opening quote). Offsets past the end clamp to the end.
 */
export declare function rawOffsetMapper(raw: string): (valueOffset: number) => number;
