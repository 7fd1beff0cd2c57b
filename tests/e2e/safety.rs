//! File modes, hook environments and secrets, checked on the real binary:
//! keys are 0600 and owned by the running user in 0700 directories even
//! under `umask 000` (after issue, renew and an account key rollover);
//! values reach deploy hooks only through the environment, whatever shell
//! metacharacters they hold; and no private key, key scalar or EAB secret
//! appears in any output at any verbosity, on success or failure.

use crate::common::fault_server::*;
use crate::common::*;
use openssl::pkey::PKey;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            walk(&path, out);
        }
        out.push(path);
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

fn my_uid() -> u32 {
    std::fs::metadata("/proc/self").unwrap().uid()
}

/// Every private key under `root` is 0600, ours, and inside a directory
/// no one else can enter; the named key directories are 0700.
fn check_modes(root: &Path, stage: &str) -> usize {
    let mut paths = Vec::new();
    walk(root, &mut paths);
    let mut keys = 0;
    for p in &paths {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let is_key = name == "privkey.pem" || name.starts_with("account.key");
        if is_key {
            keys += 1;
            assert_eq!(mode(p), 0o600, "{stage}: {}", p.display());
            assert_eq!(
                std::fs::metadata(p).unwrap().uid(),
                my_uid(),
                "{stage}: {}",
                p.display()
            );
            let fenced = p
                .ancestors()
                .skip(1)
                .take_while(|a| a.starts_with(root))
                .any(|a| mode(a) & 0o077 == 0);
            assert!(fenced, "{stage}: others can reach {}", p.display());
        }
        let parent = p.parent().unwrap();
        let parent_name = parent.file_name().unwrap().to_string_lossy();
        if name == "account.key" || parent_name == "pending" {
            assert_eq!(mode(parent), 0o700, "{stage}: {}", parent.display());
        }
        if parent == root.join("archive") && p.is_dir() {
            // archive/<name>: holds every key the lineage ever had.
            assert_eq!(mode(p), 0o700, "{stage}: {}", p.display());
        }
        if p.starts_with(root.join("renewal/.state")) && p.is_file() {
            assert_eq!(mode(p), 0o600, "{stage}: {}", p.display());
        }
    }
    assert_eq!(mode(root) & 0o077, 0, "{stage}: the config dir is open");
    keys
}

/// `certwright ARGS` run under `umask 000`, so only explicit modes count.
fn run_umask0(cw: &Certwright, args: &[String]) -> Output {
    let base = cw.command();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("umask 000 && exec \"$@\"")
        .arg("sh")
        .arg(BIN);
    cmd.args(args).stdin(Stdio::null());
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.output().unwrap()
}

fn strings(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[test]
fn keys_are_private_after_issue_renew_and_rollover_even_with_umask_000() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(&tmp.path().join("config"), &pebble);
    let port = pebble.http_port.to_string();
    let standalone = [
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
    ];
    let ok = |out: Output| assert!(out.status.success(), "{}", stderr(&out));
    let mut issue = strings(&[
        "issue",
        "-d",
        "modes.example.com",
        "--email",
        "admin@example.com",
        "--agree-tos",
    ]);
    issue.extend(strings(&standalone));
    ok(run_umask0(&cw, &issue));
    let after_issue = check_modes(&cw.config_dir, "after issue");
    assert_eq!(after_issue, 2, "account key and certificate key");

    ok(run_umask0(
        &cw,
        &strings(&["renew", "--force-renewal", "--no-random-sleep"]),
    ));
    assert_eq!(check_modes(&cw.config_dir, "after renew"), 3);

    ok(run_umask0(&cw, &strings(&["account", "rollover"])));
    assert_eq!(check_modes(&cw.config_dir, "after rollover"), 3);
}

// ------------------------------------------------------------------ hooks ----

#[test]
fn deploy_hook_values_travel_only_in_the_environment() {
    let server = FaultServer::start(Script::new().processing(0, None));
    let tmp = tempfile::tempdir().unwrap();
    // A config dir whose path is full of shell syntax: it reaches the hook
    // as RENEWED_LINEAGE. Injected commands would create files in `tmp`.
    let hostile = "cfg $(touch INJ1) `touch INJ2`; touch INJ3 | touch INJ4 & 'q\" *";
    let root = tmp.path().join(hostile);
    let seen = tmp.path().join("seen");
    std::fs::create_dir(&seen).unwrap();
    let hook = tmp.path().join("deploy hook.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nprintf '%s' \"$RENEWED_LINEAGE\" > '{0}/lineage'\nprintf '%s' \"$RENEWED_DOMAINS\" > '{0}/domains'\necho run >> '{0}/runs'\n",
            seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let cw = server.certwright(&root);
    let port = free_ports(1)[0].to_string();
    let mut cmd = cw.command();
    cmd.current_dir(tmp.path()).args([
        "issue",
        "-d",
        "a.hook.test",
        "-d",
        "b.hook.test",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--email",
        "admin@example.com",
        "--agree-tos",
        "--deploy-hook",
        hook.to_str().unwrap(),
    ]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut renew = cw.command();
    renew
        .current_dir(tmp.path())
        .args(["renew", "--force-renewal", "--no-random-sleep"]);
    let out = renew.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let read = |f: &str| std::fs::read_to_string(seen.join(f)).unwrap();
    assert_eq!(read("runs"), "run\nrun\n", "issue and renew each ran it");
    assert_eq!(
        read("lineage"),
        root.join("live/a.hook.test").to_str().unwrap()
    );
    assert_eq!(read("domains"), "a.hook.test b.hook.test");
    for marker in ["INJ1", "INJ2", "INJ3", "INJ4"] {
        assert!(
            !tmp.path().join(marker).exists(),
            "{marker}: a value was run by a shell"
        );
    }
}

// ---------------------------------------------------------------- secrets ----

type Outputs = Vec<(String, String)>;
type Keys = Vec<(PathBuf, Vec<u8>)>;

/// Keeps a run's output, and every key now on disk not seen before.
fn record(outputs: &mut Outputs, keys: &mut Keys, root: &Path, what: &str, out: Output, ok: bool) {
    assert_eq!(out.status.success(), ok, "{what}: {}", stderr(&out));
    outputs.push((
        what.to_string(),
        format!("{}\n{}", stdout(&out), stderr(&out)),
    ));
    for k in keys_on_disk(root) {
        // (A key corrupted on purpose below is already recorded whole.)
        if PKey::private_key_from_pem(&k.1).is_ok() && !keys.iter().any(|(_, pem)| *pem == k.1) {
            keys.push(k);
        }
    }
}

/// Every private key currently under `root`.
fn keys_on_disk(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut paths = Vec::new();
    walk(root, &mut paths);
    paths
        .into_iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n == "privkey.pem" || n.starts_with("account.key")
        })
        .map(|p| {
            let pem = std::fs::read(&p).unwrap();
            (p, pem)
        })
        .collect()
}

#[test]
fn no_secret_in_any_output_at_any_verbosity() {
    let server = FaultServer::start(Script::new().processing(0, None));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let eab_key = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    let port = free_ports(1)[0].to_string();
    let issue = |extra: &[&str]| -> Vec<String> {
        let mut a = strings(&[
            "issue",
            "-d",
            "secret.example.test",
            "--standalone",
            "--http-01-address",
            "127.0.0.1",
            "--http-01-port",
            &port,
        ]);
        a.extend(strings(extra));
        a
    };
    let mut outputs: Outputs = Vec::new();
    let mut keys: Keys = Vec::new();
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        cw.run(&refs)
    };
    let with = |flags: &[&str], args: Vec<String>| {
        let mut all = strings(flags);
        all.extend(args);
        all
    };

    // Success paths at every verbosity, EAB included.
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "issue -vv with EAB",
        run(with(
            &["-vv"],
            issue(&[
                "--email",
                "admin@example.com",
                "--agree-tos",
                "--eab-kid",
                "kid-1",
                "--eab-hmac-key",
                eab_key,
            ]),
        )),
        true,
    );
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "issue --json -vv",
        run(with(&["--json", "-vv"], issue(&["--force-renewal"]))),
        true,
    );
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "renew -v",
        run(strings(&[
            "-v",
            "renew",
            "--force-renewal",
            "--no-random-sleep",
        ])),
        true,
    );
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "renew --json -vv",
        run(strings(&[
            "--json",
            "-vv",
            "renew",
            "--force-renewal",
            "--no-random-sleep",
        ])),
        true,
    );
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "certificates -vv",
        run(strings(&["-vv", "certificates"])),
        true,
    );
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "account show --json -vv",
        run(strings(&["--json", "-vv", "account", "show"])),
        true,
    );

    // Failure paths: a refused finalize (the order's key stays on disk),
    // a certificate for the wrong key, an unreadable account key.
    server.update(|s| {
        *s = std::mem::take(s).fail(
            Endpoint::Finalize,
            2,
            Fault::Problem {
                status: 400,
                kind: "badCSR",
                detail: "key too weak".into(),
            },
        )
    });
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "finalize refused -vv",
        run(with(&["-vv"], issue(&["--force-renewal"]))),
        false,
    );
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "finalize refused --json -vv",
        run(with(&["--json", "-vv"], issue(&["--force-renewal"]))),
        false,
    );
    server.update(|s| s.bad_cert = Some(BadCert::WrongKey));
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "wrong certificate --json -vv",
        run(with(&["--json", "-vv"], issue(&["--force-renewal"]))),
        false,
    );
    server.update(|s| s.bad_cert = None);
    let account_key = keys
        .iter()
        .find(|(p, _)| p.ends_with("account.key"))
        .unwrap()
        .clone();
    let pem = &account_key.1;
    // Cut the key in the middle of its base64: unreadable, still secret.
    std::fs::write(&account_key.0, &pem[..pem.len() / 2]).unwrap();
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "corrupt account key -vv",
        run(with(&["-vv"], issue(&["--force-renewal"]))),
        false,
    );
    record(
        &mut outputs,
        &mut keys,
        tmp.path(),
        "corrupt account key --json -vv",
        run(with(&["--json", "-vv"], issue(&["--force-renewal"]))),
        false,
    );

    assert!(keys.len() >= 5, "{} keys seen", keys.len());
    let mut secrets: Vec<(String, String)> = vec![("EAB HMAC key".into(), eab_key.into())];
    for (path, pem) in &keys {
        let key = PKey::private_key_from_pem(pem).unwrap();
        for form in secret_forms(&key, pem) {
            secrets.push((path.display().to_string(), form));
        }
    }
    for (what, text) in &outputs {
        assert!(!text.contains("PRIVATE KEY"), "{what}: {text}");
        for (whose, secret) in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{what} printed part of {whose}: {secret}\n{text}"
            );
        }
    }
    eprintln!(
        "{} outputs ({} bytes) checked against {} secret strings from {} keys",
        outputs.len(),
        outputs.iter().map(|(_, t)| t.len()).sum::<usize>(),
        secrets.len(),
        keys.len()
    );
}
