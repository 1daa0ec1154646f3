import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { fail } from '@attnlens/core';
import { serveViewer } from '@attnlens/web/node';

/** Open a URL in the desktop's browser; a machine without one just has the printed URL. */
function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  spawn(cmd, args as string[], { stdio: 'ignore', detached: true }).on('error', () => process.stderr.write(`could not start a browser; open ${url}\n`)).unref();
}

export function registerView(program: Command): void {
  program
    .command('view')
    .description('serve the web viewer on 127.0.0.1 with these files opened in it (nothing leaves the machine)')
    .argument('[files...]', 'files the page opens: Keras .h5/.weights.h5, .attn.pb/.attn.json')
    .option('--port <n>', 'port on 127.0.0.1 (0: a free one)', '0')
    .option('--open', 'open the page in the default browser')
    .action(async (files: string[], opts: { port: string; open?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail('BAD_ARGUMENT', `--port takes a number from 0 to 65535, got ${JSON.stringify(opts.port)}`);
      const viewer = await serveViewer({ files, port });
      process.stdout.write(`attnlens viewer on ${viewer.url} (port ${viewer.port}); Ctrl-C stops it\n`);
      if (opts.open) openBrowser(viewer.url);
      const stop = () => void viewer.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
