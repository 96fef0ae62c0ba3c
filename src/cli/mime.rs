//! `crmlog mime inspect MESSAGE.eml`: the message model as JSON.

use crate::mime;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

/// What `inspect` prints: the model's fields, then the part list.
#[derive(serde::Serialize)]
struct Inspection<'a> {
    #[serde(flatten)]
    message: &'a mime::Message,
    parts: &'a [mime::PartInfo],
}

/// Message-model subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the message model of a raw message as JSON: headers, bodies,
    /// sizes, attachments and diagnostics. Reads standard input for `-`.
    Inspect {
        /// The raw message (.eml), or `-` for standard input.
        message: PathBuf,
    },
}

/// Runs a message-model subcommand.
pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Inspect { message } => {
            let raw = match read_input(&message) {
                Ok(raw) => raw,
                Err(e) => return super::input_error(format!("{}: {e}", message.display())),
            };
            let (message, parts) = mime::inspect(&raw);
            let report = Inspection {
                message: &message,
                parts: &parts,
            };
            match serde_json::to_string_pretty(&report) {
                Ok(json) => {
                    println!("{json}");
                    ExitCode::SUCCESS
                }
                Err(e) => super::input_error(e),
            }
        }
    }
}

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}
