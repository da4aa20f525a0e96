"use strict";
/**
 * Offsets of expressions are indices into the decoded JSON string value. When the raw JSON text
 * of the string contains escapes (\" \\ \n \uXXXX ...) the raw positions differ; this maps a
 * decoded-value offset back to the raw text so findings can point at the right characters.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.rawOffsetMapper = rawOffsetMapper;
/**
 * Builds a mapper for one JSON string. `raw` is the source text between the quotes (escapes not
 * decoded). The returned function maps a decoded offset (0..decoded length) to a raw offset
 * (relative to the character after the opening quote). Offsets past the end clamp to the end.
 */
function rawOffsetMapper(raw) {
    if (raw.indexOf('\\') < 0)
        return (o) => Math.max(0, Math.min(o, raw.length));
    const positions = [];
    let i = 0;
    while (i < raw.length) {
        positions.push(i);
        if (raw.charCodeAt(i) === 92 /* \ */) {
            const next = raw[i + 1];
            if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6)))
                i += 6;
            else
                i += Math.min(2, raw.length - i);
        }
        else {
            i++;
        }
    }
    positions.push(raw.length);
    return (o) => {
        if (o <= 0)
            return 0;
        if (o >= positions.length)
            return raw.length;
        return positions[o];
    };
}
//# sourceMappingURL=offsets.js.map