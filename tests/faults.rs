//! The real binary against a fault-injecting ACME server: Retry-After on
//! 503/429 and polls, badNonce, order deadlines, unsafe requests, and an
//! interrupted finalize. Each test asserts the gaps the server observed, the
//! request counts, and the outcome.

mod common;

use common::fault_server::*;
use common::*;
use std::process::Output;
use std::time::Duration;

/// `certwright --json issue -d NAME --standalone ...` registering on the fly.
fn issue_args(name: &str) -> Vec<String> {
    let port = free_ports(1)[0];
    [
        "issue",
        "-d",
        name,
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port.to_string(),
        "--email",
        "admin@example.com",
        "--agree-tos",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run(cw: &Certwright, args: &[String], extra: &[&str]) -> Output {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend_from_slice(extra);
    cw.run(&all)
}

fn assert_ok(out: &Output, server: &FaultServer) -> serde_json::Value {
    assert!(
        out.status.success(),
        "certwright failed with {}\nstdout:\n{}\nstderr:\n{}\nserver log:\n{}",
        out.status,
        stdout(out),
        stderr(out),
        server.dump()
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

fn assert_installed(cw: &Certwright, server: &FaultServer, name: &str) -> InstalledCert {
    let cert = InstalledCert::read(&cw.live(name));
    assert_eq!(cert.sans(), vec![name.to_string()]);
    assert!(cert.key_matches());
    assert!(
        cert.verifies_to(&server.root_pem()),
        "chain does not verify"
    );
    cert
}

#[test]
fn smoke_issue_without_faults() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("smoke.example.test"), &["--json"]);
    let doc = assert_ok(&out, &server);
    assert_installed(&cw, &server, "smoke.example.test");
    eprintln!("{}\n{doc}", server.dump());
}
