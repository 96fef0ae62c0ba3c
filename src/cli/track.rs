//! `crmlog track new` and `crmlog track find` (spec/tracking.md).

use crate::tracking::{self, TrackingId};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

/// Tracking-id subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print a fresh tracking id.
    New,
    /// Print the tracking id a raw message carries (exit 0), or nothing and
    /// exit 1 when it has none or its carriers disagree (warning on stderr).
    Find {
        /// The raw message (.eml), or `-` for standard input.
        message: PathBuf,
    },
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
        Command::Find { message } => {
            let raw = match super::mime::read_input(&message) {
                Ok(raw) => raw,
                Err(e) => return super::input_error(format!("{}: {e}", message.display())),
            };
            let finding = tracking::find_raw(&raw);
            if let Some(warning) = finding.warning() {
                eprintln!("crmlog: warning: {warning}");
            }
            match finding.id() {
                Some(id) => {
                    println!("{id}");
                    ExitCode::SUCCESS
                }
                None => ExitCode::from(1),
            }
        }
    }
}
