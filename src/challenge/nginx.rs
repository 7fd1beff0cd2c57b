//! http-01 through a running nginx (`--nginx`): a temporary
//! `location = /.well-known/acme-challenge/TOKEN` in every server block
//! that answers the name on the http port, nginx reloaded, and exactly
//! those lines taken out again afterwards: after success, after a failure,
//! and on SIGINT/SIGTERM/SIGHUP (the interrupt cleanup). Lines a killed run
//! left behind are recognised by their mark and removed on the next run.

use super::{ChallengeTask, Solver, check_token};
use crate::acme::types::ChallengeType;
use crate::error::{Error, Result};
use crate::nginx::config::{Config, ListenAddr};
use crate::nginx::ctl::{Applied, Nginx};
use crate::nginx::edit::{self, CHALLENGE_PREFIX};
use crate::nginx::matcher::{self, no_block_error};
use crate::progress::Progress;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long nginx may take to apply a reload before the CA is told to
/// validate: a reload is asynchronous, and a CA that asks the old workers
/// gets a 404 and fails the authorization.
pub const SELF_CHECK_TIMEOUT: Duration = Duration::from_secs(15);
const SELF_CHECK_SLEEP: Duration = Duration::from_millis(50);
const SELF_CHECK_ROUNDS: usize = 2;

pub struct NginxSolver {
    nginx: Nginx,
    http_port: u16,
    pending: Vec<ChallengeTask>,
    applied: Arc<Mutex<Option<Applied>>>,
    guard: Option<crate::interrupt::InterruptGuard>,
    progress: Arc<dyn Progress>,
}

/// What must answer once nginx has reloaded.
struct Check {
    name: String,
    token: String,
    key_authorization: String,
    /// Where the block listens on the http port, to ask nginx directly.
    addresses: Vec<String>,
}

impl NginxSolver {
    pub fn new(nginx: Nginx, http_port: u16, progress: Arc<dyn Progress>) -> NginxSolver {
        NginxSolver {
            nginx,
            http_port,
            pending: Vec::new(),
            applied: Arc::default(),
            guard: None,
            progress,
        }
    }

    /// Before the CA hears from us: nginx runs, its configuration passes
    /// its own test, and every name has a block on the http port.
    pub fn preflight(&self, names: &[String]) -> Result<()> {
        let config = self.nginx.read_config()?;
        let missing: Vec<String> = names
            .iter()
            .filter(|n| {
                matcher::answering(&config, n, self.http_port)
                    .matches
                    .is_empty()
            })
            .cloned()
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(no_block_error(
                &config,
                &missing,
                &format!("on port {} answers", self.http_port),
                self.http_port,
            ))
        }
    }

    fn plan(&self, config: &Config) -> Result<Vec<(edit::Splice, Check)>> {
        let mut out = Vec::new();
        let mut missing = Vec::new();
        for task in &self.pending {
            let name = &task.identifier.value;
            let answer = matcher::answering(config, name, self.http_port);
            for note in &answer.notes {
                self.progress.warn(note);
            }
            if answer.matches.is_empty() {
                missing.push(name.clone());
                continue;
            }
            for m in &answer.matches {
                if !m.by_name {
                    self.progress.warn(&format!(
                        "no server_name matches {name} on port {}; answering through the default server at {}",
                        self.http_port,
                        config.where_is(m.server)
                    ));
                }
                let addresses = m
                    .server
                    .listens
                    .iter()
                    .filter(|l| l.port == self.http_port && !l.proxy_protocol)
                    .filter_map(|l| match &l.addr {
                        ListenAddr::AnyV4 => Some("127.0.0.1".to_string()),
                        ListenAddr::AnyV6 => Some("::1".to_string()),
                        ListenAddr::Ip(ip) => Some(ip.to_string()),
                        ListenAddr::Host(h) => Some(h.clone()),
                        ListenAddr::Unix(_) => None,
                    })
                    .collect();
                let splice =
                    edit::challenge_splice(config, m.server, &task.token, &task.key_authorization)?;
                out.push((
                    splice,
                    Check {
                        name: name.clone(),
                        token: task.token.clone(),
                        key_authorization: task.key_authorization.clone(),
                        addresses,
                    },
                ));
            }
        }
        if !missing.is_empty() {
            return Err(no_block_error(
                config,
                &missing,
                &format!("on port {} answers", self.http_port),
                self.http_port,
            ));
        }
        Ok(out)
    }

    /// Waits until nginx itself answers every challenge on every address
    /// of the blocks, so the CA never meets the old workers.
    fn self_check(&self, checks: &[Check]) -> Result<()> {
        let deadline = Instant::now() + SELF_CHECK_TIMEOUT;
        // Two rounds: an old worker that has not yet seen the master's
        // shutdown signal may still take a connection just after a new
        // worker answered the first round.
        for _round in 0..SELF_CHECK_ROUNDS {
            self.check_round(checks, deadline)?;
            std::thread::sleep(SELF_CHECK_SLEEP);
        }
        Ok(())
    }

    fn check_round(&self, checks: &[Check], deadline: Instant) -> Result<()> {
        for Check {
            name,
            token,
            key_authorization,
            addresses,
        } in checks
        {
            for addr in addresses {
                let path = format!("{CHALLENGE_PREFIX}{token}");
                loop {
                    let got = local_get(addr, self.http_port, name, &path);
                    if got
                        .as_ref()
                        .is_ok_and(|(status, body)| *status == 200 && body == key_authorization)
                    {
                        break;
                    }
                    if Instant::now() > deadline {
                        let seen = match got {
                            Ok((status, body)) => format!(
                                "HTTP {status} {:?}",
                                body.chars().take(80).collect::<String>()
                            ),
                            Err(e) => e,
                        };
                        return Err(Error::Solver(format!(
                            "nginx was reloaded but does not serve the challenge for {name}: http://{addr}:{}{path} answered {seen} after {} s; see nginx's error log",
                            self.http_port,
                            SELF_CHECK_TIMEOUT.as_secs()
                        )));
                    }
                    std::thread::sleep(SELF_CHECK_SLEEP);
                }
            }
        }
        Ok(())
    }
}

/// One plain HTTP/1.1 GET to nginx on this machine: (status, body).
fn local_get(
    addr: &str,
    port: u16,
    host: &str,
    path: &str,
) -> std::result::Result<(u16, String), String> {
    use std::io::{Read, Write};
    use std::net::ToSocketAddrs;
    let target = (addr, port)
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("no address")?;
    let mut s = std::net::TcpStream::connect_timeout(&target, Duration::from_secs(2))
        .map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(2)))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.take(64 * 1024)
        .read_to_end(&mut raw)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

impl Solver for NginxSolver {
    fn challenge_type(&self) -> ChallengeType {
        ChallengeType::Http01
    }

    fn present(&mut self, task: &ChallengeTask) -> Result<()> {
        check_token(&task.token)?;
        self.pending.push(task.clone());
        Ok(())
    }

    /// All challenges go in with one edit, one `nginx -t` and one reload.
    fn ready(&mut self) -> Result<()> {
        let mut config = self.nginx.read_config()?;
        let stale = edit::stale_challenges(&config);
        if !stale.is_empty() {
            self.progress.warn(&format!(
                "removing {} challenge line(s) an interrupted certwright run left in nginx's configuration",
                stale.len()
            ));
            // Its own change, kept: what is restored after this run is the
            // configuration without them.
            self.nginx.apply(&config, &stale)?;
            config = self.nginx.read_config()?;
        }
        let mut splices = Vec::new();
        let plan = self.plan(&config)?;
        let mut checks = Vec::new();
        for (splice, check) in plan {
            splices.push(splice);
            checks.push(check);
        }
        // Registered before the files change: a signal from now on takes
        // back whatever is in place.
        if self.guard.is_none() {
            let applied = Arc::clone(&self.applied);
            let nginx = self.nginx.clone();
            self.guard = Some(crate::interrupt::on_interrupt(move || {
                let taken = applied.lock().ok().and_then(|mut a| a.take());
                if let Some(a) = taken {
                    let _ = nginx.revert(a);
                }
            })?);
        }
        {
            let mut slot = self
                .applied
                .lock()
                .map_err(|_| Error::Solver("nginx change state poisoned".into()))?;
            self.progress.step(&format!(
                "adding {} challenge location(s) to nginx and reloading",
                checks.len()
            ));
            *slot = Some(self.nginx.apply(&config, &splices)?);
        }
        self.self_check(&checks)
    }

    fn cleanup(&mut self) -> Result<()> {
        self.pending.clear();
        let taken = self
            .applied
            .lock()
            .map_err(|_| Error::Solver("nginx change state poisoned".into()))?
            .take();
        let result = match taken {
            Some(applied) => {
                self.progress
                    .step("removing the challenge locations from nginx and reloading");
                self.nginx.revert(applied)
            }
            None => Ok(()),
        };
        self.guard = None;
        result
    }
}
