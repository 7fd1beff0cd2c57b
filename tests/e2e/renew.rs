//! `certwright renew` end to end: the real binary against a real Pebble
//! (which has no ARI, so these exercise the lifetime rule, hooks, failure
//! isolation, backoff, locking and dry runs). ARI is in tests/e2e/renew_ari.rs.

use crate::common::*;
use serde_json::Value;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// A config dir whose CA bundle outlives Pebble (some tests stop it).
struct Setup {
    pebble: Option<Pebble>,
    cw: Certwright,
    http_port: u16,
    _tmp: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        // Pebble reuses valid authorizations half of the time by default;
        // a failing validation must really be attempted.
        let pebble = Pebble::start_with(PebbleOptions {
            env: vec![("PEBBLE_AUTHZREUSE", "0".into())],
            ..PebbleOptions::default()
        });
        let tmp = tempfile::tempdir().unwrap();
        let bundle = tmp.path().join("ca-bundle.pem");
        std::fs::copy(pebble.ca_bundle(), &bundle).unwrap();
        let cw = Certwright {
            config_dir: tmp.path().join("config"),
            server: pebble.directory.clone(),
            ca_bundle: bundle,
        };
        cw.register();
        Setup {
            http_port: pebble.http_port,
            pebble: Some(pebble),
            cw,
            _tmp: tmp,
        }
    }

    fn root(&self) -> &Path {
        &self.cw.config_dir
    }

    fn scratch(&self, name: &str) -> PathBuf {
        self._tmp.path().join(name)
    }

    /// Issues lineage `name` for NAME and www.NAME with the standalone solver.
    fn issue(&self, name: &str, extra: &[&str]) {
        let www = format!("www.{name}");
        let port = self.http_port.to_string();
        let mut args = vec![
            "issue",
            "-d",
            name,
            "-d",
            &www,
            "--standalone",
            "--http-01-address",
            "127.0.0.1",
            "--http-01-port",
            &port,
        ];
        args.extend_from_slice(extra);
        self.cw.ok(&args);
        forget_authorizations(&self.cw);
    }

    fn renew(&self, args: &[&str]) -> Output {
        let mut all = vec!["renew", "--no-random-sleep"];
        all.extend_from_slice(args);
        self.cw.run(&all)
    }

    fn version(&self, name: &str) -> String {
        std::fs::read_link(self.cw.live(name))
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    fn state(&self, name: &str) -> Value {
        let path = self.root().join(format!("renewal/.state/{name}.json"));
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
    }

    fn set_in_renewal_file(&self, name: &str, edit: impl FnOnce(&mut toml::Table)) {
        let path = self.root().join(format!("renewal/{name}.toml"));
        let mut table: toml::Table =
            toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        edit(&mut table);
        std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    }

    /// Stops Pebble and listens on its port instead, counting connections:
    /// the renewal files keep pointing there.
    fn replace_ca_with_listener(&mut self) -> TcpListener {
        let port: u16 = self
            .cw
            .server
            .trim_start_matches("https://127.0.0.1:")
            .trim_end_matches("/dir")
            .parse()
            .unwrap();
        drop(self.pebble.take());
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        listener
    }
}

fn describe(out: &Output) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(out),
        stderr(out)
    )
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", describe(out)))
}

fn entry<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {doc:#}"))
}

fn connections(listener: &TcpListener) -> usize {
    std::iter::from_fn(|| listener.accept().ok()).count()
}

#[test]
fn forced_renewal_of_one_lineage_installs_a_new_version_and_runs_hooks() {
    let setup = Setup::new();
    let hook_log = setup.scratch("hooks.log");
    let log = hook_log.display().to_string();
    // A deploy hook given at issue time is stored and used by renew.
    let stored_hook =
        format!("printf '%s|%s\\n' \"$RENEWED_LINEAGE\" \"$RENEWED_DOMAINS\" >> '{log}'");
    setup.issue("one.example.test", &["--deploy-hook", &stored_hook]);
    setup.issue("two.example.test", &[]);
    setup.issue("three.example.test", &[]);
    let renewal =
        std::fs::read_to_string(setup.root().join("renewal/one.example.test.toml")).unwrap();
    assert!(renewal.contains("deploy_hook"), "{renewal}");
    let live_one = setup.cw.live("one.example.test");
    let at_issue = std::fs::read_to_string(&hook_log).unwrap();
    assert_eq!(
        at_issue,
        format!(
            "{}|one.example.test www.one.example.test\n",
            live_one.display()
        ),
        "the deploy hook runs at issue time with the lineage's env"
    );
    let old_cert = std::fs::read(live_one.join("cert.pem")).unwrap();

    let out = setup.renew(&[
        "--json",
        "--force-renewal",
        "--cert-name",
        "one.example.test",
    ]);
    assert!(out.status.success(), "{}", describe(&out));
    let doc = json_of(&out);
    assert_eq!(doc["renewed"], 1);
    assert_eq!(doc["failed"], 0);
    assert_eq!(doc["checked"], 1, "only the named lineage is looked at");
    assert_eq!(entry(&doc, "one.example.test")["action"], "renewed");
    assert_eq!(entry(&doc, "one.example.test")["version"], 2);

    // New version in archive/, live/ moved, the old files kept.
    assert_eq!(setup.version("one.example.test"), "2");
    let archive = setup.root().join("archive/one.example.test");
    assert_eq!(std::fs::read(archive.join("1/cert.pem")).unwrap(), old_cert);
    assert!(archive.join("1/privkey.pem").exists());
    let new = InstalledCert::read(&live_one);
    assert_ne!(std::fs::read(live_one.join("cert.pem")).unwrap(), old_cert);
    assert_eq!(new.sans(), vec!["one.example.test", "www.one.example.test"]);
    assert!(new.key_matches());
    let old_key = std::fs::read(archive.join("1/privkey.pem")).unwrap();
    assert_ne!(
        std::fs::read(archive.join("2/privkey.pem")).unwrap(),
        old_key,
        "a new key for each renewal unless reuse_key"
    );
    // The others were not touched.
    assert_eq!(setup.version("two.example.test"), "1");
    assert_eq!(setup.version("three.example.test"), "1");
    // The stored deploy hook ran once more, with the live path and names.
    assert_eq!(
        std::fs::read_to_string(&hook_log).unwrap(),
        at_issue.repeat(2)
    );

    // Pre/post once per run around all renewals, deploy per lineage; values
    // from the command line override stored hooks.
    let run_log = setup.scratch("run.log");
    let rl = run_log.display();
    let out = setup.renew(&[
        "--force-renewal",
        "--reuse-key",
        "--cert-name",
        "two.example.test",
        "--cert-name",
        "three.example.test",
        "--pre-hook",
        &format!("echo pre >> '{rl}'"),
        "--post-hook",
        &format!("echo post >> '{rl}'"),
        "--deploy-hook",
        &format!("echo \"deploy $RENEWED_DOMAINS\" >> '{rl}'"),
    ]);
    assert!(out.status.success(), "{}", describe(&out));
    // The two lineages renew in parallel (renew --jobs): deploy hooks run
    // in the order the renewals finish.
    let ran = std::fs::read_to_string(&run_log).unwrap();
    let mut lines: Vec<&str> = ran.lines().collect();
    assert_eq!(
        (lines.first(), lines.last()),
        (Some(&"pre"), Some(&"post")),
        "{ran}"
    );
    lines[1..3].sort();
    assert_eq!(
        lines,
        [
            "pre",
            "deploy three.example.test www.three.example.test",
            "deploy two.example.test www.two.example.test",
            "post"
        ]
    );
    let two = setup.root().join("archive/two.example.test");
    assert_eq!(
        std::fs::read(two.join("1/privkey.pem")).unwrap(),
        std::fs::read(two.join("2/privkey.pem")).unwrap(),
        "--reuse-key keeps the key"
    );
    // One is not due: nothing happens to it and no hook ran for it.
    assert_eq!(setup.version("one.example.test"), "2");
}

#[test]
fn a_failing_lineage_does_not_stop_the_others_and_backs_off() {
    let setup = Setup::new();
    for name in ["a.example.test", "b.example.test", "c.example.test"] {
        setup.issue(name, &[]);
    }
    // b's challenge server now listens where Pebble never looks: the CA's
    // validation fails (a real failure at the CA, after requests were sent).
    let wrong_port = free_ports(1)[0];
    setup.set_in_renewal_file("b.example.test", |t| {
        t["solver"]["http_port"] = toml::Value::Integer(i64::from(wrong_port));
        // b stays due on its own after this run, so only the backoff can
        // keep the next run from trying it again.
        t.insert("renew_before".into(), toml::Value::String("9999d".into()));
    });

    let out = setup.renew(&["--json", "--renew-before", "9999d"]);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    let doc = json_of(&out);
    assert_eq!(
        (doc["renewed"].as_u64(), doc["failed"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(entry(&doc, "b.example.test")["action"], "failed");
    // The CA's problem is reported (for either of b's two names), in the
    // result and as an error event as it happens.
    let error = entry(&doc, "b.example.test")["error"].as_str().unwrap();
    assert!(
        error.starts_with("validation of") && error.contains("b.example.test failed: "),
        "{error}"
    );
    let events: Vec<Value> = stderr(&out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "error" && e["context"] == "renewing b.example.test"),
        "{}",
        describe(&out)
    );
    assert_eq!(setup.version("a.example.test"), "2");
    assert_eq!(setup.version("b.example.test"), "1");
    assert_eq!(setup.version("c.example.test"), "2");
    let state = setup.state("b.example.test");
    assert_eq!(state["failure"]["count"], 1, "{state:#}");
    let last = clock_of(&state["failure"]["last_at"]);
    let retry = clock_of(&state["failure"]["retry_at"]);
    assert_eq!(retry - last, 60, "first backoff is a minute");

    // Next run without --force: b is due but backing off, a and c are not
    // due. No request at all.
    let out = setup.renew(&["--json"]);
    assert!(out.status.success(), "{}", describe(&out));
    let doc = json_of(&out);
    assert_eq!(doc["requests"], 0, "{doc:#}");
    assert_eq!(entry(&doc, "b.example.test")["action"], "backing_off");
    assert_eq!(entry(&doc, "a.example.test")["action"], "not_due");
    assert_eq!(setup.version("b.example.test"), "1");

    // `certificates` shows the backoff.
    let list: Value = serde_json::from_str(&setup.cw.ok(&[
        "certificates",
        "--json",
        "--cert-name",
        "b.example.test",
    ]))
    .unwrap();
    let b = &list["certificates"][0]["renewal"];
    assert_eq!(b["failure"]["count"], 1, "{list:#}");
    assert!(b["backing_off_until"].is_string(), "{list:#}");
    let human = setup
        .cw
        .ok(&["certificates", "--cert-name", "b.example.test"]);
    assert!(human.contains("backing off until"), "{human}");
    assert!(human.contains("failures: 1"), "{human}");

    // --force-renewal overrides the backoff; failing again backs off longer,
    // and a run where every attempt failed exits 1.
    let out = setup.renew(&["--force-renewal", "--cert-name", "b.example.test"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let state = setup.state("b.example.test");
    assert_eq!(state["failure"]["count"], 2);
    let gap = clock_of(&state["failure"]["retry_at"]) - clock_of(&state["failure"]["last_at"]);
    assert_eq!(gap, 600, "second backoff is ten minutes");
}

fn clock_of(v: &Value) -> i64 {
    let t = certwright::clock::parse_rfc3339(v.as_str().unwrap()).unwrap();
    t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[test]
fn a_run_with_nothing_due_is_silent_and_sends_no_request() {
    let mut setup = Setup::new();
    setup.issue("quiet1.example.test", &[]);
    setup.issue("quiet2.example.test", &[]);
    let listener = setup.replace_ca_with_listener();

    // No --no-random-sleep: a run that has nothing to ask the CA must not
    // sleep either. The cap only bounds the damage if that breaks.
    let mut cmd = setup.cw.command();
    cmd.args(["renew", "-q"])
        .env("CERTWRIGHT_RANDOM_SLEEP_MAX", "20");
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert!(out.stdout.is_empty(), "{}", describe(&out));
    assert!(out.stderr.is_empty(), "{}", describe(&out));

    let mut cmd = setup.cw.command();
    cmd.args(["renew", "--json"])
        .env("CERTWRIGHT_RANDOM_SLEEP_MAX", "20");
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let doc = json_of(&out);
    assert_eq!(doc["slept_ms"], 0);
    assert_eq!(doc["requests"], 0);
    assert_eq!(doc["checked"], 2);
    assert_eq!(connections(&listener), 0, "the CA's port was contacted");

    // Without -q a person sees one line about what is next.
    let out = setup.renew(&[]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("2 of 2 certificate(s) not due"),
        "{}",
        describe(&out)
    );
    // No state was written by these runs (nothing was learned).
    assert!(
        !setup
            .root()
            .join("renewal/.state/quiet1.example.test.json")
            .exists()
    );
    assert_eq!(connections(&listener), 0);
}

#[test]
fn concurrent_runs_exactly_one_proceeds() {
    let setup = Setup::new();
    setup.issue("lock.example.test", &[]);
    // The pre-hook keeps the first run inside the lock for a second.
    let spawn = || {
        setup
            .cw
            .command()
            .args([
                "renew",
                "--no-random-sleep",
                "--force-renewal",
                "--lock-wait",
                "0",
                "--pre-hook",
                "sleep 1",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let mut codes: Vec<i32> = outs.iter().map(|o| o.status.code().unwrap()).collect();
    codes.sort();
    assert_eq!(
        codes,
        vec![0, 4],
        "{}\n---\n{}",
        describe(&outs[0]),
        describe(&outs[1])
    );
    let loser = outs.iter().find(|o| o.status.code() == Some(4)).unwrap();
    assert!(
        stderr(loser).contains("another certwright run holds the lock"),
        "{}",
        describe(loser)
    );
    assert_eq!(
        setup.version("lock.example.test"),
        "2",
        "renewed exactly once"
    );
}

#[test]
fn a_killed_run_does_not_leave_a_stale_lock() {
    let setup = Setup::new();
    setup.issue("stale.example.test", &[]);
    let marker = setup.scratch("started");
    let mut holder = setup
        .cw
        .command()
        .args([
            "renew",
            "--no-random-sleep",
            "--force-renewal",
            "--pre-hook",
            &format!("touch '{}'; sleep 5", marker.display()),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !marker.exists() {
        assert!(
            Instant::now() < deadline,
            "the holder never reached its pre-hook"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // It holds the lock now: a second run is refused at once...
    let out = setup.renew(&["--lock-wait", "0"]);
    assert_eq!(out.status.code(), Some(4), "{}", describe(&out));
    // ...until the holder dies without cleaning up (SIGKILL). Its hook
    // (still sleeping) did not inherit the lock.
    holder.kill().unwrap();
    holder.wait().unwrap();
    let out = setup.renew(&["--lock-wait", "0", "--force-renewal"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(setup.version("stale.example.test"), "2");
}

/// Every file under `dir` with its content, for before/after comparisons.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                // Every run writes its log, dry runs included.
                if !p.ends_with("logs") {
                    stack.push(p);
                }
            } else if meta.file_type().is_symlink() {
                out.push((
                    p.clone(),
                    std::fs::read_link(&p)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                ));
            } else if !p.ends_with(".lock") {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// How many orders a Pebble finalized, from its log.
fn finalizes(pebble: &Pebble) -> usize {
    pebble
        .log()
        .matches("/finalize-order/ -> calling handler()")
        .count()
}

#[test]
fn dry_run_renews_against_staging_and_keeps_nothing() {
    let setup = Setup::new();
    setup.issue("dry.example.test", &[]);
    // A second Pebble plays the CA's staging directory; the lineage's CA
    // bundle (recorded at issue time) learns to trust it too.
    let staging = Pebble::start_with(PebbleOptions {
        env: vec![("PEBBLE_AUTHZREUSE", "0".into())],
        ..PebbleOptions::default()
    });
    let mut bundle = std::fs::read(&setup.cw.ca_bundle).unwrap();
    bundle.extend(std::fs::read(staging.ca_bundle()).unwrap());
    std::fs::write(&setup.cw.ca_bundle, bundle).unwrap();
    // Not due: a dry run renews every selected lineage anyway (that is
    // what it is for: proving the next real renewal would work).
    setup.set_in_renewal_file("dry.example.test", |t| {
        t.insert("renew_before".into(), toml::Value::String("1h".into()));
        // The staging CA validates on its own port.
        t["solver"]["http_port"] = toml::Value::Integer(i64::from(staging.http_port));
    });
    let production_orders = finalizes(setup.pebble.as_ref().unwrap());

    // This test CA has no known staging directory: say how to name one.
    let out = setup.renew(&["--dry-run"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        stderr(&out).contains("--staging-server"),
        "{}",
        describe(&out)
    );

    let before = snapshot(setup.root());
    let deployed = setup.scratch("deployed");
    let pre = setup.scratch("pre-ran");
    let out = setup.renew(&[
        "--dry-run",
        "--json",
        "--staging-server",
        &staging.directory,
        "--deploy-hook",
        &format!("touch '{}'", deployed.display()),
        "--pre-hook",
        &format!("touch '{}'", pre.display()),
    ]);
    assert!(out.status.success(), "{}", describe(&out));
    let doc = json_of(&out);
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["renewed"], 1);
    // The whole flow ran on the staging CA, none of it on production.
    assert_eq!(finalizes(&staging), 1, "{}", staging.log());
    assert_eq!(finalizes(setup.pebble.as_ref().unwrap()), production_orders);
    // The staging account lives apart, with the production contact.
    let staging_accounts = setup.root().join("staging/accounts");
    let server_dir = std::fs::read_dir(&staging_accounts)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let acct_dir = std::fs::read_dir(server_dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let acct: Value =
        serde_json::from_slice(&std::fs::read(acct_dir.path().join("account.json")).unwrap())
            .unwrap();
    assert_eq!(acct["server"], staging.directory.as_str());
    assert_eq!(acct["contact"][0], "mailto:admin@example.com");
    // Production is byte for byte unchanged (staging/ aside).
    let after: Vec<_> = snapshot(setup.root())
        .into_iter()
        .filter(|(p, _)| !p.starts_with(setup.root().join("staging")))
        .collect();
    assert_eq!(after, before, "the store changed in a dry run");
    assert!(!deployed.exists(), "deploy hooks do not run in a dry run");
    assert!(
        pre.exists(),
        "pre-hooks do run (the challenge may need them)"
    );
    assert_eq!(setup.version("dry.example.test"), "1");

    // A second dry run reuses the staging account.
    let out = setup.renew(&["--dry-run", "--staging-server", &staging.directory]);
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(std::fs::read_dir(server_dir.path()).unwrap().count(), 1);
    assert_eq!(finalizes(&staging), 2);
}

#[test]
fn unknown_cert_name_and_bad_margin_are_usage_errors() {
    let setup = Setup::new();
    setup.issue("known.example.test", &[]);
    let out = setup.renew(&["--cert-name", "unknown.example.test"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(stderr(&out).contains("unknown.example.test"));
    let out = setup.renew(&["--renew-before", "30"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(stderr(&out).contains("unit"), "{}", describe(&out));
    // An empty store: nothing to do, success.
    let empty = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(BIN)
        .args(["renew", "--no-random-sleep", "--config-dir"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
}

#[test]
fn hook_failures_are_reported_without_losing_the_certificate() {
    let setup = Setup::new();
    setup.issue("hooks.example.test", &[]);
    let post = setup.scratch("post-ran");
    // A failing pre-hook: no renewal is attempted (nothing is sent to the
    // CA), the post-hook still runs to undo whatever the pre-hook did.
    let out = setup.renew(&[
        "--json",
        "--force-renewal",
        "--pre-hook",
        "echo 'cannot stop nginx' >&2; exit 7",
        "--post-hook",
        &format!("touch '{}'", post.display()),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let doc = json_of(&out);
    assert_eq!(doc["requests"], 0, "{doc:#}");
    let error = entry(&doc, "hooks.example.test")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("pre-hook failed") && error.contains("status 7"),
        "{error}"
    );
    assert!(error.contains("cannot stop nginx"), "{error}");
    assert!(
        post.exists(),
        "the post-hook must run after a failed pre-hook"
    );
    assert_eq!(setup.version("hooks.example.test"), "1");

    // A failing deploy hook: the new certificate stays installed, the run
    // reports the failure (exit 3: the renewal itself worked).
    let out = setup.renew(&[
        "--json",
        "--force-renewal",
        "--deploy-hook",
        "echo 'reload failed' >&2; exit 3",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    let doc = json_of(&out);
    let e = entry(&doc, "hooks.example.test");
    assert_eq!(e["action"], "renewed");
    assert!(
        e["deploy_hook_error"]
            .as_str()
            .unwrap()
            .contains("reload failed"),
        "{doc:#}"
    );
    assert_eq!(setup.version("hooks.example.test"), "2");
}

#[test]
fn staging_lineages_renew_with_staging() {
    let setup = Setup::new();
    let port = setup.http_port.to_string();
    let server = setup.cw.server.clone();
    setup.cw.ok(&[
        "issue",
        "-d",
        "stg.example.test",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--staging",
        "--staging-server",
        &server,
        "--email",
        "admin@example.com",
        "--agree-tos",
    ]);
    let staging_live = setup.root().join("staging/live/stg.example.test");
    assert!(staging_live.exists());
    // The production store knows nothing of it...
    let out = setup.renew(&["--json", "--force-renewal"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(json_of(&out)["checked"], 0);
    // ...`renew --staging` renews it where it lives.
    let out = setup.renew(&["--json", "--staging", "--force-renewal"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(json_of(&out)["renewed"], 1);
    let version = std::fs::read_link(&staging_live).unwrap();
    assert!(version.ends_with("2"), "{}", version.display());
}
