//! The CAs certwright knows by name, and what a `server` setting may be:
//! an alias or an https:// directory URL.

use crate::error::{Error, Result};

pub const LETSENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";
pub const LETSENCRYPT_STAGING: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";
/// The CA when nothing says otherwise.
pub const DEFAULT_SERVER: &str = "letsencrypt";

/// Known CAs by short name: (alias, directory URL, staging alias).
pub const SERVER_ALIASES: &[(&str, &str, Option<&str>)] = &[
    ("letsencrypt", LETSENCRYPT, Some("letsencrypt-staging")),
    ("letsencrypt-staging", LETSENCRYPT_STAGING, None),
    ("zerossl", "https://acme.zerossl.com/v2/DV90", None),
    (
        "google",
        "https://dv.acme-v02.api.pki.goog/directory",
        Some("google-staging"),
    ),
    (
        "google-staging",
        "https://dv.acme-v02.test-api.pki.goog/directory",
        None,
    ),
];

/// Why `server` is not a usable directory, if it is not; else its URL.
pub fn check_server(server: &str) -> std::result::Result<String, String> {
    if let Some((_, url, _)) = SERVER_ALIASES.iter().find(|(alias, _, _)| *alias == server) {
        return Ok(url.to_string());
    }
    if server.starts_with("https://") {
        return Ok(server.to_string());
    }
    let aliases: Vec<&str> = SERVER_ALIASES.iter().map(|(a, _, _)| *a).collect();
    Err(format!(
        "{server:?} is neither an https:// directory URL nor a known alias ({})",
        aliases.join(", ")
    ))
}

/// Resolves a server setting: an alias or an https URL; None is the default
/// CA (Let's Encrypt).
pub fn resolve_server(server: Option<&str>) -> Result<String> {
    check_server(server.unwrap_or(DEFAULT_SERVER))
        .map_err(|why| Error::Usage(format!("--server {why}")))
}
