//! The real binary against a fault-injecting ACME server: Retry-After on
//! 503/429 and polls, badNonce, order deadlines, requests that are not safe
//! to repeat, and an interrupted finalize. Each test asserts the gaps the
//! server observed between the relevant requests, the request counts, and
//! the outcome. Retry-After values are 1-2 s so the file runs in well under
//! a minute.

use crate::common::fault_server::*;
use crate::common::*;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// How much later than asked a retry may come before we call it a bug
/// (process start-up and TLS on a loaded 2-core machine, not policy).
const SLACK: Duration = Duration::from_secs(5);

fn run(cw: &Certwright, args: &[String], extra: &[&str]) -> Output {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend_from_slice(extra);
    cw.run(&all)
}

fn describe(out: &Output, server: &FaultServer) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}\nserver log:\n{}",
        out.status,
        stdout(out),
        stderr(out),
        server.dump()
    )
}

fn assert_ok(out: &Output, server: &FaultServer) -> serde_json::Value {
    assert!(out.status.success(), "{}", describe(out, server));
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

fn statuses(requests: &[Request]) -> Vec<u16> {
    requests.iter().map(|r| r.status).collect()
}

/// `b` came at least `min` after `a`, and not absurdly later.
fn assert_gap(a: &Request, b: &Request, min: Duration, server: &FaultServer) -> Duration {
    let gap = b.at.duration_since(a.at);
    assert!(
        gap >= min && gap <= min + SLACK,
        "{} {} came {gap:?} after the previous one, expected at least {min:?}\n{}",
        b.method,
        b.path,
        server.dump()
    );
    gap
}

/// The request right after `r` in the server's log.
fn next_after<'a>(log: &'a [Request], r: &Request) -> &'a Request {
    let i = log.iter().position(|x| x.at == r.at).unwrap();
    &log[i + 1]
}

#[test]
fn busy_503_with_retry_after_seconds_on_new_order_and_finalize() {
    let server = FaultServer::start(
        Script::new()
            .fail(
                Endpoint::NewOrder,
                1,
                Fault::Busy(Some(RetryAfter::Seconds(1))),
            )
            .fail(
                Endpoint::Finalize,
                1,
                Fault::Busy(Some(RetryAfter::Seconds(2))),
            ),
    );
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("busy.example.test"), &["--json"]);
    assert_ok(&out, &server);
    assert_installed(&cw, &server, "busy.example.test");

    let orders = server.requests(Endpoint::NewOrder);
    assert_eq!(statuses(&orders), [503, 201], "{}", server.dump());
    let g1 = assert_gap(&orders[0], &orders[1], Duration::from_secs(1), &server);
    let finalizes = server.requests(Endpoint::Finalize);
    assert_eq!(statuses(&finalizes), [503, 200], "{}", server.dump());
    let g2 = assert_gap(
        &finalizes[0],
        &finalizes[1],
        Duration::from_secs(2),
        &server,
    );
    eprintln!("newOrder retried after {g1:?}, finalize after {g2:?}");

    // Each retry is a new JWS signed with a fresh nonce: the one the 503
    // carried, so no newNonce round trip was needed.
    for pair in [&orders, &finalizes] {
        assert_ne!(
            pair[0].nonce, pair[1].nonce,
            "a retried POST reused its nonce"
        );
        assert_eq!(pair[1].nonce, pair[0].replay_nonce);
    }
    assert_eq!(server.count(Endpoint::NewNonce), 1, "{}", server.dump());
    // Exactly one order and one certificate for one run.
    assert_eq!(server.count(Endpoint::Certificate), 1);
}

#[test]
fn busy_503_with_retry_after_http_date() {
    let server = FaultServer::start(
        Script::new()
            .fail(
                Endpoint::NewOrder,
                1,
                Fault::Busy(Some(RetryAfter::HttpDate(1))),
            )
            .fail(
                Endpoint::Finalize,
                1,
                Fault::Busy(Some(RetryAfter::HttpDate(1))),
            ),
    );
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("date.example.test"), &["--json"]);
    assert_ok(&out, &server);
    assert_installed(&cw, &server, "date.example.test");
    for endpoint in [Endpoint::NewOrder, Endpoint::Finalize] {
        let requests = server.requests(endpoint);
        assert_eq!(requests.len(), 2, "{}", server.dump());
        assert_eq!(requests[0].status, 503);
        let date = requests[0].retry_after.as_deref().unwrap();
        let date = httpdate::parse_http_date(date).unwrap();
        // Not before the date the server named (same machine, same clock)...
        assert!(
            requests[1].wall >= date,
            "{endpoint:?} retried before {date:?}\n{}",
            server.dump()
        );
        // ...which was at least a second after the 503.
        let gap = assert_gap(&requests[0], &requests[1], Duration::from_secs(1), &server);
        eprintln!("{endpoint:?} retried after {gap:?}");
    }
}

#[test]
fn rate_limited_429_with_retry_after() {
    let server = FaultServer::start(
        Script::new()
            .fail(
                Endpoint::NewOrder,
                1,
                Fault::RateLimited(Some(RetryAfter::Seconds(1))),
            )
            .fail(
                Endpoint::Challenge,
                1,
                Fault::RateLimited(Some(RetryAfter::Seconds(1))),
            ),
    );
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("ratelimit.example.test"), &["--json"]);
    assert_ok(&out, &server);
    assert_installed(&cw, &server, "ratelimit.example.test");
    for endpoint in [Endpoint::NewOrder, Endpoint::Challenge] {
        let requests = server.requests(endpoint);
        assert_eq!(statuses(&requests)[0], 429, "{}", server.dump());
        assert_eq!(requests.len(), 2, "{}", server.dump());
        assert_ne!(requests[0].nonce, requests[1].nonce);
        let gap = assert_gap(&requests[0], &requests[1], Duration::from_secs(1), &server);
        eprintln!("{endpoint:?} retried after {gap:?}");
    }
}

#[test]
fn bad_nonce_is_retried_with_the_nonce_from_the_error() {
    let server = FaultServer::start(Script::new().bad_nonce_every(3));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("nonce.example.test"), &["--json"]);
    assert_ok(&out, &server);
    assert_installed(&cw, &server, "nonce.example.test");

    let log = server.log();
    let rejected: Vec<&Request> = log
        .iter()
        .filter(|r| r.faulted && r.status == 400)
        .collect();
    assert!(rejected.len() >= 3, "{}", server.dump());
    for bad in &rejected {
        let retry = next_after(&log, bad);
        assert_eq!((retry.method.as_str(), &retry.path), ("POST", &bad.path));
        assert_eq!(
            retry.nonce, bad.replay_nonce,
            "the retry of {} must use the nonce from the badNonce answer",
            bad.path
        );
    }
    // Only the very first POST needed a newNonce request.
    assert_eq!(server.count(Endpoint::NewNonce), 1, "{}", server.dump());
    eprintln!(
        "{} badNonce answers among {} requests",
        rejected.len(),
        log.len()
    );
}

#[test]
fn order_processing_is_polled_with_retry_after() {
    let server = FaultServer::start(Script::new().processing(3, Some(1)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("processing.example.test"), &["--json"]);
    assert_ok(&out, &server);
    assert_installed(&cw, &server, "processing.example.test");

    let log = server.log();
    let finalize = log
        .iter()
        .position(|r| r.endpoint == Endpoint::Finalize)
        .unwrap();
    let polls: Vec<Request> = log[finalize..]
        .iter()
        .filter(|r| r.endpoint == Endpoint::Finalize || r.endpoint == Endpoint::Order)
        .cloned()
        .collect();
    // finalize, 3 polls answered `processing` (Retry-After: 1), 1 `valid`.
    assert_eq!(polls.len(), 5, "{}", server.dump());
    for r in &polls[..4] {
        assert_eq!(r.retry_after.as_deref(), Some("1"));
    }
    let gaps: Vec<Duration> = polls
        .windows(2)
        .map(|w| assert_gap(&w[0], &w[1], Duration::from_secs(1), &server))
        .collect();
    eprintln!("processing polls after {gaps:?}");
    assert_eq!(server.count(Endpoint::Finalize), 1);
}

#[test]
fn authorization_pending_forever_hits_the_order_timeout() {
    let server = FaultServer::start(Script::new().pending(u32::MAX, Some(1)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let started = Instant::now();
    // A webroot, whose solver cannot see the CA: the poll schedule and the
    // Retry-After decide (the standalone server would wait for fetches the
    // fault server never makes).
    let webroot = tmp.path().join("www");
    std::fs::create_dir(&webroot).unwrap();
    let args = webroot_issue_args("pending.example.test", &webroot);
    let out = run(&cw, &args, &["--order-timeout", "3"]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out, &server));
    let err = stderr(&out);
    assert!(
        err.contains("gave up waiting for the CA to validate")
            && err.contains("order timeout of 3 s")
            && err.contains("last status: pending"),
        "{err}"
    );
    // Polls at 0.1, 1.1 and 2.1 s (the first poll step, then Retry-After:
    // 1); a fourth would land after the 3 s deadline, so certwright stops
    // instead of sleeping past it.
    let log = server.log();
    let challenge = log
        .iter()
        .position(|r| r.endpoint == Endpoint::Challenge)
        .unwrap();
    let polls: Vec<Request> = log[challenge + 1..]
        .iter()
        .filter(|r| r.endpoint == Endpoint::Order)
        .cloned()
        .collect();
    assert_eq!(polls.len(), 3, "{}", server.dump());
    for w in polls.windows(2) {
        assert_gap(&w[0], &w[1], Duration::from_secs(1), &server);
    }
    assert_eq!(server.count(Endpoint::Finalize), 0);
    assert!(!cw.live("pending.example.test").exists());
    eprintln!("gave up after {elapsed:?} and {} polls", polls.len());
}

#[test]
fn retry_after_beyond_max_retry_wait_stops_at_once() {
    // One answer asking for 10 minutes: past the default cap of 5 minutes.
    let server = FaultServer::start(Script::new().fail(
        Endpoint::NewOrder,
        1,
        Fault::Busy(Some(RetryAfter::Seconds(600))),
    ));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let before = SystemTime::now();
    let out = run(&cw, &issue_args("cap.example.test"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out, &server));
    assert_eq!(server.count(Endpoint::NewOrder), 1, "{}", server.dump());
    let err = stderr(&out);
    assert!(err.contains("--max-retry-wait (5 min)"), "{err}");
    assert!(err.contains("run again after that time"), "{err}");
    // The message names the moment to come back: 600 s after the 503.
    let named = (0..=3)
        .map(|s| certwright::clock::rfc3339(before + Duration::from_secs(600 + s)))
        .any(|t| err.contains(&format!("after {t} (in 10 min)")));
    assert!(named, "{err}");

    // The cap bounds the total: with CERTWRIGHT_MAX_RETRY_WAIT=2, two waits
    // of 1 s fit, a third would not.
    let server = FaultServer::start(Script::new().fail(
        Endpoint::NewOrder,
        10,
        Fault::Busy(Some(RetryAfter::Seconds(1))),
    ));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let args = issue_args("cap2.example.test");
    let out = cw
        .command()
        .args(&args)
        .env("CERTWRIGHT_MAX_RETRY_WAIT", "2")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out, &server));
    let orders = server.requests(Endpoint::NewOrder);
    assert_eq!(statuses(&orders), [503, 503, 503], "{}", server.dump());
    let g1 = assert_gap(&orders[0], &orders[1], Duration::from_secs(1), &server);
    let g2 = assert_gap(&orders[1], &orders[2], Duration::from_secs(1), &server);
    eprintln!("capped after waits of {g1:?}, {g2:?}");
    assert!(
        stderr(&out).contains("--max-retry-wait (2 s)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn server_error_without_retry_after_backs_off_exponentially() {
    let server = FaultServer::start(Script::new().fail(Endpoint::NewOrder, 2, Fault::Status(500)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("backoff.example.test"), &["--json"]);
    assert_ok(&out, &server);
    assert_installed(&cw, &server, "backoff.example.test");
    let orders = server.requests(Endpoint::NewOrder);
    assert_eq!(statuses(&orders), [500, 500, 201], "{}", server.dump());
    // Backoff with jitter: attempt n waits between half and all of 2^(n-1) s.
    let g1 = assert_gap(&orders[0], &orders[1], Duration::from_millis(500), &server);
    let g2 = assert_gap(&orders[1], &orders[2], Duration::from_secs(1), &server);
    assert!(g1 <= Duration::from_millis(1500), "{g1:?}");
    assert!(g2 <= Duration::from_millis(2500), "{g2:?}");
    eprintln!("backoff gaps {g1:?}, {g2:?}");
}

#[test]
fn finalize_whose_answer_is_lost_is_not_resent() {
    // The CA takes the CSR, then the answer is lost: once as a 500, once as
    // a dropped connection. Either way certwright must read the order, find
    // it processing, and never send the CSR again.
    for (fault, name) in [
        (Fault::Status(500), "lost500.example.test"),
        (Fault::HangUp, "lostconn.example.test"),
    ] {
        let server =
            FaultServer::start(Script::new().fail_after_applying(Endpoint::Finalize, 1, fault));
        let tmp = tempfile::tempdir().unwrap();
        let cw = server.certwright(tmp.path());
        let out = run(&cw, &issue_args(name), &["--json"]);
        assert_ok(&out, &server);
        assert_installed(&cw, &server, name);
        assert_eq!(server.count(Endpoint::Finalize), 1, "{}", server.dump());
        // Right after it: a read of the order (after a newNonce when the
        // lost answer took its Replay-Nonce with it).
        let after: Vec<Endpoint> = server
            .log()
            .iter()
            .map(|r| r.endpoint)
            .skip_while(|e| *e != Endpoint::Finalize)
            .skip(1)
            .filter(|e| *e != Endpoint::NewNonce)
            .collect();
        assert_eq!(after[0], Endpoint::Order, "{}", server.dump());
        assert!(
            stderr(&out).contains("checking the order"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn finalize_failing_before_it_is_applied_is_retried_a_bounded_number_of_times() {
    let server =
        // One failure more than certwright may send: were the bound lost,
        // the fifth finalize would succeed and the counts below would fail,
        // rather than the test looping for ever.
        FaultServer::start(Script::new().fail(Endpoint::Finalize, 4, Fault::Status(500)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("finalize500.example.test"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out, &server));
    let err = stderr(&out);
    assert!(err.contains("answered HTTP 500 after 3 attempts"), "{err}");
    // Each attempt is followed by a read of the order, which shows it still
    // `ready` (not applied), and only then is the CSR sent again.
    let log = server.log();
    let first = log
        .iter()
        .position(|r| r.endpoint == Endpoint::Finalize)
        .unwrap();
    let tail: Vec<Endpoint> = log[first..].iter().map(|r| r.endpoint).collect();
    assert_eq!(
        tail,
        [
            Endpoint::Finalize,
            Endpoint::Order,
            Endpoint::Finalize,
            Endpoint::Order,
            Endpoint::Finalize
        ],
        "{}",
        server.dump()
    );
    let finalizes = server.requests(Endpoint::Finalize);
    let g1 = assert_gap(
        &finalizes[0],
        &finalizes[1],
        Duration::from_millis(500),
        &server,
    );
    let g2 = assert_gap(
        &finalizes[1],
        &finalizes[2],
        Duration::from_secs(1),
        &server,
    );
    eprintln!("finalize resent after {g1:?}, {g2:?}");
    assert!(!cw.live("finalize500.example.test").exists());
}

#[test]
fn interrupted_finalize_resumes_the_same_order() {
    // Hold the order `processing` until the test lets it go.
    let server = FaultServer::start(Script::new().processing(1000, Some(1)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let name = "resume.example.test";
    let mut child = cw
        .command()
        .args(issue_args(name))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the CA has the CSR and certwright is polling the order.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = server.log();
        let polled = log
            .iter()
            .skip_while(|r| r.endpoint != Endpoint::Finalize)
            .any(|r| r.endpoint == Endpoint::Order);
        if polled {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "{}", server.dump());
        assert!(Instant::now() < deadline, "{}", server.dump());
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no cleanup code runs.
    child.wait().unwrap();
    let first_run = server.log().len();
    assert!(!cw.live(name).exists());
    let pending_key = tmp
        .path()
        .join("archive")
        .join(name)
        .join("pending/privkey.pem");
    let pending_key = openssl::pkey::PKey::private_key_from_pem(
        &std::fs::read(&pending_key).expect("the key is persisted before finalize"),
    )
    .unwrap();

    server.finish_processing();
    // Should certwright wrongly start a new order, let it finish at once so
    // the counts below fail fast instead of the run waiting out its timeout.
    server.update(|s| s.processing_polls = 0);
    let out = run(&cw, &issue_args(name), &["--json"]);
    let doc = assert_ok(&out, &server);
    assert_eq!(doc["resumed"], true, "{doc}");
    let cert = assert_installed(&cw, &server, name);
    assert!(
        cert.key.public_eq(&pending_key),
        "the installed key must be the one persisted before finalize"
    );
    // One order, one CSR, across both runs.
    assert_eq!(server.count(Endpoint::NewOrder), 1, "{}", server.dump());
    assert_eq!(server.count(Endpoint::Finalize), 1, "{}", server.dump());
    let finalize = server.requests(Endpoint::Finalize).remove(0);
    assert_eq!(
        doc["order_url"].as_str().unwrap(),
        format!(
            "{}{}",
            server.base,
            finalize.path.replace("/finalize/", "/order/")
        )
    );
    assert!(
        !tmp.path()
            .join("archive")
            .join(name)
            .join("pending")
            .exists()
    );
    eprintln!(
        "killed after {first_run} requests; the resumed run needed {}",
        server.log().len() - first_run
    );
}

// ------------------------------------------------------------ progress ----

fn busy_new_order() -> FaultServer {
    FaultServer::start(Script::new().fail(
        Endpoint::NewOrder,
        1,
        Fault::Busy(Some(RetryAfter::Seconds(1))),
    ))
}

#[test]
fn waits_are_json_events_with_json_and_silent_with_quiet() {
    let server = busy_new_order();
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("events.example.test"), &["--json", "-v"]);
    let doc = assert_ok(&out, &server);
    assert_eq!(doc["issued"], true);
    // stderr is nothing but JSON lines, one per event.
    let events: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    let waits: Vec<&serde_json::Value> = events.iter().filter(|e| e["event"] == "wait").collect();
    assert!(
        waits
            .iter()
            .any(|w| w["reason"] == "CA busy, retrying newOrder" && w["seconds"] == 1.0),
        "{waits:?}"
    );
    // -v: every request with its status, the 503 included.
    let requests: Vec<(String, u64)> = events
        .iter()
        .filter(|e| e["event"] == "request")
        .map(|e| {
            (
                e["url"].as_str().unwrap().to_string(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(requests.len(), server.log().len(), "{requests:?}");
    let new_order = format!("{}/new-order", server.base);
    assert_eq!(
        requests
            .iter()
            .filter(|(u, _)| *u == new_order)
            .map(|(_, s)| *s)
            .collect::<Vec<_>>(),
        [503, 201]
    );

    let server = busy_new_order();
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("quiet.example.test"), &["-q"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    assert_eq!(server.count(Endpoint::NewOrder), 2, "the wait did happen");
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(out.stderr.is_empty(), "-q must be silent: {}", stderr(&out));
}

#[test]
fn verbose_shows_each_request_and_no_secret() {
    let server = busy_new_order();
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("verbose.example.test"), &["-v"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let err = stderr(&out);
    for r in server.log() {
        let line = format!("{} {}{} -> {}", r.method, server.base, r.path, r.status);
        assert!(err.contains(&line), "missing {line:?} in\n{err}");
    }
    assert!(
        err.contains("CA busy, retrying newOrder: waiting 1 s"),
        "{err}"
    );
    // No part of any JWS (header with nonce, payload with the CSR,
    // signature) and no key reaches the log.
    for r in server.log().iter().filter(|r| r.method == "POST") {
        let jws: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        for part in ["protected", "payload", "signature"] {
            let text = jws[part].as_str().unwrap();
            assert!(
                text.is_empty() || !err.contains(text),
                "{part} of {} leaked",
                r.path
            );
        }
        if let Some(nonce) = &r.nonce {
            assert!(!err.contains(nonce.as_str()), "a nonce leaked");
        }
    }
    assert!(!err.contains("PRIVATE KEY"), "{err}");
}

/// `-vv` adds what the CA answered: the steering headers and the JSON
/// bodies (here the order, with its status), certificate chains by size;
/// `-v` shows neither. Still no JWS part and no key.
#[test]
fn very_verbose_shows_the_cas_answers() {
    let server = busy_new_order();
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let out = run(&cw, &issue_args("vv.example.test"), &["-vv"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let err = stderr(&out);
    for needle in [
        "  < Retry-After: 1",
        "  < Location: ",
        "  <   \"status\": \"pending\"",
        "  <   \"identifiers\": [",
        "  < Content-Type: application/pem-certificate-chain",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in\n{err}");
    }
    assert!(!err.contains("PRIVATE KEY"), "{err}");
    for r in server.log().iter().filter(|r| r.method == "POST") {
        let jws: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let signature = jws["signature"].as_str().unwrap();
        assert!(!err.contains(signature), "a signature leaked");
    }
    let out = run(&cw, &issue_args("v.example.test"), &["-v"]);
    assert!(!stderr(&out).contains("  < "), "{}", stderr(&out));

    // JSON: one `response` event per answer, the body parsed.
    let out = run(&cw, &issue_args("vvj.example.test"), &["-vv", "--json"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let responses: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["event"] == "response")
        .collect();
    assert!(
        responses
            .iter()
            .any(|v| v["body"]["status"] == "pending" && v["headers"]["Location"].is_string()),
        "{responses:#?}"
    );
}

#[test]
fn spinner_on_a_terminal_names_what_is_awaited() {
    let server = busy_new_order();
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    // `script` (util-linux) runs certwright on a pseudo-terminal, as from an
    // interactive shell: stderr is a TTY, so the spinner is drawn.
    let command = std::iter::once(BIN.to_string())
        .chain(issue_args("tty.example.test"))
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let out = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("CERTWRIGHT_CONFIG_DIR", &cw.config_dir)
        .env("CERTWRIGHT_SERVER", &cw.server)
        .env("CERTWRIGHT_CA_BUNDLE", &cw.ca_bundle)
        .stdin(Stdio::null())
        .output()
        .expect("`script` from util-linux runs the binary on a pseudo-terminal");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}\n{}", server.dump());
    assert!(
        screen.contains("CA busy, retrying newOrder (next check in 1 s)"),
        "{screen:?}"
    );
    assert!(
        screen.contains("Certificate for tty.example.test issued"),
        "{screen:?}"
    );
}

// --------------------------------------------- transport, with a fake clock ----
// Exhausting every attempt takes half a minute of real backoff; the library's
// transport with a FakeClock shows the same bounds without the wait.

mod transport {
    use super::*;
    use crate::common::fake_clock::FakeClock;
    use certwright::acme::Error;
    use certwright::acme::jws::SigningKey;
    use certwright::acme::retry::RetryPolicy;
    use certwright::acme::transport::{HttpSettings, Repeat, Transport};
    use certwright::crypto::KeyType;
    use certwright::progress::Silent;
    use std::sync::Arc;

    fn transport(server: &FaultServer) -> (Transport, Arc<FakeClock>) {
        let clock = Arc::new(FakeClock::new(SystemTime::now()));
        let t = Transport::new(
            HttpSettings {
                ca_bundle: Some(server.ca_bundle()),
            },
            RetryPolicy::default(),
            clock.clone(),
            Arc::new(Silent),
        )
        .unwrap();
        t.set_new_nonce_url(&format!("{}/nonce", server.base));
        (t, clock)
    }

    /// Each sleep is the jittered backoff of its attempt: within
    /// [2^(n-1)/2, 2^(n-1)] seconds.
    fn assert_backoff(sleeps: &[Duration]) {
        for (i, d) in sleeps.iter().enumerate() {
            let full = Duration::from_secs(1 << i);
            assert!(
                *d >= full / 2 && *d <= full,
                "sleep {i}: {d:?} of {sleeps:?}"
            );
        }
    }

    #[test]
    fn server_errors_on_a_safe_request_stop_after_six_attempts() {
        let server =
            FaultServer::start(Script::new().fail(Endpoint::Directory, 100, Fault::Status(502)));
        let (t, clock) = transport(&server);
        let err = t.get(&server.directory).expect_err("every attempt fails");
        assert!(
            matches!(
                err,
                Error::ServerError {
                    status: 502,
                    attempts: 6,
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string().contains("HTTP 502 after 6 attempts"),
            "{err}"
        );
        assert_eq!(server.count(Endpoint::Directory), 6);
        assert_eq!(clock.sleeps().len(), 5);
        assert_backoff(&clock.sleeps());
        eprintln!("backoff: {:?}", clock.sleeps());
    }

    #[test]
    fn connection_failures_stop_after_three_attempts() {
        let server =
            FaultServer::start(Script::new().fail(Endpoint::Directory, 100, Fault::HangUp));
        let (t, clock) = transport(&server);
        let err = t.get(&server.directory).expect_err("every attempt fails");
        assert!(matches!(err, Error::Transport { .. }), "{err}");
        assert_eq!(server.count(Endpoint::Directory), 3);
        assert_eq!(clock.sleeps().len(), 2);
        assert_backoff(&clock.sleeps());
    }

    #[test]
    fn an_unsafe_post_is_never_resent_blindly_but_a_busy_one_is() {
        let server = FaultServer::start(
            Script::new()
                .fail(Endpoint::Finalize, 1, Fault::Status(500))
                .fail(Endpoint::Finalize, 1, Fault::HangUp)
                .fail(
                    Endpoint::Finalize,
                    1,
                    Fault::Busy(Some(RetryAfter::Seconds(7))),
                ),
        );
        let (t, clock) = transport(&server);
        let key = SigningKey::new(KeyType::EcdsaP256.generate().unwrap()).unwrap();
        let url = format!("{}/finalize/1", server.base);
        let post = || {
            t.post(
                &url,
                &key,
                Some("https://ca.test/acct/1"),
                Some(&serde_json::json!({"csr": "x"})),
                Repeat::Unsafe,
                "application/json",
            )
        };
        // 500, then a dropped connection: one request each, no wait.
        let err = post().err().unwrap();
        assert!(
            matches!(err, Error::ServerError { attempts: 1, .. }),
            "{err}"
        );
        assert!(matches!(post().err().unwrap(), Error::Transport { .. }));
        assert_eq!(server.count(Endpoint::Finalize), 2);
        assert!(clock.sleeps().is_empty());
        // 503 + Retry-After: the CA said it did nothing, so even finalize is
        // sent again, after exactly the time asked. (The retried request is
        // then refused for its unknown kid: this server checks accounts.)
        let _ = post();
        assert_eq!(clock.sleeps(), [Duration::from_secs(7)]);
        let finalizes = server.requests(Endpoint::Finalize);
        assert_eq!(
            statuses(&finalizes),
            [500, 0, 503, 400],
            "{}",
            server.dump()
        );
        assert_ne!(finalizes[2].nonce, finalizes[3].nonce);
    }
}

/// The fault server's ARI endpoint, which the renew feature relies on:
/// the default window is the last third of the certificate's lifetime, a
/// test can set its own, and every request is logged by certID.
#[test]
fn fault_server_answers_renewal_info() {
    use base64::Engine;
    let b64 = |d: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d);
    let server =
        FaultServer::start(Script::new().profiles(&[("shortlived", "6-day certificates")]));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    assert_ok(
        &run(&cw, &issue_args("ari.example.test"), &["--json"]),
        &server,
    );
    let cert = assert_installed(&cw, &server, "ari.example.test");
    let cert_id = format!(
        "{}.{}",
        b64(cert.leaf.authority_key_id().unwrap().as_slice()),
        b64(&cert.leaf.serial_number().to_bn().unwrap().to_vec())
    );
    let get = |id: &str| {
        let (status, body) = http_get(
            &format!("{}/renewal-info/{id}", server.base),
            Some(server.ca_bundle()),
        );
        (
            status,
            serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
        )
    };
    let (status, doc) = get(&cert_id);
    assert_eq!(status, 200, "{doc}");
    let start = certwright::clock::parse_rfc3339(doc["suggestedWindow"]["start"].as_str().unwrap())
        .unwrap();
    let not_after = certwright::crypto::cert_info(&cert.leaf).unwrap().not_after;
    let left = not_after.duration_since(start).unwrap();
    assert!(left > Duration::from_secs(29 * 86400) && left < Duration::from_secs(31 * 86400));

    let from = SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    server.update(|s| {
        s.renewal_info.window = Some((from, from + Duration::from_secs(3600)));
        s.renewal_info.retry_after = 60;
    });
    let (_, doc) = get(&cert_id);
    assert_eq!(
        doc["suggestedWindow"]["start"],
        certwright::clock::rfc3339(from)
    );
    assert_eq!(
        server.log().last().unwrap().retry_after.as_deref(),
        Some("60")
    );
    assert_eq!(server.ari_requests(), [cert_id.clone(), cert_id]);

    let (status, body) = http_get(&server.directory, Some(server.ca_bundle()));
    assert_eq!(status, 200);
    let dir: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(dir["meta"]["profiles"]["shortlived"], "6-day certificates");
    assert_eq!(dir["renewalInfo"], format!("{}/renewal-info", server.base));
}

/// A Retry-After on a processing order that lies past --order-timeout: no
/// pointless sleep, a message naming the CA's request, and the saved order
/// is picked up by the next run.
#[test]
fn processing_retry_after_past_the_order_timeout_stops_and_the_next_run_resumes() {
    let server = FaultServer::start(Script::new().processing(100, Some(30)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let name = "deadline.example.test";
    let out = run(&cw, &issue_args(name), &["--order-timeout", "10"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out, &server));
    let err = stderr(&out);
    assert!(
        err.contains(
            "gave up waiting for the CA to issue the certificate (the CA asked to check again in 30 s, past the order timeout of 10 s)"
        ) && err.contains("last status: processing"),
        "{err}"
    );
    // Nothing after the finalize answer: no poll, no sleep.
    assert_eq!(
        server.log().last().unwrap().endpoint,
        Endpoint::Finalize,
        "{}",
        server.dump()
    );
    assert!(
        tmp.path()
            .join("archive")
            .join(name)
            .join("pending")
            .exists()
    );

    server.finish_processing();
    // Should certwright wrongly start a new order, let it finish at once so
    // the counts below fail fast instead of the run waiting out its timeout.
    server.update(|s| s.processing_polls = 0);
    let doc = assert_ok(&run(&cw, &issue_args(name), &["--json"]), &server);
    assert_eq!(doc["resumed"], true);
    assert_installed(&cw, &server, name);
    assert_eq!(server.count(Endpoint::NewOrder), 1);
    assert_eq!(server.count(Endpoint::Finalize), 1);
}
