//! End-to-end dns-01: the real binary, real Pebble, and hook scripts that
//! set TXT records through pebble-challtestsrv, which is Pebble's DNS.
//!
//! The hooks are bash scripts talking HTTP over bash's /dev/tcp, so they
//! need nothing beyond bash (curl is not on every fresh Debian).

use crate::common::*;
use hickory_proto::op::{Message, Query};
use hickory_proto::rr::{Name, RData, RecordType};
use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// A bash script with a `cts PATH JSON` function that POSTs to
/// challtestsrv's management API and fails on anything but 200.
fn hook(dir: &Path, name: &str, pebble: &Pebble, body: &str) -> PathBuf {
    let port = pebble
        .challtestsrv
        .rsplit(':')
        .next()
        .expect("challtestsrv URL has a port");
    let script = format!(
        r#"#!/bin/bash
set -eu
cts() {{
  exec 3<>/dev/tcp/127.0.0.1/{port}
  printf 'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "$1" "${{#2}}" "$2" >&3
  IFS= read -r status <&3
  exec 3<&-
  case "$status" in *" 200 "*) ;; *) echo "challtestsrv $1 answered: $status" >&2; exit 1;; esac
}}
{body}
"#
    );
    let path = dir.join(name);
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

const SET_TXT: &str = r#"cts /set-txt "{\"host\":\"_acme-challenge.$CERTBOT_DOMAIN.\",\"value\":\"$CERTBOT_VALIDATION\"}""#;
const CLEAR_TXT: &str = r#"cts /clear-txt "{\"host\":\"_acme-challenge.$CERTBOT_DOMAIN.\"}""#;

/// TXT values at `name` as challtestsrv serves them right now.
fn txt_at(dns_port: u16, name: &str) -> Vec<String> {
    let mut q = Message::query();
    q.add_query(Query::query(
        Name::from_ascii(name).unwrap(),
        RecordType::TXT,
    ));
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    socket
        .send_to(&q.to_vec().unwrap(), ("127.0.0.1", dns_port))
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = socket.recv(&mut buf).unwrap();
    let answer = Message::from_vec(&buf[..n]).unwrap();
    let mut values: Vec<String> = answer
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::TXT(t) => Some(
                t.txt_data
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    values.sort();
    values
}

fn dns_args(pebble: &Pebble) -> Vec<String> {
    vec![
        "--dns-resolver".into(),
        format!("127.0.0.1:{}", pebble.dns_port),
    ]
}

/// A run whose stderr lines are timestamped as they arrive, so the test
/// can tell when each request was made.
struct Timed {
    child: Child,
    lines: Arc<Mutex<Vec<(SystemTime, String)>>>,
    reader: std::thread::JoinHandle<()>,
}

impl Timed {
    fn spawn(cw: &Certwright, args: &[String]) -> Timed {
        let mut child = cw
            .command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push((SystemTime::now(), line));
            }
        });
        Timed {
            child,
            lines,
            reader,
        }
    }

    fn finish(mut self) -> (std::process::ExitStatus, String, Vec<(SystemTime, String)>) {
        let mut stdout = String::new();
        std::io::Read::read_to_string(self.child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
        let status = self.child.wait().unwrap();
        self.reader.join().unwrap();
        let lines = self.lines.lock().unwrap().clone();
        (status, stdout, lines)
    }

    fn saw(&self, needle: &str) -> bool {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .any(|(_, l)| l.contains(needle))
    }
}

/// A JSON request event (from `--json -v`).
#[derive(Debug, PartialEq)]
struct RequestEvent {
    method: String,
    url: String,
    /// When the client logged it: after the response arrived.
    unix_ms: u64,
    /// How long the exchange took (truncated to whole milliseconds).
    ms: u64,
}

impl RequestEvent {
    /// The latest the request can have been sent: certwright logs it
    /// `ms` (+ < 1 ms of truncation) after sending, so it was sent after this.
    fn sent_after(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(self.unix_ms - self.ms - 1)
    }
}

fn requests(lines: &[(SystemTime, String)]) -> Vec<RequestEvent> {
    lines
        .iter()
        .filter_map(|(_, l)| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            (v["event"] == "request").then(|| RequestEvent {
                method: v["method"].as_str().unwrap_or("").to_string(),
                url: v["url"].as_str().unwrap_or("").to_string(),
                unix_ms: v["unix_ms"].as_u64().expect("events carry unix_ms"),
                ms: v["ms"].as_u64().unwrap_or(0),
            })
        })
        .collect()
}

/// Challenge responses: POSTs to a challenge URL (Pebble: /chalZ/).
fn challenge_posts(lines: &[(SystemTime, String)]) -> Vec<RequestEvent> {
    requests(lines)
        .into_iter()
        .filter(|r| r.method == "POST" && r.url.contains("/chalZ/"))
        .collect()
}

fn all_lines(lines: &[(SystemTime, String)]) -> String {
    lines
        .iter()
        .map(|(_, l)| l.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn wildcard_and_apex_in_one_order_with_hook_scripts() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let log = tmp.path().join("hook.log");
    let auth = hook(
        tmp.path(),
        "auth.sh",
        &pebble,
        &format!(
            "echo \"auth $CERTBOT_DOMAIN $CERTBOT_VALIDATION $CERTBOT_REMAINING_CHALLENGES $CERTBOT_ALL_DOMAINS ${{CERTBOT_TOKEN:-no-token}}\" >> {log}\n{SET_TXT}\necho record-set",
            log = log.display()
        ),
    );
    let cleanup = hook(
        tmp.path(),
        "cleanup.sh",
        &pebble,
        &format!(
            "echo \"cleanup $CERTBOT_DOMAIN $CERTBOT_AUTH_OUTPUT\" >> {log}\n{CLEAR_TXT}",
            log = log.display()
        ),
    );
    let mut args: Vec<String> = [
        "--json",
        "-v",
        "issue",
        "-d",
        "dns.example.test",
        "-d",
        "*.dns.example.test",
        "--manual-auth-hook",
        auth.to_str().unwrap(),
        "--manual-cleanup-hook",
        cleanup.to_str().unwrap(),
        "--propagation-timeout",
        "30",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(dns_args(&pebble));
    // A stale value in the environment must not reach the hooks.
    let out = cw
        .command()
        .env("CERTBOT_TOKEN", "stale-from-outside")
        .args(&args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let cert = InstalledCert::read(&cw.live("dns.example.test"));
    assert_eq!(cert.sans(), vec!["*.dns.example.test", "dns.example.test"]);
    assert!(cert.key_matches());
    assert!(cert.verifies_to(&pebble.root_pem(0)));

    // Two challenges on one name: two different values, both cleaned up.
    let lines: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    let auth_lines: Vec<Vec<&str>> = lines[..2].iter().map(|l| l.split(' ').collect()).collect();
    for (i, parts) in auth_lines.iter().enumerate() {
        assert_eq!(parts[0], "auth");
        assert_eq!(parts[1], "dns.example.test", "CERTBOT_DOMAIN has no *.");
        assert_eq!(parts[2].len(), 43, "base64url SHA-256: {}", parts[2]);
        assert_eq!(
            parts[3],
            (1 - i).to_string(),
            "CERTBOT_REMAINING_CHALLENGES"
        );
        assert_eq!(parts[4], "dns.example.test", "CERTBOT_ALL_DOMAINS");
        assert_eq!(parts[5], "no-token", "no CERTBOT_TOKEN for dns-01");
    }
    assert_ne!(auth_lines[0][2], auth_lines[1][2]);
    assert_eq!(lines[2], "cleanup dns.example.test record-set");
    assert_eq!(lines[3], "cleanup dns.example.test record-set");
    assert_eq!(
        txt_at(pebble.dns_port, "_acme-challenge.dns.example.test."),
        Vec::<String>::new(),
        "cleanup removed the records"
    );

    // Positive control for the "no /chalZ/ in Pebble's log" checks below.
    assert!(pebble.log().contains("/chalZ/"), "{}", pebble.log());

    // Directory, nonce, newOrder, 2 authz, 2 challenges, order poll(s),
    // finalize, order poll(s), download.
    let requests = result["requests"].as_u64().unwrap();
    eprintln!(
        "wildcard+apex issuance: {requests} requests, {} ms",
        result["elapsed_ms"]
    );
    assert!((11..=14).contains(&requests), "{requests} requests");

    let renewal =
        std::fs::read_to_string(tmp.path().join("renewal/dns.example.test.toml")).unwrap();
    let renewal: toml::Value = toml::from_str(&renewal).unwrap();
    let solver = &renewal["solver"];
    assert_eq!(solver["kind"].as_str(), Some("dns"));
    assert_eq!(solver["auth_hook"].as_str(), auth.to_str());
    assert_eq!(solver["cleanup_hook"].as_str(), cleanup.to_str());
    assert_eq!(solver["propagation_timeout"].as_integer(), Some(30));
    assert!(
        solver.get("propagation_delay").is_none(),
        "defaults are not stored"
    );
}

#[test]
fn a_record_that_appears_late_is_waited_for() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let set_start = tmp.path().join("set-start");
    // The provider's API accepts the record at once but serves it only
    // ~4 s later, like an anycast network still syncing. The time is taken
    // just before the record is created: it cannot be visible earlier.
    let auth = hook(
        tmp.path(),
        "auth.sh",
        &pebble,
        &format!(
            "( sleep 4; date +%s.%N > {}; {SET_TXT} ) >/dev/null 2>&1 &",
            set_start.display()
        ),
    );
    let cleanup = hook(tmp.path(), "cleanup.sh", &pebble, CLEAR_TXT);
    let mut args: Vec<String> = [
        "--json",
        "-v",
        "issue",
        "-d",
        "late.example.test",
        "--dns-hook",
        auth.to_str().unwrap(),
        "--dns-cleanup-hook",
        cleanup.to_str().unwrap(),
        "--propagation-timeout",
        "30",
        "--propagation-sleep-times",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(dns_args(&pebble));
    let started = SystemTime::now();
    let (status, stdout, lines) = Timed::spawn(&cw, &args).finish();
    assert!(status.success(), "{}", all_lines(&lines));
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();

    let set_at: f64 = std::fs::read_to_string(&set_start)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let set_at = SystemTime::UNIX_EPOCH + Duration::from_secs_f64(set_at);
    let posts = challenge_posts(&lines);
    assert_eq!(posts.len(), 1, "{}", all_lines(&lines));
    let sent_after = posts[0].sent_after();
    assert!(
        sent_after > set_at,
        "the challenge was answered up to {:?} before the record was created",
        set_at.duration_since(sent_after).unwrap_or_default()
    );
    let waited_after_set = sent_after.duration_since(set_at).unwrap();
    let record_delay = set_at.duration_since(started).unwrap();
    eprintln!(
        "record created {:.3} s after start; challenge answered at least {:.3} s after that; issuance {} ms, {} requests",
        record_delay.as_secs_f64(),
        waited_after_set.as_secs_f64(),
        result["elapsed_ms"],
        result["requests"]
    );
    assert!(record_delay >= Duration::from_secs(4));
    // With a 1 s probe interval the client notices within about a second.
    assert!(
        waited_after_set < Duration::from_secs(3),
        "{waited_after_set:?}"
    );
    // Progress named the missing record while waiting.
    assert!(
        lines.iter().any(|(_, l)| l.contains("\"event\":\"wait\"")
            && l.contains("_acme-challenge.late.example.test")
            && l.contains("left")),
        "{}",
        all_lines(&lines)
    );
    assert_eq!(
        InstalledCert::read(&cw.live("late.example.test")).sans(),
        vec!["late.example.test"]
    );
}

#[test]
fn a_record_that_never_appears_fails_without_answering_the_challenge() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let marker = tmp.path().join("cleanup-ran");
    let auth = hook(
        tmp.path(),
        "auth.sh",
        &pebble,
        "echo 'pretending to set the record'",
    );
    let cleanup = hook(
        tmp.path(),
        "cleanup.sh",
        &pebble,
        &format!("echo \"$CERTBOT_DOMAIN\" >> {}", marker.display()),
    );
    let mut args: Vec<String> = [
        "--json",
        "-v",
        "issue",
        "-d",
        "never.example.test",
        "--dns-hook",
        auth.to_str().unwrap(),
        "--dns-cleanup-hook",
        cleanup.to_str().unwrap(),
        "--propagation-timeout",
        "3",
        "--propagation-sleep-times",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(dns_args(&pebble));
    let started = Instant::now();
    let (status, stdout, lines) = Timed::spawn(&cw, &args).finish();
    let elapsed = started.elapsed();
    assert_eq!(status.code(), Some(1), "{}", all_lines(&lines));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let error = doc["error"].as_str().unwrap();
    assert!(error.contains("not visible after 3 s"), "{error}");
    assert!(
        error.contains(&format!(
            "_acme-challenge.never.example.test at 127.0.0.1:{}: no TXT record yet",
            pebble.dns_port
        )),
        "{error}"
    );
    assert!(
        error.contains("The CA was not asked to validate"),
        "{error}"
    );
    assert!(
        elapsed >= Duration::from_secs(3),
        "gave up after {elapsed:?}"
    );
    eprintln!(
        "never-visible record: gave up after {:.2} s",
        elapsed.as_secs_f64()
    );

    assert_eq!(
        std::fs::read_to_string(&marker).unwrap(),
        "never.example.test\n",
        "cleanup ran once"
    );
    assert!(!cw.live("never.example.test").exists(), "nothing installed");
    assert!(!tmp.path().join("renewal/never.example.test.toml").exists());
    // No challenge was answered, so the CA spent no failed authorization.
    assert!(requests(&lines).len() >= 3, "request events are visible");
    assert_eq!(challenge_posts(&lines), Vec::new(), "{}", all_lines(&lines));
    // Pebble logs every challenge POST (see the wildcard test's control).
    assert!(!pebble.log().contains("/chalZ/"), "{}", pebble.log());
}

#[test]
fn a_failing_hook_stops_issuance_and_shows_its_stderr() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let marker = tmp.path().join("cleanup-ran");
    let auth = hook(
        tmp.path(),
        "auth.sh",
        &pebble,
        "echo 'provider API: 403 invalid API token for zone example.test' >&2\nexit 3",
    );
    let cleanup = hook(
        tmp.path(),
        "cleanup.sh",
        &pebble,
        &format!("touch {}", marker.display()),
    );
    let out = cw.run(&[
        "-v",
        "issue",
        "-d",
        "fail.example.test",
        "--dns-hook",
        auth.to_str().unwrap(),
        "--dns-cleanup-hook",
        cleanup.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("the dns-01 auth hook for fail.example.test failed"),
        "{err}"
    );
    assert!(err.contains("exited with status 3"), "{err}");
    assert!(err.contains("provider API: 403 invalid API token"), "{err}");
    assert!(marker.exists(), "cleanup runs after a failed auth hook");
    assert!(err.contains("POST https://"), "-v shows requests: {err}");
    assert!(!err.contains("/chalZ/"), "no challenge answered: {err}");
    assert!(!pebble.log().contains("/chalZ/"), "{}", pebble.log());
    assert!(!cw.live("fail.example.test").exists());
}

#[test]
fn delegated_validation_through_a_cname() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    // _acme-challenge.cname.example.test is a CNAME into a zone the hook
    // can write to, the way acme-dns style setups work.
    pebble.challtestsrv_post(
        "/set-cname",
        &serde_json::json!({
            "host": "_acme-challenge.cname.example.test.",
            "target": "_acme-challenge.validation.example.net."
        }),
    );
    let auth = hook(
        tmp.path(),
        "auth.sh",
        &pebble,
        r#"cts /set-txt "{\"host\":\"_acme-challenge.validation.example.net.\",\"value\":\"$CERTBOT_VALIDATION\"}""#,
    );
    let cleanup = hook(
        tmp.path(),
        "cleanup.sh",
        &pebble,
        r#"cts /clear-txt "{\"host\":\"_acme-challenge.validation.example.net.\"}""#,
    );
    let mut args: Vec<String> = [
        "-v",
        "issue",
        "-d",
        "cname.example.test",
        "--dns-hook",
        auth.to_str().unwrap(),
        "--dns-cleanup-hook",
        cleanup.to_str().unwrap(),
        "--propagation-timeout",
        "20",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(dns_args(&pebble));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    cw.ok(&refs);
    assert_eq!(
        InstalledCert::read(&cw.live("cname.example.test")).sans(),
        vec!["cname.example.test"]
    );
}

#[test]
fn interrupting_the_wait_runs_the_cleanup_hook() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let marker = tmp.path().join("cleanup-ran");
    let auth = hook(tmp.path(), "auth.sh", &pebble, SET_TXT);
    let cleanup = hook(
        tmp.path(),
        "cleanup.sh",
        &pebble,
        &format!("{CLEAR_TXT}\ntouch {}", marker.display()),
    );
    // The record is set, but the check looks at a server that never has
    // it (a resolver socket that does not answer), so the run waits.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let args: Vec<String> = [
        "--json",
        "issue",
        "-d",
        "sigint.example.test",
        "--dns-hook",
        auth.to_str().unwrap(),
        "--dns-cleanup-hook",
        cleanup.to_str().unwrap(),
        "--propagation-timeout",
        "120",
        "--dns-resolver",
        &silent.local_addr().unwrap().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let run = Timed::spawn(&cw, &args);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !run.saw("checking that 1 TXT record") {
        assert!(Instant::now() < deadline, "the run never started waiting");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        txt_at(pebble.dns_port, "_acme-challenge.sigint.example.test.").len(),
        1,
        "the auth hook set the record"
    );
    let pid = run.child.id();
    let kill = std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {pid}")])
        .status()
        .unwrap();
    assert!(kill.success());
    let (status, _, lines) = run.finish();
    assert_eq!(status.code(), Some(130), "{}", all_lines(&lines));
    assert!(
        marker.exists(),
        "cleanup ran before exit: {}",
        all_lines(&lines)
    );
    assert!(
        all_lines(&lines).contains("interrupted; cleaning up"),
        "{}",
        all_lines(&lines)
    );
    assert_eq!(
        txt_at(pebble.dns_port, "_acme-challenge.sigint.example.test.").len(),
        0,
        "the record is gone"
    );
}

#[test]
fn manual_mode_without_a_terminal_is_refused_with_the_hook_flags_named() {
    let tmp = tempfile::tempdir().unwrap();
    for extra in [&[][..], &["--non-interactive"][..]] {
        let out = std::process::Command::new(BIN)
            .args(["issue", "-d", "*.example.com", "--manual"])
            .args(extra)
            .args(["--server", "https://127.0.0.1:1/dir", "--config-dir"])
            .arg(tmp.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("--manual needs a person at a terminal"),
            "{err}"
        );
        assert!(err.contains("--dns-hook SCRIPT"), "{err}");
        assert!(err.contains("--manual-auth-hook"), "{err}");
        assert!(
            !err.contains("cannot reach"),
            "refused before any request: {err}"
        );
    }
}

#[test]
fn dns_flags_are_checked_before_the_ca_is_contacted() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing-hook.sh");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--dns-hook".into(), missing.to_str().unwrap().into()],
            "does not exist",
        ),
        (
            vec![
                "--dns-hook".into(),
                "true".into(),
                "--dns-resolver".into(),
                "not-an-address".into(),
            ],
            "--dns-resolver",
        ),
        (
            vec![
                "--dns-hook".into(),
                "true".into(),
                "--preferred-challenges".into(),
                "http-01".into(),
            ],
            "dns-01 only",
        ),
        (
            vec![
                "--standalone".into(),
                "--propagation-timeout".into(),
                "5".into(),
            ],
            "apply to dns-01 (--dns-provider, --dns-hook or --manual) only",
        ),
        (
            vec![
                "--dns-provider".into(),
                "rfc2136".into(),
                "--dns-credentials".into(),
                missing.to_str().unwrap().into(),
            ],
            "No such file",
        ),
        (
            vec!["--dns-provider".into(), "route53".into()],
            "invalid value 'route53'",
        ),
        (
            vec![
                "--dns-provider-for".into(),
                "example.com=route53:/etc/x.toml".into(),
            ],
            "unknown DNS provider \"route53\"",
        ),
        (
            vec!["--dns-provider".into(), "powerdns".into()],
            "api_url is not set",
        ),
        (
            vec![
                "--dns-provider".into(),
                "rfc2136".into(),
                "--dns-hook".into(),
                "true".into(),
            ],
            "cannot be combined with --dns-provider rfc2136",
        ),
        (
            vec![
                "--dns-provider-for".into(),
                "example.net=powerdns".into(),
                "--dns-provider-for".into(),
                "example.org=powerdns".into(),
            ],
            "no DNS provider for example.com",
        ),
        (
            vec!["--dns-provider".into(), "hook".into()],
            "--dns-provider hook runs your scripts",
        ),
    ];
    for (extra, expect) in cases {
        let out = std::process::Command::new(BIN)
            .args(["issue", "-d", "example.com"])
            .args(&extra)
            .args(["--server", "https://127.0.0.1:1/dir", "--config-dir"])
            .arg(tmp.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expect), "{extra:?}: {}", stderr(&out));
    }
    // clap itself refuses a zero sleep time and mixing solvers.
    for extra in [
        &["--dns-hook", "true", "--propagation-sleep-times", "1,0"][..],
        &["--dns-hook", "true", "--standalone"][..],
    ] {
        let out = std::process::Command::new(BIN)
            .args(["issue", "-d", "example.com"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
    }
}

/// --manual with a real terminal: `script` (util-linux, on every Debian)
/// gives the run a pty; the test plays the person, creating the records it
/// was shown and pressing Enter.
#[test]
fn manual_mode_on_a_terminal_shows_the_records_and_waits_for_enter() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let command_line = format!(
        "{BIN} issue -d manual.example.test -d '*.manual.example.test' --manual \
         --propagation-timeout 20 --dns-resolver 127.0.0.1:{}",
        pebble.dns_port
    );
    let mut person = OnPty::start(&cw, &command_line);
    person.wait_for("Press Enter");
    let shown = person.screen();
    let values: Vec<String> = shown
        .lines()
        .filter(|l| l.contains("_acme-challenge.manual.example.test.  300  IN  TXT"))
        .filter_map(|l| l.split('"').nth(1).map(str::to_string))
        .collect();
    assert_eq!(
        values.len(),
        2,
        "a name and its wildcard: two values\n{shown}"
    );
    assert_ne!(values[0], values[1]);
    for value in &values {
        pebble.challtestsrv_post(
            "/set-txt",
            &serde_json::json!({"host": "_acme-challenge.manual.example.test.", "value": value}),
        );
    }
    person.press_enter();
    let (status, screen) = person.finish();
    assert!(status.success(), "{screen}");
    assert!(screen.contains("you can remove the records"), "{screen}");
    assert_eq!(
        InstalledCert::read(&cw.live("manual.example.test")).sans(),
        vec!["*.manual.example.test", "manual.example.test"]
    );
    let renewal =
        std::fs::read_to_string(tmp.path().join("renewal/manual.example.test.toml")).unwrap();
    assert!(renewal.contains("kind = \"manual\""), "{renewal}");
    assert!(renewal.contains("challenge = \"dns-01\""), "{renewal}");
}

/// certwright run by `script` (util-linux, on every Debian) so it has a
/// terminal; the test plays the person at it.
struct OnPty {
    child: Child,
    screen: Arc<Mutex<String>>,
    reader: std::thread::JoinHandle<()>,
}

impl OnPty {
    fn start(cw: &Certwright, command_line: &str) -> OnPty {
        use std::io::Read;
        let mut child = std::process::Command::new("script")
            .args(["-qec", command_line, "/dev/null"])
            .env("CERTWRIGHT_CONFIG_DIR", &cw.config_dir)
            .env("CERTWRIGHT_SERVER", &cw.server)
            .env("CERTWRIGHT_CA_BUNDLE", &cw.ca_bundle)
            .env("TERM", "dumb")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run certwright under script(1)");
        let screen = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&screen);
        let mut pty_out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pty_out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        OnPty {
            child,
            screen,
            reader,
        }
    }

    fn screen(&self) -> String {
        self.screen.lock().unwrap().replace('\r', "")
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.screen().contains(text) {
            assert!(
                Instant::now() < deadline,
                "never showed {text:?}: {}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn press_enter(&mut self) {
        use std::io::Write;
        self.child.stdin.as_mut().unwrap().write_all(b"\n").unwrap();
    }

    fn finish(mut self) -> (std::process::ExitStatus, String) {
        let status = self.child.wait().unwrap();
        drop(self.child.stdin.take());
        self.reader.join().unwrap();
        let screen = self.screen.lock().unwrap().replace('\r', "");
        (status, screen)
    }
}

#[test]
fn manual_http01_shows_the_files_to_serve() {
    use std::io::{Read, Write};
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let mut person = OnPty::start(
        &cw,
        &format!("{BIN} issue -d manualhttp.example.test --manual --preferred-challenges http-01"),
    );
    person.wait_for("Press Enter");
    let shown = person.screen();
    let lines: Vec<&str> = shown.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            l.trim()
                .starts_with("http://manualhttp.example.test/.well-known/acme-challenge/")
        })
        .unwrap_or_else(|| panic!("no URL shown: {shown}"));
    let path = lines[at]
        .trim()
        .trim_start_matches("http://manualhttp.example.test")
        .to_string();
    let content = lines[at + 1].trim().to_string();
    assert!(
        content.starts_with(path.rsplit('/').next().unwrap()),
        "key authorization = token.thumbprint: {shown}"
    );

    // The person puts the file on "their web server": Pebble's http-01 port.
    let listener = std::net::TcpListener::bind(("127.0.0.1", pebble.http_port)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    let expected_path = path.clone();
    let served = std::thread::spawn(move || {
        let mut asked = Vec::new();
        while !stopped.load(std::sync::atomic::Ordering::SeqCst) {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let request = String::from_utf8_lossy(&request).into_owned();
            let wanted = request.split_whitespace().nth(1).unwrap_or("").to_string();
            let (status, body) = if wanted == path {
                ("200 OK", content.as_str())
            } else {
                ("404 Not Found", "")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            asked.push(wanted);
        }
        asked
    });
    person.press_enter();
    let (status, screen) = person.finish();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let asked = served.join().unwrap();
    assert!(status.success(), "{screen}\nasked: {asked:?}");
    assert!(!asked.is_empty(), "the CA fetched the file");
    assert!(asked.iter().all(|a| *a == expected_path), "{asked:?}");
    assert_eq!(
        InstalledCert::read(&cw.live("manualhttp.example.test")).sans(),
        vec!["manualhttp.example.test"]
    );
    let renewal =
        std::fs::read_to_string(tmp.path().join("renewal/manualhttp.example.test.toml")).unwrap();
    assert!(renewal.contains("challenge = \"http-01\""), "{renewal}");
}
