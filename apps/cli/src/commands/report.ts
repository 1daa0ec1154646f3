import type { Command } from 'commander';
import { fail } from '@attnlens/core';
import { addConvertOptions, readConvertOptions } from './convert-options.js';
import { buildReport } from '../batch/report.js';
import { interruptSignal } from '../batch/interrupt.js';
import { mergeReports, readLabels } from '@attnlens/report/node';
import { addShardOptions, readShard } from './shard-options.js';
import { addDrawingOptions, parseHeatmaps, parseScale, parseWorkers, checkCmap } from './render-options.js';

export function registerReport(program: Command): void {
  addShardOptions(addConvertOptions(
    addDrawingOptions(
      program
        .command('report')
        .description('build a browsable, self-contained HTML report (index.html + heatmaps) from attention documents or dumps; several inputs with the same sample ids become side-by-side columns')
        .argument('[in...]', '.attn.pb/.attn.json documents, or any file `convert` takes; with --merge, the shard report folders')
        .requiredOption('--out <dir>', 'the report folder (created; a rerun finishes or refreshes it)')
        .option('--heatmaps <n>', 'draw heatmap PNGs for the first N samples (all, none, or a number)', 'all')
        .option('--labels <file>', 'id<TAB>true<TAB>predicted per line, for documents without labels')
        .option('--title <text>', 'report title', 'attnlens report')
        .option('--merge', 'merge report folders built with --shard into one report at --out (heatmaps copied, not redrawn)')
        .option('--allow-missing', 'with --merge: merge the shards there are, listing the missing ones on the page'),
      'Reds',
    ),
  )).action(async (inputs: string[], raw: Record<string, unknown>) => {
    if (!inputs.length) fail('BAD_ARGUMENT', 'name at least one input (or, with --merge, the shard report folders)');
    if (raw.merge) return mergeCommand(inputs, raw);
    const convert = readConvertOptions(raw);
    checkCmap(raw.cmap as string);
    const transform = raw.labels ? await readLabels(raw.labels as string) : undefined;
    const shard = readShard(raw);
    const stop = interruptSignal(Boolean(raw.quiet));
    try {
      const s = await buildReport({
        inputs,
        out: raw.out as string,
        cmap: raw.cmap as string,
        reverse: Boolean(raw.reverse),
        scale: parseScale(raw.scale),
        heatmaps: parseHeatmaps(raw.heatmaps),
        workers: parseWorkers(raw.workers),
        force: Boolean(raw.force),
        quiet: Boolean(raw.quiet),
        title: raw.title as string,
        convert,
        ...(transform ? { transform } : {}),
        ...(shard ? { shard } : {}),
        signal: stop.signal,
      });
      if (s.aborted) fail('INTERRUPTED', `interrupted after ${s.heatmaps.drawn} heatmaps; nothing half-written is left`, { hint: 'run the same command again to finish' });
      for (const f of s.failed) process.stderr.write(`attnlens: sample ${JSON.stringify(f.id)}: ${f.error}\n`);
      process.stderr.write(
        `report: ${s.samples} samples, ${s.heatmaps.drawn} heatmaps drawn, ${s.heatmaps.skipped} already there${s.failed.length ? `, ${s.failed.length} failed` : ''}\n`,
      );
      process.stdout.write(s.index + '\n');
      if (s.failed.length) process.exitCode = 3;
    } finally {
      stop.dispose();
    }
  });
}

async function mergeCommand(dirs: string[], raw: Record<string, unknown>): Promise<void> {
  const r = await mergeReports(raw.out as string, dirs, { allowMissing: Boolean(raw.allowMissing) });
  if (r.missing.length) process.stderr.write(`attnlens: warning: shards ${r.missing.map((k) => `${k}/${r.count}`).join(', ')} missing (listed on the page)\n`);
  process.stderr.write(`report: merged ${dirs.length} of ${r.count} shards\n`);
  process.stdout.write(r.index + '\n');
}
