//! `crmlog track new` and `crmlog track find` (spec/tracking.md).

use crate::tracking::TrackingId;
use clap::Subcommand;
use std::process::ExitCode;

/// Tracking-id subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print a fresh tracking id.
    New,
}

/// Runs a tracking subcommand.
pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::New => match TrackingId::generate() {
            Ok(id) => {
                println!("{id}");
                ExitCode::SUCCESS
            }
            Err(e) => super::input_error(e),
        },
    }
}
