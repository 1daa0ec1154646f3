import type { Command } from 'commander';
import { fail } from '@attnlens/core';
import { documentKindFor } from '@attnlens/core/node';
import { mergeNpyShards } from '@attnlens/npy/node';
import { mergeShards } from '@attnlens/core/node';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the shards of a `convert`/`compute --shard K/N` run into one file, byte-equal to an unsharded run: .attn.pb/.attn.json documents in their input order, .npy rows in their places')
    .argument('<shards...>', 'the shard outputs (each with its .shard.json index beside it), in any order')
    .requiredOption('--out <file>', 'OUT.attn.pb, OUT.attn.json, or OUT.npy (for .npy shards of compute)')
    .option('--allow-missing', 'documents only: merge the shards there are, listing the missing ones')
    .action(async (files: string[], raw: Record<string, unknown>) => {
      const out = raw.out as string;
      if (/\.npy$/i.test(out)) {
        // An array with rows missing would move every later row: .npy shards are always merged whole.
        if (raw.allowMissing) fail('BAD_ARGUMENT', '--allow-missing merges documents; an .npy needs every shard (rows missing would move the later rows)', { hint: 'run the missing shards, then merge' });
        const r = await mergeNpyShards(out, files);
        process.stderr.write(`merge: ${r.rows} rows from ${r.count} shards to ${out}\n`);
        return;
      }
      documentKindFor(out);
      const r = await mergeShards(out, files, { allowMissing: Boolean(raw.allowMissing) });
      if (r.missing.length) process.stderr.write(`attnlens: warning: shards ${r.missing.map((k) => `${k}/${r.count}`).join(', ')} missing\n`);
      process.stderr.write(`merge: ${r.documents} documents from ${r.count - r.missing.length} of ${r.count} shards to ${out}\n`);
    });
}
