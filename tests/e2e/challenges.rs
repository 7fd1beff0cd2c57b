//! End-to-end: tls-alpn-01 against a real Pebble (its VA connects to our
//! TLS server on its `tlsPort`), and dns-persist-01 against the fault
//! server, which validates the record for real by asking
//! pebble-challtestsrv's DNS.

use crate::common::fault_server::{Endpoint, FaultServer, Script};
use crate::common::*;
use std::net::{SocketAddr, TcpListener};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn tls_alpn_args(port: u16) -> Vec<String> {
    [
        "--standalone",
        "--preferred-challenges",
        "tls-alpn-01",
        "--tls-alpn-01-address",
        "127.0.0.1",
        "--tls-alpn-01-port",
        &port.to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Runs, asserts success, and checks from certwright's progress lines that
/// tls-alpn-01 (and nothing else) was prepared; returns stderr.
fn run_with(cw: &Certwright, first: &[&str], extra: &[String]) -> String {
    // --json: progress steps become event lines on stderr.
    let mut args: Vec<&str> = vec!["--json"];
    args.extend_from_slice(first);
    args.extend(extra.iter().map(String::as_str));
    let out = cw.run(&args);
    let err = stderr(&out);
    assert!(out.status.success(), "{args:?}: {err}");
    assert!(err.contains("preparing tls-alpn-01 for"), "{err}");
    assert!(!err.contains("preparing http-01"), "{err}");
    err
}

/// What Pebble's VA did, from its log: authorizations it set valid, and
/// http-01 fetches it attempted (Pebble's log does not name the type of a
/// passed challenge; nothing listens on its http-01 port here, so an
/// http-01 validation could not have passed).
fn pebble_validations(pebble: &Pebble) -> (usize, usize) {
    let log = pebble.log();
    let count = |needle: &str| log.lines().filter(|l| l.contains(needle)).count();
    (
        count("set VALID by completed challenge"),
        count("Attempting to validate w/ HTTP"),
    )
}

#[test]
fn tls_alpn01_one_name_then_renew_the_same_way() {
    // No authorization reuse, so the renewal is validated again.
    let pebble = Pebble::start_with(PebbleOptions {
        env: vec![("PEBBLE_AUTHZREUSE", "0".into())],
        ..PebbleOptions::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    run_with(
        &cw,
        &["issue", "-d", "alpn.example.test"],
        &tls_alpn_args(pebble.tls_port),
    );
    let cert = InstalledCert::read(&cw.live("alpn.example.test"));
    assert_eq!(cert.sans(), vec!["alpn.example.test"]);
    assert_eq!(pebble_validations(&pebble), (1, 0), "{}", pebble.log());

    let renewal =
        std::fs::read_to_string(tmp.path().join("renewal/alpn.example.test.toml")).unwrap();
    let renewal: toml::Value = toml::from_str(&renewal).unwrap();
    assert_eq!(renewal["solver"]["kind"].as_str(), Some("tls-alpn"));
    assert_eq!(
        renewal["solver"]["tls_port"].as_integer(),
        Some(i64::from(pebble.tls_port))
    );
    assert_eq!(renewal["solver"]["tls_address"].as_str(), Some("127.0.0.1"));

    // renew reads the choice back from the renewal file.
    forget_authorizations(&cw);
    let before = std::fs::read_link(cw.live("alpn.example.test")).unwrap();
    run_with(&cw, &["renew", "--no-random-sleep", "--force-renewal"], &[]);
    assert_eq!(pebble_validations(&pebble), (2, 0), "{}", pebble.log());
    let after = std::fs::read_link(cw.live("alpn.example.test")).unwrap();
    assert_ne!(before, after, "renewed into a new version");
    // Released: the port can be bound again.
    TcpListener::bind(("127.0.0.1", pebble.tls_port)).expect("port released after the run");
}

#[test]
fn tls_alpn01_three_names_and_an_ip_address_at_once() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    run_with(
        &cw,
        &[
            "issue",
            "-d",
            "one.example.test",
            "-d",
            "two.example.test",
            "-d",
            "three.example.test",
            "-d",
            "127.0.0.1",
            "--cert-name",
            "three",
        ],
        &tls_alpn_args(pebble.tls_port),
    );
    let mut sans = InstalledCert::read(&cw.live("three")).sans();
    sans.sort();
    assert_eq!(
        sans,
        vec![
            "127.0.0.1",
            "one.example.test",
            "three.example.test",
            "two.example.test"
        ]
    );
    assert_eq!(pebble_validations(&pebble), (4, 0), "{}", pebble.log());
}

#[test]
fn tls_alpn01_busy_port_is_reported_before_the_ca_is_contacted() {
    let server = FaultServer::start(Script::new().offer("tls-alpn-01"));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    cw.register();
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let mut args = vec!["issue".to_string(), "-d".into(), "busy.example.test".into()];
    args.extend(tls_alpn_args(port));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cw.run(&refs);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("already in use") && err.contains("tls-alpn-01"),
        "{err}"
    );
    assert_eq!(server.count(Endpoint::NewOrder), 0);
}

/// While the CA keeps the authorization pending, the server answers an
/// outside acme-tls/1 handshake; SIGTERM then ends the run and frees the port.
#[test]
fn tls_alpn01_serves_while_waiting_and_releases_the_port_on_sigterm() {
    let server = FaultServer::start(
        Script::new()
            .offer("tls-alpn-01")
            .pending(u32::MAX, Some(1)),
    );
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    cw.register();
    let port = free_ports(1)[0];
    let mut child = cw
        .command()
        .arg("issue")
        .args(["-d", "wait.example.test"])
        .args(tls_alpn_args(port))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.count(Endpoint::Challenge) == 0 {
        assert!(
            Instant::now() < deadline,
            "the challenge was never answered"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let out = std::process::Command::new("openssl")
        .args(["s_client", "-connect", &addr.to_string()])
        .args(["-alpn", "acme-tls/1", "-servername", "wait.example.test"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ALPN protocol: acme-tls/1"), "{text}");
    assert!(text.contains("BEGIN CERTIFICATE"), "{text}");

    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15), "exit status after SIGTERM");
    TcpListener::bind(addr).expect("the port is free after SIGTERM");
}

// ------------------------------------------------------ dns-persist-01 ----

const ISSUER: &str = "authority.example";

/// A fault server validating dns-persist-01 against challtestsrv's DNS, and
/// a registered account; `ca_dns` is the DNS the CA asks (by default the
/// same one certwright checks).
struct Persist {
    dns: Pebble,
    server: FaultServer,
    cw: Certwright,
    _tmp: tempfile::TempDir,
}

impl Persist {
    fn start() -> Persist {
        Persist::start_with(None)
    }

    fn start_with(ca_dns: Option<u16>) -> Persist {
        let dns = Pebble::start();
        let ca_dns_port = ca_dns.unwrap_or(dns.dns_port);
        let server = FaultServer::start(Script::new().dns_persist(
            format!("127.0.0.1:{ca_dns_port}").parse().unwrap(),
            &[ISSUER],
        ));
        let tmp = tempfile::tempdir().unwrap();
        let cw = server.certwright(tmp.path());
        cw.register();
        Persist {
            dns,
            server,
            cw,
            _tmp: tmp,
        }
    }

    fn resolver(&self) -> String {
        format!("127.0.0.1:{}", self.dns.dns_port)
    }

    /// `persist-record --json` for `domain` (plus flags): (name, value).
    fn record(&self, domain: &str, extra: &[&str]) -> (String, String) {
        let mut args = vec!["--json", "persist-record", "-d", domain];
        args.extend_from_slice(extra);
        let doc: serde_json::Value = serde_json::from_str(&self.cw.ok(&args)).unwrap();
        let record = &doc["records"][0];
        (
            record["name"].as_str().unwrap().to_string(),
            record["value"].as_str().unwrap().to_string(),
        )
    }

    fn publish(&self, name: &str, value: &str) {
        self.dns.challtestsrv_post(
            "/set-txt",
            &serde_json::json!({"host": format!("{name}."), "value": value}),
        );
    }

    fn issue(&self, domains: &[&str]) -> std::process::Output {
        let mut args = vec!["issue"];
        for d in domains {
            args.extend(["-d", d]);
        }
        let resolver = self.resolver();
        args.extend([
            "--preferred-challenges",
            "dns-persist-01",
            "--dns-resolver",
            &resolver,
        ]);
        self.cw.run(&args)
    }
}

#[test]
fn dns_persist01_printed_record_is_accepted_and_nothing_changes_per_order() {
    let p = Persist::start();
    let (name, value) = p.record("persist.example.test", &[]);
    assert_eq!(name, "_validation-persist.persist.example.test");
    let account = &p.server.requests(Endpoint::NewAccount)[0];
    assert!(
        value.starts_with(&format!("{ISSUER}; accounturi=https://")),
        "{value}"
    );
    assert!(!value.contains("policy="), "{value}");
    assert!(account.status == 201 || account.status == 200);
    // The plain text form is ready to paste into a zone file.
    let text = p.cw.ok(&["persist-record", "-d", "persist.example.test"]);
    assert!(
        text.contains(&format!("{name}. IN TXT \"{value}\"")),
        "{text}"
    );

    p.publish(&name, &value);
    let out = p.issue(&["persist.example.test"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cert = InstalledCert::read(&p.cw.live("persist.example.test"));
    assert_eq!(cert.sans(), vec!["persist.example.test"]);
    // The challenge was answered with {} and no token was involved.
    let answers = p.server.requests(Endpoint::Challenge);
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].payload, Some(serde_json::json!({})));

    // A second order (renewal) works from the same record, untouched.
    let out = p.cw.run(&["renew", "--no-random-sleep", "--force-renewal"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(p.server.count(Endpoint::NewOrder), 2);
    let renewal =
        std::fs::read_to_string(p.cw.config_dir.join("renewal/persist.example.test.toml")).unwrap();
    assert!(renewal.contains("kind = \"dns-persist\""), "{renewal}");
}

#[test]
fn dns_persist01_wildcard_needs_policy_wildcard() {
    let p = Persist::start();
    // Without --wildcard the record does not cover *.NAME: refused before
    // ordering.
    let (name, plain) = p.record("wild.example.test", &[]);
    p.publish(&name, &plain);
    let out = p.issue(&["wild.example.test", "*.wild.example.test"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("policy=wildcard"), "{err}");
    assert_eq!(
        p.server.count(Endpoint::NewOrder),
        0,
        "refused before ordering"
    );

    let (_, wild) = p.record("*.wild.example.test", &["--persist-until", "2099-01-01"]);
    assert!(
        wild.ends_with("; policy=wildcard; persistUntil=4070908800"),
        "{wild}"
    );
    p.publish(&name, &wild);
    let out = p.issue(&["wild.example.test", "*.wild.example.test"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut sans = InstalledCert::read(&p.cw.live("wild.example.test")).sans();
    sans.sort();
    assert_eq!(sans, vec!["*.wild.example.test", "wild.example.test"]);
}

#[test]
fn dns_persist01_missing_or_foreign_record_is_refused_before_ordering() {
    let p = Persist::start();
    let out = p.issue(&["none.example.test"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    let (_, expected) = p.record("none.example.test", &[]);
    assert!(
        err.contains(&format!(
            "_validation-persist.none.example.test. IN TXT \"{expected}\""
        )),
        "the error names the record to create: {err}"
    );
    assert_eq!(p.server.count(Endpoint::NewOrder), 0);

    // A record for another account (e.g. one made before re-registering).
    let foreign = format!("{ISSUER}; accounturi=https://127.0.0.1:1/acct/999");
    p.publish("_validation-persist.none.example.test", &foreign);
    let out = p.issue(&["none.example.test"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("acct/999"), "{err}");
    assert_eq!(p.server.count(Endpoint::NewOrder), 0);
}

/// certwright's check passes (its resolver has the record) but the CA's own
/// lookup (another DNS server) finds none: the CA's refusal is shown.
#[test]
fn dns_persist01_the_cas_rejection_is_shown() {
    let other_dns = Pebble::start();
    let p = Persist::start_with(Some(other_dns.dns_port));
    let (name, value) = p.record("split.example.test", &[]);
    p.publish(&name, &value);
    let out = p.issue(&["split.example.test"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("no TXT records found at _validation-persist.split.example.test"),
        "{err}"
    );
    assert_eq!(p.server.count(Endpoint::NewOrder), 1);
    assert!(!p.cw.live("split.example.test").exists());

    // The CA's DNS has a record, but for another account: refused too.
    other_dns.challtestsrv_post(
        "/set-txt",
        &serde_json::json!({
            "host": format!("{name}."),
            "value": format!("{ISSUER}; accounturi=https://127.0.0.1:1/acct/999"),
        }),
    );
    let out = p.issue(&["split.example.test"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("accounturi mismatch"), "{err}");
    assert_eq!(p.server.count(Endpoint::NewOrder), 2);
}
