//! A real Debian nginx for the tests: its own prefix in a temporary
//! directory (configuration in Debian's layout, pid, logs and temp paths
//! inside), free loopback ports, stopped by PID when dropped (also when a
//! test panics). The system's /etc/nginx is never read or touched: every
//! nginx command gets `-c PREFIX/nginx.conf`, and the pid file named in
//! that file is what `nginx -s reload` signals.
//!
//! Workers run as nginx's default user (nobody) when the tests run as
//! root: they only answer `return` directives and serve nothing from disk,
//! and the master (root) reads certificates and keys, so nothing in the
//! prefix needs to be readable by them.

use super::{free_ports, try_wait_for_port};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn require_nginx() {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join("nginx").is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "nginx is not installed: these tests need Debian's `nginx` package (apt-get install -y nginx)"
    );
}

/// A server block for [`NginxServer::start`].
pub struct Site {
    /// File name under sites-available/ (symlinked from sites-enabled/).
    pub file: &'static str,
    pub body: String,
}

pub struct NginxServer {
    pub prefix: tempfile::TempDir,
    pub http_port: u16,
    pub https_port: u16,
    child: Option<Child>,
}

/// The main file of Debian's package, trimmed to what a test needs, with
/// every path inside the prefix.
fn main_conf(prefix: &Path) -> String {
    let p = prefix.display();
    format!(
        "# Debian's layout, in a private prefix.
pid {p}/nginx.pid;
error_log {p}/logs/error.log;
worker_processes 1;

events {{
\tworker_connections 64;
\t# multi_accept on;
}}

http {{
\t##
\t# Basic Settings
\t##
\tsendfile on;
\ttypes_hash_max_size 2048;
\tinclude mime.types;
\tdefault_type application/octet-stream;
\taccess_log {p}/logs/access.log;
\tclient_body_temp_path {p}/tmp/body;
\tproxy_temp_path {p}/tmp/proxy;
\tfastcgi_temp_path {p}/tmp/fastcgi;
\tuwsgi_temp_path {p}/tmp/uwsgi;
\tscgi_temp_path {p}/tmp/scgi;

\tssl_protocols TLSv1.2 TLSv1.3; # Dropping SSLv3, ref: POODLE

\tmap $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}

\t##
\t# Virtual Host Configs
\t##
\tinclude conf.d/*.conf;
\tinclude sites-enabled/*;
}}
"
    )
}

impl NginxServer {
    /// Writes Debian's layout into a new prefix (nginx.conf, mime.types,
    /// conf.d/, snippets/, sites-available/ with symlinks in
    /// sites-enabled/), `sites` formatted with `{http}` and `{https}`
    /// replaced by the chosen ports, and starts nginx on it.
    pub fn start(sites: &[Site]) -> NginxServer {
        require_nginx();
        let mut last_error = String::new();
        for _ in 0..5 {
            let ports = free_ports(2);
            match NginxServer::try_start(sites, ports[0], ports[1]) {
                Ok(server) => return server,
                Err(e) => last_error = e,
            }
        }
        panic!("could not start nginx: {last_error}");
    }

    fn try_start(sites: &[Site], http: u16, https: u16) -> Result<NginxServer, String> {
        let prefix = tempfile::tempdir().unwrap();
        let p = prefix.path();
        for d in [
            "logs",
            "tmp",
            "conf.d",
            "snippets",
            "sites-available",
            "sites-enabled",
        ] {
            std::fs::create_dir_all(p.join(d)).unwrap();
        }
        std::fs::write(p.join("nginx.conf"), main_conf(p)).unwrap();
        std::fs::write(
            p.join("mime.types"),
            "types {\n    text/html html htm;\n    text/plain txt;\n}\n",
        )
        .unwrap();
        std::fs::write(p.join("conf.d/gzip.conf"), "gzip on;\n").unwrap();
        std::fs::write(
            p.join("snippets/headers.conf"),
            "# shared by several sites\nadd_header X-Test \"yes\" always;\n",
        )
        .unwrap();
        for site in sites {
            let body = site
                .body
                .replace("{http}", &http.to_string())
                .replace("{https}", &https.to_string());
            std::fs::write(p.join("sites-available").join(site.file), body).unwrap();
            std::os::unix::fs::symlink(
                format!("../sites-available/{}", site.file),
                p.join("sites-enabled").join(site.file),
            )
            .unwrap();
        }
        let mut server = NginxServer {
            prefix,
            http_port: http,
            https_port: https,
            child: None,
        };
        server.spawn()?;
        Ok(server)
    }

    fn spawn(&mut self) -> Result<(), String> {
        let p = self.prefix.path();
        let log = std::fs::File::create(p.join("logs/stderr.log")).unwrap();
        let mut child = Command::new("nginx")
            .arg("-p")
            .arg(p)
            .arg("-c")
            .arg(p.join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start nginx");
        if let Err(e) = try_wait_for_port(self.http_port, "nginx", &mut child) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{e}\n{}", self.log()));
        }
        self.child = Some(child);
        Ok(())
    }

    pub fn root(&self) -> &Path {
        self.prefix.path()
    }

    pub fn conf(&self) -> PathBuf {
        self.root().join("nginx.conf")
    }

    pub fn site(&self, file: &str) -> PathBuf {
        self.root().join("sites-available").join(file)
    }

    /// `nginx -c PREFIX/nginx.conf ARGS`, as certwright runs it.
    pub fn ctl(&self, args: &[&str]) -> std::process::Output {
        Command::new("nginx")
            .arg("-c")
            .arg(self.conf())
            .args(args)
            .output()
            .expect("run nginx")
    }

    pub fn log(&self) -> String {
        let p = self.root();
        format!(
            "{}{}",
            std::fs::read_to_string(p.join("logs/stderr.log")).unwrap_or_default(),
            std::fs::read_to_string(p.join("logs/error.log")).unwrap_or_default()
        )
    }

    /// Every file of the configuration, for before/after comparisons.
    pub fn snapshot(&self) -> Vec<(PathBuf, String)> {
        NginxServer::snapshot_of(self.root())
    }

    pub fn snapshot_of(root: &Path) -> Vec<(PathBuf, String)> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = e.path();
                let name = e.file_name();
                if ["logs", "tmp", "nginx.pid"].contains(&name.to_str().unwrap_or("")) {
                    continue;
                }
                let meta = std::fs::symlink_metadata(&path).unwrap();
                if meta.file_type().is_symlink() {
                    let target = std::fs::read_link(&path).unwrap();
                    out.push((path, format!("-> {}", target.display())));
                } else if meta.is_dir() {
                    stack.push(path);
                } else {
                    out.push((
                        path.clone(),
                        String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned(),
                    ));
                }
            }
        }
        out.sort();
        out
    }

    /// A plain HTTP GET to nginx's http port with this Host header:
    /// (status, body).
    pub fn get(&self, host: &str, path: &str) -> (u16, String) {
        http_request(("127.0.0.1", self.http_port), host, path)
    }

    /// Polls until `f` holds (nginx applies a reload asynchronously).
    pub fn eventually(&self, what: &str, mut f: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if f() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{what}: not within 20 s\n{}", self.log());
    }

    /// The leaf certificate nginx sends for SNI `name` on the https port,
    /// read with `openssl s_client` (PEM), or None when no TLS answers.
    pub fn served_certificate(&self, name: &str) -> Option<Vec<u8>> {
        let out = Command::new("openssl")
            .args([
                "s_client",
                "-connect",
                &format!("127.0.0.1:{}", self.https_port),
                "-servername",
                name,
            ])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let start = text.find("-----BEGIN CERTIFICATE-----")?;
        let end = text.find("-----END CERTIFICATE-----")? + "-----END CERTIFICATE-----".len();
        Some(format!("{}\n", &text[start..end]).into_bytes())
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }
}

pub fn http_request(addr: (&str, u16), host: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return (0, String::new());
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

impl Drop for NginxServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGTERM: the master stops its workers; SIGKILL would orphan
            // them with the listening sockets.
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- nginx logs ---\n{}", self.log());
        }
    }
}
