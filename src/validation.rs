//! Waiting for the CA's verdict on the challenges, reading everything it
//! says along the way. Servers report a rejection in different places:
//! Pebble and Let's Encrypt mark the order `invalid`; smallstep (step-ca,
//! Caddy's `acme_server`) answers the challenge POST `invalid` while the
//! authorization and order stay `pending`; acme2certifier marks the
//! authorization `invalid` and leaves the order `pending`. So the challenge
//! answers are read first, the order is polled (one request for every
//! name), and an order still `pending` after [`AUTHZ_CHECK_AFTER`] has its
//! authorizations not yet valid read too. docs/servers.md has the details.
//!
//! When polls happen: the standalone http-01 server sees the CA fetch each
//! token ([`Sightings`]), so the order is read once every token was fetched
//! and the fetches paused ([`QUIET`]); if the CA was still at work (it
//! checks from several places, maybe one after another), the next look
//! waits for its next fetches and a longer pause ([`QUIET_SPREAD`]). Before
//! the first fetch, and for solvers that cannot see the CA, a schedule that
//! starts at half a second and grows. A Retry-After from the CA replaces the
//! schedule (it is still never shorter than the quick steps of
//! [`crate::acme::retry::DEFAULT_POLL_SCHEDULE`], so `Retry-After: 0` does
//! not make a tight loop).

use crate::acme::Error as AcmeError;
use crate::acme::client::Account;
use crate::acme::error::ValidationFailure;
use crate::acme::retry::DEFAULT_POLL_SCHEDULE;
use crate::acme::types::*;
use crate::challenge::sightings::{QUIET, QUIET_CLOSE, QUIET_SPREAD, SPREAD, Seen, Sightings};
use crate::clock::human_duration;
use crate::error::{Error, Result};
use std::time::{Duration, Instant};

/// Waits between order polls while the CA validates, when it sends no
/// Retry-After and no solver saw it look: early enough for a CA that
/// validates in a second, then growing to a polite interval.
pub const VALIDATION_POLL_SCHEDULE: [Duration; 5] = [
    Duration::from_millis(500),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(8),
    Duration::from_secs(8),
];

/// The schedule once the standalone server has seen the CA fetch: looks
/// follow the CA's fetches, and this only bounds the wait for a CA that
/// goes silent.
pub const SEEN_FALLBACK: [Duration; 1] = [Duration::from_secs(8)];

/// Times a challenge the CA failed to check but left `pending` (smallstep,
/// after a connection error) is submitted again before giving up.
pub const MAX_CHALLENGE_RETRIES: u32 = 2;

/// First pause before submitting such a challenge again; doubles.
pub const CHALLENGE_RETRY_PAUSE: Duration = Duration::from_secs(1);

/// How long an order may stay `pending` before the authorizations not yet
/// valid are read, for servers that leave the order `pending` after a
/// failure (one request per name, so not at every poll).
pub const AUTHZ_CHECK_AFTER: Duration = Duration::from_secs(15);

/// A challenge certwright answered, and what the CA last said about it.
#[derive(Debug, Clone)]
pub struct Answered {
    pub identifier: Identifier,
    pub authz_url: String,
    pub challenge: Challenge,
    retries: u32,
    resolved: bool,
}

impl Answered {
    /// `challenge` is the CA's answer to the challenge POST (or the
    /// challenge as listed in the authorization, when it was answered
    /// before).
    pub fn new(identifier: Identifier, authz_url: String, challenge: Challenge) -> Answered {
        Answered {
            identifier,
            authz_url,
            challenge,
            retries: 0,
            resolved: false,
        }
    }
}

/// A local hint for the usual causes of a failed validation, naming the
/// troubleshooting section that explains them.
pub fn hint(f: &ValidationFailure) -> String {
    let kind = f.problem.as_ref().and_then(|p| p.acme_type()).unwrap_or("");
    let detail = f
        .problem
        .as_ref()
        .map(|p| p.to_string())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let name = &f.identifier;
    if f.problem.is_none() {
        return format!(
            "the usual causes: the CA could not reach {name} (port 80 closed, a wrong A/AAAA \
             record), found no challenge file (with --webroot, is -w the document root served for \
             {name}?), or got other content (a CDN or proxy answering); for dns-01 a TXT record it \
             could not see (docs/troubleshooting.md#validation-failures)"
        );
    }
    if kind == "caa" || detail.contains("caa record") {
        return format!(
            "a CAA record of {name} or a parent domain does not allow this CA \
             (docs/troubleshooting.md#caa)"
        );
    }
    match f.challenge {
        ChallengeType::Dns01 => format!(
            "the CA did not see the TXT record _acme-challenge.{name}: did the hook create it in \
             the zone the public DNS serves (a CNAME for delegated validation?), and is an old \
             TXT record still cached? (docs/troubleshooting.md#dns-01-txt-record-not-visible)"
        ),
        ChallengeType::Http01 if kind == "dns" => format!(
            "the CA could not resolve {name}: check its public A/AAAA records \
             (docs/troubleshooting.md#validation-failures)"
        ),
        ChallengeType::Http01 => {
            let not_found = detail.contains("404") || detail.contains("not found");
            let no_connection = kind == "connection"
                || kind == "timeout"
                || detail.contains("connection refused")
                || detail.contains("timeout")
                || detail.contains("could not connect");
            if not_found {
                format!(
                    "the CA reached {name} but found no challenge file: with --webroot, is -w the \
                     document root the web server really serves for {name}? \
                     (docs/troubleshooting.md#http-01-404-not-found)"
                )
            } else if no_connection {
                format!(
                    "the CA could not connect to {name} on port 80: is port 80 open from the \
                     internet (firewall, NAT port forward), also to Let's Encrypt's several \
                     validation locations, and do the A/AAAA records of {name} point at this \
                     machine? (docs/troubleshooting.md#http-01-connection-refused-or-timeout)"
                )
            } else {
                format!(
                    "the CA fetched http://{name}/.well-known/acme-challenge/<token> and got \
                     something other than this run's key authorization: another server (a CDN, \
                     a proxy, an old AAAA record, another certwright run) answers for {name} \
                     (docs/troubleshooting.md#http-01-wrong-content)"
                )
            }
        }
        _ => "see docs/troubleshooting.md#validation-failures".to_string(),
    }
}

/// A failure with its hint filled in.
pub fn with_hint(mut f: ValidationFailure) -> ValidationFailure {
    f.hint = Some(hint(&f));
    f
}

/// The failure an `invalid` authorization stands for: the error of its
/// challenge of type `kind` (else of any challenge), if the CA gave one.
pub fn authorization_failure(
    authz: &Authorization,
    kind: Option<&ChallengeType>,
) -> ValidationFailure {
    let ours = authz
        .challenges
        .iter()
        .find(|c| Some(&c.kind) == kind && c.error.is_some())
        .or_else(|| authz.challenges.iter().find(|c| c.error.is_some()))
        .or_else(|| {
            authz
                .challenges
                .iter()
                .find(|c| c.status == ChallengeStatus::Invalid)
        });
    with_hint(ValidationFailure {
        identifier: authz.identifier.value.clone(),
        challenge: ours
            .map(|c| c.kind.clone())
            .or_else(|| kind.cloned())
            .unwrap_or(ChallengeType::Other("unknown".into())),
        problem: ours.and_then(|c| c.error.clone()),
        state: format!("the authorization is {:?}", authz.status).to_lowercase(),
        hint: None,
    })
}

fn failure(a: &Answered, state: &str) -> ValidationFailure {
    with_hint(ValidationFailure {
        identifier: a.identifier.value.clone(),
        challenge: a.challenge.kind.clone(),
        problem: a.challenge.error.clone(),
        state: state.to_string(),
        hint: None,
    })
}

/// What to do about one challenge, from the CA's latest word on it.
enum Next {
    Done,
    Wait,
    Retry(Duration),
    Failed(ValidationFailure),
}

fn judge(a: &Answered) -> Next {
    match a.challenge.status {
        ChallengeStatus::Valid => Next::Done,
        ChallengeStatus::Invalid => Next::Failed(failure(a, "the challenge is invalid")),
        // smallstep keeps a challenge it could not check `pending`, with
        // the error, until the client submits it again (RFC 8555 §8.2).
        ChallengeStatus::Pending if a.challenge.error.is_some() => {
            if a.retries >= MAX_CHALLENGE_RETRIES {
                Next::Failed(failure(a, "the CA could not validate"))
            } else {
                Next::Retry(CHALLENGE_RETRY_PAUSE * (1 << a.retries))
            }
        }
        ChallengeStatus::Pending | ChallengeStatus::Processing => Next::Wait,
    }
}

/// Settles every challenge whose latest answer is final or asks for a
/// retry; returns the failures.
fn settle(account: &Account<'_>, answered: &mut [Answered]) -> Result<Vec<ValidationFailure>> {
    let transport = &account.client.transport;
    let mut failures = Vec::new();
    for a in answered.iter_mut().filter(|a| !a.resolved) {
        loop {
            match judge(a) {
                Next::Done => a.resolved = true,
                Next::Wait => {}
                Next::Failed(f) => {
                    a.resolved = true;
                    failures.push(f);
                }
                Next::Retry(pause) => {
                    let said = a
                        .challenge
                        .error
                        .as_ref()
                        .map(|p| p.to_string())
                        .unwrap_or_default();
                    transport.progress.warn(&format!(
                        "the CA could not validate {}: {said}; submitting the challenge again in {}",
                        a.identifier,
                        human_duration(pause)
                    ));
                    transport.clock.sleep(pause);
                    a.retries += 1;
                    a.challenge = account.respond(&a.challenge.url)?;
                    continue;
                }
            }
            break;
        }
    }
    Ok(failures)
}

/// Reads the authorizations not yet known to be valid, for servers that
/// leave the order `pending` after a failure; updates `answered`.
fn read_authorizations(
    account: &Account<'_>,
    answered: &mut [Answered],
) -> Result<Vec<ValidationFailure>> {
    for a in answered.iter_mut().filter(|a| !a.resolved) {
        let authz = account.authorization(&a.authz_url)?;
        if let Some(c) = authz.challenges.iter().find(|c| c.url == a.challenge.url) {
            a.challenge = c.clone();
        }
        match authz.status {
            AuthorizationStatus::Valid => a.resolved = true,
            AuthorizationStatus::Pending => {}
            AuthorizationStatus::Invalid => {
                // The challenge carries the reason, if the CA gave one.
                a.challenge.status = ChallengeStatus::Invalid;
                if a.challenge.error.is_none() {
                    a.challenge.error = authz.challenges.iter().find_map(|c| c.error.clone());
                }
            }
            AuthorizationStatus::Deactivated
            | AuthorizationStatus::Expired
            | AuthorizationStatus::Revoked => {
                a.resolved = true;
                let state = format!("the authorization is {:?}", authz.status).to_lowercase();
                return Ok(vec![failure(a, &state)]);
            }
        }
    }
    settle(account, answered)
}

fn rejected(failures: Vec<ValidationFailure>) -> Error {
    AcmeError::ValidationFailed { failures }.into()
}

/// Polls until the order leaves `pending` or a validation is known to have
/// failed. `answered_at` is when the challenges were submitted, so only the
/// CA's fetches after it count.
pub fn await_verdict(
    account: &Account<'_>,
    order_url: &str,
    mut order: (Order, Option<Duration>),
    answered: &mut [Answered],
    sightings: Option<&Sightings>,
    answered_at: Instant,
) -> Result<Order> {
    let transport = &account.client.transport;
    let policy = &transport.policy;
    let failures = settle(account, answered)?;
    if !failures.is_empty() {
        return Err(rejected(failures));
    }
    let started = transport.clock.now();
    let tokens: Vec<String> = answered
        .iter()
        .filter_map(|a| a.challenge.token.clone())
        .collect();
    // What the solver saw so far: nothing, fetches, or a look that found
    // the CA still at work after they settled.
    let mut fetches_seen = false;
    let mut last_look = answered_at;
    let mut looked_after_fetches = false;
    let mut authz_read = started;
    // Every challenge answered `valid` (synchronous validators): the order
    // is ready now, no wait is worth it.
    let mut polls = if answered.iter().all(|a| a.resolved) {
        order = account.order(order_url)?;
        1
    } else {
        0
    };
    loop {
        let (current, retry_after) = &order;
        if current.status != OrderStatus::Pending {
            return Ok(current.clone());
        }
        let schedule = match (sightings, fetches_seen) {
            // The CA is fetching: each new round of fetches brings a look,
            // the schedule only catches a CA that stops without a word.
            (Some(_), true) => &SEEN_FALLBACK[..],
            _ => &VALIDATION_POLL_SCHEDULE[..],
        };
        let step = match retry_after {
            Some(after) => {
                (*after).max(DEFAULT_POLL_SCHEDULE[polls.min(DEFAULT_POLL_SCHEDULE.len() - 1)])
            }
            None => schedule[polls.min(schedule.len() - 1)],
        };
        let waited = transport
            .clock
            .now()
            .duration_since(started)
            .unwrap_or_default();
        if waited + step > policy.order_timeout {
            let limit = human_duration(policy.order_timeout);
            let what = match retry_after {
                Some(after) if *after > VALIDATION_POLL_SCHEDULE[0] => format!(
                    "the CA to validate (the CA asked to check again in {}, past the order timeout of {limit})",
                    human_duration(*after)
                ),
                _ => format!(
                    "the CA to validate (the next check would pass the order timeout of {limit})"
                ),
            };
            return Err(AcmeError::Timeout {
                what,
                waited,
                last_status: Some("pending".into()),
            }
            .into());
        }
        transport
            .progress
            .waiting("waiting for the CA to validate", step);
        match sightings {
            // Wake as soon as the CA has fetched every token and gone quiet,
            // but never before its Retry-After.
            Some(s) => {
                let floor = retry_after.unwrap_or_default();
                let t0 = Instant::now();
                let quiet = match looked_after_fetches {
                    false => QUIET,
                    true if s.spread(&tokens, answered_at) > SPREAD => QUIET_SPREAD,
                    true => QUIET_CLOSE,
                };
                let seen = s.wait(&tokens, answered_at, last_look, quiet, step);
                if seen != Seen::Nothing {
                    fetches_seen = true;
                }
                if seen == Seen::Settled {
                    looked_after_fetches = true;
                }
                let slept = t0.elapsed();
                if slept < floor {
                    transport.clock.sleep(floor - slept);
                }
            }
            None => transport.clock.sleep(step),
        }
        polls += 1;
        last_look = Instant::now();
        order = account.order(order_url)?;
        let now = transport.clock.now();
        if order.0.status == OrderStatus::Pending
            && now.duration_since(authz_read).unwrap_or_default() >= AUTHZ_CHECK_AFTER
        {
            authz_read = now;
            let failures = read_authorizations(account, answered)?;
            if !failures.is_empty() {
                return Err(rejected(failures));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(kind: &str, detail: &str) -> Problem {
        Problem {
            kind: Some(format!("{ACME_ERROR_PREFIX}{kind}")),
            detail: Some(detail.into()),
            ..Problem::default()
        }
    }

    fn fail(challenge: ChallengeType, p: Option<Problem>) -> ValidationFailure {
        with_hint(ValidationFailure {
            identifier: "example.com".into(),
            challenge,
            problem: p,
            state: "the challenge is invalid".into(),
            hint: None,
        })
    }

    #[test]
    fn hints_name_the_usual_cause() {
        let cases = [
            (
                ChallengeType::Http01,
                problem(
                    "unauthorized",
                    "Invalid response from http://example.com/.well-known/acme-challenge/x: 404",
                ),
                "http-01-404-not-found",
            ),
            (
                ChallengeType::Http01,
                problem("connection", "127.0.0.1: Connection refused"),
                "http-01-connection-refused-or-timeout",
            ),
            (
                ChallengeType::Http01,
                problem(
                    "connection",
                    "The server could not connect to validation target",
                ),
                "port 80",
            ),
            (
                ChallengeType::Http01,
                problem("incorrectResponse", "key authorization mismatch"),
                "http-01-wrong-content",
            ),
            (
                ChallengeType::Http01,
                problem(
                    "rejectedIdentifier",
                    "The server will not issue certificates for the identifier",
                ),
                "http-01-wrong-content",
            ),
            (
                ChallengeType::Dns01,
                problem(
                    "unauthorized",
                    "No TXT record found at _acme-challenge.example.com",
                ),
                "dns-01-txt-record-not-visible",
            ),
            (
                ChallengeType::Http01,
                problem("caa", "CAA record for example.com prevents issuance"),
                "#caa",
            ),
        ];
        for (kind, p, want) in cases {
            let hint = fail(kind, Some(p.clone())).hint.unwrap();
            assert!(hint.contains(want), "{p:?}: {hint}");
            assert!(hint.contains("docs/troubleshooting.md"), "{hint}");
        }
    }

    /// Every section a hint points at exists (GitHub's anchor rules:
    /// lowercase, punctuation dropped, spaces to dashes).
    #[test]
    fn hints_point_at_sections_that_exist() {
        let doc = include_str!("../docs/troubleshooting.md");
        let anchors: Vec<String> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .map(|h| {
                h.to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
                    .collect::<String>()
                    .replace(' ', "-")
            })
            .collect();
        let src = include_str!("validation.rs");
        let mut checked = 0;
        for part in src.split("docs/troubleshooting.md#").skip(1) {
            let anchor: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-')
                .collect();
            if anchor.is_empty() {
                continue; // this test's own pattern
            }
            assert!(
                anchors.contains(&anchor),
                "no section for #{anchor} in {anchors:?}"
            );
            checked += 1;
        }
        assert!(checked >= 6, "{checked}");
    }

    #[test]
    fn a_failure_without_a_problem_says_so() {
        let shown = fail(ChallengeType::Http01, None).to_string();
        assert!(
            shown.starts_with(
                "validation of example.com failed: the challenge is invalid (the CA gave no reason)"
            ),
            "{shown}"
        );
        assert!(
            shown.contains("\n  hint (http-01): the usual causes"),
            "{shown}"
        );
    }

    #[test]
    fn a_failure_shows_the_problem_with_subproblems() {
        let mut p = problem("unauthorized", "Some checks failed");
        p.subproblems.push(Problem {
            identifier: Some(Identifier::from_name("example.com")),
            ..problem("connection", "timeout during connect")
        });
        let shown = fail(ChallengeType::Http01, Some(p)).to_string();
        assert!(
            shown.contains("Some checks failed (urn:ietf:params:acme:error:unauthorized)"),
            "{shown}"
        );
        assert!(
            shown.contains("\n    - example.com: timeout during connect"),
            "{shown}"
        );
    }

    fn answered(status: ChallengeStatus, error: Option<Problem>) -> Answered {
        Answered::new(
            Identifier::from_name("example.com"),
            "https://ca/authz/1".into(),
            Challenge {
                kind: ChallengeType::Http01,
                url: "https://ca/chall/1".into(),
                status,
                token: Some("tok".into()),
                error,
                account_uri: None,
                issuer_domain_names: Vec::new(),
            },
        )
    }

    #[test]
    fn judging_each_servers_answers() {
        // Pebble, Let's Encrypt: still working on it.
        assert!(matches!(
            judge(&answered(ChallengeStatus::Processing, None)),
            Next::Wait
        ));
        assert!(matches!(
            judge(&answered(ChallengeStatus::Pending, None)),
            Next::Wait
        ));
        // smallstep, synchronous: done either way in the POST's answer.
        assert!(matches!(
            judge(&answered(ChallengeStatus::Valid, None)),
            Next::Done
        ));
        assert!(matches!(
            judge(&answered(
                ChallengeStatus::Invalid,
                Some(problem("rejectedIdentifier", "x"))
            )),
            Next::Failed(_)
        ));
        // smallstep, connection error: pending with an error, submit again
        // with a growing pause, then give up.
        let mut a = answered(ChallengeStatus::Pending, Some(problem("connection", "x")));
        assert!(matches!(judge(&a), Next::Retry(d) if d == CHALLENGE_RETRY_PAUSE));
        a.retries = 1;
        assert!(matches!(judge(&a), Next::Retry(d) if d == CHALLENGE_RETRY_PAUSE * 2));
        a.retries = MAX_CHALLENGE_RETRIES;
        assert!(
            matches!(judge(&a), Next::Failed(f) if f.problem.as_ref().unwrap().is("connection"))
        );
    }
}
