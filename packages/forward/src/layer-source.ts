// One view of a model file's attention layers, whichever adapter read it: a Keras file
// (@attnlens/keras) or a PyTorch/safetensors file (@attnlens/torch) both give the layers
// found (and why), a kernel for one of them and what provenance needs, so layer picking,
// masking and documents are the same for both, in the CLI and in a page. Browser-safe.
import { prepareKernel, type Kernel, type Normalisation, type Variant } from '@attnlens/attention';
import type { AttentionLayerInfo, KerasFile } from '@attnlens/keras';
import type { Level, TorchAttention, TorchFile } from '@attnlens/torch';
import { kernelFromKeras } from './kernels.js';

/** An attention layer attnlens can recompute; torch modules also say their level (word/sentence) when their name does. */
export type SourceAttention = AttentionLayerInfo & { level?: Level; normalise?: Normalisation };

export interface AttentionLayerSource {
  path: string;
  /** keras-h5, keras-weights-h5, keras-zip, pytorch-zip, safetensors… (Provenance.sourceFormat). */
  sourceFormat: string;
  framework: 'keras' | 'pytorch';
  frameworkVersion?: string;
  attentionLayers: SourceAttention[];
  unrecognisedAttention: { layer: string; reason: string }[];
  layers: { name: string }[];
  /** A layer (or torch module) by name; NOT_FOUND lists the names. */
  layer(name: string): unknown;
  /** The checked kernel of one attention layer; `variant`/`normalise` override what the file says. */
  kernel(info: SourceAttention, o?: { variant?: Variant; normalise?: Normalisation }): Promise<Kernel>;
  close(): Promise<void>;
}

/** What attnlens can recompute, per framework: the hint when a layer looks like attention but is not one of these. */
export const RECOMPUTES: Record<AttentionLayerSource['framework'], string> = {
  keras: 'attnlens recomputes AttentionWithContext, AttLayer, Dense(1) score layers, per-step-bias and per-feature attention',
  pytorch: 'attnlens recomputes a Linear(H, 1) score head, Linear(H, A) with a context Linear(A, 1), and W/b/u parameters (tanh(x·W + b)·u)',
};

export function kerasLayerSource(kf: KerasFile): AttentionLayerSource {
  return {
    path: kf.path, sourceFormat: kf.layout, framework: 'keras', ...(kf.kerasVersion ? { frameworkVersion: kf.kerasVersion } : {}),
    attentionLayers: kf.attentionLayers, unrecognisedAttention: kf.unrecognisedAttention, layers: kf.layers,
    layer: (name) => kf.layer(name),
    kernel: async (info, o = {}) => kernelFromKeras(kf, info, o),
    close: async () => kf.close(),
  };
}

/** A torch module is a "layer": the tensor names without their last `.` part. */
export function torchLayerSource(tf: TorchFile): AttentionLayerSource {
  const modules = [...new Set(tf.tensors.map((t) => t.name.replace(/\.[^./]*$/, '')))];
  const byLayer = new Map<string, TorchAttention>(tf.attentionLayers.map((a) => [a.layer, a]));
  return {
    path: tf.name ?? '', sourceFormat: tf.format, framework: 'pytorch',
    attentionLayers: tf.attentionLayers, unrecognisedAttention: tf.unrecognisedAttention,
    layers: modules.map((name) => ({ name })),
    layer(name) {
      if (modules.includes(name)) return name;
      return tf.tensor(name); // NOT_FOUND listing the tensor names
    },
    async kernel(info, o = {}) {
      const a = byLayer.get(info.layer)!;
      const w = await tf.attentionWeights(a);
      return prepareKernel({ variant: o.variant ?? a.variant, normalise: o.normalise ?? a.normalise, ...w }, tf.name);
    },
    close: () => tf.close(),
  };
}
