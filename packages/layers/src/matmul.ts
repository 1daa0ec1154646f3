// The one GEMM every kernel uses: out(rows, cols) = a(rows, inner) · b(inner, cols) [+ bias].
// Plain JavaScript, float64 accumulation (a float32 product is exact in float64, so the only
// rounding is the final store), blocked over `cols` so the accumulator row stays in cache.
import { checkLength, checkSize } from './checks.js';

const COL_BLOCK = 256;

/** out(rows, cols) = a(rows, inner) · b(inner, cols) [+ bias(cols)]. `out` may be passed to reuse memory. */
export function matmul(
  a: Float32Array, rows: number, inner: number, b: Float32Array, cols: number,
  bias?: Float32Array, out?: Float32Array,
): Float32Array {
  checkSize('matmul', 'rows', rows);
  checkSize('matmul', 'inner', inner);
  checkSize('matmul', 'cols', cols);
  checkLength('matmul', 'a', a, rows * inner, `(${rows}, ${inner})`);
  checkLength('matmul', 'b', b, inner * cols, `(${inner}, ${cols})`);
  if (bias) checkLength('matmul', 'bias', bias, cols, `(${cols})`);
  const o = out ?? new Float32Array(rows * cols);
  if (out) checkLength('matmul', 'out', out, rows * cols, `(${rows}, ${cols})`);
  matmulUnchecked(a, rows, inner, b, cols, bias, o);
  return o;
}

/** The GEMM loop itself, for callers that have checked shapes (the RNN steps call it T times). */
export function matmulUnchecked(
  a: Float32Array, rows: number, inner: number, b: Float32Array, cols: number,
  bias: Float32Array | undefined, out: Float32Array,
): void {
  const acc = new Float64Array(Math.min(cols, COL_BLOCK));
  for (let j0 = 0; j0 < cols; j0 += COL_BLOCK) {
    const jn = Math.min(cols, j0 + COL_BLOCK) - j0;
    for (let i = 0; i < rows; i++) {
      if (bias) for (let j = 0; j < jn; j++) acc[j] = bias[j0 + j]!;
      else acc.fill(0, 0, jn);
      const aRow = i * inner;
      for (let k = 0; k < inner; k++) {
        const av = a[aRow + k]!;
        if (av === 0) continue;
        const bRow = k * cols + j0;
        for (let j = 0; j < jn; j++) acc[j] += av * b[bRow + j]!;
      }
      const oRow = i * cols + j0;
      for (let j = 0; j < jn; j++) out[oRow + j] = acc[j]!;
    }
  }
}
