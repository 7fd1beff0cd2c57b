//! Staging CAs and dry runs, as one small reusable piece for `issue`,
//! `register` and `renew`.
//!
//! - `--staging` uses the CA's staging directory for real and keeps what it
//!   gets in a separate store rooted at `<config-dir>/staging/`, so staging
//!   accounts and lineages never mix with production ones.
//! - `--dry-run` runs the whole flow (account, order, challenges, finalize,
//!   download, verification) against the staging directory with the staging
//!   account from that same store, and installs into a [`Scratch`] store that
//!   is deleted afterwards: `live/`, `archive/` and `renewal/` are not touched.

use crate::ca_servers::{SERVER_ALIASES, resolve_server};
use crate::error::{Error, Result};
use crate::settings::CaSettings;
use crate::store::Store;

/// Subdirectory of the config dir that holds the staging store.
pub const STAGING_DIR: &str = "staging";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Live,
    Staging,
    DryRun,
}

/// The staging directory URL for a production directory URL: the flag
/// (`--staging-server` / CERTWRIGHT_STAGING_SERVER) if given, else the
/// known counterpart from [`SERVER_ALIASES`]; a server that is itself a
/// known staging directory is its own counterpart.
pub fn staging_server_for(server: &str, flag: Option<&str>) -> Result<String> {
    if let Some(flag) = flag {
        return resolve_server(Some(flag)).map_err(|_| {
            Error::Usage(format!(
                "--staging-server {flag:?} is neither an https:// directory URL nor a known alias"
            ))
        });
    }
    let alias_of = |url: &str| {
        SERVER_ALIASES
            .iter()
            .find(|(_, u, _)| *u == url)
            .map(|(alias, _, staging)| (*alias, *staging))
    };
    match alias_of(server) {
        Some((_, Some(staging))) => resolve_server(Some(staging)),
        Some((alias, None))
            if SERVER_ALIASES
                .iter()
                .any(|(_, _, staging)| *staging == Some(alias)) =>
        {
            Ok(server.to_string())
        }
        _ => Err(Error::Usage(format!(
            "certwright knows no staging directory for {server}; name one with --staging-server URL (or CERTWRIGHT_STAGING_SERVER)"
        ))),
    }
}

/// `ca` pointed at its staging directory; the CA bundle and retry policy
/// carry over.
pub fn staging_ca(ca: &CaSettings, flag: Option<&str>) -> Result<CaSettings> {
    Ok(CaSettings {
        server: staging_server_for(&ca.server, flag)?,
        ..ca.clone()
    })
}

/// The store for staging accounts and lineages, beside the live one.
pub fn staging_store(live: &Store) -> Store {
    Store::new(live.root().join(STAGING_DIR))
}

/// A throwaway store in a private temporary directory (0700), removed with
/// everything in it when dropped.
pub struct Scratch {
    _dir: tempfile::TempDir,
    pub store: Store,
}

impl Scratch {
    pub fn new() -> Result<Scratch> {
        let dir = tempfile::Builder::new()
            .prefix("certwright-dry-run-")
            .tempdir()
            .map_err(Error::io(std::env::temp_dir()))?;
        let store = Store::new(dir.path());
        Ok(Scratch { _dir: dir, store })
    }
}

/// Where one run talks to and writes to.
pub struct Target {
    pub mode: Mode,
    pub ca: CaSettings,
    /// Accounts are looked up and registered here.
    pub account_store: Store,
    /// The lineage is installed here (a [`Scratch`] store for a dry run).
    pub lineage_store: Store,
    /// The production CA, for a dry run to borrow the production account's
    /// contacts.
    pub production: CaSettings,
    _scratch: Option<Scratch>,
}

impl Target {
    /// `staging_server`: the staging_server setting (flag, environment,
    /// config file), for CAs whose staging directory is not known.
    pub fn resolve(
        live: Store,
        ca: CaSettings,
        staging: bool,
        staging_server: Option<&str>,
        dry_run: bool,
    ) -> Result<Target> {
        let mode = match (dry_run, staging) {
            (true, _) => Mode::DryRun,
            (false, true) => Mode::Staging,
            (false, false) => Mode::Live,
        };
        if mode == Mode::Live {
            return Ok(Target {
                mode,
                production: ca.clone(),
                ca,
                lineage_store: Store::new(live.root()),
                account_store: live,
                _scratch: None,
            });
        }
        let staging = staging_ca(&ca, staging_server)?;
        let account_store = staging_store(&live);
        let (lineage_store, scratch) = if mode == Mode::DryRun {
            let scratch = Scratch::new()?;
            (Store::new(scratch.store.root()), Some(scratch))
        } else {
            (staging_store(&live), None)
        };
        Ok(Target {
            mode,
            ca: staging,
            production: ca,
            account_store,
            lineage_store,
            _scratch: scratch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ca_servers::LETSENCRYPT_STAGING;

    #[test]
    fn known_cas_map_to_their_staging_directory() {
        let le = resolve_server(Some("letsencrypt")).unwrap();
        assert_eq!(staging_server_for(&le, None).unwrap(), LETSENCRYPT_STAGING);
        let google = resolve_server(Some("google")).unwrap();
        assert_eq!(
            staging_server_for(&google, None).unwrap(),
            resolve_server(Some("google-staging")).unwrap()
        );
        // A staging directory is its own staging counterpart.
        assert_eq!(
            staging_server_for(LETSENCRYPT_STAGING, None).unwrap(),
            LETSENCRYPT_STAGING
        );
    }

    #[test]
    fn unknown_cas_need_the_flag() {
        let zerossl = resolve_server(Some("zerossl")).unwrap();
        let err = staging_server_for(&zerossl, None).unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        assert!(err.to_string().contains("--staging-server"), "{err}");
        assert_eq!(
            staging_server_for("https://ca.test/dir", Some("https://stg.ca.test/dir")).unwrap(),
            "https://stg.ca.test/dir"
        );
        assert!(staging_server_for("https://ca.test/dir", Some("http://stg.ca.test/dir")).is_err());
    }

    #[test]
    fn scratch_store_disappears() {
        let scratch = Scratch::new().unwrap();
        let root = scratch.store.root().to_path_buf();
        assert!(root.is_dir());
        drop(scratch);
        assert!(!root.exists());
    }
}
