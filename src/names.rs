//! Checks names from the user before they reach the CA or the disk.

use crate::error::{Error, Result};
use std::net::IpAddr;

/// Normalises and checks one requested name: a DNS name (optionally
/// `*.`-wildcard) or an IP address. Returns the form sent to the CA.
pub fn normalize_domain(raw: &str) -> Result<String> {
    let name = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Ok(ip.to_string());
    }
    let bad = |why: &str| Error::Usage(format!("invalid domain name {raw:?}: {why}"));
    if let Some(host) = host_of_url(&name) {
        return Err(bad(&format!(
            "that is a URL; give the host name only: -d {host}"
        )));
    }
    if !name.is_ascii() {
        return Err(bad(
            "non-ASCII names must be given in their punycode (xn--) form",
        ));
    }
    let host = name.strip_prefix("*.").unwrap_or(&name);
    if host.contains('*') {
        return Err(bad(
            "a wildcard is only allowed as the whole leftmost label (*.example.com)",
        ));
    }
    if host.len() > 253 {
        return Err(bad("longer than 253 characters"));
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return Err(bad("CAs only issue for fully qualified names (with a dot)"));
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err(bad("every label must have 1 to 63 characters"));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(bad("only letters, digits and '-' are allowed in a label"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(bad("a label cannot start or end with '-'"));
        }
    }
    Ok(name)
}

/// Longest lineage name: `.<name>.toml.tmp-<pid>-<random>`, the renewal
/// file's temp name, must stay within the 255 bytes a file name may have.
pub const MAX_LINEAGE_NAME: usize = 200;

/// Checks a lineage name before it becomes a path component.
pub fn validate_lineage_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_LINEAGE_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "invalid certificate name {name:?}: use letters, digits, '-', '_' and '.', not starting with '.'"
        )))
    }
}

/// The host of `text` when it is a URL (`https://example.com/path`),
/// the mistake of pasting a browser's address bar into `-d`.
fn host_of_url(text: &str) -> Option<&str> {
    let (scheme, rest) = text.split_once("://")?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    (!host.is_empty()).then_some(host)
}

/// Normalises a list of names, dropping duplicates but keeping order.
pub fn normalize_domains(raw: &[String]) -> Result<Vec<String>> {
    const MAX_NAMES: usize = 100;
    let mut out: Vec<String> = Vec::new();
    for r in raw {
        let n = normalize_domain(r)?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err(Error::Usage("no domain names given (use -d NAME)".into()));
    }
    if out.len() > MAX_NAMES {
        return Err(Error::Usage(format!(
            "{} names requested; CAs accept at most {MAX_NAMES} per certificate",
            out.len()
        )));
    }
    Ok(out)
}

/// The default lineage name for a set of names: the first, minus `*.`.
/// A name too long for a file name (domains go up to 253 characters) is
/// cut and given a hash of the whole, so it stays unique.
pub fn default_lineage_name(domains: &[String]) -> String {
    let first = domains.first().map(String::as_str).unwrap_or("cert");
    let name = first.strip_prefix("*.").unwrap_or(first).replace(':', "_");
    if name.len() <= MAX_LINEAGE_NAME {
        return name;
    }
    let hash: String = crate::crypto::sha256(name.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    let keep: String = name.chars().take(MAX_LINEAGE_NAME - 9).collect();
    format!("{keep}-{hash}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            normalize_domain("WWW.Example.COM.").unwrap(),
            "www.example.com"
        );
        assert_eq!(normalize_domain("*.example.com").unwrap(), "*.example.com");
        assert_eq!(normalize_domain("192.0.2.1").unwrap(), "192.0.2.1");
        assert_eq!(normalize_domain("2001:DB8::1").unwrap(), "2001:db8::1");
    }

    #[test]
    fn rejects_bad_names() {
        for bad in [
            "",
            "localhost",
            "a..b",
            "foo_bar.com",
            "-a.com",
            "a*.example.com",
            "www.*.example.com",
            "exa mple.com",
            "bücher.de",
            "../etc.com",
            "a/b.com",
        ] {
            assert!(normalize_domain(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_url_is_refused_with_its_host_name_as_the_fix() {
        for (url, host) in [
            ("https://example.com/", "example.com"),
            ("http://www.example.com:8080/x?y", "www.example.com"),
            ("HTTPS://Example.COM", "example.com"),
        ] {
            let e = normalize_domain(url).unwrap_err().to_string();
            assert!(
                e.contains(&format!("give the host name only: -d {host}")),
                "{url}: {e}"
            );
        }
    }

    #[test]
    fn lineage_names_drop_wildcards() {
        assert_eq!(
            default_lineage_name(&["*.example.com".into()]),
            "example.com"
        );
        assert_eq!(default_lineage_name(&["2001:db8::1".into()]), "2001_db8__1");
    }

    #[test]
    fn the_longest_valid_domain_gives_a_valid_lineage_name() {
        // Found by the `names` fuzz target: a valid 226-character domain
        // gave a lineage name the store refused.
        let label = "a".repeat(63);
        let long = format!("{label}.{label}.{label}.{}.com", "b".repeat(57));
        let domain = normalize_domain(&long).unwrap();
        assert_eq!(domain.len(), 253);
        let lineage = default_lineage_name(std::slice::from_ref(&domain));
        super::validate_lineage_name(&lineage).unwrap();
        assert_eq!(lineage.len(), MAX_LINEAGE_NAME);
        let other = default_lineage_name(&[domain.replacen('b', "c", 1)]);
        assert_ne!(lineage, other, "cut names stay distinct");
    }
}
