// How token labels line up with X's padded time axis.
import { fail } from '@attnlens/core';
import { validExtent, type Mask } from './mask.js';

// The token-file parsers live in @attnlens/text (one parser of each layout); kept here
// so that existing imports from @attnlens/attention go on working.
export { parseTokens, parseSentenceTokens } from '@attnlens/text';

/**
 * Column labels for one sequence of T steps. Tokens may number T (labels for every step,
 * padding included), or the number of valid steps (they go to the valid steps in order,
 * padding gets ""); without a mask, fewer than T tokens are taken as post-padding.
 */
export function alignTokens(tokens: readonly string[], T: number, mask: Mask | undefined, n: number, what: string, file?: string): string[] {
  const k = tokens.length;
  if (k === T) return [...tokens];
  const { count } = validExtent(mask, n, T);
  if (k > T) {
    fail('SHAPE_MISMATCH', `${what} has ${k} tokens but X has only T = ${T} steps`, { file, hint: 'tokens and X must come from the same (truncated) sequences', details: { tokens: k, T } });
  }
  const out = new Array<string>(T).fill('');
  if (!mask) {
    for (let t = 0; t < k; t++) out[t] = tokens[t]!;
    return out;
  }
  if (k !== count) {
    fail('SHAPE_MISMATCH', `${what} has ${k} tokens but X has T = ${T} steps of which ${count} are valid`, {
      file,
      hint: 'give either one token per step (padding included) or one per valid step',
      details: { tokens: k, T, valid: count },
    });
  }
  let j = 0;
  for (let t = 0; t < T && j < k; t++) {
    const valid = 'lengths' in mask ? t < mask.lengths[n]! : mask.mask[n * T + t] !== 0;
    if (valid) out[t] = tokens[j++]!;
  }
  return out;
}
