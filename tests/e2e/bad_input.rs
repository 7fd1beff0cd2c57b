//! Bad input from the user and a hostile or broken disk: names that could
//! become paths or smuggle bytes to the CA are refused before anything is
//! sent, conflicting flags are usage errors, and a config directory that
//! cannot be written (a file in its place, an immutable directory, a full
//! disk) ends in a clear error while the installed certificate keeps
//! serving.

use crate::common::fault_server::*;
use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn issue_args(names: &[&str]) -> Vec<String> {
    let port = free_ports(1)[0].to_string();
    let mut args: Vec<String> = vec!["issue".into()];
    for n in names {
        // One argument, so a name starting with '-' is still a value.
        args.push(format!("--domain={n}"));
    }
    args.extend(
        [
            "--standalone",
            "--http-01-address",
            "127.0.0.1",
            "--http-01-port",
            &port,
            "--email",
            "admin@example.com",
            "--agree-tos",
        ]
        .map(String::from),
    );
    args
}

fn run(cw: &Certwright, args: &[String]) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cw.run(&args)
}

fn refused(out: &Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
}

#[test]
fn names_that_could_become_paths_or_smuggle_bytes_are_refused_before_the_ca_hears() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(&tmp.path().join("config"));
    let long_label = "a".repeat(64);
    let too_long = format!("{}.test", ["abcdefghi"; 25].join("."));
    for bad in [
        "a/b.example.test",
        "../x.example.test",
        "..",
        "x\u{1}y.example.test",
        "x\ty.example.test",
        "new\nline.example.test",
        "nul\0.example.test",
        "bücher.example.test",
        "exa mple.test",
        "-dash.example.test",
        "*.*.example.test",
        "a*.example.test",
        "localhost",
        &format!("{long_label}.example.test"),
        &too_long,
    ] {
        // A NUL cannot be passed in argv at all; the OS refuses it first.
        if bad.contains('\0') {
            assert!(
                Command::new(BIN).arg(bad).output().is_err(),
                "argv with NUL"
            );
            continue;
        }
        let out = run(&cw, &issue_args(&[bad]));
        refused(&out, 2, "invalid domain name");
        if bad.starts_with("bücher") {
            refused(&out, 2, "punycode");
        }
    }
    // Lineage names that would leave the store's directories.
    for bad in [
        "../escape",
        "a/b",
        ".hidden",
        "x\ny",
        "..",
        "/etc/passwd",
        "",
    ] {
        let mut args = issue_args(&["ok.example.test"]);
        args.extend(["--cert-name".to_string(), bad.to_string()]);
        let out = run(&cw, &args);
        refused(&out, 2, "invalid certificate name");
    }
    // Too many names for one certificate.
    let many: Vec<String> = (0..101).map(|i| format!("n{i}.example.test")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    refused(&run(&cw, &issue_args(&many)), 2, "at most 100");
    // Nothing reached the CA, and nothing was written outside the store.
    assert!(server.log().is_empty(), "{}", server.dump());
    let entries: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("config"))
        .collect();
    assert!(entries.is_empty(), "{entries:?}");
}

#[test]
fn conflicting_or_incomplete_flags_are_usage_errors() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "issue",
                "-d",
                "a.example.test",
                "--standalone",
                "--webroot",
                "-w",
                "/tmp",
            ],
            "cannot be used with",
        ),
        (
            &["-q", "-v", "issue", "-d", "a.example.test", "--standalone"],
            "cannot be used with",
        ),
        (
            &["issue", "--standalone", "--csr", "/nonexistent.csr"],
            "--key-path",
        ),
        (&["issue", "-d", "a.example.test"], "choose how to answer"),
        (
            &["issue", "-d", "*.example.test", "--standalone"],
            "wildcard",
        ),
        (
            &[
                "issue",
                "-d",
                "a.example.test",
                "--standalone",
                "--propagation-timeout",
                "5",
            ],
            "apply to dns-01 (--dns-provider, --dns-hook or --manual) only",
        ),
        (
            &[
                "issue",
                "-d",
                "a.example.test",
                "--standalone",
                "--server",
                "http://plain.example.test/dir",
            ],
            "neither an https:// directory URL",
        ),
        (&["renew", "--renew-before", "lots"], "invalid renew_before"),
    ];
    for (args, needle) in cases {
        let out = cw.run(args);
        refused(&out, 2, needle);
    }
    assert!(server.log().is_empty(), "{}", server.dump());
}

#[test]
fn a_file_where_the_config_dir_should_be() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let cw = server.certwright(&file);
    let out = run(&cw, &issue_args(&["file.example.test"]));
    // Reading <config-dir>/config.toml is the first thing that fails: a
    // configuration error (exit 2) naming the path.
    refused(&out, 2, &file.display().to_string());
    // Checked before the CA was contacted.
    assert!(server.log().is_empty(), "{}", server.dump());
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
    // The same with a file where a subdirectory belongs.
    let root = tmp.path().join("config");
    let cw = server.certwright(&root);
    assert!(
        run(&cw, &issue_args(&["sub.example.test"]))
            .status
            .success()
    );
    std::fs::remove_dir_all(root.join("renewal")).unwrap();
    std::fs::write(root.join("renewal"), b"").unwrap();
    let out = cw.run(&["renew", "--no-random-sleep"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("renewal"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs a command, returning whether it succeeded (for optional tools).
fn try_cmd(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Undoes `chattr +i` even when the test fails, so the temp dir can go.
struct Immutable(PathBuf);

impl Drop for Immutable {
    fn drop(&mut self) {
        try_cmd("chattr", &["-i", self.0.to_str().unwrap()]);
    }
}

fn live_fullchain(cw: &Certwright, name: &str) -> Vec<u8> {
    std::fs::read(cw.live(name).join("fullchain.pem")).unwrap()
}

#[test]
fn an_immutable_archive_leaves_the_old_certificate_serving() {
    // Root ignores permission bits, so "unwritable" is simulated with the
    // immutable attribute, which binds root too.
    let server = FaultServer::start(Script::new().processing(0, None));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let name = "immutable.example.test";
    assert!(run(&cw, &issue_args(&[name])).status.success());
    let before = live_fullchain(&cw, name);
    let archive = tmp.path().join("archive").join(name);
    if !try_cmd("chattr", &["+i", archive.to_str().unwrap()]) {
        eprintln!(
            "SKIPPED: chattr +i is not supported here (not root, or the file system lacks it)"
        );
        assert!(
            !is_root() || std::env::var_os("CI").is_none(),
            "chattr must work in CI"
        );
        return;
    }
    let _undo = Immutable(archive.clone());
    let out = cw.run(&["renew", "--force-renewal", "--no-random-sleep"]);
    refused(&out, 1, &archive.display().to_string());
    assert!(
        stderr(&out).contains("Operation not permitted"),
        "{}",
        stderr(&out)
    );
    assert_eq!(live_fullchain(&cw, name), before);
    assert!(InstalledCert::read(&cw.live(name)).key_matches());
}

/// A small tmpfs, unmounted on drop.
struct Tmpfs(PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        try_cmd("umount", &["-l", self.0.to_str().unwrap()]);
    }
}

fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let filler = dir.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    while f.write_all(&block).is_ok() {}
    let _ = f.sync_all();
    filler
}

#[test]
fn a_full_disk_leaves_the_old_certificate_serving() {
    let server = FaultServer::start(Script::new().processing(0, None));
    let tmp = tempfile::tempdir().unwrap();
    let mount = tmp.path().join("small");
    std::fs::create_dir(&mount).unwrap();
    if !try_cmd(
        "mount",
        &[
            "-t",
            "tmpfs",
            "-o",
            "size=512k",
            "tmpfs",
            mount.to_str().unwrap(),
        ],
    ) {
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root)");
        assert!(
            !is_root() || std::env::var_os("CI").is_none(),
            "mount must work in CI"
        );
        return;
    }
    let _unmount = Tmpfs(mount.clone());
    let root = mount.join("config");
    let cw = server.certwright(&root);
    let name = "full.example.test";
    assert!(run(&cw, &issue_args(&[name])).status.success());
    let before = live_fullchain(&cw, name);

    let filler = fill(&mount);
    let finalizes = server.count(Endpoint::Finalize);
    let out = cw.run(&["renew", "--force-renewal", "--no-random-sleep"]);
    refused(&out, 1, "No space left on device");
    assert_eq!(live_fullchain(&cw, name), before, "the live chain changed");
    let cert = InstalledCert::read(&cw.live(name));
    assert!(cert.key_matches());
    assert!(cert.verifies_to(&server.root_pem()));
    eprintln!("full disk: {}", stderr(&out).trim());

    assert_eq!(server.count(Endpoint::Finalize), finalizes);

    // Room for the order record but not for the new version: the disk
    // fills up after the CA issued the certificate.
    let len = std::fs::metadata(&filler).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap();
    f.set_len(len - 3 * 4096).unwrap();
    f.sync_all().unwrap();
    // An open file keeps its blocks on tmpfs even once unlinked.
    drop(f);
    let out = cw.run(&["--json", "renew", "--force-renewal", "--no-random-sleep"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("No space left on device"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        server.count(Endpoint::Finalize),
        finalizes + 1,
        "{}",
        server.dump()
    );
    assert_eq!(live_fullchain(&cw, name), before, "the live chain changed");
    assert!(InstalledCert::read(&cw.live(name)).key_matches());

    // With space again, the next run installs that certificate: the
    // order is resumed, not placed again.
    std::fs::remove_file(filler).unwrap();
    let out = cw.run(&["--json", "renew", "--force-renewal", "--no-random-sleep"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["certificates"][0]["resumed"], true, "{doc}");
    assert_eq!(server.count(Endpoint::Finalize), finalizes + 1);
    assert_ne!(live_fullchain(&cw, name), before);
    assert!(InstalledCert::read(&cw.live(name)).key_matches());
}
