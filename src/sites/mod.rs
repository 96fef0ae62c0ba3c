//! Site adapters: the only code that knows a web mail page's DOM. Each site
//! keeps every selector in its `selectors.rs`.

pub mod dom;
pub mod gmail;
