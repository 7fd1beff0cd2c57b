//! http-01 (RFC 8555 §8.3): a built-in standalone HTTP server, or files
//! written into an existing web server's document root.

use super::{ChallengeTask, Solver, check_token};
use crate::acme::types::ChallengeType;
use crate::error::{Error, Result};
use crate::interrupt::InterruptGuard;
use crate::store::safe_fs::SafeDir;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub const CHALLENGE_PATH: &str = "/.well-known/acme-challenge/";
pub const DEFAULT_HTTP_PORT: u16 = 80;

type Tokens = Arc<Mutex<HashMap<String, String>>>;
type Seen = Arc<super::sightings::Sightings>;

/// Serves key authorizations on its own port until dropped or cleaned up.
pub struct Standalone {
    tokens: Tokens,
    seen: Seen,
    stop: Arc<AtomicBool>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl Standalone {
    /// Binds at once so a busy port is reported before anything is sent to
    /// the CA. An address of `::` also accepts IPv4 where the OS allows.
    pub fn bind(address: &str, port: u16) -> Result<Standalone> {
        let listener = super::listener::bind(
            address,
            port,
            "standalone http-01 server",
            "is a web server running? use --webroot with it, or stop it",
        )?;
        let addr = listener.local_addr().map_err(|e| {
            Error::Solver(format!("cannot read the standalone server's address: {e}"))
        })?;
        let tokens: Tokens = Arc::default();
        let seen: Seen = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let tokens = Arc::clone(&tokens);
            let seen = Arc::clone(&seen);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || serve(listener, tokens, seen, stop))
        };
        Ok(Standalone {
            tokens,
            seen,
            stop,
            addr,
            thread: Some(thread),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let wake = super::listener::wake_address(self.addr);
        let _ = TcpStream::connect_timeout(&wake, Duration::from_millis(200));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(listener: TcpListener, tokens: Tokens, seen: Seen, stop: Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let tokens = Arc::clone(&tokens);
        let seen = Arc::clone(&seen);
        // One thread per connection: a CA's validators connect from several
        // vantage points at once, and a slow client must not block them.
        std::thread::spawn(move || {
            let _ = answer(stream, &tokens, &seen);
        });
    }
}

fn answer(mut stream: TcpStream, tokens: &Tokens, seen: &Seen) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut buf = [0u8; 8192];
    let mut len = 0;
    while len < buf.len() {
        let n = stream.read(&mut buf[len..])?;
        if n == 0 {
            break;
        }
        len += n;
        if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let request = String::from_utf8_lossy(&buf[..len]);
    let mut parts = request.lines().next().unwrap_or("").split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let token = path
        .strip_prefix(CHALLENGE_PATH)
        .filter(|_| method == "GET" || method == "HEAD");
    let body = token.and_then(|token| tokens.lock().expect("token map mutex").get(token).cloned());
    let served = body.is_some();
    let response = match body {
        Some(key_auth) => format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            key_auth.len(),
            if method == "HEAD" { "" } else { &key_auth }
        ),
        None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
    };
    stream.write_all(response.as_bytes())?;
    stream.flush()?;
    // Counted once answered: the CA has what it came for.
    if let (Some(token), true) = (token, served) {
        seen.saw(token);
    }
    Ok(())
}

impl Solver for Standalone {
    fn challenge_type(&self) -> ChallengeType {
        ChallengeType::Http01
    }

    fn present(&mut self, task: &ChallengeTask) -> Result<()> {
        check_token(&task.token)?;
        self.tokens
            .lock()
            .expect("token map mutex")
            .insert(task.token.clone(), task.key_authorization.clone());
        Ok(())
    }

    fn cleanup(&mut self) -> Result<()> {
        self.tokens.lock().expect("token map mutex").clear();
        Ok(())
    }

    fn sightings(&self) -> Option<&super::sightings::Sightings> {
        Some(&self.seen)
    }
}

impl Drop for Standalone {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// One lineage's use of a standalone server that several lineages share
/// (`renew --jobs N`): it serves the tokens of every lineage, and each
/// share removes only its own.
pub struct SharedStandalone {
    server: Arc<Standalone>,
    mine: Vec<String>,
}

impl SharedStandalone {
    pub fn new(server: Arc<Standalone>) -> SharedStandalone {
        SharedStandalone {
            server,
            mine: Vec::new(),
        }
    }
}

impl Solver for SharedStandalone {
    fn challenge_type(&self) -> ChallengeType {
        ChallengeType::Http01
    }

    fn present(&mut self, task: &ChallengeTask) -> Result<()> {
        check_token(&task.token)?;
        self.server
            .tokens
            .lock()
            .expect("token map mutex")
            .insert(task.token.clone(), task.key_authorization.clone());
        self.mine.push(task.token.clone());
        Ok(())
    }

    fn cleanup(&mut self) -> Result<()> {
        let mut tokens = self.server.tokens.lock().expect("token map mutex");
        for t in self.mine.drain(..) {
            tokens.remove(&t);
        }
        Ok(())
    }

    /// The shared server's sightings: each lineage waits on its own tokens.
    fn sightings(&self) -> Option<&super::sightings::Sightings> {
        Some(&self.server.seen)
    }
}

/// Writes `<webroot>/.well-known/acme-challenge/<token>` files for an
/// existing web server and removes them (and the directories it created)
/// afterwards, also when the run is interrupted.
///
/// The webroot usually belongs to the web server's user, who may plant
/// links in it: everything below the webroot the user named goes through
/// [`SafeDir`], so a `.well-known` or `acme-challenge` that is a link is
/// refused, and cleanup removes names by directory descriptor.
pub struct Webroot {
    root: PathBuf,
    state: Arc<Mutex<WebrootState>>,
    _interrupt: InterruptGuard,
}

#[derive(Default)]
struct WebrootState {
    /// `.well-known/acme-challenge`, once opened or created.
    dir: Option<SafeDir>,
    written: Vec<String>,
    /// Directories certwright made, as (parent, name), outermost first.
    created: Vec<(SafeDir, &'static str)>,
    /// Cleaned up after a signal: nothing may be written any more.
    closed: bool,
}

impl WebrootState {
    fn clean(&mut self) -> Option<Error> {
        let mut first_error = None;
        if let Some(dir) = self.dir.take() {
            for name in self.written.drain(..) {
                if let Err(e) = dir.remove_file(&name) {
                    first_error.get_or_insert(e);
                }
            }
        }
        // Innermost first; a directory someone else put files in stays.
        for (parent, name) in self.created.drain(..).rev() {
            let _ = parent.remove_empty_dir(name);
        }
        first_error
    }
}

impl Webroot {
    pub fn new(root: &Path) -> Result<Webroot> {
        if !root.is_dir() {
            return Err(Error::Usage(format!(
                "webroot {} does not exist or is not a directory",
                root.display()
            )));
        }
        let state = Arc::new(Mutex::new(WebrootState::default()));
        let guard = {
            let state = Arc::clone(&state);
            crate::interrupt::on_interrupt(move || {
                // Waits for a present() in progress, so nothing is missed.
                if let Ok(mut state) = state.lock() {
                    if let Some(e) = state.clean() {
                        crate::stdio::err(&format!("certwright: {e}\n"));
                    }
                    state.closed = true;
                }
            })?
        };
        Ok(Webroot {
            root: root.to_path_buf(),
            state,
            _interrupt: guard,
        })
    }
}

impl Solver for Webroot {
    fn challenge_type(&self) -> ChallengeType {
        ChallengeType::Http01
    }

    fn present(&mut self, task: &ChallengeTask) -> Result<()> {
        check_token(&task.token)?;
        let mut state = self
            .state
            .lock()
            .map_err(|_| Error::Solver("the webroot state is poisoned".into()))?;
        if state.closed {
            return Err(Error::Solver("interrupted; not writing more tokens".into()));
        }
        if state.dir.is_none() {
            let mut dir = SafeDir::open_root(&self.root)?;
            for name in [".well-known", "acme-challenge"] {
                // Readable by the web server whatever our umask.
                let (next, created) = dir.create_dir(name, 0o755)?;
                if created {
                    state.created.push((dir, name));
                }
                dir = next;
            }
            state.dir = Some(dir);
        }
        let dir = state.dir.as_ref().expect("opened above");
        dir.write_atomic(&task.token, task.key_authorization.as_bytes(), 0o644)?;
        state.written.push(task.token.clone());
        Ok(())
    }

    fn cleanup(&mut self) -> Result<()> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| Error::Solver("the webroot state is poisoned".into()))?;
        state.clean().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acme::types::Identifier;

    fn task(token: &str) -> ChallengeTask {
        ChallengeTask {
            identifier: Identifier::from_name("example.com"),
            token: token.into(),
            key_authorization: format!("{token}.thumb"),
            wildcard: false,
            persist: None,
        }
    }

    fn http_get(addr: SocketAddr, path: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: example.com\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn shares_of_one_standalone_server_serve_and_remove_only_their_own() {
        let server = Arc::new(Standalone::bind("127.0.0.1", 0).unwrap());
        let addr = server.local_addr();
        let (mut a, mut b) = (
            SharedStandalone::new(Arc::clone(&server)),
            SharedStandalone::new(Arc::clone(&server)),
        );
        a.present(&task("tok_a")).unwrap();
        b.present(&task("tok_b")).unwrap();
        a.cleanup().unwrap();
        let path = |t: &str| format!("/.well-known/acme-challenge/{t}");
        assert!(http_get(addr, &path("tok_a")).starts_with("HTTP/1.1 404"));
        assert!(http_get(addr, &path("tok_b")).ends_with("tok_b.thumb"));
        b.cleanup().unwrap();
        assert!(http_get(addr, &path("tok_b")).starts_with("HTTP/1.1 404"));
        assert!(a.present(&task("../x")).is_err());
    }

    #[test]
    fn standalone_serves_key_authorization_then_forgets_it() {
        let mut server = Standalone::bind("127.0.0.1", 0).unwrap();
        let addr = server.local_addr();
        server.present(&task("tok_1")).unwrap();
        let resp = http_get(addr, "/.well-known/acme-challenge/tok_1");
        assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
        assert!(resp.ends_with("tok_1.thumb"), "{resp}");
        assert!(http_get(addr, "/.well-known/acme-challenge/other").starts_with("HTTP/1.1 404"));
        server.cleanup().unwrap();
        assert!(http_get(addr, "/.well-known/acme-challenge/tok_1").starts_with("HTTP/1.1 404"));
    }

    #[test]
    fn standalone_reports_a_busy_port() {
        let held = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = held.local_addr().unwrap().port();
        let err = Standalone::bind("127.0.0.1", port).err().unwrap();
        assert!(err.to_string().contains("already in use"), "{err}");
    }

    #[test]
    fn webroot_writes_and_removes_files() {
        let tmp = tempfile::tempdir().unwrap();
        let mut solver = Webroot::new(tmp.path()).unwrap();
        solver.present(&task("abc")).unwrap();
        let file = tmp.path().join(".well-known/acme-challenge/abc");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "abc.thumb");
        solver.cleanup().unwrap();
        assert!(!file.exists());
        assert!(!tmp.path().join(".well-known").exists());
    }

    #[test]
    fn webroot_refuses_traversal() {
        let tmp = tempfile::tempdir().unwrap();
        let mut solver = Webroot::new(tmp.path()).unwrap();
        assert!(solver.present(&task("../../escape")).is_err());
        assert!(Webroot::new(&tmp.path().join("missing")).is_err());
    }
}
