// The content script runs the Rust core translated to JavaScript by
// wasm2js; the build also keeps the same module as real wasm. Both must
// give byte-identical results for the same inputs — including one large
// enough to grow memory, where an unpatched wasm2js silently reads stale
// memory (see scripts/patch-wasm2js.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = join(ROOT, 'pkg/content-wasm');

async function realWasm() {
  const glue = await import(join(PKG, 'crmlog_bg.js'));
  const bytes = readFileSync(join(PKG, 'crmlog_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './crmlog_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return { addressIn: glue.addressIn, memory: instance.exports.memory };
}

// Recipient entries as the chips give them, and large ones: the first
// grows memory, where an unpatched wasm2js reads stale memory.
function inputs() {
  const entries = [
    ['address', 'bob@client.example', 'bob@client.example'],
    ['name and address', 'Bob Jones <bob@client.example>', 'bob@client.example'],
    ['quoted name', '"Jones, Bob" <Bob@Client.example>', 'Bob@Client.example'],
    ['non-ASCII', 'Zoë Ærø <zoë@exämple.no>', 'zoë@exämple.no'],
    ['last brackets win', 'a <b> c <d@e.example>', 'd@e.example'],
    ['unclosed', 'Name <bob@client.example', 'bob@client.example'],
    ['empty', '', ''],
    ['spaces', '   ', ''],
  ];
  // About 9 MB of a name, far above the module's initial memory.
  const name = 'Prix spécial — 10 % ✓ '.repeat(Math.ceil(9e6 / 24));
  entries.push(['generated 9 MB', `${name}<carol@client.example>`, 'carol@client.example']);
  entries.push(['generated 9 MB, no brackets', `  ${name}  `, name.trim()]);
  return entries;
}

test('wasm and wasm2js flavours give identical output', async () => {
  const wasm = await realWasm();
  const js = await import(join(ROOT, 'pkg/content/crmlog.mjs'));
  const startPages = wasm.memory.buffer.byteLength / 65536;
  let compared = 0;
  for (const [name, entry, expected] of inputs()) {
    const a = wasm.addressIn(entry);
    const b = js.addressIn(entry);
    assert.equal(a, expected, `${name}: wasm result`);
    assert.equal(b, a, `${name}: wasm2js differs from wasm`);
    compared += 1;
  }
  const endPages = wasm.memory.buffer.byteLength / 65536;
  assert.ok(endPages > startPages, `memory grew (${startPages} → ${endPages} pages)`);
  console.log(`# parity: ${compared} inputs identical; wasm memory ${startPages} → ${endPages} pages`);
});
