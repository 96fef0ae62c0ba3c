//! `crmlog sandbox --db FILE --port N [--token T]`: runs the sandbox CRM.
//! `crmlog sandbox seed --db FILE ACCOUNT.json`: loads an account (the
//! format of spec/decide.md) into its database, running or not.

use crate::sandbox::Sandbox;
use clap::{Args as ClapArgs, Subcommand};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

/// `crmlog sandbox`: serve (no subcommand) or `seed`.
/// (`args_conflicts_with_subcommands` and `subcommand_negates_reqs` are
/// set on the `Sandbox` variant in `cli/mod.rs`, where clap reads them.)
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// What to do instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of the server.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Subcommands of `crmlog sandbox`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load an account (users, team inboxes, never-log list, contacts,
    /// companies, deals; spec/decide.md) into the database. Loading the
    /// same file again duplicates nothing.
    Seed(SeedArgs),
}

/// Options of `crmlog sandbox seed`.
#[derive(ClapArgs, Debug)]
pub struct SeedArgs {
    /// The SQLite database file (created when absent).
    // Its own id: the server's `--db` is another argument of the parent.
    #[arg(long = "db", id = "seed_db", value_name = "DB")]
    pub db: PathBuf,
    /// The account as JSON.
    #[arg(value_name = "ACCOUNT.json")]
    pub account: PathBuf,
}

/// Options of the server, `crmlog sandbox --db FILE --port N`.
#[derive(ClapArgs, Debug)]
pub struct ServeArgs {
    /// The SQLite database file (created when absent).
    // Required when serving; an `Option` because `seed` leaves it unset.
    #[arg(long, required = true)]
    pub db: Option<PathBuf>,
    /// The loopback port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// The bearer token API calls must carry; remembered in the database.
    /// Without it the remembered one is used, or a fresh one is made.
    #[arg(long)]
    pub token: Option<String>,
    /// Rate limit as REQUESTS/MILLISECONDS (HubSpot Professional: 190/10000).
    #[arg(long, default_value = "190/10000", value_parser = parse_rate)]
    pub rate_limit: (u32, u64),
    /// For tests: share (0–1) of API requests answered 500.
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    pub fail_rate: f64,
    /// For tests: share (0–1) of API requests carried out and then dropped
    /// half-way through the response.
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    pub drop_rate: f64,
}

fn parse_rate(s: &str) -> Result<(u32, u64), String> {
    let (n, ms) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?}: expected REQUESTS/MILLISECONDS, e.g. 190/10000"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("{n:?} is not a number of requests"))?;
    let ms: u64 = ms
        .trim()
        .parse()
        .map_err(|_| format!("{ms:?} is not a number of milliseconds"))?;
    if n == 0 || ms == 0 {
        return Err(
            "the rate limit needs at least one request per at least one millisecond".into(),
        );
    }
    Ok((n, ms))
}

fn parse_share(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a share between 0 and 1")),
    }
}

/// Runs `crmlog sandbox`: the server, or a subcommand.
pub fn run(args: Args) -> ExitCode {
    match args.command {
        Some(Command::Seed(seed)) => run_seed(&seed),
        None => serve(args.serve),
    }
}

/// Loads the account file; errors name the file, the line and the field
/// as `crmlog decide` names them, and store nothing.
fn run_seed(args: &SeedArgs) -> ExitCode {
    let file = args.account.display();
    let text = match std::fs::read_to_string(&args.account) {
        Ok(t) => t,
        Err(e) => return super::input_error(format!("{file}: cannot read: {e}")),
    };
    let store = match crate::sandbox::store::Store::open(&args.db) {
        Ok(s) => s,
        Err(e) => {
            return super::input_error(format!("cannot open {}: {e}", args.db.display()));
        }
    };
    match crate::sandbox::account::seed(&store, &text, &crate::sandbox::now_rfc3339()) {
        Ok(counts) => {
            println!(
                "{}",
                serde_json::json!({"seeded": args.account.display().to_string(), "counts": counts})
            );
            ExitCode::SUCCESS
        }
        Err(crate::sandbox::account::SeedError::Invalid(e)) => {
            let line = e
                .line
                .or_else(|| super::decide::json_path::line_of(&text, &e.path));
            match line {
                Some(line) => super::input_error(format!("{file}:{line}: {e}")),
                None => super::input_error(format!("{file}: {e}")),
            }
        }
        Err(crate::sandbox::account::SeedError::Store(e)) => {
            super::input_error(format!("{}: {e}", args.db.display()))
        }
    }
}

/// Runs the server until the process is stopped.
fn serve(args: ServeArgs) -> ExitCode {
    let Some(db) = args.db else {
        return super::input_error("--db is required");
    };
    let faults = crate::sandbox::faults::FaultConfig {
        rate_limit: args.rate_limit.0,
        rate_window: std::time::Duration::from_millis(args.rate_limit.1),
        fail_rate: args.fail_rate,
        drop_rate: args.drop_rate,
    };
    if faults.fail_rate + faults.drop_rate > 1.0 {
        return super::input_error("--fail-rate and --drop-rate add up to more than 1");
    }
    let sandbox = match Sandbox::open(&db, args.token.as_deref()) {
        Ok(s) => s.with_faults(faults),
        Err(e) => {
            return super::input_error(format!("cannot open {}: {e}", db.display()));
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
