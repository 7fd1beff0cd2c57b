//! DNS providers against real servers: rfc2136 against BIND 9, powerdns
//! against PowerDNS Authoritative (its HTTP API), through the library.

mod common;

use certwright::dns_provider::{self, DnsProvider};
use common::bind::Bind;
use common::pdns::PowerDns;

const APEX: &str = "_acme-challenge.example.test";

fn rfc2136(bind: &Bind, dir: &std::path::Path, secret: Option<&str>) -> Box<dyn DnsProvider> {
    dns_provider::open("rfc2136", Some(&bind.credentials(dir, secret))).unwrap()
}

/// A name and its wildcard share one TXT name: both values coexist with a
/// value someone else put there, and cleanup removes exactly ours.
#[test]
fn rfc2136_adds_values_beside_others_and_removes_only_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    for algorithm in [
        "hmac-sha256",
        "hmac-sha512",
        "hmac-sha1",
        "hmac-sha224",
        "hmac-sha384",
        "hmac-md5",
    ] {
        let bind = Bind::start_with(common::bind::BindOptions {
            algorithm,
            ..Default::default()
        });
        let mut p = rfc2136(&bind, tmp.path(), None);
        let zone = p.find_zone(APEX).unwrap();
        assert_eq!(zone, "example.test");
        p.present(&zone, APEX, "someone-else").unwrap();
        p.present(&zone, APEX, "apex-value").unwrap();
        p.present(&zone, APEX, "wildcard-value").unwrap();
        assert_eq!(
            bind.txt(APEX),
            ["apex-value", "someone-else", "wildcard-value"],
            "{algorithm}"
        );
        p.cleanup(&zone, APEX, "apex-value").unwrap();
        p.cleanup(&zone, APEX, "wildcard-value").unwrap();
        // Already gone: no error.
        p.cleanup(&zone, APEX, "wildcard-value").unwrap();
        assert_eq!(bind.txt(APEX), ["someone-else"], "{algorithm}");
    }
}

#[test]
fn rfc2136_finds_the_zone_of_a_cname_target_and_refuses_foreign_zones() {
    let tmp = tempfile::tempdir().unwrap();
    let bind = Bind::start();
    let mut p = rfc2136(&bind, tmp.path(), None);
    assert_eq!(
        p.find_zone("_acme-challenge.delegated.validation.test")
            .unwrap(),
        "validation.test"
    );
    let err = p
        .find_zone("_acme-challenge.example.org")
        .unwrap_err()
        .to_string();
    assert!(err.contains("not authoritative for any zone"), "{err}");
}

/// A wrong secret: BADSIG, said in words with the file to fix, and no
/// record was added.
#[test]
fn rfc2136_wrong_secret_is_a_clear_error_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bind = Bind::start();
    let mut p = rfc2136(
        &bind,
        tmp.path(),
        Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
    );
    let err = p
        .present("example.test", APEX, "v")
        .unwrap_err()
        .to_string();
    let file = tmp.path().join("rfc2136.toml");
    assert!(
        err.contains(&format!(
            "the TSIG secret was rejected by {} (BADSIG): check tsig_secret (and tsig_algorithm) in {}",
            bind.addr(),
            file.display()
        )),
        "{err}"
    );
    assert!(bind.txt(APEX).is_empty());
}

#[test]
fn powerdns_adds_values_beside_others_and_removes_only_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let pdns = PowerDns::start(&["pdns.test"]);
    let name = "_acme-challenge.pdns.test";
    let mut p = dns_provider::open("powerdns", Some(&pdns.credentials(tmp.path(), None))).unwrap();
    let zone = p.find_zone(name).unwrap();
    assert_eq!(zone, "pdns.test");
    p.present(&zone, name, "someone-else").unwrap();
    p.present(&zone, name, "apex-value").unwrap();
    p.present(&zone, name, "wildcard-value").unwrap();
    assert_eq!(
        pdns.txt(name),
        ["apex-value", "someone-else", "wildcard-value"]
    );
    p.cleanup(&zone, name, "apex-value").unwrap();
    p.cleanup(&zone, name, "wildcard-value").unwrap();
    assert_eq!(pdns.txt(name), ["someone-else"]);
    p.cleanup(&zone, name, "someone-else").unwrap();
    assert!(pdns.txt(name).is_empty());

    let mut wrong = dns_provider::open(
        "powerdns",
        Some(&pdns.credentials(tmp.path(), Some("nope"))),
    )
    .unwrap();
    let err = wrong.find_zone(name).unwrap_err().to_string();
    assert!(
        err.contains("HTTP 401") && err.contains("check api_key"),
        "{err}"
    );
}
