//! `renew --jobs N` against a real Pebble whose validation authority waits
//! before each validation (PEBBLE_VA_SLEEPTIME), as a real CA takes a
//! moment: the renewals overlap in time, every lineage answers http-01 on
//! the one standalone port Pebble validates on (shared by the workers),
//! and each lineage sends the requests it sends when renewed alone.

use crate::common::*;
use serde_json::Value;
use std::process::Output;

fn describe(out: &Output) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(out),
        stderr(out)
    )
}

fn requests_per_lineage(doc: &Value, names: &[String]) -> Vec<u64> {
    names
        .iter()
        .map(|n| {
            doc["certificates"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == n.as_str())
                .unwrap_or_else(|| panic!("{n} missing from {doc:#}"))["requests"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

/// Distinct URLs each lineage's requests went to, newNonce and the
/// directory left out: the requests a renewal needs (newOrder, each
/// authorization, each challenge, finalize, the order, the certificate),
/// without the polls, whose number depends on how long Pebble's validation
/// happened to sleep. Requests are attributed to the lineage whose block
/// they are printed in (the block starts with its "renewing NAME" step).
fn distinct_urls_per_lineage(stderr: &str, names: &[String]) -> Vec<usize> {
    distinct_url_sets(stderr, names)
        .iter()
        .map(|s| s.len())
        .collect()
}

fn distinct_url_sets(stderr: &str, names: &[String]) -> Vec<std::collections::BTreeSet<String>> {
    let mut sets = vec![std::collections::BTreeSet::new(); names.len()];
    let mut current = None;
    for line in stderr.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if let Some(m) = v["message"].as_str()
            && m.starts_with("renewing ")
            && let Some(i) = names.iter().position(|n| m.contains(n.as_str()))
        {
            current = Some(i);
        }
        if v["event"] == "request"
            && let (Some(i), Some(url)) = (current, v["url"].as_str())
            && !url.ends_with("/dir")
            && !url.contains("nonce")
        {
            sets[i].insert(url.to_string());
        }
    }
    sets
}

/// (first, last) event time of each lineage, from the `--json -v` event
/// lines that name it.
fn spans(stderr: &str, names: &[String]) -> Vec<(u64, u64)> {
    let events: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    names
        .iter()
        .map(|n| {
            let times: Vec<u64> = events
                .iter()
                .filter(|v| {
                    [&v["message"], &v["context"], &v["url"]]
                        .iter()
                        .any(|f| f.as_str().is_some_and(|m| m.contains(n.as_str())))
                })
                .filter_map(|v| v["unix_ms"].as_u64())
                .collect();
            (
                *times
                    .iter()
                    .min()
                    .unwrap_or_else(|| panic!("no event for {n}")),
                *times.iter().max().unwrap(),
            )
        })
        .collect()
}

#[test]
fn jobs_renew_in_parallel_with_the_same_requests_per_lineage() {
    let pebble = Pebble::start_with(PebbleOptions {
        env: vec![
            ("PEBBLE_VA_NOSLEEP", "0".into()),
            // Each validation waits 0 or 1 s (Pebble draws whole seconds
            // below this bound).
            ("PEBBLE_VA_SLEEPTIME", "2".into()),
            ("PEBBLE_AUTHZREUSE", "0".into()),
        ],
        ..PebbleOptions::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(&tmp.path().join("config"), &pebble);
    cw.register();
    let names: Vec<String> = (0..4).map(|i| format!("p{i}.example.test")).collect();
    let port = pebble.http_port.to_string();
    for n in &names {
        cw.ok(&[
            "issue",
            "-d",
            n,
            "--standalone",
            "--http-01-address",
            "127.0.0.1",
            "--http-01-port",
            &port,
        ]);
    }
    let renew = |jobs: &str| {
        let out = cw.run(&[
            "--json",
            "-v",
            "renew",
            "--no-random-sleep",
            "--force-renewal",
            "--jobs",
            jobs,
        ]);
        assert!(out.status.success(), "{}", describe(&out));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["renewed"], 4, "{doc:#}");
        (doc, stderr(&out))
    };

    forget_authorizations(&cw);
    let (alone, alone_events) = renew("1");
    forget_authorizations(&cw);
    let (together, together_events) = renew("4");

    // One job: each lineage is done before the next starts.
    let s = spans(&alone_events, &names);
    for w in s.windows(2) {
        assert!(w[0].1 <= w[1].0, "{s:?}");
    }
    // Four jobs: all four were in progress at one moment.
    let p = spans(&together_events, &names);
    let latest_start = p.iter().map(|s| s.0).max().unwrap();
    let earliest_end = p.iter().map(|s| s.1).min().unwrap();
    assert!(latest_start < earliest_end, "no common moment: {p:?}");

    // Requests per lineage: the same resources, each lineage on its own
    // (the polls in between vary with Pebble's random validation delay).
    let (a, t) = (
        distinct_urls_per_lineage(&alone_events, &names),
        distinct_urls_per_lineage(&together_events, &names),
    );
    // Pebble reuses a valid authorization 1% of the time even with
    // PEBBLE_AUTHZREUSE=0 (it reuses when `rand.Intn(100) > percent`):
    // such an order arrives `ready`, with no authorization or challenge to
    // touch. Every lineage sends each of the other requests, alone or not.
    for (run, counts, events) in [
        ("1 job", &a, &alone_events),
        ("4 jobs", &t, &together_events),
    ] {
        let sets = distinct_url_sets(events, &names);
        for (set, count) in sets.iter().zip(counts.iter()) {
            let kinds: std::collections::BTreeSet<&str> =
                set.iter().filter_map(|url| url.split('/').nth(3)).collect();
            let reused = !kinds.contains("authZ") && !kinds.contains("chalZ");
            let want = if reused { 4 } else { 6 };
            assert_eq!(
                *count, want,
                "{run}: newOrder, authz, challenge, finalize, order, certificate: {sets:#?}"
            );
            for kind in ["order-plz", "finalize-order", "my-order", "certZ"] {
                assert!(kinds.contains(kind), "{run}: no {kind}: {sets:#?}");
            }
        }
    }
    // The per-lineage counts in the report add up to the run's total.
    for doc in [&alone, &together] {
        let sum: u64 = requests_per_lineage(doc, &names).iter().sum();
        assert_eq!(sum, doc["requests"].as_u64().unwrap(), "{doc:#}");
    }
}
