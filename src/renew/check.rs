//! `certwright check`: the Nagios / Icinga plugin verdict over every
//! lineage, from what is on disk only (no network: a monitoring system runs
//! it every few minutes).
//!
//! Pure: lineage facts, `now` and the thresholds in, one [`Report`] out.
//! The output follows the Monitoring Plugins Development Guidelines: one
//! status line `CERTWRIGHT <STATE> - <summary> | <perfdata>`, then one line
//! per lineage that is not OK, and the exit status 0 OK, 1 WARNING,
//! 2 CRITICAL, 3 UNKNOWN.

use crate::clock::rfc3339;
use crate::renew::inventory::Entry;
use std::time::{Duration, SystemTime};

pub const DEFAULT_WARNING_DAYS: u32 = 30;
pub const DEFAULT_CRITICAL_DAYS: u32 = 7;
const DAY: u64 = 86400;

/// Plugin states, in the order a summary escalates through them: an
/// unreadable lineage outranks a warning (it may hide a worse one), a
/// critical outranks everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Ok,
    Warning,
    Unknown,
    Critical,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Unknown => "UNKNOWN",
            State::Critical => "CRITICAL",
        }
    }

    /// The plugin API's exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Critical => 2,
            State::Unknown => 3,
        }
    }
}

/// When a certificate's remaining lifetime turns WARNING / CRITICAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub warning: Duration,
    pub critical: Duration,
}

impl Thresholds {
    /// From `--warning DAYS --critical DAYS`; a warning shorter than the
    /// critical threshold could never fire, so it is refused.
    pub fn from_days(warning: u32, critical: u32) -> Result<Thresholds, String> {
        if warning < critical {
            return Err(format!(
                "--warning ({warning} days) must not be shorter than --critical ({critical} days)"
            ));
        }
        Ok(Thresholds {
            warning: Duration::from_secs(u64::from(warning) * DAY),
            critical: Duration::from_secs(u64::from(critical) * DAY),
        })
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds::from_days(DEFAULT_WARNING_DAYS, DEFAULT_CRITICAL_DAYS)
            .expect("the defaults are ordered")
    }
}

/// What the store knows about one lineage, gathered by the caller.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub name: String,
    /// None when the certificate could not be read.
    pub not_after: Option<SystemTime>,
    /// Why the lineage cannot be read or renewed (corrupt renewal file,
    /// missing certificate), with the fix.
    pub broken: Option<String>,
    pub revoked: bool,
    /// Consecutive failed renewals of the installed certificate and the
    /// last error (from the renewal state).
    pub failures: u32,
    pub last_error: Option<String>,
    /// The CA moved its suggested renewal window earlier than the one
    /// stored: (stored start, new start). A CA does that when it is going
    /// to revoke the certificate early.
    pub window_moved_earlier: Option<(SystemTime, SystemTime)>,
}

impl Facts {
    pub fn of(e: &Entry) -> Facts {
        let state = e.state.as_ref();
        let failure = state.and_then(|s| s.failure.as_ref());
        let ari = state.and_then(|s| s.ari.as_ref());
        Facts {
            name: e.name.clone(),
            not_after: e.installed.as_ref().ok().map(|i| i.facts.not_after),
            broken: e.broken().map(ToString::to_string),
            revoked: e.revoked(),
            failures: failure.map_or(0, |f| f.count),
            last_error: failure.map(|f| f.error.clone()),
            window_moved_earlier: ari.and_then(|a| Some((a.moved_earlier_from?, a.window_start?))),
        }
    }
}

/// One lineage's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub name: String,
    pub state: State,
    /// Why, for the long output (empty for OK).
    pub why: String,
    /// Seconds left, for the perfdata (negative once expired).
    pub remaining: Option<i64>,
}

fn days(d: i64) -> String {
    let whole = d / DAY as i64;
    match whole {
        1 | -1 => format!("{whole} day"),
        _ => format!("{whole} days"),
    }
}

pub fn judge(facts: &Facts, now: SystemTime, t: Thresholds) -> Verdict {
    let remaining = facts.not_after.map(|na| signed_secs(na, now));
    let mut state = State::Ok;
    let mut why = Vec::new();
    let mut raise = |s: State, reason: String| {
        state = state.max(s);
        why.push(reason);
    };
    match remaining {
        None => raise(
            State::Unknown,
            "the certificate cannot be read, so its expiry is unknown".into(),
        ),
        Some(r) if r <= 0 => raise(
            State::Critical,
            format!("expired {} ago", days(-r).trim_start_matches('-')),
        ),
        Some(r) if r < t.critical.as_secs() as i64 => {
            raise(State::Critical, format!("expires in {}", days(r)))
        }
        Some(r) if r < t.warning.as_secs() as i64 => {
            raise(State::Warning, format!("expires in {}", days(r)))
        }
        Some(_) => {}
    }
    if let Some(b) = &facts.broken {
        // A lineage that cannot be renewed will expire: as bad as its
        // remaining time says, and at least a warning now.
        raise(State::Warning, format!("broken: {b}"));
    }
    if facts.revoked {
        raise(State::Critical, "revoked".into());
    }
    if facts.failures > 0 {
        let past_warning = remaining.is_some_and(|r| r < t.warning.as_secs() as i64);
        let text = format!(
            "{} failed renewal(s){}",
            facts.failures,
            facts
                .last_error
                .as_deref()
                .map(|e| format!(", last: {e}"))
                .unwrap_or_default()
        );
        // Failing early in the renewal period is normal retrying; failing
        // inside the warning period means it will not fix itself in time.
        raise(
            if past_warning {
                State::Critical
            } else {
                State::Ok
            },
            text,
        );
    }
    if let Some((stored, new)) = facts.window_moved_earlier {
        raise(
            State::Critical,
            format!(
                "the CA moved its renewal window earlier (from {} to {}): it may revoke the certificate early; run `certwright renew`",
                rfc3339(stored),
                rfc3339(new)
            ),
        );
    }
    Verdict {
        name: facts.name.clone(),
        state,
        why: if state == State::Ok {
            String::new()
        } else {
            why.join("; ")
        },
        remaining,
    }
}

fn signed_secs(t: SystemTime, now: SystemTime) -> i64 {
    match t.duration_since(now) {
        Ok(d) => d.as_secs().min(i64::MAX as u64) as i64,
        Err(e) => -(e.duration().as_secs().min(i64::MAX as u64) as i64),
    }
}

/// The whole plugin answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub state: State,
    pub verdicts: Vec<Verdict>,
    /// Everything to print on stdout.
    pub text: String,
}

/// A perfdata label: quoted, with quotes doubled (guidelines §2.6).
fn label(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

pub fn report(lineages: &[Facts], now: SystemTime, t: Thresholds, where_: &str) -> Report {
    let verdicts: Vec<Verdict> = lineages.iter().map(|f| judge(f, now, t)).collect();
    if verdicts.is_empty() {
        return Report {
            state: State::Unknown,
            verdicts,
            text: format!(
                "CERTWRIGHT UNKNOWN - no certificates in {where_} (wrong --config-dir?)\n"
            ),
        };
    }
    let state = verdicts.iter().map(|v| v.state).max().unwrap_or(State::Ok);
    let bad: Vec<&Verdict> = verdicts.iter().filter(|v| v.state != State::Ok).collect();
    let summary = if bad.is_empty() {
        let soonest = verdicts
            .iter()
            .filter_map(|v| v.remaining.map(|r| (r, &v.name)))
            .min();
        match soonest {
            Some((r, name)) => format!(
                "{} certificate(s) fine; next expiry {name} in {}",
                verdicts.len(),
                days(r)
            ),
            None => format!("{} certificate(s) fine", verdicts.len()),
        }
    } else {
        let first = bad
            .iter()
            .max_by_key(|v| v.state)
            .expect("bad is not empty");
        format!(
            "{} of {} certificate(s) need attention: {} {}{}",
            bad.len(),
            verdicts.len(),
            first.name,
            first.why,
            if bad.len() > 1 { "; ..." } else { "" }
        )
    };
    // Remaining lifetime alerts when it falls *below* the thresholds, which
    // the range syntax spells `N:` (alert outside N..infinity).
    let perf: Vec<String> = verdicts
        .iter()
        .filter_map(|v| {
            v.remaining.map(|r| {
                format!(
                    "{}={r}s;{}:;{}:;0;",
                    label(&v.name),
                    t.warning.as_secs(),
                    t.critical.as_secs()
                )
            })
        })
        .collect();
    let mut text = format!("CERTWRIGHT {} - {summary}", state.as_str());
    if !perf.is_empty() {
        text.push_str(" | ");
        text.push_str(&perf.join(" "));
    }
    text.push('\n');
    let mut worst_first = bad;
    worst_first.sort_by(|a, b| b.state.cmp(&a.state).then_with(|| a.name.cmp(&b.name)));
    for v in worst_first {
        text.push_str(&format!("{} {}: {}\n", v.state.as_str(), v.name, v.why));
    }
    Report {
        state,
        verdicts,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    }

    fn in_days(d: i64) -> SystemTime {
        if d >= 0 {
            now() + Duration::from_secs(d as u64 * DAY)
        } else {
            now() - Duration::from_secs((-d) as u64 * DAY)
        }
    }

    fn lineage(name: &str, days_left: i64) -> Facts {
        Facts {
            name: name.into(),
            not_after: Some(in_days(days_left)),
            ..Facts::default()
        }
    }

    fn state(f: Facts) -> State {
        judge(&f, now(), Thresholds::default()).state
    }

    #[test]
    fn remaining_lifetime_against_the_thresholds() {
        assert_eq!(state(lineage("a", 60)), State::Ok);
        assert_eq!(state(lineage("a", 30)), State::Ok);
        assert_eq!(state(lineage("a", 29)), State::Warning);
        assert_eq!(state(lineage("a", 7)), State::Warning);
        assert_eq!(state(lineage("a", 6)), State::Critical);
        assert_eq!(state(lineage("a", 0)), State::Critical);
        assert_eq!(state(lineage("a", -3)), State::Critical);
    }

    #[test]
    fn revoked_is_critical_however_long_it_has_left() {
        let mut f = lineage("a", 80);
        f.revoked = true;
        assert_eq!(state(f), State::Critical);
    }

    #[test]
    fn failing_renewals_are_critical_only_past_the_warning_time() {
        let mut early = lineage("a", 40);
        early.failures = 3;
        early.last_error = Some("rateLimited".into());
        assert_eq!(state(early.clone()), State::Ok);
        let mut late = early;
        late.not_after = Some(in_days(20));
        let v = judge(&late, now(), Thresholds::default());
        assert_eq!(v.state, State::Critical);
        assert!(
            v.why.contains("3 failed renewal(s), last: rateLimited"),
            "{}",
            v.why
        );
        // Without failures the same lineage is only a warning.
        assert_eq!(state(lineage("a", 20)), State::Warning);
    }

    #[test]
    fn a_window_moved_earlier_is_critical() {
        let mut f = lineage("a", 60);
        f.window_moved_earlier = Some((in_days(30), in_days(1)));
        let v = judge(&f, now(), Thresholds::default());
        assert_eq!(v.state, State::Critical);
        assert!(
            v.why.contains("moved its renewal window earlier"),
            "{}",
            v.why
        );
    }

    #[test]
    fn broken_lineages_are_unknown_or_warning() {
        let unreadable = Facts {
            name: "b".into(),
            broken: Some("cert.pem is not a certificate".into()),
            ..Facts::default()
        };
        assert_eq!(state(unreadable), State::Unknown);
        let mut unrenewable = lineage("b", 60);
        unrenewable.broken = Some("renewal file is not TOML".into());
        assert_eq!(state(unrenewable.clone()), State::Warning);
        unrenewable.not_after = Some(in_days(2));
        assert_eq!(state(unrenewable), State::Critical);
    }

    #[test]
    fn exit_codes_follow_the_plugin_api() {
        let codes: Vec<u8> = [State::Ok, State::Warning, State::Critical, State::Unknown]
            .iter()
            .map(|s| s.exit_code())
            .collect();
        assert_eq!(codes, [0, 1, 2, 3]);
    }

    #[test]
    fn warning_shorter_than_critical_is_refused() {
        assert!(Thresholds::from_days(5, 7).is_err());
        assert_eq!(
            Thresholds::from_days(14, 3).unwrap().critical,
            Duration::from_secs(3 * DAY)
        );
    }

    #[test]
    fn report_format_status_line_perfdata_and_long_text() {
        let all = [
            lineage("a.test", 60),
            lineage("it's.test", 3),
            lineage("c", 20),
        ];
        let r = report(&all, now(), Thresholds::default(), "/etc/certwright");
        assert_eq!(r.state, State::Critical);
        let lines: Vec<&str> = r.text.lines().collect();
        assert!(
            lines[0].starts_with("CERTWRIGHT CRITICAL - 2 of 3 certificate(s) need attention: it's.test expires in 3 days; ..."),
            "{}",
            lines[0]
        );
        let perf = lines[0].split_once(" | ").unwrap().1;
        assert_eq!(
            perf,
            "'a.test'=5184000s;2592000:;604800:;0; 'it''s.test'=259200s;2592000:;604800:;0; 'c'=1728000s;2592000:;604800:;0;"
        );
        assert_eq!(
            &lines[1..],
            [
                "CRITICAL it's.test: expires in 3 days",
                "WARNING c: expires in 20 days"
            ]
        );
    }

    #[test]
    fn all_fine_names_the_next_expiry() {
        let r = report(
            &[lineage("a", 60), lineage("b", 45)],
            now(),
            Thresholds::default(),
            "/x",
        );
        assert_eq!(r.state, State::Ok);
        assert!(
            r.text
                .starts_with("CERTWRIGHT OK - 2 certificate(s) fine; next expiry b in 45 days | "),
            "{}",
            r.text
        );
        assert_eq!(r.text.lines().count(), 1);
    }

    #[test]
    fn no_lineages_is_unknown() {
        let r = report(&[], now(), Thresholds::default(), "/etc/certwright");
        assert_eq!(r.state, State::Unknown);
        assert!(
            r.text
                .starts_with("CERTWRIGHT UNKNOWN - no certificates in /etc/certwright")
        );
    }

    #[test]
    fn an_unreadable_certificate_has_no_perfdata_but_is_reported() {
        let broken = Facts {
            name: "b".into(),
            broken: Some("no certificate installed; fix: ...".into()),
            ..Facts::default()
        };
        let r = report(
            &[lineage("a", 60), broken],
            now(),
            Thresholds::default(),
            "/x",
        );
        assert_eq!(r.state, State::Unknown);
        assert!(!r.text.lines().next().unwrap().contains("'b'"));
        assert!(r.text.contains("UNKNOWN b: the certificate cannot be read"));
    }
}
