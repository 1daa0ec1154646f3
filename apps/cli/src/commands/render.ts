import type { Command } from 'commander';
import { fail } from '@attnlens/core';
import { addConvertOptions, readConvertOptions } from './convert-options.js';
import { renderFiles } from '../batch/render-files.js';
import { interruptSignal } from '../batch/interrupt.js';
import type { RenderFormat } from '../batch/jobs.js';
import { addDrawingOptions, checkCmap, parseScale, parseWorkers } from './render-options.js';
import { addShardOptions, readShard } from './shard-options.js';

const FORMATS: RenderFormat[] = ['png', 'svg', 'html'];

export function registerRender(program: Command): void {
  addShardOptions(addConvertOptions(
    addDrawingOptions(
      program
        .command('render')
        .description('draw one file per document: heatmap PNG/SVG (2-D maps) or highlighted tokens (1-D maps), and an HTML page')
        .argument('<in>', '.attn.pb/.attn.json documents, or any file `convert` takes')
        .requiredOption('--out <dir>', 'folder for the files (names derived safely from sample ids)')
        .option('--format <list>', 'comma-separated: png, svg, html', 'png')
        .option('--select <ids>', 'only these sample ids (comma-separated)')
        .option('--limit <n>', 'only the first N documents'),
      'viridis',
    ),
  )).action(async (input: string, raw: Record<string, unknown>) => {
    const formats = String(raw.format).split(',').map((f) => f.trim().toLowerCase()).filter(Boolean) as RenderFormat[];
    const bad = formats.filter((f) => !FORMATS.includes(f));
    if (bad.length || !formats.length) fail('BAD_ARGUMENT', `--format takes png, svg, html; got ${JSON.stringify(raw.format)}`);
    if (raw.select && raw.limit) fail('BAD_ARGUMENT', 'give --select or --limit, not both');
    checkCmap(raw.cmap as string);
    let limit: number | undefined;
    if (raw.limit !== undefined) {
      limit = Number(raw.limit);
      if (!Number.isInteger(limit) || limit < 0) fail('BAD_ARGUMENT', `--limit must be a count, got ${JSON.stringify(raw.limit)}`);
    }
    const shard = readShard(raw);
    const stop = interruptSignal(Boolean(raw.quiet));
    try {
      const s = await renderFiles({
        input,
        out: raw.out as string,
        formats,
        cmap: raw.cmap as string,
        reverse: Boolean(raw.reverse),
        scale: parseScale(raw.scale),
        ...(raw.select ? { select: new Set(String(raw.select).split(',')) } : {}),
        ...(limit !== undefined ? { limit } : {}),
        workers: parseWorkers(raw.workers),
        force: Boolean(raw.force),
        quiet: Boolean(raw.quiet),
        convert: readConvertOptions(raw),
        ...(shard ? { shard } : {}),
        signal: stop.signal,
      });
      if (s.aborted) fail('INTERRUPTED', `interrupted after ${s.written} files; nothing half-written is left`, { hint: 'run the same command again to finish' });
      for (const f of s.failed) process.stderr.write(`attnlens: sample ${JSON.stringify(f.id)}: ${f.error}\n`);
      process.stderr.write(`render: ${s.documents} documents, ${s.written} files written, ${s.skipped} already there${s.failed.length ? `, ${s.failed.length} failed` : ''}\n`);
      if (s.failed.length) process.exitCode = 3;
    } finally {
      stop.dispose();
    }
  });
}
