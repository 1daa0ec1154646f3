// Hostile TensorFlow files (issue 12): TensorProtos whose few bytes broadcast to GBs, an
// image summary holding a real 20000 x 20000 PNG, a gzip TFRecord with a 900 MB record.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeEvent, encodeTFRecords } from '@attnlens/tf';
import { cli, isCleanError } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';
import { inChild, MIB } from './craft.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-hostile-tf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const TF_NODE = JSON.stringify(join(REPO, 'packages', 'tf', 'dist', 'node.js'));

/** Protobuf varint. */
function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}
/** TensorProto bytes: dtype, a 1-D shape, then `rest` (value fields), by hand as the files were. */
const proto = (dtype: number, n: number, rest: number[]) => {
  const dim = [0x08, ...varint(n)];
  const shape = [0x12, dim.length, ...dim];
  return Uint8Array.from([0x08, dtype, 0x12, shape.length, ...shape, ...rest]);
};

/** A folder for one command's output: it must hold nothing after a failure. */
const outDir = () => mkdtempSync(join(dir, 'out-'));

describe('a 15-byte TensorProto of 10^9 strings', () => {
  const bytes = proto(7, 1e9, [0x42, 0x01, 0x61]); // DT_STRING, shape (1e9,), string_val ["a"]
  it('is 15 bytes, and refused without building 10^9 values', () => {
    expect(bytes.length).toBe(15);
    const p = at('strings.pb', bytes);
    const r = inChild(`const { inspectTFFile, extractTFTensor } = await import(${TF_NODE}); const i = await inspectTFFile(${JSON.stringify(p)}); await extractTFTensor(${JSON.stringify(p)});`);
    expect(r.code).toBe('SIZE_LIMIT');
    expect(r.message).toContain('(1000000000 elements from the 1 values it holds) needs 8.0 GB (8000000000 bytes), over the per-output limit of 1.1 GB (1073741824 bytes)');
    expect(r.maxRss).toBeLessThan(250 * MIB);
  });
  it('inside an event file: convert fails in one line and leaves no .tmp in the output folder', () => {
    const ev = at('strings.tfevents', encodeTFRecords([
      encodeEvent({ fileVersion: 'brain.Event:2' }),
      encodeEvent({ step: 1, summary: [{ tag: 'attention', pluginName: 'images', tensor: { shape: [1e9], strings: [Uint8Array.of(0x61)] } }] }),
    ]));
    const out = outDir();
    const r = cli(['convert', ev, '--to', join(out, 'x.attn.pb')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain('needs 8.0 GB (8000000000 bytes), over the per-output limit');
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('an 18-byte TensorProto whose one float_val broadcasts to 5*10^8 values', () => {
  const bytes = proto(1, 5e8, [0x2a, 0x04, 0x00, 0x00, 0x80, 0x3f]); // DT_FLOAT, (5e8,), float_val [1.0] packed
  it('is refused (2 GB from 4 bytes), in bounded memory, by extract and by convert', () => {
    expect(bytes.length).toBe(18);
    const p = at('broadcast.pb', bytes);
    const r = inChild(`const { extractTFTensor } = await import(${TF_NODE}); await extractTFTensor(${JSON.stringify(p)});`);
    expect(r.code).toBe('SIZE_LIMIT');
    expect(r.message).toContain('a TensorProto of shape (500000000,) (float32), broadcast from the 1 value it holds, needs 2.0 GB (2000000000 bytes), over the per-output limit');
    expect(r.maxRss).toBeLessThan(250 * MIB);
    const out = outDir();
    const c = cli(['convert', p, '--to', join(out, 'x.attn.pb')]);
    expect(isCleanError(c)).toBe(true);
    expect(c.stderr).toContain('needs 2.0 GB (2000000000 bytes)');
    expect(readdirSync(out)).toEqual([]);
  });
  it('a raised limit lets it through (the limit is what refused it)', () => {
    const p = at('broadcast-small.pb', proto(1, 1000, [0x2a, 0x04, 0x00, 0x00, 0x80, 0x3f]));
    const ok = cli(['--max-output-bytes', '4000', 'extract', p, '--out', join(dir, 'b.npy')]);
    expect(ok.code).toBe(0);
    const no = cli(['--max-output-bytes', '3999', 'extract', p, '--out', join(dir, 'b.npy')]);
    expect(no.stderr).toContain('needs 4.0 KB (4000 bytes), over the per-output limit of 4.0 KB (3999 bytes)');
  });
});

/** A real grayscale PNG of w x h zeros, its IDAT deflated in pieces (a few hundred KB). */
function zeroPng(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale
  const rowsPer = 500;
  const block = Buffer.alloc(rowsPer * (w + 1)); // filter byte 0 + w zeros per row
  const piece = deflateRawSync(block, { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  // zlib stream: header, pieces, final empty block, Adler-32 of the raw rows.
  let a = 1;
  let b = 0;
  for (let r = 0; r < h; r++) {
    a = (a + 0) % 65521; // filter byte and pixels are all 0: a stays 1, b grows by a per byte
    b = (b + a * (w + 1)) % 65521;
  }
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0);
  const idat = Buffer.concat([Buffer.from([0x78, 0xda]), ...Array.from({ length: h / rowsPer }, () => piece), deflateRawSync(Buffer.alloc(0)), adler]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

describe('an image summary holding a real 20000 x 20000 PNG', () => {
  it('is refused from its IHDR before decoding, for .attn.json and .attn.pb alike', () => {
    const png = zeroPng(20000, 20000);
    expect(png.length).toBeLessThan(1 << 20);
    const ev = at('big-image.tfevents', encodeTFRecords([
      encodeEvent({ fileVersion: 'brain.Event:2' }),
      encodeEvent({ step: 1, summary: [{ tag: 'attention_images/alignment', image: { height: 20000, width: 20000, colorspace: 1, encoded: png } }] }),
    ]));
    for (const to of ['x.attn.json', 'x.attn.pb']) {
      const out = outDir();
      const r = cli(['convert', ev, '--to', join(out, to)]);
      expect(isCleanError(r), r.stderr).toBe(true);
      expect(r.stderr).toContain('a 20000x20000 PNG decoded to weights, needs 1.6 GB (1600000000 bytes), over the per-output limit');
      expect(readdirSync(out)).toEqual([]);
    }
    const x = inChild(`const { extractTFTensor } = await import(${TF_NODE}); await extractTFTensor(${JSON.stringify(ev)}, 'attention_images/alignment@1');`);
    expect(x.code).toBe('SIZE_LIMIT');
    expect(x.maxRss).toBeLessThan(250 * MIB);
  });
  it('a small PNG in the same form decodes (the check passes real images)', () => {
    const ev = at('small-image.tfevents', encodeTFRecords([
      encodeEvent({ fileVersion: 'brain.Event:2' }),
      encodeEvent({ step: 1, summary: [{ tag: 'attention_images/alignment', image: { height: 1000, width: 1000, colorspace: 1, encoded: zeroPng(1000, 1000) } }] }),
    ]));
    const r = cli(['extract', ev, '--array', 'attention_images/alignment@1', '--out', join(dir, 'img.npy'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dtype: 'uint8', shape: [1000, 1000] });
  });
});

describe('a gzip TFRecord holding one 900 MB record', () => {
  it('inspect streams past it: bounded memory, dtype and shape from its first bytes', async () => {
    // The record: a float32 (225000000,) TensorProto of zeros; built in pieces, a ~1 MB file.
    const { crc32c: crc32cFast } = await import('@attnlens/core');
    const n = 225_000_000;
    const head = Buffer.from(proto(1, n, [0x22, ...varint(4 * n)]));
    const L = head.length + 4 * n;
    const mib = Buffer.alloc(MIB);
    const full = Math.floor((4 * n) / MIB);
    const tail = Buffer.alloc(4 * n - full * MIB);
    let c = crc32cFast(head);
    for (let i = 0; i < full; i++) c = crc32cFast(mib, c);
    c = crc32cFast(tail, c);
    const masked = (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
    const lenField = Buffer.alloc(8);
    lenField.writeBigUInt64LE(BigInt(L));
    const { maskedCrc32c } = await import('@attnlens/core');
    const hdr = Buffer.concat([lenField, Buffer.alloc(4)]);
    hdr.writeUInt32LE(maskedCrc32c(lenField), 8);
    const crcField = Buffer.alloc(4);
    crcField.writeUInt32LE(masked);
    // gzip by hand around raw deflate pieces (full flush), trailer = CRC-32 and size of the raw bytes.
    const flush = { finishFlush: constants.Z_FULL_FLUSH, level: 9 };
    const zmib = deflateRawSync(mib, flush);
    let ieee = crc32(Buffer.concat([hdr, head]));
    for (let i = 0; i < full; i++) ieee = crc32(mib, ieee);
    ieee = crc32(Buffer.concat([tail, crcField]), ieee);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(ieee >>> 0, 0);
    trailer.writeUInt32LE((12 + L + 4) % 2 ** 32, 4);
    const gz = Buffer.concat([
      gzipSync(Buffer.alloc(0)).subarray(0, 10), deflateRawSync(Buffer.concat([hdr, head]), flush),
      ...Array.from({ length: full }, () => zmib), deflateRawSync(Buffer.concat([tail, crcField])), trailer,
    ]);
    expect(gz.length).toBeLessThan(2 * MIB);
    const p = at('big-record.tfrecord.gz', gz);
    const r = inChild(`const { inspectTFFile } = await import(${TF_NODE}); const i = await inspectTFFile(${JSON.stringify(p)}); return { records: i.records, first: i.first, corrupt: i.corrupt };`);
    expect(r.code).toBeUndefined();
    expect(r.result).toEqual({ records: 1, first: [{ record: 0, offset: 0, bytes: L, kind: 'tensor', dtype: 'float32', shape: [n] }], corrupt: [] });
    expect(r.maxRss).toBeLessThan(250 * MIB);
  });
});
