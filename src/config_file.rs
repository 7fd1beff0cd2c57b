//! The optional configuration file (`/etc/certwright/config.toml` for root,
//! the platform's config dir otherwise, or `--config FILE`).
//!
//! Precedence, highest first: command-line flags, `CERTWRIGHT_*` environment
//! variables (clap merges those two), this file, the lineage's renewal file,
//! built-in defaults. Unknown keys and wrong types are errors that name the
//! file, line and key, so a typo never silently falls back to a default.

use crate::crypto::KeyType;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Every setting the file may hold. Each field is documented, with its
/// default, in config.example.toml (a test keeps the two in step).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// ACME directory URL or alias.
    pub server: Option<String>,
    /// Staging directory for --dry-run / --staging when the server has no
    /// known staging alias.
    pub staging_server: Option<String>,
    /// CA certificates to trust for the ACME server's TLS.
    pub ca_bundle: Option<PathBuf>,
    /// Contact addresses for new accounts.
    pub email: Option<Vec<String>>,
    /// Account id to use when several exist for a server.
    pub account: Option<String>,
    /// Key type of new certificate keys.
    pub key_type: Option<KeyType>,
    /// Reuse the certificate key on renewal.
    pub reuse_key: Option<bool>,
    /// Preferred chain (issuer CN of the chain's top certificate).
    pub preferred_chain: Option<String>,
    /// Longest total Retry-After wait per request, seconds.
    pub max_retry_wait: Option<u64>,
    /// Deadline for one order's validation and issuance, seconds.
    pub order_timeout: Option<u64>,
    /// Upper bound of the random delay before a non-interactive renew.
    pub random_sleep_max: Option<u64>,
    /// Renew when less than this remains: "30d", "12h", "1/3" or "0.33".
    pub renew_before: Option<String>,
    /// Standalone http-01 server port and address.
    pub http_01_port: Option<u16>,
    pub http_01_address: Option<String>,
    /// dns-01 propagation: unconditional delay, active-check timeout,
    /// sleep schedule, and a resolver to ask instead of the authoritative
    /// servers.
    pub propagation_delay: Option<u64>,
    pub propagation_timeout: Option<u64>,
    pub propagation_sleep_times: Option<Vec<u64>>,
    pub dns_resolver: Option<String>,
    /// Hooks run by renew (and issue): once before, once after, per lineage.
    pub pre_hook: Option<String>,
    pub post_hook: Option<String>,
    pub deploy_hook: Option<String>,
}

/// The default location of the config file for this user.
pub fn default_path(config_dir: &Path) -> PathBuf {
    config_dir.join("config.toml")
}

impl ConfigFile {
    /// Loads `path`; a missing file is an empty config unless `required`
    /// (the user named it with --config).
    pub fn load(path: &Path, required: bool) -> Result<ConfigFile> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(ConfigFile::default());
            }
            Err(e) => return Err(Error::io(path)(e)),
        };
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile> {
        toml::from_str(text).map_err(|e| config_error(text, path, &e))
    }
}

/// "FILE:LINE: message", with the offending key when toml names it.
fn config_error(text: &str, path: &Path, e: &toml::de::Error) -> Error {
    let line = e
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    // toml's span points at the value for type errors: read the key from
    // the start of that line instead.
    let key = line
        .and_then(|l| text.lines().nth(l - 1))
        .map(|l| {
            l.split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    Error::Usage(format!(
        "{}{}: {}{}",
        path.display(),
        line.map(|l| format!(":{l}")).unwrap_or_default(),
        e.message(),
        key.map(|k| format!(" (key `{k}`)")).unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile> {
        ConfigFile::parse(text, Path::new("/etc/certwright/config.toml"))
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = parse("server = \"letsencrypt\"\n\nmax_retry_wiat = 30\n").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("/etc/certwright/config.toml:3: unknown field `max_retry_wiat`"),
            "{msg}"
        );
    }

    #[test]
    fn wrong_type_names_file_line_and_key() {
        let err = parse("order_timeout = \"ten minutes\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("/etc/certwright/config.toml:1: "), "{msg}");
        assert!(msg.contains("(key `order_timeout`)"), "{msg}");
    }

    #[test]
    fn missing_optional_file_is_empty() {
        let cfg = ConfigFile::load(Path::new("/nonexistent/config.toml"), false).unwrap();
        assert_eq!(cfg, ConfigFile::default());
        assert!(ConfigFile::load(Path::new("/nonexistent/config.toml"), true).is_err());
    }
}

#[cfg(test)]
mod example_file {
    use super::*;

    /// config.example.toml shows every setting, commented out with its
    /// default: uncommented, it must load and set every field.
    #[test]
    fn example_documents_every_field() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        // As shipped, everything is a default: the file loads to nothing.
        assert_eq!(
            ConfigFile::parse(&text, &path).unwrap(),
            ConfigFile::default()
        );
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest)
                    if rest.split('=').next().is_some_and(|k| {
                        !k.is_empty()
                            && k.trim_end()
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
                            && rest.contains('=')
                    }) =>
                {
                    rest
                }
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let cfg = ConfigFile::parse(&uncommented, &path).unwrap();
        let as_json = serde_json::to_value(&cfg).unwrap();
        let missing: Vec<&String> = as_json
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| v.is_null())
            .map(|(k, _)| k)
            .collect();
        assert!(
            missing.is_empty(),
            "config.example.toml does not document: {missing:?}"
        );
    }
}
