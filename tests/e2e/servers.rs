//! Interop against ACME servers other than Pebble, each in a network
//! namespace of its own (port 80 and the resolver are the test's):
//! Caddy's `acme_server` (smallstep) and acme2certifier. Each server gets
//! the whole life of a certificate (register, issue with 1 and 3 names,
//! ECDSA and RSA, standalone, webroot, tls-alpn-01, dns-01 hooks, forced renewal,
//! revocation by account key and by certificate key) and a validation the
//! CA rejects, which must end within seconds with the CA's own words.
//! docs/servers.md describes what each server does differently.

use crate::common;
use crate::common::InstalledCert;
use crate::common::acme2certifier::Acme2certifier;
use crate::common::caddy::Caddy;
use crate::common::netns::{Netns, NsCertwright};
use std::path::Path;
use std::time::{Duration, Instant};

/// What a server does differently, as far as the tests assert it.
struct Server<'a> {
    ns: &'a mut Netns,
    directory: String,
    /// Trust for the server's own TLS.
    api_ca: std::path::PathBuf,
    /// The root the issued chains verify to.
    root_pem: Vec<u8>,
    /// Whether it accepts a revocation signed with the certificate's key.
    revokes_with_certificate_key: bool,
    /// What its answer to a wrong key authorization says.
    rejection: &'a str,
}

fn certwright<'a>(ns: &'a Netns, directory: &str, api_ca: &Path) -> NsCertwright<'a> {
    NsCertwright {
        ns,
        config_dir: ns.dir.path().join("certwright"),
        server: directory.to_string(),
        ca_bundle: api_ca.to_path_buf(),
    }
}

fn check_installed(
    cw: &NsCertwright<'_>,
    name: &str,
    names: &[&str],
    root_pem: &[u8],
) -> InstalledCert {
    let cert = InstalledCert::read(&cw.live(name));
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(cert.sans(), want);
    assert!(cert.key_matches(), "the key matches the certificate");
    assert!(
        cert.verifies_to(root_pem),
        "the chain verifies to the CA's root"
    );
    cert
}

fn lifecycle(server: Server<'_>) {
    let Server {
        ns,
        directory,
        api_ca,
        root_pem,
        revokes_with_certificate_key,
        ..
    } = server;
    let webroot = ns.dir.path().join("webroot");
    std::fs::create_dir(&webroot).unwrap();
    ns.serve_webroot(&webroot);
    let (auth, cleanup) = ns.dns_hooks();
    let cw = certwright(ns, &directory, &api_ca);
    cw.ok(&["register", "--email", "admin@example.com", "--agree-tos"]);

    // Three names, RSA, through a running web server's document root.
    cw.ok(&[
        "issue",
        "-d",
        "three.example.com",
        "-d",
        "www.three.example.com",
        "-d",
        "api.three.example.com",
        "--webroot",
        "-w",
        webroot.to_str().unwrap(),
        "--key-type",
        "rsa2048",
    ]);
    let three = check_installed(
        &cw,
        "three.example.com",
        &[
            "three.example.com",
            "www.three.example.com",
            "api.three.example.com",
        ],
        &root_pem,
    );
    assert_eq!(three.key.id(), openssl::pkey::Id::RSA);

    // dns-01 through certbot-style hooks, ECDSA.
    cw.ok(&[
        "issue",
        "-d",
        "dns.example.com",
        "--dns-hook",
        auth.to_str().unwrap(),
        "--dns-cleanup-hook",
        cleanup.to_str().unwrap(),
        "--key-type",
        "ecdsa-p384",
    ]);
    check_installed(&cw, "dns.example.com", &["dns.example.com"], &root_pem);

    // The standalone server needs port 80 to itself.
    drop(cw);
    ns.stop("webroot-server");
    let cw = certwright(ns, &directory, &api_ca);
    cw.ok(&["issue", "-d", "one.example.com", "--standalone"]);
    let first = check_installed(&cw, "one.example.com", &["one.example.com"], &root_pem);
    assert_eq!(first.key.id(), openssl::pkey::Id::EC);

    // tls-alpn-01 (RFC 8737): the CA's handshake on port 443.
    cw.ok(&[
        "issue",
        "-d",
        "alpn.example.com",
        "--standalone",
        "--preferred-challenges",
        "tls-alpn-01",
    ]);
    check_installed(&cw, "alpn.example.com", &["alpn.example.com"], &root_pem);

    cw.ok(&[
        "renew",
        "--cert-name",
        "one.example.com",
        "--force-renewal",
        "--no-random-sleep",
    ]);
    let renewed = check_installed(&cw, "one.example.com", &["one.example.com"], &root_pem);
    assert_ne!(
        renewed.leaf.serial_number().to_bn().unwrap(),
        first.leaf.serial_number().to_bn().unwrap(),
        "a forced renewal installs a new certificate"
    );

    cw.ok(&[
        "revoke",
        "--cert-name",
        "three.example.com",
        "--reason",
        "superseded",
    ]);

    let live = cw.live("dns.example.com");
    let by_key = cw.run(&[
        "revoke",
        "--cert-path",
        live.join("cert.pem").to_str().unwrap(),
        "--key-path",
        live.join("privkey.pem").to_str().unwrap(),
    ]);
    if revokes_with_certificate_key {
        assert!(
            by_key.status.success(),
            "revoke with the certificate key:\n{}",
            common::stderr(&by_key)
        );
    } else {
        assert_eq!(by_key.status.code(), Some(1), "{}", common::stderr(&by_key));
        assert!(
            common::stderr(&by_key).contains("urn:ietf:params:acme:error:"),
            "the CA's refusal is shown: {}",
            common::stderr(&by_key)
        );
    }
}

/// The CA fetches a key authorization for another account: a real
/// rejection, which must be reported within seconds, not after the order
/// timeout, with what the CA said.
fn rejected_validation(server: Server<'_>) {
    let Server {
        ns,
        directory,
        api_ca,
        rejection,
        ..
    } = server;
    ns.serve_wrong_key_authorization();
    let webroot = ns.dir.path().join("unserved");
    std::fs::create_dir(&webroot).unwrap();
    let cw = certwright(ns, &directory, &api_ca);
    cw.ok(&["register", "--email", "admin@example.com", "--agree-tos"]);
    let started = Instant::now();
    let out = cw.run(&[
        "issue",
        "-d",
        "bad.example.com",
        "--webroot",
        "-w",
        webroot.to_str().unwrap(),
        "--order-timeout",
        "120",
    ]);
    let took = started.elapsed();
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        took < Duration::from_secs(30),
        "reported after {took:?}:\n{err}"
    );
    assert!(
        err.contains("bad.example.com"),
        "names the identifier:\n{err}"
    );
    assert!(
        err.contains(rejection),
        "shows the CA's problem ({rejection}):\n{err}"
    );
    assert!(
        err.contains("troubleshooting"),
        "points at the troubleshooting guide:\n{err}"
    );
    assert!(!cw.live("bad.example.com").exists());
    eprintln!("reported after {took:?}:\n{err}");
}

fn caddy_server(caddy: &mut Caddy) -> Server<'_> {
    let root_pem = std::fs::read(&caddy.root).unwrap();
    Server {
        directory: caddy.directory.clone(),
        api_ca: caddy.root.clone(),
        root_pem,
        revokes_with_certificate_key: true,
        rejection: "urn:ietf:params:acme:error:rejectedIdentifier",
        ns: &mut caddy.ns,
    }
}

fn acme2certifier_server(a2c: &mut Acme2certifier) -> Server<'_> {
    Server {
        directory: a2c.directory.clone(),
        api_ca: a2c.tls_ca.clone(),
        root_pem: std::fs::read(&a2c.issuing_ca).unwrap(),
        revokes_with_certificate_key: false,
        // It marks the challenge invalid without an error document.
        rejection: "invalid",
        ns: &mut a2c.ns,
    }
}

#[test]
fn caddy_acme_server_lifecycle() {
    let mut caddy = Caddy::start();
    lifecycle(caddy_server(&mut caddy));
}

#[test]
fn caddy_acme_server_rejected_validation_is_reported_at_once() {
    let mut caddy = Caddy::start();
    rejected_validation(caddy_server(&mut caddy));
}

/// smallstep keeps a challenge it could not connect for `pending`, with the
/// error, until the client submits it again: certwright does so twice,
/// then reports the CA's problem instead of waiting out the order timeout.
#[test]
fn caddy_acme_server_unreachable_challenge_is_retried_then_reported() {
    let caddy = Caddy::start();
    let webroot = caddy.ns.dir.path().join("unserved");
    std::fs::create_dir(&webroot).unwrap();
    let cw = certwright(&caddy.ns, &caddy.directory, &caddy.root);
    cw.ok(&["register", "--email", "admin@example.com", "--agree-tos"]);
    let started = Instant::now();
    let out = cw.run(&[
        "issue",
        "-d",
        "nobody.example.com",
        "--webroot",
        "-w",
        webroot.to_str().unwrap(),
        "--order-timeout",
        "120",
    ]);
    let took = started.elapsed();
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        took < Duration::from_secs(30),
        "reported after {took:?}:\n{err}"
    );
    assert_eq!(
        err.matches("submitting the challenge again").count(),
        2,
        "{err}"
    );
    assert!(
        err.contains("urn:ietf:params:acme:error:connection"),
        "{err}"
    );
    assert!(err.contains("port 80"), "the hint names the port: {err}");
}

#[test]
fn acme2certifier_lifecycle() {
    let mut a2c = Acme2certifier::start();
    lifecycle(acme2certifier_server(&mut a2c));
}

#[test]
fn acme2certifier_rejected_validation_is_reported_at_once() {
    let mut a2c = Acme2certifier::start();
    rejected_validation(acme2certifier_server(&mut a2c));
}
