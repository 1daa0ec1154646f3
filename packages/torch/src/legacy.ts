// The pre-1.6 torch.save format (`_use_new_zipfile_serialization=False`; torch/serialization.py
// `_legacy_save`/`_legacy_load`): five pickles one after another (MAGIC_NUMBER, PROTOCOL_VERSION
// 1001, sys_info, the object, the sorted storage keys), then each storage as an int64 element
// count and its raw bytes (THPStorage_writeFileRaw). The pickles are read from a prefix of the
// file that grows until they fit; the storages are located by their counts, never read here.
import { fail } from '@attnlens/core';
import { torchItemSize, type TorchDType } from './dtypes.js';
import { PickleTruncated, PyDict, unpickle, type PyValue, type UnpickleHooks } from './pickle.js';
import type { ByteSource } from './source.js';
import type { StorageAccess } from './tensor-data.js';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL = 1001;

export interface TorchLegacy {
  root: PyValue;
  bigEndian: boolean;
  storages: StorageAccess;
}

/** The five pickles, from a prefix of the file grown until they all end inside it. */
async function readPickles(src: ByteSource, hooks: UnpickleHooks): Promise<{ values: PyValue[]; end: number }> {
  for (let want = Math.min(src.size, 1 << 16); ; want = Math.min(src.size, want * 4)) {
    const head = await src.read(0, want);
    try {
      const values: PyValue[] = [];
      let at = 0;
      for (let k = 0; k < 5; k++) {
        const r = unpickle(head, k === 3 ? hooks : plainHooks(src.name), at, src.name);
        values.push(r.value);
        at = r.end;
        if (k === 0 && r.value !== MAGIC) fail('UNKNOWN_FORMAT', 'does not start with torch\'s legacy magic number', { file: src.name, hint: 'pass a file written by torch.save' });
        if (k === 1 && r.value !== PROTOCOL) fail('VERSION', `is a legacy torch file of protocol ${String(r.value)}, not ${PROTOCOL}`, { file: src.name, hint: 'load and save it again with a current PyTorch' });
      }
      return { values, end: at };
    } catch (e) {
      if (!(e instanceof PickleTruncated)) throw e;
      if (want >= src.size) fail('TRUNCATED', 'ends inside its pickles (a legacy torch.save file cut short)', { file: src.name, hint: 'the file was not written completely; save it again' });
    }
  }
}

function plainHooks(file?: string): UnpickleHooks {
  const refuse = (what: string): never => fail('CORRUPT', `has ${what} in a header pickle`, { file, hint: 'the file is damaged or not a torch.save file' });
  return { resolveGlobal: (m, n) => refuse(`${m}.${n}`), persistentLoad: () => refuse('a persistent id') };
}

export async function openTorchLegacy(src: ByteSource, hooks: UnpickleHooks, dtypeOf: (key: string) => TorchDType | undefined): Promise<TorchLegacy> {
  const file = src.name;
  const { values, end } = await readPickles(src, hooks);
  const sysInfo = values[2];
  const littleEndian = sysInfo instanceof PyDict ? sysInfo.map.get('little_endian') !== false : true;
  const keys = values[4];
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string' || typeof k === 'number')) {
    fail('CORRUPT', 'has no list of storage keys after its object pickle', { file, hint: 'the file is damaged; save it again' });
  }
  const table = new Map<string, { start: number; bytes: number }>();
  let at = end;
  for (const k of keys.map(String)) {
    const dtype = dtypeOf(k);
    if (!dtype) fail('CORRUPT', `lists storage ${k}, which its pickle never uses`, { file, hint: 'the file is damaged; save it again' });
    if (at + 8 > src.size) fail('TRUNCATED', `ends before storage ${k} (at byte ${at} of ${src.size})`, { file, hint: 'the file was cut short; save it again' });
    const count = new DataView((await src.read(at, 8)).slice().buffer).getBigInt64(0, littleEndian);
    const bytes = Number(count) * torchItemSize(dtype);
    if (count < 0n || !Number.isSafeInteger(bytes) || at + 8 + bytes > src.size) {
      fail('TRUNCATED', `has storage ${k} of ${count} elements at byte ${at + 8}, past the end of the file (${src.size} bytes)`, { file, hint: 'the file was cut short; save it again' });
    }
    table.set(k, { start: at + 8, bytes });
    at += 8 + bytes;
  }
  const storages: StorageAccess = {
    byteLength: (key) => table.get(key)?.bytes ?? 0,
    read: (key, off, len) => src.read(table.get(key)!.start + off, len),
  };
  return { root: values[3]!, bigEndian: !littleEndian, storages };
}
