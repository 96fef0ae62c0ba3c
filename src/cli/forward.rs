//! `crmlog forward parse`: reads a forwarded message and prints what the
//! parser found, as one JSON object in the shape of email-forward-parser's
//! `read()` result (plus `date_rfc3339`, `chain`, `unsupported_language`).
//!
//! - `crmlog forward parse --text BODY.txt [--subject-file SUBJECT.txt]`
//! - `crmlog forward parse --html BODY.html [--subject-file SUBJECT.txt]`
//! - `crmlog forward parse MESSAGE.eml`

use crate::mime::forward;
use clap::{Args as ClapArgs, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Forwarded-message subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse a forwarded message and print the result as JSON.
    Parse(ParseArgs),
}

/// Options of `crmlog forward parse`.
#[derive(ClapArgs, Debug)]
pub struct ParseArgs {
    /// A whole message (RFC 5322, `.eml`).
    #[arg(conflicts_with_all = ["text", "html"], required_unless_present_any = ["text", "html"])]
    pub message: Option<PathBuf>,
    /// A plain-text body.
    #[arg(long, conflicts_with = "html")]
    pub text: Option<PathBuf>,
    /// An HTML body.
    #[arg(long)]
    pub html: Option<PathBuf>,
    /// A file holding the forward's subject line (its prefix is a signal);
    /// a whole message has its own.
    #[arg(long, conflicts_with = "message")]
    pub subject_file: Option<PathBuf>,
}

/// Runs a forwarded-message subcommand.
pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Parse(args) => parse(&args),
    }
}

fn parse(args: &ParseArgs) -> ExitCode {
    let subject = match args.subject_file.as_deref().map(read_text).transpose() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = if let Some(path) = &args.text {
        match read_text(path) {
            Ok(body) => forward::parse_text(&body, subject.as_deref()),
            Err(code) => return code,
        }
    } else if let Some(path) = &args.html {
        match read_text(path) {
            Ok(html) => forward::parse_html(&html, subject.as_deref()),
            Err(code) => return code,
        }
    } else if let Some(path) = &args.message {
        match std::fs::read(path) {
            Ok(raw) => forward::parse_message(&crate::mime::parse(&raw)),
            Err(e) => return super::input_error(format!("cannot read {}: {e}", path.display())),
        }
    } else {
        return super::input_error("give a message file, --text or --html");
    };
    match serde_json::to_string_pretty(&result.report()) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => super::input_error(e),
    }
}

/// Reads a text file; bytes that are not UTF-8 are replaced, since mail
/// saved from clients is not always clean.
fn read_text(path: &Path) -> Result<String, ExitCode> {
    std::fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| super::input_error(format!("cannot read {}: {e}", path.display())))
}
