// Opens a Keras HDF5 file in a Web Worker and posts back what `inspect` sees (kerasSummary,
// shared with the CLI). The File is mounted with Emscripten's WORKERFS: HDF5 reads go
// through FileReaderSync on File.slice(), so only the blocks HDF5 asks for are read and a
// 500 MB file is never copied into memory (WORKERFS exists only in workers, hence this file).
import { ready } from 'h5wasm';
import { checkSize, fail, isAttnlensError, sniff, tensor, SNIFF_BYTES, type AttentionDocument, type SniffedFormat, type Tensor } from '@attnlens/core';
import { dumpDocuments, grayFromRgba, pngSize, type GrayImage } from '@attnlens/tf';
import { openKerasHdf5, type H5Module, type KerasFile } from '@attnlens/keras';
import { kerasZipRanges } from '@attnlens/keras/zip-ranges';
import { attentionFromInputs, encodeForModel, findAttentionLayer, kernelFromKeras, kerasLayerSource, kerasSummary, planAttention, vocabularyFor, type AttentionPlan } from '@attnlens/forward';
import { loadModel, tensorRows, type KerasModel } from '@attnlens/keras-graph';
import type { EncodedTexts } from '@attnlens/text';
import { attentionDocuments, computeAttention, sequenceLayout } from '@attnlens/attention';
import { fileDump, npyFileRows, npyRowSource } from './file-ranges.js';
import type { ForwardInput, TextInput, WorkerReply, WorkerRequest } from './protocol.js';

interface WorkerFs {
  mkdir(path: string): void;
  mount(type: unknown, opts: { files: File[] }, at: string): void;
  unmount(at: string): void;
  rmdir(path: string): void;
  filesystems: { WORKERFS: unknown };
}

let mounts = 0;

/** Run `use` on the Keras file mounted read-only from the File, then unmount it. */
async function withKeras<T>(file: File, use: (k: KerasFile) => T | Promise<T>): Promise<T> {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const format = sniff(head);
  if (format !== 'hdf5' && format !== 'keras-zip' && format !== 'zip') {
    fail('UNKNOWN_FORMAT', `is a ${format} file, not a Keras file`, { file: file.name, hint: 'open a Keras .h5, .weights.h5 or .keras file' });
  }
  // A .keras archive's model.weights.h5 is a stored range of it: mounted as a slice, still not copied.
  const zip = format !== 'hdf5' ? await kerasZipRanges(async (a, b) => new Uint8Array(await file.slice(a, b).arrayBuffer()), file.size, file.name) : undefined;
  const h5 = zip ? new File([file.slice(zip.weights.start, zip.weights.end)], 'model.weights.h5') : file;
  const module = (await ready) as unknown as H5Module;
  const FS = (module as unknown as { FS: WorkerFs }).FS;
  const at = `/file-${++mounts}`;
  FS.mkdir(at);
  FS.mount(FS.filesystems.WORKERFS, { files: [h5] }, at);
  try {
    const { weights: _, ...zipInfo } = zip ?? { weights: undefined };
    const k = openKerasHdf5(module, `${at}/${h5.name}`, { file: file.name, ...(zip ? { zip: zipInfo } : {}) });
    try {
      return await use(k);
    } finally {
      k.close();
    }
  } finally {
    FS.unmount(at);
    FS.rmdir(at);
  }
}

/** Sequences per block between progress messages. */
const BLOCK = 256;

/**
 * The layer's attention over X, in blocks of sequences so the page can show progress. X is
 * read by ranges (npyFileRows), one block of rows at a time: a 2 GB X is never in memory whole.
 */
async function compute(id: number, model: File, xFile: File, layer: string): Promise<WorkerReply> {
  const x = await npyFileRows(xFile);
  return withKeras(model, async (k) => {
    // the same lookup (and errors) as attnlens compute --layer: exact or nested inner name
    const info = findAttentionLayer(kerasLayerSource(k), layer);
    const kernel = kernelFromKeras(k, info);
    const { shape, dtype } = x.header;
    const { sequences: N, steps: T } = sequenceLayout(kernel, shape, dtype, xFile.name);
    // A (T, F) X is one sequence of T rows; an (N, ..., T, F) X holds N / shape[0] sequences a row.
    const perRow = shape.length === 2 ? 1 / T : N / (shape[0] || 1);
    const rowsPerBlock = shape.length === 2 ? x.rows : Math.max(1, Math.floor(BLOCK / Math.max(1, perRow)));
    const out = new Float32Array(N * T * kernel.perStep);
    for (let r = 0; r < x.rows; r += rowsPerBlock) {
      const rows = await x.readRows(r, Math.min(rowsPerBlock, x.rows - r));
      const [s, c] = [Math.round(r * perRow), Math.round(rows.shape[0]! * perRow)];
      const part: Tensor = tensor(dtype, [c, T, kernel.inputDim], rows.data as never);
      out.set(computeAttention(kernel, part, undefined, { file: xFile.name }), s * T * kernel.perStep);
      (self as unknown as Worker).postMessage({ id, progress: { done: s + c, total: N } });
    }
    return { documents: attentionDocuments(out, N, T, { kernel, layer, file: xFile.name }) };
  });
}

/**
 * The text as the model's ids: @attnlens/forward's encodeForModel, the one `attnlens compute
 * --text --tokenizer` runs (a HAN takes one sentence a line and a blank line between samples,
 * a flat model one sample a line; the lengths are the model's own (S, T)).
 */
async function textIds(input: TextInput, model: KerasModel, hierarchical: boolean): Promise<EncodedTexts> {
  const vocab = vocabularyFor(await input.tokenizer.text(), input.tokenizer.name);
  const r = encodeForModel(await input.text.text(), vocab, model.inputs[0]!.shape, { hierarchical, padding: input.padding, truncating: input.truncating, file: input.text.name });
  return r.encoded;
}

function kernelsOf(k: KerasFile, plan: AttentionPlan) {
  return plan.kind === 'recompute' ? { word: kernelFromKeras(k, plan.word), ...(plan.sentence ? { sentence: kernelFromKeras(k, plan.sentence) } : {}) } : undefined;
}

/** The model run from its file over token ids (an .npy) or text, up to its attention layers, in batches with progress. */
async function forward(id: number, modelFile: File, input: ForwardInput): Promise<WorkerReply> {
  return withKeras(modelFile, async (k) => {
    const model = loadModel(k);
    const plan = planAttention(k, model);
    const kernels = kernelsOf(k, plan);
    const texts = 'text' in input ? await textIds(input, model, plan.kind === 'recompute' && !!plan.sentence) : undefined;
    const file = 'text' in input ? input.text.name : input.ids.name;
    // Ids from an .npy are read by ranges, one batch of rows at a time (npyRowSource).
    const source = texts ? tensorRows(tensor('int32', texts.shape, texts.ids), file) : 'ids' in input ? await npyRowSource(input.ids) : fail('BAD_ARGUMENT', 'no model input was given');
    const run = { model, plan, ...(kernels ? { kernels } : {}), sources: [source], ...(texts ? { texts } : {}), file };
    const total = source.rows;
    const documents = [];
    for await (const d of attentionFromInputs(run, { batchSize: 64 })) {
      documents.push(d);
      if (documents.length % 64 === 0 || documents.length === total) (self as unknown as Worker).postMessage({ id, progress: { done: documents.length, total } });
    }
    return { documents };
  });
}

/**
 * A summary image's PNG to gray levels with the browser's decoder (no colour conversion, so
 * the bytes are the ones TensorFlow wrote), its size checked from the IHDR first as ./node's
 * decodePngGray does.
 */
async function decodePngGray(png: Uint8Array, where: string, file: string): Promise<GrayImage> {
  const dims = pngSize(png);
  if (!dims) fail('CORRUPT', `${where} is not a PNG`, { file, hint: 'the image bytes in the summary are damaged' });
  checkSize(dims.width * dims.height * 4, `${where}, a ${dims.width}x${dims.height} PNG decoded to weights,`, 'maxOutputBytes', { file });
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([png as BlobPart], { type: 'image/png' }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    return fail('CORRUPT', `${where} is not a readable PNG (${(e as Error).message})`, { file, hint: 'the image bytes in the summary are damaged', cause: e });
  }
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  bitmap.close();
  return grayFromRgba(dims.width, dims.height, new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength), `${file}: ${where}`);
}

/** A TensorProto, TFRecord or event file as alignment documents (@attnlens/tf's dumpDocuments, as convert reads them). */
async function dump(id: number, file: File, format: SniffedFormat): Promise<WorkerReply> {
  // read by ranges (one range and one record at a time), as ./node's tfDocuments streams a file
  const source = await fileDump(file, format);
  const documents: AttentionDocument[] = [];
  const provenance = { sourceFormat: source.kind, fileName: file.name, framework: 'tensorflow' };
  for await (const d of dumpDocuments(source, { decodePng: (png, where) => decodePngGray(png, where, file.name), provenance })) {
    documents.push(d);
    if (documents.length % 64 === 0) (self as unknown as Worker).postMessage({ id, progress: { done: documents.length, total: 0 } });
  }
  return { documents };
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  const { id } = req;
  const name = req.kind === 'summary' || req.kind === 'dump' ? req.file.name : req.model.name;
  let reply: WorkerReply;
  try {
    if (req.kind === 'summary') reply = { summary: await withKeras(req.file, kerasSummary) };
    else if (req.kind === 'dump') reply = await dump(id, req.file, req.format);
    else if (req.kind === 'forward') reply = await forward(id, req.model, req.input);
    else reply = await compute(id, req.model, req.x, req.layer);
  } catch (err) {
    reply = isAttnlensError(err)
      ? { error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } }
      : { error: { code: 'INTERNAL', message: `${name}: ${String(err)}` } };
  }
  (self as unknown as Worker).postMessage({ id, ...reply });
};
