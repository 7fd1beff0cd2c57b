//! A private network namespace for servers that insist on port 80 and on
//! the system resolver (Caddy's `acme_server`, acme2certifier's http-01
//! validator): loopback only, with its own /etc/resolv.conf pointing at a
//! pebble-challtestsrv on 127.0.0.1:53 that answers every name with
//! 127.0.0.1. Every process of a test (the CA, the web servers, certwright
//! and its hooks) runs inside it, so port 80 and 53 are the test's own.
//!
//! A sleeping holder process keeps the namespace alive; the others join it
//! with nsenter. Drop kills every process started here by PID, then the
//! holder, also when the test panics.

use super::{BIN, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// pebble-challtestsrv's management API inside the namespace.
pub const CTS_MANAGEMENT: &str = "http://127.0.0.1:8055";

pub struct Netns {
    pub dir: tempfile::TempDir,
    holder: Child,
    children: Vec<(String, Child)>,
}

/// Whether this machine can make namespaces (root, util-linux, iproute2):
/// the interop tests need it, and say so plainly when it is missing.
pub fn require_netns() {
    let ok = Command::new("unshare")
        .args(["--net", "--mount", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "the interop tests need `unshare --net --mount` (run as root, util-linux installed)"
    );
}

impl Netns {
    pub fn new() -> Netns {
        require_netns();
        let dir = tempfile::tempdir().unwrap();
        let resolv = dir.path().join("resolv.conf");
        std::fs::write(
            &resolv,
            "nameserver 127.0.0.1\noptions attempts:1 timeout:2\n",
        )
        .unwrap();
        let ready = dir.path().join("ready");
        // unshare without --fork execs the shell inside the namespaces, so
        // the child's PID is the namespace's holder.
        let holder = Command::new("unshare")
            .args(["--net", "--mount", "--propagation", "private", "sh", "-c"])
            .arg(
                "ip link set lo up && mount --bind \"$0\" /etc/resolv.conf && touch \"$1\" \
                 && exec sleep 100000",
            )
            .arg(&resolv)
            .arg(&ready)
            .stdin(Stdio::null())
            .spawn()
            .expect("start the namespace holder");
        let mut ns = Netns {
            dir,
            holder,
            children: Vec::new(),
        };
        for _ in 0..400 {
            if ready.exists() {
                break;
            }
            if let Ok(Some(status)) = ns.holder.try_wait() {
                panic!("the namespace holder exited with {status}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(ready.exists(), "the namespace was not ready within 4 s");
        ns.spawn(
            "pebble-challtestsrv",
            Command::new("pebble-challtestsrv").args([
                "-defaultIPv4",
                "127.0.0.1",
                "-defaultIPv6",
                "",
                "-dns01",
                "127.0.0.1:53",
                "-management",
                "127.0.0.1:8055",
                "-http01",
                "",
                "-https01",
                "",
                "-tlsalpn01",
                "",
            ]),
        );
        ns.wait_for_port(8055, "pebble-challtestsrv");
        ns
    }

    /// `cmd` made to run inside the namespace (program, arguments,
    /// environment and working directory are kept).
    pub fn enter(&self, cmd: &Command) -> Command {
        let mut inner = Command::new("nsenter");
        inner
            .arg("-t")
            .arg(self.holder.id().to_string())
            .args(["--net", "--mount", "--"])
            .arg(cmd.get_program())
            .args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => inner.env(k, v),
                None => inner.env_remove(k),
            };
        }
        if let Some(d) = cmd.get_current_dir() {
            inner.current_dir(d);
        }
        inner
    }

    /// Starts a long-running process inside the namespace, its output going
    /// to `<dir>/<what>.log`; it is killed on drop.
    pub fn spawn(&mut self, what: &str, cmd: &mut Command) {
        let log = std::fs::File::create(self.log_path(what)).unwrap();
        let child = self
            .enter(cmd)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {what}: {e}"));
        self.children.push((what.to_string(), child));
    }

    pub fn log_path(&self, what: &str) -> PathBuf {
        self.dir.path().join(format!("{what}.log"))
    }

    pub fn log(&self, what: &str) -> String {
        std::fs::read_to_string(self.log_path(what)).unwrap_or_default()
    }

    /// Runs a short command inside the namespace to completion.
    pub fn run(&self, cmd: &Command) -> Output {
        self.enter(cmd)
            .stdin(Stdio::null())
            .output()
            .expect("run inside the namespace")
    }

    /// Waits (up to 30 s) until something listens on `port` inside.
    pub fn wait_for_port(&self, port: u16, what: &str) {
        let out = self.run(Command::new("bash").args([
            "-c",
            "for i in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/$0) 2>/dev/null && exit 0; \
             sleep 0.05; done; exit 1",
            &port.to_string(),
        ]));
        assert!(
            out.status.success(),
            "{what} did not listen on port {port} within 30 s\n{}",
            self.log(what)
        );
    }

    /// Waits (up to 30 s) until `url` answers over TLS trusted by `ca`.
    pub fn wait_for_https(&self, url: &str, ca: &Path, what: &str) {
        let out = self.run(Command::new("bash").args([
            "-c",
            "for i in $(seq 600); do [ -f \"$1\" ] && curl -sf -o /dev/null --cacert \"$1\" \"$0\" \
             && exit 0; sleep 0.05; done; exit 1",
            url,
            &ca.to_string_lossy(),
        ]));
        assert!(
            out.status.success(),
            "{what} did not answer {url} within 30 s\n{}",
            self.log(what)
        );
    }

    /// A web server on port 80 serving `root`, for --webroot.
    pub fn serve_webroot(&mut self, root: &Path) {
        self.spawn(
            "webroot-server",
            Command::new("python3")
                .args(["-m", "http.server", "80", "--bind", "127.0.0.1", "-d"])
                .arg(root),
        );
        self.wait_for_port(80, "webroot-server");
    }

    /// A web server on port 80 that answers every http-01 request with a
    /// key authorization for another account: the CA's check fails for
    /// real, with its own problem document.
    pub fn serve_wrong_key_authorization(&mut self) {
        let script = self.dir.path().join("wrong-key-authorization.py");
        std::fs::write(&script, WRONG_KEY_AUTHORIZATION).unwrap();
        self.spawn("wrong-http01", Command::new("python3").arg(&script));
        self.wait_for_port(80, "wrong-http01");
    }

    /// Stops a process started with `spawn` (e.g. to free port 80).
    pub fn stop(&mut self, what: &str) {
        if let Some(i) = self.children.iter().position(|(w, _)| w == what) {
            let (_, mut child) = self.children.remove(i);
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// dns-01 hooks that set and clear the TXT record in the namespace's
    /// pebble-challtestsrv, certbot style (CERTBOT_DOMAIN, CERTBOT_VALIDATION).
    pub fn dns_hooks(&self) -> (PathBuf, PathBuf) {
        let auth = self.dir.path().join("dns-auth.sh");
        let cleanup = self.dir.path().join("dns-cleanup.sh");
        let hook = |action: &str, value: &str| {
            format!(
                "#!/bin/sh\nexec curl -sf -o /dev/null -d \
                 \"{{\\\"host\\\":\\\"_acme-challenge.$CERTBOT_DOMAIN.\\\"{value}}}\" \
                 {CTS_MANAGEMENT}/{action}\n"
            )
        };
        std::fs::write(
            &auth,
            hook("set-txt", ",\\\"value\\\":\\\"$CERTBOT_VALIDATION\\\""),
        )
        .unwrap();
        std::fs::write(&cleanup, hook("clear-txt", "")).unwrap();
        for f in [&auth, &cleanup] {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        (auth, cleanup)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for (_, child) in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = self.holder.kill();
        let _ = self.holder.wait();
        if std::thread::panicking() {
            for (what, _) in &self.children {
                eprintln!("--- {what}.log ---\n{}", self.log(what));
            }
        }
    }
}

const WRONG_KEY_AUTHORIZATION: &str = r#"import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (self.path.rsplit("/", 1)[-1] + ".not-this-accounts-thumbprint").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
http.server.HTTPServer(("127.0.0.1", 80), H).serve_forever()
"#;

/// certwright inside a namespace, with a private config dir and the CA's
/// URL and root in the environment.
pub struct NsCertwright<'a> {
    pub ns: &'a Netns,
    pub config_dir: PathBuf,
    pub server: String,
    pub ca_bundle: PathBuf,
}

impl NsCertwright<'_> {
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("CERTWRIGHT_CONFIG_DIR", &self.config_dir)
            .env("CERTWRIGHT_SERVER", &self.server)
            .env("CERTWRIGHT_CA_BUNDLE", &self.ca_bundle)
            .env_remove("CERTWRIGHT_MAX_RETRY_WAIT");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.ns.run(&self.command(args))
    }

    /// Runs and asserts success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "certwright {args:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
            out.status,
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    }

    pub fn live(&self, name: &str) -> PathBuf {
        self.config_dir.join("live").join(name)
    }
}
