//! acme2certifier (PyPI) with its openssl CA handler and a CA made here,
//! served over TLS by tests/servers/acme2certifier_serve.py, in a network
//! namespace of its own: its http-01 validator connects to port 80. The
//! venv comes from tests/servers/setup-acme2certifier.sh (.ci/run and
//! tests/run-all.sh run it). See docs/servers.md for its quirks.

use super::netns::Netns;
use super::{TlsFixture, ca_builder, ec_key, name, serial};
use openssl::hash::MessageDigest;
use std::path::{Path, PathBuf};
use std::process::Command;

/// acme2certifier's API port inside the namespace.
pub const PORT: u16 = 14001;

pub struct Acme2certifier {
    pub ns: Netns,
    pub directory: String,
    /// The CA of acme2certifier's own TLS.
    pub tls_ca: PathBuf,
    /// The CA that signs the certificates it issues.
    pub issuing_ca: PathBuf,
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn venv() -> PathBuf {
    std::env::var_os("CERTWRIGHT_ACME2CERTIFIER_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/acme2certifier-venv"))
}

impl Acme2certifier {
    pub fn start() -> Acme2certifier {
        let python = venv().join("bin/python");
        assert!(
            python.exists(),
            "no acme2certifier venv at {}: run `bash tests/servers/setup-acme2certifier.sh` \
             (tests/run-all.sh does)",
            venv().display()
        );
        let mut ns = Netns::new();
        let dir = ns.dir.path().to_path_buf();
        let tls = TlsFixture::create(&dir);

        let ca_key = ec_key();
        let ca_name = name("certwright test acme2certifier CA");
        let mut ca = ca_builder(&ca_name, &ca_key, &serial(), 30, None);
        ca.set_issuer_name(&ca_name).unwrap();
        ca.sign(&ca_key, MessageDigest::sha256()).unwrap();
        let issuing_ca = dir.join("issuing-ca.pem");
        let issuing_key = dir.join("issuing-ca.key");
        std::fs::write(&issuing_ca, ca.build().to_pem().unwrap()).unwrap();
        std::fs::write(&issuing_key, ca_key.private_key_to_pem_pkcs8().unwrap()).unwrap();
        let certs = dir.join("a2c-certs");
        std::fs::create_dir(&certs).unwrap();

        let config = format!(
            "[DEFAULT]\ndebug: False\n\n\
             [Nonce]\nnonce_check_disable: False\n\n\
             [CAhandler]\n\
             handler_module: acme2certifier.cahandlers.openssl_ca_handler\n\
             issuing_ca_key: {key}\nissuing_ca_cert: {cert}\nissuing_ca_crl: {crl}\n\
             cert_save_path: {certs}\ncert_validity_days: 30\nca_cert_chain_list: []\n\n\
             [DBhandler]\nhandler: wsgi\ndbfile: {db}\n\n\
             [Certificate]\nrevocation_reason_check_disable: False\n\n\
             [Challenge]\nchallenge_validation_disable: False\n\n\
             [Order]\ntnauthlist_support: False\n",
            key = issuing_key.display(),
            cert = issuing_ca.display(),
            crl = dir.join("crl.pem").display(),
            certs = certs.display(),
            db = dir.join("acme_srv.db").display(),
        );
        let config_path = dir.join("acme_srv.cfg");
        std::fs::write(&config_path, config).unwrap();
        ns.spawn(
            "acme2certifier",
            Command::new(&python)
                .arg(repo().join("tests/servers/acme2certifier_serve.py"))
                .arg(PORT.to_string())
                .arg(&tls.cert_pem)
                .arg(&tls.key_pem)
                .env("ACME_SRV_CONFIGFILE", &config_path)
                .current_dir(&dir),
        );
        let directory = format!("https://localhost:{PORT}/directory");
        ns.wait_for_https(&directory, &tls.ca_pem, "acme2certifier");
        Acme2certifier {
            ns,
            directory,
            tls_ca: tls.ca_pem,
            issuing_ca,
        }
    }
}
