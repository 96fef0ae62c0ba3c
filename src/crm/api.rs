//! Request and response shapes of the HubSpot-compatible API
//! (spec/crm-api.md). Shared by the client (extension and native) and the
//! sandbox CRM, so that both sides agree by construction.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The date version of the object paths; v3 paths are an alias the sandbox
/// also answers. Kept in one place because HubSpot retires v3 in 2027.
pub const API_VERSION: &str = "2026-03";

/// Association type id email → contact (HubSpot-defined).
pub const EMAIL_TO_CONTACT: u32 = 198;
/// Association type id email → company (HubSpot-defined).
pub const EMAIL_TO_COMPANY: u32 = 186;
/// Association type id email → deal (HubSpot-defined).
pub const EMAIL_TO_DEAL: u32 = 210;

/// The custom email property that carries the tracking id, so that a retry
/// after an uncertain failure finds the first copy (no idempotency key in
/// HubSpot).
pub const TRACKING_PROPERTY: &str = "crmlog_tracking_id";

/// The path of an object collection in the date-versioned form, e.g.
/// `/crm/objects/2026-03/emails`.
pub fn objects_path(object: &str) -> String {
    format!("/crm/objects/{API_VERSION}/{object}")
}

/// HTTP methods the client uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
}

impl Method {
    /// The method name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// One request to the CRM, without the base URL and credentials, which the
/// transport adds (the token never enters the core).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Path and query, starting with `/`.
    pub path: String,
    /// JSON body, if any.
    pub body: Option<String>,
}

/// One response from the CRM, as the transport received it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header fields (names lower-cased by the transport).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl HttpResponse {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A party in `hs_email_headers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderParty {
    /// Address.
    pub email: String,
    /// First name, when the display name gave one.
    #[serde(rename = "firstName", skip_serializing_if = "Option::is_none", default)]
    pub first_name: Option<String>,
    /// Last name, when the display name gave one.
    #[serde(rename = "lastName", skip_serializing_if = "Option::is_none", default)]
    pub last_name: Option<String>,
}

impl HeaderParty {
    /// A party from an address and an optional display name; the name is
    /// split at its last space into first and last name, as HubSpot shows
    /// it.
    pub fn new(email: &str, name: Option<&str>) -> HeaderParty {
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        let (first_name, last_name) = match name {
            None => (None, None),
            Some(n) => match n.rsplit_once(' ') {
                Some((first, last)) => (Some(first.trim().to_string()), Some(last.to_string())),
                None => (Some(n.to_string()), None),
            },
        };
        HeaderParty {
            email: email.to_string(),
            first_name,
            last_name,
        }
    }
}

/// The JSON document stored (as a string) in `hs_email_headers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailHeaders {
    /// Sender.
    pub from: HeaderParty,
    /// To recipients.
    #[serde(default)]
    pub to: Vec<HeaderParty>,
    /// Cc recipients.
    #[serde(default)]
    pub cc: Vec<HeaderParty>,
    /// Bcc recipients.
    #[serde(default)]
    pub bcc: Vec<HeaderParty>,
}

/// `{"id": …}` inside an association.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    /// Object id.
    pub id: String,
}

/// An association type in a create call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssociationType {
    /// `HUBSPOT_DEFINED` for the ids used here.
    #[serde(rename = "associationCategory")]
    pub category: String,
    /// Type id, e.g. [`EMAIL_TO_CONTACT`].
    #[serde(rename = "associationTypeId")]
    pub type_id: u32,
}

/// An association given with an object create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    /// The associated object.
    pub to: ObjectRef,
    /// Its types.
    pub types: Vec<AssociationType>,
}

impl Association {
    /// A HubSpot-defined association to object `id`.
    pub fn hubspot_defined(id: &str, type_id: u32) -> Association {
        Association {
            to: ObjectRef { id: id.to_string() },
            types: vec![AssociationType {
                category: "HUBSPOT_DEFINED".to_string(),
                type_id,
            }],
        }
    }
}

/// The body of an object create (`POST …/emails`, `…/contacts`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectCreate {
    /// Properties by name.
    pub properties: BTreeMap<String, String>,
    /// Associations made with the create.
    #[serde(default)]
    pub associations: Vec<Association>,
}

/// An object as the CRM returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrmObject {
    /// Object id.
    pub id: String,
    /// Properties by name (HubSpot returns null for unset ones).
    #[serde(default)]
    pub properties: BTreeMap<String, Option<String>>,
    /// Creation time, RFC 3339.
    #[serde(rename = "createdAt", default)]
    pub created_at: String,
    /// Last update, RFC 3339.
    #[serde(rename = "updatedAt", default)]
    pub updated_at: String,
    /// Whether archived.
    #[serde(default)]
    pub archived: bool,
}

impl CrmObject {
    /// A property's value, when set.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).and_then(|v| v.as_deref())
    }
}

/// `{"inputs": [...]}` of batch calls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchInput<T> {
    /// The inputs.
    pub inputs: Vec<T>,
}

/// Body of `POST …/contacts/batch/read`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchReadRequest {
    /// The property the ids are values of (`email`).
    #[serde(
        rename = "idProperty",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub id_property: Option<String>,
    /// The ids.
    pub inputs: Vec<ObjectRef>,
    /// Properties to return.
    #[serde(default)]
    pub properties: Vec<String>,
}

/// Result of a batch call (`status` is `COMPLETE`; missing ids are listed
/// under `errors` as HubSpot does, with the batch answered 207).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchResult {
    /// `COMPLETE`.
    pub status: String,
    /// Objects found or created.
    pub results: Vec<CrmObject>,
    /// Per-input errors, e.g. ids not found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorDetail>,
}

/// One associated object in a v4 association read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssociatedObject {
    /// The associated object's id (a number in HubSpot's answer).
    #[serde(rename = "toObjectId")]
    pub to_object_id: u64,
    /// The association's types.
    #[serde(rename = "associationTypes", default)]
    pub association_types: Vec<AssociationTypeRead>,
}

/// An association type in a v4 read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssociationTypeRead {
    /// `HUBSPOT_DEFINED`, `USER_DEFINED`, …
    pub category: String,
    /// The type id (contact → company 1 is "Primary").
    #[serde(rename = "typeId")]
    pub type_id: u32,
    /// The label, when the type has one.
    #[serde(default)]
    pub label: Option<String>,
}

/// `GET /crm/associations/v4/objects/{type}/{id}/associations/{toType}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssociationResults {
    /// The associated objects.
    pub results: Vec<AssociatedObject>,
}

/// A search filter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// Property name.
    #[serde(rename = "propertyName")]
    pub property_name: String,
    /// `EQ` or `IN`.
    pub operator: String,
    /// The value for `EQ`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<String>,
    /// The values for `IN`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub values: Option<Vec<String>>,
}

/// A group of filters, all of which must hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilterGroup {
    /// The filters.
    pub filters: Vec<Filter>,
}

/// Body of `POST …/search`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Groups, any of which may match (at most 6).
    #[serde(rename = "filterGroups", default)]
    pub filter_groups: Vec<FilterGroup>,
    /// Properties to return.
    #[serde(default)]
    pub properties: Vec<String>,
    /// Page size (at most 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// Result of a search or list call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// Total matches (search only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// The objects.
    pub results: Vec<CrmObject>,
}

/// One entry of `errors` in HubSpot's error shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// What is wrong.
    pub message: String,
    /// Machine code, e.g. `OBJECT_NOT_FOUND`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Where, e.g. `email`.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// HubSpot's error body. Most errors carry `category`; the 401 and the 429
/// bodies carry `status: "error"`, and the 429 body `errorType` and
/// `policyName` as well.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// `error` on 401/429 bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// A human message.
    pub message: String,
    /// Correlation id to quote to support.
    #[serde(rename = "correlationId")]
    pub correlation_id: String,
    /// E.g. `VALIDATION_ERROR`, `INVALID_AUTHENTICATION`, `OBJECT_NOT_FOUND`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `RATE_LIMIT` on 429.
    #[serde(rename = "errorType", default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// The rate-limit policy hit, on 429.
    #[serde(
        rename = "policyName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub policy_name: Option<String>,
    /// Details.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorDetail>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_party_splits_display_name() {
        let p = HeaderParty::new("anna@acme.example", Some("Anna K"));
        assert_eq!(p.first_name.as_deref(), Some("Anna"));
        assert_eq!(p.last_name.as_deref(), Some("K"));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"email":"anna@acme.example","firstName":"Anna","lastName":"K"}"#
        );
        let bare = HeaderParty::new("bob@client.example", Some("  "));
        assert_eq!(
            serde_json::to_string(&bare).unwrap(),
            r#"{"email":"bob@client.example"}"#
        );
    }

    #[test]
    fn association_matches_spec_shape() {
        let a = Association::hubspot_defined("123", EMAIL_TO_CONTACT);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"to":{"id":"123"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":198}]}"#
        );
    }
}
