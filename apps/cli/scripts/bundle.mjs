// Bundle the built CLI (dist/, tsc's output) into dist/bundle/: cli.js, the workers it starts, and
// chunks, by rolldown. Node's ES module loader spends ~1 ms per module resolving, reading and
// linking it; compute loaded ~80 of them, inspect ~60 (issue 15: start-up). Dynamic imports stay
// chunks of their own, so a command still loads only its own code and its format's.
//
// Everything is in one folder, at the same depth below apps/cli as dist/commands/: the URLs the
// code builds from import.meta.url still hold there ('./worker.js' beside the chunk that starts
// it, '../../samples/' for the demo). Packages that find files of their own (render's fonts,
// core's protobufjs, keras's split h5wasm) resolve themselves by name (import.meta.resolve), so they
// are bundled too. Left as imports: Node's modules; @napi-rs/canvas (native) and h5wasm, which the
// bundle's files import from apps/cli, so the CLI depends on them itself; and the web viewer's
// server, which serves apps/web/dist beside itself.
// dist/bundle/modules.json lists the modules in each file, for test/cli/lazy-loading.test.ts.
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const out = `${dist}bundle`;
const attentionWorker = fileURLToPath(import.meta.resolve('@attnlens/attention/worker'));

rmSync(out, { recursive: true, force: true });
const bundle = await rolldown({
  input: { cli: `${dist}cli.js`, worker: attentionWorker, 'render-worker': `${dist}batch/render-worker.js` },
  platform: 'node',
  external: [/^node:/, /^@napi-rs\//, /^h5wasm/, /^@attnlens\/web(\/|$)/],
  logLevel: 'warn',
});
const { output } = await bundle.write({ dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' });
await bundle.close();
const modules = {};
for (const o of output) if (o.type === 'chunk') modules[o.fileName] = o.moduleIds.filter((id) => id.startsWith('/')).map((id) => pathToFileURL(id).href);
writeFileSync(`${out}/modules.json`, `${JSON.stringify(modules, null, 1)}\n`);
console.log(`bundled ${Object.values(modules).flat().length} modules into ${Object.keys(modules).length} files in dist/bundle/`);
