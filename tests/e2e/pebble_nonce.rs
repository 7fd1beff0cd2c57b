//! Real badNonce handling: Pebble rejecting 30% of perfectly good nonces
//! (`PEBBLE_WFE_NONCEREJECT=30`), and issuance of several names still
//! succeeds.

use crate::common::*;

#[test]
fn issuance_succeeds_while_pebble_rejects_30_percent_of_nonces() {
    let pebble = Pebble::start_with(PebbleOptions {
        nonce_reject: 30,
        ..PebbleOptions::default()
    });
    // Proves the setting reached Pebble, so a pass is not a vacuous one.
    assert!(
        pebble.log().contains("reject 30% of good nonces"),
        "{}",
        pebble.log()
    );
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    let names = [
        "a.nonce.example.test",
        "b.nonce.example.test",
        "c.nonce.example.test",
    ];
    let port = pebble.http_port.to_string();
    let mut args = vec![
        "--json",
        "-v",
        "issue",
        "--cert-name",
        "nonce",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--email",
        "admin@example.com",
        "--agree-tos",
    ];
    for n in &names {
        args.extend(["-d", n]);
    }
    let mut out = cw.run(&args);
    let mut rejected = count_rejections(&out);
    // Each POST fails for good only after 6 rejections in a row: 0.3^6 ≈
    // 0.07% per POST, about 1% for the ~15 POSTs of this run. That outcome
    // is the documented bound working, not a bug, so it earns one more run,
    // which must pick the saved order up. A broken badNonce path fails both.
    // (With --json the error document is on stdout.)
    if !out.status.success() && stdout(&out).contains("badNonce") {
        eprintln!("badNonce retries exhausted once (expected about 1% of runs); running again");
        out = cw.run(&args);
        rejected += count_rejections(&out);
    }
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    let cert = InstalledCert::read(&cw.live("nonce"));
    assert_eq!(cert.sans(), names);
    assert!(cert.key_matches());
    assert!(cert.verifies_to(&pebble.root_pem(0)));
    eprintln!("{rejected} nonces rejected by Pebble during issuance");
}

/// Requests Pebble answered 400 (badNonce is the only 400 of a clean run),
/// from certwright's `--json -v` request events.
fn count_rejections(out: &std::process::Output) -> usize {
    let statuses: Vec<u64> = stderr(out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "request" && e["method"] == "POST")
        .filter_map(|e| e["status"].as_u64())
        .collect();
    eprintln!("POST statuses: {statuses:?}");
    statuses.iter().filter(|s| **s == 400).count()
}
