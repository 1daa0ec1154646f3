// `attnlens forward`, and the forward path of `attnlens compute` (attention from the
// model's own inputs: token ids, or text through a tokenizer). Only wiring: the model runs
// in @attnlens/keras-graph, layers are picked and batches streamed by @attnlens/forward,
// text becomes ids by @attnlens/forward's encodeForModel.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { fail, formatShape, GENERATOR, tensor, type AttentionDocument, type Provenance, type Shard } from '@attnlens/core';
import { sha256File } from '@attnlens/core/node';
import { openKeras, type KerasFile } from '@attnlens/keras/node';
import { loadModel, type KerasModel } from '@attnlens/keras-graph';
import { attentionFromInputs, encodeForModel, forwardToNpy, kernelFromKeras, npyRows, planAttention, tensorRows, vocabularyFor, type AttentionPlan, type RowSource } from '@attnlens/forward/node';
import type { EncodedTexts, PlainVocabularyOptions } from '@attnlens/text';
import { readTextFile } from '@attnlens/text/node';
import { shardSamples, type Normalisation, type Variant } from '@attnlens/attention';
import { interruptSignal } from '../batch/interrupt.js';
import { ALLOW_EXTERNAL_HELP } from '../input.js';
import { writeDocumentsOf } from './shard-options.js';

interface ForwardOpts {
  inputs: string;
  allowExternal?: string;
  layer?: string;
  config?: string;
  out: string;
  batchSize?: string;
}

export function registerForward(program: Command): void {
  program
    .command('forward')
    .description('run a Keras model from its saved config and weights and write one layer\'s output as float32 .npy')
    .argument('<model>', 'Keras file (.h5, .hdf5, .keras; a weights-only file needs --config)')
    .requiredOption('--inputs <IN.npy,...>', 'one .npy per model input, batch axis first, as model.predict takes them')
    .option('--layer <name>', 'the layer whose output to write (default: the model\'s first output); nested: outer/inner, or the inner name when unique')
    .option('--config <model.json>', 'the architecture, as model.to_json() wrote it (for a weights-only file)')
    .option('--batch-size <n>', 'samples per batch (default 256)')
    .option('--allow-external <dir>', ALLOW_EXTERNAL_HELP)
    .requiredOption('--out <OUT.npy>', 'where to write the output, float32')
    .action(async (file: string, o: ForwardOpts) => {
      if (!/\.npy$/i.test(o.out)) fail('BAD_ARGUMENT', `forward writes a float32 .npy, and ${basename(o.out)} is not named *.npy`, { file: o.out, hint: 'name the output OUT.npy' });
      const stop = interruptSignal(true);
      const kf = await openKeras(file, external(o.allowExternal));
      try {
        const model = await modelOf(kf, o.config);
        const sources = await npyRows(splitList(o.inputs));
        try {
          const r = await forwardToNpy(model, sources, o.out, { ...(o.layer ? { layer: o.layer } : {}), file, signal: stop.signal, ...batchSize(o.batchSize) });
          process.stdout.write(`wrote ${o.out}: float32 ${formatShape(r.shape)} (output of layer ${r.layer})\n`);
        } finally {
          for (const s of sources) await s.close();
        }
      } finally {
        kf.close();
        stop.dispose();
      }
    });
}

const external = (dir: string | undefined) => (dir !== undefined ? { allowExternal: dir } : {});
const splitList = (s: string) => s.split(',').map((p) => p.trim()).filter((p) => p !== '');

export function batchSize(v: string | undefined): { batchSize?: number } {
  if (v === undefined) return {};
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < 1) fail('BAD_ARGUMENT', `--batch-size must be a whole number ≥ 1, not ${JSON.stringify(v)}`);
  return { batchSize: n };
}

async function modelOf(kf: KerasFile, config: string | undefined): Promise<KerasModel> {
  if (!config) return loadModel(kf);
  return loadModel(kf, { config: await readTextFile(config) });
}

/** The options of `compute` that the forward path reads. */
export interface ForwardComputeOpts {
  model?: string;
  allowExternal?: string;
  layer?: string;
  sentenceLayer?: string;
  config?: string;
  ids?: string;
  modelInputs?: string;
  padId?: string;
  text?: string;
  tokenizer?: string;
  maxlen?: string;
  padding?: string;
  truncating?: string;
  maxSentences?: string;
  splitSentences?: boolean;
  firstId?: string;
  lower?: boolean;
  oovToken?: string;
  batchSize?: string;
  out: string;
  /** Options of the saved-X path, refused here rather than ignored. */
  tokens?: string;
  lengths?: string;
  mask?: string;
  weights?: string;
  sentenceInputs?: string;
  sentenceLengths?: string;
  sentenceWeights?: string;
}

/** True when compute is asked for attention from the model's inputs rather than from a saved X. */
export function wantsForward(o: ForwardComputeOpts & { inputs?: string }): boolean {
  return o.inputs === undefined && (o.ids !== undefined || o.text !== undefined || o.modelInputs !== undefined);
}

/** The options of the forward path that do not fit together, refused before any file is opened (Keras and torch models alike). */
export function checkForwardOptions(o: ForwardComputeOpts): asserts o is ForwardComputeOpts & { model: string } {
  if (!o.model) fail('BAD_ARGUMENT', 'attention from ids or text runs the model: give --model FILE', { hint: 'or give --inputs X.npy (the saved outputs of the layer before attention)' });
  const xOnly = [o.tokens && '--tokens', o.lengths && '--lengths', o.mask && '--mask', o.weights && '--weights', o.sentenceInputs && '--sentence-inputs', o.sentenceLengths && '--sentence-lengths', o.sentenceWeights && '--sentence-weights'].filter(Boolean);
  if (xOnly.length) fail('BAD_ARGUMENT', `${xOnly.join(', ')} go${xOnly.length === 1 ? 'es' : ''} with saved X (--inputs), not with the forward pass, which takes its tokens from --text and its masks from the model`, { hint: 'leave them out, or give --inputs X.npy instead of running the model' });
  const given = [o.ids && '--ids', o.text && '--text', o.modelInputs && '--model-inputs'].filter(Boolean);
  if (given.length > 1) fail('BAD_ARGUMENT', `give one of ${given.join(', ')}: each is what the model takes`);
  if (o.text && !o.tokenizer) fail('BAD_ARGUMENT', '--text needs --tokenizer (the Keras tokenizer.json, or a vocabulary) to turn words into ids', { hint: 'save it in Python with open("tokenizer.json", "w").write(tokenizer.to_json())' });
  if (o.tokenizer && !o.text) fail('BAD_ARGUMENT', '--tokenizer turns --text into ids; give --text FILE too');
  if (/\.npy$/i.test(o.out)) fail('BAD_ARGUMENT', 'attention from the model\'s inputs is written as documents', { file: o.out, hint: 'name the output *.attn.pb or *.attn.json' });
}

export async function computeForward(o: ForwardComputeOpts, v: { variant?: Variant; normalise?: Normalisation; padId?: number }, shard?: Shard): Promise<void> {
  checkForwardOptions(o);
  const stop = interruptSignal(true);
  const kf = await openKeras(o.model, external(o.allowExternal));
  try {
    const model = await modelOf(kf, o.config);
    const plan = planAttention(kf, model, { ...(o.layer ? { layer: o.layer } : {}), ...(o.sentenceLayer ? { sentenceLayer: o.sentenceLayer } : {}) });
    const kernels = plan.kind === 'recompute' ? { word: kernelFromKeras(kf, plan.word, v), ...(plan.sentence ? { sentence: kernelFromKeras(kf, plan.sentence, v) } : {}) } : undefined;
    const texts = o.text ? await textIds(o, model, plan.kind === 'recompute' && !!plan.sentence) : undefined;
    const sources: RowSource[] = texts ? [tensorRows(tensor('int32', texts.shape, texts.ids), o.text)] : await npyRows(splitList(o.ids ?? o.modelInputs!));
    try {
      const provenance = await forwardProvenance(kf, o.model, plan, o.text ?? o.ids ?? o.modelInputs!);
      const docs = attentionFromInputs({ model, plan, ...(kernels ? { kernels } : {}), sources, ...(texts ? { texts } : {}), ...(v.padId !== undefined ? { padId: v.padId } : {}), provenance, ...(o.ids ? { file: o.ids } : {}), ...shardRun(sources, shard) }, { signal: stop.signal, ...batchSize(o.batchSize) });
      const n = await writeShardDocuments(o.out, docs, shard);
      process.stdout.write(`wrote ${o.out}: ${n} ${plan.kind === 'recompute' && plan.sentence ? 'hierarchical ' : ''}document${n === 1 ? '' : 's'} (${describePlan(plan)}, from the forward pass${shardNote(n, sources, shard)})\n`);
    } finally {
      for (const s of sources) await s.close();
    }
  } finally {
    kf.close();
    stop.dispose();
  }
}

/** A document shard runs the model on its own samples only (those whose id hashes into it): they are picked before the first batch. */
export function shardRun(sources: readonly RowSource[], shard: Shard | undefined): { samples?: Uint32Array } {
  return shard && shard.count > 1 ? { samples: shardSamples(sources[0]?.rows ?? 0, shard) } : {};
}

/** For a shard: how many of the input's samples the model ran on. */
export function shardNote(ran: number, sources: readonly RowSource[], shard: Shard | undefined): string {
  return shard && shard.count > 1 ? `; model run on ${ran} of ${sources[0]?.rows ?? 0} samples, shard ${shard.index}/${shard.count}` : '';
}

/** The documents of shardRun's run: for a shard, already its own, each at its sample number. */
export function writeShardDocuments(out: string, docs: AsyncIterable<AttentionDocument>, shard: Shard | undefined): Promise<number> {
  return writeDocumentsOf(out, docs, shard, shard && shard.count > 1 ? 'shard' : undefined);
}

function describePlan(p: AttentionPlan): string {
  if (p.kind === 'builtin') return `layer ${p.attention.layer}, ${p.attention.kind}`;
  return p.sentence ? `words: ${p.word.layer}; sentences: ${p.sentence.layer}` : `layer ${p.word.layer}, ${p.word.variant}`;
}

function count(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) fail('BAD_ARGUMENT', `${flag} must be a whole number ≥ 1, not ${JSON.stringify(v)}`);
  return Number(v);
}

/** The text as the model's ids (@attnlens/forward's encodeForModel, as the web viewer makes them); what was done goes to stderr. */
export async function textIds(o: ForwardComputeOpts, model: Pick<KerasModel, 'inputs'>, hierarchical: boolean): Promise<EncodedTexts> {
  const firstId: 0 | 1 | undefined = o.firstId === undefined ? undefined : o.firstId === '0' ? 0 : o.firstId === '1' ? 1 : fail('BAD_ARGUMENT', `--first-id is 0 or 1, not ${JSON.stringify(o.firstId)}`);
  const plain: PlainVocabularyOptions = { ...(firstId === undefined ? {} : { firstId }), ...(o.lower ? { lower: true } : {}), ...(o.oovToken !== undefined ? { oovToken: o.oovToken } : {}) };
  const vocab = vocabularyFor(await readTextFile(o.tokenizer!), o.tokenizer, plain);
  const maxlen = count(o.maxlen, '--maxlen');
  const maxSentences = count(o.maxSentences, '--max-sentences');
  const r = encodeForModel(await readTextFile(o.text!), vocab, model.inputs[0]!.shape, {
    hierarchical, file: o.text!, modelFile: o.model!,
    ...(maxlen !== undefined ? { maxlen } : {}), ...(maxSentences !== undefined ? { maxSentences } : {}), ...(o.splitSentences ? { splitSentences: true } : {}),
    ...(o.padding !== undefined ? { padding: o.padding } : {}), ...(o.truncating !== undefined ? { truncating: o.truncating } : {}),
  });
  for (const line of r.report) process.stderr.write(`attnlens: ${line}\n`);
  return r.encoded;
}

async function forwardProvenance(kf: KerasFile, model: string, plan: AttentionPlan, from: string): Promise<Provenance> {
  const what = plan.kind === 'builtin' ? `attention of layer ${plan.attention.layer} (${plan.attention.reason})` : `attention of layer ${plan.word.layer}${plan.sentence ? ` and ${plan.sentence.layer}` : ''} recomputed`;
  const p: Provenance = { sourceFormat: kf.layout, fileName: basename(model), sha256: await sha256File(model), framework: 'keras', generator: GENERATOR, note: `${what} from the forward pass of the model over ${basename(from)}` };
  if (kf.kerasVersion) p.frameworkVersion = kf.kerasVersion;
  return p;
}
