//! Benchmark (figures, not a pass/fail test): how long a `certwright renew`
//! with nothing to do takes for 10 .. 10,000 lineages, and its peak memory.
//!
//! Run it on a release build:
//!
//! ```text
//! cargo test --release --test bench_renew -- --ignored --nocapture
//! ```
//!
//! Each lineage holds a real certificate (ECDSA P-256, 90 days, one day old,
//! with an Authority Key Identifier like a public CA's) signed by a
//! throwaway CA made here with OpenSSL, and a renewal file naming a CA whose
//! directory is cached as having no ARI: the run must decide "not due" for
//! every lineage without a single request. The store is written directly
//! (no fsync), which only makes the setup fast; the measured run reads it
//! exactly as it would read a store written by `issue`.
//!
//! `CERTWRIGHT_BENCH_SIZES=1000,5000` picks the sizes; with
//! `CERTWRIGHT_BENCH_KEEP=DIR` the stores are left in DIR/<N> for profiling.

use certwright::crypto::KeyType;
use certwright::renew::policy::ServerState;
use certwright::store::{RenewalConfig, SolverConfig, Store};
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, SubjectAlternativeName, SubjectKeyIdentifier,
};
use openssl::x509::{X509, X509NameBuilder};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

const BIN: &str = env!("CARGO_BIN_EXE_certwright");
/// Nothing listens here: a request would fail loudly.
const SERVER: &str = "https://127.0.0.1:9/directory";
const RUNS: usize = 7;

fn name(cn: &str) -> openssl::x509::X509Name {
    let mut b = X509NameBuilder::new().unwrap();
    b.append_entry_by_text("CN", cn).unwrap();
    b.build()
}

struct Ca {
    cert: X509,
    key: PKey<Private>,
    leaf_key: PKey<Private>,
}

impl Ca {
    fn new() -> Ca {
        let key = KeyType::EcdsaP256.generate().unwrap();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&name("bench CA")).unwrap();
        b.set_issuer_name(&name("bench CA")).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(365).unwrap())
            .unwrap();
        b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap();
        let ski = SubjectKeyIdentifier::new()
            .build(&b.x509v3_context(None, None))
            .unwrap();
        b.append_extension(ski).unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        Ca {
            cert: b.build(),
            key,
            leaf_key: KeyType::EcdsaP256.generate().unwrap(),
        }
    }

    fn leaf(&self, dns: &str) -> X509 {
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        let mut serial = BigNum::new().unwrap();
        serial.rand(127, MsbOption::MAYBE_ZERO, false).unwrap();
        b.set_serial_number(&serial.to_asn1_integer().unwrap())
            .unwrap();
        b.set_subject_name(&name(dns)).unwrap();
        b.set_issuer_name(self.cert.subject_name()).unwrap();
        b.set_pubkey(&self.leaf_key).unwrap();
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        b.set_not_before(&Asn1Time::from_unix(now - 86400).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::from_unix(now + 89 * 86400).unwrap())
            .unwrap();
        let san = SubjectAlternativeName::new()
            .dns(dns)
            .build(&b.x509v3_context(Some(&self.cert), None))
            .unwrap();
        b.append_extension(san).unwrap();
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&b.x509v3_context(Some(&self.cert), None))
            .unwrap();
        b.append_extension(aki).unwrap();
        b.sign(&self.key, MessageDigest::sha256()).unwrap();
        b.build()
    }
}

fn build_store(root: &Path, n: usize, ca: &Ca) {
    let store = Store::new(root);
    let ca_pem = ca.cert.to_pem().unwrap();
    let key_pem = ca.leaf_key.private_key_to_pem_pkcs8().unwrap();
    std::fs::create_dir_all(root.join("renewal")).unwrap();
    std::fs::create_dir_all(root.join("live")).unwrap();
    for i in 0..n {
        let lineage = format!("site{i:05}.example.com");
        let leaf = ca.leaf(&lineage).to_pem().unwrap();
        let dir = store.archive_dir(&lineage).join("1");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("cert.pem"), &leaf).unwrap();
        std::fs::write(dir.join("chain.pem"), &ca_pem).unwrap();
        std::fs::write(dir.join("fullchain.pem"), [&leaf[..], &ca_pem[..]].concat()).unwrap();
        std::fs::write(dir.join("privkey.pem"), &key_pem).unwrap();
        std::os::unix::fs::symlink(
            Path::new("../archive").join(&lineage).join("1"),
            store.live_path(&lineage),
        )
        .unwrap();
        let config = RenewalConfig {
            name: lineage.clone(),
            server: SERVER.into(),
            account: "0123456789ab".into(),
            domains: vec![lineage.clone(), format!("www.{lineage}")],
            key_type: KeyType::EcdsaP256,
            reuse_key: false,
            solver: SolverConfig::Webroot {
                webroot: "/var/www/html".into(),
            },
            ca_bundle: None,
            preferred_chain: None,
            profile: None,
            csr_path: None,
            key_path: None,
            renew_before: None,
            revoked: false,
            pre_hook: None,
            post_hook: None,
            deploy_hook: Some("systemctl reload nginx".into()),
            installer: None,
            certwright_version: "0.1.0".into(),
        };
        std::fs::write(
            store.renewal_path(&lineage),
            toml::to_string_pretty(&config).unwrap(),
        )
        .unwrap();
    }
    // What `issue` records about the CA: its directory has no renewalInfo.
    store
        .save_server_state(
            SERVER,
            &ServerState::answered(SERVER, None, SystemTime::now()),
        )
        .unwrap();
}

fn renew(root: &Path, output: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["renew", "--no-random-sleep", output, "--config-dir"])
        .arg(root)
        .env_remove("CERTWRIGHT_CONFIG_DIR");
    cmd
}

fn check(out: &std::process::Output, n: usize) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["checked"], n);
    assert_eq!(doc["renewed"], 0);
    assert_eq!(doc["requests"], 0);
}

/// Peak RSS in KiB of one run, from GNU time (absent: None).
fn peak_rss_kib(root: &Path) -> Option<u64> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(BIN)
        .args(["renew", "--no-random-sleep", "-q", "--config-dir"])
        .arg(root)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn bench_noop_renew_scan() {
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; figures for the docs come from --release");
    }
    let ca = Ca::new();
    // Per lineage: the time above an empty store's run (process start,
    // argument parsing, the lock), divided by the lineage count.
    let mut baseline = Duration::ZERO;
    println!("\n   lineages   wall (median of {RUNS})   per lineage   peak RSS");
    let sizes: Vec<usize> = std::env::var("CERTWRIGHT_BENCH_SIZES")
        .map(|s| s.split(',').map(|n| n.trim().parse().unwrap()).collect())
        .unwrap_or_else(|_| vec![0, 10, 100, 1_000, 10_000]);
    let keep = std::env::var_os("CERTWRIGHT_BENCH_KEEP").map(std::path::PathBuf::from);
    for n in sizes {
        let tmp = tempfile::tempdir().unwrap();
        let root = match &keep {
            Some(dir) => dir.join(n.to_string()),
            None => tmp.path().join("config"),
        };
        build_store(&root, n, &ca);
        // Warm the page cache, and prove the run does what we measure.
        check(&renew(&root, "--json").output().unwrap(), n);
        let mut walls: Vec<Duration> = (0..RUNS)
            .map(|_| {
                // -q, as from cron.
                let started = Instant::now();
                let out = renew(&root, "-q").output().unwrap();
                let wall = started.elapsed();
                assert!(out.status.success() && out.stdout.is_empty() && out.stderr.is_empty());
                wall
            })
            .collect();
        walls.sort();
        let median = walls[RUNS / 2];
        let per = if n == 0 {
            baseline = median;
            "-".to_string()
        } else {
            let above = median.saturating_sub(baseline);
            format!("{:.1} µs", above.as_secs_f64() * 1e6 / n as f64)
        };
        let rss = peak_rss_kib(&root)
            .map(|k| format!("{:.1} MiB", k as f64 / 1024.0))
            .unwrap_or_else(|| "n/a".into());
        println!(
            "{n:>11}   {:>17.1} ms   {per:>11}   {rss:>8}",
            median.as_secs_f64() * 1e3
        );
    }
}
