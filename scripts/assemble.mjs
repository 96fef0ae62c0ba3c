// Assembles the extension from one manifest source (extension/manifest.json)
// into dist/chrome and dist/firefox, then packs dist/crmlog-chrome.zip and
// dist/crmlog-firefox.xpi.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { zipDirectory } from './zip.mjs';

const source = JSON.parse(readFileSync('extension/manifest.json', 'utf8'));
const cargoVersion = readFileSync('Cargo.toml', 'utf8').match(/^version = "([^"]+)"/m)[1];
if (source.version !== cargoVersion) {
  console.error(`assemble: manifest version ${source.version} differs from Cargo.toml ${cargoVersion}`);
  process.exit(1);
}

const flavours = {
  // Chrome runs the background as a module service worker and does not
  // know Firefox's keys.
  chrome(m) {
    delete m.background.scripts;
    delete m.browser_specific_settings;
    return m;
  },
  // Firefox (128+) runs `background.scripts` as an event page and needs an
  // add-on id; `service_worker` stays for Firefox versions that support it.
  firefox(m) {
    return m;
  },
};

const needed = [
  'pkg/worker/crmlog.js', 'pkg/worker/crmlog_bg.wasm', 'pkg/content/crmlog.mjs', 'pkg/content/content.css',
  'pkg/content-outlook/crmlog.mjs',
];
for (const f of needed) {
  if (!existsSync(f)) {
    console.error(`assemble: ${f} is missing; run scripts/build.sh`);
    process.exit(1);
  }
}

for (const [name, transform] of Object.entries(flavours)) {
  const out = `dist/${name}`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(`${out}/pkg/worker`, { recursive: true });
  mkdirSync(`${out}/pkg/content`, { recursive: true });
  mkdirSync(`${out}/pkg/content-outlook`, { recursive: true });
  cpSync('extension', out, { recursive: true, filter: (src) => !src.endsWith('manifest.json') });
  cpSync('pkg/worker/crmlog.js', `${out}/pkg/worker/crmlog.js`);
  cpSync('pkg/worker/crmlog_bg.wasm', `${out}/pkg/worker/crmlog_bg.wasm`);
  cpSync('pkg/content/crmlog.mjs', `${out}/pkg/content/crmlog.mjs`);
  cpSync('pkg/content-outlook/crmlog.mjs', `${out}/pkg/content-outlook/crmlog.mjs`);
  // The minified stylesheet replaces the commented source.
  cpSync('pkg/content/content.css', `${out}/content.css`);
  const manifest = transform(structuredClone(source));
  writeFileSync(`${out}/manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
}
zipDirectory('dist/chrome', 'dist/crmlog-chrome.zip');
zipDirectory('dist/firefox', 'dist/crmlog-firefox.xpi');
console.log('assemble: dist/chrome, dist/firefox, dist/crmlog-chrome.zip, dist/crmlog-firefox.xpi');
