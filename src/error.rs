//! One error type for the library. Every variant names its cause and, where
//! there is one, the fix; `main` maps variants to exit codes.

use crate::acme::types::Problem;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The CA answered with a problem document.
    #[error("the CA refused {method} {url}: {problem}")]
    Acme {
        method: &'static str,
        url: String,
        problem: Box<Problem>,
    },

    /// The CA asked us to come back later than we are willing to wait.
    #[error(
        "the CA is {reason} and asked to retry {url} after {} (in {}); waiting that long would pass --max-retry-wait ({}), so certwright stopped: run again after that time",
        crate::clock::rfc3339(*retry_at),
        crate::clock::human_duration(*wait),
        crate::clock::human_duration(*max_wait)
    )]
    RetryLater {
        url: String,
        reason: String,
        retry_at: SystemTime,
        wait: Duration,
        max_wait: Duration,
    },

    #[error("cannot reach {url}: {detail}{}", hint.as_deref().map(|h| format!("\n  hint: {h}")).unwrap_or_default())]
    Transport {
        url: String,
        detail: String,
        hint: Option<String>,
    },

    #[error("{url} answered HTTP {status}{}: {detail}", if *attempts > 1 { format!(" after {attempts} attempts") } else { String::new() })]
    ServerError {
        url: String,
        status: u16,
        attempts: u32,
        detail: String,
    },

    /// The server sent something that is not what RFC 8555 describes.
    #[error("malformed response from {url}: {reason}")]
    Malformed { url: String, reason: String },

    #[error("gave up waiting for {what} after {}{}", crate::clock::human_duration(*waited), last_status.as_deref().map(|s| format!(" (last status: {s})")).unwrap_or_default())]
    Timeout {
        what: String,
        waited: Duration,
        last_status: Option<String>,
    },

    #[error("validation of {identifier} failed: {problem}")]
    ValidationFailed {
        identifier: String,
        problem: Box<Problem>,
    },

    #[error("the order {url} became invalid{}", problem.as_ref().map(|p| format!(": {p}")).unwrap_or_default())]
    OrderInvalid {
        url: String,
        problem: Option<Box<Problem>>,
    },

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
        missing: Vec<crate::solver::propagation::Missing>,
    },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// The problem document behind this error, if the CA sent one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Acme { problem, .. } | Error::ValidationFailed { problem, .. } => Some(problem),
            Error::OrderInvalid { problem, .. } => problem.as_deref(),
            _ => None,
        }
    }
}
