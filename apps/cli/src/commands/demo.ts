import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { fail, GENERATOR, toFloat64, type AttentionDocument, type AttentionMap, type Tensor } from '@attnlens/core';
import { sha256File, writeDocuments } from '@attnlens/core/node';
import { openKeras } from '@attnlens/keras/node';
import { loadArray } from '@attnlens/npy/node';
import { computeAttention, prepareKernel } from '@attnlens/attention';
import { alignmentDocuments } from '@attnlens/tf';
import { buildReport } from '../batch/report.js';
import { interruptSignal } from '../batch/interrupt.js';

export const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));

interface Review {
  id: string;
  true: string;
  predicted: string;
  sentences: string[][];
}

/** Word and sentence attention of the bundled HAN, recomputed from its weights and saved layer outputs. */
async function hanDocuments(): Promise<AttentionDocument[]> {
  const dir = join(SAMPLES, 'han');
  const modelPath = join(dir, 'model.h5');
  const model = await openKeras(modelPath);
  try {
    const find = (name: string) => {
      const l = model.attentionLayers.find((a) => a.layer === name || a.weights.W.includes(`/${name}/`));
      if (!l) fail('NOT_FOUND', `no attention layer ${name} in the sample model`, { file: modelPath });
      return l;
    };
    const kernel = (name: string) => {
      const l = find(name);
      return {
        info: l,
        k: prepareKernel({ variant: l.variant, W: model.readWeight(l.weights.W), ...(l.weights.b ? { b: model.readWeight(l.weights.b) } : {}), ...(l.weights.u ? { u: model.readWeight(l.weights.u) } : {}) }, modelPath),
      };
    };
    const word = kernel('att_layer_1');
    const sent = kernel('att_layer_2');
    const ints = (t: Tensor) => Int32Array.from(toFloat64(t));
    const wx = await loadArray(join(dir, 'word_inputs.npy'));
    const wl = ints(await loadArray(join(dir, 'word_lengths.npy')));
    const sx = await loadArray(join(dir, 'sentence_inputs.npy'));
    const sc = ints(await loadArray(join(dir, 'sentence_counts.npy')));
    const aw = computeAttention(word.k, wx, { lengths: wl });
    const as = computeAttention(sent.k, sx, { lengths: sc });
    const [, T] = wx.shape as [number, number, number];
    const [N, S] = sx.shape as [number, number, number];
    const reviews = JSON.parse(await readFile(join(dir, 'reviews.json'), 'utf8')) as Review[];
    const provenance = { sourceFormat: 'keras-h5', fileName: 'model.h5', sha256: await sha256File(modelPath), framework: 'keras', frameworkVersion: model.kerasVersion ?? '', generator: GENERATOR };
    return reviews.slice(0, N).map((r, i) => {
      const children: AttentionMap[] = [];
      for (let j = 0; j < S; j++) {
        const toks = r.sentences[j] ?? [];
        children.push({
          shape: [T],
          weights: aw.slice((i * S + j) * T, (i * S + j + 1) * T),
          colLabels: Array.from({ length: T }, (_, t) => toks[t] ?? ''),
          validCols: wl[i * S + j]!,
          layer: word.info.layer,
          variant: word.info.variant,
        });
      }
      const map: AttentionMap = {
        name: 'HAN sentence + word attention',
        shape: [S],
        weights: as.slice(i * S, (i + 1) * S),
        colLabels: Array.from({ length: S }, (_, j) => (r.sentences[j] ?? []).join(' ')),
        validCols: sc[i]!,
        layer: sent.info.layer,
        variant: sent.info.variant,
        children,
      };
      return { id: r.id, trueLabel: r.true, predictedLabel: r.predicted, maps: [map], provenance };
    });
  } finally {
    model.close();
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
    .description('recompute the bundled HAN sample and convert its alignment dump, then build a report and print its path')
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
