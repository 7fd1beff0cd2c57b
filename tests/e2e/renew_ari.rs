//! `certwright renew` with ARI (RFC 9773), against the fault-injecting test
//! server (Pebble 2.4 has no renewalInfo). The server logs every request,
//! so each test asserts exactly which requests a run sent.

use crate::common::fault_server::*;
use crate::common::*;
use serde_json::Value;
use std::process::Output;
use std::time::{Duration, SystemTime};

const DAY: Duration = Duration::from_secs(86400);

fn describe(out: &Output, server: &FaultServer) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}\nserver log:\n{}",
        out.status,
        stdout(out),
        stderr(out),
        server.dump()
    )
}

/// Issues `name` (standalone on a free port: this server does not
/// validate), registering on the fly.
fn issue(cw: &Certwright, server: &FaultServer, name: &str) {
    let port = free_ports(1)[0].to_string();
    let out = cw.run(&[
        "issue",
        "-d",
        name,
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--email",
        "admin@example.com",
        "--agree-tos",
    ]);
    assert!(out.status.success(), "{}", describe(&out, server));
}

fn renew(cw: &Certwright, server: &FaultServer, args: &[&str]) -> Value {
    let mut all = vec!["--json", "renew", "--no-random-sleep"];
    all.extend_from_slice(args);
    let out = cw.run(&all);
    assert!(out.status.success(), "{}", describe(&out, server));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn state(cw: &Certwright, name: &str) -> Value {
    let path = cw.config_dir.join(format!("renewal/.state/{name}.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn version(cw: &Certwright, name: &str) -> String {
    std::fs::read_link(cw.live(name))
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// The certID of the installed certificate, computed with the `openssl`
/// command line (independently of certwright's own code).
fn cert_id_by_openssl(cw: &Certwright, name: &str) -> String {
    let text = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-text", "-serial", "-in"])
        .arg(cw.live(name).join("cert.pem"))
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let hex = |s: &str| -> Vec<u8> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    let aki_line = text
        .lines()
        .skip_while(|l| !l.contains("Authority Key Identifier"))
        .nth(1)
        .unwrap()
        .trim()
        .trim_start_matches("keyid:");
    let serial_line = text
        .lines()
        .find_map(|l| l.strip_prefix("serial="))
        .unwrap();
    let mut serial = hex(serial_line);
    if serial[0] & 0x80 != 0 {
        serial.insert(0, 0);
    }
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!("{}.{}", b64.encode(hex(aki_line)), b64.encode(serial))
}

#[test]
fn a_window_in_the_past_renews_with_replaces() {
    let now = SystemTime::now();
    let server = FaultServer::start(Script::new().renewal_window(now - DAY * 2, now - DAY, 3600));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(&cw, &server, "past.example.test");
    let cert_id = cert_id_by_openssl(&cw, "past.example.test");
    let before = server.log().len();

    let doc = renew(&cw, &server, &[]);
    assert_eq!(doc["renewed"], 1, "{doc:#}");
    let c = &doc["certificates"][0];
    assert_eq!(
        (c["action"].as_str(), c["reason"].as_str()),
        (Some("renewed"), Some("ari"))
    );
    assert_eq!(version(&cw, "past.example.test"), "2");

    let log = &server.log()[before..];
    // The run asked renewalInfo for this certificate first, with no
    // directory request before it (the URL was cached at issue time).
    assert_eq!(log[0].endpoint, Endpoint::RenewalInfo, "{}", server.dump());
    assert_eq!(log[0].path, format!("/renewal-info/{cert_id}"));
    let orders: Vec<&Request> = log
        .iter()
        .filter(|r| r.endpoint == Endpoint::NewOrder)
        .collect();
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0].payload.as_ref().unwrap()["replaces"],
        cert_id.as_str()
    );

    // The new certificate starts afresh: its ARI answer is not known yet.
    let s = state(&cw, "past.example.test");
    assert!(s.get("ari").is_none(), "{s:#}");
}

#[test]
fn already_replaced_is_retried_once_without_replaces() {
    let now = SystemTime::now();
    let server = FaultServer::start(Script::new().renewal_window(now - DAY * 2, now - DAY, 3600));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(&cw, &server, "replaced.example.test");
    server.update(|s| {
        *s = s.clone().fail(
            Endpoint::NewOrder,
            1,
            Fault::Problem {
                status: 409,
                kind: "alreadyReplaced",
                detail: "this certificate was already replaced".into(),
            },
        )
    });
    let before = server.log().len();
    let doc = renew(&cw, &server, &[]);
    assert_eq!(doc["renewed"], 1, "{doc:#}");
    let orders: Vec<Request> = server.log()[before..]
        .iter()
        .filter(|r| r.endpoint == Endpoint::NewOrder)
        .cloned()
        .collect();
    assert_eq!(orders.len(), 2, "{}", server.dump());
    assert_eq!(orders[0].status, 409);
    assert!(orders[0].payload.as_ref().unwrap()["replaces"].is_string());
    assert_eq!(orders[1].status, 201);
    assert!(
        orders[1]
            .payload
            .as_ref()
            .unwrap()
            .get("replaces")
            .is_none()
    );
    assert_eq!(version(&cw, "replaced.example.test"), "2");
}

#[test]
fn a_window_in_the_future_waits_and_is_cached_until_retry_after() {
    // No scripted window: the server answers the last third of the
    // certificate's lifetime (days away), and only for a certID it issued,
    // so an answer also proves the certID is right.
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(&cw, &server, "future.example.test");
    let before = server.log().len();

    let doc = renew(&cw, &server, &[]);
    assert_eq!(doc["renewed"], 0);
    let c = &doc["certificates"][0];
    assert_eq!(
        (c["action"].as_str(), c["reason"].as_str()),
        (Some("not_due"), Some("ari")),
        "{doc:#}"
    );
    let log = &server.log()[before..];
    assert_eq!(
        log.len(),
        1,
        "exactly one request, the ARI GET:\n{}",
        server.dump()
    );
    assert_eq!(
        (log[0].endpoint, log[0].status),
        (Endpoint::RenewalInfo, 200)
    );

    // The drawn instant lies in the window; the next check honours the
    // Retry-After (3600 s in this script).
    let s = state(&cw, "future.example.test");
    let ari = &s["ari"];
    let t = |k: &str| certwright::clock::parse_rfc3339(ari[k].as_str().unwrap()).unwrap();
    assert!(
        t("selected") >= t("window_start") && t("selected") < t("window_end"),
        "{s:#}"
    );
    let recheck = t("next_check").duration_since(t("checked")).unwrap();
    assert_eq!(recheck, Duration::from_secs(3600));

    // The CA now says "renew now", but the cached answer is still fresh:
    // the second run sends nothing and keeps the same drawn instant.
    let now = SystemTime::now();
    server.update(|s| s.renewal_info.window = Some((now - DAY, now - DAY / 2)));
    let before = server.log().len();
    let doc = renew(&cw, &server, &[]);
    assert_eq!(doc["requests"], 0);
    assert_eq!(server.log().len(), before, "{}", server.dump());
    assert_eq!(
        state(&cw, "future.example.test")["ari"]["selected"],
        ari["selected"]
    );
    assert_eq!(version(&cw, "future.example.test"), "1");

    // `certificates` shows the window and the planned renewal.
    let list: Value = serde_json::from_str(&cw.ok(&["certificates", "--json"])).unwrap();
    let r = &list["certificates"][0]["renewal"];
    assert_eq!(r["ari"]["window_start"], ari["window_start"], "{list:#}");
    assert_eq!(r["next_renewal"], ari["selected"]);
    assert_eq!(r["basis"], "ari");
    let human = cw.ok(&["certificates"]);
    assert!(human.contains("ARI:      window"), "{human}");
    assert!(human.contains("CA's suggested window"), "{human}");
}

#[test]
fn ari_errors_fall_back_to_the_lifetime_rule() {
    // Certificates live two minutes, so by the lifetime rule (half, for
    // lifetimes under 10 days) they are due at once.
    let server = FaultServer::start(Script::new().cert_lifetime(Duration::from_secs(120)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(&cw, &server, "busy.example.test");
    server.update(|s| {
        *s = s.clone().fail(
            Endpoint::RenewalInfo,
            10,
            Fault::Busy(Some(RetryAfter::Seconds(1))),
        )
    });
    let before = server.log().len();
    let doc = renew(&cw, &server, &[]);
    assert_eq!(doc["renewed"], 1, "{doc:#}\n{}", server.dump());
    assert_eq!(doc["certificates"][0]["reason"], "renew_before");
    let ari: Vec<Request> = server.log()[before..]
        .iter()
        .filter(|r| r.endpoint == Endpoint::RenewalInfo)
        .cloned()
        .collect();
    // ARI is advice: one retry after the Retry-After, then the fallback.
    assert_eq!(statuses(&ari), vec![503, 503], "{}", server.dump());
    assert!(gaps(&ari)[0] >= Duration::from_secs(1));
    assert_eq!(version(&cw, "busy.example.test"), "2");
}

#[test]
fn a_failed_ari_check_is_not_repeated_by_the_next_run() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(&cw, &server, "flaky.example.test");
    server.update(|s| {
        *s = s
            .clone()
            .fail(Endpoint::RenewalInfo, 10, Fault::Status(500))
    });
    let doc = renew(&cw, &server, &[]);
    assert_eq!(doc["renewed"], 0);
    let s = state(&cw, "flaky.example.test");
    assert_eq!(s["ari"]["answered"], false, "{s:#}");
    assert_eq!(s["ari"]["failures"], 1);
    assert!(
        s["ari"]["last_error"].as_str().unwrap().contains("500"),
        "{s:#}"
    );
    // Backing off: the next run (a cron job minutes later) asks nothing.
    let before = server.log().len();
    let doc = renew(&cw, &server, &[]);
    assert_eq!(doc["requests"], 0);
    assert_eq!(server.log().len(), before, "{}", server.dump());
}

fn statuses(requests: &[Request]) -> Vec<u16> {
    requests.iter().map(|r| r.status).collect()
}
