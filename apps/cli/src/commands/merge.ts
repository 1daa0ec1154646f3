import type { Command } from 'commander';
import { documentKindFor } from '@attnlens/core/node';
import { mergeShards } from '@attnlens/report/node';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the shards of a `convert --shard K/N` run into one stream, documents in their input order (byte-equal to an unsharded run)')
    .argument('<shards...>', 'the shard outputs (each with its .shard.json index beside it), in any order')
    .requiredOption('--out <file>', 'OUT.attn.pb or OUT.attn.json')
    .option('--allow-missing', 'merge the shards there are, listing the missing ones')
    .action(async (files: string[], raw: Record<string, unknown>) => {
      const out = raw.out as string;
      documentKindFor(out);
      const r = await mergeShards(out, files, { allowMissing: Boolean(raw.allowMissing) });
      if (r.missing.length) process.stderr.write(`attnlens: warning: shards ${r.missing.map((k) => `${k}/${r.count}`).join(', ')} missing\n`);
      process.stderr.write(`merge: ${r.documents} documents from ${r.count - r.missing.length} of ${r.count} shards to ${out}\n`);
    });
}
