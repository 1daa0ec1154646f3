// Which samples a shard of documents owns, known before any maths (issue 16: N shards together
// do the work of one run). A document computed from X or from a model's inputs is named by its
// sample number in the whole input (attentionDocuments' and the forward path's default id,
// String(i)), so shard K's samples are those whose String(i) hashes into K (core's shardOf),
// and only those need to be scored. Browser-safe.
import { fail, shardOf, type Shard } from '@attnlens/core';
import type { Mask } from './mask.js';

/** The samples 0..total-1 whose document id (String(i)) belongs to `shard`, increasing. All of them without a shard. */
export function shardSamples(total: number, shard: Shard | undefined): Uint32Array {
  if (!Number.isSafeInteger(total) || total < 0 || total > 0xffffffff) fail('BAD_ARGUMENT', `cannot split ${total} samples into shards`);
  if (!shard || shard.count === 1) return Uint32Array.from({ length: total }, (_, i) => i);
  // Two passes (count, then fill) so the list is allocated once at its exact size.
  let n = 0;
  for (let i = 0; i < total; i++) if (shardOf(String(i), shard.count) === shard.index) n++;
  const out = new Uint32Array(n);
  for (let i = 0, j = 0; i < total; i++) if (shardOf(String(i), shard.count) === shard.index) out[j++] = i;
  return out;
}

/** Checks that `samples` is increasing and within 0..total-1 (what every gathering loop relies on). */
export function checkSamples(samples: ArrayLike<number>, total: number, what = 'samples'): void {
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (!Number.isSafeInteger(s) || s < 0 || s >= total || (i > 0 && s <= samples[i - 1]!)) {
      fail('BAD_ARGUMENT', `${what} must be increasing whole numbers below ${total}; entry ${i} is ${s}`);
    }
  }
}

/** The mask of sequences `seqs` (X's sequence numbers), in that order, as sliceMask gives for a contiguous range. */
export function gatherMask(mask: Mask, seqs: ArrayLike<number>, T: number): Mask {
  if ('lengths' in mask) return { lengths: Int32Array.from({ length: seqs.length }, (_, i) => mask.lengths[seqs[i]!]!) };
  const out = new Uint8Array(seqs.length * T);
  for (let i = 0; i < seqs.length; i++) out.set(mask.mask.subarray(seqs[i]! * T, (seqs[i]! + 1) * T), i * T);
  return { mask: out };
}
