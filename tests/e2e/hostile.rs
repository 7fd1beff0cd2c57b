//! A broken or hostile CA, against the real binary: wrong certificates are
//! never installed, tokens cannot steer files out of the webroot, and
//! malformed answers (oversized, not JSON, fields missing, redirects,
//! absurd Retry-After values, endless processing, a directory without the
//! URLs it must have) end in a clear error with exit 1: no panic, no hang.
//! Every run is bounded by a deadline the test enforces.

use crate::common::fault_server::*;
use crate::common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// No single run here may take longer; a hang fails the test instead of
/// blocking the suite.
const RUN_LIMIT: Duration = Duration::from_secs(20);

/// Runs `cmd` to completion or kills it at `limit`; returns the output and
/// how long it took.
fn run_bounded(mut cmd: Command, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "hung: still running after {limit:?}\nstderr:\n{}",
                stderr(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (child.wait_with_output().unwrap(), started.elapsed())
}

fn run(cw: &Certwright, args: &[String]) -> (Output, Duration) {
    let mut cmd = cw.command();
    cmd.args(args);
    run_bounded(cmd, RUN_LIMIT)
}

/// Exit 1, no panic, and the error says `needles`.
fn fails_clearly(out: &Output, needles: &[&str], server: &FaultServer) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout:\n{}\nstderr:\n{err}\nserver:\n{}",
        stdout(out),
        server.dump()
    );
    assert!(!err.contains("panicked"), "{err}");
    for needle in needles {
        assert!(
            err.contains(needle),
            "missing {needle:?} in the error:\n{err}\nserver:\n{}",
            server.dump()
        );
    }
}

fn nothing_installed(root: &Path, name: &str) {
    assert!(
        std::fs::symlink_metadata(root.join("live").join(name)).is_err(),
        "a live link was created"
    );
    let versions = std::fs::read_dir(root.join("archive").join(name))
        .map(|e| {
            e.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
                .count()
        })
        .unwrap_or(0);
    assert_eq!(versions, 0, "a version was written to the archive");
}

// ----------------------------------------------------- wrong certificates ----

#[test]
fn a_wrong_certificate_is_never_installed() {
    let cases = [
        (
            BadCert::WrongKey,
            "public key does not match the key of this order",
        ),
        (BadCert::MissingName, "lacks requested names: b.bad.test"),
        (BadCert::Expired, "not valid now"),
        (BadCert::Garbage, "not valid PEM"),
        (BadCert::BrokenChain, "the chain is broken"),
    ];
    for (bad, why) in cases {
        let server = FaultServer::start(Script::new().processing(0, None).bad_cert(bad));
        let tmp = tempfile::tempdir().unwrap();
        let cw = server.certwright(tmp.path());
        let mut args = issue_args("a.bad.test");
        args.extend(["-d".to_string(), "b.bad.test".to_string()]);
        let (out, _) = run(&cw, &args);
        fails_clearly(
            &out,
            &["the issued certificate was not installed", why],
            &server,
        );
        nothing_installed(tmp.path(), "a.bad.test");
        // The order's certificate can never be right: not resumed later.
        assert!(
            !tmp.path().join("archive/a.bad.test/pending").exists(),
            "{bad:?}"
        );
        eprintln!("{bad:?}: {}", stderr(&out).trim());
    }
}

#[test]
fn a_wrong_certificate_on_renewal_leaves_the_old_one_serving() {
    let server = FaultServer::start(Script::new().processing(0, None));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let name = "keep.bad.test";
    let (out, _) = run(&cw, &issue_args(name));
    assert!(out.status.success(), "{}", stderr(&out));
    let before = std::fs::read(cw.live(name).join("fullchain.pem")).unwrap();
    server.update(|s| s.bad_cert = Some(BadCert::WrongKey));
    let (out, _) = run(
        &cw,
        &["renew", "--force-renewal", "--no-random-sleep"].map(String::from),
    );
    fails_clearly(&out, &["public key does not match"], &server);
    assert_eq!(
        std::fs::read(cw.live(name).join("fullchain.pem")).unwrap(),
        before
    );
    let cert = InstalledCert::read(&cw.live(name));
    assert!(cert.key_matches());
}

// ------------------------------------------------------------------ tokens ----

#[test]
fn hostile_tokens_never_leave_the_webroot() {
    for token in [
        "../../../escaped",
        "..",
        "a/b",
        "tok$(touch x)",
        "tok%2e%2e",
        "tok.en",
    ] {
        let server = FaultServer::start(Script::new().processing(0, None).token(token));
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("site");
        let webroot = outside.join("public");
        std::fs::create_dir_all(&webroot).unwrap();
        let cw = server.certwright(&tmp.path().join("config"));
        let args = webroot_issue_args("webroot.bad.test", &webroot);
        let (out, _) = run(&cw, &args);
        fails_clearly(&out, &["challenge token that is not base64url"], &server);
        // Nothing was written anywhere: not in the webroot, not beside it.
        let mut files = Vec::new();
        let mut dirs = vec![tmp.path().to_path_buf()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.starts_with(tmp.path().join("config")) {
                    continue;
                }
                if p.is_dir() {
                    dirs.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        assert!(files.is_empty(), "token {token:?} wrote {files:?}");
        // Refused before the CA was told to validate.
        assert_eq!(server.count(Endpoint::Challenge), 0, "{token:?}");
    }
}

// -------------------------------------------------------- malformed answers ----

fn raw(status: u16, content_type: &str, body: &[u8]) -> Fault {
    Fault::Raw {
        status,
        headers: vec![("Content-Type".into(), content_type.into())],
        body: body.to_vec(),
    }
}

/// Starts a server whose script needs its own base URL.
fn server_with(f: impl FnOnce(&str, Script) -> Script) -> FaultServer {
    let server = FaultServer::start(Script::new().processing(0, None));
    let base = server.base.clone();
    server.update(|s| *s = f(&base, std::mem::take(s)));
    server
}

fn directory_json(base: &str, skip: &str, scheme: &str) -> Vec<u8> {
    let mut dir = serde_json::json!({
        "newNonce": format!("{base}/nonce"),
        "newAccount": format!("{base}/new-account"),
        "newOrder": format!("{base}/new-order"),
    });
    dir.as_object_mut().unwrap().remove(skip);
    dir.to_string()
        .replace("https://", &format!("{scheme}://"))
        .into_bytes()
}

#[test]
fn malformed_answers_end_in_a_clear_error() {
    let big = {
        let mut b = b"{\"newNonce\": \"".to_vec();
        b.extend(std::iter::repeat_n(b'a', 2 << 20));
        b.extend(b"\"}");
        b
    };
    type Case = (
        &'static str,
        Box<dyn Fn(&str) -> (Endpoint, Fault)>,
        &'static [&'static str],
    );
    let cases: Vec<Case> = vec![
        (
            "oversized directory",
            Box::new(move |_| (Endpoint::Directory, raw(200, "application/json", &big))),
            &["larger than 1048576 bytes"],
        ),
        (
            "captive portal page",
            Box::new(|_| {
                (
                    Endpoint::Directory,
                    raw(
                        200,
                        "text/html",
                        b"<html>Please log in to the hotel wifi</html>",
                    ),
                )
            }),
            &["expected a JSON", "Content-Type text/html", "hotel wifi"],
        ),
        (
            "directory without newOrder",
            Box::new(|base| {
                (
                    Endpoint::Directory,
                    raw(
                        200,
                        "application/json",
                        &directory_json(base, "newOrder", "https"),
                    ),
                )
            }),
            &["missing field `newOrder`"],
        ),
        (
            "directory with plain-http URLs",
            Box::new(|base| {
                (
                    Endpoint::Directory,
                    raw(200, "application/json", &directory_json(base, "", "http")),
                )
            }),
            &["is not an https:// URL"],
        ),
        (
            "redirect to another host",
            Box::new(|_| {
                (
                    Endpoint::Directory,
                    Fault::Raw {
                        status: 302,
                        headers: vec![("Location".into(), "https://evil.invalid/dir".into())],
                        body: Vec::new(),
                    },
                )
            }),
            &["unexpected redirect", "https://evil.invalid/dir"],
        ),
        (
            "order without finalize URL",
            Box::new(|base| {
                (
                    Endpoint::NewOrder,
                    Fault::Raw {
                        status: 201,
                        headers: vec![
                            ("Content-Type".into(), "application/json".into()),
                            ("Location".into(), format!("{base}/order/999")),
                        ],
                        body: br#"{"status":"pending","identifiers":[],"authorizations":[]}"#
                            .to_vec(),
                    },
                )
            }),
            &["missing field `finalize`"],
        ),
        (
            "order that is not JSON",
            Box::new(|base| {
                (
                    Endpoint::NewOrder,
                    Fault::Raw {
                        status: 201,
                        headers: vec![
                            ("Content-Type".into(), "application/json".into()),
                            ("Location".into(), format!("{base}/order/999")),
                        ],
                        body: b"{\"status\":".to_vec(),
                    },
                )
            }),
            &["expected a JSON Order", "EOF while parsing"],
        ),
        (
            "certificate download that is JSON",
            Box::new(|_| {
                (
                    Endpoint::Certificate,
                    raw(200, "application/json", b"{\"certificate\": \"nope\"}"),
                )
            }),
            &["not installed", "the certificate chain is empty"],
        ),
    ];
    for (what, make, needles) in &cases {
        let server = server_with(|base, s| {
            let (endpoint, fault) = make(base);
            s.fail(endpoint, 100, fault)
        });
        let tmp = tempfile::tempdir().unwrap();
        let cw = server.certwright(tmp.path());
        let (out, took) = run(&cw, &issue_args("malformed.bad.test"));
        fails_clearly(&out, needles, &server);
        nothing_installed(tmp.path(), "malformed.bad.test");
        eprintln!("{what}: {took:?}: {}", stderr(&out).trim());
    }
}

#[test]
fn a_json_answer_with_the_wrong_content_type_is_read() {
    // Deliberately lenient: CAs and proxies label JSON in various ways
    // (text/plain, missing charset); the body decides.
    let server = server_with(|base, s| {
        s.fail(
            Endpoint::Directory,
            100,
            raw(200, "text/plain", &directory_json(base, "", "https")),
        )
    });
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let (out, _) = run(&cw, &issue_args("lenient.bad.test"));
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn absurd_retry_after_values() {
    // Negative and garbage values are ignored: our own short backoff
    // applies (the first step is 0.5-1 s), and the retry succeeds.
    for value in ["-5", "soon", "1.5", "Thu, 99 Foo 2025 99:99:99 GMT"] {
        let server = FaultServer::start(
            Script::new().processing(0, None).fail(
                Endpoint::NewOrder,
                1,
                Fault::Raw {
                    status: 503,
                    headers: vec![
                        ("Content-Type".into(), "application/problem+json".into()),
                        ("Retry-After".into(), value.into()),
                    ],
                    body: br#"{"type":"urn:ietf:params:acme:error:rateLimited","detail":"busy"}"#
                        .to_vec(),
                },
            ),
        );
        let tmp = tempfile::tempdir().unwrap();
        let cw = server.certwright(tmp.path());
        let (out, _) = run(&cw, &issue_args("retry.bad.test"));
        assert!(out.status.success(), "{value}: {}", stderr(&out));
        let orders = server.requests(Endpoint::NewOrder);
        assert_eq!(orders.len(), 2, "{}", server.dump());
        let gap = orders[1].at.duration_since(orders[0].at);
        assert!(
            gap <= Duration::from_secs(3),
            "Retry-After {value:?} made certwright wait {gap:?}"
        );
        eprintln!("Retry-After {value:?}: retried after {gap:?}");
    }
    // A huge value is not waited for: the run stops at once and says when.
    for value in ["99999999999999999999999", "86400000"] {
        let server = FaultServer::start(Script::new().fail(
            Endpoint::NewOrder,
            1,
            Fault::Raw {
                status: 503,
                headers: vec![("Retry-After".into(), value.into())],
                body: br#"{"type":"urn:ietf:params:acme:error:rateLimited"}"#.to_vec(),
            },
        ));
        let tmp = tempfile::tempdir().unwrap();
        let cw = server.certwright(tmp.path());
        let (out, took) = run(&cw, &issue_args("huge.bad.test"));
        fails_clearly(&out, &["retry"], &server);
        assert!(took < Duration::from_secs(10), "{value}: took {took:?}");
        assert_eq!(server.count(Endpoint::NewOrder), 1);
        eprintln!("Retry-After {value}: {took:?}: {}", stderr(&out).trim());
    }
}

#[test]
fn an_order_processing_forever_stops_at_the_order_timeout() {
    let server = FaultServer::start(Script::new().processing(u32::MAX, Some(1)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let mut args = issue_args("forever.bad.test");
    args.extend(["--order-timeout".to_string(), "3".to_string()]);
    let (out, took) = run(&cw, &args);
    fails_clearly(&out, &["order timeout"], &server);
    assert!(
        took < Duration::from_secs(3) + Duration::from_secs(8),
        "{took:?}"
    );
    // The order is kept for the next run to resume.
    assert!(tmp.path().join("archive/forever.bad.test/pending").exists());
    eprintln!("endless processing: gave up after {took:?}");
}

/// A hung hook is not a hostile server, but it must not hang certwright
/// either: past `hook_timeout` it is killed and reported, and the new
/// certificate stays installed (a deploy hook cannot undo it).
#[test]
fn a_hung_deploy_hook_is_stopped_at_hook_timeout() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let mut args = issue_args("hook.example.test");
    args.extend([
        "--deploy-hook".to_string(),
        "echo deploying >&2; sleep 60".to_string(),
    ]);
    let mut cmd = cw.command();
    cmd.env("CERTWRIGHT_HOOK_TIMEOUT", "1").args(&args);
    let (out, took) = run_bounded(cmd, RUN_LIMIT);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("did not finish within 1 s"), "{err}");
    assert!(
        err.contains("deploying"),
        "the hook's stderr is shown: {err}"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    InstalledCert::read(&cw.live("hook.example.test"));
}
