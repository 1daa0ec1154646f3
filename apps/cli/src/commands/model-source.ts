// What `compute --model` needs from a model file, whichever adapter reads it: its attention
// layers (found and explained by the adapter), a kernel for one of them, and provenance.
// A Keras file (@attnlens/keras) and a PyTorch or safetensors file (@attnlens/torch) both
// give it, so compute picks layers, masks and writes the same way for both.
import { sniffFile } from '@attnlens/core/node';
import { prepareKernel, type Kernel, type Normalisation, type Variant } from '@attnlens/attention';
import { kernelFromKeras } from '@attnlens/forward';
import { openKeras, type AttentionLayerInfo, type KerasFile } from '@attnlens/keras/node';
import { openTorchFile, type Level, type TorchAttention, type TorchFile } from '@attnlens/torch/node';

export type ModelAttention = AttentionLayerInfo & { level?: Level; normalise?: Normalisation };

export interface ModelSource {
  path: string;
  sourceFormat: string;
  framework: 'keras' | 'pytorch';
  frameworkVersion?: string;
  attentionLayers: ModelAttention[];
  unrecognisedAttention: { layer: string; reason: string }[];
  layers: { name: string }[];
  /** A layer (or torch module) by name; NOT_FOUND lists the names. */
  layer(name: string): unknown;
  /** The checked kernel of one attention layer; `variant`/`normalise` override what the file says. */
  kernel(info: ModelAttention, o?: { variant?: Variant; normalise?: Normalisation }): Promise<Kernel>;
  close(): Promise<void>;
}

export async function openModelSource(path: string, kerasOpts: Parameters<typeof openKeras>[1] = {}): Promise<ModelSource> {
  const { format } = await sniffFile(path);
  if (format === 'pytorch' || format === 'safetensors') return torchSource(await openTorchFile(path));
  return kerasSource(await openKeras(path, kerasOpts));
}

function kerasSource(kf: KerasFile): ModelSource {
  return {
    path: kf.path, sourceFormat: kf.layout, framework: 'keras', ...(kf.kerasVersion ? { frameworkVersion: kf.kerasVersion } : {}),
    attentionLayers: kf.attentionLayers, unrecognisedAttention: kf.unrecognisedAttention, layers: kf.layers,
    layer: (name) => kf.layer(name),
    kernel: async (info, o = {}) => kernelFromKeras(kf, info, o),
    close: async () => kf.close(),
  };
}

/** A torch module is a "layer": the tensor names without their last `.` part. */
function torchSource(tf: TorchFile): ModelSource {
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
