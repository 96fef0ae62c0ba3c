//! `GET/PUT /crmlog/v1/never-log`: a team's shared list, read by the
//! policy's own parser (N1: a bad line refuses the whole list, naming the
//! line, and nothing is saved in part), applied at once to the inboxes.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod sandbox_common;

use sandbox_common::*;

const PATH: &str = "/crmlog/v1/never-log";

fn get(url: &str) -> Answer {
    call(url, "GET", PATH, Some(TOKEN), None)
}

fn put(url: &str, text: &[u8]) -> Answer {
    call(url, "PUT", PATH, Some(TOKEN), Some(text))
}

#[test]
fn a_saved_list_is_returned_as_written() {
    let sb = start(None);
    let empty = get(&sb.url);
    assert_eq!(empty.status, 200);
    assert!(empty.content_type.starts_with("text/plain"));
    assert_eq!(empty.body, "");
    let text = "# Acme's list\n\nrival.example\n  CEO@Client.example  \n*.press.example\n@münchen.example\n";
    let saved = put(&sb.url, text.as_bytes());
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.json()["entries"], 4);
    assert_eq!(get(&sb.url).body, text);
    // An empty list clears it.
    assert_eq!(put(&sb.url, b"").json()["entries"], 0);
    assert_eq!(get(&sb.url).body, "");
}

#[test]
fn a_bad_line_refuses_the_whole_list_naming_every_bad_line() {
    let sb = start(None);
    assert_eq!(put(&sb.url, b"rival.example\n").status, 200);
    let bad = put(
        &sb.url,
        b"other.example\n*client.example\nfine@client.example\nbob@\nhas space.example\n",
    );
    assert_eq!(bad.status, 400);
    let e = bad.json();
    assert_eq!(e["status"], "error");
    assert_eq!(e["category"], "VALIDATION_ERROR");
    assert_eq!(e["correlationId"].as_str().unwrap().len(), 36);
    let errors = e["errors"].as_array().unwrap();
    let lines: Vec<&str> = errors.iter().map(|x| x["in"].as_str().unwrap()).collect();
    assert_eq!(lines, ["line 2", "line 4", "line 5"]);
    assert!(
        errors
            .iter()
            .all(|x| x["code"] == "INVALID_NEVER_LOG_ENTRY")
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("\"*client.example\"")
    );
    assert!(e["message"].as_str().unwrap().contains("line 2"));
    // Nothing saved in part.
    assert_eq!(get(&sb.url).body, "rival.example\n");

    let not_utf8 = put(&sb.url, b"rival.example\n\xff\xfe\n");
    assert_eq!(not_utf8.status, 400);
    assert_eq!(not_utf8.json()["category"], "VALIDATION_ERROR");
    assert_eq!(get(&sb.url).body, "rival.example\n");
}

#[test]
fn the_list_needs_the_token_and_knows_its_methods() {
    let sb = start(None);
    let anonymous = call(&sb.url, "GET", PATH, None, None);
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["category"], "INVALID_AUTHENTICATION");
    let anonymous_put = call(&sb.url, "PUT", PATH, Some("wrong"), Some(b"x.example"));
    assert_eq!(anonymous_put.status, 401);
    assert_eq!(get(&sb.url).body, "");
    let post = call(&sb.url, "POST", PATH, Some(TOKEN), Some(b"x.example"));
    assert_eq!(post.status, 405);
}

#[test]
fn a_saved_list_applies_to_the_next_message() {
    let sb = start(Some(&example_account()));
    let fwd = std::fs::read(fixture("decide-examples/04-forward-german-gmail/fwd.eml")).unwrap();
    assert_eq!(put(&sb.url, b"kunde.example\n").status, 200);
    let refused = ingest(&sb.url, "forward", &fwd);
    assert_eq!(refused.status, 200, "{}", refused.body);
    let d = refused.json();
    assert_eq!(d["logged"], false);
    assert_eq!(d["reasons"][0]["code"], "never_log_domain");
    assert_eq!(d["reasons"][0]["rule"], "F4");
    assert!(list(&sb.url, "contacts").len() == 2);
    // The list replaced the seeded one: the sender is loggable again.
    assert_eq!(put(&sb.url, b"rival.example\n").status, 200);
    let logged = ingest(&sb.url, "forward", &fwd);
    assert_eq!(logged.status, 201, "{}", logged.body);
}
