// `attnlens compute`: recompute attention from a saved layer (a Keras or PyTorch file, or
// bare W/b/u arrays) and the saved outputs X of the layer before it, or, without X, from the
// model's forward pass over token ids or text (forward.ts). Only wiring: layers are picked by
// @attnlens/forward, the maths and bare arrays' variants are @attnlens/attention's, files are
// @attnlens/npy's.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { AttnlensError, fail, formatShape, type AttentionDocument, type Provenance, type Shard, type Tensor } from '@attnlens/core';
import { sha256File } from '@attnlens/core/node';
import { loadArray } from '@attnlens/npy/node';
import { readTextFile } from '@attnlens/text/node';
// @attnlens/forward/node (the model reader: h5wasm, keras, torch), forward.js and torch-forward.js are imported
// when used: compute of X with --weights then starts without the forward path or keras-graph (issue 15).
import type { AttentionLayerSource } from '@attnlens/forward';
import {
  VARIANTS, arraysProvenance, attentionDocuments, guessVariant, hierarchicalDocuments, hierarchicalShardDocuments, isVariant, maskFromArray, maskFromLengths, masksFromIds, parseSentenceTokens, parseTokens, prepareKernel, sliceMask,
  type Kernel, type Mask, type Normalisation, type Variant,
} from '@attnlens/attention';
import { computeFile, computeFileSequences, computeFileToNpy } from '@attnlens/attention/node';
import { interruptSignal } from '../batch/interrupt.js';
import { addShardOptions, readShard, writeDocumentsOf } from './shard-options.js';
import type { ForwardComputeOpts } from './forward.js';
import { ALLOW_EXTERNAL_HELP } from '../input.js';

interface ComputeOpts extends ForwardComputeOpts {
  /** PyTorch forward pass: padding skipped (true, the default) or run through the RNNs (false). */
  packed?: boolean;
  model?: string;
  allowExternal?: string;
  layer?: string;
  weights?: string;
  inputs?: string;
  lengths?: string;
  mask?: string;
  ids?: string;
  padId?: string;
  variant?: string;
  normalise?: string;
  tokens?: string;
  out: string;
  sentenceLayer?: string;
  sentenceWeights?: string;
  sentenceInputs?: string;
  sentenceVariant?: string;
  sentenceLengths?: string;
  /** K/N, or the count for a batch engine's index (shard-options.ts). */
  shard?: string;
  shards?: string;
}

type OutKind = 'npy' | 'pb' | 'json';

/** A level's kernel and where it came from. */
interface Level {
  kernel: Kernel;
  layer?: string;
}

/** A word level and its provenance, which hashes the model file: only documents carry it, so only they pay for it (called once, by the path that writes them). */
type WordLevel = Level & { provenance: () => Promise<Provenance> };

function outKind(out: string): OutKind {
  if (/\.npy$/i.test(out)) return 'npy';
  if (/\.attn\.pb$/i.test(out)) return 'pb';
  if (/\.attn\.json$/i.test(out)) return 'json';
  return fail('BAD_ARGUMENT', `cannot tell what to write from the name ${basename(out)}`, {
    file: out,
    hint: 'name the output *.npy (float32 weights), *.attn.pb or *.attn.json (documents with tokens and provenance)',
  });
}

function usage(message: string, hint?: string): never {
  return fail('BAD_ARGUMENT', message, hint ? { hint } : {});
}

export function registerCompute(program: Command): void {
  addShardOptions(program
    .command('compute')
    .description('recompute attention weights from a saved attention layer and the saved outputs X of the layer before it')
    .option('--model <file>', 'Keras file holding the attention layer (.h5, .hdf5, .keras, .weights.h5), or a PyTorch state_dict (.pt, .safetensors)')
    .option('--allow-external <dir>', ALLOW_EXTERNAL_HELP)
    .option('--layer <name>', 'the attention layer (default: the only one attnlens can recompute)')
    .option('--weights <W,b,u>', 'instead of --model: the layer\'s arrays as .npy files, in the order W,b,u (leave a slot empty when missing: W.npy,,u.npy)')
    .option('--inputs <X>', 'X: .npy or .npz of shape (T, F), (N, T, F) or (N, S, T, F); without it, --ids, --text or --model-inputs run the model to the attention layer')
    .option('--lengths <L>', 'valid length of each sample (.npy)')
    .option('--mask <M>', '0/1 or bool mask, one entry per sample and step (.npy)')
    .option('--ids <IDS>', 'token ids fed to the Embedding (.npy): with --inputs, steps holding --pad-id are masked; without, the model runs on them (a HAN: (N, S, T)) and masks as Keras did unless --pad-id is given')
    .option('--pad-id <id>', 'the padding token id in --ids (default 0)')
    .option('--variant <v>', `how the layer computes (${VARIANTS.join(', ')}); default: what the model file says`)
    .option('--normalise <n>', 'eps (the layers\' own exp/(Σ+1e-7); default for Keras layers) or softmax (default for linear)')
    .option('--tokens <file>', 'tokens: one sample per line separated by spaces, or a JSON array of arrays of strings (hierarchical: one sentence per line, a blank line between samples, or nested JSON)')
    .requiredOption('--out <file>', 'OUT.npy (float32 weights, X\'s shape without F), OUT.attn.pb or OUT.attn.json (documents)')
    .option('--sentence-layer <name>', 'hierarchical attention: the sentence-level attention layer of --model')
    .option('--sentence-weights <W,b,u>', 'hierarchical attention: the sentence-level arrays, instead of --sentence-layer')
    .option('--sentence-inputs <S>', 'hierarchical attention: the sentence encodings (N, S, F) fed to the sentence-level layer; X is then (N, S, T, F) or (N·S, T, F)')
    .option('--sentence-variant <v>', 'hierarchical attention: the sentence-level variant')
    .option('--sentence-lengths <L>', 'hierarchical attention: the number of valid sentences of each sample (.npy)')
    .option('--text <file>', 'instead of --ids: one review a line (a HAN: one sentence a line, a blank line between reviews), turned into ids by --tokenizer')
    .option('--tokenizer <file>', 'with --text: a Keras tokenizer.to_json() file, a JSON {"token": id} map, or one token a line')
    .option('--first-id <0|1>', 'with a one-token-a-line vocabulary: the id of its first line (default 1, 0 being padding)')
    .option('--lower', 'with a plain vocabulary: lowercase the text before looking words up')
    .option('--oov-token <token>', 'with a plain vocabulary: the token unknown words become (default: they are dropped, as Keras drops them)')
    .option('--maxlen <T>', 'with --text: steps per sequence (default: what the model takes, else the longest)')
    .option('--padding <pre|post>', 'with --text: where padding goes (default pre, as pad_sequences)')
    .option('--truncating <pre|post>', 'with --text: which end of a longer sequence is cut (default pre, as pad_sequences)')
    .option('--max-sentences <S>', 'with --text for a HAN: sentences per review (default: what the model takes)')
    .option('--split-sentences', 'with --text for a HAN: one review a line, split into sentences after . ! ? (the split is printed)')
    .option('--model-inputs <IN.npy,...>', 'instead of --ids: the model\'s inputs when they are not token ids (attention made of built-in layers)')
    .option('--config <model.json>', 'with --model: the architecture from model.to_json(), for a weights-only file')
    .option('--batch-size <n>', 'samples per forward batch (default 256)')
    .option('--packed', 'with a PyTorch --model and --ids/--text: padding is skipped by the RNNs, as pack_padded_sequence over post-padded ids does (the default)')
    .option('--no-packed', 'with a PyTorch --model: padding runs through the RNNs like any step (the model did not pack its sequences)')
    .addHelpText('after', '\nWith neither --layer nor --variant, the model file says which layer and how it computes. Hierarchical attention (--sentence-inputs) writes one document per sample: a sentence-level map whose children are the word-level maps. With --shard K/N, an .npy holds X\'s rows [floor(K·R/N), floor((K+1)·R/N)) and documents are split by id (docs/scale.md).'))
    .action(async (opts: ComputeOpts) => {
      // Ctrl-C stops between blocks of X; the output's temporary file is removed.
      const stop = interruptSignal(true);
      try {
        await runCompute(opts, stop.signal);
      } finally {
        stop.dispose();
      }
    });
}

async function runCompute(o: ComputeOpts, signal: AbortSignal): Promise<void> {
  const kind = outKind(o.out);
  const shard = readShard(o as unknown as Record<string, unknown>);
  // Without X the command may run the model: only then is the forward path loaded.
  const forward = o.inputs === undefined ? await import('./forward.js') : undefined;
  if (forward?.wantsForward(o)) {
    await checkOutputFolder(o.out);
    const v = { variant: checkVariant(o.variant, '--variant'), normalise: checkNormalise(o.normalise), ...(o.padId !== undefined ? { padId: parsePadId(o.padId) } : {}) };
    const torch = await import('./torch-forward.js');
    if (o.model && (await torch.isTorchModel(o.model))) return torch.computeTorchForward(o, v, shard);
    if (o.packed !== undefined) usage('--packed and --no-packed say how a PyTorch model ran its RNNs; a Keras model\'s masks say it');
    await forward.computeForward(o, v, shard);
    return;
  }
  checkSavedXOptions(o, kind);
  const v = { variant: checkVariant(o.variant, '--variant'), sentenceVariant: checkVariant(o.sentenceVariant, '--sentence-variant'), normalise: checkNormalise(o.normalise) };
  await checkOutputFolder(o.out);
  const padId = o.padId === undefined ? 0 : parsePadId(o.padId);
  let src: AttentionLayerSource | undefined;
  try {
    // Hierarchical inputs are read whole (documents hold every weight anyway), before the
    // layers are picked: their F tells the word level from the sentence level.
    const hx = o.sentenceInputs !== undefined ? { word: await loadArray(o.inputs), sentence: await loadArray(o.sentenceInputs) } : undefined;
    if (o.model) src = await openSource(o.model, o.allowExternal);
    const { word, sentence } = src ? await modelLevels(src, o, v, hx) : await arrayLevels(o, v, hx !== undefined);
    const mask = await readMask(o, padId);
    const maskFile = o.lengths ?? o.mask ?? o.ids;
    if (hx) return await runHierarchical(o, hx, word, sentence!, mask, maskFile, shard);
    await runFlat(o, kind, word, mask, maskFile, signal, shard);
  } catch (e) {
    throw oneArrayHint(e);
  } finally {
    await src?.close();
  }
}

/** The options of the saved-X path that do not fit together, refused before any file is read. */
function checkSavedXOptions(o: ComputeOpts, kind: OutKind): asserts o is ComputeOpts & { inputs: string } {
  if (o.inputs === undefined) usage('give X with --inputs, or the model\'s inputs with --ids, --text or --model-inputs', 'without X, attnlens runs the model (--model) up to the attention layer');
  const forwardOnly = [o.text && '--text', o.tokenizer && '--tokenizer', o.modelInputs && '--model-inputs', o.maxSentences && '--max-sentences', o.config && '--config', o.packed !== undefined && (o.packed ? '--packed' : '--no-packed')].filter(Boolean);
  if (forwardOnly.length) usage(`${forwardOnly.join(', ')} run${forwardOnly.length === 1 ? 's' : ''} the model, which --inputs (X given) skips`, 'leave out --inputs to run the model on ids or text');
  if (!!o.model === !!o.weights) usage(o.model ? 'give either --model or --weights, not both' : 'say where the attention layer is: --model FILE or --weights W.npy,b.npy,u.npy');
  const maskSources = [o.lengths && '--lengths', o.mask && '--mask', o.ids && '--ids'].filter(Boolean);
  if (maskSources.length > 1) usage(`give one of ${maskSources.join(', ')}: they all say which steps count`);
  if (o.padId !== undefined && !o.ids) usage('--pad-id needs --ids (the token ids to look for it in)');
  const hier = o.sentenceInputs !== undefined;
  if (!hier && (o.sentenceLayer || o.sentenceWeights || o.sentenceVariant || o.sentenceLengths)) usage('the --sentence-* options need --sentence-inputs (the sentence encodings) for hierarchical attention');
  if (hier && kind === 'npy') usage('hierarchical attention writes documents (word and sentence levels together)', 'name the output *.attn.pb or *.attn.json');
  if (hier && o.sentenceLayer && !o.model) usage('--sentence-layer names a layer of --model; with bare arrays use --sentence-weights');
  if (hier && o.sentenceWeights && o.model) usage('give either --sentence-layer (with --model) or --sentence-weights, not --sentence-weights with --model');
  if (o.tokens && kind === 'npy') usage('tokens label documents, and an .npy holds only the weights', 'name the output *.attn.pb or *.attn.json to keep the tokens');
}

async function openSource(model: string, allowExternal: string | undefined): Promise<AttentionLayerSource> {
  const { openModelSource } = await import('@attnlens/forward/node');
  return openModelSource(model, allowExternal !== undefined ? { allowExternal } : {});
}

type LevelChoices = { variant?: Variant; sentenceVariant?: Variant; normalise?: Normalisation };

/** The word (and sentence) levels from the model file: layers picked by @attnlens/forward. */
async function modelLevels(src: AttentionLayerSource, o: ComputeOpts & { inputs: string }, v: LevelChoices, hx?: { word: Tensor; sentence: Tensor }): Promise<{ word: WordLevel; sentence?: Level }> {
  const { layerProvenance, pickAttentionLayers } = await import('@attnlens/forward/node');
  const picked = pickAttentionLayers(src, { ...(o.layer ? { layer: o.layer } : {}), ...(o.sentenceLayer ? { sentenceLayer: o.sentenceLayer } : {}), ...(hx ? { inputDims: { word: lastDim(hx.word), sentence: lastDim(hx.sentence) } } : {}) });
  const provenance = async () => layerProvenance(src, picked.word, { fileName: basename(o.model!), sha256: await sha256File(o.model!), inputsName: basename(o.inputs) });
  const word = { kernel: await src.kernel(picked.word, { variant: v.variant, normalise: v.normalise }), layer: picked.word.layer, provenance };
  if (!picked.sentence) return { word };
  return { word, sentence: { kernel: await src.kernel(picked.sentence, { variant: v.sentenceVariant, normalise: v.normalise }), layer: picked.sentence.layer } };
}

/** The word (and sentence) levels from bare W,b,u arrays. */
async function arrayLevels(o: ComputeOpts & { inputs: string }, v: LevelChoices, hier: boolean): Promise<{ word: WordLevel; sentence?: Level }> {
  const k = await kernelFromArrays(o.weights!, v.variant, v.normalise, '--weights');
  const provenance = async () => arraysProvenance(k.files.map((f) => basename(f)), k.kernel, { sha256: await sha256File(k.files[0]!), inputsName: basename(o.inputs) });
  const word = { kernel: k.kernel, provenance };
  if (!hier) return { word };
  if (!o.sentenceWeights) usage('hierarchical attention from bare arrays needs --sentence-weights W.npy,b.npy,u.npy');
  return { word, sentence: { kernel: (await kernelFromArrays(o.sentenceWeights, v.sentenceVariant, v.normalise, '--sentence-weights')).kernel } };
}

/** One level over X: float32 weights (.npy), or one document per sample. */
async function runFlat(o: ComputeOpts & { inputs: string }, kind: OutKind, word: WordLevel, mask: Mask | undefined, maskFile: string | undefined, signal: AbortSignal, shard?: Shard): Promise<void> {
  if (kind === 'npy') {
    // A shard computes only its contiguous rows of X (and writes their index beside the .npy).
    const r = await computeFileToNpy({ kernel: word.kernel, inputs: o.inputs, mask, maskFile, out: o.out, signal, ...(shard ? { shard } : {}) });
    const rows = shard ? `, rows ${r.rows[0]}..${r.rows[1]} of ${r.totalRows} (shard ${shard.index}/${shard.count})` : '';
    process.stdout.write(`wrote ${o.out}: float32 ${formatShape(r.shape)}${rows} (${describe(word.kernel, word.layer)})\n`);
    return;
  }
  const tokens = o.tokens ? parseTokens(await readTextFile(o.tokens), o.tokens) : undefined;
  // A document shard scores only its own samples (those whose id hashes into it), picked before any maths.
  if (shard && shard.count > 1) return runFlatShard(o, word, tokens, mask, maskFile, signal, shard);
  const s = await computeFile({ kernel: word.kernel, inputs: o.inputs, mask, maskFile, signal });
  if (tokens && tokens.length !== s.sequences) {
    await s.close();
    tokenCountMismatch(o.tokens!, tokens.length, s.inputShape, s.sequences);
  }
  const T = s.steps;
  const provenance = await word.provenance();
  async function* docs(): AsyncGenerator<AttentionDocument> {
    for await (const c of s.chunks()) {
      yield* attentionDocuments(c.weights, c.count, T, {
        tokens,
        mask: mask && sliceMask(mask, c.start, c.count, T),
        kernel: word.kernel,
        layer: word.layer,
        provenance,
        first: c.start,
        file: o.tokens,
      });
    }
  }
  let n: number;
  try {
    n = await writeDocumentsOf(o.out, docs(), shard);
  } finally {
    await s.close();
  }
  process.stdout.write(`wrote ${o.out}: ${n} document${n === 1 ? '' : 's'} of ${T} steps (${describe(word.kernel, word.layer)})\n`);
}

/** One level over X, for a document shard: only its samples are read out of X and scored, their documents written in sample order. */
async function runFlatShard(o: ComputeOpts & { inputs: string }, word: WordLevel, tokens: string[][] | undefined, mask: Mask | undefined, maskFile: string | undefined, signal: AbortSignal, shard: Shard): Promise<void> {
  const s = await computeFileSequences({ kernel: word.kernel, inputs: o.inputs, mask, maskFile, signal, documentShard: shard });
  if (tokens && tokens.length !== s.sequences) {
    await s.close();
    tokenCountMismatch(o.tokens!, tokens.length, s.inputShape, s.sequences);
  }
  const T = s.steps;
  const P = word.kernel.perStep;
  const provenance = await word.provenance();
  async function* docs(): AsyncGenerator<AttentionDocument> {
    for await (const c of s.chunks()) {
      for (let i = 0; i < c.sequences.length; i++) {
        const n = c.sequences[i]!;
        yield* attentionDocuments(c.weights.subarray(i * T * P, (i + 1) * T * P), 1, T, {
          tokens, mask: mask && sliceMask(mask, n, 1, T), kernel: word.kernel, layer: word.layer, provenance, first: n, file: o.tokens,
        });
      }
    }
  }
  let n: number;
  try {
    n = await writeDocumentsOf(o.out, docs(), shard, 'shard');
  } finally {
    await s.close();
  }
  process.stdout.write(`wrote ${o.out}: ${n} document${n === 1 ? '' : 's'} of ${T} steps, ${s.selected} of X's ${s.sequences} samples (shard ${shard.index}/${shard.count}) (${describe(word.kernel, word.layer)})\n`);
}

function tokenCountMismatch(file: string, tokens: number, xShape: number[], sequences: number): never {
  return fail('SHAPE_MISMATCH', `has tokens for ${tokens} sample${tokens === 1 ? '' : 's'} but X ${formatShape(xShape)} has ${sequences}`, {
    file,
    hint: 'give one line (or JSON array) of tokens per sample of X, in the same order',
  });
}

/** An .npz (or multi-array .npy) given where one array is meant: compute takes one array per option, and says how to save it alone. */
function oneArrayHint(e: unknown): unknown {
  if (!(e instanceof AttnlensError && e.code === 'AMBIGUOUS' && Array.isArray(e.details?.names))) return e;
  const names = e.details.names as string[];
  return new AttnlensError({
    code: e.code,
    message: e.reason,
    file: e.file,
    details: e.details,
    hint: `compute reads one array per option: save the one you mean alone, e.g. np.save("X.npy", np.load(${JSON.stringify(basename(e.file ?? 'file.npz'))})[${JSON.stringify(names[0] ?? 'name')}])`,
  });
}

async function runHierarchical(
  o: ComputeOpts & { inputs: string },
  x: { word: Tensor; sentence: Tensor },
  word: WordLevel,
  sentence: Level,
  mask: Mask | undefined,
  maskFile: string | undefined,
  shard?: Shard,
): Promise<void> {
  const { word: xw, sentence: xs } = x;
  const sentenceMask = o.sentenceLengths ? maskFromLengths(await loadArray(o.sentenceLengths), o.sentenceLengths) : undefined;
  const tokens = o.tokens ? parseSentenceTokens(await readTextFile(o.tokens), o.tokens) : undefined;
  const levels = [
    { kernel: word.kernel, x: xw, mask, layer: word.layer, file: o.inputs, maskFile },
    { kernel: sentence.kernel, x: xs, mask: sentenceMask, layer: sentence.layer, file: o.sentenceInputs, maskFile: o.sentenceLengths },
  ] as const;
  const how = { tokens, tokensFile: o.tokens, provenance: await word.provenance() };
  // A document shard computes only its own samples.
  const sharded = shard && shard.count > 1;
  const docs = sharded ? hierarchicalShardDocuments(...levels, shard, how) : hierarchicalDocuments(...levels, how);
  const n = await writeDocumentsOf(o.out, docs, shard, sharded ? 'shard' : undefined);
  process.stdout.write(`wrote ${o.out}: ${n} hierarchical document${n === 1 ? '' : 's'} (words: ${describe(word.kernel, word.layer)}; sentences: ${describe(sentence.kernel, sentence.layer)})\n`);
}

/** Fail before any work when OUT cannot be written: its folder is missing or read-only. */
async function checkOutputFolder(out: string): Promise<void> {
  const dir = dirname(resolve(out));
  let isDir: boolean;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    return fail('FILE_NOT_FOUND', `the folder ${dirname(out)} does not exist`, { file: out, hint: 'create it first, or write somewhere else' });
  }
  if (!isDir) fail('BAD_ARGUMENT', `${dirname(out)} is not a folder`, { file: out, hint: 'write somewhere else' });
  try {
    await access(dir, constants.W_OK);
  } catch {
    fail('IO', `cannot write into ${dirname(out)} (permission denied)`, { file: out, hint: 'write somewhere else' });
  }
}

function parsePadId(v: string): number {
  const padId = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(padId)) usage(`--pad-id must be an integer token id, not ${JSON.stringify(v)}`, 'Keras pads with 0');
  return padId;
}

function describe(k: Kernel, layer?: string): string {
  return `${layer ? `layer ${layer}, ` : ''}${k.variant}, ${k.normalise} normalisation`;
}

function checkVariant(v: string | undefined, flag: string): Variant | undefined {
  if (v === undefined) return undefined;
  if (!isVariant(v)) usage(`${flag} ${JSON.stringify(v)} is not a variant attnlens knows`, `use one of ${VARIANTS.join(', ')}`);
  return v as Variant;
}

function checkNormalise(n: string | undefined): Normalisation | undefined {
  if (n === undefined) return undefined;
  if (n !== 'eps' && n !== 'softmax') usage(`--normalise ${JSON.stringify(n)} is neither eps nor softmax`, 'eps is the layers\' own exp/(Σ+1e-7); softmax subtracts the max first');
  return n as Normalisation;
}

function lastDim(t: Tensor): number {
  return t.shape[t.shape.length - 1] ?? 0;
}

/** W,b,u from .npy files; the variant from --variant or, when unambiguous, from the shapes (a warning says what was taken). */
async function kernelFromArrays(spec: string, variant: Variant | undefined, normalise: Normalisation | undefined, flag: string): Promise<{ kernel: Kernel; files: string[] }> {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length > 3 || !parts[0]) usage(`${flag} takes up to three .npy files in the order W,b,u (an empty slot for a missing one), not ${JSON.stringify(spec)}`, 'e.g. W.npy,b.npy,u.npy or W.npy,,u.npy');
  const [wf, bf, uf] = [parts[0]!, parts[1] || undefined, parts[2] || undefined];
  const W = await loadArray(wf);
  const b = bf ? await loadArray(bf) : undefined;
  const u = uf ? await loadArray(uf) : undefined;
  let v = variant;
  if (!v) {
    const guess = guessVariant(W, b, u, wf);
    if (guess.warning) {
      const vflag = flag === '--weights' ? '--variant' : '--sentence-variant';
      const how = guess.option === 'variant' ? vflag : guess.option === 'weights' ? `${flag} W.npy,b.npy,u.npy` : undefined;
      process.stderr.write(`attnlens: warning: ${wf}: ${guess.warning}${how ? ` (${how})` : ''}\n`);
    }
    v = guess.variant;
  }
  return { kernel: prepareKernel({ variant: v, W, b, u, normalise }, wf), files: [wf, bf, uf].filter((f): f is string => !!f) };
}

async function readMask(o: ComputeOpts, padId: number): Promise<Mask | undefined> {
  if (o.lengths) return maskFromLengths(await loadArray(o.lengths), o.lengths);
  if (o.mask) return maskFromArray(await loadArray(o.mask), o.mask);
  if (o.ids) return masksFromIds(await loadArray(o.ids), padId, o.ids);
  return undefined;
}
