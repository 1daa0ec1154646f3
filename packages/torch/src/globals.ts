// What each global a checkpoint's pickle may name becomes (the unpickler's only way to
// build anything but plain values). The list follows torch's own weights_only unpickler
// (torch/_weights_only_unpickler.py: `_tensor_rebuild_functions`, the storage classes,
// OrderedDict, _codecs.encode) and what netron's source/pytorch.js registers; the functions
// are torch/_utils.py's (_rebuild_tensor_v2/v3, _rebuild_parameter) and torch/_tensor.py's
// (_rebuild_from_type_v2), reimplemented here as plain data.
// Harmless foreign objects become opaque placeholders that keep their state (so the
// tensors inside still load); everything else is refused, naming the global.
import { fail, shapeSize } from '@attnlens/core';
import { describeValue, isTuple, PyDict, type PyGlobal, type PyObject, type PyValue } from './pickle.js';
import { torchItemSize, type TorchDType } from './dtypes.js';

/** A storage from a persistent id: `('storage', torch.FloatStorage, key, location, numel[, view])`. */
export interface StorageRef extends PyObject {
  kind: 'storage';
  key: string;
  dtype: TorchDType;
  /** Elements, as the pickle says (checked against the bytes when read). */
  numel: number;
  location: string;
}

/** A tensor the pickle rebuilds: a view of a storage (offset and strides in elements). */
export interface TensorRef extends PyObject {
  kind: 'tensor';
  storage: StorageRef;
  offset: number;
  shape: number[];
  strides: number[];
  parameter: boolean;
}

/** An object attnlens keeps but does not interpret (a torchtext Vocab, argparse.Namespace). */
export interface Opaque extends PyObject {
  kind: 'opaque';
  className: string;
  args: PyValue[];
  state?: PyValue;
  /** Why it is not read, for torch objects attnlens knows but does not support. */
  note?: string;
}

/** A type or constant torch names in passing (a storage class, torch.float32, Parameter). */
interface Marker extends PyObject {
  kind: 'marker';
  name: string;
  dtype?: TorchDType;
}

const STORAGES: Record<string, TorchDType> = {
  DoubleStorage: 'float64', FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
  UntypedStorage: 'uint8',
};
const TORCH_DTYPES: Record<string, TorchDType> = {
  float64: 'float64', double: 'float64', float32: 'float32', float: 'float32', float16: 'float16', half: 'float16', bfloat16: 'bfloat16',
  int64: 'int64', long: 'int64', int32: 'int32', int: 'int32', int16: 'int16', short: 'int16', int8: 'int8', uint8: 'uint8', bool: 'bool',
  uint16: 'uint16', uint32: 'uint32', uint64: 'uint64',
};

/** Globals whose import or call runs code: refused with a message that says so. */
const DANGEROUS_MODULES = /^(os|posix|nt|subprocess|sys|shutil|socket|importlib|runpy|pickle|_pickle|marshal|ctypes|code|pty|commands|webbrowser|multiprocessing|asyncio|signal|builtins\.(eval|exec|compile|open|getattr|setattr|__import__|globals|input|breakpoint))(\.|$)/;

/** Harmless foreign classes kept as placeholders (module prefix or module.name). */
const OPAQUE = [
  'argparse.Namespace', 'collections.Counter', 'collections.defaultdict', 'torchtext.', 'torch.nn.modules.', 'torch.optim.',
  'numpy.core.multiarray._reconstruct', 'numpy.ndarray', 'numpy.dtype', 'numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar', 'numpy._core.multiarray._reconstruct', 'torch.device', 'pathlib.',
  'datetime.', 'transformers.',
];

/** Torch tensor kinds attnlens knows by name but does not read. */
const UNREAD_TENSORS: Record<string, string> = {
  _rebuild_qtensor: 'a quantized tensor', _rebuild_sparse_tensor: 'a sparse tensor', _rebuild_sparse_csr_tensor: 'a sparse tensor',
  _rebuild_meta_tensor_no_storage: 'a meta tensor (no data)', _rebuild_wrapper_subclass: 'a tensor subclass', _rebuild_nested_tensor: 'a nested tensor',
  _rebuild_device_tensor_from_numpy: 'a device tensor from NumPy', _rebuild_xla_tensor: 'an XLA tensor', _rebuild_mlc_tensor: 'an MLC tensor',
};

const int = (v: PyValue, what: string, file?: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail('CORRUPT', `has a tensor whose ${what} is ${describeValue(v)}, not a non-negative integer`, { file, hint: 'the file is damaged; save it again' });
  return v;
};
const ints = (v: PyValue, what: string, file?: string): number[] => {
  if (!Array.isArray(v)) fail('CORRUPT', `has a tensor whose ${what} is ${describeValue(v)}, not a tuple`, { file, hint: 'the file is damaged; save it again' });
  return v.map((x) => int(x, what, file));
};

/**
 * `_rebuild_tensor_v2(storage, offset, size, stride, ...)`; `_rebuild_tensor_v3(..., dtype, metadata)`
 * (torch/_utils.py) carries the dtype itself over an untyped (byte) storage, so the storage is
 * re-read as elements of that dtype.
 */
function rebuildTensor(args: PyValue[], v3: boolean, file?: string): TensorRef {
  const [raw, offset, size, stride] = args;
  let storage = raw;
  if (v3 && isKind<StorageRef>(raw, 'storage')) {
    const d = args[6];
    const m = isKind<PyGlobal>(d, 'global') ? d.call([]) : d;
    const dtype = isKind<Marker>(m, 'marker') ? m.dtype : undefined;
    if (!dtype) fail('UNSUPPORTED', `has a tensor of dtype ${describeValue(d ?? null)}, which attnlens does not read`, { file, hint: 'convert it to a real dtype before saving' });
    const bytes = raw.numel * torchItemSize(raw.dtype);
    const typed: StorageRef = { ...(raw as StorageRef), dtype, numel: Math.floor(bytes / torchItemSize(dtype)) };
    storage = typed;
  }
  if (!isKind<StorageRef>(storage, 'storage')) fail('CORRUPT', `rebuilds a tensor from ${describeValue(storage ?? null)}, not a storage`, { file, hint: 'the file is damaged; save it again' });
  const shape = ints(size ?? null, 'size', file);
  const strides = ints(stride ?? null, 'stride', file);
  if (strides.length !== shape.length) fail('CORRUPT', `has a tensor of size ${describeValue(size!)} with stride ${describeValue(stride!)}`, { file, hint: 'the file is damaged; save it again' });
  shapeSize(shape);
  return { kind: 'tensor', storage, offset: int(offset ?? null, 'storage offset', file), shape, strides, parameter: false };
}

export function isKind<T extends PyObject>(v: PyValue | undefined, kind: T['kind']): v is T & PyValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof PyDict) && (v as PyObject).kind === kind;
}

const g = (module: string, name: string, call: (args: PyValue[]) => PyValue): PyGlobal => ({ kind: 'global', module, name, call });
const marker = (name: string, dtype?: TorchDType): Marker => ({ kind: 'marker', name, ...(dtype ? { dtype } : {}) });

/** Python 2 names that Python 3's pickle maps (Lib/_compat_pickle.py). */
const RENAMED: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

export function resolveGlobal(rawModule: string, name: string, file?: string): PyGlobal {
  const module = RENAMED[rawModule] ?? rawModule;
  const full = `${module}.${name}`;
  const known = knownGlobal(module, name, full, file);
  if (known) return known;
  if (DANGEROUS_MODULES.test(full)) {
    fail('UNSUPPORTED', `has a pickle that calls ${full}, which would run code on this machine; attnlens refuses it and ran nothing`, {
      file, hint: 'do not load this file with torch.load either: it is not a plain checkpoint (save tensors with torch.save(model.state_dict()) or safetensors)', details: { global: full },
    });
  }
  if (OPAQUE.some((p) => (p.endsWith('.') ? full.startsWith(p) : full === p))) {
    return g(module, name, (args) => ({ kind: 'opaque', className: full, args } satisfies Opaque));
  }
  return fail('UNSUPPORTED', `has a pickle that needs ${full}, a class or function a checkpoint of tensors does not need; attnlens refuses it and ran nothing`, {
    file, hint: 'a whole model saved with torch.save(model) needs its code: save model.state_dict() instead', details: { global: full },
  });
}

function knownGlobal(module: string, name: string, full: string, file?: string): PyGlobal | undefined {
  if (full === 'collections.OrderedDict' || full === 'builtins.dict') {
    return g(module, name, (args) => {
      const d = new PyDict();
      const items = args[0];
      if (Array.isArray(items)) for (const kv of items) if (Array.isArray(kv) && kv.length === 2) d.set(kv[0]!, kv[1]!);
      return d;
    });
  }
  if (full === 'builtins.set' || full === 'builtins.frozenset' || full === 'builtins.list' || full === 'builtins.tuple') {
    return g(module, name, (args) => (Array.isArray(args[0]) ? [...args[0]] : []));
  }
  if (full === 'builtins.slice' || full === 'builtins.complex' || full === 'builtins.range') {
    return g(module, name, (args) => ({ kind: 'opaque', className: full, args } satisfies Opaque));
  }
  if (full === 'builtins.bytearray' || full === 'builtins.bytes') return g(module, name, (args) => latin1Bytes(args[0]));
  // protocol 2 pickles bytes as _codecs.encode(str, 'latin1')
  if (full === '_codecs.encode') return g(module, name, (args) => latin1Bytes(args[0]));
  if (full === 'copyreg._reconstructor') {
    return g(module, name, (args) => {
      const cls = args[0];
      if (!isKind<PyGlobal>(cls, 'global')) fail('CORRUPT', 'has a pickle that reconstructs something that is not a class', { file, hint: 'the file is damaged' });
      return cls.call([]);
    });
  }
  if ((module === 'torch' || module === 'torch.storage') && name in STORAGES) return markerGlobal(module, name, STORAGES[name]);
  if (module === 'torch.cuda' && name in STORAGES) return markerGlobal(module, name, STORAGES[name]); // read on the CPU
  if ((module === 'torch' || module === 'torch.cuda') && name.endsWith('Storage')) return markerGlobal(module, name); // complex, quantized: refused when used
  if (module === 'torch' && name in TORCH_DTYPES) return markerGlobal(module, name, TORCH_DTYPES[name]);
  if (full === 'torch.Size') return g(module, name, (args) => (Array.isArray(args[0]) ? [...args[0]] : []));
  if (['torch.nn.parameter.Parameter', 'torch._tensor.Tensor', 'torch.Tensor', 'torch.strided', 'torch.serialization._get_layout'].includes(full)) return markerGlobal(module, name);
  if (module === 'torch._utils') return torchUtil(module, name, file);
  if (full === 'torch.nn.parameter._rebuild_parameter') return torchUtil('torch._utils', '_rebuild_parameter', file);
  if (full === 'torch._tensor._rebuild_from_type_v2') {
    // (func, new_type, args, state): a Tensor subclass (Parameter) rebuilt by func(*args)
    return g(module, name, (args) => {
      const [func, , inner] = args;
      if (!isKind<PyGlobal>(func, 'global') || !Array.isArray(inner)) fail('CORRUPT', 'has a damaged tensor in its pickle', { file, hint: 'save it again' });
      return func.call([...inner]);
    });
  }
  return undefined;
}

function torchUtil(module: string, name: string, file?: string): PyGlobal {
  if (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor' || name === '_rebuild_tensor_v3') return g(module, name, (args) => rebuildTensor(args, name === '_rebuild_tensor_v3', file));
  if (name === '_rebuild_parameter' || name === '_rebuild_parameter_with_state') {
    return g(module, name, (args) => {
      const t = args[0];
      if (!isKind<TensorRef>(t, 'tensor')) return t ?? null;
      const p: TensorRef = { ...(t as TensorRef), parameter: true };
      return p;
    });
  }
  const what = UNREAD_TENSORS[name];
  // args are dropped: a quantized tensor's storage is not a tensor of its own
  if (what) return g(module, name, () => ({ kind: 'opaque', className: `torch._utils.${name}`, args: [], note: `${what}, which attnlens does not read` } satisfies Opaque));
  return fail('UNSUPPORTED', `has a pickle that needs torch._utils.${name}, which attnlens does not know`, { file, hint: 'save the tensors with torch.save(model.state_dict()) from a current PyTorch', details: { global: `torch._utils.${name}` } });
}

function markerGlobal(module: string, name: string, dtype?: TorchDType): PyGlobal {
  const m = marker(`${module}.${name}`, dtype);
  return g(module, name, () => m);
}

function latin1Bytes(v: PyValue | undefined): Uint8Array {
  if (v instanceof Uint8Array) return v;
  const s = typeof v === 'string' ? v : '';
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/**
 * torch's persistent ids: zip `('storage', type, key, location, numel)` (torch/serialization.py
 * `_save`), legacy `('storage', type, root_key, location, numel, view_metadata)` (`_legacy_save`).
 */
export function storageFromPid(pid: PyValue, file?: string): StorageRef {
  const bad = (): never => fail('CORRUPT', `has a persistent id ${describeValue(pid)} that is not a torch storage`, { file, hint: 'the file is damaged or was not written by torch.save' });
  if (!isTuple(pid) || pid[0] !== 'storage' || pid.length < 5) return bad();
  // the storage type is the class itself (torch.FloatStorage), named by GLOBAL and never called
  const cls = pid[1];
  const type = isKind<PyGlobal>(cls, 'global') ? cls.call([]) : cls;
  const dtype = isKind<Marker>(type, 'marker') ? type.dtype : undefined;
  if (!dtype) {
    const named = isKind<PyGlobal>(cls, 'global') ? `${cls.module}.${cls.name}` : describeValue(cls ?? null);
    return fail('UNSUPPORTED', `has a storage of type ${named}, which attnlens does not read (complex and quantized storages are not supported)`, { file, hint: 'convert the tensor to a real dtype before saving' });
  }
  const key = pid[2];
  const location = pid[3];
  const numel = pid[4];
  if ((typeof key !== 'string' && typeof key !== 'number') || typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) return bad();
  if (pid.length > 5 && pid[5] !== null) {
    fail('UNSUPPORTED', 'has a storage view (a pre-1.0 legacy layout), which attnlens does not read', { file, hint: 'load and save it again with a current PyTorch' });
  }
  return { kind: 'storage', key: String(key), dtype, numel, location: typeof location === 'string' ? location : 'cpu' };
}

/** BUILD on a placeholder keeps its state (a Vocab's itos, a module's _parameters). */
export function buildObject(obj: PyValue, state: PyValue, file?: string): void {
  if (isKind<Opaque>(obj, 'opaque')) {
    obj.state = state;
    return;
  }
  if (isKind<TensorRef>(obj, 'tensor') || isKind<Marker>(obj, 'marker')) return; // a Parameter's __dict__ or a dtype's flags
  fail('CORRUPT', `has a pickle that sets the state of ${describeValue(obj)}`, { file, hint: 'the file is damaged; save it again' });
}
