//! A real BIND 9 (`named -g`) on a free loopback port (UDP and TCP), in
//! its own directory, primary for test zones that accept DNS UPDATE signed
//! with a TSIG key made by tsig-keygen; stopped by PID on drop.

use super::{free_ports, try_wait_for_port};
use hickory_proto::op::{Message, Query};
use hickory_proto::rr::{Name, RData, RecordType};
use std::net::UdpSocket;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A zone BIND serves: its name and extra lines for its zone file
/// (relative names are inside the zone).
pub struct TestZone {
    pub name: String,
    pub records: Vec<String>,
}

impl TestZone {
    pub fn new(name: &str, records: &[&str]) -> TestZone {
        TestZone {
            name: name.to_string(),
            records: records.iter().map(|r| r.to_string()).collect(),
        }
    }
}

pub struct BindOptions {
    pub zones: Vec<TestZone>,
    /// Zones BIND forwards to another server on loopback (`forward only`),
    /// so one resolver (Pebble's, the propagation check's) sees them too.
    pub forward: Vec<(String, u16)>,
    pub algorithm: &'static str,
}

impl Default for BindOptions {
    fn default() -> Self {
        BindOptions {
            zones: vec![
                TestZone::new(
                    "example.test",
                    &["_acme-challenge.delegated CNAME _acme-challenge.delegated.validation.test."],
                ),
                TestZone::new("validation.test", &[]),
            ],
            forward: Vec::new(),
            algorithm: "hmac-sha256",
        }
    }
}

pub struct Bind {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub key_name: String,
    pub algorithm: String,
    pub secret: String,
    child: Child,
}

pub fn require(binary: &str) {
    let found = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        .iter()
        .any(|d| Path::new(d).join(binary).is_file());
    assert!(
        found,
        "{binary} is not installed: the DNS provider tests need Debian's bind9, pdns-server, pdns-backend-sqlite3 and sqlite3 packages"
    );
}

impl Bind {
    pub fn start() -> Bind {
        Bind::start_with(BindOptions::default())
    }

    pub fn start_with(options: BindOptions) -> Bind {
        require("named");
        require("tsig-keygen");
        let mut last = String::new();
        for _ in 0..5 {
            match Bind::try_start(&options) {
                Ok(bind) => return bind,
                Err(e) => last = e,
            }
        }
        panic!("could not start BIND: {last}");
    }

    fn try_start(options: &BindOptions) -> Result<Bind, String> {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let key_name = "certwright-test-key".to_string();
        let keygen = Command::new("/usr/sbin/tsig-keygen")
            .args(["-a", options.algorithm, &key_name])
            .output()
            .expect("run tsig-keygen");
        assert!(keygen.status.success(), "tsig-keygen failed");
        let key_conf = String::from_utf8(keygen.stdout).unwrap();
        let secret = key_conf
            .lines()
            .find_map(|l| l.trim().strip_prefix("secret \""))
            .and_then(|l| l.strip_suffix("\";"))
            .expect("tsig-keygen prints a secret")
            .to_string();
        std::fs::write(d.join("key.conf"), &key_conf).unwrap();
        let port = free_ports(1)[0];
        let mut conf = format!(
            r#"include "{dir}/key.conf";
options {{
  directory "{dir}";
  pid-file "{dir}/named.pid";
  listen-on port {port} {{ 127.0.0.1; }};
  listen-on-v6 {{ none; }};
  recursion yes;
  allow-recursion {{ 127.0.0.0/8; }};
  dnssec-validation no;
  max-cache-ttl 1;
  max-ncache-ttl 1;
  notify no;
}};
controls {{ }};
"#,
            dir = d.display()
        );
        for zone in &options.zones {
            let mut file =
                "$TTL 60\n@ IN SOA ns1 admin 1 60 60 600 1\n@ IN NS ns1\nns1 IN A 127.0.0.1\n"
                    .to_string();
            for r in &zone.records {
                file.push_str(r);
                file.push('\n');
            }
            let path = d.join(format!("{}.zone", zone.name));
            std::fs::write(&path, file).unwrap();
            conf.push_str(&format!(
                "zone \"{name}\" {{ type primary; file \"{path}\"; allow-update {{ key {key_name}; }}; }};\n",
                name = zone.name,
                path = path.display()
            ));
        }
        for (zone, port) in &options.forward {
            conf.push_str(&format!(
                "zone \"{zone}\" {{ type forward; forward only; forwarders {{ 127.0.0.1 port {port}; }}; }};\n"
            ));
        }
        let conf_path = d.join("named.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let log = std::fs::File::create(d.join("named.log")).unwrap();
        let mut child = Command::new("/usr/sbin/named")
            .arg("-g")
            .arg("-c")
            .arg(&conf_path)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("start named");
        if let Err(e) = try_wait_for_port(port, "named", &mut child) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{e}\n{}",
                std::fs::read_to_string(d.join("named.log")).unwrap_or_default()
            ));
        }
        // TCP answers before the zones are loaded: wait for an SOA.
        let bind = Bind {
            port,
            key_name,
            algorithm: options.algorithm.to_string(),
            secret,
            child,
            dir,
        };
        for zone in &options.zones {
            let mut ok = false;
            for _ in 0..100 {
                if query(bind.port, &zone.name, RecordType::SOA)
                    .is_some_and(|m| !m.answers.is_empty())
                {
                    ok = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if !ok {
                return Err(format!("BIND did not load {}:\n{}", zone.name, bind.log()));
            }
        }
        Ok(bind)
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("named.log")).unwrap_or_default()
    }

    /// A 0600 credentials file in certwright's TOML with this server's key
    /// (or `secret` instead of the right one).
    pub fn credentials(&self, dir: &Path, secret: Option<&str>) -> PathBuf {
        let path = dir.join("rfc2136.toml");
        write_private(
            &path,
            &format!(
                "server = \"{}\"\ntsig_key_name = \"{}\"\ntsig_algorithm = \"{}\"\ntsig_secret = \"{}\"\n",
                self.addr(),
                self.key_name,
                self.algorithm,
                secret.unwrap_or(&self.secret)
            ),
        );
        path
    }

    /// TXT values at `name`, sorted, as BIND serves them now.
    pub fn txt(&self, name: &str) -> Vec<String> {
        txt_at(self.port, name)
    }
}

impl Drop for Bind {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- named.log ---\n{}", self.log());
        }
    }
}

pub fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// One UDP query to 127.0.0.1:`port` with recursion desired.
pub fn query(port: u16, name: &str, kind: RecordType) -> Option<Message> {
    let mut q = Message::query();
    q.metadata.recursion_desired = true;
    q.add_query(Query::query(Name::from_ascii(name).unwrap(), kind));
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    socket
        .send_to(&q.to_vec().unwrap(), ("127.0.0.1", port))
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = socket.recv(&mut buf).ok()?;
    Message::from_vec(&buf[..n]).ok()
}

/// TXT values (joined strings) at `name`, sorted, from the server on
/// `port`; a CNAME's target's values count (the resolver followed it).
pub fn txt_at(port: u16, name: &str) -> Vec<String> {
    let answer = query(port, name, RecordType::TXT).expect("the DNS server answers");
    let mut values: Vec<String> = answer
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::TXT(t) => Some(
                t.txt_data
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    values.sort();
    values
}
