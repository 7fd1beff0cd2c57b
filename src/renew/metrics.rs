//! The node_exporter textfile-collector format (Prometheus text exposition
//! format 0.0.4) for every lineage: `renew --metrics-file` writes it after
//! each run, `certificates --format prometheus` prints it.
//!
//! Pure rendering; the file is written with the store's atomic write, so
//! the collector never reads half a file.

use crate::renew::inventory::Entry;
use crate::renew::policy::RenewBefore;
use crate::store::{RenewalConfig, Store};
use std::fmt::Write as _;
use std::time::SystemTime;

/// One lineage's numbers, gathered by the caller from the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineageMetrics {
    pub name: String,
    pub not_after: Option<SystemTime>,
    /// When the next run plans to renew (ARI instant or margin).
    pub next_renewal: Option<SystemTime>,
    pub last_success: Option<SystemTime>,
    pub last_failure: Option<SystemTime>,
    pub consecutive_failures: u32,
    pub ari_window: Option<(SystemTime, SystemTime)>,
    pub revoked: bool,
    /// The lineage could not be read (corrupt renewal file or certificate).
    pub broken: bool,
}

impl LineageMetrics {
    /// The numbers of one lineage of the store; `renew_before` gives the
    /// margin the lineage renews with (settings laid over its file).
    pub fn of(
        e: &Entry,
        store: &Store,
        now: SystemTime,
        renew_before: impl Fn(&RenewalConfig) -> Option<RenewBefore>,
    ) -> LineageMetrics {
        let margin = e.config.as_ref().ok().and_then(&renew_before);
        let state = e.state.as_ref();
        let ari = state.and_then(|s| s.ari.as_ref());
        LineageMetrics {
            name: e.name.clone(),
            not_after: e.installed.as_ref().ok().map(|i| i.facts.not_after),
            next_renewal: e.next_renewal(store, margin, now),
            last_success: state.and_then(|s| s.installed_at),
            last_failure: state.and_then(|s| s.failure.as_ref()).map(|f| f.last_at),
            consecutive_failures: state
                .and_then(|s| s.failure.as_ref())
                .map_or(0, |f| f.count),
            ari_window: ari.and_then(|a| Some((a.window_start?, a.window_end?))),
            revoked: e.revoked(),
            broken: e.broken().is_some(),
        }
    }
}

/// `(name, help, type)` of every family, in output order.
const FAMILIES: &[(&str, &str, &str)] = &[
    (
        "certwright_certificate_expiry_timestamp_seconds",
        "notAfter of the installed certificate, seconds since the epoch.",
        "gauge",
    ),
    (
        "certwright_certificate_next_renewal_timestamp_seconds",
        "When certwright plans to renew the certificate (the CA's ARI window or the renewal margin).",
        "gauge",
    ),
    (
        "certwright_certificate_last_renewal_success_timestamp_seconds",
        "When certwright last installed a new certificate for the lineage.",
        "gauge",
    ),
    (
        "certwright_certificate_last_renewal_failure_timestamp_seconds",
        "When the last failed renewal of the installed certificate happened.",
        "gauge",
    ),
    (
        "certwright_certificate_renewal_consecutive_failures",
        "Failed renewals of the installed certificate since it was installed.",
        "gauge",
    ),
    (
        "certwright_certificate_ari_window_start_timestamp_seconds",
        "Start of the renewal window the CA suggested (RFC 9773 ARI).",
        "gauge",
    ),
    (
        "certwright_certificate_ari_window_end_timestamp_seconds",
        "End of the renewal window the CA suggested (RFC 9773 ARI).",
        "gauge",
    ),
    (
        "certwright_certificate_revoked",
        "1 when the installed certificate was revoked.",
        "gauge",
    ),
    (
        "certwright_certificate_broken",
        "1 when the lineage cannot be read (see `certwright certificates` for the path and fix).",
        "gauge",
    ),
];

/// A label value escaped as the exposition format requires: backslash,
/// double quote and line feed.
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn epoch_secs(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

fn value(family: usize, l: &LineageMetrics) -> Option<i64> {
    let t = |o: Option<SystemTime>| o.map(epoch_secs);
    match family {
        0 => t(l.not_after),
        1 => t(l.next_renewal),
        2 => t(l.last_success),
        3 => t(l.last_failure),
        4 => Some(i64::from(l.consecutive_failures)),
        5 => t(l.ari_window.map(|w| w.0)),
        6 => t(l.ari_window.map(|w| w.1)),
        7 => Some(i64::from(l.revoked)),
        8 => Some(i64::from(l.broken)),
        _ => None,
    }
}

/// The textfile. A value the store does not know (no ARI window, never
/// renewed) is left out rather than written as 0, so alerts on
/// `time() > ...` do not fire on missing data.
pub fn render(lineages: &[LineageMetrics], generated: SystemTime) -> String {
    let mut out = String::new();
    for (i, (family, help, kind)) in FAMILIES.iter().enumerate() {
        let _ = writeln!(out, "# HELP {family} {help}");
        let _ = writeln!(out, "# TYPE {family} {kind}");
        for l in lineages {
            if let Some(v) = value(i, l) {
                let _ = writeln!(out, "{family}{{name=\"{}\"}} {v}", escape_label(&l.name));
            }
        }
    }
    let _ = writeln!(
        out,
        "# HELP certwright_metrics_generated_timestamp_seconds When certwright wrote these metrics.\n# TYPE certwright_metrics_generated_timestamp_seconds gauge\ncertwright_metrics_generated_timestamp_seconds {}",
        epoch_secs(generated)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn every_family_has_help_and_type_and_values_per_lineage() {
        let l = LineageMetrics {
            name: "a.test".into(),
            not_after: Some(at(2000)),
            next_renewal: Some(at(1500)),
            last_success: Some(at(100)),
            last_failure: Some(at(1200)),
            consecutive_failures: 2,
            ari_window: Some((at(1400), at(1600))),
            revoked: false,
            broken: false,
        };
        let text = render(&[l], at(1300));
        for (family, _, _) in FAMILIES {
            assert!(text.contains(&format!("# HELP {family} ")), "{family}");
            assert!(text.contains(&format!("# TYPE {family} gauge")), "{family}");
        }
        for line in [
            "certwright_certificate_expiry_timestamp_seconds{name=\"a.test\"} 2000",
            "certwright_certificate_next_renewal_timestamp_seconds{name=\"a.test\"} 1500",
            "certwright_certificate_last_renewal_success_timestamp_seconds{name=\"a.test\"} 100",
            "certwright_certificate_last_renewal_failure_timestamp_seconds{name=\"a.test\"} 1200",
            "certwright_certificate_renewal_consecutive_failures{name=\"a.test\"} 2",
            "certwright_certificate_ari_window_start_timestamp_seconds{name=\"a.test\"} 1400",
            "certwright_certificate_ari_window_end_timestamp_seconds{name=\"a.test\"} 1600",
            "certwright_certificate_revoked{name=\"a.test\"} 0",
            "certwright_metrics_generated_timestamp_seconds 1300",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line}\n{text}");
        }
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn unknown_values_are_left_out_not_zero() {
        let l = LineageMetrics {
            name: "b".into(),
            broken: true,
            ..LineageMetrics::default()
        };
        let text = render(&[l], at(1));
        assert!(!text.contains("certwright_certificate_expiry_timestamp_seconds{"));
        assert!(!text.contains("ari_window_start_timestamp_seconds{"));
        assert!(text.contains("certwright_certificate_broken{name=\"b\"} 1"));
        assert!(text.contains("certwright_certificate_renewal_consecutive_failures{name=\"b\"} 0"));
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape_label(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(escape_label("x\ny"), "x\\ny");
        let l = LineageMetrics {
            name: "q\"\n".into(),
            ..LineageMetrics::default()
        };
        let text = render(&[l], at(1));
        assert!(text.contains("{name=\"q\\\"\\n\"} 0"), "{text}");
        // Every sample stays on one line.
        assert!(
            text.lines()
                .all(|l| l.starts_with('#') || l.starts_with("certwright_"))
        );
    }
}
