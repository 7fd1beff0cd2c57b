//! How often certwright asks for the CA's verdict while a real Pebble
//! validates slowly (PEBBLE_VA_SLEEPTIME: each of its three perspectives
//! waits a random 0..N-1 whole seconds before its fetch). The standalone
//! server sees the fetches; after the first validation certwright knows the
//! CA makes three, and the next one costs one read of the order.

use crate::common::*;
use serde_json::Value;

/// The `unix_ms` of each read of the order between the challenge POST and
/// finalize.
fn order_reads_before_finalize(stderr: &str) -> Vec<u64> {
    let mut reads = Vec::new();
    let mut answered = false;
    for line in stderr.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if v["event"] != "request" {
            continue;
        }
        let url = v["url"].as_str().unwrap_or("");
        if url.contains("/chalZ/") {
            answered = true;
        } else if url.contains("/finalize-order/") {
            break;
        } else if answered && url.contains("/my-order/") {
            reads.push(v["unix_ms"].as_u64().unwrap());
        }
    }
    reads
}

#[test]
fn a_known_ca_is_asked_once_for_its_verdict() {
    let pebble = Pebble::start_with(PebbleOptions {
        env: vec![
            ("PEBBLE_VA_NOSLEEP", "0".into()),
            ("PEBBLE_VA_SLEEPTIME", "4".into()),
            ("PEBBLE_AUTHZREUSE", "0".into()),
        ],
        ..PebbleOptions::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(&tmp.path().join("config"), &pebble);
    cw.register();
    let port = pebble.http_port.to_string();
    let issue = |name: &str| {
        let out = cw.run(&[
            "--json",
            "-v",
            "issue",
            "-d",
            name,
            "--standalone",
            "--http-01-address",
            "127.0.0.1",
            "--http-01-port",
            &port,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        order_reads_before_finalize(&stderr(&out))
    };

    // First contact: certwright learns that Pebble fetches each token 3
    // times (once per perspective) before its verdict.
    let first = issue("learn.example.test");
    assert!(!first.is_empty());
    let servers = tmp.path().join("config/renewal/.state/servers");
    let memory: Vec<Value> = std::fs::read_dir(&servers)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".validation.json"))
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect();
    assert_eq!(memory.len(), 1, "{memory:?}");
    assert_eq!(memory[0]["fetches_per_validation"], 3, "{memory:?}");
    assert_eq!(memory[0]["directory"], pebble.directory.as_str());

    // Known: the order is read after the third fetch. Were it read at a
    // pause in the fetches instead, a second read would follow more than a
    // second later (Pebble's perspectives wait whole seconds), unless all
    // three happened to wait alike.
    for name in ["known-1.example.test", "known-2.example.test"] {
        let reads = issue(name);
        assert!(!reads.is_empty());
        let spread = reads.last().unwrap() - reads[0];
        assert!(
            reads.len() == 1 || spread < 900,
            "{name}: order reads at {reads:?} ms"
        );
        eprintln!("{name}: {} read(s) of the order", reads.len());
    }
}
