import type { Command } from 'commander';
import '../formats/index.js';

type Register = (program: Command) => void;

// Each command's module (and the packages it imports: the renderer and its fonts, h5wasm,
// the forward pass...) is loaded only when that command runs: a CLI start-up imports just
// commander, core and the one command. In this order in --help.
const COMMANDS: readonly [name: string, load: () => Promise<Register>][] = [
  ['inspect', async () => (await import('./inspect.js')).registerInspect],
  ['extract', async () => (await import('./extract.js')).registerExtract],
  ['compute', async () => (await import('./compute.js')).registerCompute],
  ['forward', async () => (await import('./forward.js')).registerForward],
  ['convert', async () => (await import('./convert.js')).registerConvert],
  ['merge', async () => (await import('./merge.js')).registerMerge],
  ['render', async () => (await import('./render.js')).registerRender],
  ['report', async () => (await import('./report.js')).registerReport],
  ['demo', async () => (await import('./demo.js')).registerDemo],
  ['view', async () => (await import('./view.js')).registerView],
];

export const COMMAND_NAMES = COMMANDS.map(([n]) => n);

/** The command argv (process.argv's shape) runs: the first argument that is a command's name (global options take numbers). */
export function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => COMMAND_NAMES.includes(a));
}

/**
 * Register the command argv runs, or every command when argv names none (--help, a typo
 * commander should suggest a name for, no arguments); see commandOf.
 */
export async function registerCommands(program: Command, argv: readonly string[] = []): Promise<void> {
  const name = commandOf(argv);
  const wanted = name ? COMMANDS.filter(([n]) => n === name) : COMMANDS;
  const registers = await Promise.all(wanted.map(([, load]) => load()));
  for (const register of registers) register(program);
}
