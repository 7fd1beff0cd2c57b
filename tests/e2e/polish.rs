//! What the person at the terminal and the one reading cron mail see:
//! errors said once and precisely, hints for certbot habits, the run log,
//! silent moments that are no longer silent, prompts on a terminal. Each
//! test runs the real binary.

use crate::common::fault_server::{FaultServer, Script};
use crate::common::*;
use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// An HTTPS server that is not an ACME server: every request gets a
/// plain-text 404, as a web server at a mistyped path would answer. It
/// counts the TCP connections it accepted.
struct PlainHttps {
    url: String,
    tls: TlsFixture,
    connections: Arc<AtomicUsize>,
    _dir: tempfile::TempDir,
}

impl PlainHttps {
    fn start() -> PlainHttps {
        let dir = tempfile::tempdir().unwrap();
        let tls = TlsFixture::create(dir.path());
        let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
        acceptor
            .set_private_key_file(&tls.key_pem, SslFiletype::PEM)
            .unwrap();
        acceptor.set_certificate_chain_file(&tls.cert_pem).unwrap();
        let acceptor = Arc::new(acceptor.build());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "https://127.0.0.1:{}",
            listener.local_addr().unwrap().port()
        );
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        // The thread ends with the test process.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let acceptor = Arc::clone(&acceptor);
                std::thread::spawn(move || {
                    let Ok(mut tls) = acceptor.accept(stream) else {
                        return;
                    };
                    let mut buf = [0u8; 4096];
                    let _ = tls.read(&mut buf);
                    let body = "404 page not found\n";
                    let _ = write!(
                        tls,
                        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                });
            }
        });
        PlainHttps {
            url,
            tls,
            connections,
            _dir: dir,
        }
    }
}

/// The binary with this config dir, server and CA bundle (created empty
/// when missing: only its existence is checked before the CA is reached).
fn runner(config_dir: &Path, server: &str, ca_bundle: &Path) -> Certwright {
    if !ca_bundle.exists() {
        std::fs::write(ca_bundle, "").unwrap();
    }
    Certwright {
        config_dir: config_dir.to_path_buf(),
        server: server.to_string(),
        ca_bundle: ca_bundle.to_path_buf(),
    }
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

const REGISTER: &[&str] = &[
    "register",
    "--agree-tos",
    "--register-unsafely-without-email",
];

#[test]
fn a_server_that_is_down_is_reported_once() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_ports(1)[0];
    let cw = runner(
        tmp.path(),
        &format!("https://127.0.0.1:{port}/dir"),
        &tmp.path().join("none.pem"),
    );
    let mut cmd = cw.command();
    cmd.env_remove("CERTWRIGHT_CA_BUNDLE");
    let out = cmd.args(REGISTER).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(count(&err, "Connection refused"), 1, "{err}");
    assert_eq!(count(&err, "hint:"), 1, "{err}");
}

#[test]
fn a_tls_verification_failure_is_reported_once_and_not_retried() {
    let server = PlainHttps::start();
    let other = tempfile::tempdir().unwrap();
    let wrong_ca = TlsFixture::create(other.path());
    let cw = runner(
        other.path(),
        &format!("{}/dir", server.url),
        &wrong_ca.ca_pem,
    );
    let started = Instant::now();
    let out = cw.run(REGISTER);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(count(&err, "certificate verify failed"), 1, "{err}");
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        1,
        "a certificate that failed verification fails again: no retry\n{err}"
    );
    // No backoff sleep either (a retry would sleep about a second).
    assert!(started.elapsed() < Duration::from_secs(5), "{err}");
}

#[test]
fn a_url_that_is_not_an_acme_directory_says_so() {
    let server = PlainHttps::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = runner(
        tmp.path(),
        &format!("{}/acme/nothere", server.url),
        &server.tls.ca_pem,
    );
    let out = cw.run(REGISTER);
    assert_eq!(out.status.code(), Some(2), "a setting to fix");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "this is not an ACME directory: {}/acme/nothere (HTTP 404)",
            server.url
        )),
        "{err}"
    );
    assert!(err.contains("check --server"), "{err}");
    assert!(!err.contains("about:blank"), "{err}");
}

#[test]
fn certbot_habits_get_a_pointer() {
    let tmp = tempfile::tempdir().unwrap();
    let cw = runner(tmp.path(), "https://127.0.0.1:1/dir", &tmp.path().join("x"));
    let cases: &[(&[&str], &str)] = &[
        (
            &["certonly", "-d", "a.example.test"],
            "did you mean `certwright issue`?",
        ),
        (
            &["issue", "-d", "a.example.test", "-w", "/tmp"],
            "-w/--webroot-path goes with --webroot",
        ),
        (
            &["issue", "-d", "https://a.example.test/", "--standalone"],
            "give the host name only: -d a.example.test",
        ),
    ];
    for (args, hint) in cases {
        let out = cw.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(hint), "{args:?}: {err}");
    }
}

#[test]
fn an_unknown_installer_flag_points_to_the_ways_certwright_answers_challenges() {
    let tmp = tempfile::tempdir().unwrap();
    let cw = runner(tmp.path(), "https://127.0.0.1:1/dir", &tmp.path().join("x"));
    // Only while certwright has no --apache: certbot users type it.
    let out = cw.run(&["issue", "-d", "a.example.test", "--apache"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("certwright issue --help"), "{err}");
    assert!(err.contains("--webroot"), "{err}");
}

#[test]
fn error_usage_lines_do_not_list_flags_from_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let cw = runner(
        tmp.path(),
        "https://127.0.0.1:1/dir",
        &tmp.path().join("ca.pem"),
    );
    let refused: &[&[&str]] = &[
        &[
            "issue",
            "-d",
            "a.example.test",
            "--standalone",
            "--webroot",
            "-w",
            "/tmp",
        ],
        &["persist-record"],
        &["install", "--nginx"],
        &["revoke"],
    ];
    for args in refused {
        let out = cw.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        let usage = err.lines().find(|l| l.starts_with("Usage:")).unwrap_or("");
        assert!(!usage.is_empty(), "{args:?}: {err}");
        for from_env in ["--server", "--ca-bundle", "--config-dir"] {
            assert!(!usage.contains(from_env), "{args:?}: {usage}");
        }
    }
}

/// The log of the last run, and the names in logs/.
fn logs(config_dir: &Path) -> (String, Vec<String>) {
    let dir = config_dir.join("logs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    (
        std::fs::read_to_string(dir.join("certwright.log")).unwrap(),
        names,
    )
}

#[test]
fn every_run_writes_a_private_log_even_with_quiet_and_errors_point_to_it() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let port = free_ports(1)[0].to_string();
    let eab_key = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    let out = cw.run(&[
        "-q",
        "issue",
        "-d",
        "log.example.test",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--email",
        "admin@example.com",
        "--agree-tos",
        "--eab-kid",
        "kid-1",
        "--eab-hmac-key",
        eab_key,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "-q prints nothing");
    let (log, _) = logs(tmp.path());
    let dir = tmp.path().join("logs");
    assert_eq!(file_mode(&dir), 0o700);
    assert_eq!(file_mode(&dir.join("certwright.log")), 0o600);
    // The -v detail: the run's command line, every request, the result.
    assert!(log.contains("issue -d log.example.test"), "{log}");
    assert!(
        log.contains(&format!("GET {} -> 200", server.directory)),
        "{log}"
    );
    assert!(
        log.contains("Certificate for log.example.test issued"),
        "{log}"
    );
    // Nothing secret: not the EAB key, no private key in any form.
    assert!(!log.contains(eab_key), "{log}");
    assert!(!log.contains("PRIVATE KEY"), "{log}");
    for key_file in [tmp.path().join("live/log.example.test/privkey.pem")] {
        let pem = std::fs::read(&key_file).unwrap();
        let key = openssl::pkey::PKey::private_key_from_pem(&pem).unwrap();
        for form in secret_forms(&key, &pem) {
            assert!(
                !log.contains(&form),
                "the log holds part of {}",
                key_file.display()
            );
        }
    }

    // A failure: the error, on the terminal even with -q, ends with where
    // the detail is.
    let out = cw.run(&["-q", "renew", "--cert-name", "nosuch.example.test"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let log_path = tmp.path().join("logs/certwright.log");
    assert!(
        err.trim_end()
            .ends_with(&format!("details: {}", log_path.display())),
        "{err}"
    );
    let (log, _) = logs(tmp.path());
    assert!(log.contains("nosuch.example.test"), "{log}");
}

#[test]
fn logs_rotate_by_run_and_keep_five_earlier_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let cw = runner(tmp.path(), "https://127.0.0.1:1/dir", &tmp.path().join("x"));
    for _ in 0..8 {
        cw.ok(&["certificates"]);
    }
    let (_, names) = logs(tmp.path());
    assert_eq!(
        names,
        [
            "certwright.log",
            "certwright.log.1",
            "certwright.log.2",
            "certwright.log.3",
            "certwright.log.4",
            "certwright.log.5"
        ]
    );
}

#[test]
fn the_dns_check_fails_fast_when_the_resolver_does_not_answer() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    let hook = tmp.path().join("hook.sh");
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    // A UDP port nobody listens on: the kernel answers "port unreachable".
    let dead = free_ports(1)[0];
    let started = Instant::now();
    let out = cw.run(&[
        "issue",
        "-d",
        "dns.example.test",
        "--dns-hook",
        hook.to_str().unwrap(),
        "--propagation-timeout",
        "120",
        "--dns-resolver",
        &format!("127.0.0.1:{dead}"),
        "--email",
        "admin@example.com",
        "--agree-tos",
    ]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(took < Duration::from_secs(40), "took {took:?}: {err}");
    assert!(err.contains(&format!("127.0.0.1:{dead}")), "{err}");
    assert!(!err.contains("raise --propagation-timeout"), "{err}");
    assert!(err.contains("The CA was not asked to validate"), "{err}");
}

#[test]
fn renew_dry_run_does_not_promise_a_next_attempt() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let port = free_ports(1)[0].to_string();
    cw.ok(&[
        "issue",
        "-d",
        "dry.example.test",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--email",
        "admin@example.com",
        "--agree-tos",
    ]);
    // The fault server has no staging directory: the dry run fails.
    let out = cw.run(&["renew", "--dry-run", "--no-random-sleep"]);
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("dry run failed"), "{all}");
    assert!(!all.contains("next attempt"), "{all}");
}

#[test]
fn a_wait_for_the_lock_is_announced() {
    let tmp = tempfile::tempdir().unwrap();
    let cw = runner(tmp.path(), "https://127.0.0.1:1/dir", &tmp.path().join("x"));
    cw.ok(&["certificates"]);
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(tmp.path().join(".lock"))
        .unwrap();
    lock.lock().unwrap();
    let child = cw
        .command()
        .args([
            "--lock-wait",
            "3",
            "import-certbot",
            "--certbot-dir",
            "/nonexistent",
        ])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    drop(lock);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(
        count(&err, "waiting for another certwright run"),
        1,
        "{err}"
    );
}

// ------------------------------------------------------------------ help ----

fn help(args: &[&str]) -> String {
    let out = std::process::Command::new(BIN).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// Other helpers add flags too: this fails for any flag of issue or renew
/// (theirs included) that was given no heading, and so would land in a
/// catch-all "Options" list.
#[test]
fn every_flag_of_issue_and_renew_has_a_task_heading() {
    use certwright::cli::heading;
    let mut cmd = certwright::cli::command();
    cmd.build();
    for name in ["issue", "renew"] {
        let sub = cmd.find_subcommand(name).unwrap();
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let h = arg.get_help_heading();
            assert!(
                h.is_some_and(|h| heading::ORDER.contains(&h)),
                "{name} --{}: heading {h:?} is not one of {:?}",
                arg.get_long().unwrap_or_else(|| arg.get_id().as_str()),
                heading::ORDER
            );
        }
        // On screen, in the order of the task list.
        let text = help(&[name, "--help"]);
        let shown: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_suffix(':'))
            .filter(|l| heading::ORDER.contains(l))
            .collect();
        let mut sorted = shown.clone();
        sorted.sort_by_key(|h| heading::ORDER.iter().position(|o| o == h));
        assert_eq!(shown, sorted, "{name}");
        assert!(shown.len() >= 5, "{name}: {shown:?}");
        assert!(
            !text.contains("\nOptions:"),
            "{name}: a flag without heading\n{text}"
        );
    }
}

#[test]
fn short_help_is_a_summary_of_the_long_one() {
    for name in ["issue", "renew"] {
        let short = help(&[name, "-h"]);
        let long = help(&[name, "--help"]);
        assert!(
            short.lines().count() * 2 < long.lines().count(),
            "{name}: -h {} lines, --help {}",
            short.lines().count(),
            long.lines().count()
        );
        // Details (variables, value lists) are for --help.
        assert!(!short.contains("[env:"), "{short}");
        assert!(long.contains("[env: CERTWRIGHT_"), "{long}");
    }
    let usage = help(&["issue", "-h"]);
    assert!(
        usage.contains("Usage: certwright issue -d NAME...")
            && usage.contains("certwright issue --csr FILE --key-path FILE"),
        "the usage line says what is required:\n{usage}"
    );
}

#[test]
fn man_pages_have_exit_status_environment_files_and_examples() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/man");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let page = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for section in ["EXIT STATUS", "FILES"] {
            assert!(
                page.contains(&format!(".SH \"{section}\"")),
                "{name}: {section}"
            );
        }
        if ["certwright.1", "certwright-issue.1", "certwright-renew.1"].contains(&name.as_str()) {
            for section in ["ENVIRONMENT", "EXAMPLES"] {
                assert!(
                    page.contains(&format!(".SH \"{section}\"")),
                    "{name}: {section}"
                );
            }
        }
        assert!(
            !page.contains(".SH EXTRA"),
            "{name}: examples belong in EXAMPLES"
        );
        assert!(!page.contains("help(1)"), "{name}: there is no help page");
        assert!(
            !page.contains("docs/"),
            "{name}: no source tree on an installed system"
        );
    }
}

// ------------------------------------------------------------ completion ----

#[test]
fn bash_completion_offers_lineage_names_and_account_ids() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let port = free_ports(1)[0].to_string();
    cw.ok(&[
        "issue",
        "-d",
        "complete.example.test",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--email",
        "admin@example.com",
        "--agree-tos",
    ]);
    let account = std::fs::read_dir(
        std::fs::read_dir(tmp.path().join("accounts"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    )
    .unwrap()
    .next()
    .unwrap()
    .unwrap()
    .file_name()
    .to_string_lossy()
    .into_owned();
    let script =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions/certwright.bash");
    let bin_dir = Path::new(BIN).parent().unwrap();
    // What bash does on TAB: the words so far, then the completion function.
    let complete = |words: &str| -> String {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source {script}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
                 _clap_complete_certwright certwright \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
                 printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                script = script.display()
            ))
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .env("CERTWRIGHT_CONFIG_DIR", tmp.path())
            .output()
            .unwrap();
        stdout(&out)
    };
    let names = complete("certwright renew --cert-name ''");
    assert_eq!(names.trim(), "complete.example.test", "{names}");
    let names = complete("certwright revoke --cert-name comp");
    assert_eq!(names.trim(), "complete.example.test", "{names}");
    let ids = complete("certwright issue --account ''");
    assert!(ids.contains(&account), "{ids}");
    let flags = complete("certwright issue --dns-");
    assert!(
        flags.contains("--dns-hook") && flags.contains("--dns-resolver"),
        "{flags}"
    );
}

// ------------------------------------------------------------- terminal ----

/// certwright on a terminal (script(1)); returns everything it drew.
fn on_terminal(cw: &Certwright, command_line: &str, input: &str) -> (Option<i32>, String) {
    let mut child = std::process::Command::new("script")
        .args(["-qec", command_line, "/dev/null"])
        .env("CERTWRIGHT_CONFIG_DIR", &cw.config_dir)
        .env("CERTWRIGHT_SERVER", &cw.server)
        .env("CERTWRIGHT_CA_BUNDLE", &cw.ca_bundle)
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    // Typed after the prompt had time to appear; the pty keeps it anyway.
    let typist = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        let _ = stdin.write_all(input.as_bytes());
        std::thread::sleep(Duration::from_secs(20));
        drop(stdin);
    });
    let out = child.wait_with_output().unwrap();
    drop(typist);
    (out.status.code(), stdout(&out))
}

#[test]
fn register_on_a_terminal_asks_for_the_email_address() {
    let server = FaultServer::start(Script::new());
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    let (code, screen) = on_terminal(
        &cw,
        &format!("{BIN} register --agree-tos"),
        "not-an-address\nadmin@example.com\n",
    );
    assert_eq!(code, Some(0), "{screen}");
    assert!(
        screen.contains("Email address for the CA's notices"),
        "{screen}"
    );
    assert!(
        screen.contains("invalid email address \"not-an-address\"; try again"),
        "{screen}"
    );
    let account = certwright::store::Store::new(tmp.path())
        .all_accounts()
        .unwrap();
    assert_eq!(account.len(), 1);
    assert_eq!(account[0].1.contact, ["mailto:admin@example.com"]);
}

#[test]
fn ctrl_c_clears_the_progress_line() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    // The hook's parent is certwright: it presses Ctrl-C for the person.
    let hook = tmp.path().join("hook.sh");
    std::fs::write(&hook, "#!/bin/sh\nsleep 0.5\nkill -INT $PPID\nsleep 10\n").unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, screen) = on_terminal(
        &cw,
        &format!(
            "{BIN} issue -d ctrlc.example.test --dns-hook {} --propagation-timeout 30 --dns-resolver 127.0.0.1:{}",
            hook.display(),
            pebble.dns_port
        ),
        "",
    );
    assert_eq!(code, Some(130), "{screen:?}");
    let drawn = screen
        .rfind("running the dns-01 auth hook")
        .unwrap_or_else(|| panic!("no spinner drawn: {screen:?}"));
    assert!(
        screen[drawn..].contains("\r\x1b[2K"),
        "the last progress line was left standing: {:?}",
        &screen[drawn..]
    );
}

// ------------------------------------------------------------------ docs ----

/// Every flag of every command is explained somewhere in README.md or
/// docs/ (as `--long` or `-s`): a flag added to the binary without a word
/// in the docs fails here.
#[test]
fn every_flag_is_documented() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut docs = std::fs::read_to_string(root.join("README.md")).unwrap();
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let mut cmd = certwright::cli::command();
    cmd.build();
    let mut missing = Vec::new();
    let mut check = |path: String, sub: &clap::Command| {
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let long = arg.get_long().map(|l| format!("--{l}"));
            let short = arg.get_short().map(|s| format!("-{s}"));
            let found = long.iter().any(|l| {
                docs.match_indices(l.as_str()).any(|(i, _)| {
                    !docs[i + l.len()..]
                        .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
                })
            }) || short.iter().any(|s| {
                [" ", "`", "=", ","]
                    .iter()
                    .any(|end| docs.contains(&format!("{s}{end}")))
            });
            if !found {
                missing.push(format!("{path} {}", long.or(short).unwrap_or_default()));
            }
        }
    };
    check("certwright".into(), &cmd);
    for sub in cmd.get_subcommands() {
        check(format!("certwright {}", sub.get_name()), sub);
        for subsub in sub.get_subcommands() {
            check(
                format!("certwright {} {}", sub.get_name(), subsub.get_name()),
                subsub,
            );
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "flags no doc mentions: {missing:#?}");
}

/// docs/dns.md: renew shows the propagation check and hook warnings as
/// issue does; `certificates` names the renewal basis as the JSON does.
#[test]
fn renew_shows_dns_progress_and_hook_warnings_like_issue() {
    // A reused authorization would skip the challenge this test watches.
    let pebble = Pebble::start_with(PebbleOptions {
        env: vec![("PEBBLE_AUTHZREUSE", "0".into())],
        ..Default::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let port = pebble
        .challtestsrv
        .rsplit(':')
        .next()
        .expect("challtestsrv URL has a port");
    let hook = tmp.path().join("auth.sh");
    std::fs::write(
        &hook,
        format!(
            r#"#!/bin/bash
set -eu
body="{{\"host\":\"_acme-challenge.$CERTBOT_DOMAIN.\",\"value\":\"$CERTBOT_VALIDATION\"}}"
exec 3<>/dev/tcp/127.0.0.1/{port}
printf 'POST /set-txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "${{#body}}" "$body" >&3
IFS= read -r status <&3
exec 3<&-
echo "provider says: record queued" >&2
"#
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let resolver = format!("127.0.0.1:{}", pebble.dns_port);
    let issued = cw.run(&[
        "-v",
        "issue",
        "-d",
        "renewdns.example.test",
        "--dns-hook",
        hook.to_str().unwrap(),
        "--propagation-timeout",
        "30",
        "--dns-resolver",
        &resolver,
    ]);
    assert!(issued.status.success(), "{}", stderr(&issued));
    forget_authorizations(&cw);
    let renewed = cw.run(&["-v", "renew", "--force-renewal", "--no-random-sleep"]);
    assert!(renewed.status.success(), "{}", stderr(&renewed));
    for out in [&issued, &renewed] {
        let err = stderr(out);
        assert!(
            err.contains("checking that 1 TXT record(s) are visible"),
            "{err}"
        );
        assert!(err.contains("warning: the dns-01 auth hook for renewdns.example.test wrote to stderr: provider says: record queued"), "{err}");
    }
    let human = cw.ok(&["certificates"]);
    assert!(human.contains("(renew_before: "), "{human}");
    let json: serde_json::Value =
        serde_json::from_str(&cw.ok(&["--json", "certificates"])).unwrap();
    assert_eq!(json["certificates"][0]["renewal"]["basis"], "renew_before");
}

/// `certwright certificates | head -0`: the reader is gone before the
/// output is written. The run ends quietly with success (before: a panic
/// on the failed print, and with the release build's panic = abort, a
/// core dump).
#[test]
fn a_reader_that_went_away_ends_the_run_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let cw = runner(
        tmp.path(),
        "https://127.0.0.1:9/dir",
        &tmp.path().join("ca.pem"),
    );
    for args in [&["certificates"][..], &["--json", "certificates"]] {
        let mut child = cw
            .command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{args:?}: {}\n{err}", out.status);
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn version_works_after_a_subcommand_too() {
    let tmp = tempfile::tempdir().unwrap();
    let cw = runner(
        tmp.path(),
        "https://127.0.0.1:9/dir",
        &tmp.path().join("ca.pem"),
    );
    for args in [
        &["--version"][..],
        &["renew", "--version"],
        &["issue", "-V"],
    ] {
        let out = cw.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        // clap names the subcommand: "certwright-renew 0.1.0".
        let shown = stdout(&out);
        assert!(shown.starts_with("certwright"), "{shown}");
        assert!(
            shown
                .trim_end()
                .ends_with(concat!(" ", env!("CARGO_PKG_VERSION"))),
            "{shown}"
        );
    }
}

/// A failed run with --json says where its log is, as stderr does for
/// people.
#[test]
fn a_json_error_points_to_the_run_log() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_ports(1)[0];
    let cw = runner(
        tmp.path(),
        &format!("https://127.0.0.1:{port}/dir"),
        &tmp.path().join("ca.pem"),
    );
    let mut args = vec!["--json"];
    args.extend_from_slice(REGISTER);
    let out = cw.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], false, "{doc:#}");
    let log = doc["log"].as_str().unwrap_or_else(|| panic!("{doc:#}"));
    assert!(log.ends_with("logs/certwright.log"), "{log}");
    assert!(std::path::Path::new(log).exists(), "{log}");
}
