//! Small DOM helpers shared by the site adapters. Errors are values: a
//! selector that stops matching must degrade one feature, not abort.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

/// The window's document.
pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// The first element matching any of `selectors` (tried in order: the
/// role/aria form first, then the fallbacks).
pub fn first(root: &Element, selectors: &[&str]) -> Option<Element> {
    // Plain loops here and below: iterator adaptors, instantiated per
    // caller, cost the content script kilobytes (its size budget).
    for s in selectors {
        if let Ok(Some(el)) = root.query_selector(s) {
            return Some(el);
        }
    }
    None
}

/// Every element matching `selector` under `root`.
pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..list.length() {
        if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            out.push(el);
        }
    }
    out
}

/// `el` itself when it matches, plus every descendant that matches.
pub fn self_and_descendants(el: &Element, selector: &str) -> Vec<Element> {
    let mut out = Vec::new();
    if el.matches(selector).unwrap_or(false) {
        out.push(el.clone());
    }
    out.extend(all(el, selector));
    out
}

/// The closest ancestor-or-self matching `selector`.
pub fn closest(el: &Element, selector: &str) -> Option<Element> {
    el.closest(selector).ok().flatten()
}

/// The value of an input or the text of another element.
pub fn value_or_text(el: &Element) -> String {
    match el.dyn_ref::<web_sys::HtmlInputElement>() {
        Some(input) => input.value(),
        None => el.text_content().unwrap_or_default(),
    }
}
