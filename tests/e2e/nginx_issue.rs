//! `issue --nginx`, `install --nginx` and `renew` end to end: the real
//! binary, a real Debian nginx in its own prefix (tests/common/nginx.rs)
//! and Pebble validating through that nginx (Pebble's httpPort is nginx's
//! port).

use crate::common::nginx::{NginxServer, Site};
use crate::common::{Certwright, Pebble, PebbleOptions, forget_authorizations, stderr};
use std::path::{Path, PathBuf};

fn sites() -> Vec<Site> {
    vec![
        Site {
            file: "default",
            body: "server {\n\tlisten 127.0.0.1:{http} default_server;\n\tserver_name _;\n\treturn 404;\n}\n".into(),
        },
        Site {
            file: "example",
            body: "# the example site\nserver {\n    listen 127.0.0.1:{http};\n    listen [::1]:{http};\n    server_name a.test www.a.test;\n    include snippets/headers.conf;\n    location / { return 200 \"a site\\n\"; }\n}\n".into(),
        },
    ]
}

struct Setup {
    nginx: NginxServer,
    pebble: Pebble,
    cw: Certwright,
    _config: tempfile::TempDir,
}

fn setup_with(pebble_http_port: Option<u16>) -> Setup {
    let nginx = NginxServer::start(&sites());
    let pebble = Pebble::start_with(PebbleOptions {
        http_port: Some(pebble_http_port.unwrap_or(nginx.http_port)),
        // A reused authorization skips the challenge (and its reloads) the
        // tests count.
        env: vec![("PEBBLE_AUTHZREUSE", "0".into())],
        ..PebbleOptions::default()
    });
    let config = tempfile::tempdir().unwrap();
    let cw = Certwright::new(config.path(), &pebble);
    cw.register();
    Setup {
        nginx,
        pebble,
        cw,
        _config: config,
    }
}

fn setup() -> Setup {
    setup_with(None)
}

impl Setup {
    fn nginx_args(&self) -> Vec<String> {
        vec![
            "--nginx".into(),
            "--nginx-server-root".into(),
            self.nginx.root().display().to_string(),
            "--http-01-port".into(),
            self.nginx.http_port.to_string(),
            "--https-port".into(),
            self.nginx.https_port.to_string(),
        ]
    }

    fn issue(&self, extra: &[&str]) -> std::process::Output {
        let mut args: Vec<String> = vec![
            "issue".into(),
            "-d".into(),
            "a.test".into(),
            "-d".into(),
            "www.a.test".into(),
        ];
        args.extend(self.nginx_args());
        args.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.cw.run(&refs)
    }

    fn served_is_live(&self) -> bool {
        let live = std::fs::read(self.cw.live("a.test").join("cert.pem")).unwrap();
        self.nginx
            .served_certificate("a.test")
            .is_some_and(|pem| der(&pem) == der(&live))
    }
}

fn der(pem: &[u8]) -> Vec<u8> {
    openssl::x509::X509::from_pem(pem)
        .unwrap()
        .to_der()
        .unwrap()
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "failed with {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

fn no_challenge_left(root: &Path) {
    for (path, text) in NginxServer::snapshot_of(root) {
        assert!(
            !text.contains("acme-challenge"),
            "{} still has a challenge:\n{text}",
            path.display()
        );
    }
}

/// An `nginx` that logs each command (without `-c FILE`) and runs it.
fn logging_ctl(dir: &Path) -> (PathBuf, PathBuf) {
    let path = dir.join("nginx-logging");
    let log = dir.join("nginx-commands.log");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nconf=\"$2\"\nshift 2\necho \"$*\" >> {}\nexec nginx -c \"$conf\" \"$@\"\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    (path, log)
}

fn take_log(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    std::fs::write(log, "").unwrap();
    text.lines().map(str::to_string).collect()
}

/// An `nginx` that fails `-t` once certwright's install lines are in the
/// configuration: a forced failure at install, after the challenge passed.
fn failing_install_ctl(dir: &Path, root: &Path) -> PathBuf {
    let path = dir.join("nginx-fails-install");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do\n  if [ \"$a\" = -t ] && grep -rqs 'managed by certwright' {}/sites-available; then\n    echo 'nginx: [emerg] forced failure at install' >&2; exit 1\n  fi\ndone\nexec nginx \"$@\"\n",
            root.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

#[test]
fn issue_installs_serves_and_renew_swaps_the_certificate() {
    let s = setup();
    let original = std::fs::read_to_string(s.nginx.site("example")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (ctl, log) = logging_ctl(tmp.path());
    let started = std::time::Instant::now();
    ok(&s.issue(&["--redirect", "--nginx-ctl", ctl.to_str().unwrap()]));
    eprintln!("issue --nginx took {} ms", started.elapsed().as_millis());
    // Every nginx command, in order: the preflights of solver and
    // installer, the challenge (one test, one reload for all names), its
    // removal (the old bytes need no test), the install.
    assert_eq!(
        take_log(&log),
        [
            "-T -q",
            "-T -q",
            "-T -q",
            "-t -q",
            "-s reload",
            "-s reload",
            "-T -q",
            "-t -q",
            "-s reload"
        ]
    );
    // nginx serves that very certificate for the name.
    s.nginx
        .eventually("nginx serves the new certificate", || s.served_is_live());
    assert!(s.nginx.ctl(&["-t"]).status.success());
    no_challenge_left(s.nginx.root());
    // The diff is only the installed lines.
    let edited = std::fs::read_to_string(s.nginx.site("example")).unwrap();
    let added: Vec<&str> = edited
        .lines()
        .filter(|l| !original.lines().any(|o| o == *l))
        .collect();
    assert_eq!(added.len(), 5, "{edited}");
    assert!(
        added.iter().all(|l| l.ends_with("# managed by certwright")),
        "{added:?}"
    );
    let live = s.cw.live("a.test");
    assert!(edited.contains(&format!(
        "ssl_certificate {};",
        live.join("fullchain.pem").display()
    )));
    assert!(edited.contains(&format!(
        "ssl_certificate_key {};",
        live.join("privkey.pem").display()
    )));
    s.nginx
        .eventually("http redirects", || s.nginx.get("a.test", "/").0 == 301);
    // The renewal file remembers how.
    let renewal = std::fs::read_to_string(s.cw.config_dir.join("renewal/a.test.toml")).unwrap();
    assert!(renewal.contains("nginx"), "{renewal}");

    // Renewal: the same, through the redirect, and nginx serves the new one.
    let first = std::fs::read(live.join("cert.pem")).unwrap();
    forget_authorizations(&s.cw);
    let started = std::time::Instant::now();
    let out = s.cw.run(&["renew", "--force-renewal", "--no-random-sleep"]);
    ok(&out);
    eprintln!(
        "renew --force-renewal took {} ms",
        started.elapsed().as_millis()
    );
    // The renewal file kept the wrapper. Renewing: the challenge, and an
    // install that finds nothing to change and only tests and reloads.
    assert_eq!(
        take_log(&log),
        [
            "-T -q",
            "-t -q",
            "-s reload",
            "-s reload",
            "-T -q",
            "-t -q",
            "-s reload"
        ]
    );
    let second = std::fs::read(live.join("cert.pem")).unwrap();
    assert_ne!(first, second);
    s.nginx
        .eventually("nginx serves the renewed certificate", || {
            s.served_is_live()
        });
    assert_eq!(
        std::fs::read_to_string(s.nginx.site("example")).unwrap(),
        edited,
        "renewal only reloads"
    );
    no_challenge_left(s.nginx.root());
}

#[test]
fn a_failing_nginx_t_at_install_leaves_the_config_byte_identical() {
    let s = setup();
    let before = s.nginx.snapshot();
    let tmp = tempfile::tempdir().unwrap();
    let ctl = failing_install_ctl(tmp.path(), s.nginx.root());
    let out = s.issue(&["--nginx-ctl", ctl.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("forced failure at install"), "{err}");
    assert_eq!(s.nginx.snapshot(), before);
    assert_eq!(
        s.nginx.get("a.test", "/"),
        (200, "a site\n".into()),
        "nginx still serves"
    );
    // The certificate was issued; `install` puts it in once nginx agrees.
    assert!(s.cw.live("a.test").join("fullchain.pem").exists());
    let root = s.nginx.root().display().to_string();
    let https = s.nginx.https_port.to_string();
    let http = s.nginx.http_port.to_string();
    // The renewal file kept the failing wrapper: the flag replaces it.
    let out = s.cw.run(&[
        "install",
        "--nginx",
        "--cert-name",
        "a.test",
        "--nginx-server-root",
        &root,
        "--https-port",
        &https,
        "--http-01-port",
        &http,
        "--nginx-ctl",
        "nginx",
    ]);
    ok(&out);
    s.nginx
        .eventually("nginx serves the certificate", || s.served_is_live());
}

#[test]
fn a_failed_validation_removes_the_challenge() {
    // Pebble validates on a port where nothing listens.
    let closed = crate::common::free_ports(1)[0];
    let s = setup_with(Some(closed));
    let before = s.nginx.snapshot();
    let out = s.issue(&[]);
    assert!(!out.status.success());
    assert_eq!(s.nginx.snapshot(), before);
    assert!(s.nginx.ctl(&["-t"]).status.success());
    let _ = &s.pebble;
}

#[test]
fn a_name_without_a_server_block_is_refused_before_the_ca() {
    let s = setup();
    let before = s.nginx.snapshot();
    let mut args: Vec<String> = vec!["issue".into(), "-d".into(), "missing.test".into()];
    args.extend(s.nginx_args());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = s.cw.run(&refs);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("missing.test")
            && err.contains("sites-enabled/example")
            && err.contains("--webroot"),
        "{err}"
    );
    assert_eq!(s.nginx.snapshot(), before);
}

#[test]
fn sigterm_during_validation_takes_the_challenge_back() {
    let s = setup();
    let before = s.nginx.snapshot();
    let tmp = tempfile::tempdir().unwrap();
    // A reload that does nothing: the self-check waits for nginx, which is
    // when the test interrupts the run.
    let ctl = tmp.path().join("nginx-no-reload");
    std::fs::write(
        &ctl,
        "#!/bin/sh\ncase \" $* \" in *\" reload \"*) exit 0;; esac\nexec nginx \"$@\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&ctl, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut args: Vec<String> = vec!["issue".into(), "-d".into(), "a.test".into()];
    args.extend(s.nginx_args());
    args.extend(["--nginx-ctl".to_string(), ctl.display().to_string()]);
    let mut child =
        s.cw.command()
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
    s.nginx
        .eventually("the challenge is in the configuration", || {
            std::fs::read_to_string(s.nginx.site("example"))
                .unwrap()
                .contains("acme-challenge")
        });
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15));
    assert_eq!(s.nginx.snapshot(), before);
}
