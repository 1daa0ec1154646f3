import type { Command } from 'commander';
import { fail } from '@attnlens/core';

export function registerCompute(program: Command): void {
  program
    .command('compute')
    .description('(not built yet)')
    .action(() => fail('UNSUPPORTED', '`attnlens compute` is not built yet'));
}
