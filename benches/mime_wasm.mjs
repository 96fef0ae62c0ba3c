// Full MIME parse in WebAssembly under node: parseMessage (the service
// worker's export, model converted to a JS object) over the corpus, a 2 MB
// body and a 50 MB attachment, plus the peak linear memory of the 50 MB
// parse. The messages are the same as benches/mime.rs generates.
//
//   scripts/bench-wasm.sh        (builds target/bench-wasm/, then runs this)
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
// The nodejs glue keeps its instance private; catch it on construction to
// read the linear memory's size.
let instance;
const Instance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(Instance, {
  construct(target, args) {
    instance = new target(...args);
    return instance;
  },
});
const wasm = require(join(root, "target/bench-wasm/crmlog.js"));
WebAssembly.Instance = Instance;

function corpus() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".eml")) out.push(readFileSync(p));
    }
  };
  walk(join(root, "tests/fixtures"));
  return out;
}

function qp(s) {
  let out = "";
  let col = 0;
  for (const b of Buffer.from(s, "utf8")) {
    if (b === 10) { out += "\r\n"; col = 0; continue; }
    const piece = b === 61 || b >= 127 ? "=" + b.toString(16).toUpperCase().padStart(2, "0") : String.fromCharCode(b);
    if (col + piece.length > 75) { out += "=\r\n"; col = 0; }
    col += piece.length;
    out += piece;
  }
  return out;
}

function twoMbBody() {
  const line = "Grüße aus Köln = Ceci est une ligne de texte assez longue pour la mesure.";
  let text = "";
  while (Buffer.byteLength(text) < 1_000_000) text += line + "\n";
  const html = `<html><body><p>${text.replaceAll("\n", "<br>\n")}</p></body></html>`;
  return Buffer.from(
    "From: Ann <ann@example.com>\r\nTo: Bob <bob@example.org>\r\nSubject: big body\r\n" +
    "Date: Mon, 3 Mar 2025 09:15:00 +0100\r\nMessage-ID: <big-body@example.com>\r\n" +
    'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n' +
    "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
    qp(text) + "\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
    qp(html) + "\r\n--b--\r\n");
}

function fiftyMbAttachment() {
  const data = Buffer.alloc(50_000_000);
  for (let i = 0; i < data.length; i++) data[i] = Number((BigInt(i) * 2654435761n) & 0xffffffffn) >>> 24;
  const b64 = data.toString("base64").replace(/.{76}/g, "$&\r\n");
  return Buffer.concat([
    Buffer.from(
      "From: Ann <ann@example.com>\r\nTo: Bob <bob@example.org>\r\n" +
      "Subject: big file\r\nDate: Mon, 3 Mar 2025 09:15:00 +0100\r\nMessage-ID: <big-file@example.com>\r\n" +
      'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n' +
      "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe file is attached.\r\n" +
      "--m\r\nContent-Type: application/octet-stream\r\n" +
      'Content-Disposition: attachment; filename="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
    Buffer.from(b64), Buffer.from("\r\n--m--\r\n")]);
}

function bench(name, messages, minSeconds = 3) {
  const bytes = messages.reduce((n, m) => n + m.length, 0);
  for (const m of messages) wasm.parseMessage(m); // warm up
  let runs = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (const m of messages) wasm.parseMessage(m);
    runs++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < minSeconds);
  const mbs = (bytes * runs) / elapsed / 1e6;
  console.log(`${name}: ${(elapsed / runs * 1000).toFixed(2)} ms per pass, ${mbs.toFixed(1)} MB/s (${bytes} bytes, ${runs} runs)`);
}

const memory = () => instance.exports.memory.buffer.byteLength / 1048576;
// Memory first, in a fresh instance: linear memory never shrinks, so its
// size after the first 50 MB parse is that parse's peak.
const huge = fiftyMbAttachment();
const before = memory();
const m = wasm.parseMessage(huge);
if (m.attachments[0].bytes !== 50_000_000) throw new Error("wrong attachment size");
console.log(`attachment_50mb: message ${(huge.length / 1048576).toFixed(1)} MiB; wasm linear memory ${before.toFixed(1)} MiB before, ${memory().toFixed(1)} MiB peak after parseMessage`);
bench("corpus", corpus());
bench("body_2mb", [twoMbBody()]);
bench("attachment_50mb", [huge], 5);
