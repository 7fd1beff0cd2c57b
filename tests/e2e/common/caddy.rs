//! Caddy's `acme_server` (smallstep's ACME code, as in step-ca) in a
//! network namespace of its own: it validates http-01 on port 80 and
//! resolves names through the system resolver, with no option for either.
//! See docs/servers.md for what it does differently.

use super::netns::Netns;
use std::path::PathBuf;
use std::process::Command;

/// Caddy's ACME API port inside the namespace.
pub const PORT: u16 = 14000;

pub struct Caddy {
    /// The namespace Caddy, challtestsrv and the test's certwright share.
    pub ns: Netns,
    pub directory: String,
    /// Caddy's local root: trusted for its API and the issued chains.
    pub root: PathBuf,
}

fn require_caddy() {
    let ok = Command::new("caddy")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "caddy is not installed: the interop tests need Debian's `caddy` package (apt-get install -y caddy)"
    );
}

impl Caddy {
    pub fn start() -> Caddy {
        require_caddy();
        let mut ns = Netns::new();
        let data = ns.dir.path().join("caddy-data");
        // The pki app keeps its CA under `storage`; the acme_server keeps
        // its database under XDG_DATA_HOME, so both stay in the test's dir.
        let config = serde_json::json!({
            "admin": {"disabled": true},
            "storage": {"module": "file_system", "root": data},
            "apps": {
                "http": {
                    "http_port": 8080,
                    "servers": {"acme": {
                        "listen": [format!(":{PORT}")],
                        "automatic_https": {"disable_redirects": true},
                        "routes": [{
                            "match": [{"host": ["localhost"]}],
                            "handle": [{"handler": "acme_server", "ca": "local"}]
                        }]
                    }}
                },
                "pki": {"certificate_authorities": {"local": {"install_trust": false}}}
            }
        });
        let config_path = ns.dir.path().join("caddy.json");
        std::fs::write(&config_path, config.to_string()).unwrap();
        let xdg = ns.dir.path().join("xdg");
        ns.spawn(
            "caddy",
            Command::new("caddy")
                .arg("run")
                .arg("--config")
                .arg(&config_path)
                .env("XDG_DATA_HOME", xdg.join("data"))
                .env("XDG_CONFIG_HOME", xdg.join("config"))
                .env("HOME", &xdg),
        );
        let root = data.join("pki/authorities/local/root.crt");
        let directory = format!("https://localhost:{PORT}/acme/local/directory");
        ns.wait_for_https(&directory, &root, "caddy");
        Caddy {
            ns,
            directory,
            root,
        }
    }
}
