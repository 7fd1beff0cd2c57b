//! When to renew: pure decisions over a certificate's dates, the CA's ARI
//! answer (RFC 9773), earlier failures and the clock, plus the persisted
//! per-lineage and per-server state those decisions read and update.
//!
//! Nothing here reads files, talks to the network or looks at the real
//! clock: `now` and the random source are arguments, so every rule is
//! table-tested. `renew` does the I/O around it; docs/renewal.md explains
//! the rules for users.

pub use crate::store::RenewBefore;
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime};

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(86400);

/// Certificates shorter-lived than this renew at half their lifetime rather
/// than a third, so a 6-day certificate still has days of slack.
pub const SHORT_LIFETIME: Duration = Duration::from_secs(10 * 86400);
/// RFC 9773 §4.3: clamp the CA's Retry-After for renewalInfo to this range.
pub const ARI_MIN_RECHECK: Duration = MINUTE;
pub const ARI_MAX_RECHECK: Duration = DAY;
/// When a renewalInfo answer carries no Retry-After. Let's Encrypt sends 6 h.
pub const ARI_DEFAULT_RECHECK: Duration = Duration::from_secs(6 * 3600);
/// Failed renewals wait 1 min, 10 min, 100 min, 1000 min, then a day.
pub const BACKOFF_FIRST: Duration = MINUTE;
pub const BACKOFF_FACTOR: u32 = 10;
pub const BACKOFF_MAX: Duration = DAY;
/// A backoff never exceeds this fraction of the certificate's lifetime, so a
/// short-lived certificate still gets several attempts before it expires.
pub const BACKOFF_MAX_LIFETIME_DIVISOR: u32 = 10;

/// The built-in margin: a third of the lifetime, half for short lifetimes.
pub fn default_renew_before(lifetime: Duration) -> RenewBefore {
    if lifetime < SHORT_LIFETIME {
        RenewBefore::Fraction(0.5)
    } else {
        RenewBefore::Fraction(1.0 / 3.0)
    }
}

/// The validity of the installed certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct CertFacts {
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    /// Hex serial: identifies which certificate the persisted state is about.
    pub serial: String,
    /// RFC 9773 certID; None when the certificate has no AKI.
    pub cert_id: Option<String>,
}

impl CertFacts {
    pub fn lifetime(&self) -> Duration {
        self.not_after
            .duration_since(self.not_before)
            .unwrap_or_default()
    }
}

/// When renewal is due without ARI.
pub fn fallback_due_at(cert: &CertFacts, renew_before: Option<RenewBefore>) -> SystemTime {
    let lifetime = cert.lifetime();
    let margin = renew_before
        .unwrap_or_else(|| default_renew_before(lifetime))
        .margin(lifetime);
    cert.not_after
        .checked_sub(margin)
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// A uniformly random instant in [start, end) (RFC 9773 §4.2 recommends
/// exactly this, so a fleet's renewals spread over the whole window).
pub fn pick_in_window(start: SystemTime, end: SystemTime, rng: &mut impl rand::Rng) -> SystemTime {
    let width = end.duration_since(start).unwrap_or_default();
    if width.is_zero() {
        return start;
    }
    let ms = width.as_millis().min(u128::from(u64::MAX)) as u64;
    start + Duration::from_millis(rng.random_range(0..ms))
}

/// The CA's Retry-After for renewalInfo, clamped (RFC 9773 §4.3).
pub fn ari_recheck_after(retry_after: Option<Duration>) -> Duration {
    retry_after
        .unwrap_or(ARI_DEFAULT_RECHECK)
        .clamp(ARI_MIN_RECHECK, ARI_MAX_RECHECK)
}

/// The wait after the `failures`-th consecutive failure (1-based):
/// 1 min, 10 min, 100 min, 1000 min, then a day.
pub fn backoff_step(failures: u32) -> Duration {
    let mut step = BACKOFF_FIRST;
    for _ in 1..failures.max(1) {
        step = step.saturating_mul(BACKOFF_FACTOR);
        if step >= BACKOFF_MAX {
            break;
        }
    }
    step.min(BACKOFF_MAX)
}

/// [`backoff_step`] for a failed renewal, capped at a tenth of the
/// certificate's lifetime.
pub fn failure_backoff(failures: u32, lifetime: Duration) -> Duration {
    let lifetime_cap = (lifetime / BACKOFF_MAX_LIFETIME_DIVISOR).max(BACKOFF_FIRST);
    backoff_step(failures).min(lifetime_cap)
}

/// Whether to sleep before contacting the CA, and how long.
///
/// Cron jobs and timers across a fleet fire at the same second (":00 every
/// 12 hours"); without a random delay they all reach the CA at once, which
/// is what makes CAs answer "503, retry later". A person at a terminal is
/// never kept waiting, and a run that has nothing to ask the CA returns at
/// once.
pub fn random_sleep(
    interactive: bool,
    enabled: bool,
    max: Duration,
    must_contact_ca: bool,
    rng: &mut impl rand::Rng,
) -> Option<Duration> {
    if interactive || !enabled || !must_contact_ca || max.is_zero() {
        return None;
    }
    let ms = max.as_millis().min(u128::from(u64::MAX)) as u64;
    Some(Duration::from_millis(rng.random_range(0..=ms)))
}

// ---- persisted state ----

/// renewal/.state/<name>.json: what the last runs learned about the
/// lineage's current certificate. A cache: losing it costs one ARI request
/// and forgets a backoff, nothing more.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LineageState {
    /// Serial (hex) of the certificate this state is about; when the
    /// installed certificate changes, the state starts afresh.
    #[serde(default)]
    pub cert_serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ari: Option<AriState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureState>,
    /// When certwright installed this certificate (for monitoring).
    #[serde(
        default,
        with = "crate::clock::rfc3339_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub installed_at: Option<SystemTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AriState {
    /// The renewalInfo URL for this certificate, so a later run needs no
    /// directory request.
    pub url: String,
    /// The last valid suggested window, kept across failed checks so the
    /// drawn instant survives them.
    #[serde(
        default,
        with = "crate::clock::rfc3339_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub window_start: Option<SystemTime>,
    #[serde(
        default,
        with = "crate::clock::rfc3339_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub window_end: Option<SystemTime>,
    /// The instant drawn once in the window; drawn again only when the
    /// window changes.
    #[serde(
        default,
        with = "crate::clock::rfc3339_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub selected: Option<SystemTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation_url: Option<String>,
    /// Whether the latest check gave a valid window; if not, the fallback
    /// policy decides until the next check.
    pub answered: bool,
    #[serde(with = "crate::clock::rfc3339_serde")]
    pub checked: SystemTime,
    /// Do not ask again before this (Retry-After, clamped; or a backoff).
    #[serde(with = "crate::clock::rfc3339_serde")]
    pub next_check: SystemTime,
    #[serde(default)]
    pub failures: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The window's start before an answer moved it earlier: CAs do that
    /// ahead of revoking certificates early, so monitoring is told (see
    /// `renew::check`). Kept until the certificate is replaced.
    #[serde(
        default,
        with = "crate::clock::rfc3339_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub moved_earlier_from: Option<SystemTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureState {
    /// Consecutive failed renewals of this certificate.
    pub count: u32,
    #[serde(with = "crate::clock::rfc3339_serde")]
    pub last_at: SystemTime,
    /// No new attempt (without --force-renewal) before this.
    #[serde(with = "crate::clock::rfc3339_serde")]
    pub retry_at: SystemTime,
    pub error: String,
}

/// renewal/.state/servers/<server-id>.json: what the CA's directory said
/// about ARI, so a run with nothing to do sends no request at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerState {
    pub directory: String,
    /// The directory's renewalInfo URL; None when the CA has no ARI.
    #[serde(default)]
    pub renewal_info: Option<String>,
    #[serde(with = "crate::clock::rfc3339_serde")]
    pub checked: SystemTime,
    /// Set when the directory could not be read; retry after `retry_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(
        default,
        with = "crate::clock::rfc3339_serde::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_at: Option<SystemTime>,
    #[serde(default)]
    pub failures: u32,
}

impl ServerState {
    pub fn answered(directory: &str, renewal_info: Option<&str>, now: SystemTime) -> ServerState {
        ServerState {
            directory: directory.to_string(),
            renewal_info: renewal_info.map(str::to_string),
            checked: now,
            error: None,
            retry_at: None,
            failures: 0,
        }
    }

    /// The directory could not be read; ask again after a backoff.
    pub fn failed(
        previous: Option<&ServerState>,
        directory: &str,
        error: &str,
        now: SystemTime,
    ) -> ServerState {
        let failures = previous.map_or(0, |p| p.failures) + 1;
        ServerState {
            directory: directory.to_string(),
            renewal_info: None,
            checked: now,
            error: Some(error.to_string()),
            retry_at: Some(now + backoff_step(failures)),
            failures,
        }
    }
}

impl LineageState {
    /// The state for `cert`: the stored one if it is about this
    /// certificate, else a fresh one.
    /// The state of a certificate certwright just installed.
    pub fn installed(cert: &CertFacts, now: SystemTime) -> LineageState {
        LineageState {
            installed_at: Some(now),
            ..LineageState::for_cert(None, cert)
        }
    }

    pub fn for_cert(stored: Option<LineageState>, cert: &CertFacts) -> LineageState {
        match stored {
            Some(s) if s.cert_serial.as_deref() == Some(cert.serial.as_str()) => s,
            _ => LineageState {
                cert_serial: Some(cert.serial.clone()),
                ..LineageState::default()
            },
        }
    }

    /// Records a valid renewalInfo answer.
    pub fn ari_answered(
        &mut self,
        url: &str,
        window: (SystemTime, SystemTime),
        explanation_url: Option<String>,
        retry_after: Option<Duration>,
        now: SystemTime,
        rng: &mut impl rand::Rng,
    ) {
        let (start, end) = window;
        if end <= start {
            // RFC 9773 §4.2: treat as if no response was received.
            self.ari_failed(
                url,
                "the suggested window does not end after it starts",
                None,
                now,
            );
            return;
        }
        let same_window = self.ari.as_ref().is_some_and(|a| {
            a.url == url && a.window_start == Some(start) && a.window_end == Some(end)
        });
        let selected = match (&self.ari, same_window) {
            (Some(a), true) if a.selected.is_some() => a.selected,
            _ => Some(pick_in_window(start, end, rng)),
        };
        let previous = self.ari.as_ref().filter(|a| a.url == url);
        let moved_earlier_from = previous.and_then(|a| {
            a.moved_earlier_from
                .or(a.window_start.filter(|earlier| start < *earlier))
        });
        self.ari = Some(AriState {
            url: url.to_string(),
            window_start: Some(start),
            window_end: Some(end),
            selected,
            explanation_url,
            answered: true,
            checked: now,
            next_check: now + ari_recheck_after(retry_after),
            failures: 0,
            last_error: None,
            moved_earlier_from,
        });
    }

    /// Records a failed (or invalid) renewalInfo answer: the fallback policy
    /// decides until the next check, which backs off like failed renewals,
    /// or waits for the CA's Retry-After (clamped) when that is later.
    pub fn ari_failed(
        &mut self,
        url: &str,
        error: &str,
        retry_after: Option<Duration>,
        now: SystemTime,
    ) {
        let previous = self.ari.take().filter(|a| a.url == url);
        let failures = previous.as_ref().map_or(0, |a| a.failures) + 1;
        let mut next = AriState {
            url: url.to_string(),
            window_start: None,
            window_end: None,
            selected: None,
            explanation_url: None,
            answered: false,
            checked: now,
            next_check: now
                + backoff_step(failures).max(retry_after.map_or(Duration::ZERO, |r| {
                    r.clamp(ARI_MIN_RECHECK, ARI_MAX_RECHECK)
                })),
            failures,
            last_error: Some(error.to_string()),
            moved_earlier_from: None,
        };
        if let Some(p) = previous {
            next.window_start = p.window_start;
            next.window_end = p.window_end;
            next.selected = p.selected;
            next.explanation_url = p.explanation_url;
            next.moved_earlier_from = p.moved_earlier_from;
        }
        self.ari = Some(next);
    }

    /// Records a failed renewal and when the next attempt may happen.
    pub fn renewal_failed(&mut self, error: &str, cert: &CertFacts, now: SystemTime) {
        let count = self.failure.as_ref().map_or(0, |f| f.count) + 1;
        self.failure = Some(FailureState {
            count,
            last_at: now,
            retry_at: now + failure_backoff(count, cert.lifetime()),
            error: error.to_string(),
        });
    }
}

// ---- the decision ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Forced,
    Expired,
    Revoked,
    /// The instant drawn in the CA's suggested window.
    AriWindow,
    /// The renew_before margin (configured or built in).
    RenewBefore,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Forced => "forced",
            Reason::Expired => "expired",
            Reason::Revoked => "revoked",
            Reason::AriWindow => "ari",
            Reason::RenewBefore => "renew_before",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Renew(Reason),
    /// Not due before `at`.
    NotDue {
        at: SystemTime,
        reason: Reason,
    },
    /// Failed recently; no attempt before `until`.
    BackingOff {
        until: SystemTime,
    },
    /// Whether the CA offers ARI is unknown (or its last check failed and
    /// is due again): read the directory, then decide again.
    CheckDirectory,
    /// The ARI answer is missing or stale: fetch it, then decide again.
    CheckAri {
        url: String,
    },
}

impl Decision {
    /// Whether acting on this decision means talking to the CA.
    pub fn contacts_ca(&self) -> bool {
        matches!(
            self,
            Decision::Renew(_) | Decision::CheckDirectory | Decision::CheckAri { .. }
        )
    }
}

pub struct PolicyInput<'a> {
    pub now: SystemTime,
    pub cert: &'a CertFacts,
    pub revoked: bool,
    /// A margin the user configured, used when the CA gives no ARI answer;
    /// None: the built-in margin.
    pub renew_before: Option<RenewBefore>,
    pub state: &'a LineageState,
    /// None: ARI support of the lineage's CA is not known yet.
    pub server: Option<&'a ServerState>,
    pub force: bool,
}

/// The renewal rule, in order: forced; backing off after a failure;
/// expired or revoked; the ARI instant when the CA offers ARI and answered;
/// else the margin (configured, or a third / half of the lifetime).
pub fn decide(input: &PolicyInput<'_>) -> Decision {
    let now = input.now;
    if input.force {
        return Decision::Renew(Reason::Forced);
    }
    if let Some(f) = &input.state.failure
        && f.retry_at > now
    {
        return Decision::BackingOff { until: f.retry_at };
    }
    if now >= input.cert.not_after {
        return Decision::Renew(Reason::Expired);
    }
    if input.revoked {
        return Decision::Renew(Reason::Revoked);
    }
    let fallback = fallback_due_at(input.cert, input.renew_before);
    if let Some(cert_id) = &input.cert.cert_id {
        match input.server {
            None => return Decision::CheckDirectory,
            Some(s) if s.error.is_some() => {
                if s.retry_at.is_none_or(|t| t <= now) {
                    return Decision::CheckDirectory;
                }
            }
            Some(ServerState {
                renewal_info: Some(base),
                ..
            }) => {
                let url = renewal_info_url(base, cert_id);
                match &input.state.ari {
                    Some(a) if a.url == url && a.next_check > now => {
                        if let (true, Some(at)) = (a.answered, a.selected) {
                            // A window past expiry would let the certificate
                            // lapse; the fallback rule then decides.
                            if at < input.cert.not_after {
                                return if at <= now {
                                    Decision::Renew(Reason::AriWindow)
                                } else {
                                    Decision::NotDue {
                                        at,
                                        reason: Reason::AriWindow,
                                    }
                                };
                            }
                        }
                    }
                    _ => return Decision::CheckAri { url },
                }
            }
            Some(_) => {}
        }
    }
    if fallback <= now {
        Decision::Renew(Reason::RenewBefore)
    } else {
        Decision::NotDue {
            at: fallback,
            reason: Reason::RenewBefore,
        }
    }
}

/// `<renewalInfo>/<certID>` (RFC 9773 §4.1).
pub fn renewal_info_url(base: &str, cert_id: &str) -> String {
    format!("{}/{cert_id}", base.trim_end_matches('/'))
}

/// When the next run has anything to do for this lineage: the earlier of a
/// planned renewal and the next ARI check.
pub fn next_action(decision: &Decision, state: &LineageState) -> Option<SystemTime> {
    let ari_check = state.ari.as_ref().map(|a| a.next_check);
    let at = match decision {
        Decision::NotDue { at, .. } => Some(*at),
        Decision::BackingOff { until } => Some(*until),
        _ => None,
    }?;
    Some(match ari_check {
        Some(c) if c < at => c,
        _ => at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    const T0: u64 = 1_800_000_000;
    const HOUR: Duration = Duration::from_secs(3600);

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn days(n: u64) -> Duration {
        DAY * n as u32
    }

    fn cert(lifetime: Duration, with_ari: bool) -> CertFacts {
        CertFacts {
            not_before: at(T0),
            not_after: at(T0) + lifetime,
            serial: "0a".into(),
            cert_id: with_ari.then(|| "aki.serial".to_string()),
        }
    }

    fn server(ari: bool) -> ServerState {
        ServerState::answered(
            "https://ca.test/dir",
            ari.then_some("https://ca.test/renewal-info"),
            at(T0),
        )
    }

    #[test]
    fn renew_before_parses_durations_and_fractions() {
        let ok = [
            ("30d", RenewBefore::Duration(days(30))),
            ("12h", RenewBefore::Duration(HOUR * 12)),
            ("90m", RenewBefore::Duration(MINUTE * 90)),
            ("45s", RenewBefore::Duration(Duration::from_secs(45))),
            ("2w", RenewBefore::Duration(days(14))),
            (" 1/3 ", RenewBefore::Fraction(1.0 / 3.0)),
            ("0.5", RenewBefore::Fraction(0.5)),
        ];
        for (text, want) in ok {
            assert_eq!(RenewBefore::parse(text).unwrap(), want, "{text}");
        }
        for bad in [
            "", "30", "0d", "1/0", "3/2", "1.5", "0.0", "-1d", "5y", "d", "1/x",
        ] {
            assert!(RenewBefore::parse(bad).is_err(), "{bad:?}");
        }
        // Round trip through the renewal file's text form.
        for text in ["30d", "12h", "90m", "45s", "2w", "0.5"] {
            let r = RenewBefore::parse(text).unwrap();
            assert_eq!(RenewBefore::parse(&r.to_string()).unwrap(), r);
        }
        assert_eq!(RenewBefore::parse("36h").unwrap().to_string(), "36h");
    }

    #[test]
    fn fallback_due_table() {
        // (lifetime, configured margin, expected due time after not_before)
        let cases: &[(Duration, Option<&str>, Duration)] = &[
            (days(90), None, days(60)),
            (days(6), None, days(3)),
            (days(10), None, days(10) - days(10) / 3),
            (days(9), None, days(9) / 2),
            (days(90), Some("30d"), days(60)),
            (days(90), Some("7d"), days(83)),
            (days(90), Some("0.5"), days(45)),
            (days(90), Some("1/10"), days(81)),
            // A margin longer than the lifetime: due from the start.
            (days(6), Some("30d"), Duration::ZERO),
        ];
        for (lifetime, margin, want) in cases {
            let c = cert(*lifetime, false);
            let margin = margin.map(|m| RenewBefore::parse(m).unwrap());
            let due = fallback_due_at(&c, margin);
            let got = due.duration_since(at(T0)).unwrap_or_default();
            // Fractions of odd lifetimes round to the nanosecond.
            let diff = got.abs_diff(*want);
            assert!(
                diff < Duration::from_millis(1),
                "{lifetime:?} {margin:?}: {got:?} != {want:?}"
            );
        }
    }

    fn decide_at(
        now: SystemTime,
        c: &CertFacts,
        state: &LineageState,
        server: Option<&ServerState>,
    ) -> Decision {
        decide(&PolicyInput {
            now,
            cert: c,
            revoked: false,
            renew_before: None,
            state,
            server,
            force: false,
        })
    }

    #[test]
    fn decide_without_ari_table() {
        let c = cert(days(90), false);
        let no_ari = server(false);
        let fresh = LineageState::for_cert(None, &c);
        let cases: &[(SystemTime, Decision)] = &[
            (
                at(T0) + days(1),
                Decision::NotDue {
                    at: at(T0) + days(60),
                    reason: Reason::RenewBefore,
                },
            ),
            (
                at(T0) + days(60) - Duration::from_secs(1),
                Decision::NotDue {
                    at: at(T0) + days(60),
                    reason: Reason::RenewBefore,
                },
            ),
            (at(T0) + days(60), Decision::Renew(Reason::RenewBefore)),
            (at(T0) + days(89), Decision::Renew(Reason::RenewBefore)),
            (at(T0) + days(90), Decision::Renew(Reason::Expired)),
            (at(T0) + days(400), Decision::Renew(Reason::Expired)),
        ];
        for (now, want) in cases {
            // The server is known to lack ARI, and a certificate without
            // AKI never asks: both use the margin.
            assert_eq!(&decide_at(*now, &c, &fresh, Some(&no_ari)), want);
            assert_eq!(&decide_at(*now, &c, &fresh, None), want);
        }
    }

    #[test]
    fn forced_revoked_and_configured_margins() {
        let c = cert(days(90), true);
        let s = server(true);
        let mut state = LineageState::for_cert(None, &c);
        let mut rng = StdRng::seed_from_u64(1);
        // ARI says: renew around day 80.
        state.ari_answered(
            "https://ca.test/renewal-info/aki.serial",
            (at(T0) + days(80), at(T0) + days(81)),
            None,
            Some(days(1)),
            at(T0) + days(10),
            &mut rng,
        );
        let base = PolicyInput {
            now: at(T0) + days(10) + HOUR,
            cert: &c,
            revoked: false,
            renew_before: None,
            state: &state,
            server: Some(&s),
            force: false,
        };
        assert!(matches!(
            decide(&base),
            Decision::NotDue {
                reason: Reason::AriWindow,
                ..
            }
        ));
        assert_eq!(
            decide(&PolicyInput {
                force: true,
                ..base
            }),
            Decision::Renew(Reason::Forced)
        );
        assert_eq!(
            decide(&PolicyInput {
                revoked: true,
                ..base
            }),
            Decision::Renew(Reason::Revoked)
        );
        // ARI takes precedence over a configured margin (RFC 9773 §4.2),
        // whether the margin has passed or not...
        for margin in [days(85), days(30)] {
            assert!(matches!(
                decide(&PolicyInput {
                    renew_before: Some(RenewBefore::Duration(margin)),
                    ..base
                }),
                Decision::NotDue {
                    reason: Reason::AriWindow,
                    ..
                }
            ));
        }
        // ...and the margin decides when ARI failed.
        let mut failed = state.clone();
        failed.ari_failed(
            "https://ca.test/renewal-info/aki.serial",
            "HTTP 500",
            None,
            base.now,
        );
        assert_eq!(
            decide(&PolicyInput {
                renew_before: Some(RenewBefore::Duration(days(85))),
                state: &failed,
                ..base
            }),
            Decision::Renew(Reason::RenewBefore)
        );
    }

    #[test]
    fn ari_flow_table() {
        let c = cert(days(90), true);
        let s = server(true);
        let url = "https://ca.test/renewal-info/aki.serial";
        let mut rng = StdRng::seed_from_u64(42);
        let now = at(T0) + days(20);

        // Unknown server: read the directory first.
        let state = LineageState::for_cert(None, &c);
        assert_eq!(decide_at(now, &c, &state, None), Decision::CheckDirectory);
        // Known ARI server, no answer yet: ask.
        assert_eq!(
            decide_at(now, &c, &state, Some(&s)),
            Decision::CheckAri { url: url.into() }
        );

        // Window in the past: renew now.
        let mut past = state.clone();
        past.ari_answered(
            url,
            (now - days(2), now - days(1)),
            None,
            None,
            now,
            &mut rng,
        );
        assert_eq!(
            decide_at(now, &c, &past, Some(&s)),
            Decision::Renew(Reason::AriWindow)
        );

        // Window in the future: not due until the drawn instant, which lies
        // inside the window; no new check before Retry-After (clamped).
        let mut future = state.clone();
        let (ws, we) = (now + days(40), now + days(42));
        future.ari_answered(
            url,
            (ws, we),
            None,
            Some(Duration::from_secs(5)),
            now,
            &mut rng,
        );
        let selected = future.ari.as_ref().unwrap().selected.unwrap();
        assert!(selected >= ws && selected < we);
        assert_eq!(
            decide_at(now + Duration::from_secs(30), &c, &future, Some(&s)),
            Decision::NotDue {
                at: selected,
                reason: Reason::AriWindow
            }
        );
        // Retry-After 5 s was clamped to a minute.
        assert_eq!(future.ari.as_ref().unwrap().next_check, now + MINUTE);
        assert_eq!(
            decide_at(now + MINUTE, &c, &future, Some(&s)),
            Decision::CheckAri { url: url.into() }
        );

        // The same window again keeps the drawn instant; a new window redraws.
        let mut again = future.clone();
        again.ari_answered(url, (ws, we), None, None, now + HOUR, &mut rng);
        assert_eq!(again.ari.as_ref().unwrap().selected, Some(selected));
        again.ari_answered(
            url,
            (ws + days(1), we + days(1)),
            None,
            None,
            now + HOUR,
            &mut rng,
        );
        let redrawn = again.ari.as_ref().unwrap().selected.unwrap();
        assert!(redrawn >= ws + days(1) && redrawn < we + days(1));

        // A window that ends before it starts counts as no answer: the
        // margin rule applies until the next check.
        let mut inverted = state.clone();
        inverted.ari_answered(
            url,
            (now + days(2), now + days(1)),
            None,
            None,
            now,
            &mut rng,
        );
        let a = inverted.ari.as_ref().unwrap();
        assert!(!a.answered);
        assert_eq!(a.next_check, now + MINUTE);
        assert_eq!(
            decide_at(now + Duration::from_secs(10), &c, &inverted, Some(&s)),
            Decision::NotDue {
                at: at(T0) + days(60),
                reason: Reason::RenewBefore
            }
        );

        // A failed check falls back too, and a window past expiry is ignored.
        let mut failed = state.clone();
        failed.ari_failed(url, "HTTP 503", None, now);
        // A Retry-After longer than the backoff is honoured (clamped).
        let mut busy = state.clone();
        busy.ari_failed(url, "busy", Some(HOUR * 3), now);
        assert_eq!(busy.ari.as_ref().unwrap().next_check, now + HOUR * 3);
        busy.ari_failed(url, "busy", Some(days(9)), now);
        assert_eq!(busy.ari.as_ref().unwrap().next_check, now + DAY);
        assert!(matches!(
            decide_at(now, &c, &failed, Some(&s)),
            Decision::NotDue {
                reason: Reason::RenewBefore,
                ..
            }
        ));
        let mut late = state.clone();
        late.ari_answered(
            url,
            (at(T0) + days(95), at(T0) + days(96)),
            None,
            None,
            now,
            &mut rng,
        );
        assert!(matches!(
            decide_at(now, &c, &late, Some(&s)),
            Decision::NotDue {
                reason: Reason::RenewBefore,
                ..
            }
        ));
    }

    #[test]
    fn a_window_moved_earlier_is_remembered_until_the_certificate_changes() {
        let mut rng = StdRng::seed_from_u64(7);
        let c = cert(days(90), true);
        let url = "https://ca.test/renewal-info/aki.serial";
        let mut s = LineageState::installed(&c, at(T0));
        assert_eq!(s.installed_at, Some(at(T0)));
        let first = (at(T0) + days(60), at(T0) + days(62));
        s.ari_answered(url, first, None, None, at(T0), &mut rng);
        // The same window again, or a later one: nothing to report.
        s.ari_answered(url, first, None, None, at(T0) + HOUR, &mut rng);
        assert_eq!(s.ari.as_ref().unwrap().moved_earlier_from, None);
        let earlier = (at(T0) + days(2), at(T0) + days(3));
        s.ari_answered(url, earlier, None, None, at(T0) + HOUR * 2, &mut rng);
        assert_eq!(s.ari.as_ref().unwrap().moved_earlier_from, Some(first.0));
        // A failed check and a later answer keep it.
        s.ari_failed(url, "timeout", None, at(T0) + HOUR * 3);
        s.ari_answered(url, earlier, None, None, at(T0) + HOUR * 4, &mut rng);
        assert_eq!(s.ari.as_ref().unwrap().moved_earlier_from, Some(first.0));
        // A new certificate starts afresh.
        let next = CertFacts {
            serial: "0b".into(),
            ..c.clone()
        };
        assert_eq!(LineageState::for_cert(Some(s), &next).ari, None);
    }

    #[test]
    fn ari_failures_back_off_and_keep_the_drawn_instant() {
        let c = cert(days(90), true);
        let url = "https://ca.test/renewal-info/aki.serial";
        let mut rng = StdRng::seed_from_u64(3);
        let now = at(T0);
        let mut state = LineageState::for_cert(None, &c);
        state.ari_answered(
            url,
            (now + days(60), now + days(61)),
            None,
            None,
            now,
            &mut rng,
        );
        let selected = state.ari.as_ref().unwrap().selected;
        let mut checks = Vec::new();
        for _ in 0..6 {
            state.ari_failed(url, "boom", None, now);
            let a = state.ari.as_ref().unwrap();
            checks.push(a.next_check.duration_since(now).unwrap());
            assert_eq!(a.selected, selected);
        }
        assert_eq!(
            checks,
            vec![MINUTE, MINUTE * 10, MINUTE * 100, MINUTE * 1000, DAY, DAY]
        );
        // A later valid answer with the same window keeps the instant.
        let w = state.ari.as_ref().unwrap();
        let window = (w.window_start.unwrap(), w.window_end.unwrap());
        state.ari_answered(url, window, None, None, now, &mut rng);
        assert_eq!(state.ari.as_ref().unwrap().selected, selected);
        assert_eq!(state.ari.as_ref().unwrap().failures, 0);
    }

    #[test]
    fn directory_failures_fall_back_then_retry() {
        let c = cert(days(90), true);
        let state = LineageState::for_cert(None, &c);
        let now = at(T0) + days(1);
        let down = ServerState::failed(None, "https://ca.test/dir", "refused", now);
        assert_eq!(down.retry_at, Some(now + MINUTE));
        assert!(matches!(
            decide_at(now + Duration::from_secs(30), &c, &state, Some(&down)),
            Decision::NotDue { .. }
        ));
        assert_eq!(
            decide_at(now + MINUTE, &c, &state, Some(&down)),
            Decision::CheckDirectory
        );
        let again = ServerState::failed(Some(&down), "https://ca.test/dir", "refused", now);
        assert_eq!(again.retry_at, Some(now + MINUTE * 10));
    }

    #[test]
    fn renewal_failures_back_off_until_forced() {
        let c = cert(days(90), false);
        let s = server(false);
        let mut state = LineageState::for_cert(None, &c);
        let t = at(T0) + days(70);
        let mut waits = Vec::new();
        for _ in 0..6 {
            state.renewal_failed("validation failed", &c, t);
            let until = state.failure.as_ref().unwrap().retry_at;
            waits.push(until.duration_since(t).unwrap());
            assert_eq!(
                decide_at(t, &c, &state, Some(&s)),
                Decision::BackingOff { until }
            );
            assert_eq!(
                decide(&PolicyInput {
                    now: t,
                    cert: &c,
                    revoked: false,
                    renew_before: None,
                    state: &state,
                    server: Some(&s),
                    force: true,
                }),
                Decision::Renew(Reason::Forced)
            );
            assert_eq!(
                decide_at(until, &c, &state, Some(&s)),
                Decision::Renew(Reason::RenewBefore)
            );
        }
        assert_eq!(
            waits,
            vec![MINUTE, MINUTE * 10, MINUTE * 100, MINUTE * 1000, DAY, DAY]
        );
        // A new certificate starts with a clean slate.
        let renewed = CertFacts {
            serial: "0b".into(),
            ..c.clone()
        };
        assert_eq!(
            LineageState::for_cert(Some(state.clone()), &renewed).failure,
            None
        );
        assert_eq!(LineageState::for_cert(Some(state.clone()), &c), state);
    }

    #[test]
    fn backoff_of_short_lived_certificates_stays_within_a_tenth_of_the_lifetime() {
        let six_days = days(6);
        assert_eq!(failure_backoff(1, six_days), MINUTE);
        assert_eq!(failure_backoff(3, six_days), MINUTE * 100);
        assert_eq!(failure_backoff(5, six_days), six_days / 10);
        // A tiny lifetime still waits the first step.
        assert_eq!(failure_backoff(9, Duration::from_secs(60)), MINUTE);
    }

    #[test]
    fn ari_recheck_is_clamped() {
        assert_eq!(ari_recheck_after(None), ARI_DEFAULT_RECHECK);
        assert_eq!(ari_recheck_after(Some(Duration::ZERO)), MINUTE);
        assert_eq!(ari_recheck_after(Some(HOUR)), HOUR);
        assert_eq!(ari_recheck_after(Some(days(30))), DAY);
    }

    #[test]
    fn picks_are_uniform_over_the_window() {
        let mut rng = StdRng::seed_from_u64(9);
        let (start, end) = (at(T0), at(T0) + HOUR);
        let mut buckets = [0u32; 4];
        for _ in 0..4000 {
            let t = pick_in_window(start, end, &mut rng);
            assert!(t >= start && t < end);
            let q = t.duration_since(start).unwrap().as_secs() / 900;
            buckets[q as usize] += 1;
        }
        for b in buckets {
            assert!((850..1150).contains(&b), "{buckets:?}");
        }
        assert_eq!(pick_in_window(start, start, &mut rng), start);
    }

    #[test]
    fn random_sleep_decision_table() {
        let max = crate::settings::DEFAULT_RANDOM_SLEEP_MAX;
        // (interactive, enabled, max, must contact the CA, sleeps?)
        let cases = [
            (false, true, max, true, true),
            (true, true, max, true, false),
            (false, false, max, true, false),
            (false, true, max, false, false),
            (false, true, Duration::ZERO, true, false),
            (true, false, max, false, false),
        ];
        for (interactive, enabled, max, contact, sleeps) in cases {
            let mut rng = StdRng::seed_from_u64(5);
            let got = random_sleep(interactive, enabled, max, contact, &mut rng);
            assert_eq!(
                got.is_some(),
                sleeps,
                "{interactive} {enabled} {max:?} {contact}"
            );
            if let Some(d) = got {
                assert!(d <= max);
            }
        }
        // Seeded draws spread over the whole range and never exceed it.
        let mut rng = StdRng::seed_from_u64(11);
        let draws: Vec<Duration> = (0..1000)
            .map(|_| random_sleep(false, true, max, true, &mut rng).unwrap())
            .collect();
        assert!(draws.iter().all(|d| *d <= max));
        assert!(draws.iter().any(|d| *d < max / 10));
        assert!(draws.iter().any(|d| *d > max * 9 / 10));
        // Deterministic for a seed, so a failure can be replayed.
        let a = random_sleep(false, true, max, true, &mut StdRng::seed_from_u64(7));
        let b = random_sleep(false, true, max, true, &mut StdRng::seed_from_u64(7));
        assert_eq!(a, b);
    }

    #[test]
    fn state_round_trips_as_json() {
        let c = cert(days(90), true);
        let mut state = LineageState::for_cert(None, &c);
        let mut rng = StdRng::seed_from_u64(1);
        state.ari_answered(
            "https://ca.test/ri/x",
            (at(T0) + days(60), at(T0) + days(62)),
            Some("https://ca.test/why".into()),
            None,
            at(T0),
            &mut rng,
        );
        state.renewal_failed("nope", &c, at(T0));
        let json = serde_json::to_string(&state).unwrap();
        let back: LineageState = serde_json::from_str(&json).unwrap();
        // Times are stored to the second.
        assert_eq!(back.failure, state.failure);
        assert_eq!(
            back.ari.as_ref().unwrap().window_start,
            state.ari.as_ref().unwrap().window_start
        );
        let sel = |s: &LineageState| {
            s.ari
                .as_ref()
                .unwrap()
                .selected
                .unwrap()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        };
        assert_eq!(sel(&back), sel(&state));
    }
}
