// torch's element types: core's DTypes plus bfloat16, which is widened to float32
// when read (exact: a bfloat16 is the top half of a float32).
import { itemSize, type DType } from '@attnlens/core';

export type TorchDType = DType | 'bfloat16';

export function torchItemSize(d: TorchDType): number {
  return d === 'bfloat16' ? 2 : itemSize(d);
}

/** The dtype a tensor has once read: bfloat16 becomes float32, the rest stay. */
export function readDType(d: TorchDType): DType {
  return d === 'bfloat16' ? 'float32' : d;
}

/** safetensors dtype names (huggingface/safetensors safetensors/src/tensor.rs `enum Dtype`). */
export const SAFETENSORS_DTYPES: Record<string, TorchDType> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16', I8: 'int8',
  U8: 'uint8', U16: 'uint16', U32: 'uint32', U64: 'uint64', BOOL: 'bool',
};
