// Keras's pad_sequences: keras-team/keras-preprocessing keras_preprocessing/sequence.py
// (commit 04b019dd, lines 19-102): maxlen defaults to the longest sequence, padding and
// truncating default to 'pre', value to 0, dtype to int32.
import { fail } from '@attnlens/core';

export type Side = 'pre' | 'post';

export interface PadOptions {
  /** Steps per sequence; default the longest sequence. */
  maxlen?: number;
  /** Where padding goes: 'pre' (default, as Keras) or 'post'. */
  padding?: Side;
  /** Which end of a longer sequence is cut off: 'pre' (default, as Keras: keep the last maxlen) or 'post'. */
  truncating?: Side;
  /** The padding id, default 0. */
  value?: number;
}

/** Where one sequence went: items [from, from + count) of it sit at steps [at, at + count). */
export interface Placement {
  from: number;
  count: number;
  at: number;
}

export function checkSide(v: string | undefined, what: 'padding' | 'truncating'): Side {
  if (v === undefined) return 'pre';
  if (v !== 'pre' && v !== 'post') fail('BAD_ARGUMENT', `${what} ${JSON.stringify(v)} is neither pre nor post`, { hint: `Keras's pad_sequences ${what === 'padding' ? 'pads' : 'truncates'} 'pre' (at the start) unless told 'post'` });
  return v;
}

function checkMaxlen(maxlen: number): number {
  if (!Number.isSafeInteger(maxlen) || maxlen < 1) fail('BAD_ARGUMENT', `maxlen must be a positive integer, not ${maxlen}`, { hint: 'the number of time steps the model was trained with' });
  return maxlen;
}

/** The placement pad_sequences gives a sequence of `length` items in `maxlen` steps. */
export function placement(length: number, maxlen: number, o: PadOptions = {}): Placement {
  const count = Math.min(length, maxlen);
  // truncating 'pre' keeps s[-maxlen:], 'post' keeps s[:maxlen].
  const from = checkSide(o.truncating, 'truncating') === 'pre' ? length - count : 0;
  // padding 'post' writes x[:len(trunc)], 'pre' writes x[-len(trunc):].
  const at = checkSide(o.padding, 'padding') === 'post' ? 0 : maxlen - count;
  return { from, count, at };
}

/** The longest length, or `maxlen` when given (checked). */
export function padLength(lengths: readonly number[], maxlen?: number): number {
  if (maxlen !== undefined) return checkMaxlen(maxlen);
  let m = 0;
  for (const l of lengths) if (l > m) m = l;
  return m;
}

/** pad_sequences over id lists: an int32 (N, maxlen) array, row-major. */
export function padSequences(seqs: readonly (readonly number[])[], o: PadOptions = {}): { data: Int32Array; shape: [number, number] } {
  const T = padLength(seqs.map((s) => s.length), o.maxlen);
  const value = o.value ?? 0;
  const data = new Int32Array(seqs.length * T).fill(value);
  seqs.forEach((s, n) => {
    const p = placement(s.length, T, o);
    for (let k = 0; k < p.count; k++) data[n * T + p.at + k] = s[p.from + k]!;
  });
  return { data, shape: [seqs.length, T] };
}
