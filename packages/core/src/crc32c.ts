// CRC-32C (Castagnoli), as TFRecord framing needs, by slicing-by-8: TFRecord checks a CRC
// over every byte, and a byte-at-a-time table runs at a few tens of MB/s, which made the CRC
// the bottleneck of reading a large file. No well-kept pure-JS package provides the masked
// variant. The one CRC-32C of attnlens: sniffing and @attnlens/tf's reader both use it
// (tests/crc32c.test.ts checks it against RFC 3720's vectors and a bit-by-bit CRC).
const TABLES = /* @__PURE__ */ (() => {
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) {
      const prev = t[(s - 1) * 256 + i]!;
      t[s * 256 + i] = (t[prev & 0xff]! ^ (prev >>> 8)) >>> 0;
    }
  }
  return t;
})();

export function crc32c(data: Uint8Array, crc = 0): number {
  const T = TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  // Bytes up to a 4-byte boundary one at a time, then two words per step (read as
  // little-endian: every platform Node and the browsers run on is).
  const misalign = (4 - (data.byteOffset & 3)) & 3;
  for (; i < n && i < misalign; i++) c = T[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  const words = (n - i) >>> 3;
  if (words) {
    const w = new Uint32Array(data.buffer, data.byteOffset + i, words * 2);
    for (let k = 0; k < w.length; k += 2) {
      const a = (c ^ w[k]!) >>> 0;
      const b = w[k + 1]!;
      c = T[1792 + (a & 0xff)]! ^ T[1536 + ((a >>> 8) & 0xff)]! ^ T[1280 + ((a >>> 16) & 0xff)]! ^ T[1024 + (a >>> 24)]! ^
        T[768 + (b & 0xff)]! ^ T[512 + ((b >>> 8) & 0xff)]! ^ T[256 + ((b >>> 16) & 0xff)]! ^ T[b >>> 24]!;
    }
    i += words * 8;
  }
  for (; i < n; i++) c = T[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 and add 0xa282ead8. */
export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}
