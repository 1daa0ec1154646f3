// `attnlens compute`: recompute attention from a saved layer (a Keras file, or bare
// W/b/u arrays) and the saved outputs X of the layer before it, or, without X, from the
// model's forward pass over token ids or text (forward.ts). Only wiring: the maths is
// @attnlens/attention, files are @attnlens/npy and @attnlens/keras.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { AttnlensError, fail, formatShape, GENERATOR, type AttentionDocument, type Provenance, type Tensor } from '@attnlens/core';
import { sha256File, writeDocuments } from '@attnlens/core/node';
import { loadArray } from '@attnlens/npy/node';
import { readTextFile } from '@attnlens/text/node';
// model-source.js (h5wasm, keras, torch), forward.js and torch-forward.js are imported when used: compute of
// X with --weights then starts without the forward path or keras-graph (issue 15: ~0.3 s of start-up).
import type { ModelAttention, ModelSource } from './model-source.js';
import {
  VARIANTS, attentionDocuments, hierarchicalDocuments, isVariant, maskFromArray, maskFromLengths, masksFromIds, parseSentenceTokens, parseTokens, prepareKernel, sliceMask,
  type Kernel, type Mask, type Normalisation, type Variant,
} from '@attnlens/attention';
import { computeFile, computeFileToNpy } from '@attnlens/attention/node';
import { interruptSignal } from '../batch/interrupt.js';
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
}

type OutKind = 'npy' | 'pb' | 'json';

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
  program
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
    .addHelpText('after', '\nWith neither --layer nor --variant, the model file says which layer and how it computes. Hierarchical attention (--sentence-inputs) writes one document per sample: a sentence-level map whose children are the word-level maps.')
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
  // Without X the command may run the model: only then is the forward path loaded.
  const forward = o.inputs === undefined ? await import('./forward.js') : undefined;
  if (forward?.wantsForward(o)) {
    await checkOutputFolder(o.out);
    const v = { variant: checkVariant(o.variant, '--variant'), normalise: checkNormalise(o.normalise), ...(o.padId !== undefined ? { padId: parsePadId(o.padId) } : {}) };
    const torch = await import('./torch-forward.js');
    if (o.model && (await torch.isTorchModel(o.model))) return torch.computeTorchForward(o, v);
    if (o.packed !== undefined) usage('--packed and --no-packed say how a PyTorch model ran its RNNs; a Keras model\'s masks say it');
    await forward.computeForward(o, v);
    return;
  }
  if (o.inputs === undefined) usage('give X with --inputs, or the model\'s inputs with --ids, --text or --model-inputs', 'without X, attnlens runs the model (--model) up to the attention layer');
  const inputs = o.inputs;
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
  const variant = checkVariant(o.variant, '--variant');
  const sentenceVariant = checkVariant(o.sentenceVariant, '--sentence-variant');
  const normalise = checkNormalise(o.normalise);
  await checkOutputFolder(o.out);
  const padId = o.padId === undefined ? 0 : parsePadId(o.padId);

  let kf: ModelSource | undefined;
  try {
    let word: { kernel: Kernel; layer?: string; provenance: Provenance };
    let sentence: { kernel: Kernel; layer?: string } | undefined;
    // Hierarchical inputs are read whole (documents hold every weight anyway), before the
    // layers are picked: their F tells the word level from the sentence level.
    const hx = hier ? { word: await loadArray(inputs), sentence: await loadArray(o.sentenceInputs!) } : undefined;
    if (o.model) {
      const { openModelSource } = await import('./model-source.js');
      kf = await openModelSource(o.model, o.allowExternal !== undefined ? { allowExternal: o.allowExternal } : {});
      const infos = pickLayers(kf, o.layer, o.sentenceLayer, hx && { word: lastDim(hx.word), sentence: lastDim(hx.sentence) });
      word = { kernel: await kf.kernel(infos.word, { variant, normalise }), layer: infos.word.layer, provenance: await modelProvenance(kf, o.model, infos.word, inputs) };
      if (hier) {
        sentence = { kernel: await kf.kernel(infos.sentence!, { variant: sentenceVariant, normalise }), layer: infos.sentence!.layer };
      }
    } else {
      const k = await kernelFromArrays(o.weights!, variant, normalise, '--weights');
      word = { kernel: k.kernel, provenance: await arraysProvenance(k.files, k.kernel, inputs) };
      if (hier) {
        if (!o.sentenceWeights) usage('hierarchical attention from bare arrays needs --sentence-weights W.npy,b.npy,u.npy');
        sentence = { kernel: (await kernelFromArrays(o.sentenceWeights, sentenceVariant, normalise, '--sentence-weights')).kernel };
      }
    }
    const mask = await readMask(o, padId);
    const maskFile = o.lengths ?? o.mask ?? o.ids;

    if (hx) {
      await runHierarchical({ ...o, inputs }, hx, word, sentence!, mask, maskFile);
      return;
    }
    if (kind === 'npy') {
      const r = await computeFileToNpy({ kernel: word.kernel, inputs: inputs, mask, maskFile, out: o.out, signal });
      process.stdout.write(`wrote ${o.out}: float32 ${formatShape(r.shape)} (${describe(word.kernel, word.layer)})\n`);
      return;
    }
    const tokens = o.tokens ? parseTokens(await readTextFile(o.tokens), o.tokens) : undefined;
    const s = await computeFile({ kernel: word.kernel, inputs: inputs, mask, maskFile, signal });
    if (tokens && tokens.length !== s.sequences) {
      await s.close();
      fail('SHAPE_MISMATCH', `has tokens for ${tokens.length} sample${tokens.length === 1 ? '' : 's'} but X ${formatShape(s.inputShape)} has ${s.sequences}`, {
        file: o.tokens,
        hint: 'give one line (or JSON array) of tokens per sample of X, in the same order',
      });
    }
    const T = s.steps;
    async function* docs(): AsyncGenerator<AttentionDocument> {
      for await (const c of s.chunks()) {
        yield* attentionDocuments(c.weights, c.count, T, {
          tokens,
          mask: mask && sliceMask(mask, c.start, c.count, T),
          kernel: word.kernel,
          layer: word.layer,
          provenance: word.provenance,
          first: c.start,
          file: o.tokens,
        });
      }
    }
    let n: number;
    try {
      n = await writeDocuments(o.out, docs());
    } finally {
      await s.close();
    }
    process.stdout.write(`wrote ${o.out}: ${n} document${n === 1 ? '' : 's'} of ${T} steps (${describe(word.kernel, word.layer)})\n`);
  } catch (e) {
    // An .npz (or multi-array .npy) given where one array is meant: compute takes one array per option.
    if (e instanceof AttnlensError && e.code === 'AMBIGUOUS' && Array.isArray(e.details?.names)) {
      const names = e.details.names as string[];
      throw new AttnlensError({
        code: e.code,
        message: e.reason,
        file: e.file,
        details: e.details,
        hint: `compute reads one array per option: save the one you mean alone, e.g. np.save("X.npy", np.load(${JSON.stringify(basename(e.file ?? 'file.npz'))})[${JSON.stringify(names[0] ?? 'name')}])`,
      });
    }
    throw e;
  } finally {
    await kf?.close();
  }
}

async function runHierarchical(
  o: ComputeOpts & { inputs: string },
  x: { word: Tensor; sentence: Tensor },
  word: { kernel: Kernel; layer?: string; provenance: Provenance },
  sentence: { kernel: Kernel; layer?: string },
  mask: Mask | undefined,
  maskFile: string | undefined,
): Promise<void> {
  const { word: xw, sentence: xs } = x;
  const sentenceMask = o.sentenceLengths ? maskFromLengths(await loadArray(o.sentenceLengths), o.sentenceLengths) : undefined;
  const tokens = o.tokens ? parseSentenceTokens(await readTextFile(o.tokens), o.tokens) : undefined;
  const docs = hierarchicalDocuments(
    { kernel: word.kernel, x: xw, mask, layer: word.layer, file: o.inputs, maskFile },
    { kernel: sentence.kernel, x: xs, mask: sentenceMask, layer: sentence.layer, file: o.sentenceInputs, maskFile: o.sentenceLengths },
    { tokens, tokensFile: o.tokens, provenance: word.provenance },
  );
  const n = await writeDocuments(o.out, docs);
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

function layerList(infos: ModelAttention[]): string {
  return infos.map((i) => `${i.layer} (${i.variant}, W ${i.inputDim}×${i.attentionDim})`).join(', ');
}

function lastDim(t: Tensor): number {
  return t.shape[t.shape.length - 1] ?? 0;
}

/**
 * The attention layer(s) to use: named, or the only one; otherwise list the candidates
 * and stop. Hierarchical (`hierF` = the F of the word and sentence inputs): unnamed levels
 * are the layers whose input size fits, then the one nested in a wrapper (a HAN's word
 * attention sits inside TimeDistributed) is the word level.
 */
/** What compute can recompute, for hints, per framework. */
const RECOMPUTES: Record<ModelSource['framework'], string> = {
  keras: 'attnlens recomputes AttentionWithContext, AttLayer, Dense(1) score layers, per-step-bias and per-feature attention',
  pytorch: 'attnlens recomputes a Linear(H, 1) score head, Linear(H, A) with a context Linear(A, 1), and W/b/u parameters (tanh(x·W + b)·u)',
};

function pickLayers(kf: ModelSource, layer: string | undefined, sentenceLayer: string | undefined, hierF?: { word: number; sentence: number }): { word: ModelAttention; sentence?: ModelAttention } {
  const all = kf.attentionLayers;
  const find = (name: string, flag: string): ModelAttention => {
    const hit = all.find((i) => i.layer === name);
    if (hit) return hit;
    // A layer nested in a wrapper is outer/inner; its own name alone will do when it is unique.
    const inner = all.filter((i) => i.layer.split('/').pop() === name);
    if (inner.length === 1) return inner[0]!;
    const un = kf.unrecognisedAttention.find((u) => u.layer === name);
    if (un) fail('UNSUPPORTED', `layer ${name} looks like attention but attnlens cannot recompute it: ${un.reason}`, { file: kf.path, hint: RECOMPUTES[kf.framework] });
    kf.layer(name); // NOT_FOUND listing the layer names when there is no such layer
    return fail('NOT_FOUND', `layer ${name} (${flag}) is not an attention layer attnlens can recompute`, {
      file: kf.path,
      hint: all.length ? `attention layers: ${layerList(all)}` : 'this file has no attention layer with W, b, u weights',
      details: { layer: name, candidates: all.map((i) => i.layer) },
    });
  };
  const none = (): never => {
    const why = kf.unrecognisedAttention.map((u) => `${u.layer}: ${u.reason}`).join('; ');
    return fail('NOT_FOUND', `has no attention layer attnlens can recompute${why ? ` (${why})` : ''}`, {
      file: kf.path,
      hint: why ? RECOMPUTES[kf.framework] : `it has layers ${kf.layers.map((l) => l.name).join(', ')}; pass bare arrays with --weights if the attention layer is one of them`,
    });
  };
  const ambiguous = (flag: string, candidates: ModelAttention[]): never =>
    fail('AMBIGUOUS', `has ${candidates.length} attention layers: ${layerList(candidates)}`, {
      file: kf.path,
      hint: `choose one with ${flag} NAME`,
      details: { candidates: candidates.map((i) => ({ layer: i.layer, variant: i.variant, inputDim: i.inputDim, attentionDim: i.attentionDim })) },
    });
  if (!hierF) {
    if (sentenceLayer) usage('--sentence-layer needs --sentence-inputs (the sentence encodings) for hierarchical attention');
    if (layer) return { word: find(layer, '--layer') };
    if (all.length === 0) none();
    if (all.length > 1) ambiguous('--layer', all);
    return { word: all[0]! };
  }
  if (all.length === 0) none();
  const named = { word: layer ? find(layer, '--layer') : undefined, sentence: sentenceLayer ? find(sentenceLayer, '--sentence-layer') : undefined };
  const wordCands = named.word ? [named.word] : all.filter((i) => i !== named.sentence && i.inputDim === hierF.word);
  const sentCands = named.sentence ? [named.sentence] : all.filter((i) => i !== named.word && i.inputDim === hierF.sentence);
  const pairs: [ModelAttention, ModelAttention][] = [];
  for (const w of wordCands) for (const s of sentCands) if (w !== s) pairs.push([w, s]);
  let pick = pairs.length === 1 ? pairs[0] : undefined;
  if (!pick && pairs.length > 1) {
    const nested = pairs.filter(([w, s]) => w.layer.includes('/') && !s.layer.includes('/'));
    if (nested.length === 1) pick = nested[0];
    // torch modules have no nesting; their names say the level (word_attention, sentence_attention)
    const byLevel = pairs.filter(([w, s]) => w.level === 'word' && s.level === 'sentence');
    if (!pick && byLevel.length === 1) pick = byLevel[0];
  }
  if (!pick) {
    if (!pairs.length) {
      return fail('NOT_FOUND', `has no pair of attention layers for word inputs of F = ${hierF.word} and sentence inputs of F = ${hierF.sentence} (attention layers: ${layerList(all)})`, {
        file: kf.path,
        hint: 'name them with --layer (word level) and --sentence-layer, or check --inputs and --sentence-inputs',
      });
    }
    ambiguous(named.word ? '--sentence-layer' : '--layer (the word level) and --sentence-layer', [...new Set(pairs.flat())]);
  }
  if (pick![0] === pick![1]) usage(`--layer and --sentence-layer both name ${pick![0].layer}`, 'the word and sentence levels are two different attention layers');
  return { word: pick![0], sentence: pick![1] };
}

/** W,b,u from .npy files; the variant from --variant or, when unambiguous, from the shapes. */
async function kernelFromArrays(spec: string, variant: Variant | undefined, normalise: Normalisation | undefined, flag: string): Promise<{ kernel: Kernel; files: string[] }> {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length > 3 || !parts[0]) usage(`${flag} takes up to three .npy files in the order W,b,u (an empty slot for a missing one), not ${JSON.stringify(spec)}`, 'e.g. W.npy,b.npy,u.npy or W.npy,,u.npy');
  const [wf, bf, uf] = [parts[0]!, parts[1] || undefined, parts[2] || undefined];
  const W = await loadArray(wf);
  const b = bf ? await loadArray(bf) : undefined;
  const u = uf ? await loadArray(uf) : undefined;
  const v = variant ?? guessVariant(W, b, u, wf, flag);
  return { kernel: prepareKernel({ variant: v, W, b, u, normalise }, wf), files: [wf, bf, uf].filter((f): f is string => !!f) };
}

function guessVariant(W: Tensor, b: Tensor | undefined, u: Tensor | undefined, file: string, flag: string): Variant {
  if (!u) {
    // Without u: a bias per step (T,1) beside w (F,1) is step-bias; a square W is per-feature.
    if (b && W.shape.length === 2 && W.shape[1] === 1 && b.shape.length === 2 && b.shape[1] === 1 && b.shape[0]! > 1) return 'step-bias';
    if (W.shape.length === 2 && W.shape[0] === W.shape[1] && W.shape[0]! > 1) {
      // Also what an AttentionWithContext given without its u looks like: say so rather than guess silently.
      process.stderr.write(`attnlens: warning: ${file}: W is square ${formatShape(W.shape)} and there is no u: taking it as per-feature attention (exp(tanh(x·W + b)) over time for each feature, a (T, F) map); give u (W.npy,b.npy,u.npy) for AttentionWithContext\n`);
      return 'per-feature';
    }
    return 'linear';
  }
  if (W.shape.length === 2 && W.shape[0] !== W.shape[1]) return 'attlayer';
  if (W.shape.length === 2) {
    // A square W with a context vector is AttentionWithContext, and nearly every saved
    // one was trained on TensorFlow (x·Wᵀ, FORMATS.md §2.1); say so rather than guess silently.
    const vflag = flag === '--weights' ? '--variant' : '--sentence-variant';
    process.stderr.write(`attnlens: warning: ${file}: W is square ${formatShape(W.shape)}: taking it as AttentionWithContext trained on TensorFlow (awc-tf, x·Wᵀ); pass ${vflag} awc-th or attlayer if the layer computed x·W\n`);
    return 'awc-tf';
  }
  return fail('SHAPE_MISMATCH', `W is ${formatShape(W.shape)}, but a layer with a context vector u needs a 2-D W (F, A)`, { file, hint: 'check the order: W,b,u' });
}

async function readMask(o: ComputeOpts, padId: number): Promise<Mask | undefined> {
  if (o.lengths) return maskFromLengths(await loadArray(o.lengths), o.lengths);
  if (o.mask) return maskFromArray(await loadArray(o.mask), o.mask);
  if (o.ids) return masksFromIds(await loadArray(o.ids), padId, o.ids);
  return undefined;
}

async function modelProvenance(kf: ModelSource, model: string, info: ModelAttention, inputs: string): Promise<Provenance> {
  const p: Provenance = {
    sourceFormat: kf.sourceFormat,
    fileName: basename(model),
    sha256: await sha256File(model),
    framework: kf.framework,
    generator: GENERATOR,
    note: `attention of layer ${info.layer} recomputed from ${basename(inputs)} (${info.reason})`,
  };
  if (kf.frameworkVersion) p.frameworkVersion = kf.frameworkVersion;
  return p;
}

async function arraysProvenance(files: string[], k: Kernel, inputs: string): Promise<Provenance> {
  return {
    sourceFormat: 'npy',
    fileName: files.map((f) => basename(f)).join(','),
    sha256: await sha256File(files[0]!),
    generator: GENERATOR,
    note: `recomputed from ${basename(inputs)} with ${k.variant} (${k.normalise} normalisation); sha256 is W's`,
  };
}
