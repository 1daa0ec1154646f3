import type { Command } from 'commander';
import { isAttnlensError } from '@attnlens/core';
import { ALLOW_EXTERNAL_HELP, openInput } from '../input.js';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('say what a file is, by its content: format, arrays, layers, attention layers, records')
    .argument('<file>', 'any file attnlens reads')
    .option('--json', 'print a JSON object (field "format" names the format)')
    .option('--allow-external <dir>', ALLOW_EXTERNAL_HELP)
    .action(async (file: string, opts: { json?: boolean; allowExternal?: string }) => {
      try {
        const { input, handler } = await openInput(file, { allowExternal: opts.allowExternal });
        const report = await handler.inspect(input);
        process.stdout.write((opts.json ? JSON.stringify(report.json, null, 2) : report.text) + '\n');
      } catch (e) {
        // `--json` still prints an object a script can read, then the error goes to stderr.
        if (opts.json && isAttnlensError(e) && e.code === 'UNKNOWN_FORMAT') {
          process.stdout.write(JSON.stringify({ format: 'unknown', file, ...e.toJSON() }, null, 2) + '\n');
        }
        throw e;
      }
    });
}
