//! import-certbot against a certbot directory made by the real certbot
//! (Debian's package) issuing from Pebble.

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn certbot(pebble: &Pebble, dir: &Path, args: &[&str]) {
    let out = Command::new("certbot")
        .args(args)
        .args(["--config-dir", dir.join("etc").to_str().unwrap()])
        .args(["--work-dir", dir.join("work").to_str().unwrap()])
        .args(["--logs-dir", dir.join("logs").to_str().unwrap()])
        .args(["--server", &pebble.directory, "--non-interactive"])
        .env("REQUESTS_CA_BUNDLE", pebble.ca_bundle())
        .output()
        .expect("certbot is installed (apt-get install certbot)");
    assert!(
        out.status.success(),
        "certbot {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tree_digest(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let content = if meta.file_type().is_symlink() {
                std::fs::read_link(&p)
                    .unwrap()
                    .to_string_lossy()
                    .as_bytes()
                    .to_vec()
            } else if meta.is_dir() {
                stack.push(p.clone());
                Vec::new()
            } else {
                std::fs::read(&p).unwrap()
            };
            out.push((p.display().to_string(), content));
        }
    }
    out.sort();
    out
}

#[test]
fn imports_a_real_certbot_lineage_and_account() {
    let pebble = Pebble::start();
    let certbot_dir = tempfile::tempdir().unwrap();
    let port = pebble.http_port.to_string();
    certbot(
        &pebble,
        certbot_dir.path(),
        &["register", "--agree-tos", "--email", "cb@example.com"],
    );
    certbot(
        &pebble,
        certbot_dir.path(),
        &[
            "certonly",
            "--standalone",
            "--http-01-port",
            &port,
            "--http-01-address",
            "127.0.0.1",
            "-d",
            "cb.example.test",
            "-d",
            "www.cb.example.test",
            "--key-type",
            "rsa",
            "--rsa-key-size",
            "2048",
        ],
    );
    let etc = certbot_dir.path().join("etc");
    let before = tree_digest(&etc);

    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(tmp.path(), &pebble);
    let out = cw.ok(&[
        "--json",
        "import-certbot",
        "--certbot-dir",
        etc.to_str().unwrap(),
    ]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["ok"], true, "{doc}");
    assert_eq!(doc["lineages"][0]["name"], "cb.example.test");
    assert_eq!(tree_digest(&etc), before, "certbot's files must not change");

    // The same certificate and key are now served from certwright's live/.
    let imported = InstalledCert::read(&cw.live("cb.example.test"));
    let original = std::fs::read(etc.join("live/cb.example.test/cert.pem")).unwrap();
    assert_eq!(
        imported.leaf.to_pem().unwrap(),
        openssl::x509::X509::from_pem(&original)
            .unwrap()
            .to_pem()
            .unwrap()
    );
    assert!(imported.key_matches());
    let renewal = std::fs::read_to_string(tmp.path().join("renewal/cb.example.test.toml")).unwrap();
    assert!(renewal.contains("kind = \"standalone\""), "{renewal}");
    assert!(renewal.contains("rsa2048"), "{renewal}");
    assert!(
        renewal.contains(&format!("http_port = {port}")),
        "{renewal}"
    );

    // certbot's account key was converted from JWK: the CA accepts it.
    cw.ok(&[
        "issue",
        "-d",
        "cb.example.test",
        "-d",
        "www.cb.example.test",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--force-renewal",
    ]);
    let renewed = InstalledCert::read(&cw.live("cb.example.test"));
    assert_ne!(
        renewed.leaf.to_der().unwrap(),
        imported.leaf.to_der().unwrap()
    );
    let accounts = std::fs::read_dir(tmp.path().join("accounts"))
        .unwrap()
        .count();
    assert_eq!(
        accounts, 1,
        "the imported account was used, no new one registered"
    );
}

#[test]
fn untranslatable_lineages_are_reported_not_imported() {
    let certbot_dir = tempfile::tempdir().unwrap();
    let etc = certbot_dir.path();
    std::fs::create_dir_all(etc.join("renewal")).unwrap();
    std::fs::write(
        etc.join("renewal/apache.example.com.conf"),
        "cert = /nonexistent/cert.pem\nprivkey = /nonexistent/privkey.pem\nchain = /x\nfullchain = /y\n\
         [renewalparams]\nauthenticator = apache\naccount = abc\n",
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "import-certbot",
            "--certbot-dir",
            etc.to_str().unwrap(),
            "--config-dir",
            tmp.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("skipped  apache.example.com"), "{text}");
    assert!(
        text.contains("authenticator `apache` has no certwright equivalent"),
        "{text}"
    );
}
