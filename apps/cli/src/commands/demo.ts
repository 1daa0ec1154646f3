import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { fail, GENERATOR, tensor, toFloat64, type AttentionDocument } from '@attnlens/core';
import { sha256File, writeDocuments } from '@attnlens/core/node';
import { openKeras } from '@attnlens/keras/node';
import { loadModel } from '@attnlens/keras-graph';
import { attentionFromInputs, kernelFromKeras, planAttention, tensorRows } from '@attnlens/forward/node';
import { encodeSentences, lineBlocks } from '@attnlens/text';
import { loadVocabulary, readTextFile } from '@attnlens/text/node';
import { loadArray } from '@attnlens/npy/node';
import { alignmentDocuments } from '@attnlens/tf';
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
 * and the review text alone: the text becomes ids (as the tokenizer and pad_sequences give
 * them), the model runs up to each attention layer, and the layers are recomputed.
 */
async function hanDocuments(): Promise<AttentionDocument[]> {
  const dir = join(SAMPLES, 'han');
  const modelPath = join(dir, 'model.h5');
  const kf = await openKeras(modelPath);
  try {
    const model = loadModel(kf);
    const plan = planAttention(kf, model);
    if (plan.kind !== 'recompute' || !plan.sentence) return fail('NOT_FOUND', 'the sample model is not a HAN', { file: modelPath });
    const samples = lineBlocks(await readTextFile(join(dir, 'reviews.txt')));
    const [S, T] = model.inputs[0]!.shape as [number, number];
    // make-samples.py pads and cuts words 'post', as richliao's HAN data does.
    const texts = encodeSentences(samples, await loadVocabulary(join(dir, 'tokenizer.json')), { padding: 'post', truncating: 'post', maxSentences: S, maxlen: T });
    const kernels = { word: kernelFromKeras(kf, plan.word), sentence: kernelFromKeras(kf, plan.sentence) };
    const reviews = JSON.parse(await readFile(join(dir, 'reviews.json'), 'utf8')) as Review[];
    const provenance = { sourceFormat: 'keras-h5', fileName: 'model.h5', sha256: await sha256File(modelPath), framework: 'keras', frameworkVersion: kf.kerasVersion ?? '', generator: GENERATOR };
    const docs: AttentionDocument[] = [];
    const run = { model, plan, kernels, sources: [tensorRows(tensor('int32', texts.shape, texts.ids))], texts, provenance };
    for await (const d of attentionFromInputs(run)) {
      const n = Number(d.id);
      const r = reviews[n]!;
      const top = d.maps[0]!;
      top.name = 'HAN sentence + word attention';
      // No mask reaches the sentence level (AttLayer returns none), so the model weighs the
      // padding sentences too; the report shows the review's own sentences.
      top.validCols = Math.min(samples[n]!.length, S);
      docs.push({ ...d, id: r.id, trueLabel: r.true, predictedLabel: r.predicted });
    }
    return docs;
  } finally {
    kf.close();
  }
}

async function nmtDocuments(): Promise<AttentionDocument[]> {
  const dir = join(SAMPLES, 'nmt');
  const lines = async (f: string) => (await readFile(join(dir, f), 'utf8')).split('\n').filter((l) => l.length).map((l) => l.split(/\s+/));
  const nums = async (f: string) => Array.from(toFloat64(await loadArray(join(dir, f))));
  const file = join(dir, 'alignment_history.npy');
  const docs = alignmentDocuments(await loadArray(file), {
    layout: 'tbe',
    srcTokens: await lines('src.txt'),
    tgtTokens: await lines('tgt.txt'),
    srcLengths: await nums('src_lengths.npy'),
    tgtLengths: await nums('tgt_lengths.npy'),
    file,
  });
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
