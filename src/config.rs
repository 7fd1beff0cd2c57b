//! Turns raw flags and the environment into settings the commands use.
//! Commands never see clap types beyond this point.

use crate::acme::retry::RetryPolicy;
use crate::cli::CaArgs;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const LETSENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";
pub const LETSENCRYPT_STAGING: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";

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

/// Resolves `--server`: an alias or an https URL.
pub fn resolve_server(server: Option<&str>) -> Result<String> {
    let server = server.unwrap_or("letsencrypt");
    if let Some((_, url, _)) = SERVER_ALIASES.iter().find(|(alias, _, _)| *alias == server) {
        return Ok(url.to_string());
    }
    if server.starts_with("https://") {
        return Ok(server.to_string());
    }
    let aliases: Vec<&str> = SERVER_ALIASES.iter().map(|(a, _, _)| *a).collect();
    Err(Error::Usage(format!(
        "--server {server:?} is neither an https:// directory URL nor a known alias ({})",
        aliases.join(", ")
    )))
}

/// The config directory: the flag or CERTWRIGHT_CONFIG_DIR (clap merges
/// both), else /etc/certwright for root, else the platform's config dir.
pub fn config_dir(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if running_as_root() {
        return Ok(PathBuf::from("/etc/certwright"));
    }
    directories::ProjectDirs::from("", "", "certwright")
        .map(|d| d.config_dir().to_path_buf())
        .ok_or_else(|| Error::Usage("cannot find a home directory; pass --config-dir DIR".into()))
}

fn running_as_root() -> bool {
    // /proc/self is owned by the effective uid; this avoids a libc dependency.
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// Settings for talking to one CA.
#[derive(Debug, Clone)]
pub struct CaSettings {
    pub server: String,
    pub ca_bundle: Option<PathBuf>,
    pub policy: RetryPolicy,
}

impl CaSettings {
    pub fn from_args(
        args: &CaArgs,
        stored_server: Option<&str>,
        stored_bundle: Option<&Path>,
    ) -> Result<CaSettings> {
        let server = resolve_server(args.server.as_deref().or(stored_server))?;
        let ca_bundle = args
            .ca_bundle
            .clone()
            .or_else(|| stored_bundle.map(Path::to_path_buf));
        if let Some(bundle) = &ca_bundle
            && !bundle.is_file()
        {
            return Err(Error::Usage(format!(
                "--ca-bundle {} does not exist or is not a file",
                bundle.display()
            )));
        }
        let mut policy = RetryPolicy::default();
        if let Some(s) = args.max_retry_wait {
            policy.max_retry_wait = Duration::from_secs(s);
        }
        if let Some(s) = args.order_timeout {
            policy.order_timeout = Duration::from_secs(s);
        }
        Ok(CaSettings {
            server,
            ca_bundle,
            policy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_urls() {
        assert_eq!(resolve_server(None).unwrap(), LETSENCRYPT);
        assert_eq!(
            resolve_server(Some("letsencrypt-staging")).unwrap(),
            LETSENCRYPT_STAGING
        );
        assert_eq!(
            resolve_server(Some("https://127.0.0.1:14000/dir")).unwrap(),
            "https://127.0.0.1:14000/dir"
        );
        assert!(resolve_server(Some("http://insecure.test/dir")).is_err());
        assert!(resolve_server(Some("letsencrypt-prod")).is_err());
    }
}
