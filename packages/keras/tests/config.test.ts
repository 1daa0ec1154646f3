import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAttnlensError } from '@attnlens/core';
import { parsePythonJson } from '../src/python-json.js';
import { classNamesByLayer, keras3GroupKeys, keras3LayerGroups, toSnakeCase, topLevelLayers } from '../src/model-config.js';

/** json.dumps as Python writes it: NaN, Infinity and -Infinity as bare tokens. */
function pythonDumps(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pythonDumps).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pythonDumps(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

describe('parsePythonJson', () => {
  it('reads the NaN, Infinity and -Infinity tokens Python writes, and leaves them alone inside strings', () => {
    const v = parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity, 1e-7], "s": "NaN and -Infinity \\" Infinity", "n": {"x": -1.5}}') as any;
    expect(v.a).toBeNaN();
    expect(v.b).toEqual([Infinity, -Infinity, 1e-7]);
    expect(v.s).toBe('NaN and -Infinity " Infinity');
    expect(v.n.x).toBe(-1.5);
  });

  it('fails with CORRUPT naming what it was reading', () => {
    try {
      parsePythonJson('{"class_name": "Model", ', 'model_config', 'm.h5');
      expect.unreachable();
    } catch (e) {
      expect(isAttnlensError(e) && e.code).toBe('CORRUPT');
      expect(String((e as Error).message)).toMatch(/^m\.h5: model_config is not valid JSON/);
    }
  });

  it('property: round-trips any JSON value with non-finite numbers in it', () => {
    const num = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, num, fc.string().filter((s) => !s.startsWith('#')), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 })),
    })).v;
    fc.assert(fc.property(value, (v) => {
      expect(parsePythonJson(pythonDumps(v))).toEqual(JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? `#${x}` : x)), (_k, x) => (typeof x === 'string' && /^#(NaN|-?Infinity)$/.test(x) ? Number(x.slice(1)) : x)));
    }), { numRuns: 300 });
  });
});

describe('model config', () => {
  const keras2 = {
    class_name: 'Model',
    config: { name: 'm', layers: [
      { name: 'input_2', class_name: 'InputLayer', config: { name: 'input_2' } },
      { name: 'time_distributed_1', class_name: 'TimeDistributed', config: { name: 'time_distributed_1', layer: { class_name: 'Model', config: { name: 'model_1', layers: [
        { name: 'att_layer_1', class_name: 'AttLayer', config: { name: 'att_layer_1' } },
        { name: 'bidirectional_1', class_name: 'Bidirectional', config: { name: 'bidirectional_1', layer: { class_name: 'GRU', config: { name: 'gru_1' } } } },
      ] } } } },
    ] },
  };

  it('finds class names at any depth (wrappers, nested models, Bidirectional layers)', () => {
    expect(Object.fromEntries(classNamesByLayer(keras2))).toEqual({
      m: 'Model', input_2: 'InputLayer', time_distributed_1: 'TimeDistributed', model_1: 'Model', att_layer_1: 'AttLayer', bidirectional_1: 'Bidirectional', gru_1: 'GRU',
    });
    expect(topLevelLayers(keras2).map((l) => l.name)).toEqual(['input_2', 'time_distributed_1']);
  });

  it('reads the Keras 1 Sequential list form', () => {
    const k1 = { class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'dense_1' } }, { class_name: 'AttLayer', config: { name: 'attlayer_1' } }] };
    expect(topLevelLayers(k1).map((l) => [l.name, l.className])).toEqual([['dense_1', 'Dense'], ['attlayer_1', 'AttLayer']]);
    expect(classNamesByLayer(k1).get('attlayer_1')).toBe('AttLayer');
  });

  it('snake-cases class names as Keras 3 does', () => {
    expect(['Dense', 'LSTM', 'AttentionWithContext', 'AttLayer', 'Conv2D', 'MaxPooling2D', 'HANAttention', 'ExpandDimsLayer', 'GRUCell'].map(toSnakeCase))
      .toEqual(['dense', 'lstm', 'attention_with_context', 'att_layer', 'conv2d', 'max_pooling2d', 'han_attention', 'expand_dims_layer', 'gru_cell']);
  });

  it('maps Keras 3 groups to layers: uniquified class names, Sequential without its InputLayer', () => {
    const layers = (cls: string) => ({ class_name: cls, config: { name: 'm', layers: [
      { class_name: 'InputLayer', config: { name: 'input_layer_4' } },
      { class_name: 'Dense', config: { name: 'dense_8' } },
      { class_name: 'Dropout', config: { name: 'dropout_2' } },
      { class_name: 'Dense', config: { name: 'dense_9' } },
      { class_name: 'Dense', config: { name: 'dense_10' } },
    ] } });
    const seq = keras3LayerGroups(layers('Sequential'));
    expect([...seq].map(([g, l]) => [g, l.name])).toEqual([['dense', 'dense_8'], ['dropout', 'dropout_2'], ['dense_1', 'dense_9'], ['dense_2', 'dense_10']]);
    const fn = keras3LayerGroups(layers('Functional'));
    expect(fn.get('input_layer')?.name).toBe('input_layer_4');
    // the same numbering from class names alone, as keras-graph names a nested model's groups
    expect(keras3GroupKeys(['InputLayer', 'Dense', 'Dense', 'GRU', 'Dense'], true)).toEqual([undefined, 'dense', 'dense_1', 'gru', 'dense_2']);
    expect(keras3GroupKeys(['InputLayer', 'Dense'], false)).toEqual(['input_layer', 'dense']);
  });
});
