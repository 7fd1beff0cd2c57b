//! DNS providers against real servers: rfc2136 against BIND 9, powerdns
//! against PowerDNS Authoritative (its HTTP API), through the library.

use crate::common::bind::Bind;
use crate::common::pdns::PowerDns;
use certwright::challenge::dns_provider::{self, DnsProvider};

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
        let bind = Bind::start_with(crate::common::bind::BindOptions {
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
    assert!(err.contains("does not serve a zone that holds"), "{err}");
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

// --- The real binary: Pebble validates against the server certwright changed.

use crate::common::bind::BindOptions;
use crate::common::{Certwright, InstalledCert, Pebble, PebbleOptions, stderr};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn renewal(cw: &Certwright, name: &str) -> (String, toml::Value) {
    let text = std::fs::read_to_string(cw.config_dir.join(format!("renewal/{name}.toml"))).unwrap();
    let value = toml::from_str(&text).unwrap();
    (text, value)
}

/// Apex + wildcard (two values at one name) and a name whose challenge is
/// CNAME-delegated into another zone, at BIND, which is also Pebble's DNS;
/// then a renewal from the stored settings alone.
#[test]
fn rfc2136_issues_apex_wildcard_and_a_delegated_name_then_renews() {
    let tmp = tempfile::tempdir().unwrap();
    let bind = Bind::start();
    let pebble = Pebble::start_with(PebbleOptions {
        dns_server: Some(bind.addr()),
        ..Default::default()
    });
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let creds = bind.credentials(tmp.path(), None);
    cw.ok(&[
        "issue",
        "-d",
        "example.test",
        "-d",
        "*.example.test",
        "-d",
        "delegated.example.test",
        "--dns-provider",
        "rfc2136",
        "--dns-credentials",
        creds.to_str().unwrap(),
        "--dns-resolver",
        &bind.addr(),
        "--propagation-timeout",
        "30",
    ]);
    let cert = InstalledCert::read(&cw.live("example.test"));
    assert_eq!(
        cert.sans(),
        ["*.example.test", "delegated.example.test", "example.test"]
    );
    assert!(cert.verifies_to(&pebble.root_pem(0)));
    // Every record was added where it belongs, and removed again.
    let log = bind.log();
    assert!(
        log.contains("adding an RR at '_acme-challenge.example.test' TXT")
            && log.contains("adding an RR at '_acme-challenge.delegated.validation.test' TXT"),
        "{log}"
    );
    assert!(bind.txt("_acme-challenge.example.test").is_empty());
    assert!(
        bind.txt("_acme-challenge.delegated.validation.test")
            .is_empty()
    );

    let (text, value) = renewal(&cw, "example.test");
    assert!(
        !text.contains(&bind.secret),
        "the secret is not stored:\n{text}"
    );
    assert_eq!(
        value["solver"]["provider"].as_str(),
        Some("rfc2136"),
        "{text}"
    );
    assert_eq!(
        value["solver"]["credentials"].as_str(),
        creds.to_str(),
        "{text}"
    );
    // Renewal needs no flags: provider, file and resolver come from there.
    cw.ok(&["renew", "--force-renewal", "--no-random-sleep"]);
    assert!(bind.txt("_acme-challenge.example.test").is_empty());
}

/// A wrong secret: a clear error before the CA is asked, and no record.
#[test]
fn rfc2136_with_a_wrong_secret_fails_clearly_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bind = Bind::start();
    let pebble = Pebble::start_with(PebbleOptions {
        dns_server: Some(bind.addr()),
        ..Default::default()
    });
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let creds = bind.credentials(tmp.path(), Some("c2VjcmV0LXRoYXQtaXMtd3Jvbmc="));
    let out = cw.run(&[
        "issue",
        "-d",
        "example.test",
        "-d",
        "*.example.test",
        "--dns-provider",
        "rfc2136",
        "--dns-credentials",
        creds.to_str().unwrap(),
        "--dns-resolver",
        &bind.addr(),
        "--propagation-timeout",
        "30",
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "the TSIG secret was rejected by {} (BADSIG): check tsig_secret",
            bind.addr()
        )) && err.contains(creds.to_str().unwrap()),
        "{err}"
    );
    assert!(bind.txt("_acme-challenge.example.test").is_empty());
    assert!(!bind.log().contains("adding an RR"), "{}", bind.log());
    assert!(
        !pebble.log().contains("/chalZ/"),
        "the CA was not asked to validate"
    );
    assert!(!cw.live("example.test").exists());
}

/// A credentials file others can read is refused before the CA is
/// contacted.
#[test]
fn a_readable_credentials_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let bind = Bind::start();
    let pebble = Pebble::start();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let creds = bind.credentials(tmp.path(), None);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = cw.run(&[
        "issue",
        "-d",
        "example.test",
        "--dns-provider",
        "rfc2136",
        "--dns-credentials",
        creds.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("mode 0644") && err.contains("chmod 600"),
        "{err}"
    );
    assert!(!pebble.log().contains("/order-plz"), "{}", pebble.log());
}

/// The values `persist-record --json` says it created, `n` of them, all at
/// `name`, sorted.
fn created_records(doc: &serde_json::Value, name: &str, n: usize) -> Vec<String> {
    let records = doc["records"].as_array().unwrap();
    assert_eq!(records.len(), n, "{doc:#}");
    let mut values: Vec<String> = records
        .iter()
        .map(|r| {
            assert_eq!(r["name"], name, "{doc:#}");
            assert_eq!(r["created"], true, "{doc:#}");
            r["value"].as_str().unwrap().to_string()
        })
        .collect();
    values.sort();
    values
}

/// `persist-record --dns-provider rfc2136` creates the dns-persist-01
/// records at BIND (a name and its wildcard share one TXT name), beside a
/// value someone else put there, and says so; nothing is removed. The hook
/// scripts are refused.
#[test]
fn persist_record_creates_the_records_through_rfc2136() {
    const NAME: &str = "_validation-persist.example.test";
    let tmp = tempfile::tempdir().unwrap();
    let bind = Bind::start();
    let pebble = Pebble::start();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let creds = bind.credentials(tmp.path(), None);
    let mut p = rfc2136(&bind, tmp.path(), None);
    p.present("example.test", NAME, "someone-else").unwrap();
    let addr = bind.addr();
    let base = [
        "persist-record",
        "-d",
        "example.test",
        "-d",
        "*.example.test",
        "--issuer-domain-name",
        "pebble.example",
    ];
    let mut args = base.to_vec();
    args.extend([
        "--dns-provider",
        "rfc2136",
        "--dns-credentials",
        creds.to_str().unwrap(),
        "--dns-resolver",
        &addr,
    ]);
    let mut json = args.clone();
    json.insert(0, "--json");
    let doc: serde_json::Value = serde_json::from_str(&cw.ok(&json)).unwrap();
    let mut want = created_records(&doc, NAME, 2);
    want.push("someone-else".to_string());
    let wildcard = want.iter().filter(|v| v.ends_with("; policy=wildcard"));
    assert_eq!(wildcard.count(), 1, "{doc:#}");
    want.sort();
    assert_eq!(bind.txt(NAME), want);
    assert!(!bind.log().contains("deleting an RR"), "{}", bind.log());

    // Again, in text: it says so, and the same values stay once each.
    let text = cw.ok(&args);
    assert!(
        text.contains("Created these TXT records") && text.contains(&format!("{NAME}. IN TXT")),
        "{text}"
    );
    assert_eq!(bind.txt(NAME), want);

    // Without a provider nothing is created.
    let mut json = base.to_vec();
    json.insert(0, "--json");
    let doc: serde_json::Value = serde_json::from_str(&cw.ok(&json)).unwrap();
    assert_eq!(doc["records"][0]["created"], false, "{doc:#}");

    // The hook scripts are refused, before anything changes.
    let out = cw.run(&[
        "persist-record",
        "-d",
        "other.example.test",
        "--issuer-domain-name",
        "pebble.example",
        "--dns-provider-for",
        "example.test=hook",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not the hook scripts"),
        "{}",
        stderr(&out)
    );
    assert!(
        bind.txt("_validation-persist.other.example.test")
            .is_empty()
    );
}

/// The same through PowerDNS's HTTP API: the records land beside a value
/// someone else put there, once each however often it runs.
#[test]
fn persist_record_creates_the_records_through_powerdns() {
    const NAME: &str = "_validation-persist.pdns.test";
    let tmp = tempfile::tempdir().unwrap();
    let pdns = PowerDns::start(&["pdns.test"]);
    let pebble = Pebble::start();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let creds = pdns.credentials(tmp.path(), None);
    let mut p = dns_provider::open("powerdns", Some(&creds)).unwrap();
    p.present("pdns.test", NAME, "someone-else").unwrap();
    let resolver = format!("127.0.0.1:{}", pdns.port);
    let args = [
        "--json",
        "persist-record",
        "-d",
        "pdns.test",
        "-d",
        "*.pdns.test",
        "--issuer-domain-name",
        "pebble.example",
        "--dns-provider",
        "powerdns",
        "--dns-credentials",
        creds.to_str().unwrap(),
        "--dns-resolver",
        &resolver,
    ];
    let doc: serde_json::Value = serde_json::from_str(&cw.ok(&args)).unwrap();
    let mut want = created_records(&doc, NAME, 2);
    want.push("someone-else".to_string());
    want.sort();
    assert_eq!(pdns.txt(NAME), want);
    cw.ok(&args);
    assert_eq!(pdns.txt(NAME), want, "a second run adds nothing");
}

#[test]
fn powerdns_issues_apex_and_wildcard_with_pebble_asking_powerdns() {
    let tmp = tempfile::tempdir().unwrap();
    let pdns = PowerDns::start(&["pdns.test"]);
    let pebble = Pebble::start_with(PebbleOptions {
        dns_server: Some(format!("127.0.0.1:{}", pdns.port)),
        ..Default::default()
    });
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let creds = pdns.credentials(tmp.path(), None);
    cw.ok(&[
        "issue",
        "-d",
        "pdns.test",
        "-d",
        "*.pdns.test",
        "--dns-provider",
        "powerdns",
        "--dns-credentials",
        creds.to_str().unwrap(),
        "--dns-resolver",
        &format!("127.0.0.1:{}", pdns.port),
        "--propagation-timeout",
        "30",
    ]);
    let cert = InstalledCert::read(&cw.live("pdns.test"));
    assert_eq!(cert.sans(), ["*.pdns.test", "pdns.test"]);
    assert!(pdns.txt("_acme-challenge.pdns.test").is_empty());
    let (text, value) = renewal(&cw, "pdns.test");
    assert!(!text.contains(crate::common::pdns::API_KEY), "{text}");
    assert_eq!(value["solver"]["provider"].as_str(), Some("powerdns"));
}

/// One certificate, names at two providers: BIND holds example.test and
/// forwards pdns.test to PowerDNS, so Pebble's one DNS server sees both.
#[test]
fn one_certificate_with_names_at_bind_and_at_powerdns() {
    let tmp = tempfile::tempdir().unwrap();
    let pdns = PowerDns::start(&["pdns.test"]);
    let bind = Bind::start_with(BindOptions {
        forward: vec![("pdns.test".into(), pdns.port)],
        ..Default::default()
    });
    let pebble = Pebble::start_with(PebbleOptions {
        dns_server: Some(bind.addr()),
        ..Default::default()
    });
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let bind_creds = bind.credentials(tmp.path(), None);
    let pdns_creds = pdns.credentials(tmp.path(), None);
    cw.ok(&[
        "issue",
        "-d",
        "example.test",
        "-d",
        "*.example.test",
        "-d",
        "pdns.test",
        "-d",
        "www.pdns.test",
        "--dns-provider",
        "rfc2136",
        "--dns-credentials",
        bind_creds.to_str().unwrap(),
        "--dns-provider-for",
        &format!("pdns.test=powerdns:{}", pdns_creds.display()),
        "--dns-resolver",
        &bind.addr(),
        "--propagation-timeout",
        "30",
    ]);
    let cert = InstalledCert::read(&cw.live("example.test"));
    assert_eq!(
        cert.sans(),
        [
            "*.example.test",
            "example.test",
            "pdns.test",
            "www.pdns.test"
        ]
    );
    assert!(
        bind.log()
            .contains("adding an RR at '_acme-challenge.example.test' TXT")
    );
    assert!(
        !bind.log().contains("_acme-challenge.pdns.test' TXT"),
        "pdns names did not go to BIND"
    );
    assert!(pdns.txt("_acme-challenge.pdns.test").is_empty());
    assert!(pdns.txt("_acme-challenge.www.pdns.test").is_empty());
    let (text, value) = renewal(&cw, "example.test");
    let per_name = &value["solver"]["provider_for"]["pdns.test"];
    assert_eq!(per_name["provider"].as_str(), Some("powerdns"), "{text}");
    assert_eq!(
        per_name["credentials"].as_str(),
        pdns_creds.to_str(),
        "{text}"
    );
    cw.ok(&["renew", "--force-renewal", "--no-random-sleep"]);
}

/// The CA looks elsewhere (challtestsrv, which never has the records), so
/// validation fails after every record was created: all are removed, at
/// both providers.
#[test]
fn records_are_removed_after_a_failed_validation_at_both_providers() {
    let tmp = tempfile::tempdir().unwrap();
    let pdns = PowerDns::start(&["pdns.test"]);
    let bind = Bind::start_with(BindOptions {
        forward: vec![("pdns.test".into(), pdns.port)],
        ..Default::default()
    });
    let pebble = Pebble::start();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let out = cw.run(&[
        "issue",
        "-d",
        "example.test",
        "-d",
        "pdns.test",
        "--dns-provider",
        "rfc2136",
        "--dns-credentials",
        bind.credentials(tmp.path(), None).to_str().unwrap(),
        "--dns-provider-for",
        &format!(
            "pdns.test=powerdns:{}",
            pdns.credentials(tmp.path(), None).display()
        ),
        "--dns-resolver",
        &bind.addr(),
        "--propagation-timeout",
        "30",
    ]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(
        bind.log()
            .contains("adding an RR at '_acme-challenge.example.test' TXT")
    );
    assert!(
        bind.log()
            .contains("deleting an RR at _acme-challenge.example.test TXT")
    );
    assert!(bind.txt("_acme-challenge.example.test").is_empty());
    assert!(pdns.txt("_acme-challenge.pdns.test").is_empty());
    assert_eq!(pdns.patches(), 2, "one add, one removal: {}", pdns.log());
}

/// SIGTERM while waiting: the records of both providers are removed before
/// the process exits with 143.
#[test]
fn sigterm_removes_the_records_of_every_provider() {
    let tmp = tempfile::tempdir().unwrap();
    let pdns = PowerDns::start(&["pdns.test"]);
    let bind = Bind::start_with(BindOptions {
        forward: vec![("pdns.test".into(), pdns.port)],
        ..Default::default()
    });
    let pebble = Pebble::start_with(PebbleOptions {
        dns_server: Some(bind.addr()),
        ..Default::default()
    });
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let mut child = cw
        .command()
        .args(strings(&[
            "issue",
            "-d",
            "example.test",
            "-d",
            "*.example.test",
            "-d",
            "pdns.test",
            "--dns-provider",
            "rfc2136",
            "--dns-credentials",
            bind.credentials(tmp.path(), None).to_str().unwrap(),
            "--dns-provider-for",
            &format!(
                "pdns.test=powerdns:{}",
                pdns.credentials(tmp.path(), None).display()
            ),
            "--dns-resolver",
            &bind.addr(),
            // Long enough to be interrupted in.
            "--propagation-delay",
            "120",
        ]))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !(bind.txt("_acme-challenge.example.test").len() == 2
        && pdns.txt("_acme-challenge.pdns.test").len() == 1)
    {
        assert!(
            Instant::now() < deadline,
            "the records never appeared: {:?}",
            child.try_wait()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143), "{}", stderr(&out));
    assert!(
        bind.txt("_acme-challenge.example.test").is_empty(),
        "{}",
        stderr(&out)
    );
    assert!(
        pdns.txt("_acme-challenge.pdns.test").is_empty(),
        "{}",
        stderr(&out)
    );
}
