import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { fail, GENERATOR, tensor, type AttentionDocument } from '@attnlens/core';
import { sha256File, writeDocuments } from '@attnlens/core/node';
import { openKeras } from '@attnlens/keras/node';
import { loadModel } from '@attnlens/keras-graph';
import { attentionFromInputs, encodeForModel, kernelFromKeras, planAttention, tensorRows, vocabularyFor } from '@attnlens/forward/node';
import { readTextFile } from '@attnlens/text/node';
import { loadArray } from '@attnlens/npy/node';
import { alignmentDocuments } from '@attnlens/tf';
import { readLabelFiles } from '@attnlens/tf/node';
import { buildReport } from '../batch/report.js';
import { interruptSignal } from '../batch/interrupt.js';

export const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));

interface Review {
  id: string;
  true: string;
  predicted: string;
}

/**
 * Word and sentence attention of the bundled HAN, from the model file, its Keras tokenizer
 * and the review text alone, by the engine's own steps, as `compute --model --text` takes them:
 * @attnlens/forward's vocabularyFor and encodeForModel turn the text into ids (as the tokenizer
 * and pad_sequences give them), planAttention picks the layers, attentionFromInputs runs the
 * model up to each attention layer and recomputes it.
 */
async function hanDocuments(): Promise<AttentionDocument[]> {
  const dir = join(SAMPLES, 'han');
  const modelPath = join(dir, 'model.h5');
  const textPath = join(dir, 'reviews.txt');
  const kf = await openKeras(modelPath);
  try {
    const model = loadModel(kf);
    const plan = planAttention(kf, model);
    if (plan.kind !== 'recompute' || !plan.sentence) return fail('NOT_FOUND', 'the sample model is not a HAN', { file: modelPath });
    const tokenizer = join(dir, 'tokenizer.json');
    // make-samples.py pads and cuts words 'post', as richliao's HAN data does.
    const { encoded: texts } = encodeForModel(await readTextFile(textPath), vocabularyFor(await readTextFile(tokenizer), tokenizer), model.inputs[0]!.shape, {
      hierarchical: true, padding: 'post', truncating: 'post', file: textPath, modelFile: modelPath,
    });
    const S = texts.shape[1]!;
    const kernels = { word: kernelFromKeras(kf, plan.word), sentence: kernelFromKeras(kf, plan.sentence) };
    const reviews = JSON.parse(await readFile(join(dir, 'reviews.json'), 'utf8')) as Review[];
    const provenance = { sourceFormat: 'keras-h5', fileName: basename(modelPath), sha256: await sha256File(modelPath), framework: 'keras', frameworkVersion: kf.kerasVersion ?? '', generator: GENERATOR };
    const docs: AttentionDocument[] = [];
    const run = { model, plan, kernels, sources: [tensorRows(tensor('int32', texts.shape, texts.ids))], texts, provenance };
    for await (const d of attentionFromInputs(run)) {
      const n = Number(d.id);
      const r = reviews[n]!;
      const top = d.maps[0]!;
      top.name = 'HAN sentence + word attention';
      // No mask reaches the sentence level (AttLayer returns none), so the model weighs the
      // padding sentences too; the report shows the review's own sentences (those with a word).
      top.validCols = sentencesOf(texts.labels, n, S);
      docs.push({ ...d, id: r.id, trueLabel: r.true, predictedLabel: r.predicted });
    }
    return docs;
  } finally {
    kf.close();
  }
}

/** How many of sample n's S sentence slots hold a sentence of the text ('' labels are padding; sentences are padded 'post'). */
function sentencesOf(labels: readonly string[][], n: number, S: number): number {
  let k = S;
  while (k > 0 && labels[n * S + k - 1]!.every((t) => t === '')) k--;
  return k;
}

/** The bundled EN→ZH alignment dump, converted as `convert --layout tbe --src-tokens ...` converts it (@attnlens/tf). */
async function nmtDocuments(): Promise<AttentionDocument[]> {
  const dir = join(SAMPLES, 'nmt');
  const file = join(dir, 'alignment_history.npy');
  const labels = await readLabelFiles({
    srcTokens: join(dir, 'src.txt'), tgtTokens: join(dir, 'tgt.txt'), srcLengths: join(dir, 'src_lengths.npy'), tgtLengths: join(dir, 'tgt_lengths.npy'),
  });
  const docs = alignmentDocuments(await loadArray(file), { layout: 'tbe', ...labels, file });
  return docs.map((d) => ({ ...d, id: `translation-${d.id}`, maps: d.maps.map((m) => ({ ...m, name: 'seq2seq alignment' })) }));
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('compute the bundled HAN sample\'s attention from its model file, tokenizer and review text, convert its alignment dump, then build a report and print its path')
    .option('--out <dir>', 'where to write the report', 'attnlens-demo')
    .option('--quiet', 'no progress output')
    .action(async (opts: { out: string; quiet?: boolean }) => {
      const out = resolve(opts.out);
      await mkdir(out, { recursive: true });
      const han = join(out, 'han-attention.attn.pb');
      const nmt = join(out, 'alignments.attn.pb');
      await writeDocuments(han, await hanDocuments());
      await writeDocuments(nmt, await nmtDocuments());
      const stop = interruptSignal(Boolean(opts.quiet));
      try {
        const s = await buildReport({
          inputs: [han, nmt],
          out,
          cmap: 'Reds',
          scale: 'per-map',
          heatmaps: Infinity,
          quiet: Boolean(opts.quiet),
          title: 'attnlens demo: HAN review sentiment and an EN→ZH alignment',
          convert: {},
          signal: stop.signal,
        });
        if (s.aborted) fail('INTERRUPTED', 'demo interrupted', { hint: 'run it again' });
        process.stdout.write(`${s.index}\n`);
      } finally {
        stop.dispose();
      }
    });
}
