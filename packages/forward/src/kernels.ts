// A recomputable attention layer's kernel, from the weights the Keras file holds.
import type { AttentionLayerInfo, KerasFile } from '@attnlens/keras';
import { prepareKernel, type Kernel, type Normalisation, type Variant } from '@attnlens/attention';

/** W, b, u read from `kf` for `info`; the variant and normalisation as the file says unless given. */
export function kernelFromKeras(kf: KerasFile, info: AttentionLayerInfo, o: { variant?: Variant; normalise?: Normalisation } = {}): Kernel {
  const W = kf.readWeight(info.weights.W);
  const b = info.weights.b ? kf.readWeight(info.weights.b) : undefined;
  const u = info.weights.u ? kf.readWeight(info.weights.u) : undefined;
  return prepareKernel({ variant: o.variant ?? info.variant, W, b, u, normalise: o.normalise }, kf.path);
}
