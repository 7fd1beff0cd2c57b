//! A real PowerDNS Authoritative server with the gsqlite3 backend (schema
//! from Debian's pdns-backend-sqlite3) and its HTTP API, on free loopback
//! ports, zones created with pdnsutil; stopped by PID on drop.

use super::bind::{query, require, write_private};
use super::{free_ports, try_wait_for_port};
use hickory_proto::rr::RecordType;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const SCHEMAS: [&str; 2] = [
    "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql",
    "/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql",
];
pub const API_KEY: &str = "certwright-test-api-key";

pub struct PowerDns {
    pub dir: tempfile::TempDir,
    /// DNS (UDP and TCP).
    pub port: u16,
    pub api_url: String,
    child: Child,
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl PowerDns {
    /// Serves `zones` (each with an NS and its A record on 127.0.0.1).
    pub fn start(zones: &[&str]) -> PowerDns {
        require("pdns_server");
        require("pdnsutil");
        require("sqlite3");
        let mut last = String::new();
        for _ in 0..5 {
            match PowerDns::try_start(zones) {
                Ok(p) => return p,
                Err(e) => last = e,
            }
        }
        panic!("could not start PowerDNS: {last}");
    }

    fn try_start(zones: &[&str]) -> Result<PowerDns, String> {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let db = d.join("pdns.sqlite3");
        let schema = SCHEMAS
            .iter()
            .find(|p| Path::new(p).is_file())
            .expect("pdns-backend-sqlite3's schema.sqlite3.sql");
        run(
            Command::new("sqlite3")
                .arg(&db)
                .stdin(std::fs::File::open(schema).unwrap()),
            "sqlite3 < schema",
        );
        // Caches off: a test looks right after each change.
        std::fs::write(
            d.join("pdns.conf"),
            format!(
                "launch=gsqlite3\ngsqlite3-database={}\ncache-ttl=0\nnegquery-cache-ttl=0\nquery-cache-ttl=0\nzone-cache-refresh-interval=0\n",
                db.display()
            ),
        )
        .unwrap();
        for zone in zones {
            let util = || {
                let mut c = Command::new("pdnsutil");
                c.arg(format!("--config-dir={}", d.display()));
                c
            };
            run(
                util().args(["create-zone", zone, &format!("ns1.{zone}")]),
                "pdnsutil create-zone",
            );
            run(
                util().args(["add-record", zone, "ns1", "A", "127.0.0.1"]),
                "pdnsutil add-record",
            );
        }
        let ports = free_ports(2);
        let (port, api) = (ports[0], ports[1]);
        let log = std::fs::File::create(d.join("pdns.log")).unwrap();
        let mut child = Command::new("pdns_server")
            .arg(format!("--config-dir={}", d.display()))
            .arg(format!("--socket-dir={}", d.display()))
            .args([
                "--local-address=127.0.0.1",
                &format!("--local-port={port}"),
                "--api=yes",
                &format!("--api-key={API_KEY}"),
                "--webserver=yes",
                "--webserver-address=127.0.0.1",
                &format!("--webserver-port={api}"),
                "--webserver-allow-from=127.0.0.0/8",
                "--daemon=no",
                "--guardian=no",
                "--disable-syslog=yes",
                // One line per API request: tests count the PATCHes.
                "--webserver-loglevel=normal",
                "--loglevel=6",
            ])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("start pdns_server");
        let log = || std::fs::read_to_string(d.join("pdns.log")).unwrap_or_default();
        for p in [api, port] {
            if let Err(e) = try_wait_for_port(p, "pdns_server", &mut child) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{e}\n{}", log()));
            }
        }
        for zone in zones {
            let mut ok = false;
            for _ in 0..100 {
                if query(port, zone, RecordType::SOA).is_some_and(|m| !m.answers.is_empty()) {
                    ok = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if !ok {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("PowerDNS does not serve {zone}:\n{}", log()));
            }
        }
        Ok(PowerDns {
            port,
            api_url: format!("http://127.0.0.1:{api}"),
            child,
            dir,
        })
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pdns.log")).unwrap_or_default()
    }

    /// A 0600 credentials file (certwright's TOML) for this server's API.
    pub fn credentials(&self, dir: &Path, api_key: Option<&str>) -> PathBuf {
        let path = dir.join("powerdns.toml");
        write_private(
            &path,
            &format!(
                "api_url = \"{}\"\napi_key = \"{}\"\n",
                self.api_url,
                api_key.unwrap_or(API_KEY)
            ),
        );
        path
    }

    /// The API's PATCH requests so far, from the webserver's request log.
    pub fn patches(&self) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains("\"PATCH /api/v1"))
            .count()
    }

    pub fn txt(&self, name: &str) -> Vec<String> {
        super::bind::txt_at(self.port, name)
    }
}

impl Drop for PowerDns {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- pdns.log ---\n{}", self.log());
        }
    }
}
