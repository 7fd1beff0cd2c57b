//! The ACME core's own error: what the CA answered, or why no usable answer
//! came. Problem documents keep their raw form (type, detail, subproblems
//! are shown as the CA sent them) and gain a [`ProblemKind`], so callers
//! match on a kind instead of comparing URN strings. The crate's
//! [`crate::Error`] wraps this one unchanged.

use super::types::{ChallengeType, Problem};
use crate::clock::{human_duration, rfc3339};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The ACME error types (RFC 8555 §6.7, RFC 9773 §5) certwright acts on;
/// every other one is kept by name in [`ProblemKind::Other`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Re-sign with the nonce of the error response and retry.
    BadNonce,
    RateLimited,
    /// ARI: the certificate named in `replaces` was already renewed.
    AlreadyReplaced,
    AlreadyRevoked,
    OrderNotReady,
    Unauthorized,
    AccountDoesNotExist,
    ServerInternal,
    Malformed,
    /// Another ACME type (`rejectedIdentifier`, ...), a non-ACME type URI,
    /// or "" when the CA sent none.
    Other(String),
}

impl ProblemKind {
    pub fn of(problem: &Problem) -> ProblemKind {
        match problem.acme_type() {
            Some("badNonce") => ProblemKind::BadNonce,
            Some("rateLimited") => ProblemKind::RateLimited,
            Some("alreadyReplaced") => ProblemKind::AlreadyReplaced,
            Some("alreadyRevoked") => ProblemKind::AlreadyRevoked,
            Some("orderNotReady") => ProblemKind::OrderNotReady,
            Some("unauthorized") => ProblemKind::Unauthorized,
            Some("accountDoesNotExist") => ProblemKind::AccountDoesNotExist,
            Some("serverInternal") => ProblemKind::ServerInternal,
            Some("malformed") => ProblemKind::Malformed,
            _ => ProblemKind::Other(problem.kind.clone().unwrap_or_default()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The CA answered with a problem document.
    #[error("the CA refused {method} {url}: {problem}")]
    Problem {
        method: &'static str,
        url: String,
        kind: ProblemKind,
        problem: Box<Problem>,
    },

    /// The CA asked us to come back later than we are willing to wait.
    #[error(
        "the CA is {reason} and asked to retry {url} after {} (in {}); waiting that long would pass --max-retry-wait ({}), so certwright stopped: run again after that time",
        rfc3339(*retry_at),
        human_duration(*wait),
        human_duration(*max_wait)
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
        /// Trying again cannot help (the server's certificate failed
        /// verification): not retried.
        permanent: bool,
    },

    /// The --server URL answers, but not as an ACME directory (a web
    /// page, a 404): a setting to fix, not a CA to wait for.
    #[error(
        "this is not an ACME directory: {url} ({what}) — check --server (or `server` in the config file)"
    )]
    NotAcmeDirectory { url: String, what: String },

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

    /// The CA answered for other names than were requested (a broken or
    /// hostile CA); nothing was presented for them.
    #[error("refusing the CA's answer from {url}: {reason}")]
    WrongNames { url: String, reason: String },

    #[error("gave up waiting for {what} after {}{}", human_duration(*waited), last_status.as_deref().map(|s| format!(" (last status: {s})")).unwrap_or_default())]
    Timeout {
        what: String,
        waited: Duration,
        last_status: Option<String>,
    },

    /// The CA rejected the validation of one or more identifiers.
    #[error("{}", failures.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("\n"))]
    ValidationFailed { failures: Vec<ValidationFailure> },

    #[error("the order {url} became invalid{}", problem.as_ref().map(|p| format!(": {p}")).unwrap_or_default())]
    OrderInvalid {
        url: String,
        problem: Option<Box<Problem>>,
    },

    /// The CA (or the key) lacks something the protocol step needs.
    #[error("{0}")]
    Unsupported(String),

    /// The CA bundle given for the ACME server's own TLS is unreadable.
    #[error("{path}: {reason}")]
    CaBundle { path: PathBuf, reason: String },

    #[error("{context}: {source}")]
    Crypto {
        context: &'static str,
        #[source]
        source: openssl::error::ErrorStack,
    },
}

/// One identifier whose validation the CA rejected, with what it said.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationFailure {
    pub identifier: String,
    pub challenge: ChallengeType,
    /// The CA's problem document; None when it gave no reason.
    pub problem: Option<Problem>,
    /// What the CA's objects showed, for when it gave no problem document
    /// ("the challenge is invalid").
    pub state: String,
    /// The usual local causes of such a failure, when the caller knows them.
    pub hint: Option<String>,
}

impl std::fmt::Display for ValidationFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "validation of {} failed: ", self.identifier)?;
        match &self.problem {
            Some(p) => write!(f, "{}", p.to_string().replace('\n', "\n  "))?,
            None => write!(f, "{} (the CA gave no reason)", self.state)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint ({}): {hint}", self.challenge)?;
        }
        Ok(())
    }
}

impl Error {
    pub fn crypto(context: &'static str) -> impl Fn(openssl::error::ErrorStack) -> Error {
        move |source| Error::Crypto { context, source }
    }

    /// A problem document answered to `method url`, with its kind.
    pub fn problem_answer(method: &'static str, url: &str, problem: Problem) -> Error {
        Error::Problem {
            method,
            url: url.to_string(),
            kind: ProblemKind::of(&problem),
            problem: Box::new(problem),
        }
    }

    /// The kind of the CA's problem document, if this is one.
    pub fn kind(&self) -> Option<&ProblemKind> {
        match self {
            Error::Problem { kind, .. } => Some(kind),
            _ => None,
        }
    }

    /// The problem document behind this error, if the CA sent one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Problem { problem, .. } => Some(problem),
            Error::ValidationFailed { failures } => {
                failures.iter().find_map(|f| f.problem.as_ref())
            }
            Error::OrderInvalid { problem, .. } => problem.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(kind: &str) -> Problem {
        serde_json::from_value(serde_json::json!({"type": kind, "detail": "x"})).unwrap()
    }

    #[test]
    fn problem_types_become_kinds_and_keep_the_raw_document() {
        let err = Error::problem_answer(
            "POST",
            "https://ca/new-order",
            problem("urn:ietf:params:acme:error:alreadyReplaced"),
        );
        assert_eq!(err.kind(), Some(&ProblemKind::AlreadyReplaced));
        assert_eq!(
            err.problem().unwrap().kind.as_deref(),
            Some("urn:ietf:params:acme:error:alreadyReplaced")
        );
        for (urn, kind) in [
            ("urn:ietf:params:acme:error:badNonce", ProblemKind::BadNonce),
            (
                "urn:ietf:params:acme:error:rateLimited",
                ProblemKind::RateLimited,
            ),
            (
                "urn:ietf:params:acme:error:orderNotReady",
                ProblemKind::OrderNotReady,
            ),
            (
                "urn:ietf:params:acme:error:unauthorized",
                ProblemKind::Unauthorized,
            ),
            (
                "urn:ietf:params:acme:error:rejectedIdentifier",
                ProblemKind::Other("urn:ietf:params:acme:error:rejectedIdentifier".into()),
            ),
            ("about:blank", ProblemKind::Other("about:blank".into())),
        ] {
            assert_eq!(ProblemKind::of(&problem(urn)), kind, "{urn}");
        }
    }
}
