//! End-to-end: revocation, the account lifecycle, external account binding,
//! dry runs and staging, preferred chains, user CSRs and ACME profiles. The
//! real binary against a real Pebble (and the fault server for profiles,
//! which Pebble 2.4 lacks). Every CA-side effect is checked on the CA's
//! side: Pebble's management interface, its log, or the fault server's
//! request log.

use crate::common::fault_server::{Endpoint, FaultServer, Script};
use crate::common::*;
use openssl::pkey::PKey;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

fn standalone(port: u16) -> Vec<String> {
    vec![
        "--standalone".into(),
        "--http-01-address".into(),
        "127.0.0.1".into(),
        "--http-01-port".into(),
        port.to_string(),
    ]
}

fn args(base: &[&str], extra: &[String]) -> Vec<String> {
    base.iter()
        .map(|s| s.to_string())
        .chain(extra.iter().cloned())
        .collect()
}

fn run(cw: &Certwright, args: &[String]) -> Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    cw.run(&refs)
}

fn json_ok(cw: &Certwright, args: &[String]) -> Value {
    let mut all = vec!["--json".to_string()];
    all.extend(args.iter().cloned());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    serde_json::from_str(&cw.ok(&refs)).unwrap()
}

/// `issue -d NAME... --standalone` on Pebble's http-01 port, JSON result.
fn issue(cw: &Certwright, pebble: &Pebble, extra: &[&str]) -> Value {
    let mut a = args(&["issue"], &standalone(pebble.http_port));
    a.extend(extra.iter().map(|s| s.to_string()));
    json_ok(cw, &a)
}

fn fails_with(out: &Output, code: i32, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "expected exit {code}\nstdout:\n{}\nstderr:\n{err}",
        stdout(out)
    );
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
}

/// Pebble's own view of a certificate: (Status, Reason).
fn cert_status(pebble: &Pebble, serial_hex: &str) -> (String, Option<u64>) {
    let (status, body) = pebble.management_get(&format!(
        "/cert-status-by-serial/{}",
        serial_hex.to_lowercase()
    ));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let doc: Value = serde_json::from_slice(&body).unwrap();
    (
        doc["Status"].as_str().unwrap().to_string(),
        doc["Reason"].as_u64(),
    )
}

fn renewal(config_dir: &Path, name: &str) -> toml::Value {
    let text = std::fs::read_to_string(config_dir.join(format!("renewal/{name}.toml"))).unwrap();
    toml::from_str(&text).unwrap()
}

// ---------------------------------------------------------------- revoke

#[test]
fn revoke_with_the_account_key_records_reason_and_marks_the_lineage() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let issued = issue(&cw, &pebble, &["-d", "revoke-a.example.test"]);
    let serial = issued["serial"].as_str().unwrap().to_string();
    assert_eq!(cert_status(&pebble, &serial).0, "Valid");

    // A reason outside the RFC 5280 list is refused before anything is sent.
    let out = cw.run(&[
        "revoke",
        "--cert-name",
        "revoke-a.example.test",
        "--reason",
        "privilegeWithdrawn",
    ]);
    fails_with(&out, 2, &["--reason"]);
    assert_eq!(cert_status(&pebble, &serial).0, "Valid");

    let doc = json_ok(
        &cw,
        &args(
            &[
                "revoke",
                "--cert-name",
                "revoke-a.example.test",
                "--reason",
                "superseded",
            ],
            &[],
        ),
    );
    assert_eq!(doc["revoked"], true);
    assert_eq!(doc["signed_with"], "account");
    // directory, newNonce, revokeCert: nothing more.
    assert_eq!(doc["requests"], 3);
    assert_eq!(doc["reason"], "superseded");
    assert_eq!(doc["reason_code"], 4);
    assert_eq!(
        cert_status(&pebble, &serial),
        ("Revoked".to_string(), Some(4)),
        "Pebble must hold the certificate as revoked with reason superseded (4)"
    );
    assert_eq!(
        renewal(tmp.path(), "revoke-a.example.test")["revoked"].as_bool(),
        Some(true)
    );
    // The files stay without --delete-after-revoke.
    assert!(cw.live("revoke-a.example.test").join("cert.pem").exists());

    // Twice is not an error: the CA's alreadyRevoked is reported as such.
    let again = json_ok(
        &cw,
        &args(&["revoke", "--cert-name", "revoke-a.example.test"], &[]),
    );
    assert_eq!(again["already_revoked"], true);

    // A second lineage, revoked and deleted (no terminal: no question).
    let second = issue(&cw, &pebble, &["-d", "revoke-b.example.test"]);
    let doc = json_ok(
        &cw,
        &args(
            &[
                "revoke",
                "--cert-name",
                "revoke-b.example.test",
                "--reason",
                "cessationOfOperation",
                "--delete-after-revoke",
            ],
            &[],
        ),
    );
    assert_eq!(doc["deleted"], true);
    assert_eq!(
        cert_status(&pebble, second["serial"].as_str().unwrap()),
        ("Revoked".to_string(), Some(5))
    );
    assert!(std::fs::symlink_metadata(cw.live("revoke-b.example.test")).is_err());
    assert!(!tmp.path().join("archive/revoke-b.example.test").exists());
    assert!(
        !tmp.path()
            .join("renewal/revoke-b.example.test.toml")
            .exists()
    );
    // The other lineage is untouched.
    assert!(cw.live("revoke-a.example.test").join("cert.pem").exists());
}

#[test]
fn revoke_with_the_certificate_key_when_the_account_is_lost() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let issued = issue(&cw, &pebble, &["-d", "lost.example.test"]);
    let serial = issued["serial"].as_str().unwrap().to_string();
    let live = cw.live("lost.example.test");
    std::fs::remove_dir_all(tmp.path().join("accounts")).unwrap();

    // Without an account and without the key: a usage error naming the way out.
    let cert_path = live.join("cert.pem");
    let out = cw.run(&["revoke", "--cert-path", cert_path.to_str().unwrap()]);
    fails_with(&out, 2, &["--key-path"]);

    // Someone else's key is refused before the CA is asked.
    let other = tempfile::NamedTempFile::new().unwrap();
    let other_key = PKey::from_ec_key(
        openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    std::fs::write(other.path(), other_key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    let out = cw.run(&[
        "revoke",
        "--cert-path",
        cert_path.to_str().unwrap(),
        "--key-path",
        other.path().to_str().unwrap(),
    ]);
    fails_with(&out, 2, &["is not the private key"]);
    assert_eq!(cert_status(&pebble, &serial).0, "Valid");

    let doc = json_ok(
        &cw,
        &args(
            &[
                "revoke",
                "--cert-path",
                live.join("fullchain.pem").to_str().unwrap(),
                "--key-path",
                live.join("privkey.pem").to_str().unwrap(),
                "--reason",
                "keyCompromise",
            ],
            &[],
        ),
    );
    assert_eq!(doc["signed_with"], "certificate_key");
    assert_eq!(doc["requests"], 3);
    assert_eq!(
        cert_status(&pebble, &serial),
        ("Revoked".to_string(), Some(1))
    );
    // The file belonged to a lineage: it is marked revoked too.
    assert_eq!(doc["name"], "lost.example.test");
    assert_eq!(
        renewal(tmp.path(), "lost.example.test")["revoked"].as_bool(),
        Some(true)
    );
    // The revocation was signed with a JWK header (no kid): Pebble logs the
    // revoke endpoint, and no account exists to have signed it.
    assert!(pebble.log().contains("/revoke-cert"), "{}", pebble.log());
}

// ---------------------------------------------------------------- accounts

fn account_json(config_dir: &Path, server_hint: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for server in std::fs::read_dir(config_dir.join("accounts")).unwrap() {
        let server = server.unwrap();
        if !server.file_name().to_string_lossy().contains(server_hint) {
            continue;
        }
        for acct in std::fs::read_dir(server.path()).unwrap() {
            let acct = acct.unwrap();
            let doc: Value =
                serde_json::from_slice(&std::fs::read(acct.path().join("account.json")).unwrap())
                    .unwrap();
            out.push((acct.file_name().to_string_lossy().into_owned(), doc));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn account_update_show_list_and_several_accounts_per_server() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    let first = json_ok(
        &cw,
        &args(
            &["register", "--email", "first@example.com", "--agree-tos"],
            &[],
        ),
    );
    let first_id = first["account"]["id"].as_str().unwrap().to_string();

    let shown = json_ok(&cw, &args(&["account", "show"], &[]));
    assert_eq!(shown["account"]["status"], "valid");
    assert_eq!(shown["account"]["contact"][0], "mailto:first@example.com");
    // Pebble's directory meta as `account show` reports it.
    assert_eq!(
        shown["ca"]["terms_of_service"],
        "data:text/plain,Do%20what%20thou%20wilt"
    );
    assert_eq!(shown["ca"]["external_account_required"], false);
    assert_eq!(shown["ca"]["ari"], false);
    assert_eq!(shown["ca"]["profiles"], serde_json::json!({}));
    let human = cw.ok(&["account", "show"]);
    assert!(
        human.contains("renewal information (ARI): not supported"),
        "{human}"
    );
    assert!(human.contains("profiles: (none offered)"), "{human}");

    // Contacts change at the CA; `account show` asks the CA, not the file.
    let updated = json_ok(
        &cw,
        &args(
            &[
                "account",
                "update",
                "--email",
                "new@example.com",
                "--email",
                "ops@example.com",
            ],
            &[],
        ),
    );
    assert_eq!(
        updated["account"]["contact"],
        serde_json::json!(["mailto:new@example.com", "mailto:ops@example.com"])
    );
    let shown = json_ok(&cw, &args(&["account", "show"], &[]));
    assert_eq!(
        shown["account"]["contact"],
        serde_json::json!(["mailto:new@example.com", "mailto:ops@example.com"])
    );
    let stored = account_json(tmp.path(), "127.0.0.1");
    assert_eq!(
        stored[0].1["contact"],
        serde_json::json!(["mailto:new@example.com", "mailto:ops@example.com"])
    );

    // A second account for the same server.
    let second = json_ok(
        &cw,
        &args(
            &[
                "register",
                "--new-account",
                "--email",
                "second@example.com",
                "--agree-tos",
            ],
            &[],
        ),
    );
    assert_eq!(second["created"], true);
    let second_id = second["account"]["id"].as_str().unwrap().to_string();
    assert_ne!(first_id, second_id);

    // Now the account must be named.
    let out = cw.run(&["account", "show"]);
    fails_with(&out, 2, &["--account", &first_id, &second_id]);
    let shown = json_ok(
        &cw,
        &args(&["account", "show", "--account", &second_id], &[]),
    );
    assert_eq!(shown["account"]["contact"][0], "mailto:second@example.com");
    let out = cw.run(&["account", "show", "--account", "nosuchid"]);
    fails_with(&out, 2, &["nosuchid"]);

    // `account list` reads only the disk: it works with no CA at all.
    let listed: Value = serde_json::from_slice(
        &std::process::Command::new(BIN)
            .args(["--json", "account", "list"])
            .env("CERTWRIGHT_CONFIG_DIR", tmp.path())
            .env("CERTWRIGHT_SERVER", "https://127.0.0.1:1/dir")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let ids: Vec<&str> = listed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let mut expected = vec![first_id.as_str(), second_id.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(
        listed["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["server"] == pebble.directory.as_str())
    );
}

#[test]
fn rollover_replaces_the_key_and_the_ca_refuses_the_old_one() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    // Keep a copy of the store with the old key.
    let old = tempfile::tempdir().unwrap();
    copy_tree(tmp.path(), old.path());
    let (id, _) = account_json(tmp.path(), "127.0.0.1").remove(0);
    let key_path = tmp
        .path()
        .join("accounts")
        .join(server_dir(tmp.path()))
        .join(&id)
        .join("account.key");
    let old_key = std::fs::read(&key_path).unwrap();

    let doc = json_ok(
        &cw,
        &args(
            &["account", "rollover", "--account-key-type", "ecdsa-p384"],
            &[],
        ),
    );
    assert_eq!(doc["rolled_over"], true);
    // directory, newNonce, keyChange.
    assert_eq!(doc["requests"], 3);
    let new_key = std::fs::read(&key_path).unwrap();
    assert_ne!(new_key, old_key);
    assert_eq!(file_mode(&key_path), 0o600);
    assert_eq!(
        PKey::private_key_from_pem(&new_key)
            .unwrap()
            .ec_key()
            .unwrap()
            .group()
            .curve_name(),
        Some(openssl::nid::Nid::SECP384R1)
    );
    assert!(
        !key_path.with_file_name("account.key.next").exists(),
        "no leftover of the key change"
    );
    assert!(
        pebble.log().contains("/rollover-account-key"),
        "the CA saw the key change"
    );

    // The old key, same account URL: the CA refuses it.
    let old_cw = Certwright::new(old.path(), &pebble);
    let out = old_cw.run(&["account", "show"]);
    fails_with(&out, 1, &["urn:ietf:params:acme:error:"]);

    // A run that died after the CA accepted a key change left the new key
    // as account.key.next: the next rollover finishes it instead of losing
    // the account (simulated on the copy holding the old key).
    let old_key_path = old
        .path()
        .join("accounts")
        .join(server_dir(old.path()))
        .join(&id)
        .join("account.key");
    std::fs::write(old_key_path.with_file_name("account.key.next"), &new_key).unwrap();
    let settled = json_ok(&old_cw, &args(&["account", "rollover"], &[]));
    assert_eq!(settled["completed_interrupted"], true);
    // directory, newNonce, newAccount(onlyReturnExisting): no second change.
    assert_eq!(settled["requests"], 3);
    assert_eq!(std::fs::read(&old_key_path).unwrap(), new_key);
    assert_eq!(
        json_ok(&old_cw, &args(&["account", "show"], &[]))["account"]["status"],
        "valid"
    );
    // A leftover next key the CA never saw is discarded, and a fresh key
    // change goes through.
    let stray = PKey::from_ec_key(
        openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    std::fs::write(
        key_path.with_file_name("account.key.next"),
        stray.private_key_to_pem_pkcs8().unwrap(),
    )
    .unwrap();
    let again = json_ok(&cw, &args(&["account", "rollover"], &[]));
    assert_eq!(again["completed_interrupted"], false);
    // directory, newNonce, the onlyReturnExisting check, keyChange.
    assert_eq!(again["requests"], 4);
    let newest = std::fs::read(&key_path).unwrap();
    assert_ne!(newest, new_key);
    assert!(
        !PKey::private_key_from_pem(&newest)
            .unwrap()
            .public_eq(&stray)
    );
    assert!(!key_path.with_file_name("account.key.next").exists());

    // The new key works for a real issuance.
    let shown = json_ok(&cw, &args(&["account", "show"], &[]));
    assert_eq!(shown["account"]["status"], "valid");
    issue(&cw, &pebble, &["-d", "rolled.example.test"]);
    let cert = InstalledCert::read(&cw.live("rolled.example.test"));
    assert!(cert.verifies_to(&pebble.root_pem(0)));
}

#[test]
fn deactivate_asks_for_yes_then_the_ca_refuses_the_account() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();

    // Not a terminal and no --yes: nothing is sent.
    let out = cw.run(&["account", "deactivate"]);
    fails_with(&out, 2, &["--yes"]);
    let shown = json_ok(&cw, &args(&["account", "show"], &[]));
    assert_eq!(shown["account"]["status"], "valid");

    let doc = json_ok(&cw, &args(&["account", "deactivate", "--yes"], &[]));
    assert_eq!(doc["deactivated"], true);
    let stored = account_json(tmp.path(), "127.0.0.1");
    assert_eq!(stored[0].1["deactivated"], true);
    let listed = cw.ok(&["account", "list"]);
    assert!(listed.contains("DEACTIVATED"), "{listed}");

    // Every later use fails with the CA's problem shown.
    let out = cw.run(&["account", "show"]);
    fails_with(
        &out,
        1,
        &["deactivated", "urn:ietf:params:acme:error:unauthorized"],
    );
    let mut a = args(
        &["issue", "-d", "gone.example.test"],
        &standalone(pebble.http_port),
    );
    a.push("--json".into());
    let out = run(&cw, &a);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    assert_eq!(
        doc["problem"]["type"],
        "urn:ietf:params:acme:error:unauthorized"
    );
    assert!(!cw.live("gone.example.test").exists());
}

// ---------------------------------------------------------------- EAB

#[test]
fn external_account_binding_good_bad_and_missing() {
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let secret = b"a shared HMAC secret of 32 bytes";
    let pebble = Pebble::start_with(PebbleOptions {
        eab_keys: vec![("kid-1".into(), b64(secret))],
        ..PebbleOptions::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    let base = ["register", "--email", "eab@example.com", "--agree-tos"];

    let out = cw.run(&base);
    fails_with(
        &out,
        2,
        &["external account binding", "--eab-kid", "--eab-hmac-key"],
    );
    let out = cw.run(&[&base[..], &["--eab-kid", "kid-1"]].concat());
    fails_with(&out, 2, &["--eab-hmac-key"]);

    let wrong = b64(b"not the secret the CA holds......");
    let out = cw.run(&[&base[..], &["--eab-kid", "kid-1", "--eab-hmac-key", &wrong]].concat());
    fails_with(
        &out,
        1,
        &[
            "urn:ietf:params:acme:error:unauthorized",
            "external account binding",
        ],
    );
    assert!(!tmp.path().join("accounts").exists() || account_json(tmp.path(), "").is_empty());

    let good = b64(secret);
    let doc = json_ok(
        &cw,
        &args(
            &base,
            &[
                "--eab-kid".into(),
                "kid-1".into(),
                "--eab-hmac-key".into(),
                good,
            ],
        ),
    );
    assert_eq!(doc["created"], true);
    assert!(
        pebble.log().contains("Successful newAccount Binding"),
        "{}",
        pebble.log()
    );
    let shown = json_ok(&cw, &args(&["account", "show"], &[]));
    assert_eq!(shown["ca"]["external_account_required"], true);
    // The bound account issues like any other.
    issue(&cw, &pebble, &["-d", "eab.example.test"]);

    // issue's on-the-fly registration binds too, with the credentials taken
    // from the environment (kept off the command line).
    let fresh = tempfile::tempdir().unwrap();
    let fresh_cw = Certwright::new(fresh.path(), &pebble);
    let mut cmd = fresh_cw.command();
    cmd.env("CERTWRIGHT_EAB_KID", "kid-1")
        .env("CERTWRIGHT_EAB_HMAC_KEY", b64(secret))
        .args([
            "issue",
            "-d",
            "eab-fly.example.test",
            "--email",
            "fly@example.com",
        ])
        .arg("--agree-tos")
        .args(standalone(pebble.http_port));
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        fresh_cw
            .live("eab-fly.example.test")
            .join("cert.pem")
            .exists()
    );
    assert_eq!(
        pebble
            .log()
            .matches("Successful newAccount Binding")
            .count(),
        2,
        "both accounts were bound"
    );
}

// ---------------------------------------------------------------- dry run and staging

/// Every file, directory and symlink under `root`: (type, mode, content
/// hash or link target), so any write shows as a difference.
fn tree_digest(root: &Path) -> BTreeMap<PathBuf, String> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let mode = meta.permissions().mode();
            let what = if meta.file_type().is_symlink() {
                format!(
                    "link {:o} {}",
                    mode,
                    std::fs::read_link(&path).unwrap().display()
                )
            } else if meta.is_dir() {
                stack.push(path.clone());
                format!("dir {mode:o}")
            } else {
                let data = std::fs::read(&path).unwrap();
                format!("file {mode:o} {:x?}", openssl::sha::sha256(&data))
            };
            out.insert(rel, what);
        }
    }
    out
}

fn production_trees(config_dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut all = BTreeMap::new();
    for sub in ["live", "archive", "renewal", "accounts"] {
        for (k, v) in tree_digest(&config_dir.join(sub)) {
            all.insert(Path::new(sub).join(k), v);
        }
    }
    all
}

fn finalizes(pebble: &Pebble) -> usize {
    pebble
        .log()
        .matches("/finalize-order/ -> calling handler()")
        .count()
}

#[test]
fn dry_run_and_staging_never_touch_production() {
    let production = Pebble::start();
    let staging = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    // One bundle trusting both test servers' TLS.
    let bundle = tmp.path().join("both-cas.pem");
    let mut pem = std::fs::read(production.ca_bundle()).unwrap();
    pem.extend(std::fs::read(staging.ca_bundle()).unwrap());
    std::fs::write(&bundle, pem).unwrap();
    let config = tmp.path().join("config");
    let mut cw = Certwright::new(&config, &production);
    cw.ca_bundle = bundle;
    cw.ok(&["register", "--email", "prod@example.com", "--agree-tos"]);
    issue(&cw, &production, &["-d", "dry.example.test"]);
    assert_eq!(finalizes(&production), 1);

    // No staging directory known for an arbitrary server: a usage error.
    let mut a = args(
        &["issue", "-d", "dry.example.test", "--dry-run"],
        &standalone(staging.http_port),
    );
    let out = run(&cw, &a);
    fails_with(&out, 2, &["--staging-server"]);

    let before = production_trees(&config);
    a.extend(["--staging-server".into(), staging.directory.clone()]);
    a.extend(["-d".into(), "www.dry.example.test".into()]);
    let mut json_args = vec!["--json".to_string()];
    json_args.extend(a.iter().cloned());
    let doc: Value = serde_json::from_slice(&run(&cw, &json_args).stdout).unwrap();
    assert_eq!(doc["ok"], true, "{doc}");
    assert_eq!(doc["dry_run"], true);
    eprintln!(
        "dry run (staging account registered, 2 names): {} requests, {} ms",
        doc["requests"], doc["elapsed_ms"]
    );
    assert_eq!(doc["server"], staging.directory.as_str());
    assert!(
        doc["order_url"]
            .as_str()
            .unwrap()
            .starts_with(staging.directory.trim_end_matches("/dir")),
        "{doc}"
    );
    // The whole flow ran on the staging CA: it finalized and issued.
    assert_eq!(finalizes(&staging), 1, "{}", staging.log());
    let serial = doc["serial"].as_str().unwrap();
    assert_eq!(cert_status(&staging, serial).0, "Valid");
    // ... and production saw nothing, and not one byte changed on disk.
    assert_eq!(finalizes(&production), 1);
    assert_eq!(production_trees(&config), before);
    // The staging account lives apart, with the production account's contact.
    let staging_accounts = account_json(&config.join("staging"), "");
    assert_eq!(staging_accounts.len(), 1);
    assert_eq!(
        staging_accounts[0].1["contact"][0],
        "mailto:prod@example.com"
    );
    assert_eq!(staging_accounts[0].1["server"], staging.directory.as_str());
    assert!(
        !config.join("staging/live").exists(),
        "a dry run installs nothing"
    );
    assert_eq!(doc["version"], Value::Null);
    // `register --staging` finds that same staging account.
    let found = json_ok(
        &cw,
        &args(
            &[
                "register",
                "--staging",
                "--staging-server",
                &staging.directory,
            ],
            &[],
        ),
    );
    assert_eq!(found["created"], false);
    assert_eq!(found["staging"], true);
    assert_eq!(
        found["account"]["id"].as_str(),
        Some(staging_accounts[0].0.as_str())
    );
    // The human form says what would have happened.
    let human = stdout(&run(&cw, &a));
    assert!(
        human.starts_with("dry run: would have installed"),
        "{human}"
    );
    assert!(
        human.contains(
            config
                .join("live/dry.example.test/fullchain.pem")
                .to_str()
                .unwrap()
        ),
        "{human}"
    );
    assert_eq!(finalizes(&staging), 2);
    assert_eq!(
        staging
            .log()
            .matches("/sign-me-up -> calling handler()")
            .count(),
        1,
        "the second dry run reuses the staging account"
    );
    assert_eq!(production_trees(&config), before);

    // --staging keeps a real staging certificate, apart from production.
    let mut a = args(
        &["issue", "-d", "kept.example.test", "--staging"],
        &standalone(staging.http_port),
    );
    a.extend(["--staging-server".into(), staging.directory.clone()]);
    let doc = json_ok(&cw, &a);
    assert_eq!(doc["staging"], true);
    assert_eq!(doc["dry_run"], false);
    let kept = config.join("staging/live/kept.example.test");
    let cert = InstalledCert::read(&kept);
    assert!(cert.verifies_to(&staging.root_pem(0)));
    assert!(!cert.verifies_to(&production.root_pem(0)));
    let renewal = renewal(&config.join("staging"), "kept.example.test");
    assert_eq!(renewal["server"].as_str(), Some(staging.directory.as_str()));
    assert!(!config.join("live/kept.example.test").exists());
    assert_eq!(production_trees(&config), before);
}

// ---------------------------------------------------------------- chains

#[test]
fn preferred_chain_picks_the_alternate_root_and_falls_back_to_the_default() {
    let pebble = Pebble::start_with(PebbleOptions {
        env: vec![("PEBBLE_ALTERNATE_ROOTS", "1".into())],
        ..PebbleOptions::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();
    let root0 = pebble.root_pem(0);
    let root1 = pebble.root_pem(1);
    let cn = |pem: &[u8]| {
        openssl::x509::X509::from_pem(pem)
            .unwrap()
            .subject_name()
            .entries_by_nid(openssl::nid::Nid::COMMONNAME)
            .next()
            .unwrap()
            .data()
            .to_string()
            .unwrap()
    };
    let alternate_cn = cn(&root1);
    assert_ne!(alternate_cn, cn(&root0));

    issue(
        &cw,
        &pebble,
        &["-d", "alt.example.test", "--preferred-chain", &alternate_cn],
    );
    let cert = InstalledCert::read(&cw.live("alt.example.test"));
    assert!(
        cert.verifies_to(&root1),
        "chain must lead to {alternate_cn}"
    );
    assert!(
        !cert.verifies_to(&root0),
        "chain must not lead to the default root"
    );
    assert_eq!(
        renewal(tmp.path(), "alt.example.test")["preferred_chain"].as_str(),
        Some(alternate_cn.as_str())
    );

    issue(
        &cw,
        &pebble,
        &[
            "-d",
            "fallback.example.test",
            "--preferred-chain",
            "No Such Root CA",
        ],
    );
    let cert = InstalledCert::read(&cw.live("fallback.example.test"));
    assert!(cert.verifies_to(&root0), "unknown name: the default chain");
    assert!(!cert.verifies_to(&root1));

    // Pebble 2.4 offers no profiles: asking for one is a clear usage error.
    let mut a = args(
        &[
            "issue",
            "-d",
            "profile.example.test",
            "--profile",
            "classic",
        ],
        &standalone(pebble.http_port),
    );
    a.push("--force-renewal".into());
    fails_with(&run(&cw, &a), 2, &["offers no profiles"]);
}

// ---------------------------------------------------------------- CSR

#[test]
fn a_user_csr_and_key_are_used_as_given() {
    use openssl::hash::MessageDigest;
    use openssl::stack::Stack;
    use openssl::x509::X509Req;
    use openssl::x509::extension::SubjectAlternativeName;
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    cw.register();

    let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let mut req = X509Req::builder().unwrap();
    req.set_pubkey(&key).unwrap();
    let mut name = openssl::x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(openssl::nid::Nid::COMMONNAME, "csr-one.example.test")
        .unwrap();
    req.set_subject_name(&name.build()).unwrap();
    let san = SubjectAlternativeName::new()
        .dns("csr-one.example.test")
        .dns("csr-two.example.test")
        .build(&req.x509v3_context(None))
        .unwrap();
    let mut exts = Stack::new().unwrap();
    exts.push(san).unwrap();
    req.add_extensions(&exts).unwrap();
    req.sign(&key, MessageDigest::sha256()).unwrap();
    let csr_path = files.path().join("request.csr");
    let key_path = files.path().join("request.key");
    std::fs::write(&csr_path, req.build().to_pem().unwrap()).unwrap();
    std::fs::write(&key_path, key.private_key_to_pem_pkcs8().unwrap()).unwrap();

    // A key that is not the CSR's is refused before anything is sent.
    let other = files.path().join("other.key");
    std::fs::write(
        &other,
        PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap())
            .unwrap()
            .private_key_to_pem_pkcs8()
            .unwrap(),
    )
    .unwrap();
    let a = args(
        &[
            "issue",
            "--csr",
            csr_path.to_str().unwrap(),
            "--key-path",
            other.to_str().unwrap(),
        ],
        &standalone(pebble.http_port),
    );
    fails_with(&run(&cw, &a), 2, &["does not belong"]);

    let doc = issue(
        &cw,
        &pebble,
        &[
            "--csr",
            csr_path.to_str().unwrap(),
            "--key-path",
            key_path.to_str().unwrap(),
        ],
    );
    assert_eq!(doc["name"], "csr-one.example.test");
    let cert = InstalledCert::read(&cw.live("csr-one.example.test"));
    assert_eq!(
        cert.sans(),
        vec!["csr-one.example.test", "csr-two.example.test"]
    );
    assert!(
        cert.leaf.public_key().unwrap().public_eq(&key),
        "the certificate carries the given key"
    );
    assert!(cert.key.public_eq(&key), "privkey.pem is the given key");
    assert!(cert.verifies_to(&pebble.root_pem(0)));
    let r = renewal(tmp.path(), "csr-one.example.test");
    assert_eq!(r["csr_path"].as_str(), csr_path.to_str());
    assert_eq!(r["key_path"].as_str(), key_path.to_str());
    assert_eq!(r["key_type"].as_str(), Some("rsa2048"));
}

// ---------------------------------------------------------------- profiles

#[test]
fn profiles_are_listed_validated_and_sent_in_new_order() {
    let server = FaultServer::start(Script::new().profiles(&[
        ("classic", "The same profile you're accustomed to"),
        ("shortlived", "A short-lived certificate profile"),
    ]));
    let tmp = tempfile::tempdir().unwrap();
    let cw = server.certwright(tmp.path());
    cw.register();

    let shown = json_ok(&cw, &args(&["account", "show"], &[]));
    assert_eq!(
        shown["ca"]["profiles"],
        serde_json::json!({
            "classic": "The same profile you're accustomed to",
            "shortlived": "A short-lived certificate profile",
        })
    );
    let human = cw.ok(&["account", "show"]);
    assert!(
        human.contains("shortlived: A short-lived certificate profile"),
        "{human}"
    );

    let port = free_ports(1)[0];
    let a = args(
        &[
            "issue",
            "-d",
            "profile.example.test",
            "--profile",
            "tlsserver",
        ],
        &standalone(port),
    );
    fails_with(
        &run(&cw, &a),
        2,
        &["does not offer", "classic", "shortlived"],
    );
    assert_eq!(server.count(Endpoint::NewOrder), 0, "{}", server.dump());

    let a = args(
        &[
            "issue",
            "-d",
            "profile.example.test",
            "--profile",
            "shortlived",
        ],
        &standalone(port),
    );
    let doc = json_ok(&cw, &a);
    assert_eq!(doc["profile"], "shortlived");
    let orders = server.requests(Endpoint::NewOrder);
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0].payload.as_ref().unwrap()["profile"],
        "shortlived",
        "{}",
        server.dump()
    );
    assert_eq!(
        renewal(tmp.path(), "profile.example.test")["profile"].as_str(),
        Some("shortlived")
    );
}

// ---------------------------------------------------------------- helpers

fn server_dir(config_dir: &Path) -> std::ffi::OsString {
    std::fs::read_dir(config_dir.join("accounts"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let meta = std::fs::symlink_metadata(entry.path()).unwrap();
        if meta.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else if meta.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
