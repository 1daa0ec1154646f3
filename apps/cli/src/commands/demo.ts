import type { Command } from 'commander';
import { fail } from '@attnlens/core';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('(not built yet)')
    .action(() => fail('UNSUPPORTED', '`attnlens demo` is not built yet'));
}
