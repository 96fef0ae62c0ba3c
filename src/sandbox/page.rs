//! The page at `/`: what the sandbox CRM holds, so a person trying crmlog
//! can see what was logged — each contact's timeline with every email's
//! direction, companies and deals — and which messages the BCC and
//! forwarding inboxes did not log, and why. Everything from the database is
//! HTML-escaped.

use super::Sandbox;
use super::api::contact_timeline;
use super::http::Response;
use super::store::{Object, StoreError};

/// Contacts listed on the page; a trial account has far fewer.
const MAX_CONTACTS: usize = 1000;
/// Inbox messages listed on the page, newest first.
const MAX_INGESTIONS: usize = 100;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A direction as a person reads it (spec/crm-api.md's values).
pub fn direction_label(direction: &str) -> &'static str {
    match direction {
        "EMAIL" => "sent",
        "INCOMING_EMAIL" => "received",
        "FORWARDED_EMAIL" => "forwarded",
        _ => "unknown direction",
    }
}

/// One sentence per reason code of spec/logging-rules.md, for the list of
/// messages the inboxes did not log. The codes are the contract; these
/// sentences only explain them.
pub fn explain(code: &str) -> &'static str {
    match code {
        "log_toggle_off" => "Log was off when the email was sent.",
        "never_log_address" => "An address is on the never-log list.",
        "never_log_domain" => "A domain is on the never-log list.",
        "internal_recipient" => "The only recipients are users or team inboxes of the account.",
        "body_too_large" => "The body is larger than 2 MB.",
        "contact_deleted" => "The contact was permanently deleted.",
        "no_legal_basis" => "GDPR is on and the contact has no legal basis to communicate.",
        "no_email_access" => "The user has no email access permission.",
        "sender_not_authorized" => {
            "The sender is not a user, connected inbox, alias or team inbox of the account."
        }
        "original_not_logged" => "The thread's first email was not logged.",
        "inbox_disconnected" => "The inbox is no longer connected.",
        "reply_to_other_inbox" => "The reply went to another inbox than the thread's.",
        "sender_not_contact" => "The sender is not a contact.",
        "spam_folder" => "The message is in the Spam or Junk folder.",
        "not_in_inbox_folder" => "The message is not in the Inbox folder.",
        "team_thread_switched" => "A team-inbox thread was answered from a personal inbox.",
        "provider_changed" => "The inbox was reconnected with another provider.",
        "new_thread_from_non_contact" => "A new thread from someone who is not a contact.",
        "wrong_provider" => "The inbox is connected with the wrong provider.",
        "forward_header_missing" => {
            "The forwarded message's header block (at least the original sender) was not found."
        }
        "forward_missing_part" => "The forward lacks its HTML or its plain-text part.",
        "unsupported_language" => "The forwarded block is in a language crmlog cannot read yet.",
        "attachment_too_large" => "An attachment over 50 MB was left out.",
        _ => "",
    }
}

const STYLE: &str = "body{font:15px/1.4 system-ui,sans-serif;margin:2em;max-width:62em}\
h2{margin-top:1.5em;border-bottom:1px solid #ccc}\
.email{border-left:3px solid #2a7;padding:.2em .8em;margin:.6em 0}\
.email.received{border-color:#27a}.email.forwarded{border-color:#a72}\
.meta{color:#555;font-size:90%}.tag{display:inline-block;background:#eee;border-radius:3px;\
padding:0 .4em;margin-right:.3em;font-size:85%}\
table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;\
text-align:left;vertical-align:top}.no{color:#a22}.yes{color:#272}";

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Renders the page.
pub fn render(sandbox: &Sandbox) -> Response {
    let mut body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>crmlog sandbox CRM</title><style>{STYLE}</style></head><body>\
         <h1>crmlog sandbox CRM</h1>"
    );
    match sections(sandbox, &mut body) {
        Ok(()) => {}
        Err(e) => {
            eprintln!("sandbox: {e}");
            body.push_str("<p>The database could not be read.</p>");
        }
    }
    body.push_str("</body></html>");
    Response::html(body)
}

fn sections(sandbox: &Sandbox, body: &mut String) -> Result<(), StoreError> {
    let store = &sandbox.store;
    let contacts = store.list("contacts", 0, MAX_CONTACTS)?;
    let settings = super::account::settings(store)?;
    let never_log = super::account::never_log_text(store)?;
    let entries = never_log
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count();
    body.push_str(&format!(
        "<p>{}, {}, {}, {}. Account: {}, {}, {}.</p>",
        count(store.count("contacts")?, "contact", "contacts"),
        count(store.count("companies")?, "company", "companies"),
        count(store.count("deals")?, "deal", "deals"),
        count(store.count("emails")?, "logged email", "logged emails"),
        count(settings.users.len() as u64, "user", "users"),
        count(
            settings.team_inboxes.len() as u64,
            "team inbox",
            "team inboxes"
        ),
        count(entries as u64, "never-log entry", "never-log entries"),
    ));
    let own = [
        ("BCC address", &settings.bcc_address),
        ("forwarding address", &settings.forwarding_address),
    ];
    let own: Vec<String> = own
        .iter()
        .filter_map(|(what, a)| {
            a.as_ref()
                .map(|a| format!("{what} <code>{}</code>", escape(a)))
        })
        .collect();
    if !own.is_empty() {
        body.push_str(&format!("<p class=\"meta\">{}.</p>", own.join(", ")));
    }

    inbox_section(sandbox, body)?;

    body.push_str("<h2>Contacts</h2>");
    if contacts.is_empty() {
        body.push_str("<p class=\"meta\">No contacts yet.</p>");
    }
    for contact in &contacts {
        contact_section(sandbox, contact, body)?;
    }
    Ok(())
}

/// The BCC and forwarding inboxes' recent messages: logged or not, and
/// why. The records hold no address and no content (N5), so neither does
/// this table.
fn inbox_section(sandbox: &Sandbox, body: &mut String) -> Result<(), StoreError> {
    let records = sandbox.store.ingestions(MAX_INGESTIONS)?;
    if records.is_empty() {
        return Ok(());
    }
    body.push_str(
        "<h2>BCC and forwarding inboxes</h2><table><tr><th>received</th><th>inbox</th>\
         <th>message date</th><th>outcome</th><th>why</th></tr>",
    );
    for r in &records {
        let outcome = match r.outcome.as_str() {
            "logged" => "<span class=\"yes\">logged</span>".to_string(),
            "duplicate" => "<span class=\"yes\">already logged</span>".to_string(),
            _ => "<span class=\"no\">not logged</span>".to_string(),
        };
        let outcome = match &r.email_id {
            Some(id) => format!("{outcome} <span class=\"meta\">email {}</span>", escape(id)),
            None => outcome,
        };
        let why: Vec<String> = r
            .reasons
            .iter()
            .map(|(code, rule)| {
                format!(
                    "<span class=\"tag\">{} ({})</span>{}",
                    escape(code),
                    escape(rule),
                    escape(explain(code))
                )
            })
            .collect();
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.at),
            escape(&r.kind),
            escape(r.message_date.as_deref().unwrap_or("")),
            outcome,
            why.join("<br>")
        ));
    }
    body.push_str("</table>");
    Ok(())
}

fn contact_section(
    sandbox: &Sandbox,
    contact: &Object,
    body: &mut String,
) -> Result<(), StoreError> {
    let store = &sandbox.store;
    let email = contact.prop("email").unwrap_or_default();
    let name = [contact.prop("firstname"), contact.prop("lastname")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    // The anchor is where crmlog's Logged badge links (crm::settings).
    body.push_str(&format!(
        "<section id=\"contact-{}\"><h3>{} <span class=\"meta\">&lt;{}&gt;</span></h3>",
        escape(&contact.id),
        escape(&name),
        escape(email)
    ));
    let mut facts = Vec::new();
    for (id, type_id) in store.associated(&contact.id, "companies")? {
        if let Some(c) = store.get("companies", &id)? {
            let primary = if type_id == super::store::CONTACT_TO_PRIMARY_COMPANY {
                " (primary)"
            } else {
                ""
            };
            facts.push(format!(
                "company {}{primary}",
                escape(c.prop("name").unwrap_or(&c.id))
            ));
        }
    }
    let deals = store.associated(&contact.id, "deals")?.len();
    if deals > 0 {
        facts.push(count(deals as u64, "deal", "deals"));
    }
    if contact.prop(super::store::LEGAL_BASIS_PROPERTY) == Some("true") {
        facts.push("legal basis".into());
    }
    if !facts.is_empty() {
        body.push_str(&format!("<p class=\"meta\">{}</p>", facts.join(" · ")));
    }
    match contact_timeline(sandbox, email)? {
        Some((_, emails)) if !emails.is_empty() => {
            for e in emails {
                email_entry(sandbox, &e, body)?;
            }
        }
        _ => body.push_str("<p class=\"meta\">No logged emails.</p>"),
    }
    body.push_str("</section>");
    Ok(())
}

fn email_entry(sandbox: &Sandbox, e: &Object, body: &mut String) -> Result<(), StoreError> {
    let store = &sandbox.store;
    let direction = direction_label(e.prop("hs_email_direction").unwrap_or_default());
    let mut meta = vec![
        escape(e.prop("hs_timestamp").unwrap_or_default()),
        direction.to_string(),
    ];
    match e.prop(super::inbox::SOURCE_PROPERTY) {
        Some("bcc") => meta.push("through the BCC address".into()),
        Some("forward") => meta.push("through the forwarding address".into()),
        _ => meta.push("through the API".into()),
    }
    if let Some(user) = e.prop(super::inbox::ATTRIBUTED_PROPERTY) {
        meta.push(format!("attributed to {}", escape(user)));
    }
    let mut tags = Vec::new();
    for (id, _) in store.associated(&e.id, "companies")? {
        if let Some(c) = store.get("companies", &id)? {
            tags.push(format!(
                "<span class=\"tag\">company {}</span>",
                escape(c.prop("name").unwrap_or(&c.id))
            ));
        }
    }
    for (id, _) in store.associated(&e.id, "deals")? {
        if let Some(d) = store.get("deals", &id)? {
            let state = if d.prop("hs_is_closed") == Some("true") {
                "closed"
            } else {
                "open"
            };
            tags.push(format!(
                "<span class=\"tag\">deal {} ({state})</span>",
                escape(d.prop("dealname").unwrap_or(&d.id))
            ));
        }
    }
    body.push_str(&format!(
        "<div class=\"email {direction}\"><strong>{}</strong><div class=\"meta\">{}</div>{}<p>{}</p></div>",
        escape(e.prop("hs_email_subject").unwrap_or("(no subject)")),
        meta.join(" · "),
        if tags.is_empty() {
            String::new()
        } else {
            format!("<div>{}</div>", tags.join(""))
        },
        escape(e.prop("hs_email_text").unwrap_or_default())
    ));
    Ok(())
}
