import type { Command } from 'commander';
import { fail } from '@attnlens/core';

export function registerRender(program: Command): void {
  program
    .command('render')
    .description('(not built yet)')
    .action(() => fail('UNSUPPORTED', '`attnlens render` is not built yet'));
}
