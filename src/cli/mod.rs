//! The `crmlog` command line. Each subcommand lives in its own module with
//! its own `Args`; this file only wires them together.
//!
//! Exit status: 0 on success, 1 for a negative answer where a subcommand
//! defines one (e.g. `track find` found nothing), 2 for bad input.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub mod decide;
pub mod forward;
pub mod ingest;
pub mod mime;
pub mod never_log;
pub mod outbox;
pub mod sandbox;
pub mod track;

/// crmlog: would this email be logged to the CRM, and why not?
#[derive(Parser, Debug)]
#[command(name = "crmlog", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Forwarded messages: what a forward's block says (issue 4).
    #[command(subcommand)]
    Forward(forward::Command),
    /// The CRM client's outbox: queue, send, status.
    #[command(subcommand)]
    Outbox(outbox::Command),
    /// Run the sandbox CRM: a HubSpot-compatible server on loopback
    /// (`sandbox seed` loads an account into its database).
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Sandbox(sandbox::Args),
    /// Hand raw messages to a running sandbox's BCC or forwarding inbox.
    Ingest(ingest::Args),
    /// Tracking ids (spec/tracking.md).
    #[command(subcommand)]
    Track(track::Command),
    /// Would this email be logged, and if not, why? (spec/decide.md)
    Decide(decide::Args),
    /// Check addresses against a never-log list.
    #[command(subcommand)]
    NeverLog(never_log::Command),
    /// The message model of raw messages.
    #[command(subcommand)]
    Mime(mime::Command),
}

/// Parses the process arguments and runs the subcommand.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Forward(cmd) => forward::run(cmd),
        Command::Outbox(cmd) => outbox::run(cmd),
        Command::Sandbox(args) => sandbox::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Track(cmd) => track::run(cmd),
        Command::Decide(args) => decide::run(args),
        Command::NeverLog(cmd) => never_log::run(cmd),
        Command::Mime(cmd) => mime::run(cmd),
    }
}

/// Prints an input error the way every subcommand reports one, and gives
/// exit status 2.
pub fn input_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("crmlog: {message}");
    ExitCode::from(2)
}
