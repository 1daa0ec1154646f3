// Build step: h5wasm's Node build (dist/node/hdf5_util.js) carries its 3.5 MB WebAssembly
// module inside the JavaScript, as a string literal that Emscripten's binaryDecode turns into
// bytes at start-up. Parsing that 4 MB file and decoding the string cost ~30 + ~20 ms of every
// process that opens a Keras file (issue 15). This writes the same two things apart, into
// dist/h5wasm/: hdf5.wasm (the bytes) and hdf5_util.js (the glue without the literal), so that
// src/node.ts can read and compile the bytes with WebAssembly.compile and hand them to the glue
// through Emscripten's documented Module.instantiateWasm hook. Nothing else in the glue changes.
// If h5wasm's layout ever differs from what this expects, nothing is written and node.ts uses
// h5wasm/node as it is (slower, same results).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../dist/h5wasm/', import.meta.url));
const glue = join(dirname(fileURLToPath(import.meta.resolve('h5wasm/node'))), 'hdf5_util.js');
// As UTF-8, the way Node reads the module: the literal's characters are what binaryDecode sees.
const src = readFileSync(glue, 'utf8');
// Emscripten (SINGLE_FILE): function findWasmBinary(){return binaryDecode('...')}
const HEAD = 'function findWasmBinary(){return binaryDecode(';
rmSync(OUT, { recursive: true, force: true });
const at = src.indexOf(HEAD);
const quote = src[at + HEAD.length];
if (at < 0 || src.indexOf(HEAD, at + 1) >= 0 || (quote !== "'" && quote !== '"')) skip('findWasmBinary is not the one binaryDecode of a string literal');
let end = at + HEAD.length + 1;
while (end < src.length && src[end] !== quote) end += src[end] === '\\' ? 2 : 1;
if (src.slice(end, end + 3) !== `${quote})}`) skip('the literal does not end the function');
// The literal as JavaScript reads it (its escapes resolved), then Emscripten's binaryDecode.
const text = new Function(`return ${src.slice(at + HEAD.length, end + 1)}`)();
const bytes = new Uint8Array(text.length);
for (let i = 0; i < text.length; i++) {
  const c = text.charCodeAt(i);
  bytes[i] = ~c >> 8 & c; // binaryDecode in the glue, verbatim
}
if (!WebAssembly.validate(bytes)) skip('the decoded bytes are not a valid WebAssembly module');
const stub = `${src.slice(0, at)}function findWasmBinary(){throw new Error("h5wasm split: the module comes through instantiateWasm")}${src.slice(end + 3)}`;
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'hdf5.wasm'), bytes);
writeFileSync(join(OUT, 'hdf5_util.js'), stub, 'utf8');
console.log(`split-h5wasm: ${bytes.length} bytes of WebAssembly, ${stub.length} bytes of glue into dist/h5wasm/`);

function skip(why) {
  console.warn(`split-h5wasm: ${why}; dist/h5wasm not written, @attnlens/keras/node loads h5wasm/node whole`);
  process.exit(0);
}
