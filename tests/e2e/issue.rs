//! End-to-end: the real binary against a real Pebble.

use crate::common::*;
use openssl::nid::Nid;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;

fn issue(cw: &Certwright, pebble: &Pebble, extra: &[&str]) -> serde_json::Value {
    let mut args: Vec<String> = vec!["--json".into(), "issue".into()];
    args.extend(standalone_flags(pebble.http_port));
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    serde_json::from_str(&cw.ok(&refs)).unwrap()
}

#[test]
fn register_stores_a_private_key_and_is_idempotent() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    let first: serde_json::Value = serde_json::from_str(&cw.ok(&[
        "register",
        "--email",
        "admin@example.com",
        "--agree-tos",
        "--json",
    ]))
    .unwrap();
    assert_eq!(first["created"], true);
    let id = first["account"]["id"].as_str().unwrap();
    let dir = tmp
        .path()
        .join("accounts")
        .join(
            std::fs::read_dir(tmp.path().join("accounts"))
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .file_name(),
        )
        .join(id);
    assert_eq!(file_mode(&dir.join("account.key")), 0o600);
    assert_eq!(file_mode(&dir), 0o700);
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("account.json")).unwrap()).unwrap();
    assert!(
        record["url"]
            .as_str()
            .unwrap()
            .starts_with("https://127.0.0.1:")
    );
    assert_eq!(record["contact"][0], "mailto:admin@example.com");
    // The key is an EC P-256 key (ES256 is the default account algorithm).
    let key =
        openssl::pkey::PKey::private_key_from_pem(&std::fs::read(dir.join("account.key")).unwrap())
            .unwrap();
    assert_eq!(
        key.ec_key().unwrap().group().curve_name(),
        Some(Nid::X9_62_PRIME256V1)
    );

    let again: serde_json::Value = serde_json::from_str(&cw.ok(&[
        "register",
        "--email",
        "admin@example.com",
        "--agree-tos",
        "--json",
    ]))
    .unwrap();
    assert_eq!(again["created"], false);
    assert_eq!(again["account"]["url"], first["account"]["url"]);
}

#[test]
fn register_with_an_rsa_account_key_uses_rs256() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.ok(&[
        "register",
        "--register-unsafely-without-email",
        "--agree-tos",
        "--account-key-type",
        "rsa2048",
    ]);
    // Pebble verified the RS256 signature of newAccount; prove it by using
    // the account for a real order.
    issue(&cw, &pebble, &["-d", "rsa-account.example.test"]);
}

#[test]
fn register_requires_terms_agreement_and_a_contact() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    let out = cw.run(&["register", "--email", "admin@example.com"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--agree-tos"), "{}", stderr(&out));
    let out = cw.run(&["register", "--agree-tos"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--email"), "{}", stderr(&out));
}

#[test]
fn issue_standalone_single_name_ecdsa() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let result = issue(&cw, &pebble, &["-d", "single.example.test"]);
    assert_eq!(result["issued"], true);
    assert_eq!(result["version"], 1);

    let cert = InstalledCert::read(&cw.live("single.example.test"));
    assert_eq!(cert.sans(), vec!["single.example.test"]);
    assert!(cert.key_matches());
    assert_eq!(
        cert.key.ec_key().unwrap().group().curve_name(),
        Some(Nid::X9_62_PRIME256V1)
    );
    assert!(
        cert.verifies_to(&pebble.root_pem(0)),
        "chain does not verify to Pebble's root"
    );
    assert_eq!(
        file_mode(&cw.live("single.example.test").join("privkey.pem")),
        0o600
    );

    // Existing account, one name: directory, nonce, newOrder, authz,
    // challenge, order poll, finalize, order poll(s), download.
    let requests = result["requests"].as_u64().unwrap();
    assert!(
        (9..=11).contains(&requests),
        "{requests} requests for one name"
    );

    let renewal =
        std::fs::read_to_string(tmp.path().join("renewal/single.example.test.toml")).unwrap();
    let renewal: toml::Value = toml::from_str(&renewal).unwrap();
    assert_eq!(renewal["domains"].as_array().unwrap().len(), 1);
    assert_eq!(renewal["key_type"].as_str(), Some("ecdsa-p256"));
    assert_eq!(renewal["server"].as_str(), Some(pebble.directory.as_str()));
    assert_eq!(renewal["solver"]["kind"].as_str(), Some("standalone"));
    assert_eq!(
        renewal["solver"]["http_port"].as_integer(),
        Some(i64::from(pebble.http_port))
    );
}

#[test]
fn issue_ten_names_with_p384_key() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let names: Vec<String> = (0..10)
        .map(|i| format!("n{i}.multi.example.test"))
        .collect();
    let mut extra: Vec<&str> = vec!["--key-type", "ecdsa-p384", "--cert-name", "multi"];
    for n in &names {
        extra.push("-d");
        extra.push(n);
    }
    issue(&cw, &pebble, &extra);
    let cert = InstalledCert::read(&cw.live("multi"));
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(cert.sans(), expected);
    assert_eq!(
        cert.key.ec_key().unwrap().group().curve_name(),
        Some(Nid::SECP384R1)
    );
    assert!(cert.key_matches());
    assert!(cert.verifies_to(&pebble.root_pem(0)));
}

/// A minimal static file server for the webroot test, on Pebble's http-01
/// port, standing in for the user's nginx.
fn serve_dir(port: u16, root: PathBuf) -> std::thread::JoinHandle<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
            if path == "/__stop" {
                break;
            }
            let file = root.join(path.trim_start_matches('/'));
            let resp = match std::fs::read(&file) {
                Ok(body) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                Err(_) => {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_vec()
                }
            };
            let _ = stream.write_all(&resp);
        }
    })
}

fn stop_server(port: u16) {
    if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
        let _ = s.write_all(b"GET /__stop HTTP/1.1\r\n\r\n");
    }
}

#[test]
fn issue_webroot_rsa_and_cleans_up_tokens() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let webroot = tempfile::tempdir().unwrap();
    let server = serve_dir(pebble.http_port, webroot.path().to_path_buf());
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let webroot_arg = webroot.path().to_str().unwrap();
    cw.ok(&[
        "issue",
        "-d",
        "web.example.test",
        "-d",
        "www.web.example.test",
        "--webroot",
        "-w",
        webroot_arg,
        "--key-type",
        "rsa2048",
    ]);
    stop_server(pebble.http_port);
    server.join().unwrap();
    let cert = InstalledCert::read(&cw.live("web.example.test"));
    assert_eq!(
        cert.sans(),
        vec!["web.example.test", "www.web.example.test"]
    );
    assert_eq!(cert.key.rsa().unwrap().size() * 8, 2048);
    assert!(cert.key_matches());
    assert!(cert.verifies_to(&pebble.root_pem(0)));
    assert!(
        !webroot.path().join(".well-known").exists(),
        "challenge files and directories must be removed"
    );
    let renewal =
        std::fs::read_to_string(tmp.path().join("renewal/web.example.test.toml")).unwrap();
    assert!(renewal.contains("kind = \"webroot\""), "{renewal}");
    assert!(renewal.contains(webroot_arg), "{renewal}");
    assert!(renewal.contains("rsa2048"), "{renewal}");
}

#[test]
fn issue_for_an_ip_address() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    issue(&cw, &pebble, &["-d", "127.0.0.1"]);
    let cert = InstalledCert::read(&cw.live("127.0.0.1"));
    assert_eq!(cert.sans(), vec!["127.0.0.1"]);
}

#[test]
fn issue_registers_on_the_fly_then_keeps_a_valid_cert_until_forced() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    let first = issue(
        &cw,
        &pebble,
        &[
            "-d",
            "fly.example.test",
            "--email",
            "a@example.com",
            "--agree-tos",
        ],
    );
    assert_eq!(first["issued"], true);
    let again = issue(&cw, &pebble, &["-d", "fly.example.test"]);
    assert_eq!(again["issued"], false, "a valid certificate must be kept");
    let forced = issue(&cw, &pebble, &["-d", "fly.example.test", "--force-renewal"]);
    assert_eq!(forced["version"], 2);
    let live = std::fs::read_link(cw.live("fly.example.test")).unwrap();
    assert!(live.ends_with("2"), "live points at {}", live.display());
    assert!(
        tmp.path()
            .join("archive/fly.example.test/1/cert.pem")
            .exists(),
        "old version kept"
    );
}

#[test]
fn failed_validation_shows_the_problem_and_installs_nothing() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    // Listen on a port Pebble does not check: its validation gets refused.
    let wrong_port = free_ports(1)[0].to_string();
    let out = cw.run(&[
        "issue",
        "-d",
        "fail.example.test",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &wrong_port,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("validation of fail.example.test failed"),
        "{err}"
    );
    assert!(
        err.contains("urn:ietf:params:acme:error:"),
        "problem type shown: {err}"
    );
    assert!(!cw.live("fail.example.test").exists());
    assert!(!tmp.path().join("renewal/fail.example.test.toml").exists());
}

#[test]
fn bad_input_is_refused_before_contacting_the_ca() {
    // No CA at all: every case must fail on its own merits, exit code 2.
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright {
        config_dir: tmp.path().to_path_buf(),
        server: "https://127.0.0.1:1/dir".into(),
        ca_bundle: PathBuf::from("/nonexistent"),
    };
    let cases: &[(&[&str], &str)] = &[
        (
            &["issue", "-d", "bad_name.example.com", "--standalone"],
            "invalid domain name",
        ),
        (
            &["issue", "-d", "localhost", "--standalone"],
            "fully qualified",
        ),
        (&["issue", "-d", "*.example.com", "--standalone"], "dns-01"),
        (
            &["issue", "-d", "example.com"],
            "--standalone, or --webroot",
        ),
        (
            &[
                "issue",
                "-d",
                "example.com",
                "--webroot",
                "-w",
                "/nonexistent/www",
            ],
            "webroot",
        ),
        (
            &[
                "issue",
                "-d",
                "example.com",
                "--standalone",
                "--server",
                "http://ca.test/dir",
            ],
            "https://",
        ),
        (
            &[
                "issue",
                "-d",
                "example.com",
                "--standalone",
                "--cert-name",
                "../etc",
            ],
            "invalid certificate name",
        ),
    ];
    for (args, expect) in cases {
        let mut cmd = cw.command();
        cmd.env_remove("CERTWRIGHT_CA_BUNDLE");
        let out = cmd.args(*args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expect), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn busy_standalone_port_is_reported_before_the_ca_is_contacted() {
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(BIN)
        .args([
            "issue",
            "-d",
            "example.com",
            "--standalone",
            "--http-01-address",
            "127.0.0.1",
            "--http-01-port",
            &port,
        ])
        .args([
            "--server",
            "https://127.0.0.1:1/dir",
            "--config-dir",
            tmp.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("already in use"), "{err}");
    assert!(
        !err.contains("cannot reach"),
        "must fail before any request: {err}"
    );
}

#[test]
fn unreachable_server_and_untrusted_tls_get_hints() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    // Nothing listens on port 1.
    let out = std::process::Command::new(BIN)
        .args([
            "register",
            "--email",
            "a@example.com",
            "--agree-tos",
            "--server",
            "https://127.0.0.1:1/dir",
        ])
        .args(["--config-dir", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot reach https://127.0.0.1:1/dir"),
        "{}",
        stderr(&out)
    );
    // Pebble's TLS certificate without --ca-bundle.
    let out = std::process::Command::new(BIN)
        .args([
            "register",
            "--email",
            "a@example.com",
            "--agree-tos",
            "--server",
            &pebble.directory,
        ])
        .args(["--config-dir", tmp.path().to_str().unwrap()])
        .env_remove("CERTWRIGHT_CA_BUNDLE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--ca-bundle"), "{}", stderr(&out));
    // A bundle of system roots and another CA: Pebble's chain is checked
    // against the bundle after the handshake, and refused.
    let other = tempfile::tempdir().unwrap();
    let bundle = other.path().join("bundle.pem");
    let mut pem = std::fs::read("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    pem.extend(std::fs::read(TlsFixture::create(other.path()).ca_pem).unwrap());
    std::fs::write(&bundle, pem).unwrap();
    let out = std::process::Command::new(BIN)
        .args([
            "register",
            "--email",
            "a@example.com",
            "--agree-tos",
            "--server",
            &pebble.directory,
        ])
        .args(["--config-dir", tmp.path().to_str().unwrap()])
        .arg("--ca-bundle")
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("certificate verify failed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn issue_without_an_account_says_how_to_register() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    let mut args = vec![
        "issue".to_string(),
        "-d".into(),
        "noacct.example.test".into(),
    ];
    args.extend(standalone_flags(pebble.http_port));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cw.run(&refs);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("certwright register"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn global_options_work_after_the_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let out = std::process::Command::new(BIN)
        .args([
            "certificates",
            "--config-dir",
            store.to_str().unwrap(),
            "--json",
        ])
        .env_remove("CERTWRIGHT_CONFIG_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["certificates"], serde_json::json!([]));
    let out = std::process::Command::new(BIN)
        .args([
            "-q",
            "certificates",
            "--config-dir",
            store.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "--quiet prints nothing on success");
}
