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
//! token ([`Sightings`]). How many fetches one validation takes (one per
//! network perspective: Pebble makes 3, Let's Encrypt about 5) is learned
//! from the last validation against the same CA and kept in the store
//! ([`ValidationMemory`]), so the order is read once every token has had
//! that many fetches and the CA had a round trip's time to record its
//! verdict: one look, whatever the CA's pace. Without that knowledge the
//! order is read once every token was fetched and the fetches paused
//! ([`QUIET`]); if the CA was still at work, the next look waits for its
//! next fetches and a longer pause ([`QUIET_SPREAD`]). Before the first
//! fetch, and for solvers that cannot see the CA, a schedule that starts at
//! half a second and grows. A Retry-After from the CA replaces the
//! schedule (it is still never shorter than the quick steps of
//! [`crate::acme::retry::DEFAULT_POLL_SCHEDULE`], so `Retry-After: 0` does
//! not make a tight loop).

use crate::acme::Error as AcmeError;
use crate::acme::client::Account;
use crate::acme::error::ValidationFailure;
use crate::acme::retry::DEFAULT_POLL_SCHEDULE;
use crate::acme::types::*;
use crate::challenge::sightings::{QUIET, QUIET_CLOSE, QUIET_SPREAD, SPREAD, Sightings, Snapshot};
use crate::clock::human_duration;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant, SystemTime};

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

/// With a solver that sees the CA: the looks while it has fetched nothing
/// yet (it has not started, or cannot reach this machine). Every CA seen so
/// far fetches within a few seconds; a look before is most likely wasted.
pub const UNSEEN_LOOKS: [Duration; 2] = [Duration::from_secs(6), Duration::from_secs(8)];

/// How long the CA may go without a new fetch, while more are expected,
/// before the order is read anyway (Pebble's perspectives pause up to
/// `PEBBLE_VA_SLEEPTIME - 1` whole seconds each).
pub const SILENT: Duration = Duration::from_secs(8);

/// After the last expected fetch, the CA needs about a round trip to record
/// its verdict: the look waits twice the challenge POST's round trip, within
/// these bounds.
pub const SETTLE_MIN: Duration = Duration::from_millis(20);
pub const SETTLE_MAX: Duration = Duration::from_secs(1);

/// Without a learned fetch count, a look that found the CA still at work
/// with no fetch since is followed by one after this, doubling up to
/// [`SILENT`] (a CA that fetched at once and records its verdict slowly).
pub const NO_NEWS_PAUSE: Duration = Duration::from_secs(2);

/// renewal/.state/servers/<server-id>.validation.json: how the CA validated
/// last time, so the next validation costs one look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationMemory {
    pub directory: String,
    /// Fetches of each token before the CA's verdict (its perspectives).
    pub fetches_per_validation: u32,
    #[serde(with = "crate::clock::rfc3339_serde")]
    pub learned: SystemTime,
}

/// What a solver that sees the CA brings to the wait.
pub struct Watch<'a> {
    pub sightings: &'a Sightings,
    /// From [`ValidationMemory`], when the CA was seen validating before.
    pub fetches_per_validation: Option<u32>,
    /// How long the challenge POST took.
    pub round_trip: Duration,
}

/// The order once validation is over, and how many fetches of each token
/// it took when a solver saw the CA (to remember for the next time).
#[derive(Debug)]
pub struct Verdict {
    pub order: Order,
    pub fetches_per_validation: Option<u32>,
}

/// Where the poller stands, for [`next_look`].
#[derive(Debug, Clone, Copy)]
struct Looking {
    expected: Option<u32>,
    settle: Duration,
    /// The last look (or the challenge POST, before the first).
    last_look: Instant,
    looks: u32,
    /// Looks since the latest fetch that found the CA still at work.
    looks_since_fetch: u32,
    looked_after_fetches: bool,
}

/// When the next look is worth a request, given what the CA fetched so far.
fn next_look(l: &Looking, snap: &Snapshot) -> Instant {
    let Some(last) = snap.last else {
        return l.last_look + UNSEEN_LOOKS[(l.looks as usize).min(UNSEEN_LOOKS.len() - 1)];
    };
    let news = last > l.last_look;
    let checked = snap.fewest >= l.expected.unwrap_or(1);
    let backoff = |base: Duration| {
        let doublings = l.looks_since_fetch.saturating_sub(1).min(8);
        (base * (1u32 << doublings)).min(SILENT)
    };
    match (news, checked, l.expected) {
        // Every perspective has looked: give the CA a round trip.
        (true, true, Some(_)) => last + l.settle,
        (true, true, None) => {
            let quiet = if !l.looked_after_fetches {
                QUIET
            } else if snap.spread() > SPREAD {
                QUIET_SPREAD
            } else {
                QUIET_CLOSE
            };
            last + quiet
        }
        // More fetches are due: wait for them, or for the CA to go silent.
        (true, false, _) => last + SILENT,
        // All fetched, looked, still at work: it is recording its verdict.
        (false, true, Some(_)) => l.last_look + backoff(l.settle * 2),
        (false, true, None) => l.last_look + backoff(NO_NEWS_PAUSE),
        (false, false, _) => l.last_look + SILENT,
    }
}

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
    watch: Option<Watch<'_>>,
    answered_at: Instant,
) -> Result<Verdict> {
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
    // Only a validation the solver watched from its start teaches how many
    // fetches the CA makes (not one that reused earlier authorizations).
    let learning = !tokens.is_empty() && answered.iter().all(|a| !a.resolved);
    let mut looking = Looking {
        expected: watch.as_ref().and_then(|w| w.fetches_per_validation),
        settle: watch.as_ref().map_or(SETTLE_MIN, |w| {
            (w.round_trip * 2).clamp(SETTLE_MIN, SETTLE_MAX)
        }),
        last_look: answered_at,
        looks: 0,
        looks_since_fetch: 0,
        looked_after_fetches: false,
    };
    let mut seen = Snapshot {
        fewest: 0,
        first: None,
        last: None,
    };
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
            let fetches_per_validation = match &watch {
                Some(_)
                    if learning && current.status != OrderStatus::Invalid && seen.fewest > 0 =>
                {
                    Some(seen.fewest)
                }
                _ => None,
            };
            return Ok(Verdict {
                order: current.clone(),
                fetches_per_validation,
            });
        }
        let floor = retry_after.map(|after| {
            after.max(DEFAULT_POLL_SCHEDULE[polls.min(DEFAULT_POLL_SCHEDULE.len() - 1)])
        });
        let waited = transport
            .clock
            .now()
            .duration_since(started)
            .unwrap_or_default();
        let timeout = |next: Duration| -> Error {
            let limit = human_duration(policy.order_timeout);
            let what = match retry_after {
                Some(after) if *after > VALIDATION_POLL_SCHEDULE[0] && next == *after => format!(
                    "the CA to validate (the CA asked to check again in {}, past the order timeout of {limit})",
                    human_duration(*after)
                ),
                _ => format!(
                    "the CA to validate (the next check would pass the order timeout of {limit})"
                ),
            };
            AcmeError::Timeout {
                what,
                waited,
                last_status: Some("pending".into()),
            }
            .into()
        };
        match &watch {
            // Look when what the CA fetched says it is worth it, never
            // before its Retry-After, and not past the order timeout.
            Some(w) => {
                let now = Instant::now();
                let deadline = now + policy.order_timeout.saturating_sub(waited);
                let at = |snap: &Snapshot| match floor {
                    // The CA's word replaces the wait for a first fetch.
                    Some(f) if snap.last.is_none() => looking.last_look + f,
                    Some(f) => next_look(&looking, snap).max(looking.last_look + f),
                    None => next_look(&looking, snap),
                };
                let planned = at(&w.sightings.snapshot(&tokens, answered_at));
                if planned > deadline {
                    return Err(timeout(floor.unwrap_or_default()));
                }
                transport.progress.waiting(
                    "waiting for the CA to validate",
                    planned.saturating_duration_since(now),
                );
                let mut wanted = planned;
                seen = w.sightings.wait_until(&tokens, answered_at, |snap| {
                    wanted = at(snap);
                    wanted.min(deadline)
                });
                if wanted > deadline {
                    return Err(timeout(floor.unwrap_or_default()));
                }
                let news = seen.last.is_some_and(|last| last > looking.last_look);
                looking.looks_since_fetch = if news {
                    1
                } else {
                    looking.looks_since_fetch + 1
                };
                looking.looked_after_fetches |= seen.last.is_some();
                looking.looks += 1;
                looking.last_look = Instant::now();
            }
            None => {
                let step = floor.unwrap_or(
                    VALIDATION_POLL_SCHEDULE[polls.min(VALIDATION_POLL_SCHEDULE.len() - 1)],
                );
                if waited + step > policy.order_timeout {
                    return Err(timeout(step));
                }
                transport
                    .progress
                    .waiting("waiting for the CA to validate", step);
                transport.clock.sleep(step);
            }
        }
        polls += 1;
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

    fn looking(expected: Option<u32>, at: Instant) -> Looking {
        Looking {
            expected,
            settle: Duration::from_millis(30),
            last_look: at,
            looks: 0,
            looks_since_fetch: 0,
            looked_after_fetches: false,
        }
    }

    fn seen(fewest: u32, first: Option<Instant>, last: Option<Instant>) -> Snapshot {
        Snapshot {
            fewest,
            first,
            last,
        }
    }

    #[test]
    fn with_a_learned_count_the_look_follows_the_last_expected_fetch() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut l = looking(Some(3), t0);
        // Nothing fetched yet: the CA is given seconds before a look.
        assert_eq!(next_look(&l, &seen(0, None, None)), t0 + UNSEEN_LOOKS[0]);
        // Two of three fetches: wait for the third (or for the CA to fall
        // silent), not for a pause.
        let two = seen(2, Some(t0 + ms(100)), Some(t0 + ms(2100)));
        assert_eq!(next_look(&l, &two), t0 + ms(2100) + SILENT);
        // The third: a round trip later.
        let three = seen(3, Some(t0 + ms(100)), Some(t0 + ms(3100)));
        assert_eq!(next_look(&l, &three), t0 + ms(3100) + ms(30));
        // That look found the order pending and no fetch came since: the CA
        // is recording its verdict; look again soon, then less often.
        l.last_look = t0 + ms(3130);
        l.looks = 1;
        l.looks_since_fetch = 1;
        l.looked_after_fetches = true;
        assert_eq!(next_look(&l, &three), l.last_look + ms(60));
        l.looks_since_fetch = 2;
        assert_eq!(next_look(&l, &three), l.last_look + ms(120));
        l.looks_since_fetch = 30;
        assert_eq!(next_look(&l, &three), l.last_look + SILENT);
    }

    #[test]
    fn without_a_learned_count_the_look_follows_a_pause_in_the_fetches() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut l = looking(None, t0);
        let one = seen(1, Some(t0 + ms(100)), Some(t0 + ms(100)));
        assert_eq!(next_look(&l, &one), t0 + ms(100) + QUIET);
        // Still pending: fetches spread over seconds need a long pause,
        // close ones a short one.
        l.last_look = t0 + ms(150);
        l.looks = 1;
        l.looks_since_fetch = 1;
        l.looked_after_fetches = true;
        let spread = seen(2, Some(t0 + ms(100)), Some(t0 + ms(1100)));
        assert_eq!(next_look(&l, &spread), t0 + ms(1100) + QUIET_SPREAD);
        let close = seen(2, Some(t0 + ms(100)), Some(t0 + ms(300)));
        assert_eq!(next_look(&l, &close), t0 + ms(300) + QUIET_CLOSE);
        // No fetch since the look: a pause that doubles.
        assert_eq!(next_look(&l, &one), l.last_look + NO_NEWS_PAUSE);
        l.looks_since_fetch = 2;
        assert_eq!(next_look(&l, &one), l.last_look + NO_NEWS_PAUSE * 2);
        // A token not fetched at all yet: wait for it.
        let partial = seen(0, Some(t0 + ms(100)), Some(t0 + ms(200)));
        assert_eq!(next_look(&l, &partial), t0 + ms(200) + SILENT);
        // Before the first fetch, and after a look that saw none.
        let mut l = looking(None, t0);
        assert_eq!(next_look(&l, &seen(0, None, None)), t0 + UNSEEN_LOOKS[0]);
        l.looks = 5;
        assert_eq!(next_look(&l, &seen(0, None, None)), t0 + UNSEEN_LOOKS[1]);
    }
}
