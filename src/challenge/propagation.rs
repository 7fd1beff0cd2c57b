//! Waiting for dns-01 TXT records to propagate before the CA is told to
//! look: an unconditional delay, then (when a timeout is set) probing until
//! every expected value is visible everywhere, sleeping per a schedule that
//! never sleeps past the deadline.
//!
//! The settings live in one struct with defaults; every layer (flags, a
//! renewal file, later a config file) supplies a [`PropagationOverrides`]
//! with only what the user said, and [`PropagationOverrides::resolve`] fills
//! the rest from the defaults, so user values always win and defaults are
//! never frozen into files.

use crate::clock::{Clock, human_duration};
pub use crate::error::Missing;
use crate::error::{Error, Result};
use crate::progress::Progress;
pub use crate::store::PropagationOverrides;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, SystemTime};

/// Seconds between probes: 1, 2, 4, 8, then 8 ever after (lego and
/// certbot-dns plugins poll every few seconds; a doubling start catches fast
/// providers quickly without hammering slow ones).
pub const DEFAULT_SLEEP_TIMES: [u64; 4] = [1, 2, 4, 8];

/// Settings as used, defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct PropagationSettings {
    /// Unconditional sleep after every record is set.
    pub delay: Duration,
    /// Enables the active check; None = no check.
    pub timeout: Option<Duration>,
    /// Sleeps between probes; the last one repeats.
    pub sleep_times: Vec<Duration>,
    /// Ask this server instead of the zone's authoritative ones.
    pub resolver: Option<String>,
}

impl Default for PropagationSettings {
    fn default() -> Self {
        PropagationSettings {
            delay: Duration::ZERO,
            timeout: None,
            sleep_times: DEFAULT_SLEEP_TIMES
                .iter()
                .map(|s| Duration::from_secs(*s))
                .collect(),
            resolver: None,
        }
    }
}

impl PropagationOverrides {
    /// `self` where it says something, else `lower`.
    pub fn or(self, lower: PropagationOverrides) -> PropagationOverrides {
        PropagationOverrides {
            propagation_delay: self.propagation_delay.or(lower.propagation_delay),
            propagation_timeout: self.propagation_timeout.or(lower.propagation_timeout),
            propagation_sleep_times: self
                .propagation_sleep_times
                .or(lower.propagation_sleep_times),
            dns_resolver: self.dns_resolver.or(lower.dns_resolver),
        }
    }

    pub fn resolve(&self) -> Result<PropagationSettings> {
        let mut settings = PropagationSettings::default();
        if let Some(d) = self.propagation_delay {
            settings.delay = Duration::from_secs(d);
        }
        if let Some(t) = self.propagation_timeout {
            settings.timeout = Some(Duration::from_secs(t));
        }
        if let Some(times) = &self.propagation_sleep_times {
            if times.is_empty() || times.contains(&0) {
                return Err(Error::Usage(format!(
                    "propagation sleep times must be positive seconds, e.g. 1,2,4,8 (got {times:?})"
                )));
            }
            settings.sleep_times = times.iter().map(|s| Duration::from_secs(*s)).collect();
        }
        if let Some(r) = &self.dns_resolver {
            parse_server(r)?;
            settings.resolver = Some(r.clone());
        }
        Ok(settings)
    }
}

/// Parses `--propagation-sleep-times 1,2,4,8`.
pub fn parse_sleep_times(text: &str) -> std::result::Result<Vec<u64>, String> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            match part.parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!(
                    "{part:?} is not a positive number of seconds (expected e.g. 1,2,4,8)"
                )),
            }
        })
        .collect()
}

/// The schedule: the n-th sleep (0-based), repeating the last value.
pub fn nth_sleep(sleep_times: &[Duration], n: usize) -> Duration {
    sleep_times
        .get(n)
        .or(sleep_times.last())
        .copied()
        .unwrap_or(Duration::from_secs(
            DEFAULT_SLEEP_TIMES[DEFAULT_SLEEP_TIMES.len() - 1],
        ))
}

/// Probes in a row in which no server could be asked before the wait
/// gives up on the cause instead of on the timeout.
pub const CANNOT_CHECK_PROBES: u32 = 2;

/// One TXT name and the values that must all be visible there.
pub type Expected = BTreeMap<String, BTreeSet<String>>;

pub const DNS_PORT: u16 = 53;

/// Parses `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address.
pub fn parse_server(text: &str) -> Result<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(ip) = text.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, DNS_PORT));
    }
    Err(Error::Usage(format!(
        "--dns-resolver {text:?} is not an IP address with an optional port (e.g. 192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)"
    )))
}

/// Looks once; returns what is still missing (empty = all visible).
/// `time_left` bounds the probe's own network timeouts.
pub trait Probe {
    fn probe(&mut self, expected: &Expected, time_left: Duration) -> Vec<Missing>;
}

/// Sleeps `delay`, then, with a timeout set, probes until nothing is missing
/// or the deadline passes. A sleep that would end after the deadline is
/// shortened to end on it, and one last probe runs there.
pub fn wait(
    settings: &PropagationSettings,
    expected: &Expected,
    probe: &mut dyn Probe,
    clock: &dyn Clock,
    progress: &dyn Progress,
) -> Result<()> {
    delay(settings, clock, progress);
    let Some(timeout) = settings.timeout else {
        return Ok(());
    };
    let records: usize = expected.values().map(BTreeSet::len).sum();
    progress.step(&format!(
        "checking that {records} TXT record(s) are visible (for up to {})",
        human_duration(timeout)
    ));
    let started = clock.now();
    let deadline = started + timeout;
    let mut unanswered = 0;
    for n in 0.. {
        let now = clock.now();
        let left = deadline.duration_since(now).unwrap_or(Duration::ZERO);
        let missing = probe.probe(expected, left);
        if missing.is_empty() {
            progress.step(&format!(
                "all TXT records are visible after {}",
                human_duration(elapsed(clock, started))
            ));
            return Ok(());
        }
        // Twice in a row, so one lost UDP answer does not end the wait.
        if missing.iter().all(|m| m.cannot_check) {
            unanswered += 1;
            if unanswered >= CANNOT_CHECK_PROBES {
                return Err(Error::DnsCheckImpossible { missing });
            }
        } else {
            unanswered = 0;
        }
        let now = clock.now();
        let left = match deadline.duration_since(now) {
            Ok(left) if !left.is_zero() => left,
            _ => {
                return Err(Error::DnsNotPropagated {
                    waited: elapsed(clock, started),
                    missing,
                });
            }
        };
        let sleep = nth_sleep(&settings.sleep_times, n).min(left);
        progress.waiting(&waiting_message(&missing, left), sleep);
        clock.sleep(sleep);
    }
    unreachable!("the probe loop only ends by returning")
}

/// Only the unconditional part of [`wait`], for when there is nothing to
/// probe.
pub fn delay(settings: &PropagationSettings, clock: &dyn Clock, progress: &dyn Progress) {
    if !settings.delay.is_zero() {
        progress.waiting(
            &format!(
                "waiting {} for DNS propagation (propagation delay)",
                human_duration(settings.delay)
            ),
            settings.delay,
        );
        clock.sleep(settings.delay);
    }
}

fn elapsed(clock: &dyn Clock, since: SystemTime) -> Duration {
    clock.now().duration_since(since).unwrap_or(Duration::ZERO)
}

fn waiting_message(missing: &[Missing], left: Duration) -> String {
    let names: BTreeSet<&str> = missing.iter().map(|m| m.name.as_str()).collect();
    let names: Vec<&str> = names.into_iter().collect();
    let shown = if names.len() > 3 {
        format!("{} and {} more", names[..3].join(", "), names.len() - 3)
    } else {
        names.join(", ")
    };
    format!(
        "waiting for DNS: {shown} not yet visible at {} server(s), {} left",
        missing
            .iter()
            .map(|m| m.server.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        human_duration(left)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FakeClock;
    use std::sync::Mutex;

    /// Missing until the clock reaches `visible_at`; records when it probed.
    struct FakeProbe<'a> {
        clock: &'a FakeClock,
        visible_at: Option<Duration>,
        start: SystemTime,
        probes: Vec<Duration>,
    }

    impl Probe for FakeProbe<'_> {
        fn probe(&mut self, _: &Expected, _: Duration) -> Vec<Missing> {
            let t = self.clock.now().duration_since(self.start).unwrap();
            self.probes.push(t);
            match self.visible_at {
                Some(v) if t >= v => Vec::new(),
                _ => vec![Missing {
                    name: "_acme-challenge.example.com".into(),
                    via: None,
                    server: "ns1.example.net (192.0.2.1)".into(),
                    detail: "no TXT records".into(),
                    cannot_check: false,
                }],
            }
        }
    }

    /// No server answers; `answers_at` the n-th probe gets an answer.
    struct Unanswered {
        probes: u32,
        answers_at: Option<u32>,
    }

    impl Probe for Unanswered {
        fn probe(&mut self, _: &Expected, _: Duration) -> Vec<Missing> {
            self.probes += 1;
            vec![Missing {
                name: "_acme-challenge.example.com".into(),
                via: None,
                server: "127.0.0.1:9".into(),
                detail: "127.0.0.1:9: Connection refused".into(),
                cannot_check: self.answers_at != Some(self.probes),
            }]
        }
    }

    #[test]
    fn a_check_that_cannot_be_made_ends_early_with_its_cause() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let clock = FakeClock::new(start);
        let settings = PropagationSettings {
            timeout: Some(Duration::from_secs(600)),
            ..PropagationSettings::default()
        };
        let mut probe = Unanswered {
            probes: 0,
            answers_at: None,
        };
        let result = wait(
            &settings,
            &expected(),
            &mut probe,
            &clock,
            &Waits::default(),
        );
        let e = result.unwrap_err();
        assert!(matches!(e, Error::DnsCheckImpossible { .. }), "{e}");
        assert_eq!(probe.probes, CANNOT_CHECK_PROBES);
        assert_eq!(clock.sleeps(), secs(&[1]), "gave up after the first sleep");
        let text = e.to_string();
        assert!(text.contains("127.0.0.1:9: Connection refused"), "{text}");
        assert!(!text.contains("propagation-timeout"), "{text}");

        // An answer in between starts the count again.
        let clock = FakeClock::new(start);
        let mut probe = Unanswered {
            probes: 0,
            answers_at: Some(2),
        };
        let e = wait(
            &settings,
            &expected(),
            &mut probe,
            &clock,
            &Waits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, Error::DnsCheckImpossible { .. }), "{e}");
        assert_eq!(probe.probes, 4);
    }

    /// docs/dns.md shows these messages; this keeps them what the binary
    /// prints.
    #[test]
    fn the_messages_in_docs_dns_md_are_the_real_ones() {
        let doc = include_str!("../../docs/dns.md");
        let missing = |name: &str, server: &str, detail: &str| Missing {
            name: name.into(),
            via: None,
            server: server.into(),
            detail: detail.into(),
            cannot_check: false,
        };
        let waiting = waiting_message(
            &[
                missing(
                    "_acme-challenge.example.com",
                    "ns1.provider.net (192.0.2.1)",
                    "no TXT record yet",
                ),
                missing(
                    "_acme-challenge.example.com",
                    "ns2.provider.net (192.0.2.2)",
                    "no TXT record yet",
                ),
            ],
            Duration::from_secs(281),
        );
        let next = Duration::from_secs(8);
        for shown in [
            format!(
                "⠙ {} [19s]",
                crate::output::wait_spinner_message(&waiting, next)
            ),
            crate::output::wait_line(&waiting, next),
        ] {
            assert!(
                doc.contains(&format!("\n{shown}\n")),
                "docs/dns.md lacks:\n{shown}"
            );
        }
        let error = Error::DnsNotPropagated {
            waited: Duration::from_secs(300),
            missing: vec![
                missing(
                    "_acme-challenge.example.com",
                    "ns2.provider.net (192.0.2.2)",
                    "1 of 2 expected value(s) missing (w-4Z6VmiFpvBeKsVOSfXkZohTbqpEC2_dsBsYcLbtzs)",
                ),
                missing(
                    "_acme-challenge.www.example.com",
                    "ns1.provider.net (192.0.2.1)",
                    "no TXT record yet",
                ),
            ],
        };
        let shown = format!("error: {error}");
        assert!(
            doc.contains(&format!("\n{shown}\n")),
            "docs/dns.md lacks:\n{shown}"
        );
    }

    #[derive(Default)]
    struct Waits(Mutex<Vec<(String, Duration)>>);
    impl Progress for Waits {
        fn step(&self, _: &str) {}
        fn waiting(&self, what: &str, d: Duration) {
            self.0.lock().unwrap().push((what.to_string(), d));
        }
        fn request(&self, _: &str, _: &str, _: Option<u16>, _: Duration) {}
        fn warn(&self, _: &str) {}
    }

    fn secs(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|s| Duration::from_secs(*s)).collect()
    }

    fn expected() -> Expected {
        let mut e = Expected::new();
        e.entry("_acme-challenge.example.com".into())
            .or_default()
            .insert("v".into());
        e
    }

    fn run(
        settings: &PropagationSettings,
        visible_at: Option<u64>,
    ) -> (Result<()>, FakeClock, Vec<Duration>, Waits) {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let clock = FakeClock::new(start);
        let waits = Waits::default();
        let mut probe = FakeProbe {
            clock: &clock,
            visible_at: visible_at.map(Duration::from_secs),
            start,
            probes: Vec::new(),
        };
        let result = wait(settings, &expected(), &mut probe, &clock, &waits);
        let probes = probe.probes;
        (result, clock, probes, waits)
    }

    #[test]
    fn default_schedule_then_last_value_repeats() {
        let settings = PropagationSettings {
            timeout: Some(Duration::from_secs(60)),
            ..Default::default()
        };
        let (result, clock, probes, _) = run(&settings, Some(30));
        result.unwrap();
        assert_eq!(clock.sleeps(), secs(&[1, 2, 4, 8, 8, 8]));
        assert_eq!(probes, secs(&[0, 1, 3, 7, 15, 23, 31]));
    }

    #[test]
    fn user_sleep_times_are_honoured() {
        let settings = PropagationOverrides {
            propagation_timeout: Some(100),
            propagation_sleep_times: Some(vec![3, 5]),
            propagation_delay: Some(10),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        let (result, clock, probes, waits) = run(&settings, Some(24));
        result.unwrap();
        // The delay first, then 3, then 5 ever after.
        assert_eq!(clock.sleeps(), secs(&[10, 3, 5, 5, 5]));
        assert_eq!(probes, secs(&[10, 13, 18, 23, 28]));
        let waits = waits.0.into_inner().unwrap();
        assert!(waits[0].0.contains("propagation delay"), "{waits:?}");
        assert!(
            waits[1].0.contains("_acme-challenge.example.com")
                && waits[1].0.contains("1 min 40 s left"),
            "{waits:?}"
        );
    }

    #[test]
    fn never_sleeps_past_the_deadline_and_probes_once_more_on_it() {
        let settings = PropagationSettings {
            timeout: Some(Duration::from_secs(20)),
            ..Default::default()
        };
        let (result, clock, probes, _) = run(&settings, None);
        // 1+2+4+8 = 15; the next 8 would end at 23, so it is cut to 5.
        assert_eq!(clock.sleeps(), secs(&[1, 2, 4, 8, 5]));
        assert_eq!(*probes.last().unwrap(), Duration::from_secs(20));
        assert_eq!(
            clock.sleeps().iter().sum::<Duration>(),
            Duration::from_secs(20)
        );
        match result {
            Err(Error::DnsNotPropagated { waited, missing }) => {
                assert_eq!(waited, Duration::from_secs(20));
                assert_eq!(missing[0].name, "_acme-challenge.example.com");
            }
            other => panic!("expected DnsNotPropagated, got {other:?}"),
        }
    }

    #[test]
    fn a_deadline_shorter_than_the_first_sleep_is_respected() {
        let settings = PropagationSettings {
            timeout: Some(Duration::from_millis(300)),
            sleep_times: secs(&[5]),
            ..Default::default()
        };
        let (result, clock, probes, _) = run(&settings, None);
        assert!(result.is_err());
        assert_eq!(clock.sleeps(), vec![Duration::from_millis(300)]);
        assert_eq!(probes.len(), 2);
    }

    #[test]
    fn without_a_timeout_only_the_delay_applies() {
        let settings = PropagationSettings {
            delay: Duration::from_secs(7),
            ..Default::default()
        };
        let (result, clock, probes, _) = run(&settings, None);
        result.unwrap();
        assert_eq!(clock.sleeps(), secs(&[7]));
        assert!(probes.is_empty(), "no active check without a timeout");
    }

    #[test]
    fn user_values_override_lower_layers_and_defaults() {
        let flags = PropagationOverrides {
            propagation_timeout: Some(30),
            ..Default::default()
        };
        let renewal_file = PropagationOverrides {
            propagation_timeout: Some(600),
            propagation_delay: Some(5),
            ..Default::default()
        };
        let s = flags.or(renewal_file).resolve().unwrap();
        assert_eq!(s.timeout, Some(Duration::from_secs(30)));
        assert_eq!(s.delay, Duration::from_secs(5));
        assert_eq!(s.sleep_times, secs(&DEFAULT_SLEEP_TIMES));
    }

    #[test]
    fn sleep_time_lists_are_checked() {
        assert_eq!(parse_sleep_times("1, 2,4,8").unwrap(), vec![1, 2, 4, 8]);
        assert!(parse_sleep_times("1,0").is_err());
        assert!(parse_sleep_times("1,,2").is_err());
        assert!(parse_sleep_times("fast").is_err());
        let bad = PropagationOverrides {
            propagation_sleep_times: Some(vec![]),
            ..Default::default()
        };
        assert!(bad.resolve().is_err());
    }
}
