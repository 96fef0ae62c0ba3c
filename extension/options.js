// crmlog options page: a thin loader; the page logic is Rust (optionsPage in src/bindings/options.rs).
import init, { optionsPage } from './pkg/worker/crmlog.js';

init({ module_or_path: new URL('./pkg/worker/crmlog_bg.wasm', import.meta.url) })
  .then(() => optionsPage())
  .catch((error) => console.error('crmlog: options page failed', error));
