//! Every exit status of docs/exit-codes.md, end to end in one place, with
//! the real binary against Pebble: 0 success (also "nothing due"), 1
//! failure, 2 usage or configuration error, 3 partial renew failure, 4 lock
//! held. (Other test files check these codes in their own settings; the
//! doc lists them.)

use crate::common::*;
use std::process::Output;

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

fn describe(out: &Output) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(out),
        stderr(out)
    )
}

/// Issues `name` with the standalone solver on Pebble's http-01 port.
fn issue(cw: &Certwright, pebble: &Pebble, name: &str) -> Output {
    let port = pebble.http_port.to_string();
    cw.run(&[
        "issue",
        "-d",
        name,
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
    ])
}

#[test]
fn exit_statuses_0_1_2_3_4() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(&tmp.path().join("config"), &pebble);

    // 0: success, and "nothing to do".
    let out = cw.run(&["register", "--email", "a@example.com", "--agree-tos"]);
    assert_eq!(code(&out), 0, "{}", describe(&out));
    for name in ["one.example.test", "two.example.test"] {
        let out = issue(&cw, &pebble, name);
        assert_eq!(code(&out), 0, "{}", describe(&out));
    }
    let out = issue(&cw, &pebble, "one.example.test");
    assert_eq!(code(&out), 0, "already installed: {}", describe(&out));
    let out = cw.run(&["renew", "--no-random-sleep"]);
    assert_eq!(code(&out), 0, "nothing due: {}", describe(&out));
    assert!(stdout(&out).contains("2 of 2 certificate(s) not due"));

    // 2: usage errors: clap's, certwright's own checks, the config file,
    // the environment. Nothing reaches the CA.
    for args in [
        vec!["issue", "--no-such-flag"],
        vec!["issue", "-d", "bad..name.test", "--standalone"],
        vec!["renew", "--cert-name", "three.example.test"],
        vec![
            "revoke",
            "--cert-name",
            "one.example.test",
            "--reason",
            "whim",
        ],
    ] {
        let out = cw.run(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", describe(&out));
    }
    std::fs::write(cw.config_dir.join("config.toml"), "order_timeout = -1\n").unwrap();
    let out = cw.run(&["certificates"]);
    assert_eq!(code(&out), 2, "malformed config: {}", describe(&out));
    std::fs::remove_file(cw.config_dir.join("config.toml")).unwrap();
    let out = cw
        .command()
        .env("CERTWRIGHT_LOCK_WAIT", "soon")
        .arg("certificates")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "bad environment: {}", describe(&out));

    // 1: failure: the CA cannot be reached.
    let out = cw.run(&[
        "register",
        "--email",
        "a@example.com",
        "--agree-tos",
        "--server",
        "https://127.0.0.1:1/dir",
    ]);
    assert_eq!(code(&out), 1, "{}", describe(&out));

    // 3: one renewal fails (its webroot is gone), the other succeeds.
    let renewal = cw.config_dir.join("renewal/two.example.test.toml");
    let text = std::fs::read_to_string(&renewal).unwrap();
    let mut table: toml::Table = toml::from_str(&text).unwrap();
    table["solver"] = toml::Value::Table(
        toml::from_str("kind = \"webroot\"\nwebroot = \"/nonexistent/webroot\"\n").unwrap(),
    );
    std::fs::write(&renewal, toml::to_string(&table).unwrap()).unwrap();
    let out = cw.run(&["renew", "--no-random-sleep", "--force-renewal", "--json"]);
    assert_eq!(code(&out), 3, "{}", describe(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (doc["renewed"].as_u64(), doc["failed"].as_u64()),
        (Some(1), Some(1))
    );
    // 1: every attempted renewal fails.
    let out = cw.run(&[
        "renew",
        "--no-random-sleep",
        "--force-renewal",
        "--cert-name",
        "two.example.test",
    ]);
    assert_eq!(code(&out), 1, "{}", describe(&out));

    // 4: another run holds the lock; lock_wait from the config file.
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(cw.config_dir.join(".lock"))
        .unwrap();
    lock.lock().unwrap();
    std::fs::write(cw.config_dir.join("config.toml"), "lock_wait = 0\n").unwrap();
    let started = std::time::Instant::now();
    let out = cw.run(&["renew", "--no-random-sleep"]);
    assert_eq!(code(&out), 4, "{}", describe(&out));
    assert!(stderr(&out).contains("another certwright run holds the lock"));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "lock_wait = 0 from the config file should not wait the default 5 s"
    );
    let out = cw.run(&["issue", "-d", "one.example.test", "--standalone"]);
    assert_eq!(
        code(&out),
        4,
        "issue waits for the lock too: {}",
        describe(&out)
    );
    drop(lock);
    let out = cw.run(&[
        "renew",
        "--no-random-sleep",
        "--cert-name",
        "one.example.test",
    ]);
    assert_eq!(code(&out), 0, "lock released: {}", describe(&out));
}
