// The score kernel s = tanh(X·M + b)·u as WebAssembly SIMD, generated at run time by
// wasm-assembler.ts, in one of two precisions:
// - float32 (f32x4, 4 units a vector): x·W + b, tanh and the dot with u in float32, as the
//   layer computed them (Keras's K.dot, bias_add, K.tanh and the product with u on float32
//   weights and inputs are float32 TensorFlow ops), on twice the lanes of float64; each
//   row's four lane sums are added in float64. Measured 2.3x the float64 kernel's speed.
// - float64 (f64x2): float32 X is widened as it is copied in (exact, and each float32
//   product is exact in float64): for float64 X or weights, and where asked for.
// Both are register-blocked: RB rows of X times CB vectors of units per pass over F, with M
// packed in panels of CB·lanes contiguous columns so every load is sequential.
// tanh is computed in the kernel, because calling Math.tanh per unit costs more than the matrix
// product: in float64 from exp (Cody-Waite range reduction and a degree-12 Taylor polynomial,
// absolute error < 1e-15); in float32 as Eigen computes it for TensorFlow (a rational function).
import type { Kernel } from './variants.js';
import { assembleModule, FunctionBuilder, I32, OP, V128 } from './wasm-assembler.js';

export interface BlockShape {
  /** Rows of X per register block. */
  rows: number;
  /** Vectors of attention units per register block (2·cols units in float64, 4·cols in float32). */
  cols: number;
  /** Steps of F per loop iteration. */
  unroll: number;
}
/**
 * Chosen by measurement (Node 20's V8 on x86-64, `pnpm bench kernel-shapes`, a sweep of shapes;
 * KERNEL_UNFUSED=1 for mul + add): 4 rows x 2 vectors, no unrolling, is the fastest or tied within
 * run-to-run noise in float32 and float64, fused or not, for F = A = 128, F = 200 / A = 100
 * (AttLayer's usual size) and F = A = 64: 30-40 GFLOP/s per thread in float32 fused, where the
 * previous 3 x 4 unrolled twice gave 22-29. TurboFan allocates 15 SIMD registers and hoists an
 * unrolled step's loads; 3 x 4 x 2's 12 accumulators with 8 weight vectors and 6 splats spilled
 * accumulators to the stack on every step (--print-wasm-code), where 8 accumulators, 2 weight
 * vectors and the splats fit. 8 float32 units (4 float64) per panel also pad A the least.
 */
export const DEFAULT_BLOCK: BlockShape = { rows: 4, cols: 2, unroll: 1 };

const MAGIC = 6755399441055744; // 1.5·2^52: adding it rounds to an integer held in the low mantissa bits
const LOG2E = 1.4426950408889634;
const LN2_HI = 0.6931471803691238; // ln 2 split so that k·LN2_HI is exact for |k| < 2^11
const LN2_LO = 1.9082149292705877e-10;
const CLAMP = 40; // tanh(20) = 1 in float64, and 2^(40·log2 e) stays normal

/** The arithmetic of the matrix product: float32 (f32x4) or float64 (f64x2). */
export type Precision = 'float32' | 'float64';

const LANES = {
  float32: { isz: 4, splat: 'v128.load32_splat', mul: 'f32x4.mul', add: 'f32x4.add', madd: 'f32x4.relaxed_madd' },
  float64: { isz: 8, splat: 'v128.load64_splat', mul: 'f64x2.mul', add: 'f64x2.add', madd: 'f64x2.relaxed_madd' },
} as const;

/**
 * One function scoring `rows` rows of x (a multiple of rb). For each block of rb rows:
 * H = x·M + b, panel by panel, rb x cb vectors of units held in registers over all of F (F
 * and the row offsets are baked into the code), stored to scratch; then s = Σ tanh(H)·u
 * per row into out (float64), so tanh appears once in the code. x, M, b and u are in
 * `prec`. Parameters (byte offsets but P): x, rows, F (baked in, unused), wp, P (panels),
 * b, u, out, scratch.
 */
function buildScores(rb: number, cb: number, F: number, un: number, fma: boolean, prec: Precision = 'float64'): FunctionBuilder {
  const L = LANES[prec];
  const isz = L.isz;
  // params: x rows F wp P b u out scratch (F is baked in; the parameter keeps one signature)
  const fn = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [X, ROWS, , WP, P, B, U, OUT, SCR] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const r = fn.local(I32);
  const rowStride = fn.local(I32);
  const fend = fn.local(I32);
  const fo = fn.local(I32);
  const wptr = fn.local(I32);
  const bptr = fn.local(I32);
  const sptr = fn.local(I32);
  const p = fn.local(I32);
  const xr0 = fn.local(I32);
  const n = fn.local(I32);
  const acc: number[][] = [];
  for (let i = 0; i < rb; i++) acc.push(Array.from({ length: cb }, () => fn.local(V128)));
  const wv = Array.from({ length: cb }, () => fn.local(V128));
  const xv = fn.local(V128);
  const h = fn.local(V128);
  const s = fn.local(V128);
  const y = fn.local(V128);
  const kd = fn.local(V128);
  const k = fn.local(V128);
  const rr = fn.local(V128);
  const e = fn.local(V128);
  const ap = fn.local(I32); // bytes per scratch row = P·cb·16
  const rowEnd = fn.local(I32);
  const cw = cb * 16; // bytes of one panel row of M

  fn.i32(F * isz).set(rowStride);
  fn.get(P).i32(cw).op(OP.i32Mul).set(ap);
  fn.i32(0).set(r);
  fn.block(); // $exit
  fn.loop(); // $rows
  fn.get(r).get(ROWS).op(OP.i32GeU).brIf(1);
  // xr0 = x + r·rowStride
  fn.get(X).get(r).get(rowStride).op(OP.i32Mul).op(OP.i32Add).set(xr0);
  // --- matrix product into scratch, panel by panel
  fn.get(WP).set(wptr);
  fn.get(B).set(bptr);
  fn.get(SCR).set(sptr);
  fn.i32(0).set(p);
  fn.loop(); // $panels
  for (let i = 0; i < rb; i++) for (let c = 0; c < cb; c++) fn.f64x2Const(0).set(acc[i]![c]!);
  // fo walks along row 0 of the block; row i is at the static offset i·F·isz, and the
  // loop is unrolled `un` times with static offsets too.
  const step = (j: number) => {
    for (let c = 0; c < cb; c++) fn.get(wptr).simdMem('v128.load', 4, j * cw + c * 16).set(wv[c]!);
    for (let i = 0; i < rb; i++) {
      fn.get(fo);
      fn.simdMem(L.splat, Math.log2(isz), i * F * isz + j * isz);
      fn.set(xv);
      for (let c = 0; c < cb; c++) {
        // acc += x·w: fused where the engine has relaxed SIMD (1.6x here with the flag on).
        if (fma) fn.get(xv).get(wv[c]!).get(acc[i]![c]!).simd(L.madd).set(acc[i]![c]!);
        else fn.get(acc[i]![c]!).get(xv).get(wv[c]!).simd(L.mul).simd(L.add).set(acc[i]![c]!);
      }
    }
  };
  const full = Math.floor(F / un);
  fn.get(xr0).set(fo);
  if (full > 0) {
    fn.get(xr0).i32(full * un * isz).op(OP.i32Add).set(fend);
    fn.loop(); // $f
    for (let j = 0; j < un; j++) step(j);
    fn.get(wptr).i32(un * cw).op(OP.i32Add).set(wptr);
    fn.get(fo).i32(un * isz).op(OP.i32Add).tee(fo).get(fend).op(OP.i32Ne).brIf(0);
    fn.end(); // $f
  }
  for (let j = 0; j < F - full * un; j++) step(j);
  if (F - full * un) fn.get(wptr).i32((F - full * un) * cw).op(OP.i32Add).set(wptr);
  // + b, store to scratch[i][panel]
  for (let c = 0; c < cb; c++) fn.get(bptr).simdMem('v128.load', 4, c * 16).set(wv[c]!);
  for (let i = 0; i < rb; i++) {
    for (let c = 0; c < cb; c++) {
      fn.get(sptr);
      if (i > 0) fn.get(ap).i32(i).op(OP.i32Mul).op(OP.i32Add);
      fn.get(acc[i]![c]!).get(wv[c]!).simd(L.add).simdMem('v128.store', 4, c * 16);
    }
  }
  fn.get(bptr).i32(cw).op(OP.i32Add).set(bptr);
  fn.get(sptr).i32(cw).op(OP.i32Add).set(sptr);
  fn.get(p).i32(1).op(OP.i32Add).tee(p).get(P).op(OP.i32Ne).brIf(0);
  fn.end(); // $panels
  // --- scores: for each row of the block, s = Σ tanh(h)·u + (h − h); the last term is
  // +0 when h is finite and NaN otherwise, so a NaN or Inf in X can't hide behind tanh(±Inf) = ±1.
  fn.i32(0).set(n);
  fn.loop(); // $blockrows
  fn.get(SCR).get(n).get(ap).op(OP.i32Mul).op(OP.i32Add).tee(sptr).get(ap).op(OP.i32Add).set(rowEnd);
  fn.get(U).set(bptr);
  fn.f64x2Const(0).set(s); // all-zero bits: 0 in either lane width
  if (prec === 'float32') tanhDot32(fn, { sptr, bptr, rowEnd, s, h, y, kd, k, rr, e }, fma);
  else tanhDot64(fn, { sptr, bptr, rowEnd, s, h, y, kd, k, rr, e });
  // out[r + n] = the sum of s's lanes, in float64
  fn.get(OUT).get(r).get(n).op(OP.i32Add).i32(8).op(OP.i32Mul).op(OP.i32Add);
  if (prec === 'float32') {
    fn.get(s).simd('f32x4.extract_lane', 0).op(OP.f64PromoteF32).get(s).simd('f32x4.extract_lane', 1).op(OP.f64PromoteF32).op(OP.f64Add);
    fn.get(s).simd('f32x4.extract_lane', 2).op(OP.f64PromoteF32).get(s).simd('f32x4.extract_lane', 3).op(OP.f64PromoteF32).op(OP.f64Add).op(OP.f64Add);
  } else {
    fn.get(s).simd('f64x2.extract_lane', 0).get(s).simd('f64x2.extract_lane', 1).op(OP.f64Add);
  }
  fn.mem(OP.f64Store, 3);
  fn.get(n).i32(1).op(OP.i32Add).tee(n).i32(rb).op(OP.i32Ne).brIf(0);
  fn.end(); // $blockrows
  fn.get(r).i32(rb).op(OP.i32Add).set(r);
  fn.br(0);
  fn.end(); // $rows
  fn.end(); // $exit
  return fn;
}

interface TanhLocals {
  sptr: number;
  bptr: number;
  rowEnd: number;
  s: number;
  h: number;
  y: number;
  kd: number;
  k: number;
  rr: number;
  e: number;
}

/**
 * The $units loop in float64: s += tanh(h)·u + (h − h) two units at a time, h from scratch
 * at sptr up to rowEnd, u at bptr. tanh(h) = 1 − 2/(e^{2h} + 1), e^y = 2^k·e^r with
 * |r| ≤ ln2/2 and a degree-12 Taylor polynomial (< 1e-15).
 */
function tanhDot64(fn: FunctionBuilder, v: TanhLocals): void {
  const { sptr, bptr, rowEnd, s, h, y, kd, k, rr, e } = v;
  fn.loop(); // $units
  fn.get(sptr).simdMem('v128.load', 4).set(h);
  // y = clamp(2h); NaN propagates through min/max.
  fn.get(h).f64x2Const(2).simd('f64x2.mul').f64x2Const(-CLAMP).simd('f64x2.max').f64x2Const(CLAMP).simd('f64x2.min').set(y);
  fn.get(y).f64x2Const(LOG2E).simd('f64x2.mul').f64x2Const(MAGIC).simd('f64x2.add').set(kd);
  fn.get(kd).f64x2Const(MAGIC).simd('f64x2.sub').set(k);
  fn.get(y).get(k).f64x2Const(LN2_HI).simd('f64x2.mul').simd('f64x2.sub').get(k).f64x2Const(LN2_LO).simd('f64x2.mul').simd('f64x2.sub').set(rr);
  // e^r by Horner, degree 12
  fn.f64x2Const(1 / 479001600);
  for (let d = 11; d >= 0; d--) fn.get(rr).simd('f64x2.mul').f64x2Const(1 / factorial(d)).simd('f64x2.add');
  // · 2^k, built from kd's low bits: (bits(kd) + 1023) << 52
  fn.get(kd).i64x2Const(1023).simd('i64x2.add').i32(52).simd('i64x2.shl').simd('f64x2.mul').set(e);
  // tanh = 1 − 2/(e^{2h} + 1)
  fn.f64x2Const(1).f64x2Const(2).get(e).f64x2Const(1).simd('f64x2.add').simd('f64x2.div').simd('f64x2.sub');
  fn.get(bptr).simdMem('v128.load', 4).simd('f64x2.mul');
  fn.get(s).simd('f64x2.add');
  fn.get(h).get(h).simd('f64x2.sub').simd('f64x2.add').set(s);
  fn.get(bptr).i32(16).op(OP.i32Add).set(bptr);
  fn.get(sptr).i32(16).op(OP.i32Add).tee(sptr).get(rowEnd).op(OP.i32Ne).brIf(0);
  fn.end(); // $units
}

/**
 * Eigen's float32 tanh, which TensorFlow's CPU kernels run for a float32 layer's K.tanh:
 * generic_fast_tanh_float in Eigen/src/Core/MathFunctionsImpl.h (3.4), a 13/6-degree rational
 * interpolant accurate to a couple of ulp: x clamped to ±c (c = 7.99881172 where the
 * multiply-adds are fused, 7.90531111 where not, as Eigen picks by EIGEN_VECTORIZE_FMA),
 * p = x·P(x²), q = Q(x²) by Horner in multiply-adds, tanh = p/q, and x itself where |x| < 0.0004.
 * 21 vector operations for four units, where exp-based 1 − 2/(e^{2x} + 1) took 37 (issue 15: the
 * tanh was 24% of the kernel's time). Coefficients as Eigen writes them, rounded to float32.
 */
const TANH32_ALPHA = [4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16];
const TANH32_BETA = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6];
const TANH32_TINY = 0.0004;

/**
 * The $units loop in float32, four units at a time: s += tanh(h)·u + (h − h), Eigen's tanh
 * (above). The (h − h) term keeps a NaN or ±Inf in h from hiding behind the clamp.
 */
function tanhDot32(fn: FunctionBuilder, v: TanhLocals, fma: boolean): void {
  const { sptr, bptr, rowEnd, s, h, y: x, kd: x2, k: p, rr: q } = v;
  const clamp = fma ? 7.99881172180175781 : 7.90531110763549805;
  // acc = acc·x2 + c, fused where the kernel's multiply-adds are (Eigen's pmadd).
  const horner = (acc: number, c: number) => {
    if (fma) fn.get(acc).get(x2).f32x4Const(c).simd('f32x4.relaxed_madd').set(acc);
    else fn.get(acc).get(x2).simd('f32x4.mul').f32x4Const(c).simd('f32x4.add').set(acc);
  };
  fn.loop(); // $units
  fn.get(sptr).simdMem('v128.load', 4).set(h);
  // NaN propagates through min and max.
  fn.get(h).f32x4Const(clamp).simd('f32x4.min').f32x4Const(-clamp).simd('f32x4.max').set(x);
  fn.get(x).get(x).simd('f32x4.mul').set(x2);
  fn.f32x4Const(TANH32_ALPHA[6]!).set(p);
  for (let i = 5; i >= 0; i--) horner(p, TANH32_ALPHA[i]!);
  fn.f32x4Const(TANH32_BETA[3]!).set(q);
  for (let i = 2; i >= 0; i--) horner(q, TANH32_BETA[i]!);
  // tanh = |h| < tiny ? x : x·p / q
  fn.get(x).get(p).get(x).simd('f32x4.mul').get(q).simd('f32x4.div');
  fn.get(h).simd('f32x4.abs').f32x4Const(TANH32_TINY).simd('f32x4.lt').simd('v128.bitselect');
  // · u, into s
  fn.get(bptr).simdMem('v128.load', 4);
  if (fma) fn.get(s).simd('f32x4.relaxed_madd');
  else fn.simd('f32x4.mul').get(s).simd('f32x4.add');
  fn.get(h).get(h).simd('f32x4.sub').simd('f32x4.add').set(s);
  fn.get(bptr).i32(16).op(OP.i32Add).set(bptr);
  fn.get(sptr).i32(16).op(OP.i32Add).tee(sptr).get(rowEnd).op(OP.i32Ne).brIf(0);
  fn.end(); // $units
}

function factorial(d: number): number {
  let f = 1;
  for (let j = 2; j <= d; j++) f *= j;
  return f;
}

let simdSupported: boolean | undefined;

/** Whether this engine runs WebAssembly SIMD (Node ≥ 16.4, every current browser). */
export function wasmSimdAvailable(): boolean {
  if (simdSupported === undefined) {
    try {
      const bytes = assembleModule([{ name: 'f', fn: buildScores(1, 1, 1, 1, false) }], 1);
      simdSupported = typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
    } catch {
      simdSupported = false;
    }
  }
  return simdSupported;
}

let relaxedSupported: boolean | undefined;

/**
 * Whether this engine runs relaxed SIMD (f64x2.relaxed_madd): Node ≥ 22 and current
 * browsers; Node 20 only behind --experimental-wasm-relaxed-simd.
 */
export function wasmRelaxedSimdAvailable(): boolean {
  if (relaxedSupported === undefined) {
    try {
      relaxedSupported = wasmSimdAvailable() && WebAssembly.validate(assembleModule([{ name: 'f', fn: buildScores(1, 1, 1, 1, true) }], 1));
    } catch {
      relaxedSupported = false;
    }
  }
  return relaxedSupported;
}

interface Exports {
  memory: WebAssembly.Memory;
  f64: (...a: number[]) => void;
  f64_1: (...a: number[]) => void;
}

// Compiled once per shape and precision, and shared by every scorer of this thread.
const modules = new Map<string, WebAssembly.Module>();

function moduleFor(block: BlockShape, F: number, fma: boolean, prec: Precision): WebAssembly.Module {
  const key = `${block.rows}x${block.cols}x${block.unroll}/${F}/${fma}/${prec}`;
  let m = modules.get(key);
  if (!m) {
    const bytes = assembleModule(
      [
        { name: 'f64', fn: buildScores(block.rows, block.cols, F, block.unroll, fma, prec) },
        { name: 'f64_1', fn: buildScores(1, block.cols, F, block.unroll, fma, prec) },
      ],
      1,
    );
    m = new WebAssembly.Module(bytes);
    modules.set(key, m);
  }
  return m;
}

/**
 * Scores tanh variants with the SIMD kernel; one instance per kernel and precision (it
 * holds the packed weights). A float32 scorer takes float32 x only.
 */
export class WasmScorer {
  private readonly ex: Exports;
  private readonly F: number;
  private readonly panels: number;
  private readonly ap: number; // padded units
  private readonly isz: number;
  private readonly wpOff = 0;
  private readonly bOff: number;
  private readonly uOff: number;
  private readonly scratchOff: number;
  private readonly dataOff: number;

  /** Whether the multiply-adds are fused (relaxed SIMD). */
  readonly fused: boolean;

  constructor(k: Kernel, readonly block: BlockShape = DEFAULT_BLOCK, fma = wasmRelaxedSimdAvailable(), readonly precision: Precision = 'float64') {
    if (!k.tanh) throw new Error('WasmScorer: only tanh variants');
    this.fused = fma;
    const inst = new WebAssembly.Instance(moduleFor(block, k.inputDim, fma, precision), {});
    this.ex = inst.exports as unknown as Exports;
    const F = (this.F = k.inputDim);
    const A = k.attentionDim;
    const isz = (this.isz = precision === 'float32' ? 4 : 8);
    const cw = (16 / isz) * block.cols; // units per panel
    this.panels = Math.ceil(A / cw);
    const ap = (this.ap = this.panels * cw);
    this.bOff = ap * F * isz;
    this.uOff = align16(this.bOff + ap * isz);
    this.scratchOff = align16(this.uOff + ap * isz);
    this.dataOff = align16(this.scratchOff + block.rows * ap * isz);
    this.ensure(this.dataOff);
    const buf = this.ex.memory.buffer;
    const wp = precision === 'float32' ? new Float32Array(buf, this.wpOff, ap * F) : new Float64Array(buf, this.wpOff, ap * F);
    const bv = precision === 'float32' ? new Float32Array(buf, this.bOff, ap) : new Float64Array(buf, this.bOff, ap);
    const uv = precision === 'float32' ? new Float32Array(buf, this.uOff, ap) : new Float64Array(buf, this.uOff, ap);
    // Panels of cw units: wp[((p·F) + f)·cw + c] = w[(p·cw + c)·F + f]; padding units have
    // w = b = u = 0 and add tanh(0)·0 = 0. A float32 scorer rounds w and b to float32, which
    // is what they were in the layer (prepareKernel widened them exactly).
    for (let p = 0; p < this.panels; p++) {
      for (let f = 0; f < F; f++) {
        for (let c = 0; c < cw; c++) {
          const a = p * cw + c;
          wp[(p * F + f) * cw + c] = a < A ? k.w[a * F + f]! : 0;
        }
      }
    }
    for (let a = 0; a < ap; a++) {
      bv[a] = a < A ? k.b[a]! : 0;
      uv[a] = a < A ? k.u[a]! : 0;
    }
  }

  private ensure(bytes: number): void {
    const have = this.ex.memory.buffer.byteLength;
    if (bytes > have) this.ex.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  /** Rows of x (row-major, F per row) → out[0..rows). x is float32, or float64 for a float64 scorer. */
  score(x: Float32Array | Float64Array, rows: number, out: Float64Array): void {
    const { F, isz } = this;
    if (isz === 4 && !(x instanceof Float32Array)) throw new Error('WasmScorer: a float32 scorer takes float32 x');
    // Work in slices of SLICE_BYTES, so the memory stays small whatever the input size. A float64
    // scorer widens float32 rows as they are copied in (exact): the kernel then loads each x with
    // one splat instead of a splat and a conversion, 5-30% faster measured.
    const rb = this.block.rows;
    const step = Math.max(rb, Math.floor(SLICE_BYTES / (F * isz) / rb) * rb);
    const outOff = this.dataOff;
    const xOff = align16(outOff + step * 8);
    this.ensure(xOff + step * F * isz);
    for (let r0 = 0; r0 < rows; r0 += step) {
      const n = Math.min(step, rows - r0);
      const buf = this.ex.memory.buffer;
      (isz === 4 ? new Float32Array(buf, xOff, n * F) : new Float64Array(buf, xOff, n * F)).set(x.subarray(r0 * F, (r0 + n) * F));
      const nb = n - (n % rb);
      if (nb) this.ex.f64(xOff, nb, F, this.wpOff, this.panels, this.bOff, this.uOff, outOff, this.scratchOff);
      if (n > nb) this.ex.f64_1(xOff + nb * F * isz, n - nb, F, this.wpOff, this.panels, this.bOff, this.uOff, outOff + nb * 8, this.scratchOff);
      out.set(new Float64Array(this.ex.memory.buffer, outOff, n), r0);
    }
  }
}

/**
 * Rows of x per call into the kernel: 64 KiB. V8 first runs a new module's code from its baseline
 * compiler (Liftoff) and swaps in the optimised code only for later calls (there is no on-stack
 * replacement for WebAssembly), so one call over a whole 4 MiB block ran all of it on baseline
 * code: a command's first block took 55-115 ms instead of ~13 (issue 15). Small calls pick the
 * optimised code up within the first block, and the slice copied in stays in the L2 cache;
 * 64 KiB and 256 KiB slices measured as fast as 4 MiB ones once warm.
 */
const SLICE_BYTES = 64 << 10;

function align16(n: number): number {
  return (n + 15) & ~15;
}
