// The content script runs the Rust core translated to JavaScript by
// wasm2js; the build also keeps the same module as real wasm. Both must
// give byte-identical results for the same inputs — including one large
// enough to grow memory, where an unpatched wasm2js silently reads stale
// memory (see scripts/patch-wasm2js.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
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
  return { censorHtml: glue.censorHtml, memory: instance.exports.memory };
}

function inputs() {
  const fixtures = [
    join(ROOT, 'tests/fixtures/sites/gmail/mail.html'),
    ...['__tests__', 'test/data'].flatMap((d) => {
      const dir = join(ROOT, 'tests/fixtures/InboxSDK_InboxSDK', d);
      return readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => join(dir, f));
    }),
  ].map((f) => [f.slice(ROOT.length + 1), readFileSync(f, 'utf8')]);
  // Many compose-like blocks with text, attributes, comments and raw text:
  // about 9 MB, far above the module's initial memory.
  const block = '<div role="dialog" aria-label="New Message" class="M9"><form><input name="to" value="bob@client.example">'
    + '<div class="Am Al" contenteditable="true">Prix spécial — 10 % ✓ <b>bold</b> &amp; more<!-- c --></div>'
    + '<script nonce="n">var x = "<div>";</script></form></div>\n';
  fixtures.push(['generated 9 MB', block.repeat(Math.ceil(9e6 / block.length))]);
  fixtures.push(['edge cases', '<<a =x><div a="x"b=y>< / >é<script>unterminated']);
  return fixtures;
}

test('wasm and wasm2js flavours give identical output', async () => {
  const wasm = await realWasm();
  const js = await import(join(ROOT, 'pkg/content/crmlog.mjs'));
  const startPages = wasm.memory.buffer.byteLength / 65536;
  let compared = 0;
  for (const [name, html] of inputs()) {
    const a = wasm.censorHtml(html);
    const b = js.censorHtml(html);
    assert.equal(typeof a, 'string', `${name}: wasm result`);
    assert.equal(typeof b, 'string', `${name}: wasm2js result`);
    assert.ok(html.length < 100 || a.includes('<'), `${name}: the censored shape is not empty`);
    assert.ok(!a.includes('bob@client.example') && !a.includes('spécial'), `${name}: nothing private survives`);
    assert.equal(b, a, `${name}: wasm2js differs from wasm`);
    compared += 1;
  }
  const endPages = wasm.memory.buffer.byteLength / 65536;
  assert.ok(endPages > startPages, `memory grew (${startPages} → ${endPages} pages)`);
  console.log(`# parity: ${compared} inputs identical; wasm memory ${startPages} → ${endPages} pages`);
});
