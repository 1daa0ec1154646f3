// Every format handler the CLI knows. Adapters add one line here.
// Each handler's module (and the adapter it imports: h5wasm's 4 MB of JavaScript and
// WebAssembly for Keras, protobuf for TensorFlow...) is loaded only when a file of its
// format is met, so `inspect x.npy` never evaluates h5wasm. The stub registered here says
// the handler's name, claims and methods (which callers test before calling); the test
// test/cli/lazy-formats.test.ts checks each stub against the handler it loads.
import { registerFormat, type FormatHandler } from './registry.js';

export interface LazyFormat {
  name: string;
  claims: FormatHandler['claims'];
  /** The optional methods the handler has. */
  methods: readonly ('extract' | 'documents')[];
  load(): Promise<FormatHandler>;
}

export const LAZY_FORMATS: readonly LazyFormat[] = [
  { name: 'attnlens', claims: ['attnlens'], methods: ['documents'], load: async () => (await import('./attnlens.js')).attnlensFormat },
  { name: 'NumPy', claims: ['npy', 'npz'], methods: ['extract', 'documents'], load: async () => (await import('./npy.js')).npyFormat },
  { name: 'Keras', claims: ['hdf5', 'keras-zip'], methods: ['extract'], load: async () => (await import('./keras.js')).kerasFormat },
  { name: 'TensorFlow', claims: ['tensorproto', 'tfrecord', 'tfevents', 'gzip'], methods: ['extract', 'documents'], load: async () => (await import('./tf.js')).tfFormat },
  { name: 'PyTorch', claims: ['pytorch', 'safetensors'], methods: ['extract', 'documents'], load: async () => (await import('./torch.js')).torchFormat },
];

/** A handler that loads the real one on its first call. */
function lazyHandler(f: LazyFormat): FormatHandler {
  let loaded: Promise<FormatHandler> | undefined;
  const real = () => (loaded ??= f.load());
  const h: FormatHandler = { name: f.name, claims: f.claims, inspect: async (input) => (await real()).inspect(input) };
  if (f.methods.includes('extract')) h.extract = async (input, name) => (await real()).extract!(input, name);
  if (f.methods.includes('documents')) {
    h.documents = async function* (input, opts) {
      yield* (await real()).documents!(input, opts);
    };
  }
  return h;
}

for (const f of LAZY_FORMATS) registerFormat(lazyHandler(f));

export { handlerFor, type FormatHandler, type InputFile, type ConvertOptions, type InspectReport } from './registry.js';
