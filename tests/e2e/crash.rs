//! Crash safety: the real binary is killed with SIGKILL at every named
//! crash point of `issue` and `renew` (src/crash_point.rs, armed through
//! CERTWRIGHT_CRASH_AT), while a download is cut off, and from outside at
//! random moments. After every kill the store must hold only complete
//! files, `live/<name>` must be absent or a complete, matching
//! cert/chain/fullchain/key set that verifies to the CA's root, the
//! previous certificate must still be there, and the next run must finish
//! the job with exactly one finalize in all (resuming the order, and saying
//! so in --json, whenever the killed run had saved it).
//!
//! Runs against the fault-injecting ACME server: no validation delays, so
//! a kill-and-recover cycle takes well under a second.

use crate::common::fault_server::*;
use crate::common::*;
use openssl::pkey::PKey;
use openssl::x509::X509;
use serde_json::Value;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

const DAY: Duration = Duration::from_secs(86400);
const CRASH_ENV: &str = "CERTWRIGHT_CRASH_AT";

fn issue_cmd(cw: &Certwright, name: &str) -> Command {
    let mut cmd = cw.command();
    cmd.args(["--json", "issue", "-d", name])
        .args(standalone_flags(free_ports(1)[0]))
        .args(["--email", "admin@example.com", "--agree-tos"]);
    cmd
}

fn renew_cmd(cw: &Certwright) -> Command {
    let mut cmd = cw.command();
    cmd.args(["--json", "renew", "--no-random-sleep"]);
    cmd
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?} signal {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        out.status.signal(),
        stdout(out),
        stderr(out)
    )
}

/// Runs with the crash point armed and checks the process really died
/// there (a point that is never reached would make the case vacuous).
fn run_killed_at(mut cmd: Command, point: &str) {
    let out = cmd.env(CRASH_ENV, point).output().unwrap();
    assert_eq!(
        out.status.signal(),
        Some(9),
        "crash point {point} was not reached\n{}",
        describe(&out)
    );
}

fn run_ok(mut cmd: Command, server: &FaultServer) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}\nserver log:\n{}",
        describe(&out),
        server.dump()
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Files a crash may leave behind that no code ever reads: an atomic
/// write's temp file (renamed over its target only when complete), a
/// version directory still being written (replaced by the next install),
/// and the temp name of the next live link.
fn is_scratch(path: &Path) -> bool {
    path.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c.contains(".tmp-") || c.ends_with(".partial") || c.contains(".new-")
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let path = e.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The invariants a crash must never break. Returns the DER of the live
/// certificate, if one is installed.
fn check_store(root: &Path, name: &str, ca_root: &[u8], context: &str) -> Option<Vec<u8>> {
    // Every file that is read later is complete: it parses.
    let mut files = Vec::new();
    walk(root, &mut files);
    for path in files.iter().filter(|p| !is_scratch(p)) {
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        if std::fs::symlink_metadata(path).unwrap().is_symlink() {
            continue;
        }
        let data = std::fs::read(path).unwrap();
        let ok = match file_name.as_str() {
            ".lock" => true,
            // The run logs, rotated as each run starts.
            n if n.starts_with("certwright.log") => {
                path.parent().is_some_and(|d| d.ends_with("logs"))
            }
            "privkey.pem" | "account.key" | "account.key.next" => {
                PKey::private_key_from_pem(&data).is_ok()
            }
            "chain.pem" => X509::stack_from_pem(&data).is_ok(),
            n if n.ends_with(".pem") => X509::stack_from_pem(&data).is_ok_and(|c| !c.is_empty()),
            n if n.ends_with(".json") => serde_json::from_slice::<Value>(&data).is_ok(),
            n if n.ends_with(".toml") => {
                toml::from_str::<toml::Table>(&String::from_utf8_lossy(&data)).is_ok()
            }
            "order-url" => data.starts_with(b"https://"),
            other => panic!("{context}: unexpected file {other} at {}", path.display()),
        };
        assert!(
            ok,
            "{context}: {} is truncated or corrupt ({} bytes)",
            path.display(),
            data.len()
        );
    }
    // The live link: absent, or a complete, matching set.
    let live = root.join("live").join(name);
    if std::fs::symlink_metadata(&live).is_err() {
        return None;
    }
    let target = std::fs::read_link(&live).unwrap();
    assert!(
        target
            .file_name()
            .unwrap()
            .to_string_lossy()
            .parse::<u32>()
            .is_ok(),
        "{context}: live points at {}",
        target.display()
    );
    let cert = InstalledCert::read(&live);
    assert!(
        cert.key_matches(),
        "{context}: live cert and key do not match"
    );
    assert!(
        cert.verifies_to(ca_root),
        "{context}: live chain does not verify"
    );
    Some(cert.leaf.to_der().unwrap())
}

fn versions(root: &Path, name: &str) -> Vec<u32> {
    let mut v: Vec<u32> = std::fs::read_dir(root.join("archive").join(name))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn pending_exists(root: &Path, name: &str) -> bool {
    root.join("archive")
        .join(name)
        .join("pending/order.json")
        .exists()
}

fn copy_dir(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

fn server_state_file(server: &FaultServer) -> String {
    // store::server_id of https://127.0.0.1:PORT/dir
    format!(
        "atomic_write:{}.json",
        server
            .directory
            .trim_start_matches("https://")
            .replace([':', '/'], "_")
    )
}

/// The points a first `issue` passes, in order.
fn issue_points(name: &str, server: &FaultServer) -> Vec<String> {
    let mut points: Vec<String> = [
        "atomic_write:account.key",
        "atomic_write:account.json",
        "atomic_write:privkey.pem@1", // the pending order's key
        "atomic_write:order.json",
        "issue.pending_saved",
        "issue.challenges_answered",
        "issue.finalized",
        "issue.downloaded",
        "atomic_write:privkey.pem@2", // the new version's key
        "store.archive.privkey",
        "store.archive.cert",
        "store.archive.chain",
        "atomic_write:fullchain.pem",
        "store.archive.files",
        "store.archive.complete",
        "store.live_switched",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    points.push(format!("atomic_write:{name}.toml"));
    points.push("issue.pending_cleared".into());
    points.push(server_state_file(server));
    points
}

/// The points a due `renew` passes, in order.
fn renew_points(name: &str, server: &FaultServer) -> Vec<String> {
    let mut points = vec![server_state_file(server)];
    points.extend(
        [
            "atomic_write:privkey.pem@1",
            "atomic_write:order.json",
            "issue.pending_saved",
            "issue.challenges_answered",
            "issue.finalized",
            "issue.downloaded",
            "atomic_write:privkey.pem@2",
            "store.archive.privkey",
            "store.archive.cert",
            "store.archive.chain",
            "atomic_write:fullchain.pem",
            "store.archive.files",
            "store.archive.complete",
            "store.live_switched",
            "issue.pending_cleared",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    points.push(format!("atomic_write:{name}.json"));
    points.push("store.lineage_state_saved".into());
    points
}

#[test]
fn killed_at_every_point_of_a_first_issue() {
    let server = FaultServer::start(Script::new().processing(0, None));
    let ca_root = server.root_pem();
    let tmp = tempfile::tempdir().unwrap();
    let name = "crash.example.test";
    let points = issue_points(name, &server);
    let started = Instant::now();
    for (i, point) in points.iter().enumerate() {
        let root = tmp.path().join(format!("run{i}"));
        let cw = server.certwright(&root);
        let finalizes_before = server.count(Endpoint::Finalize);
        run_killed_at(issue_cmd(&cw, name), point);
        let context = format!("killed at {point}");
        let live_after_crash = check_store(&root, name, &ca_root, &context);
        let had_pending = pending_exists(&root, name);
        let recorded = root.join(format!("renewal/{name}.toml")).exists();

        let doc = run_ok(issue_cmd(&cw, name), &server);
        if recorded {
            // Killed after the lineage was complete: the next run sees it.
            assert!(live_after_crash.is_some(), "{context}");
            assert_eq!(doc["issued"], false, "{context}: {doc}");
        } else {
            assert_eq!(doc["issued"], true, "{context}: {doc}");
            assert_eq!(
                doc["resumed"], had_pending,
                "{context}: a saved order must be resumed, and only then: {doc}"
            );
        }
        let live = check_store(&root, name, &ca_root, &context).expect("installed");
        if let Some(before) = live_after_crash {
            assert_eq!(
                live, before,
                "{context}: an installed certificate was replaced"
            );
        }
        assert_eq!(
            server.count(Endpoint::Finalize) - finalizes_before,
            1,
            "{context}: one finalize across the killed run and the next\n{}",
            server.dump()
        );
        assert_eq!(versions(&root, name), [1], "{context}: installed twice");
        assert!(!pending_exists(&root, name), "{context}: order record left");
        assert!(root.join(format!("renewal/{name}.toml")).exists());
    }
    eprintln!(
        "first issue: {} kill points in {:?}",
        points.len(),
        started.elapsed()
    );
}

/// Issues a certificate that is due for renewal at once (80 of its 90
/// days gone) into `root`; later certificates from `server` are fresh.
fn due_lineage(server: &FaultServer, root: &Path, name: &str) {
    let cw = server.certwright(root);
    server.update(|s| s.backdate = DAY * 80);
    run_ok(issue_cmd(&cw, name), server);
    server.update(|s| s.backdate = Duration::from_secs(60));
}

#[test]
fn killed_at_every_point_of_a_renewal() {
    let server = FaultServer::start(Script::new().processing(0, None));
    let ca_root = server.root_pem();
    let tmp = tempfile::tempdir().unwrap();
    let name = "renew-crash.example.test";
    let template = tmp.path().join("template");
    due_lineage(&server, &template, name);
    let old = check_store(&template, name, &ca_root, "template").unwrap();
    let points = renew_points(name, &server);
    let started = Instant::now();
    for (i, point) in points.iter().enumerate() {
        let root = tmp.path().join(format!("run{i}"));
        copy_dir(&template, &root);
        let cw = server.certwright(&root);
        let finalizes_before = server.count(Endpoint::Finalize);
        run_killed_at(renew_cmd(&cw), point);
        let context = format!("renew killed at {point}");
        let live = check_store(&root, name, &ca_root, &context)
            .unwrap_or_else(|| panic!("{context}: the live certificate is gone"));
        let switched = live != old;
        // The previous certificate is never lost.
        let v1 = std::fs::read(root.join("archive").join(name).join("1/cert.pem")).unwrap();
        assert_eq!(X509::from_pem(&v1).unwrap().to_der().unwrap(), old);
        let had_pending = pending_exists(&root, name);

        let doc = run_ok(renew_cmd(&cw), &server);
        let live_now = check_store(&root, name, &ca_root, &context).unwrap();
        assert_ne!(live_now, old, "{context}: not renewed: {doc}");
        if switched {
            // The killed run had installed it: nothing left to do.
            assert_eq!(doc["renewed"], 0, "{context}: {doc}");
            assert_eq!(live_now, live, "{context}");
        } else {
            assert_eq!(doc["renewed"], 1, "{context}: {doc}");
            let entry = &doc["certificates"][0];
            assert_eq!(
                entry["resumed"].as_bool().unwrap_or(false),
                had_pending,
                "{context}: {doc}"
            );
        }
        assert_eq!(
            server.count(Endpoint::Finalize) - finalizes_before,
            1,
            "{context}: one finalize across the killed run and the next\n{}",
            server.dump()
        );
        assert_eq!(versions(&root, name), [1, 2], "{context}");
    }
    eprintln!(
        "renew: {} kill points in {:?}",
        points.len(),
        started.elapsed()
    );
}

#[test]
fn killed_while_saving_renewal_state_of_a_lineage_not_due() {
    let server = FaultServer::start(Script::new().processing(0, None));
    let ca_root = server.root_pem();
    let tmp = tempfile::tempdir().unwrap();
    let name = "state.example.test";
    let template = tmp.path().join("template");
    run_ok(issue_cmd(&server.certwright(&template), name), &server);
    let old = check_store(&template, name, &ca_root, "template").unwrap();
    let points = [
        format!("atomic_write:{name}.json"),
        "store.lineage_state_saved".to_string(),
    ];
    for (i, point) in points.iter().enumerate() {
        let root = tmp.path().join(format!("run{i}"));
        copy_dir(&template, &root);
        let cw = server.certwright(&root);
        let ari_before = server.count(Endpoint::RenewalInfo);
        run_killed_at(renew_cmd(&cw), point);
        assert!(
            server.count(Endpoint::RenewalInfo) > ari_before,
            "ARI asked"
        );
        let context = format!("renew (not due) killed at {point}");
        assert_eq!(
            check_store(&root, name, &ca_root, &context),
            Some(old.clone())
        );
        let doc = run_ok(renew_cmd(&cw), &server);
        assert_eq!(doc["renewed"], 0, "{context}: {doc}");
        let state = root.join(format!("renewal/.state/{name}.json"));
        serde_json::from_slice::<Value>(&std::fs::read(state).unwrap()).unwrap();
    }
}

#[test]
fn killed_in_the_middle_of_the_download() {
    // The first download sends half the chain, then stalls.
    let server = FaultServer::start(Script::new().processing(0, None).fail_after_applying(
        Endpoint::Certificate,
        1,
        Fault::Stall(Duration::from_secs(20)),
    ));
    let ca_root = server.root_pem();
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let name = "download.example.test";
    let mut child = issue_cmd(&cw, name)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.count(Endpoint::Certificate) == 0 {
        assert!(child.try_wait().unwrap().is_none(), "{}", server.dump());
        assert!(Instant::now() < deadline, "{}", server.dump());
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9));
    assert_eq!(
        check_store(tmp.path(), name, &ca_root, "mid-download"),
        None
    );
    assert!(pending_exists(tmp.path(), name));
    let doc = run_ok(issue_cmd(&cw, name), &server);
    assert_eq!(doc["resumed"], true, "{doc}");
    check_store(tmp.path(), name, &ca_root, "after mid-download kill").unwrap();
    assert_eq!(server.count(Endpoint::Finalize), 1, "{}", server.dump());
    assert_eq!(server.count(Endpoint::Certificate), 2, "{}", server.dump());
}

/// A small deterministic generator, so a failure can be replayed from the
/// printed seed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn killed_from_outside_at_random_moments() {
    const RUNS: usize = 20;
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("CRASH_SEED={seed}");
    let mut rng = XorShift(seed);
    let server = FaultServer::start(Script::new().processing(0, None));
    let ca_root = server.root_pem();
    let tmp = tempfile::tempdir().unwrap();
    let name = "random.example.test";
    let template = tmp.path().join("template");
    due_lineage(&server, &template, name);
    let old = check_store(&template, name, &ca_root, "template").unwrap();
    // Kill within the time a whole run takes (or 400 ms, if shorter), so
    // the kills land in every phase rather than after the run is over. The
    // fastest of three runs: the first start of a binary can take several
    // times longer than the later ones (its pages are not cached yet),
    // which once left most kills after the runs had ended.
    let mut fastest = Duration::MAX;
    for p in 0..3 {
        let probe = tmp.path().join(format!("probe{p}"));
        copy_dir(&template, &probe);
        let t0 = Instant::now();
        run_ok(renew_cmd(&server.certwright(&probe)), &server);
        fastest = fastest.min(t0.elapsed());
    }
    let span = (fastest.as_millis() as u64).clamp(1, 400);
    eprintln!("an uninterrupted renew run takes {fastest:?} (the fastest of 3)");
    let mut killed = 0;
    let mut delays = Vec::new();
    for i in 0..RUNS {
        let root = tmp.path().join(format!("run{i}"));
        copy_dir(&template, &root);
        let cw = server.certwright(&root);
        let finalizes_before = server.count(Endpoint::Finalize);
        let delay = Duration::from_millis(rng.next() % (span + 1));
        delays.push(delay.as_millis());
        let mut child = renew_cmd(&cw)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.signal() == Some(9) {
            killed += 1;
        }
        let context = format!("run {i} killed after {delay:?} (seed {seed})");
        let live = check_store(&root, name, &ca_root, &context)
            .unwrap_or_else(|| panic!("{context}: the live certificate is gone"));
        let v1 = std::fs::read(root.join("archive").join(name).join("1/cert.pem")).unwrap();
        assert_eq!(X509::from_pem(&v1).unwrap().to_der().unwrap(), old);
        run_ok(renew_cmd(&cw), &server);
        let live_now = check_store(&root, name, &ca_root, &context).unwrap();
        assert_ne!(live_now, old, "{context}");
        if live != old {
            assert_eq!(live_now, live, "{context}");
        }
        assert_eq!(
            server.count(Endpoint::Finalize) - finalizes_before,
            1,
            "{context}\n{}",
            server.dump()
        );
    }
    eprintln!("random kills: {killed} of {RUNS} runs died by SIGKILL (delays ms: {delays:?})");
    // Most runs take longer than 400 ms to start, contact the CA and
    // install; if none was killed the test checked nothing.
    assert!(killed >= RUNS / 2, "only {killed} runs were killed");
}
