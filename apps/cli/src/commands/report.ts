import type { Command } from 'commander';
import { fail } from '@attnlens/core';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('(not built yet)')
    .action(() => fail('UNSUPPORTED', '`attnlens report` is not built yet'));
}
