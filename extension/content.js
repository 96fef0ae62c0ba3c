// crmlog content script: a thin loader. The logic is Rust translated to
// JavaScript by wasm2js (src/bindings/content.rs): Chromium applies the mail
// page's CSP to WebAssembly compiled here, so no WebAssembly is touched.
(async () => {
  try {
    // One bundle per site: a tab loads only its own site's description.
    const bundle = location.host.startsWith('outlook.') ? 'pkg/content-outlook/crmlog.mjs' : 'pkg/content/crmlog.mjs';
    const crmlog = await import(chrome.runtime.getURL(bundle));
    crmlog.start();
  } catch (error) {
    console.error('crmlog: could not start', error);
  }
})();
