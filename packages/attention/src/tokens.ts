// Token labels for the steps of each sample, and how they line up with X's padded time axis.
import { fail } from '@attnlens/core';
import { validExtent, type Mask } from './mask.js';

/**
 * Tokens of each sample: a JSON array of arrays of strings, or text with one sample per
 * line and tokens separated by spaces (a final newline does not add a sample).
 */
export function parseTokens(text: string, file?: string): string[][] {
  const body = text.replace(/^\uFEFF/, '');
  if (/^\s*\[/.test(body)) {
    const v = parseJson(body, file);
    if (!Array.isArray(v) || !v.every((s) => Array.isArray(s) && s.every((t) => typeof t === 'string'))) {
      fail('BAD_ARGUMENT', 'JSON tokens must be an array of arrays of strings, one array per sample', { file, hint: 'e.g. [["the", "cat"], ["a", "dog", "ran"]]' });
    }
    return v as string[][];
  }
  const lines = body.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.split(/[ \t]+/).filter((t) => t !== ''));
}

/**
 * Tokens of each sentence of each sample, for hierarchical attention: a JSON array
 * (samples) of arrays (sentences) of arrays of strings, or text with one sentence per
 * line and a blank line between samples.
 */
export function parseSentenceTokens(text: string, file?: string): string[][][] {
  const body = text.replace(/^\uFEFF/, '');
  if (/^\s*\[/.test(body)) {
    const v = parseJson(body, file);
    const ok = Array.isArray(v) && v.every((d) => Array.isArray(d) && d.every((s) => Array.isArray(s) && s.every((t) => typeof t === 'string')));
    if (!ok) fail('BAD_ARGUMENT', 'JSON tokens for hierarchical attention must be samples → sentences → tokens (arrays of arrays of arrays of strings)', { file, hint: 'e.g. [[["good", "food"], ["slow", "service"]]]' });
    return v as string[][][];
  }
  const docs: string[][][] = [];
  let cur: string[][] | undefined;
  for (const line of body.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (cur) docs.push(cur);
      cur = undefined;
      continue;
    }
    (cur ??= []).push(line.split(/[ \t]+/).filter((t) => t !== ''));
  }
  if (cur) docs.push(cur);
  return docs;
}

function parseJson(text: string, file?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail('BAD_ARGUMENT', `tokens look like JSON but do not parse: ${(e as Error).message}`, { file, hint: 'fix the JSON, or give plain text with one sample per line' });
  }
}

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
