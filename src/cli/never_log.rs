//! `crmlog never-log check --list FILE ADDRESS…`: whether each address is
//! excluded by a never-log list, by which entry and with which code.
//!
//! The list file holds one entry per line (blank lines and `#` comments are
//! skipped). A bad line is an error naming it (N1), exit status 2.

use crate::policy::NeverLogList;
use clap::{Args as ClapArgs, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// Never-log list subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Prints one JSON object per address: excluded or not, and why.
    Check(CheckArgs),
}

/// Arguments of `crmlog never-log check`.
#[derive(ClapArgs, Debug)]
pub struct CheckArgs {
    /// The list: one entry per line (address, domain or *.domain).
    #[arg(long, value_name = "FILE")]
    pub list: PathBuf,
    /// Addresses to check.
    #[arg(value_name = "ADDRESS", required = true)]
    pub addresses: Vec<String>,
}

/// One line of output.
#[derive(Serialize)]
struct Answer<'a> {
    address: String,
    excluded: bool,
    entry: Option<&'a str>,
    line: Option<usize>,
    reason: Option<crate::policy::Code>,
}

/// Runs a never-log subcommand.
pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Check(args) => check(&args),
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let file = args.list.display();
    let text = match std::fs::read_to_string(&args.list) {
        Ok(t) => t,
        Err(e) => return super::input_error(format!("{file}: cannot read: {e}")),
    };
    let list = match NeverLogList::parse_lines(&text) {
        Ok(l) => l,
        Err(err) => {
            for e in &err.errors {
                eprintln!(
                    "crmlog: {file}:{}: {:?} is not a never-log entry: it {} (N1: an address, a domain or *.domain)",
                    e.line, e.entry, e.problem
                );
            }
            return super::input_error(format!(
                "{file}: the list was not read ({} bad line{})",
                err.errors.len(),
                if err.errors.len() == 1 { "" } else { "s" }
            ));
        }
    };
    for address in &args.addresses {
        let m = list.check(address);
        let answer = Answer {
            address: address.trim().to_lowercase(),
            excluded: m.is_some(),
            entry: m.map(|m| m.entry),
            line: m.map(|m| m.line),
            reason: m.map(|m| m.reason),
        };
        match serde_json::to_string(&answer) {
            Ok(json) => println!("{json}"),
            Err(e) => return super::input_error(e),
        }
    }
    ExitCode::SUCCESS
}
