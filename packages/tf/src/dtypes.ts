// TensorFlow DataType enum values (types.proto; shared docs FORMATS.md §4.3) and how
// each maps onto an attnlens DType. Quantized types hold plain integers of their width;
// bfloat16 has no DType and is widened to float32, which holds every bfloat16 exactly.
import type { DType } from '@attnlens/core';

export const DT = {
  FLOAT: 1, DOUBLE: 2, INT32: 3, UINT8: 4, INT16: 5, INT8: 6, STRING: 7, COMPLEX64: 8, INT64: 9, BOOL: 10,
  QINT8: 11, QUINT8: 12, QINT32: 13, BFLOAT16: 14, QINT16: 15, QUINT16: 16, UINT16: 17, COMPLEX128: 18, HALF: 19,
  RESOURCE: 20, VARIANT: 21, UINT32: 22, UINT64: 23,
} as const;

const NAMES: Record<number, string> = {
  1: 'float32', 2: 'float64', 3: 'int32', 4: 'uint8', 5: 'int16', 6: 'int8', 7: 'string', 8: 'complex64', 9: 'int64', 10: 'bool',
  11: 'qint8', 12: 'quint8', 13: 'qint32', 14: 'bfloat16', 15: 'qint16', 16: 'quint16', 17: 'uint16', 18: 'complex128', 19: 'float16',
  20: 'resource', 21: 'variant', 22: 'uint32', 23: 'uint64', 24: 'float8_e5m2', 25: 'float8_e4m3fn', 26: 'float8_e4m3fnuz',
  27: 'float8_e4m3b11fnuz', 28: 'float8_e5m2fnuz', 29: 'int4', 30: 'uint4', 31: 'int2', 32: 'uint2', 33: 'float4_e2m1fn',
};

/** TensorFlow's name for a DataType value ("float32", "bfloat16", "float32_ref" ...). */
export function tfDtypeName(dt: number): string {
  if (dt > 100 && NAMES[dt - 100]) return `${NAMES[dt - 100]}_ref`;
  return NAMES[dt] ?? `DataType ${dt}`;
}

/** How a DataType's values are held: its element DType in tensor_content, and the typed field it uses. */
export interface DtypeInfo {
  /** The dtype of the Tensor attnlens returns. */
  dtype: DType;
  /** Element width in tensor_content. */
  bytes: number;
  /** The typed `*_val` field TensorFlow uses for this dtype (tensor.cc ProtoHelper). */
  field: 'floatVal' | 'doubleVal' | 'intVal' | 'int64Val' | 'boolVal' | 'halfVal' | 'uint32Val' | 'uint64Val';
  /** bfloat16: widened to float32 on read. */
  bfloat16?: boolean;
}

const INFO: Record<number, DtypeInfo> = {
  [DT.FLOAT]: { dtype: 'float32', bytes: 4, field: 'floatVal' },
  [DT.DOUBLE]: { dtype: 'float64', bytes: 8, field: 'doubleVal' },
  [DT.INT32]: { dtype: 'int32', bytes: 4, field: 'intVal' },
  [DT.UINT8]: { dtype: 'uint8', bytes: 1, field: 'intVal' },
  [DT.INT16]: { dtype: 'int16', bytes: 2, field: 'intVal' },
  [DT.INT8]: { dtype: 'int8', bytes: 1, field: 'intVal' },
  [DT.INT64]: { dtype: 'int64', bytes: 8, field: 'int64Val' },
  [DT.BOOL]: { dtype: 'bool', bytes: 1, field: 'boolVal' },
  [DT.QINT8]: { dtype: 'int8', bytes: 1, field: 'intVal' },
  [DT.QUINT8]: { dtype: 'uint8', bytes: 1, field: 'intVal' },
  [DT.QINT32]: { dtype: 'int32', bytes: 4, field: 'intVal' },
  [DT.BFLOAT16]: { dtype: 'float32', bytes: 2, field: 'halfVal', bfloat16: true },
  [DT.QINT16]: { dtype: 'int16', bytes: 2, field: 'intVal' },
  [DT.QUINT16]: { dtype: 'uint16', bytes: 2, field: 'intVal' },
  [DT.UINT16]: { dtype: 'uint16', bytes: 2, field: 'intVal' },
  [DT.HALF]: { dtype: 'float16', bytes: 2, field: 'halfVal' },
  [DT.UINT32]: { dtype: 'uint32', bytes: 4, field: 'uint32Val' },
  [DT.UINT64]: { dtype: 'uint64', bytes: 8, field: 'uint64Val' },
};

/** The numeric DataTypes attnlens reads; undefined for string, complex, resource, variant, float8, int4 ... */
export function dtypeInfo(dt: number): DtypeInfo | undefined {
  return INFO[dt > 100 ? dt - 100 : dt];
}

const FROM_DTYPE: Record<DType, number> = {
  float16: DT.HALF, float32: DT.FLOAT, float64: DT.DOUBLE, int8: DT.INT8, int16: DT.INT16, int32: DT.INT32, int64: DT.INT64,
  uint8: DT.UINT8, uint16: DT.UINT16, uint32: DT.UINT32, uint64: DT.UINT64, bool: DT.BOOL,
};

/** The DataType TensorFlow uses for an attnlens DType. */
export function tfDtypeOf(dtype: DType): number {
  return FROM_DTYPE[dtype];
}
