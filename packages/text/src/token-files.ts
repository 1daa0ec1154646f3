// Token files that label the steps of each sample (moved here from @attnlens/attention,
// which re-exports them): plain text or JSON.
import { fail } from '@attnlens/core';
import { fileLines, lineBlocks } from './blocks.js';

const words = (line: string) => line.split(/[ \t]+/).filter((t) => t !== '');

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
  return fileLines(body).map(words);
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
  return lineBlocks(body).map((b) => b.map(words));
}

function parseJson(text: string, file?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail('BAD_ARGUMENT', `tokens look like JSON but do not parse: ${(e as Error).message}`, { file, hint: 'fix the JSON, or give plain text with one sample per line' });
  }
}
