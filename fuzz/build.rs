//! Turns on the `forward_parse` target's real body once
//! `crmlog::mime::forward::parse_text` exists (the forward module is built
//! by another part of the project and may land later).

use std::path::Path;

fn defines_parse_text(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|s| s.contains("pub fn parse_text"))
}

fn main() {
    println!("cargo::rustc-check-cfg=cfg(crmlog_has_forward)");
    let mime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/mime");
    let dir = mime.join("forward");
    println!("cargo::rerun-if-changed={}", dir.display());
    println!("cargo::rerun-if-changed={}", mime.join("mod.rs").display());
    let declared = std::fs::read_to_string(mime.join("mod.rs"))
        .is_ok_and(|s| s.contains("pub mod forward"));
    let defined = defines_parse_text(&mime.join("forward.rs"))
        || std::fs::read_dir(&dir).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| defines_parse_text(&e.path()))
        });
    if declared && defined {
        println!("cargo::rustc-cfg=crmlog_has_forward");
    }
}
