import { Option, type Command } from 'commander';
import { fail } from '@attnlens/core';
import type { ConvertOptions } from '../formats/index.js';

/** The options every command that reads attention dumps accepts (convert, render, report). */
export function addConvertOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--layout <axes>', 'axis order of a stacked alignment array: tbe = [dec, batch, enc] (TF default), bte, bet, te, et'))
    .option('--src-tokens <file>', 'source tokens, one example a line (labels the input axis)')
    .option('--tgt-tokens <file>', 'target tokens, one example a line (labels the output axis)')
    .option('--src-lengths <file>', '.npy of source lengths per example (trims padding)')
    .option('--tgt-lengths <file>', '.npy of decoded lengths per example (trims rows written after the end)')
    .option('--tag <tag>', 'event-file tag to read (default: every image/tensor tag with attention)')
    .option('--step <n>', 'event-file step to read (default: all)')
    .option('--array <name>', 'npz entry to read')
    .option('--skip-corrupt', 'carry on past corrupt TFRecord records, reporting each');
}

export function readConvertOptions(raw: Record<string, unknown>): ConvertOptions {
  const o: ConvertOptions = { warn: (m) => process.stderr.write(`attnlens: warning: ${m}\n`) };
  for (const k of ['layout', 'srcTokens', 'tgtTokens', 'srcLengths', 'tgtLengths', 'tag', 'array'] as const) {
    if (typeof raw[k] === 'string') o[k] = raw[k] as string;
  }
  if (raw.step !== undefined) {
    const n = Number(raw.step);
    if (!Number.isInteger(n) || n < 0) fail('BAD_ARGUMENT', `--step must be a non-negative integer, got ${JSON.stringify(raw.step)}`);
    o.step = n;
  }
  if (raw.skipCorrupt) o.skipCorrupt = true;
  return o;
}
