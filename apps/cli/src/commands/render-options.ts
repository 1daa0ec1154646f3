import type { Command } from 'commander';
import { fail } from '@attnlens/core';
import { checkColormap } from '@attnlens/render';

export function parseScale(v: unknown): 'shared' | 'per-map' {
  if (v === 'shared' || v === 'per-map') return v;
  return fail('BAD_ARGUMENT', `--scale must be shared or per-map, got ${JSON.stringify(v)}`);
}

export function parseHeatmaps(v: unknown): number {
  if (v === 'all' || v === undefined) return Infinity;
  if (v === 'none') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail('BAD_ARGUMENT', `--heatmaps must be all, none or a count, got ${JSON.stringify(v)}`);
  return n;
}

export function parseWorkers(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) fail('BAD_ARGUMENT', `--workers must be a whole number from 1 to 256, got ${JSON.stringify(v)}`);
  return n;
}

export function checkCmap(name: string): void {
  checkColormap(name);
}

/** The drawing options `render` and `report` share; `cmap` is the command's default colour map. */
export function addDrawingOptions(cmd: Command, cmap: string): Command {
  return cmd
    .option('--cmap <name>', 'colour map (viridis, magma, Blues, Reds, ...; _r reverses)', cmap)
    .option('--reverse', 'reverse the colour map')
    .option('--scale <mode>', 'shared: one colour range for every figure (compare models); per-map: each its own', 'per-map')
    .option('--workers <n>', 'worker threads for drawing (default: one per core)')
    .option('--force', 'redraw files that already exist')
    .option('--quiet', 'no progress output');
}
