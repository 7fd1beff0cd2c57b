//! Every lineage the store knows of, readable or not: the one read that
//! `certificates`, `check` and the metrics file share, so none of them can
//! be blinded by one corrupt file.
//!
//! A lineage is any name with a renewal file or a `live/` entry. What
//! cannot be read is kept as [`Broken`]: the path, what is wrong, and what
//! to run to fix it; every other lineage is still read.

use crate::error::Result;
use crate::renew::cert_scan;
use crate::renew::policy::{
    self, CertFacts, Decision, LineageState, PolicyInput, RenewBefore, ServerState,
};
use crate::store::{RenewalConfig, Store, Version};
use std::path::PathBuf;
use std::time::SystemTime;

/// A part of a lineage that cannot be used, with the fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub path: PathBuf,
    pub reason: String,
    pub fix: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}; fix: {}",
            self.path.display(),
            self.reason,
            self.fix
        )
    }
}

/// The installed certificate.
#[derive(Debug, Clone)]
pub struct Installed {
    pub version: Version,
    pub pem: Vec<u8>,
    pub facts: CertFacts,
}

pub struct Entry {
    pub name: String,
    pub config: std::result::Result<RenewalConfig, Broken>,
    pub installed: std::result::Result<Installed, Broken>,
    /// What `renew` remembered about the installed certificate (None when
    /// nothing, or the state file is unreadable: it is a cache).
    pub state: Option<LineageState>,
}

impl Entry {
    /// The first thing wrong with the lineage, if any.
    pub fn broken(&self) -> Option<&Broken> {
        self.config.as_ref().err().or(self.installed.as_ref().err())
    }

    pub fn revoked(&self) -> bool {
        self.config.as_ref().is_ok_and(|c| c.revoked)
    }

    /// What `renew` would decide now from what is cached (no network);
    /// None for a broken lineage.
    pub fn decision(
        &self,
        store: &Store,
        renew_before: Option<RenewBefore>,
        now: SystemTime,
    ) -> Option<Decision> {
        let (config, installed) = (self.config.as_ref().ok()?, self.installed.as_ref().ok()?);
        let state = self
            .state
            .clone()
            .unwrap_or_else(|| LineageState::for_cert(None, &installed.facts));
        let server: Option<ServerState> = store.server_state(&config.server).ok().flatten();
        Some(policy::decide(&PolicyInput {
            now,
            cert: &installed.facts,
            revoked: config.revoked,
            renew_before,
            state: &state,
            server: server.as_ref(),
            force: false,
        }))
    }

    /// When the next run plans to renew: now when due, the end of a
    /// backoff, the ARI instant or margin; before an ARI check, the margin.
    pub fn next_renewal(
        &self,
        store: &Store,
        renew_before: Option<RenewBefore>,
        now: SystemTime,
    ) -> Option<SystemTime> {
        let installed = self.installed.as_ref().ok()?;
        Some(match self.decision(store, renew_before, now)? {
            Decision::Renew(_) => now,
            Decision::NotDue { at, .. } => at,
            Decision::BackingOff { until } => until,
            Decision::CheckDirectory | Decision::CheckAri { .. } => {
                policy::fallback_due_at(&installed.facts, renew_before)
            }
        })
    }
}

/// Reads every lineage (all of them, or those in `only`). Fails only when
/// the store's directories cannot be listed at all.
pub fn scan(store: &Store, only: &[String]) -> Result<Vec<Entry>> {
    let mut names = store.lineage_names()?;
    names.extend(store.live_names()?);
    names.sort();
    names.dedup();
    if !only.is_empty() {
        names.retain(|n| only.contains(n));
    }
    Ok(names.into_iter().map(|n| read(store, n)).collect())
}

fn read(store: &Store, name: String) -> Entry {
    let renewal = store.renewal_path(&name);
    let config = match store.renewal_config(&name) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(Broken {
            path: renewal.clone(),
            reason: "no renewal file, so certwright does not renew this certificate".into(),
            fix: format!(
                "issue it again with `certwright issue --cert-name {name} -d DOMAIN...`, or remove it with `certwright delete --cert-name {name}`"
            ),
        }),
        Err(e) => Err(Broken {
            path: renewal.clone(),
            reason: format!("unreadable renewal file ({})", reason_of(&e)),
            fix: format!(
                "repair the file (see docs/configuration.md), or replace it with `certwright issue --cert-name {name} -d DOMAIN... --force-renewal`"
            ),
        }),
    };
    let installed = read_installed(store, &name);
    let state = match &installed {
        Ok(i) => store
            .lineage_state(&name)
            .ok()
            .flatten()
            .map(|s| LineageState::for_cert(Some(s), &i.facts)),
        Err(_) => None,
    };
    Entry {
        name,
        config,
        installed,
        state,
    }
}

fn reason_of(e: &crate::Error) -> String {
    match e {
        crate::Error::BadFile { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

fn read_installed(store: &Store, name: &str) -> std::result::Result<Installed, Broken> {
    let reissue = format!(
        "replace it with `certwright issue --cert-name {name} -d DOMAIN... --force-renewal`, or remove the lineage with `certwright delete --cert-name {name}`"
    );
    let version = match store.current_version(name) {
        Ok(Some(v)) => v,
        Ok(None) => {
            return Err(Broken {
                path: store.live_path(name),
                reason: "no certificate installed".into(),
                fix: reissue,
            });
        }
        Err(e) => {
            return Err(Broken {
                path: store.live_path(name),
                reason: reason_of(&e),
                fix: reissue,
            });
        }
    };
    let path = version.cert();
    let pem = match std::fs::read(&path) {
        Ok(p) => p,
        Err(e) => {
            return Err(Broken {
                path,
                reason: format!("cannot read the certificate ({e})"),
                fix: reissue,
            });
        }
    };
    match cert_scan::read_pem(&pem, &path) {
        Ok(leaf) => Ok(Installed {
            version,
            facts: leaf.facts(),
            pem,
        }),
        Err(e) => Err(Broken {
            path,
            reason: format!("not a readable certificate ({})", reason_of(&e)),
            fix: reissue,
        }),
    }
}
