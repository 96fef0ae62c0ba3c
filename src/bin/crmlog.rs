//! The `crmlog` command line: see `crmlog --help` and `crmlog::cli`.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    crmlog::cli::main()
}

// The command line is native only; the wasm32 build of the package still
// compiles every target (clippy), so it gets an empty entry point.
#[cfg(target_arch = "wasm32")]
fn main() {}
