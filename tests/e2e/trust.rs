//! Trust boundaries (docs/security.md, "Threat model"), tried on the real
//! binary the way an attacker would: a local user who can write to a
//! webroot or a misconfigured config dir (against the real Pebble), and a
//! hostile CA (the fault server) that slips in names nobody asked for.
//! Each test checks the harm did not happen (no file outside, no target
//! truncated, no secret echoed, no hook run), not only the error text.

use crate::common::fault_server::*;
use crate::common::*;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn describe(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    )
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = walkdir(dir);
    all.sort();
    all
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd {
            let p = e.unwrap().path();
            if std::fs::symlink_metadata(&p).unwrap().is_dir() {
                out.extend(walkdir(&p));
            }
            out.push(p);
        }
    }
    out
}

/// A registered account with Pebble, a config dir, and a scratch dir whose
/// files stand for what an attacker wants to reach.
struct Local {
    pebble: Pebble,
    cw: Certwright,
    tmp: tempfile::TempDir,
}

impl Local {
    fn new() -> Local {
        let pebble = Pebble::start_with(PebbleOptions {
            env: vec![("PEBBLE_AUTHZREUSE", "0".into())],
            ..PebbleOptions::default()
        });
        let tmp = tempfile::tempdir().unwrap();
        let cw = Certwright::new(&tmp.path().join("config"), &pebble);
        cw.register();
        Local { pebble, cw, tmp }
    }

    fn root(&self) -> &Path {
        &self.cw.config_dir
    }

    fn scratch(&self, name: &str) -> PathBuf {
        let p = self.tmp.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    fn standalone(&self) -> Vec<String> {
        [
            "--standalone",
            "--http-01-address",
            "127.0.0.1",
            "--http-01-port",
            &self.pebble.http_port.to_string(),
        ]
        .map(String::from)
        .to_vec()
    }

    fn issue(&self, name: &str, extra: &[&str]) -> Output {
        let mut args: Vec<String> = vec!["issue".into(), "-d".into(), name.into()];
        args.extend(self.standalone());
        args.extend(extra.iter().map(|s| s.to_string()));
        let out = self.cw.command().args(&args).output().unwrap();
        if out.status.success() {
            forget_authorizations(&self.cw);
        }
        out
    }

    fn renew(&self, extra: &[&str]) -> Output {
        let mut args = vec!["renew", "--no-random-sleep", "--force-renewal"];
        args.extend_from_slice(extra);
        self.cw
            .command()
            .args(&args)
            .current_dir(self.tmp.path())
            .output()
            .unwrap()
    }

    fn renewal_file(&self, name: &str) -> PathBuf {
        self.root().join(format!("renewal/{name}.toml"))
    }

    /// Issues `name` with a deploy hook that leaves `marker` behind, then
    /// removes the marker: a later run that uses the lineage recreates it.
    fn issue_with_marker(&self, name: &str) -> PathBuf {
        let marker = self.tmp.path().join(format!("{name}.deployed"));
        let hook = format!("touch '{}'", marker.display());
        let out = self.issue(name, &["--deploy-hook", &hook]);
        assert!(out.status.success(), "{}", describe(&out));
        assert!(marker.exists());
        std::fs::remove_file(&marker).unwrap();
        marker
    }

    fn edit_renewal(&self, name: &str, edit: impl FnOnce(&mut toml::Table)) {
        let path = self.renewal_file(name);
        let mut table: toml::Table =
            toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        edit(&mut table);
        std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    }
}

fn refused(out: &Output, needles: &[&str]) {
    assert!(!out.status.success(), "{}", describe(out));
    let err = stderr(out);
    for n in needles {
        assert!(err.contains(n), "missing {n:?}\n{}", describe(out));
    }
    assert!(!err.contains("panicked"), "{}", describe(out));
}

// ---- symlinks below a trusted root ----

#[test]
fn symlinks_in_a_webroot_are_not_followed() {
    let local = Local::new();
    for inner in [".well-known", ".well-known/acme-challenge"] {
        let webroot = local.scratch(&format!("www-{}", inner.len()));
        let outside = local.scratch(&format!("outside-{}", inner.len()));
        let link = webroot.join(inner);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        symlink(&outside, &link).unwrap();
        let out = local
            .cw
            .command()
            .args(["issue", "-d", "web.example.test", "--webroot", "-w"])
            .arg(&webroot)
            .output()
            .unwrap();
        refused(&out, &["symbolic link", &link.display().to_string()]);
        assert_eq!(entries(&outside), Vec::<PathBuf>::new(), "{inner}");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    }
}

#[test]
fn a_planted_archive_link_receives_no_key() {
    let local = Local::new();
    let outside = local.scratch("outside");
    std::fs::create_dir_all(local.root().join("archive")).unwrap();
    let link = local.root().join("archive/planted.example.test");
    symlink(&outside, &link).unwrap();
    let out = local.issue("planted.example.test", &[]);
    refused(&out, &["symbolic link", &link.display().to_string()]);
    assert_eq!(entries(&outside), Vec::<PathBuf>::new());
}

#[test]
fn a_planted_lock_link_does_not_truncate_its_target() {
    let local = Local::new();
    let victim = local.tmp.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    let _ = std::fs::remove_file(local.root().join(".lock"));
    symlink(&victim, local.root().join(".lock")).unwrap();
    let out = local.renew(&[]);
    refused(&out, &["symbolic link", ".lock"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

#[test]
fn a_symlinked_renewal_file_is_not_read_or_echoed() {
    let local = Local::new();
    let secret = local.tmp.path().join("shadow");
    std::fs::write(&secret, "root:$6$TOPSECRETHASH:19000:0:99999:7:::\n").unwrap();
    std::fs::create_dir_all(local.root().join("renewal")).unwrap();
    symlink(&secret, local.renewal_file("s.example.test")).unwrap();
    for cmd in [vec!["renew", "--no-random-sleep"], vec!["certificates"]] {
        let out = local.cw.run(&cmd);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains("TOPSECRET"), "{cmd:?}: {}", describe(&out));
        assert!(all.contains("symbolic link"), "{cmd:?}: {}", describe(&out));
    }
}

// ---- ownership and modes ----

#[test]
fn a_config_dir_writable_by_others_is_refused_and_runs_no_hook() {
    let local = Local::new();
    let marker = local.issue_with_marker("ww.example.test");
    chmod(local.root(), 0o777);
    let out = local.renew(&[]);
    chmod(local.root(), 0o700);
    refused(
        &out,
        &[
            "mode 0777",
            &format!("chmod go-w {}", local.root().display()),
        ],
    );
    assert!(!marker.exists(), "the deploy hook ran");
    // Restored, the same run works: the refusal was the mode, nothing else.
    let out = local.renew(&[]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(marker.exists());
}

#[test]
fn a_renewal_file_writable_by_others_or_owned_by_another_user_is_refused() {
    let local = Local::new();
    let marker = local.issue_with_marker("mode.example.test");
    let file = local.renewal_file("mode.example.test");
    chmod(&file, 0o666);
    let out = local.renew(&[]);
    refused(
        &out,
        &["mode 0666", &format!("chmod go-w {}", file.display())],
    );
    assert!(!marker.exists(), "the deploy hook ran");
    chmod(&file, 0o644);
    if std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").unwrap()) == 0 {
        std::os::unix::fs::chown(&file, Some(65534), None).unwrap();
        let out = local.renew(&[]);
        refused(&out, &["owned by uid 65534", "chown root:root"]);
        assert!(!marker.exists(), "the deploy hook ran");
        std::os::unix::fs::chown(&file, Some(0), None).unwrap();
    }
    let out = local.renew(&[]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(marker.exists());
}

/// A hook program (not only the file that names it) must be writable by no
/// one but root and its owner: a group-writable deploy hook script is not
/// run, with the fix named; after `chmod 755` it runs.
#[test]
fn a_hook_program_others_can_write_is_not_run() {
    let local = Local::new();
    let marker = local.tmp.path().join("hook-ran");
    let hook = local.tmp.path().join("deploy-hook.sh");
    std::fs::write(&hook, format!("#!/bin/sh\ntouch '{}'\n", marker.display())).unwrap();
    chmod(&hook, 0o755);
    let hook_text = hook.to_str().unwrap();
    let out = local.issue("hookmode.example.test", &["--deploy-hook", hook_text]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(marker.exists());
    std::fs::remove_file(&marker).unwrap();
    chmod(&hook, 0o775);
    let out = local.renew(&[]);
    refused(
        &out,
        &["writable by its group", &format!("chmod go-w {hook_text}")],
    );
    assert!(!marker.exists(), "the deploy hook ran");
    chmod(&hook, 0o755);
    let out = local.renew(&[]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(marker.exists());
}

// ---- the renewal file as input ----

#[test]
fn hostile_values_in_a_renewal_file_never_reach_the_ca_or_the_disk() {
    let local = Local::new();
    let out = local.issue("input.example.test", &[]);
    assert!(out.status.success(), "{}", describe(&out));
    let before = local
        .pebble
        .log()
        .matches("/order-plz -> calling handler()")
        .count();
    for bad in ["../../x", "$(touch y)", "a b.example.com"] {
        local.edit_renewal("input.example.test", |t| {
            t["domains"] = toml::Value::Array(vec![bad.into()]);
        });
        let out = local.renew(&[]);
        refused(&out, &["invalid domain name", "`domains`"]);
    }
    assert!(!local.tmp.path().join("y").exists());
    assert_eq!(
        local
            .pebble
            .log()
            .matches("/order-plz -> calling handler()")
            .count(),
        before
    );

    local.edit_renewal("input.example.test", |t| {
        t["domains"] = toml::Value::Array(vec!["input.example.test".into()]);
        t["name"] = "../../../victim/pwn".into();
    });
    let out = local.renew(&["--deploy-hook", "echo \"$RENEWED_LINEAGE\""]);
    refused(&out, &["does not match the file's name"]);
    assert!(!local.tmp.path().join("victim").exists());
    assert!(!stdout(&out).contains("victim"), "{}", describe(&out));
}

/// Forks `argv` from a small Python process and reports the child's peak
/// RSS from wait4. (Not from this test process: a child's ru_maxrss
/// includes the memory of the process it was forked from, here the whole
/// test binary.) Python's own few MiB at fork are an upper bound's floor.
const MEASURE: &str = "import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
sys.stderr.write('\\nMAXRSS_KIB=%d\\n' % ru.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))";

fn run_measured(cmd: Command) -> (Option<i32>, i64, String) {
    let mut py = Command::new("python3");
    py.arg("-c")
        .arg(MEASURE)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => py.env(k, v),
            None => py.env_remove(k),
        };
    }
    let out = py.stdin(Stdio::null()).output().unwrap();
    let err = stderr(&out);
    let rss = err
        .lines()
        .find_map(|l| l.strip_prefix("MAXRSS_KIB="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no measurement: {err}"));
    (out.status.code(), rss, err)
}

#[test]
fn a_huge_renewal_file_is_refused_unread() {
    let local = Local::new();
    let out = local.issue("big.example.test", &[]);
    assert!(out.status.success(), "{}", describe(&out));
    let file = local.renewal_file("big.example.test");
    let mut text = std::fs::read(&file).unwrap();
    // Valid TOML all the way: a 128 MiB comment after the real content.
    text.extend(b"# ");
    text.resize(128 << 20, b'a');
    text.push(b'\n');
    std::fs::write(&file, &text).unwrap();
    let mut cmd = local.cw.command();
    cmd.args(["renew", "--no-random-sleep"]);
    let started = Instant::now();
    let (code, max_rss_kib, err) = run_measured(cmd);
    eprintln!(
        "renew with a 128 MiB renewal file: exit {code:?}, peak RSS {} MiB, {:?}",
        max_rss_kib / 1024,
        started.elapsed()
    );
    assert_ne!(code, Some(0), "{err}");
    assert!(err.contains("larger than 64 KiB"), "{err}");
    assert!(max_rss_kib < 40 * 1024, "peak RSS {max_rss_kib} KiB\n{err}");
}

// ---- a hostile CA ----

fn fault_issue(server: &FaultServer, dir: &Path, extra: &[&str]) -> Output {
    let cw = server.certwright(dir);
    let port = free_ports(1)[0].to_string();
    let mut args = vec![
        "issue",
        "-d",
        "asked.example.test",
        "--email",
        "admin@example.com",
        "--agree-tos",
    ];
    if extra.is_empty() {
        args.extend([
            "--standalone",
            "--http-01-address",
            "127.0.0.1",
            "--http-01-port",
            &port,
        ]);
    }
    args.extend_from_slice(extra);
    cw.command().args(&args).output().unwrap()
}

#[test]
fn an_authorization_for_a_name_not_requested_stops_before_any_hook() {
    let server = FaultServer::start(Script::new().offer("dns-01").unrequested_authz(EXTRA_NAME));
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("hook.log");
    let hook = tmp.path().join("hook.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho \"$CERTBOT_DOMAIN\" >> '{}'\n",
            log.display()
        ),
    )
    .unwrap();
    chmod(&hook, 0o755);
    let hook = hook.display().to_string();
    let out = fault_issue(
        &server,
        &tmp.path().join("config"),
        &["--dns-hook", &hook, "--dns-cleanup-hook", &hook],
    );
    refused(&out, &[EXTRA_NAME, "not requested"]);
    assert!(
        !log.exists(),
        "a hook ran: {:?}",
        std::fs::read_to_string(&log)
    );
    assert_eq!(server.count(Endpoint::Challenge), 0, "{}", server.dump());
    assert!(!tmp.path().join("config/live/asked.example.test").exists());
}

#[test]
fn an_order_whose_identifiers_differ_from_the_request_is_refused() {
    let server = FaultServer::start(Script::new().extra_order_identifier(EXTRA_NAME));
    let tmp = tempfile::tempdir().unwrap();
    let out = fault_issue(&server, &tmp.path().join("config"), &[]);
    refused(&out, &[EXTRA_NAME, "asked.example.test"]);
    assert_eq!(server.count(Endpoint::Authz), 0, "{}", server.dump());
    assert_eq!(server.count(Endpoint::Finalize), 0, "{}", server.dump());
}

#[test]
fn a_leaf_with_an_extra_name_is_not_installed() {
    let server = FaultServer::start(Script::new().bad_cert(BadCert::ExtraName));
    let tmp = tempfile::tempdir().unwrap();
    let out = fault_issue(&server, &tmp.path().join("config"), &[]);
    refused(&out, &[EXTRA_NAME, "not requested"]);
    assert!(!tmp.path().join("config/live/asked.example.test").exists());
}

// ---- signals ----

#[test]
fn a_signal_during_renews_challenge_wait_cleans_up_and_exits_128_plus_signal() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(&tmp.path().join("config"));
    let webroot = tmp.path().join("www");
    std::fs::create_dir(&webroot).unwrap();
    let out = cw
        .command()
        .args([
            "issue",
            "-d",
            "sig.example.test",
            "--email",
            "admin@example.com",
            "--agree-tos",
            "--webroot",
            "-w",
        ])
        .arg(&webroot)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    // From now on validation never finishes: renew waits until signalled.
    server.update(|s| {
        s.pending_polls = u32::MAX;
        s.pending_retry_after = Some(1);
    });
    for (signal, code) in [("TERM", 143), ("INT", 130), ("HUP", 129)] {
        let log = tmp.path().join(format!("hooks-{signal}.log"));
        let l = log.display();
        // An interrupted renew leaves its order for the next run, which
        // resumes it (no second challenge POST): wait for a poll instead.
        let polls = server.count(Endpoint::Order);
        let mut child = cw
            .command()
            .args([
                "renew",
                "--no-random-sleep",
                "--force-renewal",
                "--pre-hook",
                &format!("echo pre >> '{l}'"),
                "--post-hook",
                &format!("echo post >> '{l}'"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let challenge_dir = webroot.join(".well-known/acme-challenge");
        let deadline = Instant::now() + Duration::from_secs(20);
        // Wait until the token is published and renew polls the CA.
        while !(entries(&challenge_dir).len() == 1 && server.count(Endpoint::Order) > polls) {
            if Instant::now() > deadline {
                let _ = child.kill();
                let out = child.wait_with_output().unwrap();
                panic!(
                    "renew never reached the challenge wait: {:?} {}\n{}",
                    entries(&challenge_dir),
                    describe(&out),
                    server.dump()
                );
            }
            assert!(child.try_wait().unwrap().is_none(), "renew ended early");
            std::thread::sleep(Duration::from_millis(20));
        }
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "renew ignored SIG{signal}");
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "SIG{signal}: {}",
            describe(&out)
        );
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            "pre\npost\n",
            "SIG{signal}: the post-hook runs exactly once"
        );
        assert!(
            !webroot.join(".well-known").exists(),
            "SIG{signal}: the token was left: {:?}",
            entries(&webroot)
        );
    }
}

#[test]
fn the_webroot_the_user_named_may_itself_be_a_link() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real-www");
    std::fs::create_dir(&real).unwrap();
    let named = tmp.path().join("www");
    symlink(&real, &named).unwrap();
    let cw = server.certwright(&tmp.path().join("config"));
    let out = cw
        .command()
        .args([
            "issue",
            "-d",
            "linked.example.test",
            "--email",
            "admin@example.com",
            "--agree-tos",
            "--webroot",
            "-w",
        ])
        .arg(&named)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(entries(&real), Vec::<PathBuf>::new(), "tokens cleaned up");
}
