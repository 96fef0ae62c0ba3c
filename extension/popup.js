// crmlog popup: a thin loader; the page logic is Rust (popupPage in src/bindings/popup.rs).
import init, { popupPage } from './pkg/worker/crmlog.js';

init({ module_or_path: new URL('./pkg/worker/crmlog_bg.wasm', import.meta.url) })
  .then(() => popupPage())
  .catch((error) => console.error('crmlog: popup failed', error));
