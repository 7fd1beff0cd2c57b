//! The CA answers for exactly the names that were asked for (RFC 8555
//! §7.1.3, §7.1.4, §7.4): an order listing other identifiers, or an
//! authorization for a name not requested, is refused before any challenge
//! is presented, so a hostile or broken CA cannot make certwright publish
//! a token or a TXT record, or run a hook, for a name the user never gave.

use super::error::{Error, Result};
use super::types::{Authorization, Identifier, IdentifierKind, Order};
use std::collections::BTreeSet;

/// An identifier as compared: its kind and its lowercase value, with an
/// authorization's wildcard flag folded back into `*.` (RFC 8555 §7.1.4:
/// the authorization for `*.example.com` names `example.com`).
fn key(kind: IdentifierKind, value: &str, wildcard: bool) -> (IdentifierKind, String) {
    let value = value.to_ascii_lowercase();
    let value = match kind {
        // 2001:DB8::1 and 2001:db8::1 are one address.
        IdentifierKind::Ip => value
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.to_string())
            .unwrap_or(value),
        IdentifierKind::Dns if wildcard && !value.starts_with("*.") => format!("*.{value}"),
        IdentifierKind::Dns => value,
    };
    (kind, value)
}

fn set(ids: &[Identifier]) -> BTreeSet<(IdentifierKind, String)> {
    ids.iter().map(|i| key(i.kind, &i.value, false)).collect()
}

fn list(items: impl IntoIterator<Item = (IdentifierKind, String)>) -> String {
    let v: Vec<String> = items.into_iter().map(|(_, v)| v).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// The order must list exactly the requested identifiers.
pub fn check_order(requested: &[Identifier], order: &Order, url: &str) -> Result<()> {
    let want = set(requested);
    let got = set(&order.identifiers);
    if want == got {
        return Ok(());
    }
    Err(Error::WrongNames {
        url: url.to_string(),
        reason: format!(
            "the order is for other names than requested (requested: {}; the order lists: {}; not requested: {}; missing: {}). certwright stopped before answering any challenge",
            list(want.iter().cloned()),
            list(got.iter().cloned()),
            list(got.difference(&want).cloned()),
            list(want.difference(&got).cloned()),
        ),
    })
}

/// An authorization must be for one of the requested identifiers.
pub fn check_authorization(
    requested: &[Identifier],
    authz: &Authorization,
    url: &str,
) -> Result<()> {
    let want = set(requested);
    let got = key(
        authz.identifier.kind,
        &authz.identifier.value,
        authz.wildcard,
    );
    if want.contains(&got) {
        return Ok(());
    }
    Err(Error::WrongNames {
        url: url.to_string(),
        reason: format!(
            "the CA sent an authorization for {}, a name that was not requested (requested: {}); certwright stopped before presenting any challenge or running any hook",
            got.1,
            list(want)
        ),
    })
}

/// The certificate's names against the request: (not requested, missing).
pub fn compare_names(requested: &[String], in_cert: &[String]) -> (Vec<String>, Vec<String>) {
    let norm = |n: &String| key(Identifier::from_name(n).kind, n, false).1;
    let want: BTreeSet<String> = requested.iter().map(norm).collect();
    let got: BTreeSet<String> = in_cert.iter().map(norm).collect();
    (
        got.difference(&want).cloned().collect(),
        want.difference(&got).cloned().collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acme::types::AuthorizationStatus;

    fn ids(names: &[&str]) -> Vec<Identifier> {
        names.iter().map(|n| Identifier::from_name(n)).collect()
    }

    fn order(names: &[&str]) -> Order {
        serde_json::from_value(serde_json::json!({
            "status": "pending",
            "identifiers": ids(names),
            "authorizations": [],
            "finalize": "https://ca.test/finalize/1",
        }))
        .unwrap()
    }

    fn authz(value: &str, wildcard: bool) -> Authorization {
        Authorization {
            identifier: Identifier::from_name(value),
            status: AuthorizationStatus::Pending,
            expires: None,
            challenges: Vec::new(),
            wildcard,
        }
    }

    #[test]
    fn the_order_must_list_exactly_the_request() {
        let req = ids(&["a.test", "*.a.test", "192.0.2.1"]);
        check_order(&req, &order(&["192.0.2.1", "A.test", "*.a.test"]), "u").unwrap();
        let err = check_order(
            &req,
            &order(&["a.test", "*.a.test", "192.0.2.1", "evil.test"]),
            "u",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("not requested: evil.test"), "{err}");
        let err = check_order(&req, &order(&["a.test", "*.a.test"]), "u")
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing: 192.0.2.1"), "{err}");
    }

    #[test]
    fn authorizations_must_be_for_requested_names() {
        let req = ids(&["a.test", "*.b.test", "2001:db8::1"]);
        check_authorization(&req, &authz("a.test", false), "u").unwrap();
        check_authorization(&req, &authz("b.test", true), "u").unwrap();
        check_authorization(&req, &authz("2001:DB8:0::1", false), "u").unwrap();
        // b.test itself was not asked for, only its wildcard.
        assert!(check_authorization(&req, &authz("b.test", false), "u").is_err());
        let err = check_authorization(&req, &authz("evil.test", false), "u")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("evil.test, a name that was not requested"),
            "{err}"
        );
    }

    #[test]
    fn certificate_names_are_compared_exactly() {
        let req: Vec<String> = vec!["a.test".into(), "192.0.2.1".into()];
        let (extra, missing) = compare_names(&req, &["A.test".into(), "192.0.2.1".into()]);
        assert!(extra.is_empty() && missing.is_empty());
        let (extra, missing) = compare_names(&req, &["a.test".into(), "evil.test".into()]);
        assert_eq!(extra, ["evil.test"]);
        assert_eq!(missing, ["192.0.2.1"]);
    }
}
