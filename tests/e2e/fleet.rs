//! Fleet operations end to end with the real binary: `renew --jobs N`
//! (against the fault server, which logs every request with its arrival
//! time), the CA-wide Retry-After pause, hooks under parallel renewal,
//! `check`, the metrics file, `certificates` with broken lineages,
//! `delete`, name removal on `issue`, and short-lived certificates with
//! moving ARI windows. Parallelism against Pebble with a validation delay
//! is in tests/e2e/fleet_pebble.rs.

use crate::common::fault_server::*;
use crate::common::*;
use serde_json::Value;
use std::process::Output;
use std::time::{Duration, SystemTime};

const DAY: Duration = Duration::from_secs(86400);
const HOUR: Duration = Duration::from_secs(3600);

fn describe(out: &Output, server: &FaultServer) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}\nserver log:\n{}",
        out.status,
        stdout(out),
        stderr(out),
        server.dump()
    )
}

/// Issues `name` for `domains` (standalone on a free port: this server
/// does not validate).
fn issue(cw: &Certwright, server: &FaultServer, name: &str, domains: &[&str], extra: &[&str]) {
    let out = try_issue(cw, name, domains, extra);
    assert!(out.status.success(), "{}", describe(&out, server));
}

fn try_issue(cw: &Certwright, name: &str, domains: &[&str], extra: &[&str]) -> Output {
    let port = free_ports(1)[0].to_string();
    let mut args = vec![
        "issue",
        "--cert-name",
        name,
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--email",
        "admin@example.com",
        "--agree-tos",
    ];
    for d in domains {
        args.extend(["-d", d]);
    }
    args.extend_from_slice(extra);
    cw.run(&args)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn entry<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {doc:#}"))
}

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("l{i}.example.test")).collect()
}

#[test]
fn jobs_overlap_orders_and_send_the_same_requests_per_lineage() {
    let server = FaultServer::start(Script::new().processing(2, Some(0)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let all = names(6);
    for n in &all {
        issue(&cw, &server, n, &[n], &[]);
    }
    let per_lineage = |doc: &Value| -> Vec<u64> {
        all.iter()
            .map(|n| entry(doc, n)["requests"].as_u64().unwrap())
            .collect()
    };

    // One job: each lineage's order is finalized before the next is made.
    let before = server.log().len();
    let out = cw.run(&[
        "--json",
        "renew",
        "--no-random-sleep",
        "--force-renewal",
        "--jobs",
        "1",
    ]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let sequential = json(&out);
    assert_eq!(sequential["renewed"], 6, "{sequential:#}");
    let log = server.log()[before..].to_vec();
    let in_flight = max_orders_in_flight(&log);
    assert_eq!(in_flight, 1, "{}", server.dump());

    // Three jobs: up to three orders in flight at once, never more.
    let before = server.log().len();
    let out = cw.run(&[
        "--json",
        "renew",
        "--no-random-sleep",
        "--force-renewal",
        "--jobs",
        "3",
    ]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let parallel = json(&out);
    assert_eq!(parallel["renewed"], 6, "{parallel:#}");
    let log = server.log()[before..].to_vec();
    let in_flight = max_orders_in_flight(&log);
    assert!(
        (2..=3).contains(&in_flight),
        "{in_flight} in flight\n{}",
        server.dump()
    );

    // The same requests per lineage, except that each worker fetches its
    // first nonce itself (a sequential run fetches one for the whole run).
    let (s, p) = (per_lineage(&sequential), per_lineage(&parallel));
    for (i, n) in all.iter().enumerate() {
        let steady = s[1..].iter().copied().min().unwrap();
        assert!(
            p[i] >= steady && p[i] <= steady + 2,
            "{n}: {} requests with 3 jobs, {} with 1\n{sequential:#}\n{parallel:#}",
            p[i],
            s[i]
        );
    }
    let total = |d: &Value| d["requests"].as_u64().unwrap();
    assert!(
        total(&parallel) <= total(&sequential) + 2,
        "{} vs {}",
        total(&parallel),
        total(&sequential)
    );
    assert_eq!(s.iter().sum::<u64>(), total(&sequential));
    assert_eq!(p.iter().sum::<u64>(), total(&parallel));
}

/// The most orders created but not yet finalized at any moment.
fn max_orders_in_flight(log: &[Request]) -> usize {
    let (mut now, mut max) = (0usize, 0usize);
    for r in log {
        match r.endpoint {
            Endpoint::NewOrder if r.status == 201 => now += 1,
            Endpoint::Finalize if r.status == 200 => now = now.saturating_sub(1),
            _ => {}
        }
        max = max.max(now);
    }
    max
}

#[test]
fn output_blocks_are_whole_per_lineage() {
    let server = FaultServer::start(Script::new().processing(2, Some(0)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let all = names(4);
    for n in &all {
        issue(&cw, &server, n, &[n], &[]);
    }
    let out = cw.run(&[
        "--json",
        "-v",
        "renew",
        "--no-random-sleep",
        "--force-renewal",
        "--jobs",
        "4",
    ]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    // Every event line is whole JSON, and the "renewing X" steps of the
    // lineages come in blocks: once another lineage's block started, the
    // earlier lineage says nothing more.
    let mut owners: Vec<&String> = Vec::new();
    for line in stderr(&out).lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        if let Some(m) = v["message"].as_str()
            && let Some(n) = all.iter().find(|n| m.contains(n.as_str()))
            && owners.last() != Some(&n)
        {
            assert!(
                !owners.contains(&n),
                "{n} printed in two blocks:\n{}",
                stderr(&out)
            );
            owners.push(n);
        }
    }
    assert_eq!(owners.len(), 4, "{}", stderr(&out));
    // Events carry the time they happened, not when their block was
    // printed: every lineage was in progress at the same moment.
    let (mut first, mut last) = (Vec::new(), Vec::new());
    for n in &all {
        let times: Vec<u64> = stderr(&out)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| {
                v["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(n.as_str()))
                    || v["cert_name"] == n.as_str()
            })
            .filter_map(|v| v["unix_ms"].as_u64())
            .collect();
        first.push(*times.iter().min().unwrap());
        last.push(*times.iter().max().unwrap());
    }
    assert!(
        first.iter().max() <= last.iter().min(),
        "{first:?} {last:?}"
    );
}

#[test]
fn retry_after_from_the_ca_pauses_every_worker() {
    // The third newOrder gets 503 with Retry-After: 2.
    let server = FaultServer::start(Script::new().processing(3, Some(0)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let all = names(6);
    for n in &all {
        issue(&cw, &server, n, &[n], &[]);
    }
    server.update(|s| {
        *s = s.clone().fail(
            Endpoint::NewOrder,
            1,
            Fault::Busy(Some(RetryAfter::Seconds(2))),
        );
    });
    let before = server.log().len();
    let out = cw.run(&[
        "--json",
        "renew",
        "--no-random-sleep",
        "--force-renewal",
        "--jobs",
        "3",
    ]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    assert_eq!(json(&out)["renewed"], 6);
    let log = server.log()[before..].to_vec();
    let busy = log
        .iter()
        .find(|r| r.faulted && r.status == 503)
        .unwrap_or_else(|| panic!("no 503 sent\n{}", server.dump()));
    // Requests the other workers had already sent when the 503 went out
    // may still arrive just after it; after that, silence until the CA's
    // instant has passed.
    let quiet_from = busy.at + Duration::from_millis(300);
    let resume = busy.at + Duration::from_secs(2);
    let during: Vec<&Request> = log
        .iter()
        .filter(|r| r.at > quiet_from && r.at < resume - Duration::from_millis(50))
        .collect();
    assert!(
        during.is_empty(),
        "{} request(s) inside the CA's Retry-After pause:\n{}",
        during.len(),
        server.dump()
    );
    assert!(log.iter().any(|r| r.at >= resume), "{}", server.dump());
}

#[test]
fn hooks_run_once_before_once_after_and_deploy_per_lineage() {
    let server = FaultServer::start(Script::new().processing(2, Some(0)));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let all = names(4);
    for n in &all {
        issue(&cw, &server, n, &[n], &[]);
    }
    let log = tmp.path().join("hooks.log");
    let l = log.display();
    let pre = format!("echo pre >> {l}; sleep 0.3");
    let post = format!("echo post >> {l}");
    let deploy = format!("echo \"deploy $(basename $RENEWED_LINEAGE)\" >> {l}");
    let out = cw.run(&[
        "--json",
        "renew",
        "--no-random-sleep",
        "--force-renewal",
        "--jobs",
        "4",
        "--pre-hook",
        &pre,
        "--post-hook",
        &post,
        "--deploy-hook",
        &deploy,
    ]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"pre"), "{text}");
    assert_eq!(lines.last(), Some(&"post"), "{text}");
    assert_eq!(lines.len(), 6, "{text}");
    let mut deployed: Vec<&str> = lines[1..5].to_vec();
    deployed.sort();
    let expected: Vec<String> = all.iter().map(|n| format!("deploy {n}")).collect();
    assert_eq!(deployed, expected, "{text}");
    // The pre-hook ran before anything was ordered: no newOrder arrived
    // while it slept.
    assert_eq!(server.count(Endpoint::NewOrder), 8);
}

// ---- check, metrics, certificates ----

/// Makes the next `renew` ask the CA's ARI again (as if its Retry-After
/// had passed).
fn ari_check_due(cw: &Certwright, name: &str) {
    let path = cw.config_dir.join(format!("renewal/.state/{name}.json"));
    let mut state: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    state["ari"]["next_check"] = Value::String("2000-01-01T00:00:00Z".into());
    std::fs::write(&path, state.to_string()).unwrap();
}

fn check(cw: &Certwright, args: &[&str]) -> (i32, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = cw.run(&all);
    (out.status.code().unwrap(), stdout(&out))
}

#[test]
fn check_follows_the_plugin_conventions() {
    let tmp = tempfile::tempdir().unwrap();
    // Empty config dir: UNKNOWN.
    let server = FaultServer::start(Script::new().cert_lifetime(90 * DAY));
    let cw = server.certwright(tmp.path());
    let (code, text) = check(&cw, &[]);
    assert_eq!(code, 3, "{text}");
    assert!(text.starts_with("CERTWRIGHT UNKNOWN - "), "{text}");

    issue(&cw, &server, "ok.example.test", &["ok.example.test"], &[]);
    let (code, text) = check(&cw, &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("CERTWRIGHT OK - 1 certificate(s) fine"),
        "{text}"
    );
    assert!(text.contains("| 'ok.example.test'="), "{text}");
    assert!(text.contains("s;2592000:;604800:;0;"), "{text}");

    // 20 days left: WARNING by default, OK with --warning 14.
    server.update(|s| s.cert_lifetime = 20 * DAY);
    issue(
        &cw,
        &server,
        "soon.example.test",
        &["soon.example.test"],
        &[],
    );
    let (code, text) = check(&cw, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.starts_with("CERTWRIGHT WARNING - 1 of 2"), "{text}");
    assert!(
        text.contains("\nWARNING soon.example.test: expires in 19 days"),
        "{text}"
    );
    assert_eq!(check(&cw, &["--warning", "14"]).0, 0);
    // --warning below --critical: a usage error, UNKNOWN for the plugin API.
    let (code, text) = check(&cw, &["--warning", "3", "--critical", "7"]);
    assert_eq!(code, 3, "{text}");

    // Revoked by certwright (`revoke` records it in the renewal file; this
    // test server has no revokeCert): CRITICAL.
    let renewal = cw.config_dir.join("renewal/ok.example.test.toml");
    let text = std::fs::read_to_string(&renewal).unwrap();
    std::fs::write(&renewal, format!("revoked = true\n{text}")).unwrap();
    let (code, text) = check(&cw, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("CRITICAL ok.example.test: revoked"), "{text}");
}

#[test]
fn check_is_critical_for_failing_renewals_past_the_warning_time_and_for_an_earlier_ari_window() {
    let now = SystemTime::now();
    let server = FaultServer::start(Script::new().cert_lifetime(90 * DAY).renewal_window(
        now + 50 * DAY,
        now + 52 * DAY,
        1,
    ));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(&cw, &server, "ari.example.test", &["ari.example.test"], &[]);
    // The first run learns the window; nothing is due.
    let out = cw.run(&["--json", "renew", "--no-random-sleep"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    assert_eq!(check(&cw, &[]).0, 0);
    // The CA moves the window earlier (as before an early revocation) but
    // still in the future; the state says so and check is CRITICAL.
    server.update(|s| s.renewal_info.window = Some((now + 5 * DAY, now + 6 * DAY)));
    ari_check_due(&cw, "ari.example.test");
    let out = cw.run(&["--json", "renew", "--no-random-sleep"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let (code, text) = check(&cw, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("moved its renewal window earlier"), "{text}");
    // Renewing clears it (a new certificate, a new window).
    let out = cw.run(&["renew", "--no-random-sleep", "--force-renewal"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    assert_eq!(check(&cw, &[]).0, 0, "{}", check(&cw, &[]).1);

    // A certificate with 20 days left whose renewals fail: CRITICAL.
    server.update(|s| {
        s.cert_lifetime = 20 * DAY;
        s.renewal_info.window = None;
    });
    issue(
        &cw,
        &server,
        "fail.example.test",
        &["fail.example.test"],
        &[],
    );
    server.update(|s| {
        *s = s.clone().fail(
            Endpoint::NewOrder,
            10,
            Fault::Problem {
                status: 403,
                kind: "unauthorized",
                detail: "account suspended".into(),
            },
        )
    });
    let out = cw.run(&[
        "renew",
        "--no-random-sleep",
        "--cert-name",
        "fail.example.test",
        "--force-renewal",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out, &server));
    let (code, text) = check(&cw, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("CRITICAL fail.example.test:"), "{text}");
    assert!(text.contains("1 failed renewal(s)"), "{text}");
}

fn metric(text: &str, family: &str, name: &str) -> Option<i64> {
    let prefix = format!("{family}{{name=\"{name}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map(|v| v.parse().unwrap())
}

#[test]
fn metrics_file_after_every_run_and_certificates_format_prometheus() {
    let now = SystemTime::now();
    let server =
        FaultServer::start(Script::new().renewal_window(now + 50 * DAY, now + 52 * DAY, 3600));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(&cw, &server, "m.example.test", &["m.example.test"], &[]);
    let prom = tmp.path().join("textfile").join("certwright.prom");
    std::fs::create_dir_all(prom.parent().unwrap()).unwrap();
    let p = prom.display().to_string();
    let out = cw.run(&["renew", "--no-random-sleep", "--metrics-file", &p]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let text = std::fs::read_to_string(&prom).unwrap();
    let expiry = metric(
        &text,
        "certwright_certificate_expiry_timestamp_seconds",
        "m.example.test",
    )
    .unwrap();
    let lifetime_left = expiry
        - now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
    assert!((89 * 86400..=91 * 86400).contains(&lifetime_left), "{text}");
    let start = metric(
        &text,
        "certwright_certificate_ari_window_start_timestamp_seconds",
        "m.example.test",
    )
    .unwrap();
    let next = metric(
        &text,
        "certwright_certificate_next_renewal_timestamp_seconds",
        "m.example.test",
    )
    .unwrap();
    let end = metric(
        &text,
        "certwright_certificate_ari_window_end_timestamp_seconds",
        "m.example.test",
    )
    .unwrap();
    assert!(start <= next && next <= end, "{text}");
    assert_eq!(
        metric(
            &text,
            "certwright_certificate_renewal_consecutive_failures",
            "m.example.test"
        ),
        Some(0)
    );
    assert!(text.contains("# TYPE certwright_certificate_expiry_timestamp_seconds gauge"));

    // A run with nothing to do rewrites the file and sends no request.
    std::fs::remove_file(&prom).unwrap();
    let before = server.log().len();
    let out = cw.run(&["--json", "renew", "--no-random-sleep", "--metrics-file", &p]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    assert_eq!(json(&out)["requests"], 0);
    assert_eq!(server.log().len(), before, "{}", server.dump());
    let again = std::fs::read_to_string(&prom).unwrap();
    assert_eq!(
        metric(
            &again,
            "certwright_certificate_expiry_timestamp_seconds",
            "m.example.test"
        ),
        Some(expiry)
    );
    // No temporary file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(prom.parent().unwrap()).unwrap().collect();
    assert_eq!(leftovers.len(), 1);

    // The same text from `certificates --format prometheus` (but for the
    // generation time).
    let printed = cw.ok(&["certificates", "--format", "prometheus"]);
    let strip = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with("certwright_metrics_generated"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(strip(&printed), strip(&again));
}

#[test]
fn certificates_lists_broken_lineages_and_every_other_one() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    for n in ["a.example.test", "b.example.test", "c.example.test"] {
        issue(&cw, &server, n, &[n], &[]);
    }
    let root = &cw.config_dir;
    // a: corrupt renewal file; b: corrupt certificate; an orphan live/ entry.
    std::fs::write(
        root.join("renewal/a.example.test.toml"),
        "this is [not toml",
    )
    .unwrap();
    let b_cert = std::fs::canonicalize(cw.live("b.example.test").join("cert.pem")).unwrap();
    std::fs::write(
        &b_cert,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "../archive/c.example.test/1",
        root.join("live/orphan.example.test"),
    )
    .unwrap();

    let out = cw.run(&["certificates"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}\n{}", stderr(&out));
    assert!(text.contains("a.example.test: BROKEN"), "{text}");
    assert!(
        text.contains(
            &root
                .join("renewal/a.example.test.toml")
                .display()
                .to_string()
        ),
        "{text}"
    );
    assert!(text.contains("b.example.test: BROKEN"), "{text}");
    assert!(text.contains("c.example.test: VALID"), "{text}");
    assert!(text.contains("orphan.example.test: BROKEN"), "{text}");
    assert!(text.contains("no renewal file"), "{text}");
    assert!(text.contains("fix:"), "{text}");

    let out = cw.run(&["--json", "certificates"]);
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    let c = entry(&doc, "c.example.test");
    assert_eq!(c["status"], "valid");
    assert!(c["serial"].as_str().unwrap().len() > 8);
    assert!(
        c["privkey"]
            .as_str()
            .unwrap()
            .ends_with("live/c.example.test/privkey.pem")
    );
    let a = entry(&doc, "a.example.test");
    assert_eq!(a["status"], "broken");
    assert!(a["broken"]["fix"].as_str().unwrap().contains("certwright"));
    // The broken lineage is still in the check and the metrics.
    let (code, _) = check(&cw, &[]);
    assert_eq!(code, 3);
    let prom = cw.ok(&["certificates", "--format", "prometheus"]);
    assert_eq!(
        metric(&prom, "certwright_certificate_broken", "a.example.test"),
        Some(1)
    );
    assert_eq!(
        metric(&prom, "certwright_certificate_broken", "c.example.test"),
        Some(0)
    );
}

#[test]
fn delete_removes_a_lineage_without_revoking_it() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(
        &cw,
        &server,
        "gone.example.test",
        &["gone.example.test"],
        &[],
    );
    issue(
        &cw,
        &server,
        "kept.example.test",
        &["kept.example.test"],
        &[],
    );
    // Not on a terminal: --yes is required.
    let out = cw.run(&["delete", "--cert-name", "gone.example.test"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(cw.live("gone.example.test").exists());
    let unknown = cw.run(&["delete", "--cert-name", "nope.example.test", "--yes"]);
    assert_eq!(unknown.status.code(), Some(2));

    let before = server.log().len();
    let out = cw.run(&["delete", "--cert-name", "gone.example.test", "--yes"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    assert!(stdout(&out).contains("not revoked"), "{}", stdout(&out));
    assert_eq!(server.log().len(), before, "delete never talks to the CA");
    let root = &cw.config_dir;
    for p in [
        root.join("live/gone.example.test"),
        root.join("archive/gone.example.test"),
        root.join("renewal/gone.example.test.toml"),
        root.join("renewal/.state/gone.example.test.json"),
    ] {
        assert!(
            std::fs::symlink_metadata(&p).is_err(),
            "{} left",
            p.display()
        );
    }
    assert!(cw.live("kept.example.test").join("fullchain.pem").exists());
    let listed = cw.ok(&["certificates"]);
    assert!(!listed.contains("gone.example.test"), "{listed}");
}

#[test]
fn issue_refuses_to_drop_names_unless_allowed_and_says_which_it_adds() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(
        &cw,
        &server,
        "site",
        &["a.example.test", "b.example.test"],
        &[],
    );
    // Dropping b: refused without a terminal.
    let out = try_issue(&cw, "site", &["a.example.test"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out, &server));
    assert!(stderr(&out).contains("b.example.test"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--allow-name-removal"),
        "{}",
        stderr(&out)
    );
    // Adding c: allowed, and said; --expand (certbot's spelling) accepted.
    let out = try_issue(
        &cw,
        "site",
        &["a.example.test", "b.example.test", "c.example.test"],
        &["--expand"],
    );
    assert!(out.status.success(), "{}", describe(&out, &server));
    assert!(
        stderr(&out).contains("adding c.example.test")
            || stdout(&out).contains("adding c.example.test"),
        "{}",
        describe(&out, &server)
    );
    let out = try_issue(&cw, "site", &["a.example.test"], &["--allow-name-removal"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let sans = InstalledCert::read(&cw.live("site")).sans();
    assert_eq!(sans, ["a.example.test"]);
}

#[test]
fn short_lived_certificates_issue_and_renew_as_ari_windows_move() {
    // Let's Encrypt's `shortlived` profile: 160 hours.
    let lifetime = 160 * HOUR;
    let server = FaultServer::start(
        Script::new()
            .cert_lifetime(lifetime)
            .profiles(&[("shortlived", "160 hours"), ("classic", "90 days")]),
    );
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(
        &cw,
        &server,
        "short.example.test",
        &["short.example.test"],
        &["--profile", "shortlived"],
    );
    let first = InstalledCert::read(&cw.live("short.example.test"));
    let d = first
        .leaf
        .not_before()
        .diff(first.leaf.not_after())
        .unwrap();
    let life = Duration::from_secs((d.days as u64) * 86400 + d.secs as u64);
    assert!(life <= lifetime + Duration::from_secs(120), "{life:?}");
    assert!(life + Duration::from_secs(120) >= lifetime, "{life:?}");

    // No ARI answer yet: half the lifetime is the margin, nothing due.
    let now = SystemTime::now();
    server.update(|s| s.renewal_info.window = Some((now + 70 * HOUR, now + 74 * HOUR)));
    let out = cw.run(&["--json", "renew", "--no-random-sleep"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let doc = json(&out);
    assert_eq!(doc["renewed"], 0, "{doc:#}");
    // The window moves into the past: the next run (after the ARI
    // Retry-After) renews with `replaces` and the profile.
    server.update(|s| {
        s.renewal_info.window = Some((now - 2 * HOUR, now - HOUR));
        s.renewal_info.retry_after = 1;
    });
    ari_check_due(&cw, "short.example.test");
    let out = cw.run(&["--json", "renew", "--no-random-sleep"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    let doc = json(&out);
    assert_eq!(doc["renewed"], 1, "{doc:#}\n{}", server.dump());
    let order = server.requests(Endpoint::NewOrder).pop().unwrap();
    let payload = order.payload.unwrap();
    assert_eq!(payload["profile"], "shortlived");
    assert!(payload["replaces"].is_string(), "{payload}");
    let second = InstalledCert::read(&cw.live("short.example.test"));
    assert_ne!(
        second.leaf.serial_number().to_bn().unwrap(),
        first.leaf.serial_number().to_bn().unwrap()
    );
    assert!(second.leaf.not_after() >= first.leaf.not_after());
    // The new certificate's window is ahead: the next run asks once (a new
    // certificate has a new certID), the one after sends nothing.
    server.update(|s| {
        s.renewal_info.window = Some((now + 70 * HOUR, now + 74 * HOUR));
        s.renewal_info.retry_after = 6 * 3600;
    });
    let before = server.log().len();
    let out = cw.run(&["--json", "renew", "--no-random-sleep"]);
    assert!(out.status.success());
    assert_eq!(
        server.log().len(),
        before + 1,
        "only the new certificate's ARI check\n{}",
        server.dump()
    );
    let out = cw.run(&["--json", "renew", "--no-random-sleep"]);
    assert_eq!(json(&out)["requests"], 0);
    assert_eq!(check(&cw, &["--warning", "3", "--critical", "1"]).0, 0);
}

#[test]
fn reconfigure_proves_the_new_settings_with_a_dry_run_before_saving_them() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    issue(&cw, &server, "re.example.test", &["re.example.test"], &[]);
    let renewal = cw.config_dir.join("renewal/re.example.test.toml");
    let before = std::fs::read_to_string(&renewal).unwrap();
    let deployed = tmp.path().join("deployed");
    let hook = format!("touch {}", deployed.display());
    let args = [
        "reconfigure",
        "--cert-name",
        "re.example.test",
        "--key-type",
        "rsa2048",
        "--deploy-hook",
        &hook,
        "--staging-server",
        &server.directory,
    ];
    // The CA refuses the dry run's order: nothing is saved.
    server.update(|s| {
        *s = s.clone().fail(
            Endpoint::NewOrder,
            1,
            Fault::Problem {
                status: 403,
                kind: "unauthorized",
                detail: "not today".into(),
            },
        )
    });
    let out = cw.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out, &server));
    assert!(stdout(&out).contains("is unchanged"), "{}", stdout(&out));
    assert_eq!(std::fs::read_to_string(&renewal).unwrap(), before);

    let orders = server.count(Endpoint::NewOrder);
    let out = cw.run(&args);
    assert!(out.status.success(), "{}", describe(&out, &server));
    assert_eq!(
        server.count(Endpoint::NewOrder),
        orders + 1,
        "one dry-run order"
    );
    let after = std::fs::read_to_string(&renewal).unwrap();
    assert!(after.contains("key_type = \"rsa2048\""), "{after}");
    assert!(
        after.contains(&format!("deploy_hook = \"{hook}\"")),
        "{after}"
    );
    // A dry run installs nothing and runs no deploy hook.
    assert_eq!(
        std::fs::read_link(cw.live("re.example.test"))
            .unwrap()
            .file_name()
            .unwrap(),
        "1"
    );
    assert!(!deployed.exists());
    // The next renewal uses them.
    let out = cw.run(&["renew", "--no-random-sleep", "--force-renewal"]);
    assert!(out.status.success(), "{}", describe(&out, &server));
    assert!(deployed.exists());
    let key = std::fs::read_to_string(cw.live("re.example.test").join("privkey.pem")).unwrap();
    assert!(
        openssl::pkey::PKey::private_key_from_pem(key.as_bytes())
            .unwrap()
            .rsa()
            .is_ok()
    );
    // Nothing to change: said, nothing sent.
    let before = server.log().len();
    let out = cw.run(&args);
    assert!(
        stdout(&out).contains("nothing to change"),
        "{}",
        stdout(&out)
    );
    assert_eq!(server.log().len(), before);
}
