// crmlog content script: a thin loader. The logic is Rust translated to
// JavaScript by wasm2js (src/bindings/content.rs): Chromium applies the mail
// page's CSP to WebAssembly compiled here, so no WebAssembly is touched.
(async () => {
  try {
    const crmlog = await import(chrome.runtime.getURL('pkg/content/crmlog.mjs'));
    crmlog.start();
  } catch (error) {
    console.error('crmlog: could not start', error);
  }
})();
