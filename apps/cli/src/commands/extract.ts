import type { Command } from 'commander';
import { fail, formatShape } from '@attnlens/core';
import { writeNpyFile } from '@attnlens/npy/node';
import { ALLOW_EXTERNAL_HELP, openInput } from '../input.js';

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('write one array (npz entry, HDF5 dataset, TensorProto, event tensor) as a C-order .npy, dtype preserved')
    .argument('<file>', 'the container to read')
    .option('--array <name>', 'what to extract (default: the only array): an .npz entry name or index; an HDF5 dataset path (e.g. model_weights/att_layer_1/att_layer_1/W:0); a TFRecord record INDEX or INDEX:FEATURE; an event tensor or image TAG@STEP[#K]')
    .requiredOption('--out <path>', 'the .npy file to write')
    .option('--json', 'print what was written as JSON')
    .option('--allow-external <dir>', ALLOW_EXTERNAL_HELP)
    .action(async (file: string, opts: { array?: string; out: string; json?: boolean; allowExternal?: string }) => {
      const { input, handler } = await openInput(file, { allowExternal: opts.allowExternal });
      if (!handler.extract) fail('UNSUPPORTED', `${handler.name} files hold no arrays to extract`, { file });
      const t = await handler.extract(input, opts.array);
      await writeNpyFile(opts.out, t); // atomic, and no second copy of the data (encodeNpy would make one)
      const info = { out: opts.out, dtype: t.dtype, shape: [...t.shape] };
      process.stdout.write(opts.json ? JSON.stringify(info) + '\n' : `wrote ${opts.out}: ${t.dtype} ${formatShape(t.shape)}\n`);
    });
}
