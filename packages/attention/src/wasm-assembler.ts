// A minimal WebAssembly binary writer: just what the SIMD score kernel needs
// (i32 and f64 scalars, v128 with f32x4 and f64x2 lanes, loops, one exported memory).
// Written by hand because the kernel is generated for each block shape at run
// time, and a toolchain (wabt, emscripten) would add a build step and a native
// dependency for ~40 opcodes. Encodings: WebAssembly core spec §5 and the SIMD
// proposal's BinarySIMD.md.

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof F64 | typeof V128;

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  // n is a 32-bit signed integer.
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

const SIMD: Record<string, number> = {
  'v128.load': 0x00,
  'v128.store': 0x0b,
  'v128.const': 0x0c,
  'f64x2.splat': 0x14,
  'f64x2.extract_lane': 0x21,
  'f64x2.promote_low_f32x4': 0x5f,
  'v128.load32_splat': 0x09,
  'v128.load64_splat': 0x0a,
  'i64x2.shl': 0xcb,
  'i64x2.add': 0xce,
  'f32x4.extract_lane': 0x1f,
  'i32x4.shl': 0xab,
  'i32x4.add': 0xae,
  'f32x4.add': 0xe4,
  'f32x4.sub': 0xe5,
  'f32x4.mul': 0xe6,
  'f32x4.div': 0xe7,
  'f32x4.abs': 0xe0,
  'f32x4.lt': 0x43,
  'v128.bitselect': 0x52,
  'f32x4.min': 0xe8,
  'f32x4.max': 0xe9,
  'f64x2.add': 0xf0,
  'f64x2.sub': 0xf1,
  'f64x2.mul': 0xf2,
  'f64x2.div': 0xf3,
  'f64x2.min': 0xf4,
  'f64x2.max': 0xf5,
  // relaxed SIMD (proposal's Overview.md opcode table)
  'f32x4.relaxed_madd': 0x105,
  'f64x2.relaxed_madd': 0x107,
};

/** The body of one function: locals are declared as they are asked for. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(readonly params: ValType[], readonly results: ValType[] = []) {}

  /** A new local of this type; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  get(i: number): this {
    this.code.push(0x20);
    uleb(i, this.code);
    return this;
  }
  set(i: number): this {
    this.code.push(0x21);
    uleb(i, this.code);
    return this;
  }
  tee(i: number): this {
    this.code.push(0x22);
    uleb(i, this.code);
    return this;
  }
  i32(n: number): this {
    this.code.push(0x41);
    sleb(n | 0, this.code);
    return this;
  }
  /** A scalar opcode without immediates (i32.add, f64.add, ...). */
  op(byte: number): this {
    this.code.push(byte);
    return this;
  }
  /** A scalar load or store with its alignment (log2 bytes) and static offset. */
  mem(byte: number, alignLog2: number, offset = 0): this {
    this.code.push(byte);
    uleb(alignLog2, this.code);
    uleb(offset, this.code);
    return this;
  }
  simd(name: keyof typeof SIMD | string, ...imm: number[]): this {
    const op = SIMD[name];
    if (op === undefined) throw new Error(`wasm-assembler: unknown SIMD op ${name}`);
    this.code.push(0xfd);
    uleb(op, this.code);
    for (const b of imm) this.code.push(b);
    return this;
  }
  /** v128.load/store with alignment and offset. */
  simdMem(name: 'v128.load' | 'v128.store' | 'v128.load32_splat' | 'v128.load64_splat', alignLog2: number, offset = 0): this {
    this.code.push(0xfd);
    uleb(SIMD[name]!, this.code);
    uleb(alignLog2, this.code);
    uleb(offset, this.code);
    return this;
  }
  /** v128.const holding the same f64 in both lanes. */
  f64x2Const(x: number): this {
    const b = new Uint8Array(new Float64Array([x, x]).buffer);
    this.code.push(0xfd);
    uleb(SIMD['v128.const']!, this.code);
    for (const v of b) this.code.push(v);
    return this;
  }
  /** v128.const holding the same f32 in all four lanes (x rounded to float32). */
  f32x4Const(x: number): this {
    const b = new Uint8Array(new Float32Array([x, x, x, x]).buffer);
    this.code.push(0xfd);
    uleb(SIMD['v128.const']!, this.code);
    for (const v of b) this.code.push(v);
    return this;
  }
  /** v128.const holding the same i32 in all four lanes. */
  i32x4Const(x: number): this {
    const b = new Uint8Array(new Int32Array([x, x, x, x]).buffer);
    this.code.push(0xfd);
    uleb(SIMD['v128.const']!, this.code);
    for (const v of b) this.code.push(v);
    return this;
  }
  /** v128.const holding the same i64 in both lanes (given as a safe integer). */
  i64x2Const(x: number): this {
    const b = new Uint8Array(new BigInt64Array([BigInt(x), BigInt(x)]).buffer);
    this.code.push(0xfd);
    uleb(SIMD['v128.const']!, this.code);
    for (const v of b) this.code.push(v);
    return this;
  }
  block(): this {
    this.code.push(0x02, 0x40);
    return this;
  }
  loop(): this {
    this.code.push(0x03, 0x40);
    return this;
  }
  end(): this {
    this.code.push(0x0b);
    return this;
  }
  br(depth: number): this {
    this.code.push(0x0c);
    uleb(depth, this.code);
    return this;
  }
  brIf(depth: number): this {
    this.code.push(0x0d);
    uleb(depth, this.code);
    return this;
  }

  encode(): number[] {
    const body: number[] = [];
    // Locals, run-length encoded by type.
    const runs: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(runs.length, body);
    for (const [n, t] of runs) {
      uleb(n, body);
      body.push(t);
    }
    body.push(...this.code, 0x0b);
    const out: number[] = [];
    uleb(body.length, out);
    return out.concat(body);
  }
}

/** Scalar opcodes used by the kernel. */
export const OP = {
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Ne: 0x47,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  f64Store: 0x39,
  f64Add: 0xa0,
  f64PromoteF32: 0xbb,
} as const;

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  out.push(...content);
}

function name(s: string, out: number[]): void {
  const b = new TextEncoder().encode(s);
  uleb(b.length, out);
  out.push(...b);
}

/** A module with one exported memory ("memory", `pages` of 64 KiB initially) and the given exported functions. */
export function assembleModule(funcs: { name: string; fn: FunctionBuilder }[], pages: number): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(funcs.length, types);
  for (const { fn } of funcs) {
    types.push(0x60);
    uleb(fn.params.length, types);
    types.push(...fn.params);
    uleb(fn.results.length, types);
    types.push(...fn.results);
  }
  section(1, types, out);
  const fsec: number[] = [];
  uleb(funcs.length, fsec);
  funcs.forEach((_, i) => uleb(i, fsec));
  section(3, fsec, out);
  const msec: number[] = [1, 0x00];
  uleb(pages, msec);
  section(5, msec, out);
  const exp: number[] = [];
  uleb(funcs.length + 1, exp);
  name('memory', exp);
  exp.push(0x02, 0x00);
  funcs.forEach(({ name: n }, i) => {
    name(n, exp);
    exp.push(0x00);
    uleb(i, exp);
  });
  section(7, exp, out);
  const code: number[] = [];
  uleb(funcs.length, code);
  for (const { fn } of funcs) code.push(...fn.encode());
  section(10, code, out);
  return new Uint8Array(out);
}
