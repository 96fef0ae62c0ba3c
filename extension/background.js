// crmlog service worker: a thin loader. All logic is Rust (src/bindings/worker.rs),
// running as real WebAssembly (the extension's own CSP allows 'wasm-unsafe-eval').
import init, { handleMessage, workerStart } from './pkg/worker/crmlog.js';

const ready = init({ module_or_path: new URL('./pkg/worker/crmlog_bg.wasm', import.meta.url) })
  .then(() => workerStart());

// A retry that comes due while the worker is stopped starts it again; so
// does the browser starting (alarms may not survive a browser restart), so
// that what was queued before is sent.
chrome.alarms.onAlarm.addListener(() => {
  ready.then(() => workerStart());
});
chrome.runtime.onStartup.addListener(() => {
  ready.then(() => workerStart());
});

// Registered synchronously at start-up, as MV3 requires; `return true` keeps
// the channel open for the asynchronous reply.
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  ready
    .then(() => handleMessage(message))
    .then(sendResponse, (error) => sendResponse({ error: String((error && error.message) || error) }));
  return true;
});
