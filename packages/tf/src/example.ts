// tf.train.Example records (shared docs FORMATS.md §4.5). Examples carry no shape: an
// alignment is either a serialized TensorProto in a bytes feature, or a flat float list
// with its shape in an int64 feature named KEY_shape, KEY/shape or shape.
import { fail, formatShape, shapeSize, tensor, type Tensor } from '@attnlens/core';
import { longToBigInt, tfSchema } from './proto/schema.js';
import { parseTensorProtoMessage, tensorValueOf } from './tensor-proto.js';

export type ExampleFeature =
  | { kind: 'bytes'; values: Uint8Array[] }
  | { kind: 'float'; values: Float32Array }
  | { kind: 'int64'; values: BigInt64Array };

interface FeatureMessage {
  bytesList?: { value?: Uint8Array[] };
  floatList?: { value?: number[] };
  int64List?: { value?: unknown[] };
}

/** Decode a serialized tf.train.Example into its features, by name. */
export function decodeExample(payload: Uint8Array, file?: string, where = 'record'): Map<string, ExampleFeature> {
  let m: { features?: { feature?: Record<string, FeatureMessage> } };
  try {
    m = tfSchema().Example.decode(payload) as typeof m;
  } catch (e) {
    return fail('CORRUPT', `${where} is not a valid tf.train.Example (${(e as Error).message})`, { file, hint: 'the record holds neither a TensorProto nor an Example', cause: e });
  }
  const out = new Map<string, ExampleFeature>();
  for (const [k, f] of Object.entries(m.features?.feature ?? {})) {
    if (f.floatList) out.set(k, { kind: 'float', values: Float32Array.from(f.floatList.value ?? []) });
    else if (f.int64List) out.set(k, { kind: 'int64', values: BigInt64Array.from((f.int64List.value ?? []).map((v) => longToBigInt(v, false))) });
    else out.set(k, { kind: 'bytes', values: f.bytesList?.value ?? [] });
  }
  return out;
}

/** Serialize a tf.train.Example (for fixtures and tests). */
export function encodeExample(features: Record<string, ExampleFeature>): Uint8Array {
  const feature: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(features)) {
    if (f.kind === 'float') feature[k] = { floatList: { value: Array.from(f.values) } };
    else if (f.kind === 'int64') feature[k] = { int64List: { value: Array.from(f.values, (v) => v.toString()) } };
    else feature[k] = { bytesList: { value: f.values } };
  }
  return tfSchema().Example.encode({ features: { feature } }).finish();
}

/** Does this look like a serialized numeric TensorProto (field 1 dtype, then shape or values)? */
export function looksLikeTensorProto(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x08 && b[1]! >= 1 && b[1]! <= 123 && (b.length === 2 || [0x12, 0x18, 0x22, 0x2a, 0x32, 0x3a, 0x52, 0x5a, 0x6a].includes(b[2]!));
}

const shapeKeys = (key: string) => [`${key}_shape`, `${key}/shape`, `${key}.shape`, 'shape'];

/** The features of an Example that hold a tensor: a TensorProto in bytes, or floats with a shape feature. */
export function exampleTensorKeys(features: Map<string, ExampleFeature>): string[] {
  const keys: string[] = [];
  for (const [k, f] of features) {
    if (f.kind === 'bytes' && f.values.length === 1 && looksLikeTensorProto(f.values[0]!)) keys.push(k);
    else if (f.kind === 'float' && shapeKeys(k).some((s) => features.get(s)?.kind === 'int64')) keys.push(k);
  }
  return keys;
}

/** The tensor held in feature `key` of an Example (the only tensor feature when key is undefined). */
export function exampleTensor(features: Map<string, ExampleFeature>, key: string | undefined, file?: string, where = 'record'): { key: string; tensor: Tensor } {
  const names = [...features.keys()];
  if (key === undefined) {
    const keys = exampleTensorKeys(features);
    if (keys.length !== 1) {
      fail(keys.length ? 'AMBIGUOUS' : 'NOT_FOUND', keys.length
        ? `${where} has ${keys.length} features holding tensors (${keys.join(', ')})`
        : `${where} has no feature holding a tensor (features: ${names.map((n) => `${n} (${features.get(n)!.kind})`).join(', ') || 'none'})`, {
        file,
        hint: keys.length
          ? 'name the feature to read'
          : 'attnlens reads a serialized TensorProto in a bytes feature, or a float feature with its shape in an int64 feature KEY_shape',
        details: { features: names, ...(keys.length ? { option: 'array' } : {}) }, // the CLI adds its flag
      });
    }
    key = keys[0]!;
  }
  const f = features.get(key);
  if (!f) fail('NOT_FOUND', `${where} has no feature ${JSON.stringify(key)}`, { file, hint: `its features are: ${names.join(', ') || 'none'}`, details: { features: names } });
  if (f.kind === 'bytes') {
    if (f.values.length !== 1 || !looksLikeTensorProto(f.values[0]!)) {
      fail('UNSUPPORTED', `feature ${JSON.stringify(key)} of ${where} holds ${f.values.length} byte strings, not one serialized TensorProto`, { file, hint: 'store tf.io.serialize_tensor(t).numpy() as a single bytes value' });
    }
    const v = tensorValueOf(parseTensorProtoMessage(f.values[0]!, file), file);
    if (v.kind !== 'numeric') fail('UNSUPPORTED', `feature ${JSON.stringify(key)} of ${where} is a string tensor`, { file });
    return { key, tensor: v.tensor };
  }
  const sk = shapeKeys(key).find((s) => features.get(s)?.kind === 'int64');
  const values = f.values;
  let shape: number[];
  if (sk) shape = Array.from((features.get(sk)!.values as BigInt64Array), Number);
  else shape = [values.length];
  const n = shapeSize(shape);
  if (n !== values.length) {
    fail('SHAPE_MISMATCH', `feature ${JSON.stringify(key)} of ${where} holds ${values.length} values but its shape feature ${JSON.stringify(sk)} says ${formatShape(shape)} (${n})`, { file, hint: 'the shape feature must be the tensor\'s shape' });
  }
  if (f.kind === 'float') return { key, tensor: tensor('float32', shape, f.values) };
  return { key, tensor: tensor('int64', shape, f.values as BigInt64Array) };
}
