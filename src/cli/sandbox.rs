//! `crmlog sandbox --db FILE --port N [--token T]`: runs the sandbox CRM.

use crate::sandbox::Sandbox;
use clap::Args as ClapArgs;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `crmlog sandbox`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// The SQLite database file (created when absent).
    #[arg(long)]
    pub db: PathBuf,
    /// The loopback port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// The bearer token API calls must carry; remembered in the database.
    /// Without it the remembered one is used, or a fresh one is made.
    #[arg(long)]
    pub token: Option<String>,
}

/// Runs the server until the process is stopped.
pub fn run(args: Args) -> ExitCode {
    let sandbox = match Sandbox::open(&args.db, args.token.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            return super::input_error(format!("cannot open {}: {e}", args.db.display()));
        }
    };
    // Loopback only: the sandbox is for one machine's trial and tests.
    let listener = match TcpListener::bind(("127.0.0.1", args.port)) {
        Ok(l) => l,
        Err(e) => {
            return super::input_error(format!("cannot listen on 127.0.0.1:{}: {e}", args.port));
        }
    };
    let token = sandbox.token.clone();
    let server = match sandbox.serve(listener) {
        Ok(s) => s,
        Err(e) => return super::input_error(format!("cannot start the server: {e}")),
    };
    // One parseable line, so scripts (the demo, the tests) can wait for it.
    println!(
        "crmlog sandbox listening on http://127.0.0.1:{} token {token}",
        server.port()
    );
    server.wait();
    ExitCode::SUCCESS
}
