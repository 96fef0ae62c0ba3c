//! `crmlog ingest --bcc|--forward --crm URL --token T FILE.eml…`: hands
//! raw messages to a running sandbox CRM's BCC or forwarding inbox, as an
//! administrator piping a mailbox into it would, and prints one JSON line
//! per file: the file and what the CRM decided.
//!
//! Exit 0 when every file was processed (logged or not); 2 when a file
//! could not be read or the CRM answered with an error, naming the file.
//! Every file is tried either way.

use crate::crm::settings::CrmSettings;
use clap::{ArgGroup, Args as ClapArgs};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `crmlog ingest`.
#[derive(ClapArgs, Debug)]
#[command(group(ArgGroup::new("inbox").required(true).args(["bcc", "forward"])))]
pub struct Args {
    /// Deliver to the BCC inbox (rules B).
    #[arg(long)]
    pub bcc: bool,
    /// Deliver to the forwarding inbox (rules F).
    #[arg(long)]
    pub forward: bool,
    /// The sandbox CRM's base URL.
    #[arg(long, default_value = crate::crm::settings::DEFAULT_CRM_URL)]
    pub crm: String,
    /// The sandbox's bearer token.
    #[arg(long)]
    pub token: String,
    /// The raw RFC 5322 messages.
    #[arg(value_name = "FILE.eml", required = true)]
    pub files: Vec<PathBuf>,
}

/// Runs `crmlog ingest`.
pub fn run(args: Args) -> ExitCode {
    let settings = match CrmSettings::validated(&args.crm, &args.token) {
        Ok(s) => s,
        Err(e) => return super::input_error(e),
    };
    let kind = if args.bcc { "bcc" } else { "forward" };
    let url = format!("{}/crmlog/v1/inbox/{kind}", settings.crm_url);
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(120))
        .build();
    let mut failed = false;
    for file in &args.files {
        match post(&agent, &url, &settings.crm_token, file) {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("crmlog: {}: {e}", file.display());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn post(agent: &ureq::Agent, url: &str, token: &str, file: &Path) -> Result<Value, String> {
    let raw = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let result = agent
        .post(url)
        .set("authorization", &format!("Bearer {token}"))
        .set("content-type", "message/rfc822")
        .send_bytes(&raw);
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(status, r)) => {
            let body: Value = r.into_json().unwrap_or(Value::Null);
            let message = body
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("no message");
            return Err(format!("the CRM answered {status}: {message}"));
        }
        Err(ureq::Error::Transport(t)) => return Err(format!("cannot reach the CRM: {t}")),
    };
    let d: Value = response
        .into_json()
        .map_err(|e| format!("unreadable answer from the CRM: {e}"))?;
    let codes: Vec<Value> = d
        .get("reasons")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(|r| r.get("code").cloned()).collect())
        .unwrap_or_default();
    let field = |k: &str| d.get(k).cloned().unwrap_or(Value::Null);
    Ok(json!({
        "file": file.display().to_string(),
        "logged": field("logged"),
        "already_logged": field("already_logged"),
        "email_id": field("email_id"),
        "direction": field("direction"),
        "attributed_to": field("attributed_to"),
        "timeline": field("timeline"),
        "create_contacts": field("create_contacts"),
        "reasons": codes,
    }))
}
