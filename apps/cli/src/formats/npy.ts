// NumPy .npy/.npz, via @attnlens/npy: inspect (headers only, no data read), extract
// (one array or entry), and documents (alignment arrays, delegated to alignment.ts).
import { formatShape } from '@attnlens/core';
import { inspectNumpyFile, loadArray, type NpyHeaderInfo, type NumpyFileInfo } from '@attnlens/npy/node';
import { alignmentDocumentsFromArrays } from './alignment.js';
import type { FormatHandler } from './registry.js';

export const npyFormat: FormatHandler = {
  name: 'NumPy',
  claims: ['npy', 'npz'],
  async inspect({ path }) {
    const info = await inspectNumpyFile(path);
    return { json: inspectJson(path, info), text: inspectText(path, info) };
  },
  extract({ path }, name) {
    return loadArray(path, name);
  },
  documents: alignmentDocumentsFromArrays,
};

const ORDER: Record<string, string> = { '<': 'little-endian', '>': 'big-endian', '|': 'byte order n/a', '=': 'native byte order' };

/** The fields `inspect --json` gives for every array (and npz entry). */
function arrayJson(i: NpyHeaderInfo): Record<string, unknown> {
  const h = i.header;
  return {
    dtype: h ? h.dtype : i.descr,
    descr: i.descr,
    shape: i.shape,
    fortran_order: i.fortranOrder,
    header_version: `${i.version[0]}.${i.version[1]}`,
    data_offset: i.headerBytes,
    ...(h ? { byte_order: ORDER[h.byteOrder], data_bytes: h.dataBytes, readable: true } : { readable: false, problem: i.unsupported?.reason, hint: i.unsupported?.hint }),
  };
}

export function inspectJson(path: string, info: NumpyFileInfo): { format: string } & Record<string, unknown> {
  if (info.format === 'npz') {
    return {
      format: 'npz', file: path, size: info.size,
      entries: info.entries.map((e) => ({ name: e.name, ...arrayJson(e.info), compressed: e.compressed, stored_bytes: e.storedBytes })),
    };
  }
  const first = info.arrays[0]!;
  return {
    format: 'npy', file: path, size: info.size,
    ...arrayJson(first.info),
    arrays: info.arrays.map((a) => ({ name: a.name, offset: a.offset, ...arrayJson(a.info) })),
    trailing_bytes: info.trailingBytes,
    ...(info.complete ? {} : { complete: false }),
  };
}

function arrayText(i: NpyHeaderInfo): string {
  const h = i.header;
  if (!h) return `${i.descr} ${formatShape(i.shape)}, not readable: ${i.unsupported?.reason ?? 'unsupported dtype'}`;
  const order = i.shape.length > 1 ? (i.fortranOrder ? 'Fortran order' : 'C order') : '';
  return [`${h.dtype} ${formatShape(i.shape)}`, `v${i.version[0]}.${i.version[1]}`, order, h.byteOrder === '|' ? '' : ORDER[h.byteOrder]]
    .filter(Boolean).join(', ');
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

export function inspectText(path: string, info: NumpyFileInfo): string {
  const lines: string[] = [];
  if (info.format === 'npz') {
    const comp = info.entries.every((e) => e.compressed) ? 'deflate-compressed' : info.entries.some((e) => e.compressed) ? 'partly compressed' : 'stored';
    lines.push(`${path}: NumPy .npz (${comp}), ${plural(info.entries.length, 'array')}${info.entries.length > 1 ? ' (pick one with --array NAME)' : ''}:`);
    const w = Math.max(...info.entries.map((e) => e.name.length));
    for (const e of info.entries) lines.push(`  ${e.name.padEnd(w)}  ${arrayText(e.info)}`);
    return lines.join('\n');
  }
  if (info.arrays.length === 1) lines.push(`${path}: NumPy .npy, ${arrayText(info.arrays[0]!.info)}`);
  else {
    lines.push(`${path}: NumPy .npy holding ${info.arrays.length} arrays saved one after another (pick one with --array 0..${info.arrays.length - 1}):`);
    for (const a of info.arrays) lines.push(`  ${a.name}  ${arrayText(a.info)}`);
  }
  if (info.trailingBytes) lines.push(`  then ${plural(info.trailingBytes, 'byte')} that are not another array (ignored)`);
  if (!info.complete) lines.push('  anything after this array is unknown: its size cannot be told without unpickling it');
  return lines.join('\n');
}
