// Models built in memory for tests: a KerasFile stand-in holding the weights, and config builders.
import type { Tensor } from '@attnlens/core';
import type { KerasFile, KerasLayer } from '@attnlens/keras';

export const f32 = (shape: number[], fill = (i: number) => Math.sin(i + 1) * 0.3): Tensor =>
  ({ dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => fill(i)) });

/** A KerasFile stand-in: layer name → [weight name, tensor] in Keras's order. */
export function file(config: unknown, weights: Record<string, [string, Tensor][]> = {}): KerasFile {
  const data = new Map<string, Tensor>();
  const layers: KerasLayer[] = Object.entries(weights).map(([name, ws]) => ({
    name,
    weights: ws.map(([n, t]) => {
      data.set(`${name}/${n}`, t);
      return { name: n, path: `${name}/${n}`, dtype: t.dtype, shape: [...t.shape] };
    }),
  }));
  return {
    path: 'model.h5', layout: 'keras-h5', detail: 'test', kerasVersion: '2.2.4', backend: 'tensorflow', modelConfig: config, layers,
    attentionLayers: [], unrecognisedAttention: [],
    layer: (n: string) => layers.find((l) => l.name === n)!,
    readWeight: (p: string) => data.get(p)!,
    close: () => {},
  };
}

export const node = (...names: string[]) => (names.length ? [[...names.map((n) => [n, 0, 0, {}])]] : []);
export const L = (cls: string, name: string, inbound: unknown[], config: Record<string, unknown> = {}) => ({ name, class_name: cls, config: { name, ...config }, inbound_nodes: inbound });
export const model = (layers: unknown[], inputs: string[], outputs: string[]) => ({
  class_name: 'Model',
  config: { name: 'm', layers, input_layers: inputs.map((n) => [n, 0, 0]), output_layers: outputs.map((n) => [n, 0, 0]) },
});
export const input = (name: string, shape: (number | null)[], dtype = 'float32') => L('InputLayer', name, [], { batch_input_shape: [null, ...shape], dtype });

