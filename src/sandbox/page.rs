//! The page at `/`: contacts and each contact's timeline, so a person
//! trying crmlog can see what was logged. Everything from the database is
//! HTML-escaped.

use super::Sandbox;
use super::api::contact_timeline;
use super::http::Response;

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

/// Renders the page.
pub fn render(sandbox: &Sandbox) -> Response {
    let mut body = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>crmlog sandbox CRM</title><style>\
         body{font:15px/1.4 system-ui,sans-serif;margin:2em;max-width:60em}\
         h2{margin-top:1.5em;border-bottom:1px solid #ccc}\
         .email{border-left:3px solid #2a7;padding:.2em .8em;margin:.6em 0}\
         .meta{color:#555;font-size:90%}</style></head><body>\
         <h1>crmlog sandbox CRM</h1>",
    );
    let contacts = match sandbox.store.list("contacts", 0, 1000) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sandbox: {e}");
            return Response::html(format!(
                "{body}<p>The database could not be read.</p></body></html>"
            ));
        }
    };
    let emails = sandbox.store.count("emails").unwrap_or_default();
    body.push_str(&format!(
        "<p>{} contacts, {} logged emails.</p>",
        contacts.len(),
        emails
    ));
    for contact in &contacts {
        let email = contact.prop("email").unwrap_or_default();
        let name = [contact.prop("firstname"), contact.prop("lastname")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        body.push_str(&format!(
            "<section><h2>{} <span class=\"meta\">&lt;{}&gt;</span></h2>",
            escape(&name),
            escape(email)
        ));
        match contact_timeline(sandbox, email) {
            Ok(Some((_, emails))) if !emails.is_empty() => {
                for e in emails {
                    body.push_str(&format!(
                        "<div class=\"email\"><strong>{}</strong><div class=\"meta\">{} · {}</div><p>{}</p></div>",
                        escape(e.prop("hs_email_subject").unwrap_or("(no subject)")),
                        escape(e.prop("hs_timestamp").unwrap_or_default()),
                        escape(e.prop("hs_email_direction").unwrap_or_default()),
                        escape(e.prop("hs_email_text").unwrap_or_default())
                    ));
                }
            }
            Ok(_) => body.push_str("<p class=\"meta\">No logged emails.</p>"),
            Err(e) => {
                eprintln!("sandbox: {e}");
                body.push_str("<p>The timeline could not be read.</p>");
            }
        }
        body.push_str("</section>");
    }
    body.push_str("</body></html>");
    Response::html(body)
}
