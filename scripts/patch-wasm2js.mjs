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

// Data segments as string literals instead of base64. The segments are
// mostly text (selectors, message keys); base64 hides that text from gzip,
// a literal with \xNN escapes for the other bytes does not: ~2 KB gzip less
// content script (ARCHITECTURE.md "Sizes"). Same bytes, same offsets; the
// parity test compares this module's outputs with real wasm's.
const segment = /base64DecodeToExistingUint8Array\(bufferView, (\d+), "([A-Za-z0-9+/=]*)"\)/g;
let segments = 0;
src = src.replace(segment, (_, offset, b64) => {
  segments++;
  const bytes = Buffer.from(b64, 'base64');
  let lit = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const next = bytes[i + 1];
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) lit += String.fromCharCode(b);
    else if (b === 0 && !(next >= 0x30 && next <= 0x39)) lit += '\\0';
    else lit += '\\x' + b.toString(16).padStart(2, '0');
  }
  return `__crmlog_bytes(bufferView, ${offset}, "${lit}")`;
});
if (segments === 0) {
  console.error('patch-wasm2js: no base64 data segments found; wasm2js output changed');
  process.exit(1);
}
src = `/* crmlog: data as text */
function __crmlog_bytes(view, offset, text) {
  for (let i = 0; i < text.length; i++) view[offset + i] = text.charCodeAt(i);
}
` + src;
writeFileSync(file, src);
// The build must fail rather than ship an unpatched module.
const check = readFileSync(file, 'utf8');
if ((check.match(/__crmlog_detach\(buffer\)/g) || []).length !== 1) {
  console.error('patch-wasm2js: the patch did not apply exactly once');
  process.exit(1);
}
