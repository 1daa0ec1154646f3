import { Command, CommanderError } from 'commander';
import { isAttnlensError, VERSION } from '@attnlens/core';
import { registerCommands } from './commands/index.js';
import { withFlags } from './errors-flags.js';
import { addLimitOptions } from './limits.js';

/** Exit codes: 0 done, 1 bad input or failed work, 2 bad usage, 3 done but some items failed, 130 interrupted. */
export const EXIT = { ok: 0, error: 1, usage: 2, partial: 3, interrupted: 130 } as const;

/** The program with the command argv runs (every command when it names none). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('attnlens')
    .description('See what your attention layers did: read Keras, NumPy and TensorFlow files, recompute HAN attention, render heatmaps and reports.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .exitOverride();
  addLimitOptions(program);
  await registerCommands(program, argv);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are "errors" to commander; they already printed.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (isAttnlensError(e)) {
      // Package errors say which choice fixes them (details.option); the flag is added here.
      process.stderr.write(`attnlens: ${withFlags(e).toLine()}\n`);
      if (debug && e.stack) process.stderr.write(e.stack + '\n');
      return e.code === 'BAD_ARGUMENT' ? EXIT.usage : e.code === 'INTERRUPTED' ? EXIT.interrupted : EXIT.error;
    }
    // A bug in attnlens, not bad input: still one line unless --debug.
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`attnlens: internal error: ${msg} (hint: rerun with --debug and report it)\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    return EXIT.error;
  }
}
