//! `crmlog outbox`: the CRM client's outbox on the command line — queue
//! logging requests, send them (with the retry rules of `crm::outbox`), and
//! show where they stand.

use crate::client::runner::{DrainEnd, drain};
use crate::client::store::SqliteOutbox;
use crate::crm::log::LogRequest;
use crate::crm::outbox::{Item, OutboxStore, RetryPolicy};
use crate::crm::settings::CrmSettings;
use crate::crm::transport::HttpTransport;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Outbox subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Queue logging requests: a JSON Lines file, one request per line
    /// (the fields of a logging request, see ARCHITECTURE.md).
    Enqueue {
        /// The outbox database (created when absent).
        #[arg(long)]
        store: PathBuf,
        /// The requests.
        requests: PathBuf,
    },
    /// Send everything queued; exits when nothing is left to send.
    Run(RunArgs),
    /// Print the counts and the parked items as JSON.
    Status {
        /// The outbox database.
        #[arg(long)]
        store: PathBuf,
    },
}

/// Options of `crmlog outbox run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The outbox database.
    #[arg(long)]
    pub store: PathBuf,
    /// The CRM's base URL (https, or http to loopback).
    #[arg(long)]
    pub crm: String,
    /// The bearer token.
    #[arg(long)]
    pub token: String,
    /// First backoff after a failure, in milliseconds.
    #[arg(long, default_value_t = 1_000)]
    pub backoff_ms: u64,
    /// Longest backoff, in milliseconds.
    #[arg(long, default_value_t = 300_000)]
    pub max_backoff_ms: u64,
}

fn open(store: &Path) -> Result<SqliteOutbox, ExitCode> {
    SqliteOutbox::open(store).map_err(|e| super::input_error(format!("{}: {e}", store.display())))
}

/// Runs an outbox subcommand.
pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Enqueue { store, requests } => {
            let text = match std::fs::read_to_string(&requests) {
                Ok(t) => t,
                Err(e) => return super::input_error(format!("{}: {e}", requests.display())),
            };
            // Every line is checked before anything is queued.
            let mut items = Vec::new();
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let request: LogRequest = match serde_json::from_str(line) {
                    Ok(r) => r,
                    Err(e) => {
                        return super::input_error(format!(
                            "{}:{}: {e}",
                            requests.display(),
                            n + 1
                        ));
                    }
                };
                if let Err(e) = request.validate() {
                    return super::input_error(format!("{}:{}: {e}", requests.display(), n + 1));
                }
                let timeline = request.recipients().map(|p| p.address.clone()).collect();
                items.push(Item::new(request, timeline));
            }
            let mut outbox = match open(&store) {
                Ok(o) => o,
                Err(code) => return code,
            };
            for item in &items {
                if let Err(e) = outbox.put(item) {
                    return super::input_error(e);
                }
            }
            println!("{}", serde_json::json!({"queued": items.len()}));
            ExitCode::SUCCESS
        }
        Command::Run(args) => {
            let settings = match CrmSettings::validated(&args.crm, &args.token) {
                Ok(s) => s,
                Err(e) => return super::input_error(e),
            };
            let mut outbox = match open(&args.store) {
                Ok(o) => o,
                Err(code) => return code,
            };
            let mut transport = HttpTransport::new(&settings.crm_url, &settings.crm_token);
            let policy = RetryPolicy {
                base_ms: args.backoff_ms.max(1),
                max_ms: args.max_backoff_ms.max(args.backoff_ms.max(1)),
            };
            match drain(&mut outbox, &mut transport, &policy) {
                Ok(DrainEnd::Empty) => ExitCode::SUCCESS,
                Ok(DrainEnd::Paused(reason)) => {
                    eprintln!("crmlog: paused, the CRM refused the token: {reason}");
                    ExitCode::from(3)
                }
                Err(e) => super::input_error(e),
            }
        }
        Command::Status { store } => {
            let mut outbox = match open(&store) {
                Ok(o) => o,
                Err(code) => return code,
            };
            let (pending, done, parked) = match outbox.counts() {
                Ok(c) => c,
                Err(e) => return super::input_error(e),
            };
            let parked_items: Vec<_> = match outbox.all() {
                Ok(all) => all
                    .into_iter()
                    .filter(|i| i.state == crate::crm::outbox::ItemState::Parked)
                    .map(|i| serde_json::json!({"tracking_id": i.key(), "error": i.last_error}))
                    .collect(),
                Err(e) => return super::input_error(e),
            };
            println!(
                "{}",
                serde_json::json!({"pending": pending, "done": done, "parked": parked, "parked_items": parked_items})
            );
            ExitCode::SUCCESS
        }
    }
}
