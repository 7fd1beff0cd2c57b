//! The wire types of RFC 8555 (and RFC 8738 / RFC 9773 where noted). Status
//! enums are matched exhaustively everywhere so a new status forces a review.

use serde::{Deserialize, Serialize};
use std::fmt;

/// RFC 8555 §7.1.1.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    pub new_nonce: String,
    pub new_account: String,
    pub new_order: String,
    #[serde(default)]
    pub revoke_cert: Option<String>,
    #[serde(default)]
    pub key_change: Option<String>,
    /// RFC 9773 §4.
    #[serde(default)]
    pub renewal_info: Option<String>,
    #[serde(default)]
    pub meta: Option<DirectoryMeta>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryMeta {
    #[serde(default)]
    pub terms_of_service: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub caa_identities: Vec<String>,
    #[serde(default)]
    pub external_account_required: bool,
    /// Let's Encrypt's profiles extension: name -> description.
    #[serde(default)]
    pub profiles: std::collections::BTreeMap<String, String>,
}

/// RFC 8555 §9.7.7 (dns) and RFC 8738 (ip).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub struct Identifier {
    #[serde(rename = "type")]
    pub kind: IdentifierKind,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentifierKind {
    Dns,
    Ip,
}

impl Identifier {
    /// Classifies a user-supplied name: IP literals become `ip` identifiers.
    pub fn from_name(name: &str) -> Identifier {
        match name.parse::<std::net::IpAddr>() {
            Ok(ip) => Identifier {
                kind: IdentifierKind::Ip,
                value: ip.to_string(),
            },
            Err(_) => Identifier {
                kind: IdentifierKind::Dns,
                value: name.to_string(),
            },
        }
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// RFC 8555 §7.1.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    Valid,
    Deactivated,
    Revoked,
}

/// RFC 8555 §7.1.2.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountResource {
    pub status: AccountStatus,
    #[serde(default)]
    pub contact: Vec<String>,
    #[serde(default)]
    pub orders: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    Pending,
    Ready,
    Processing,
    Valid,
    Invalid,
}

/// RFC 8555 §7.1.3.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub status: OrderStatus,
    #[serde(default)]
    pub expires: Option<String>,
    pub identifiers: Vec<Identifier>,
    #[serde(default)]
    pub authorizations: Vec<String>,
    pub finalize: String,
    #[serde(default)]
    pub certificate: Option<String>,
    #[serde(default)]
    pub error: Option<Problem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorizationStatus {
    Pending,
    Valid,
    Invalid,
    Deactivated,
    Expired,
    Revoked,
}

/// RFC 8555 §7.1.4.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    pub identifier: Identifier,
    pub status: AuthorizationStatus,
    #[serde(default)]
    pub expires: Option<String>,
    #[serde(default)]
    pub challenges: Vec<Challenge>,
    #[serde(default)]
    pub wildcard: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChallengeStatus {
    Pending,
    Processing,
    Valid,
    Invalid,
}

/// The challenge types certwright can answer; others are kept by name so an
/// authorization offering e.g. tls-alpn-01 still parses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub enum ChallengeType {
    #[serde(rename = "http-01")]
    Http01,
    #[serde(rename = "dns-01")]
    Dns01,
    #[serde(rename = "tls-alpn-01")]
    TlsAlpn01,
    /// draft-ietf-acme-dns-persist-01.
    #[serde(rename = "dns-persist-01")]
    DnsPersist01,
    #[serde(untagged)]
    Other(String),
}

impl fmt::Display for ChallengeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChallengeType::Http01 => "http-01",
            ChallengeType::Dns01 => "dns-01",
            ChallengeType::TlsAlpn01 => "tls-alpn-01",
            ChallengeType::DnsPersist01 => "dns-persist-01",
            ChallengeType::Other(s) => s,
        })
    }
}

/// RFC 8555 §8.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    #[serde(rename = "type")]
    pub kind: ChallengeType,
    pub url: String,
    pub status: ChallengeStatus,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub error: Option<Problem>,
    /// dns-persist-01 (draft-ietf-acme-dns-persist-01 §3.1): the account
    /// the record must name.
    #[serde(
        default,
        rename = "accounturi",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_uri: Option<String>,
    /// dns-persist-01: the issuer domain names the record may use.
    #[serde(
        default,
        rename = "issuer-domain-names",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub issuer_domain_names: Vec<String>,
}

/// RFC 8555 §6.7 / RFC 7807 problem document, shown to the user in full.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub identifier: Option<Identifier>,
    #[serde(default)]
    pub subproblems: Vec<Problem>,
}

pub const ACME_ERROR_PREFIX: &str = "urn:ietf:params:acme:error:";

impl Problem {
    /// The short ACME error name (`badNonce`, `rateLimited`, ...) if the type
    /// is in the ACME namespace.
    pub fn acme_type(&self) -> Option<&str> {
        self.kind.as_deref()?.strip_prefix(ACME_ERROR_PREFIX)
    }

    pub fn is(&self, acme_type: &str) -> bool {
        self.acme_type() == Some(acme_type)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind.as_deref().unwrap_or("about:blank");
        match &self.detail {
            Some(detail) => write!(f, "{detail} ({kind})")?,
            None => write!(f, "{kind}")?,
        }
        for sub in &self.subproblems {
            write!(f, "\n  - ")?;
            if let Some(id) = &sub.identifier {
                write!(f, "{}: ", id.value)?;
            }
            write!(f, "{sub}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc8555_order_example() {
        // RFC 8555 §7.1.3
        let order: Order = serde_json::from_str(
            r#"{
             "status": "valid",
             "expires": "2016-01-20T14:09:07.99Z",
             "identifiers": [
               { "type": "dns", "value": "www.example.org" },
               { "type": "dns", "value": "example.org" }
             ],
             "notBefore": "2016-01-01T00:00:00Z",
             "notAfter": "2016-01-08T00:00:00Z",
             "authorizations": [
               "https://example.com/acme/authz/PAniVnsZcis",
               "https://example.com/acme/authz/r4HqLzrSrpI"
             ],
             "finalize": "https://example.com/acme/order/TOlocE8rfgo/finalize",
             "certificate": "https://example.com/acme/cert/mAt3xBGaobw"
           }"#,
        )
        .unwrap();
        assert_eq!(order.status, OrderStatus::Valid);
        assert_eq!(order.authorizations.len(), 2);
    }

    #[test]
    fn parses_rfc8555_authorization_example_with_unknown_challenge() {
        // RFC 8555 §7.1.4, plus a challenge type certwright does not know.
        let authz: Authorization = serde_json::from_str(
            r#"{
             "status": "valid",
             "expires": "2015-03-01T14:09:07.99Z",
             "identifier": { "type": "dns", "value": "www.example.org" },
             "challenges": [
               { "url": "https://example.com/acme/chall/prV_B7yEyA4",
                 "type": "http-01", "status": "valid",
                 "token": "DGyRejmCefe7v4NfDGDKfA",
                 "validated": "2014-12-01T12:05:58.16Z" },
               { "url": "https://example.com/acme/chall/x", "type": "onion-csr-01",
                 "status": "pending" }
             ],
             "wildcard": false
           }"#,
        )
        .unwrap();
        assert_eq!(authz.challenges[0].kind, ChallengeType::Http01);
        assert_eq!(
            authz.challenges[1].kind,
            ChallengeType::Other("onion-csr-01".into())
        );
    }

    #[test]
    fn problem_shows_type_detail_and_subproblems() {
        // RFC 8555 §6.7.1
        let p: Problem = serde_json::from_str(
            r#"{
           "type": "urn:ietf:params:acme:error:malformed",
           "detail": "Some of the identifiers requested were rejected",
           "subproblems": [
             { "type": "urn:ietf:params:acme:error:malformed",
               "detail": "Invalid underscore in DNS name \"_example.org\"",
               "identifier": { "type": "dns", "value": "_example.org" } },
             { "type": "urn:ietf:params:acme:error:rejectedIdentifier",
               "detail": "This CA will not issue for \"example.net\"",
               "identifier": { "type": "dns", "value": "example.net" } }
           ]
         }"#,
        )
        .unwrap();
        assert!(p.is("malformed"));
        let shown = p.to_string();
        assert_eq!(
            shown,
            "Some of the identifiers requested were rejected (urn:ietf:params:acme:error:malformed)\n  \
             - _example.org: Invalid underscore in DNS name \"_example.org\" (urn:ietf:params:acme:error:malformed)\n  \
             - example.net: This CA will not issue for \"example.net\" (urn:ietf:params:acme:error:rejectedIdentifier)"
        );
    }

    #[test]
    fn ip_identifiers_are_recognised() {
        assert_eq!(Identifier::from_name("192.0.2.1").kind, IdentifierKind::Ip);
        assert_eq!(Identifier::from_name("::1").kind, IdentifierKind::Ip);
        assert_eq!(
            Identifier::from_name("example.com").kind,
            IdentifierKind::Dns
        );
    }
}
