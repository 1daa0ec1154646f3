// Hostile files built in TypeScript (no Python on CI): zips and deflate streams that are a
// few KB or MB on disk and claim or expand to GBs. The HDF5 ones come from make-hostile.py.
import { spawnSync } from 'node:child_process';
import { constants, deflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { REPO } from '../helpers/shared.js';

/**
 * A raw deflate stream that inflates to `bytes` zeros (a multiple of 1 MiB) after `prefix`:
 * one 1 MiB block of zeros compressed once (full flush, so it stands alone) and repeated,
 * about 1 KB on disk per MiB it expands to.
 */
export function zeroBomb(bytes: number, prefix: Uint8Array = new Uint8Array(0)): Buffer {
  const flush = { finishFlush: constants.Z_FULL_FLUSH, level: 9 };
  const mib = deflateRawSync(Buffer.alloc(1 << 20), flush);
  const parts: Buffer[] = [deflateRawSync(prefix, flush)];
  for (let i = 0; i < bytes / (1 << 20); i++) parts.push(mib);
  parts.push(deflateRawSync(Buffer.alloc(0))); // the final, empty block
  return Buffer.concat(parts);
}

/** An .npy header (version 1.0) for a little-endian array. */
export function npyHeader(descr: string, shape: number[]): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const head = Buffer.alloc(total, 0x20);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(total - 10, 8);
  head.write(dict, 10, 'latin1');
  head[total - 1] = 0x0a;
  return head;
}

export interface ZipMember {
  name: string;
  /** The bytes as stored (already deflated when method is 8). */
  data: Uint8Array;
  method: 0 | 8;
  /** What the directory says the entry holds (may lie). */
  size: number;
  crc?: number;
}

const u16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
const u64 = (v: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };

/**
 * A zip of `members`, with ZIP64 extra fields in the central directory for sizes past 4 GiB.
 * `aliases` adds directory entries (name -> index of a member) that point at a member's bytes.
 */
export function buildZip(members: ZipMember[], aliases: [string, number][] = []): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const local = Buffer.concat([u32(0x04034b50), u16(45), u16(0), u16(m.method), u32(0), u32(m.crc ?? 0), u32(Math.min(m.data.length, 0xffffffff)), u32(Math.min(m.size, 0xffffffff)), u16(name.length), u16(0), name]);
    offsets.push(at);
    parts.push(local, Buffer.from(m.data));
    at += local.length + m.data.length;
  }
  const cdStart = at;
  const entries: [string, number][] = [...members.map((m, i) => [m.name, i] as [string, number]), ...aliases];
  for (const [nm, i] of entries) {
    const m = members[i]!;
    const name = Buffer.from(nm);
    const big = m.size >= 0xffffffff;
    const extra = big ? Buffer.concat([u16(1), u16(8), u64(m.size)]) : Buffer.alloc(0);
    const cd = Buffer.concat([
      u32(0x02014b50), u16(45), u16(45), u16(0), u16(m.method), u32(0), u32(m.crc ?? 0), u32(m.data.length), u32(big ? 0xffffffff : m.size),
      u16(name.length), u16(extra.length), u16(0), u16(0), u16(0), u32(0), u32(offsets[i]!), name, extra,
    ]);
    parts.push(cd);
    at += cd.length;
  }
  parts.push(Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(entries.length), u16(entries.length), u32(at - cdStart), u32(cdStart), u16(0)]));
  return Buffer.concat(parts);
}

export interface Peak {
  /** Peak resident memory of the child, in bytes. */
  maxRss: number;
  code?: string;
  message?: string;
  result?: unknown;
}

/**
 * Run `body` (an async ES module snippet that may `return` a JSON value) in a fresh Node
 * process in `cwd` (test/ by default, so @attnlens/* resolve) and report its peak RSS and any AttnlensError.
 */
export function inChild(body: string, env: NodeJS.ProcessEnv = {}, cwd = join(REPO, 'test')): Peak {
  const script = `
    let out = {};
    try { out.result = await (async () => { ${body} })(); }
    catch (e) { out.code = e.code ?? 'THROWN'; out.message = e.message; }
    out.maxRss = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 180_000 });
  if (r.status !== 0) throw new Error(`child failed (${r.status} ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Peak;
}

export const MIB = 1 << 20;
