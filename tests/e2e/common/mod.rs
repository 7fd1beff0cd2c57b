//! Test harness: a throwaway TLS CA, a real Pebble and pebble-challtestsrv
//! on free loopback ports (stopped on drop, also when a test panics), and a
//! runner for the real certwright binary.
#![allow(dead_code)]

pub mod acme2certifier;
pub mod bind;
pub mod caddy;
pub mod fake_clock;
pub mod fault_server;
pub mod netns;
pub mod nginx;
pub mod pdns;

use certwright::clock::Clock;
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509, X509NameBuilder};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_certwright");

/// A CA for the test servers' own TLS, and a localhost certificate from it.
pub struct TlsFixture {
    pub ca_pem: PathBuf,
    pub cert_pem: PathBuf,
    pub key_pem: PathBuf,
    pub ca_cert: X509,
    pub ca_key: PKey<Private>,
}

pub fn ec_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
}

pub fn name(cn: &str) -> openssl::x509::X509Name {
    let mut b = X509NameBuilder::new().unwrap();
    b.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
    b.build()
}

/// A CA certificate under construction: version, serial, subject, key,
/// validity from now, and the CA constraints every test CA needs. The
/// caller sets the issuer, adds what is specific to it, and signs.
pub fn ca_builder(
    subject: &openssl::x509::X509NameRef,
    key: &PKey<Private>,
    serial: &openssl::asn1::Asn1IntegerRef,
    days: u32,
    pathlen: Option<u32>,
) -> openssl::x509::X509Builder {
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(serial).unwrap();
    b.set_subject_name(subject).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(days).unwrap())
        .unwrap();
    let mut constraints = BasicConstraints::new();
    constraints.critical().ca();
    if let Some(n) = pathlen {
        constraints.pathlen(n);
    }
    b.append_extension(constraints.build().unwrap()).unwrap();
    b.append_extension(
        KeyUsage::new()
            .critical()
            .key_cert_sign()
            .crl_sign()
            .build()
            .unwrap(),
    )
    .unwrap();
    b
}

fn rand_hex() -> String {
    let mut bytes = [0u8; 6];
    openssl::rand::rand_bytes(&mut bytes).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn serial() -> openssl::asn1::Asn1Integer {
    let mut bn = BigNum::new().unwrap();
    bn.rand(64, MsbOption::MAYBE_ZERO, false).unwrap();
    bn.to_asn1_integer().unwrap()
}

impl TlsFixture {
    pub fn create(dir: &Path) -> TlsFixture {
        let ca_key = ec_key();
        // A unique name per fixture: a bundle trusting two test servers
        // must not hold two CAs OpenSSL cannot tell apart by subject.
        let ca_name = name(&format!("certwright test TLS CA {}", rand_hex()));
        let mut ca = ca_builder(&ca_name, &ca_key, &serial(), 30, None);
        ca.set_issuer_name(&ca_name).unwrap();
        ca.sign(&ca_key, MessageDigest::sha256()).unwrap();
        let ca_cert = ca.build();

        let key = ec_key();
        let mut leaf = X509::builder().unwrap();
        leaf.set_version(2).unwrap();
        leaf.set_serial_number(&serial()).unwrap();
        leaf.set_subject_name(&name("localhost")).unwrap();
        leaf.set_issuer_name(ca_cert.subject_name()).unwrap();
        leaf.set_pubkey(&key).unwrap();
        leaf.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        leaf.set_not_after(&Asn1Time::days_from_now(30).unwrap())
            .unwrap();
        let san = SubjectAlternativeName::new()
            .dns("localhost")
            .ip("127.0.0.1")
            .build(&leaf.x509v3_context(Some(&ca_cert), None))
            .unwrap();
        leaf.append_extension(san).unwrap();
        leaf.sign(&ca_key, MessageDigest::sha256()).unwrap();
        let leaf = leaf.build();

        let ca_pem = dir.join("tls-ca.pem");
        let cert_pem = dir.join("tls-cert.pem");
        let key_pem = dir.join("tls-key.pem");
        std::fs::write(&ca_pem, ca_cert.to_pem().unwrap()).unwrap();
        std::fs::write(&cert_pem, leaf.to_pem().unwrap()).unwrap();
        std::fs::write(&key_pem, key.private_key_to_pem_pkcs8().unwrap()).unwrap();
        TlsFixture {
            ca_pem,
            cert_pem,
            key_pem,
            ca_cert,
            ca_key,
        }
    }
}

/// certwright's own http-01 server on loopback `port`.
pub fn standalone_flags(port: u16) -> Vec<String> {
    [
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port.to_string(),
    ]
    .map(String::from)
    .to_vec()
}

/// The usual first issue of one name: `issue -d NAME`, the standalone
/// solver on a free port, registering on the fly.
pub fn issue_args(name: &str) -> Vec<String> {
    let mut args: Vec<String> = vec!["issue".into(), "-d".into(), name.into()];
    args.extend(standalone_flags(free_ports(1)[0]));
    args.extend(["--email", "admin@example.com", "--agree-tos"].map(String::from));
    args
}

/// The same with a webroot instead of the standalone server.
pub fn webroot_issue_args(name: &str, webroot: &Path) -> Vec<String> {
    let mut args: Vec<String> = vec!["issue".into(), "-d".into(), name.into()];
    args.extend([
        "--webroot".into(),
        "-w".into(),
        webroot.display().to_string(),
    ]);
    args.extend(["--email", "admin@example.com", "--agree-tos"].map(String::from));
    args
}

/// `n` distinct free loopback ports (all held while choosing, so they differ).
/// Ports for the servers a test starts. They are taken below the kernel's
/// ephemeral range (32768 and up), so no outgoing connection of any process
/// is given one before its server binds it, and never twice within this
/// binary, whose tests run in parallel: both happened with port 0 (a
/// standalone server found its port "already in use").
pub fn free_ports(n: usize) -> Vec<u16> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    const FIRST: u64 = 20_000;
    const SPAN: u64 = 12_000;
    let start = u64::from(std::process::id()) * 7_919;
    let mut held = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..SPAN {
        if ports.len() == n {
            break;
        }
        let port = (FIRST + (start + NEXT.fetch_add(1, Ordering::Relaxed)) % SPAN) as u16;
        let tcp = TcpListener::bind(("127.0.0.1", port));
        let udp = std::net::UdpSocket::bind(("127.0.0.1", port));
        if let (Ok(tcp), Ok(udp)) = (tcp, udp) {
            held.push((tcp, udp));
            ports.push(port);
        }
    }
    assert_eq!(ports.len(), n, "no free loopback ports left below 32768");
    ports
}

pub fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    if let Err(e) = try_wait_for_port(port, what, child) {
        panic!("{e}");
    }
}

/// Waits until `child` listens on `port`. A port another process took
/// between `free_ports` and the child's bind makes the child exit: that is
/// an Err, so the caller can try again with other ports.
pub fn try_wait_for_port(port: u16, what: &str, child: &mut Child) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("{what} exited early with {status}"));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            // The listener may be someone else's: make sure ours is alive.
            std::thread::sleep(Duration::from_millis(30));
            return match child.try_wait() {
                Ok(None) => Ok(()),
                _ => Err(format!("{what} exited after its port {port} answered")),
            };
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Err(format!("{what} did not listen on port {port} within 20 s"))
}

fn require(binary: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(binary).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{binary} is not installed: the integration tests need Debian's `pebble` package (apt-get install -y pebble)"
    );
}

#[derive(Default)]
pub struct PebbleOptions {
    /// Extra environment for Pebble (e.g. PEBBLE_WFE_NONCEREJECT).
    pub env: Vec<(&'static str, String)>,
    /// Reject this percentage of nonces [default 0, so request counts are exact].
    pub nonce_reject: u8,
    pub eab_keys: Vec<(String, String)>,
    /// Pebble's DNS server (`-dnsserver`) instead of challtestsrv, e.g. a
    /// test BIND: the CA then validates against what certwright changed.
    pub dns_server: Option<String>,
    /// The port Pebble's VA connects to for http-01 (a web server the test
    /// runs, e.g. nginx) [default: a free one nobody listens on].
    pub http_port: Option<u16>,
}

/// A running Pebble plus pebble-challtestsrv as its DNS server.
pub struct Pebble {
    pub dir: tempfile::TempDir,
    pub tls: TlsFixture,
    pub directory: String,
    pub management: String,
    /// Port Pebble's VA connects to for http-01.
    pub http_port: u16,
    /// Port Pebble's VA connects to for tls-alpn-01 (its `tlsPort`).
    pub tls_port: u16,
    pub dns_port: u16,
    /// pebble-challtestsrv's management API (set TXT records, etc.).
    pub challtestsrv: String,
    children: Vec<Child>,
}

impl Pebble {
    pub fn start() -> Pebble {
        Pebble::start_with(PebbleOptions::default())
    }

    /// Starts Pebble and challtestsrv, choosing new ports when a parallel
    /// test won the race for one of them.
    pub fn start_with(options: PebbleOptions) -> Pebble {
        require("pebble");
        require("pebble-challtestsrv");
        let mut last_error = String::new();
        for _ in 0..5 {
            match Pebble::try_start(&options) {
                Ok(pebble) => return pebble,
                Err(e) => last_error = e,
            }
        }
        panic!("could not start Pebble: {last_error}");
    }

    fn try_start(options: &PebbleOptions) -> Result<Pebble, String> {
        let dir = tempfile::tempdir().unwrap();
        let tls = TlsFixture::create(dir.path());
        let ports = free_ports(6);
        let (acme, mgmt, http, tls_port, dns, cts_mgmt) = (
            ports[0],
            ports[1],
            options.http_port.unwrap_or(ports[2]),
            ports[3],
            ports[4],
            ports[5],
        );

        let cts_log = std::fs::File::create(dir.path().join("challtestsrv.log")).unwrap();
        let mut cts = Command::new("pebble-challtestsrv")
            .args([
                "-defaultIPv4",
                "127.0.0.1",
                "-defaultIPv6",
                "",
                "-dns01",
                &format!("127.0.0.1:{dns}"),
                "-management",
                &format!("127.0.0.1:{cts_mgmt}"),
                "-http01",
                "",
                "-https01",
                "",
                "-tlsalpn01",
                "",
            ])
            .stdout(cts_log.try_clone().unwrap())
            .stderr(cts_log)
            .stdin(Stdio::null())
            .spawn()
            .expect("start pebble-challtestsrv");
        if let Err(e) = try_wait_for_port(cts_mgmt, "pebble-challtestsrv", &mut cts) {
            let _ = cts.kill();
            let _ = cts.wait();
            return Err(e);
        }

        let mut config = serde_json::json!({"pebble": {
            "listenAddress": format!("127.0.0.1:{acme}"),
            "managementListenAddress": format!("127.0.0.1:{mgmt}"),
            "certificate": tls.cert_pem,
            "privateKey": tls.key_pem,
            "httpPort": http,
            "tlsPort": tls_port,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": !options.eab_keys.is_empty(),
        }});
        if !options.eab_keys.is_empty() {
            config["pebble"]["externalAccountMACKeys"] = serde_json::json!(
                options
                    .eab_keys
                    .iter()
                    .cloned()
                    .collect::<std::collections::BTreeMap<_, _>>()
            );
        }
        let config_path = dir.path().join("pebble-config.json");
        std::fs::write(&config_path, config.to_string()).unwrap();
        let log = std::fs::File::create(dir.path().join("pebble.log")).unwrap();
        let mut cmd = Command::new("pebble");
        cmd.arg("-config")
            .arg(&config_path)
            .arg("-dnsserver")
            .arg(
                options
                    .dns_server
                    .clone()
                    .unwrap_or_else(|| format!("127.0.0.1:{dns}")),
            )
            .env("PEBBLE_VA_NOSLEEP", "1")
            .env("PEBBLE_WFE_NONCEREJECT", options.nonce_reject.to_string())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null());
        for (k, v) in &options.env {
            cmd.env(k, v);
        }
        let mut pebble = cmd.spawn().expect("start pebble");
        let started = try_wait_for_port(acme, "pebble", &mut pebble)
            .and_then(|()| answers_as_pebble(acme, &tls.ca_pem, &mut pebble));
        if let Err(e) = started {
            for child in [&mut cts, &mut pebble] {
                let _ = child.kill();
                let _ = child.wait();
            }
            return Err(format!(
                "{e}\n{}",
                std::fs::read_to_string(dir.path().join("pebble.log")).unwrap_or_default()
            ));
        }

        Ok(Pebble {
            directory: format!("https://127.0.0.1:{acme}/dir"),
            management: format!("https://127.0.0.1:{mgmt}"),
            http_port: http,
            tls_port,
            dns_port: dns,
            challtestsrv: format!("http://127.0.0.1:{cts_mgmt}"),
            children: vec![cts, pebble],
            tls,
            dir,
        })
    }

    pub fn ca_bundle(&self) -> &Path {
        &self.tls.ca_pem
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pebble.log")).unwrap_or_default()
    }

    /// A GET on Pebble's management interface (roots, intermediates, status).
    pub fn management_get(&self, path: &str) -> (u16, Vec<u8>) {
        http_get(
            &format!("{}{path}", self.management),
            Some(self.ca_bundle()),
        )
    }

    /// PEM of Pebble's root for chain `n` (0 = default).
    pub fn root_pem(&self, n: usize) -> Vec<u8> {
        let (status, body) = self.management_get(&format!("/roots/{n}"));
        assert_eq!(status, 200, "fetching Pebble's root {n}");
        body
    }

    /// POSTs JSON to pebble-challtestsrv's management API.
    pub fn challtestsrv_post(&self, path: &str, body: &serde_json::Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let resp = agent
            .post(&format!("{}{path}", self.challtestsrv))
            .send(body.to_string().as_bytes())
            .expect("challtestsrv request");
        assert_eq!(resp.status().as_u16(), 200, "challtestsrv {path}");
    }
}

impl Drop for Pebble {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- pebble.log ---\n{}", self.log());
        }
    }
}

/// The port answering is not proof enough: another process may hold it
/// while Pebble, which binds only after generating its CA, fails with
/// "address already in use". Only Pebble serves its directory over TLS with
/// this fixture's certificate.
fn answers_as_pebble(port: u16, ca: &Path, pebble: &mut Child) -> Result<(), String> {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(2)))
        .build();
    let agent = certwright::acme::tls::agent(config, Some(ca)).map_err(|e| e.to_string())?;
    let url = format!("https://127.0.0.1:{port}/dir");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(Some(status)) = pebble.try_wait() {
            return Err(format!("pebble exited early with {status}"));
        }
        match agent.get(&url).call() {
            Ok(resp) if resp.status().as_u16() == 200 => return Ok(()),
            Ok(resp) => last = format!("HTTP {}", resp.status()),
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{url} is not Pebble's directory: {last}"))
}

/// A plain GET, trusting `ca` if given, through certwright's own TLS
/// connector.
pub fn http_get(url: &str, ca: Option<&Path>) -> (u16, Vec<u8>) {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build();
    let agent = certwright::acme::tls::agent(config, ca).unwrap();
    let mut resp = agent.get(url).call().expect("GET");
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_vec().unwrap())
}

/// The real binary with a private config dir; stdin closed (non-interactive).
pub struct Certwright {
    pub config_dir: PathBuf,
    pub server: String,
    pub ca_bundle: PathBuf,
}

impl Certwright {
    pub fn new(config_dir: &Path, pebble: &Pebble) -> Certwright {
        Certwright {
            config_dir: config_dir.to_path_buf(),
            server: pebble.directory.clone(),
            ca_bundle: pebble.ca_bundle().to_path_buf(),
        }
    }

    /// A command with the config dir, server and CA bundle in the
    /// environment, the way a sysadmin's wrapper would set them.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env("CERTWRIGHT_CONFIG_DIR", &self.config_dir)
            .env("CERTWRIGHT_SERVER", &self.server)
            .env("CERTWRIGHT_CA_BUNDLE", &self.ca_bundle)
            .env_remove("CERTWRIGHT_MAX_RETRY_WAIT")
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run certwright")
    }

    /// Runs and asserts success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "certwright {args:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn register(&self) {
        self.ok(&["register", "--email", "admin@example.com", "--agree-tos"]);
    }

    pub fn live(&self, name: &str) -> PathBuf {
        self.config_dir.join("live").join(name)
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Facts about an installed lineage, read with OpenSSL independently of
/// certwright's own parsing.
pub struct InstalledCert {
    pub leaf: X509,
    pub chain: Vec<X509>,
    pub key: PKey<Private>,
}

impl InstalledCert {
    pub fn read(live: &Path) -> InstalledCert {
        let full =
            X509::stack_from_pem(&std::fs::read(live.join("fullchain.pem")).unwrap()).unwrap();
        let cert = X509::from_pem(&std::fs::read(live.join("cert.pem")).unwrap()).unwrap();
        let chain = X509::stack_from_pem(&std::fs::read(live.join("chain.pem")).unwrap()).unwrap();
        let key =
            PKey::private_key_from_pem(&std::fs::read(live.join("privkey.pem")).unwrap()).unwrap();
        assert_eq!(
            full[0].to_der().unwrap(),
            cert.to_der().unwrap(),
            "fullchain starts with cert"
        );
        assert_eq!(full.len(), chain.len() + 1, "fullchain = cert + chain");
        InstalledCert {
            leaf: cert,
            chain,
            key,
        }
    }

    pub fn sans(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .leaf
            .subject_alt_names()
            .map(|s| {
                s.iter()
                    .filter_map(|g| {
                        g.dnsname().map(str::to_string).or_else(|| {
                            g.ipaddress().map(|ip| match ip.len() {
                                4 => std::net::IpAddr::from(<[u8; 4]>::try_from(ip).unwrap())
                                    .to_string(),
                                _ => std::net::IpAddr::from(<[u8; 16]>::try_from(ip).unwrap())
                                    .to_string(),
                            })
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    pub fn key_matches(&self) -> bool {
        self.leaf.public_key().unwrap().public_eq(&self.key)
    }

    /// Verifies leaf + chain up to `root_pem` with OpenSSL's verifier.
    pub fn verifies_to(&self, root_pem: &[u8]) -> bool {
        use openssl::stack::Stack;
        use openssl::x509::X509StoreContext;
        use openssl::x509::store::X509StoreBuilder;
        let mut store = X509StoreBuilder::new().unwrap();
        for root in X509::stack_from_pem(root_pem).unwrap() {
            store.add_cert(root).unwrap();
        }
        let store = store.build();
        let mut chain = Stack::new().unwrap();
        for c in &self.chain {
            chain.push(c.clone()).unwrap();
        }
        let mut ctx = X509StoreContext::new().unwrap();
        ctx.init(&store, &self.leaf, &chain, |c| c.verify_cert())
            .unwrap()
    }
}

pub fn file_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Text forms of a private key that must never be printed: its PEM body
/// lines and its private scalar (base64url as in a JWK `d`, and hex).
pub fn secret_forms(key: &PKey<Private>, pem: &[u8]) -> Vec<String> {
    let mut forms: Vec<String> = String::from_utf8_lossy(pem)
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(str::to_string)
        .collect();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let scalars = if let Ok(ec) = key.ec_key() {
        vec![ec.private_key().to_vec()]
    } else {
        let rsa = key.rsa().unwrap();
        vec![rsa.d().to_vec(), rsa.p().unwrap().to_vec()]
    };
    for s in scalars {
        forms.push(b64.encode(&s));
        let hex: String = s.iter().map(|b| format!("{b:02x}")).collect();
        forms.push(hex.clone());
        forms.push(hex.to_uppercase());
    }
    forms
}

/// Deactivates every authorization the runs in `cw`'s config dir touched
/// (their URLs are in the run logs), so the next order for those names must
/// be validated again. Pebble 2.4 reuses a valid authorization when
/// `rand.Intn(100) > PEBBLE_AUTHZREUSE`, so 1% of the time even at 0, and a
/// test that needs a second validation (a renewal that must fail, a
/// challenge it watches) failed that often. RFC 8555 §7.5.2.
pub fn forget_authorizations(cw: &Certwright) {
    use certwright::acme::client::AcmeClient;
    use certwright::acme::retry::RetryPolicy;
    use certwright::acme::transport::{HttpSettings, Repeat, Transport};
    let store = certwright::store::Store::new(cw.config_dir.clone());
    let loaded = certwright::account::load(&store, &cw.server, None)
        .unwrap()
        .expect("the config dir has an account");
    let transport = Transport::new(
        HttpSettings {
            ca_bundle: Some(&cw.ca_bundle),
        },
        RetryPolicy::default(),
        std::sync::Arc::new(certwright::clock::SystemClock),
        std::sync::Arc::new(certwright::progress::Silent),
    )
    .unwrap();
    let client = AcmeClient::connect(&cw.server, transport).unwrap();
    let account = client.account(&loaded.key, &loaded.record.url);
    let mut urls = std::collections::BTreeSet::new();
    if let Ok(dir) = std::fs::read_dir(cw.config_dir.join("logs")) {
        for entry in dir.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for word in text.split_whitespace() {
                if word.starts_with("https://") && word.contains("/authZ/") {
                    urls.insert(word.to_string());
                }
            }
        }
    }
    assert!(!urls.is_empty(), "no authorization URL in the run logs");
    let mut deactivated = 0;
    for url in &urls {
        // Already deactivated, or invalid: nothing to reuse either way.
        let answer = account.post(
            url,
            &serde_json::json!({"status": "deactivated"}),
            Repeat::Safe,
        );
        if answer
            .ok()
            .and_then(|r| r.json::<serde_json::Value>().ok())
            .is_some_and(|v| v["status"] == "deactivated")
        {
            deactivated += 1;
        }
    }
    assert!(
        deactivated > 0,
        "no authorization of {urls:?} was deactivated"
    );
}
