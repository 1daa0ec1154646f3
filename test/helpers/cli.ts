// Run the built `attnlens` binary as a user would, and capture what it prints.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './shared.js';

export const BIN = join(REPO, 'apps', 'cli', 'dist', 'bin.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  // A time limit turns a hung CLI into a failed test instead of a stalled CI run.
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: opts.cwd, input: opts.input, env: { ...process.env, ...opts.env }, maxBuffer: 256 << 20, timeout: 240_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliAsync(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolveP) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolveP({ code: code ?? -1, stdout, stderr }));
  });
}

/** A clear error is one line on stderr, starting "attnlens:", with no stack trace. */
export function isCleanError(r: CliResult): boolean {
  const lines = r.stderr.trim().split('\n');
  return r.code !== 0 && lines.length === 1 && lines[0]!.startsWith('attnlens: ') && !/\bat .*\.js:\d+/.test(r.stderr);
}
