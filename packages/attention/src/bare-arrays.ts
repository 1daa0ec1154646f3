// Attention from bare W/b/u arrays (no layer config to say how it computes): the variant
// from their shapes alone, and the provenance of what was recomputed from them.
// Browser-safe; the caller shows the warning (the CLI on stderr, a page beside the map).
import { fail, formatShape, GENERATOR, type Provenance, type Tensor } from '@attnlens/core';
import type { Kernel, Variant } from './variants.js';

export interface VariantGuess {
  variant: Variant;
  /** Set when the shapes fit more than one variant: what was taken, and how to choose another. */
  warning?: string;
  /** With a warning: the option that settles it: 'variant' (name the variant) or 'weights' (give the missing u) (for callers that map options to their own names). */
  option?: 'variant' | 'weights';
}

const is2d = (t: Tensor): t is Tensor & { shape: [number, number] } => t.shape.length === 2;

/**
 * W, b, u → variant:
 * - no u: w (F, 1) with a bias per step b (T, 1), T > 1, is step-bias; a square W (F > 1) is
 *   per-feature (warned: it is also an AttentionWithContext missing its u); anything else linear;
 * - with u: W (F, A), F ≠ A, is attlayer; a square W is AttentionWithContext, taken as trained on
 *   TensorFlow (awc-tf, x·Wᵀ, FORMATS.md §2.1), warned; a W that is not 2-D cannot have a u.
 */
export function guessVariant(W: Tensor, b: Tensor | undefined, u: Tensor | undefined, file?: string): VariantGuess {
  const square = is2d(W) && W.shape[0] === W.shape[1];
  if (!u) {
    if (b && is2d(W) && W.shape[1] === 1 && is2d(b) && b.shape[1] === 1 && b.shape[0] > 1) return { variant: 'step-bias' };
    if (square && W.shape[0]! > 1) {
      return {
        variant: 'per-feature',
        warning: `W is square ${formatShape(W.shape)} and there is no u: taking it as per-feature attention (exp(tanh(x·W + b)) over time for each feature, a (T, F) map); give u as well (W, b, u) for AttentionWithContext`,
        option: 'weights',
      };
    }
    return { variant: 'linear' };
  }
  if (is2d(W) && !square) return { variant: 'attlayer' };
  if (square) {
    // Nearly every saved AttentionWithContext was trained on TensorFlow (x·Wᵀ, FORMATS.md §2.1).
    return {
      variant: 'awc-tf',
      warning: `W is square ${formatShape(W.shape)}: taking it as AttentionWithContext trained on TensorFlow (awc-tf, x·Wᵀ); choose the variant awc-th or attlayer if the layer computed x·W`,
      option: 'variant',
    };
  }
  return fail('SHAPE_MISMATCH', `W is ${formatShape(W.shape)}, but a layer with a context vector u needs a 2-D W (F, A)`, { file, hint: 'check the order: W, b, u' });
}

/** Attention recomputed from bare arrays (`fileNames` in the order W, b, u; the caller hashes W to `sha256`) over the inputs named `inputsName`. */
export function arraysProvenance(fileNames: readonly string[], k: Pick<Kernel, 'variant' | 'normalise'>, o: { sha256: string; inputsName: string }): Provenance {
  return {
    sourceFormat: 'npy',
    fileName: fileNames.join(','),
    sha256: o.sha256,
    generator: GENERATOR,
    note: `recomputed from ${o.inputsName} with ${k.variant} (${k.normalise} normalisation); sha256 is W's`,
  };
}
