import type { Command } from 'commander';
import { fail } from '@attnlens/core';
import { documentKindFor } from '@attnlens/core/node';
import { openInput } from '../input.js';
import type { ConvertOptions } from '../formats/index.js';
import { readConvertOptions, addConvertOptions } from './convert-options.js';
import { addShardOptions, readShard, writeDocumentsOf } from './shard-options.js';

export function registerConvert(program: Command): void {
  addShardOptions(addConvertOptions(
    program
      .command('convert')
      .description('convert attention dumps (TF alignment_history npy/TensorProto/TFRecord/events, .attn.pb, .attn.json) to the common format')
      .argument('<in>', 'the file to convert')
      .requiredOption('--to <out>', 'OUT.attn.pb (protobuf stream) or OUT.attn.json'),
  )).action(async (file: string, raw: Record<string, unknown>) => {
    const to = raw.to as string;
    documentKindFor(to); // fail on a bad output name before reading anything
    const opts: ConvertOptions = readConvertOptions(raw);
    const shard = readShard(raw);
    const { input, handler } = await openInput(file);
    if (!handler.documents) fail('UNSUPPORTED', `${handler.name} files hold no attention maps to convert`, { file, hint: 'use `attnlens compute` for a Keras model, or `attnlens extract` for one array' });
    // A shard writes its documents and an index of their input positions, for `attnlens merge`.
    const docs = handler.documents(input, opts);
    const n = await writeDocumentsOf(to, docs, shard);
    process.stderr.write(`wrote ${n} document${n === 1 ? '' : 's'} to ${to}\n`);
  });
}
