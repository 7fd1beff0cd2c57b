//! One error type for the library. Every variant names its cause and, where
//! there is one, the fix; `main` maps variants to exit codes.

use crate::acme::types::Problem;
use std::path::PathBuf;
use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The ACME exchange failed: a problem document, a timeout, a CA
    /// that is busy past our patience, a malformed answer.
    #[error(transparent)]
    Acme(#[from] crate::acme::Error),

    #[error("the issued certificate was not installed: {reason}")]
    BadCertificate { reason: String },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: {reason}")]
    BadFile { path: PathBuf, reason: String },

    #[error("{context}: {source}")]
    Crypto {
        context: &'static str,
        #[source]
        source: openssl::error::ErrorStack,
    },

    /// Invalid command-line input or configuration: nothing was sent.
    #[error("{0}")]
    Usage(String),

    #[error("{0}")]
    Unsupported(String),

    #[error(
        "no account for {server} in {dir}: run `certwright register --server {server} --email you@example.com --agree-tos` first, or pass --email/--agree-tos to this command"
    )]
    NoAccount { server: String, dir: PathBuf },

    #[error("another certwright run holds the lock {path}{}; try again when it has finished", holder.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    LockHeld {
        path: PathBuf,
        holder: Option<String>,
    },

    #[error("{what} failed: {detail}")]
    Hook { what: String, detail: String },

    #[error("{0}")]
    Solver(String),

    #[error(transparent)]
    HookFailed(#[from] crate::hooks::HookError),

    /// The dns-01 records were not visible everywhere in time; the CA was
    /// not asked to validate, so no failed authorization was spent.
    #[error(
        "the DNS TXT records were not visible after {}:\n{}\nThe CA was not asked to validate. Check that the hook really created the records (and that a CNAME for delegated validation points where the hook writes), or raise --propagation-timeout if your DNS provider is slow.",
        crate::clock::human_duration(*waited),
        missing.iter().map(|m| format!("  - {m}")).collect::<Vec<_>>().join("\n")
    )]
    DnsNotPropagated {
        waited: Duration,
        missing: Vec<Missing>,
    },

    /// The propagation check could not ask any server: waiting out the
    /// timeout would not change that.
    #[error(
        "the DNS TXT records cannot be checked:\n{}\nThe CA was not asked to validate. Check that the resolver answers (--dns-resolver, else the nameservers in /etc/resolv.conf) and that the domain's zone exists and is delegated.",
        missing.iter().map(|m| format!("  - {m}")).collect::<Vec<_>>().join("\n")
    )]
    DnsCheckImpossible { missing: Vec<Missing> },
}

/// Where a dns-01 record was not (yet) seen (see `challenge::propagation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The name queried (after following CNAMEs).
    pub name: String,
    /// The name the user's hook was asked to set, when a CNAME moved it.
    pub via: Option<String>,
    /// The server that lacked it, and what it said.
    pub server: String,
    pub detail: String,
    /// No server could be asked at all (the resolver does not answer, the
    /// name has no zone): waiting longer does not help.
    pub cannot_check: bool,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.name)?;
        if let Some(via) = &self.via {
            write!(f, " (CNAME target of {via})")?;
        }
        write!(f, " at {}: {}", self.server, self.detail)
    }
}

impl From<crate::strict_modes::Untrusted> for Error {
    fn from(e: crate::strict_modes::Untrusted) -> Error {
        use crate::strict_modes::Untrusted;
        match e {
            Untrusted::Refused { path, reason } => Error::BadFile { path, reason },
            Untrusted::Io { path, source } => Error::Io { path, source },
        }
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// The problem document behind this error, if the CA sent one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Acme(e) => e.problem(),
            _ => None,
        }
    }
}
