//! The one place that talks HTTP to the CA: a ureq agent, the nonce pool,
//! JWS signing of every POST, and the retry rules (Retry-After on 503/429,
//! badNonce, backoff for transient failures of requests safe to repeat).

use super::error::{Error, ProblemKind, Result};
use super::jws::SigningKey;
use super::pause::Pauses;
use super::retry::{RetryPolicy, parse_retry_after};
use super::types::Problem;
use crate::clock::Clock;
use crate::progress::Progress;
use rand::SeedableRng;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Responses larger than this are refused: a directory, order or chain is a
/// few KiB, so anything near this is a broken or hostile server.
pub const MAX_RESPONSE_BYTES: u64 = 1 << 20;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Nonces kept for later POSTs. Every response brings one (RFC 8555
/// §7.2); with several workers sharing the transport, keeping them all
/// saves a newNonce request per POST. More than this are never in use at
/// once; the oldest are dropped (CAs expire unused nonces).
const NONCE_POOL: usize = 16;

/// Whether a request may be sent again after a failure whose outcome at the
/// server is unknown (5xx without Retry-After, connection dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Reads, challenge responses, newAccount/newOrder: repeating is harmless.
    Safe,
    /// finalize, keyChange, revokeCert: a lost response may hide a success,
    /// so the caller re-reads state instead of blindly resending.
    Unsafe,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub url: String,
    pub status: u16,
    pub location: Option<String>,
    /// `Link` headers as (target, rel).
    pub links: Vec<(String, String)>,
    pub retry_after: Option<Duration>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// A newNonce answer's Replay-Nonce, handed to the caller instead of
    /// the pool, so another worker cannot take it first.
    nonce: Option<String>,
}

impl Response {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Malformed {
            url: self.url.clone(),
            // The Content-Type is not checked up front (CAs and proxies
            // vary in it), but when the body is wrong it says a lot: a
            // captive portal's text/html, say.
            reason: format!(
                "expected a JSON {} ({e}); got Content-Type {}, body starts with {:?}",
                std::any::type_name::<T>()
                    .rsplit("::")
                    .next()
                    .unwrap_or("document"),
                self.content_type.as_deref().unwrap_or("(none)"),
                String::from_utf8_lossy(&self.body[..self.body.len().min(80)])
            ),
        })
    }

    /// The problem document of an error response, or a synthetic one when the
    /// server sent none (an HTML error page from a proxy, say).
    pub fn problem(&self) -> Problem {
        serde_json::from_slice::<Problem>(&self.body)
            .ok()
            .filter(|p| p.kind.is_some() || p.detail.is_some())
            .unwrap_or_else(|| Problem {
                kind: None,
                detail: Some(format!(
                    "HTTP {} without a problem document{}",
                    self.status,
                    if self.body.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ": {:?}",
                            String::from_utf8_lossy(&self.body[..self.body.len().min(120)])
                        )
                    }
                )),
                status: Some(self.status),
                ..Problem::default()
            })
    }

    pub fn link(&self, rel: &str) -> Vec<&str> {
        self.links
            .iter()
            .filter(|(_, r)| r == rel)
            .map(|(t, _)| t.as_str())
            .collect()
    }
}

pub struct HttpSettings<'a> {
    pub ca_bundle: Option<&'a Path>,
}

pub struct Transport {
    agent: ureq::Agent,
    new_nonce_url: Mutex<Option<String>>,
    nonces: Mutex<Vec<String>>,
    /// When the CA asked to hold every request (503/429 Retry-After),
    /// shared with the other transports of a run.
    pauses: Arc<Pauses>,
    /// Directory URLs and their resource names, so waits and warnings can
    /// say "retrying newOrder" instead of printing a URL.
    names: Mutex<Vec<(String, &'static str)>>,
    pub policy: RetryPolicy,
    pub clock: Arc<dyn Clock>,
    pub progress: Arc<dyn Progress>,
    requests: AtomicU32,
    rng: Mutex<rand::rngs::StdRng>,
}

/// ureq's buffers per connection: by default 128 KB each way, zeroed, so
/// all of it is resident (half of the heap at the peak of an issuance). An
/// ACME response's header block, which the input buffer must hold, is a
/// few KB; bodies stream through in pieces.
const INPUT_BUFFER: usize = 16 * 1024;
const OUTPUT_BUFFER: usize = 8 * 1024;

impl Transport {
    pub fn new(
        settings: HttpSettings<'_>,
        policy: RetryPolicy,
        clock: Arc<dyn Clock>,
        progress: Arc<dyn Progress>,
    ) -> Result<Transport> {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .https_only(true)
            // ACME never redirects; a 3xx is reported instead of followed.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(concat!("certwright/", env!("CARGO_PKG_VERSION")))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .input_buffer_size(INPUT_BUFFER)
            .output_buffer_size(OUTPUT_BUFFER)
            .build();
        let agent = super::tls::agent(config, settings.ca_bundle)?;
        Ok(Transport {
            agent,
            new_nonce_url: Mutex::new(None),
            nonces: Mutex::new(Vec::new()),
            pauses: Arc::default(),
            names: Mutex::new(Vec::new()),
            policy,
            clock,
            progress,
            requests: AtomicU32::new(0),
            rng: Mutex::new(rand::rngs::StdRng::from_rng(&mut rand::rng())),
        })
    }

    /// Shares the CA's "hold every request until" instants with other
    /// transports (the workers of one `renew --jobs N` run).
    pub fn with_pauses(mut self, pauses: Arc<Pauses>) -> Transport {
        self.pauses = pauses;
        self
    }

    fn keep_nonce(&self, nonce: String) {
        let mut pool = self.nonces.lock().expect("nonce mutex");
        if pool.len() >= NONCE_POOL {
            pool.remove(0);
        }
        pool.push(nonce);
    }

    /// Waits while the CA has asked every client to hold off; fails at once
    /// when that wait is longer than the policy accepts.
    fn honor_pause(&self, url: &str) -> Result<()> {
        while let Some(wait) = self.pauses.remaining(url, self.clock.now()) {
            if wait > self.policy.max_retry_wait {
                return Err(Error::RetryLater {
                    url: url.to_string(),
                    reason: "asked every request to wait".into(),
                    retry_at: self.clock.now() + wait,
                    wait,
                    max_wait: self.policy.max_retry_wait,
                });
            }
            self.sleep(
                &format!(
                    "the CA asked to wait (Retry-After) before {}",
                    self.describe(url)
                ),
                wait,
            );
        }
        Ok(())
    }

    pub fn set_new_nonce_url(&self, url: &str) {
        *self.new_nonce_url.lock().expect("nonce mutex") = Some(url.to_string());
    }

    /// Names the directory's resources for progress messages. A URL that
    /// starts with a named one (renewalInfo/<certID>) gets its name too.
    pub fn name_resources(&self, names: &[(&str, &'static str)]) {
        *self.names.lock().expect("names mutex") = names
            .iter()
            .filter(|(url, _)| !url.is_empty())
            .map(|(url, name)| (url.to_string(), *name))
            .collect();
    }

    /// What a request is, for people: its directory name, else its URL.
    fn describe(&self, url: &str) -> String {
        let names = self.names.lock().expect("names mutex");
        names
            .iter()
            .find(|(known, _)| url == known)
            .or_else(|| {
                names
                    .iter()
                    .find(|(known, _)| url.starts_with(&format!("{known}/")))
            })
            .map_or_else(|| url.to_string(), |(_, name)| name.to_string())
    }

    /// HTTP requests sent so far (for -v summaries and benchmarks).
    pub fn request_count(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    fn sleep(&self, what: &str, d: Duration) {
        if !d.is_zero() {
            self.progress.waiting(what, d);
            self.clock.sleep(d);
        }
    }

    /// One exchange, no retries. Keeps any Replay-Nonce the server sends.
    fn exchange(
        &self,
        method: &'static str,
        url: &str,
        body: Option<Vec<u8>>,
        accept: &str,
    ) -> Result<Response> {
        self.honor_pause(url)?;
        let started = Instant::now();
        self.requests.fetch_add(1, Ordering::Relaxed);
        let result = match (method, body) {
            ("POST", Some(body)) => self
                .agent
                .post(url)
                .header("Content-Type", "application/jose+json")
                .header("Accept", accept)
                .send(&body[..]),
            ("HEAD", _) => self.agent.head(url).call(),
            _ => self.agent.get(url).header("Accept", accept).call(),
        };
        let mut resp = match result {
            Ok(r) => r,
            Err(e) => {
                self.progress.request(method, url, None, started.elapsed());
                return Err(transport_error(url, e));
            }
        };
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let mut nonce = header("replay-nonce").filter(|n| is_valid_nonce(n));
        if method != "HEAD"
            && let Some(n) = nonce.take()
        {
            self.keep_nonce(n);
        }
        let location = header("location");
        let retry_after_text = header("retry-after");
        let retry_after = retry_after_text
            .as_deref()
            .and_then(|v| parse_retry_after(v, self.clock.now()));
        let content_type = header("content-type");
        let links: Vec<(String, String)> = resp
            .headers()
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(parse_link_header)
            .collect();
        let body = if method == "HEAD" {
            Vec::new()
        } else {
            resp.body_mut()
                .with_config()
                .limit(MAX_RESPONSE_BYTES)
                .read_to_vec()
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(_) => Error::Malformed {
                        url: url.to_string(),
                        reason: format!("response body larger than {MAX_RESPONSE_BYTES} bytes"),
                    },
                    other => transport_error(url, other),
                })?
        };
        self.progress
            .request(method, url, Some(status), started.elapsed());
        let mut shown: Vec<(&str, String)> = Vec::new();
        for (name, value) in [
            ("Location", &location),
            ("Retry-After", &retry_after_text),
            ("Content-Type", &content_type),
        ] {
            if let Some(v) = value {
                shown.push((name, v.clone()));
            }
        }
        for (url, rel) in &links {
            shown.push(("Link", format!("<{url}>;rel=\"{rel}\"")));
        }
        self.progress.response(url, &shown, &body);
        if (300..400).contains(&status) {
            return Err(Error::Malformed {
                url: url.to_string(),
                reason: format!(
                    "unexpected redirect (HTTP {status}) to {}; ACME servers do not redirect, check the directory URL",
                    location.as_deref().unwrap_or("nowhere")
                ),
            });
        }
        Ok(Response {
            url: url.to_string(),
            status,
            location,
            links,
            retry_after,
            content_type,
            body,
            nonce,
        })
    }

    /// An unauthenticated GET (directory, renewalInfo), retried like any
    /// safe request. Non-2xx answers become errors.
    pub fn get(&self, url: &str) -> Result<Response> {
        self.with_retries("GET", url, Repeat::Safe, || {
            self.exchange("GET", url, None, "application/json")
        })
    }

    fn take_nonce(&self) -> Result<String> {
        if let Some(n) = self.nonces.lock().expect("nonce mutex").pop() {
            return Ok(n);
        }
        let url = self
            .new_nonce_url
            .lock()
            .expect("nonce mutex")
            .clone()
            .ok_or_else(|| Error::Unsupported("no newNonce URL known yet".into()))?;
        self.with_retries("HEAD", &url, Repeat::Safe, || {
            self.exchange("HEAD", &url, None, "*/*")
        })?
        .nonce
        .ok_or_else(|| Error::Malformed {
            url: url.clone(),
            reason: "newNonce answered without a usable Replay-Nonce header".into(),
        })
    }

    /// A signed POST. Each attempt is signed afresh with a new nonce, so a
    /// retry after 503/429/badNonce is a new, valid request rather than a
    /// replay.
    pub fn post(
        &self,
        url: &str,
        key: &SigningKey,
        kid: Option<&str>,
        payload: Option<&Value>,
        repeat: Repeat,
        accept: &str,
    ) -> Result<Response> {
        let mut bad_nonces = 0;
        loop {
            let result = self.with_retries("POST", url, repeat, || {
                let nonce = self.take_nonce()?;
                let jws = key.sign(url, kid, Some(&nonce), payload)?;
                self.exchange("POST", url, Some(jws.to_string().into_bytes()), accept)
            });
            match result {
                Err(Error::Problem {
                    kind: ProblemKind::BadNonce,
                    ..
                }) if bad_nonces < self.policy.bad_nonce_retries => {
                    bad_nonces += 1;
                    self.progress.step(&format!(
                        "the CA rejected the nonce of {}, retrying ({bad_nonces}/{})",
                        self.describe(url),
                        self.policy.bad_nonce_retries
                    ));
                }
                other => return other,
            }
        }
    }

    /// Runs `attempt` until it yields a 2xx, honoring Retry-After on 503/429,
    /// backing off on other 5xx and transport errors when `repeat` is Safe.
    fn with_retries(
        &self,
        method: &'static str,
        url: &str,
        repeat: Repeat,
        mut attempt: impl FnMut() -> Result<Response>,
    ) -> Result<Response> {
        let mut attempts = 0u32;
        let mut waited = Duration::ZERO;
        loop {
            attempts += 1;
            let (wait, reason) = match attempt() {
                Ok(resp) if (200..300).contains(&resp.status) => return Ok(resp),
                Ok(resp) => {
                    let busy = resp.status == 503 || resp.status == 429;
                    let problem = resp.problem();
                    let final_error = || {
                        if resp.status >= 500 && problem.kind.is_none() {
                            Error::ServerError {
                                url: url.to_string(),
                                status: resp.status,
                                attempts,
                                detail: problem.detail.clone().unwrap_or_default(),
                            }
                        } else {
                            Error::problem_answer(method, url, problem.clone())
                        }
                    };
                    if let (true, Some(after)) = (busy, resp.retry_after) {
                        // The server explicitly asked us to come back: any
                        // request may be resent (re-signed, fresh nonce).
                        let reason = if resp.status == 429 {
                            "rate limiting requests"
                        } else {
                            "busy"
                        };
                        let what = self.describe(url);
                        // Busy or limited is about the CA, not this
                        // request: the other workers hold off too.
                        self.pauses.hold(url, self.clock.now(), after);
                        if waited + after > self.policy.max_retry_wait {
                            return Err(Error::RetryLater {
                                url: url.to_string(),
                                reason: reason.into(),
                                retry_at: self.clock.now() + after,
                                wait: after,
                                max_wait: self.policy.max_retry_wait,
                            });
                        }
                        if attempts >= self.policy.max_attempts {
                            return Err(final_error());
                        }
                        (after, format!("CA {reason}, retrying {what}"))
                    } else if resp.status >= 500 || resp.status == 429 {
                        if repeat == Repeat::Unsafe || attempts >= self.policy.max_attempts {
                            return Err(final_error());
                        }
                        let d = self
                            .policy
                            .backoff(attempts, &mut *self.rng.lock().expect("rng mutex"));
                        (
                            d,
                            format!(
                                "HTTP {} from the CA, retrying {}",
                                resp.status,
                                self.describe(url)
                            ),
                        )
                    } else {
                        return Err(final_error());
                    }
                }
                // The error itself is shown once, by whoever gives up; each
                // retry is a step (-v, the spinner, the run log).
                Err(Error::Transport {
                    permanent: false,
                    detail,
                    ..
                }) if repeat == Repeat::Safe && attempts < self.policy.network_attempts => {
                    let d = self
                        .policy
                        .backoff(attempts, &mut *self.rng.lock().expect("rng mutex"));
                    (
                        d,
                        format!(
                            "cannot reach {} ({detail}), retrying ({}/{})",
                            self.describe(url),
                            attempts,
                            self.policy.network_attempts - 1
                        ),
                    )
                }
                Err(e) => return Err(e),
            };
            waited += wait;
            self.sleep(&reason, wait);
        }
    }
}

/// Replay-Nonce is base64url (RFC 8555 §6.5.1); anything else is ignored so
/// a hostile header cannot inject into our JWS header.
fn is_valid_nonce(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 512
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Parses `<url>;rel="alternate", <url2>;rel=up`.
pub fn parse_link_header(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in value.split(',') {
        let part = part.trim();
        let Some(rest) = part.strip_prefix('<') else {
            continue;
        };
        let Some((target, params)) = rest.split_once('>') else {
            continue;
        };
        for param in params.split(';') {
            let param = param.trim();
            if let Some(rel) = param.strip_prefix("rel=") {
                out.push((target.to_string(), rel.trim_matches('"').to_string()));
            }
        }
    }
    out
}

fn transport_error(url: &str, e: ureq::Error) -> Error {
    let detail = e.to_string();
    let handshake = match &e {
        ureq::Error::Other(inner) => inner.downcast_ref::<super::tls::TlsHandshakeError>(),
        _ => None,
    };
    let permanent = handshake.is_some_and(|h| h.verify_failed);
    let hint = match &e {
        _ if permanent => Some(
            "the server's TLS certificate is not trusted; for a private or test CA pass --ca-bundle PATH (or set ca_bundle in the config)"
                .to_string(),
        ),
        _ if handshake.is_some() => None,
        ureq::Error::RequireHttpsOnly(_) => {
            Some("ACME servers must be reached over https://".to_string())
        }
        ureq::Error::HostNotFound => Some("check the --server URL and DNS".to_string()),
        ureq::Error::ConnectionFailed | ureq::Error::Io(_) => {
            Some("is the ACME server running and the --server URL right?".to_string())
        }
        _ => None,
    };
    Error::Transport {
        url: url.to_string(),
        detail,
        hint,
        permanent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        let links = parse_link_header(
            r#"<https://ca.test/cert/1/1>;rel="alternate", <https://ca.test/dir>; rel=index"#,
        );
        assert_eq!(
            links,
            vec![
                (
                    "https://ca.test/cert/1/1".to_string(),
                    "alternate".to_string()
                ),
                ("https://ca.test/dir".to_string(), "index".to_string())
            ]
        );
        assert!(parse_link_header("garbage").is_empty());
    }

    #[test]
    fn nonces_must_be_base64url() {
        assert!(is_valid_nonce("abc-DEF_123"));
        assert!(!is_valid_nonce("abc\"def"));
        assert!(!is_valid_nonce(""));
    }
}
