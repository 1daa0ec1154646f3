// The one GEMM every kernel uses: out(rows, cols) = a(rows, inner) · b(inner, cols) [+ bias].
// Plain JavaScript in float64 (a float32 product is exact in float64, so the only rounding is
// the final store). B is packed once, transposed, as float64 (`packB`), so the inner loop is a
// dot product over two contiguous float64 rows; 4 rows × 2 columns are accumulated in locals,
// which V8 keeps in registers (≈3× the naive i-k-j loop: bench/forward.bench.mjs). The RNN
// packs its recurrent kernel once and calls `gemmPacked` every step.
import { checkLength, checkSize } from './checks.js';

/** B (inner, cols) transposed to (cols, inner) float64, plus the bias as float64. */
export interface PackedB { bt: Float64Array; inner: number; cols: number; bias?: Float64Array }

export function packB(b: Float32Array, inner: number, cols: number, bias?: Float32Array): PackedB {
  const bt = new Float64Array(cols * inner);
  for (let k = 0; k < inner; k++) {
    const row = k * cols;
    for (let j = 0; j < cols; j++) bt[j * inner + k] = b[row + j]!;
  }
  const p: PackedB = { bt, inner, cols };
  if (bias) p.bias = Float64Array.from(bias);
  return p;
}

/** out(rows, cols) = a(rows, inner) · B [+ B.bias], all float64. */
export function gemmPacked(a: Float64Array, rows: number, p: PackedB, out: Float64Array): void {
  const { bt, inner, cols, bias } = p;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = i * inner;
    const r1 = r0 + inner;
    const r2 = r1 + inner;
    const r3 = r2 + inner;
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const c0 = j * inner;
      const c1 = c0 + inner;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < inner; k++) {
        const b0 = bt[c0 + k]!;
        const b1 = bt[c1 + k]!;
        const a0 = a[r0 + k]!;
        const a1 = a[r1 + k]!;
        const a2 = a[r2 + k]!;
        const a3 = a[r3 + k]!;
        s00 += a0 * b0; s01 += a0 * b1;
        s10 += a1 * b0; s11 += a1 * b1;
        s20 += a2 * b0; s21 += a2 * b1;
        s30 += a3 * b0; s31 += a3 * b1;
      }
      const x0 = bias ? bias[j]! : 0;
      const x1 = bias ? bias[j + 1]! : 0;
      const o = i * cols + j;
      out[o] = s00 + x0; out[o + 1] = s01 + x1;
      out[o + cols] = s10 + x0; out[o + cols + 1] = s11 + x1;
      out[o + 2 * cols] = s20 + x0; out[o + 2 * cols + 1] = s21 + x1;
      out[o + 3 * cols] = s30 + x0; out[o + 3 * cols + 1] = s31 + x1;
    }
    for (; j < cols; j++) for (let r = i; r < i + 4; r++) out[r * cols + j] = dot(a, r * inner, bt, j * inner, inner) + (bias ? bias[j]! : 0);
  }
  for (; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = dot(a, i * inner, bt, j * inner, inner) + (bias ? bias[j]! : 0);
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[ao + k]! * b[bo + k]!;
  return s;
}

/** Rows of A converted to float64 per block, so memory stays bounded whatever `rows` is. */
const ROW_BLOCK = 256;

/** out (float32) = a (float32) · B for callers that have checked shapes (conv1d, the RNN input projection). */
export function gemmF32(a: Float32Array, rows: number, p: PackedB, out: Float32Array): void {
  const block = Math.min(rows, ROW_BLOCK);
  const a64 = new Float64Array(block * p.inner);
  const o64 = new Float64Array(block * p.cols);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const n = Math.min(block, rows - r0);
    const src = a.subarray(r0 * p.inner, (r0 + n) * p.inner);
    a64.set(src);
    gemmPacked(a64, n, p, o64);
    out.set(n === block ? o64 : o64.subarray(0, n * p.cols), r0 * p.cols);
  }
}

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
  if (out) checkLength('matmul', 'out', out, rows * cols, `(${rows}, ${cols})`);
  const o = out ?? new Float32Array(rows * cols);
  gemmF32(a, rows, packB(b, inner, cols, bias), o);
  return o;
}
