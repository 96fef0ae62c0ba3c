//! The account the sandbox decides with (spec/decide.md's format): its
//! settings (users, team inboxes, deleted contacts, GDPR, the CRM's own
//! addresses, providers, logged threads) live in the database's `meta`
//! table, the never-log list as the text a team shares, and its contacts,
//! companies and deals are the CRM objects themselves. So a contact the
//! extension or an inbox created is a contact for the next decision, and a
//! list saved with `PUT /crmlog/v1/never-log` applies at once.
//!
//! Every rule is the policy engine's; this module only translates between
//! CRM objects and the engine's input.

use super::store::{
    CONTACT_TO_PRIMARY_COMPANY, ContactFacts, DEAL_ID_PROPERTY, LEGAL_BASIS_PROPERTY, SeedContact,
    SeedCounts, SeedDeal, Store, StoreError,
};
use crate::policy::{
    Account, Address, Contact, Deal, Engine, InputError, ListError, NeverLogList, account_from_json,
};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The `meta` key of the account's settings (an [`Account`] without
/// contacts and never-log list, as JSON).
pub const SETTINGS_KEY: &str = "account";
/// The `meta` key of the never-log list (text, one entry a line).
pub const NEVER_LOG_KEY: &str = "never_log";

/// Why the account could not be prepared.
#[derive(Debug)]
pub enum AccountError {
    /// The database failed.
    Store(StoreError),
    /// The stored account is not valid input for the engine (a database
    /// edited by hand).
    Invalid(InputError),
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        AccountError::Store(e)
    }
}

impl std::fmt::Display for AccountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccountError::Store(e) => write!(f, "{e}"),
            AccountError::Invalid(e) => write!(f, "the stored account is not valid: {e}"),
        }
    }
}

impl std::error::Error for AccountError {}

/// The account's settings as stored (empty before the first seed).
pub fn settings(store: &Store) -> Result<Account, StoreError> {
    Ok(store
        .meta(SETTINGS_KEY)?
        .and_then(|text| account_from_json(&text).ok())
        .unwrap_or_default())
}

/// The never-log list as its text (empty when none was saved).
pub fn never_log_text(store: &Store) -> Result<String, StoreError> {
    Ok(store.meta(NEVER_LOG_KEY)?.unwrap_or_default())
}

/// The entries of a list's text: trimmed lines, blank lines and `#`
/// comments skipped, as `NeverLogList::parse_lines` reads them.
fn entries(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Validates a list with the policy's parser (N1) and saves it whole, or
/// saves nothing and returns every bad line.
pub fn save_never_log(store: &Store, text: &str) -> Result<Result<usize, ListError>, StoreError> {
    match NeverLogList::parse_lines(text) {
        Ok(list) => {
            store.set_meta(NEVER_LOG_KEY, text)?;
            Ok(Ok(list.len()))
        }
        Err(e) => Ok(Err(e)),
    }
}

/// A contact of the prepared account and its CRM object ids.
#[derive(Debug, Clone)]
pub struct KnownContact {
    /// The contact's object id.
    pub id: String,
    /// Its primary company's object id and name (O6).
    pub company: Option<(String, String)>,
    /// Its deals: the account's deal id → object id.
    pub deals: HashMap<String, String>,
}

/// The account, ready to decide with, and the way back from the engine's
/// names (addresses, company names, deal ids) to CRM object ids.
pub struct Prepared {
    /// The engine over the stored account.
    pub engine: Engine,
    /// The account's settings (for the CRM's own addresses).
    pub settings: Account,
    /// Contacts by the policy's address key.
    pub contacts: HashMap<String, KnownContact>,
}

impl Prepared {
    /// The contact an address of a decision names.
    pub fn contact(&self, address: &str) -> Option<&KnownContact> {
        self.contacts.get(Address::new(address).key())
    }
}

/// The account's deal id of a deal object: the seeded id, else one made
/// from the object id that no seeded id is likely to equal.
fn deal_key(object: &super::store::Object) -> String {
    object
        .prop(DEAL_ID_PROPERTY)
        .map(str::to_string)
        .unwrap_or_else(|| format!("sandbox-{}", object.id))
}

/// O6 through the CRM objects, read as the logging job reads them through
/// the API (docs/crm.md): the company associated as "Primary"; with a
/// single company and no primary label, that one; otherwise none.
fn primary_company(c: &ContactFacts) -> Option<(String, String)> {
    let companies: Vec<_> = c
        .links
        .iter()
        .filter(|l| l.object.object_type == "companies")
        .collect();
    let chosen = companies
        .iter()
        .find(|l| l.type_id == CONTACT_TO_PRIMARY_COMPANY)
        .or(match companies.as_slice() {
            [only] => Some(only),
            _ => None,
        })?;
    let name = chosen.object.prop("name")?.trim();
    (!name.is_empty()).then(|| (chosen.object.id.clone(), name.to_string()))
}

/// Reads the stored account: settings, never-log list and the CRM's
/// contacts with their companies and deals.
pub fn prepare(store: &Store) -> Result<Prepared, AccountError> {
    let settings = settings(store)?;
    let mut account = settings.clone();
    account.never_log = entries(&never_log_text(store)?);
    let facts = store.contact_facts()?;
    let mut contacts = HashMap::with_capacity(facts.len());
    account.contacts = Vec::with_capacity(facts.len());
    for c in &facts {
        // Contacts the engine could not key (made through the API with an
        // odd address) or that share a key with an earlier one (an IDN
        // domain in both forms) are left out of the account rather than
        // refusing every decision.
        let address = Address::new(&c.email);
        if !address.is_mailbox()
            || address.display.chars().any(char::is_whitespace)
            || contacts.contains_key(address.key())
        {
            continue;
        }
        let company = primary_company(c);
        let mut deals = HashMap::new();
        let mut account_deals = Vec::new();
        for l in c.links.iter().filter(|l| l.object.object_type == "deals") {
            let key = deal_key(&l.object);
            account_deals.push(Deal {
                id: key.clone(),
                open: l.object.prop("hs_is_closed") != Some("true"),
                created: l.object.created_at.clone(),
            });
            deals.insert(key, l.object.id.clone());
        }
        account.contacts.push(Contact {
            email: c.email.clone(),
            legal_basis: c.legal_basis,
            company: company.as_ref().map(|(_, name)| name.clone()),
            deals: account_deals,
        });
        contacts.insert(
            address.into_key(),
            KnownContact {
                id: c.id.clone(),
                company,
                deals,
            },
        );
    }
    let engine = Engine::new(&account).map_err(AccountError::Invalid)?;
    Ok(Prepared {
        engine,
        settings,
        contacts,
    })
}

/// The last prepared account, kept while [`Store::version`] stays the
/// same: a message to an inbox then costs a decision, not a rebuild of the
/// account from every contact. Logging an email leaves the version alone;
/// a new contact, a seed (from any process) or a saved list moves it.
#[derive(Default)]
pub struct AccountCache {
    slot: std::sync::Mutex<Option<Cached>>,
}

/// A prepared account and the [`Store::version`] it was read at.
type Cached = ((i64, u64), std::sync::Arc<Prepared>);

impl AccountCache {
    /// The account as the database holds it now.
    pub fn get(&self, store: &Store) -> Result<std::sync::Arc<Prepared>, AccountError> {
        // One builder at a time; the others then find its result.
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        // The version is read before the account: a write in between makes
        // the next call rebuild, never keeps a stale account.
        let version = store.version()?;
        if let Some((v, prepared)) = slot.as_ref()
            && *v == version
        {
            return Ok(std::sync::Arc::clone(prepared));
        }
        let prepared = std::sync::Arc::new(prepare(store)?);
        *slot = Some((version, std::sync::Arc::clone(&prepared)));
        Ok(prepared)
    }
}

/// Why a seed file was not loaded.
#[derive(Debug)]
pub enum SeedError {
    /// The file is not a valid account (the policy's own message, with the
    /// JSON path of the field and the line when known).
    Invalid(InputError),
    /// The database failed; nothing was stored.
    Store(StoreError),
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SeedError::Invalid(e) => write!(f, "{e}"),
            SeedError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SeedError {}

/// First and last name from an address written `first.last@…` (letters
/// only): the only form that says which is which. Others get no name.
pub fn names_from_address(address: &str) -> Option<(String, String)> {
    let local = address.split('@').next()?;
    let local = local.split('+').next()?;
    let (first, last) = local.split_once('.')?;
    let word = |w: &str| -> Option<String> {
        if w.is_empty() || !w.chars().all(char::is_alphabetic) {
            return None;
        }
        let mut chars = w.chars();
        let head = chars.next()?;
        Some(head.to_uppercase().chain(chars).collect())
    };
    Some((word(first)?, word(last)?))
}

/// Loads an account file (decide.md's format) into the database: the
/// settings, the never-log list, and contacts, companies and deals as CRM
/// objects. The file is checked by the policy's own reader and engine
/// first, so a file `crmlog decide` refuses is refused here with the same
/// message, and nothing is stored. Loading the same file again changes
/// nothing.
pub fn seed(store: &Store, text: &str, now: &str) -> Result<SeedCounts, SeedError> {
    let account = account_from_json(text).map_err(SeedError::Invalid)?;
    Engine::new(&account).map_err(SeedError::Invalid)?;

    let mut contacts = Vec::with_capacity(account.contacts.len());
    for (i, c) in account.contacts.iter().enumerate() {
        let mut properties = Map::new();
        if let Some((first, last)) = names_from_address(&c.email) {
            properties.insert("firstname".into(), Value::String(first));
            properties.insert("lastname".into(), Value::String(last));
        }
        properties.insert(
            LEGAL_BASIS_PROPERTY.into(),
            Value::String(c.legal_basis.to_string()),
        );
        let mut deals = Vec::with_capacity(c.deals.len());
        for (j, d) in c.deals.iter().enumerate() {
            // The engine accepted the date, so this only fails for dates
            // past what the sandbox can write (year 10000 and on).
            let created = super::rfc3339_to_unix_millis(&d.created)
                .map(super::rfc3339_from_unix_millis)
                .ok_or_else(|| {
                    SeedError::Invalid(InputError {
                        path: format!("contacts[{i}].deals[{j}].created"),
                        message: "is not an RFC 3339 date-time the sandbox can store".into(),
                        line: None,
                    })
                })?;
            deals.push(SeedDeal {
                id: d.id.clone(),
                open: d.open,
                created,
            });
        }
        contacts.push(SeedContact {
            email: c.email.trim().to_lowercase(),
            properties,
            company: c
                .company
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            deals,
        });
    }

    let mut settings = account.clone();
    settings.contacts = Vec::new();
    settings.never_log = Vec::new();
    let settings_json = serde_json::to_string(&settings).map_err(|e| {
        SeedError::Invalid(InputError {
            path: String::new(),
            message: e.to_string(),
            line: None,
        })
    })?;
    let mut never_log = account.never_log.join("\n");
    if !never_log.is_empty() {
        never_log.push('\n');
    }
    store
        .seed(
            &[(SETTINGS_KEY, settings_json), (NEVER_LOG_KEY, never_log)],
            &contacts,
            now,
        )
        .map_err(SeedError::Store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_only_from_first_dot_last() {
        assert_eq!(
            names_from_address("jana.novak@kunde.example"),
            Some(("Jana".into(), "Novak".into()))
        );
        assert_eq!(
            names_from_address("émile.zola+x@a.example"),
            Some(("Émile".into(), "Zola".into()))
        );
        assert_eq!(names_from_address("bob@client.example"), None);
        assert_eq!(names_from_address("a.b.c@client.example"), None);
        assert_eq!(names_from_address("j2.x@client.example"), None);
        assert_eq!(names_from_address(".x@client.example"), None);
    }

    #[test]
    fn list_entries_skip_blanks_and_comments() {
        assert_eq!(
            entries("# team list\n\n rival.example \n*.press.example\n"),
            vec!["rival.example", "*.press.example"]
        );
    }
}
