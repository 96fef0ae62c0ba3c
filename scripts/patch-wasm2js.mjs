// Makes wasm2js's memory.grow detach the old ArrayBuffer.
//
// The wasm-bindgen glue caches views of `wasm.memory.buffer` and notices
// growth only when the cached buffer becomes detached (byteLength 0).
// Real wasm detaches on grow; wasm2js copies into a new buffer and leaves
// the old one attached, so the glue would silently read stale memory (a
// large email parsed to `undefined`). See ../shared/notes/wasm-in-content-scripts.md.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/patch-wasm2js.mjs FILE.mjs');
  process.exit(2);
}
let src = readFileSync(file, 'utf8');
const marker = '/* crmlog: detach on grow */';
if (src.includes(marker)) process.exit(0);

const grow = /function __wasm_memory_grow\(pagesToAdd\) \{[\s\S]*?\n \}/;
const body = src.match(grow);
if (!body) {
  console.error(`patch-wasm2js: no __wasm_memory_grow in ${file}; wasm2js output changed`);
  process.exit(1);
}
const assign = body[0].match(/\n(\s*)buffer = newBuffer;/);
if (!assign) {
  console.error('patch-wasm2js: __wasm_memory_grow no longer assigns `buffer = newBuffer;`');
  process.exit(1);
}
const patched = body[0].replace(
  /\n(\s*)buffer = newBuffer;/,
  `\n$1${marker} __crmlog_detach(buffer);\n$1buffer = newBuffer;`,
);
const helper = `${marker}
function __crmlog_detach(old) {
  if (typeof old.transfer === 'function') { old.transfer(0); return; }
  structuredClone(old, { transfer: [old] });
}
`;
src = helper + src.replace(body[0], patched);
writeFileSync(file, src);
// The build must fail rather than ship an unpatched module.
const check = readFileSync(file, 'utf8');
if ((check.match(/__crmlog_detach\(buffer\)/g) || []).length !== 1) {
  console.error('patch-wasm2js: the patch did not apply exactly once');
  process.exit(1);
}
