//! A small, scriptable ACME server owned by the tests, for what Pebble
//! cannot do: 503/429 with Retry-After (delta-seconds or HTTP-date),
//! badNonce on demand, orders kept `processing`, authorizations kept
//! `pending`, lost finalize answers, and ARI (`renewalInfo`) windows.
//!
//! Pebble cannot be put behind a fault-injecting proxy: it checks the JWS
//! `url` header against the URL it was reached at. So this is a standalone
//! server: HTTPS on a free 127.0.0.1 port with the harness's [`TlsFixture`]
//! certificate (clients trust it with `--ca-bundle`), hand-rolled HTTP/1.1
//! with one thread per connection and `Connection: close` on every answer.
//!
//! It is strict where the client's behaviour is under test: nonces are
//! issued and consumed (an unknown or reused one earns a real `badNonce`
//! problem with a fresh Replay-Nonce), the JWS protected header is parsed
//! and its `url`, `nonce` and `kid`/`jwk` are checked. It does NOT verify
//! JWS signatures: Pebble's tests already prove certwright signs correctly,
//! and skipping it keeps this server small.
//!
//! With [`Script::dns_persist`] it offers dns-persist-01
//! (draft-ietf-acme-dns-persist-01) instead of http-01 and validates for
//! real: on the challenge POST it asks the given DNS server for the TXT
//! records at `_validation-persist.<name>` and refuses (authorization and
//! order `invalid`, with the reason) unless one names an offered issuer,
//! this account, `policy=wildcard` for a wildcard and an unexpired
//! `persistUntil`. Its record parser is written separately from
//! certwright's, so one cannot hide the other's mistake.
//!
//! Every request is recorded (arrival time, method, path, status, JWS nonce,
//! decoded payload) so tests can assert counts and the gaps between requests.
//! The server stops when dropped.
#![allow(dead_code)]

use super::{TlsFixture, ca_builder, ec_key, name};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509, X509Req};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

const PROBLEM_PREFIX: &str = "urn:ietf:params:acme:error:";
/// Largest request body accepted; a CSR-bearing JWS is a few KiB.
const MAX_BODY: usize = 256 * 1024;

/// The resource a request was addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Directory,
    NewNonce,
    NewAccount,
    Account,
    NewOrder,
    Order,
    Authz,
    Challenge,
    Finalize,
    Certificate,
    RenewalInfo,
    Unknown,
}

/// How a scripted Retry-After header is written.
#[derive(Debug, Clone, Copy)]
pub enum RetryAfter {
    /// `Retry-After: N` (delta-seconds).
    Seconds(u64),
    /// `Retry-After: <HTTP-date>` at least N seconds from the moment the
    /// answer is built (rounded up to the next whole second, since the
    /// format has no fractions).
    HttpDate(u64),
}

/// One scripted misbehaviour.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 503 with a `rateLimited` problem, like Let's Encrypt's "Service busy;
    /// retry later." (optionally without Retry-After).
    Busy(Option<RetryAfter>),
    /// 429 `rateLimited`.
    RateLimited(Option<RetryAfter>),
    /// A bare HTTP status without Retry-After or problem document (an
    /// overloaded proxy's 500/502/504).
    Status(u16),
    /// 400 `badNonce` (the nonce is consumed, a fresh one is sent back).
    BadNonce,
    /// Any problem document, e.g. (409, "alreadyReplaced", "...").
    Problem {
        status: u16,
        kind: &'static str,
        detail: String,
    },
    /// Close the connection without answering.
    HangUp,
    /// Any answer at all: status, headers and body exactly as given (a
    /// captive portal's HTML, a redirect, an oversized or truncated JSON
    /// document, a garbage Retry-After).
    Raw {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// With [`Script::fail_after_applying`]: send the real answer's headers
    /// and half its body, then stall this long before closing (a download
    /// cut off in the middle).
    Stall(Duration),
}

/// Ways the issued certificate can be wrong (what a broken or hostile CA,
/// or a proxy in between, might hand out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadCert {
    /// Issued for a key other than the CSR's.
    WrongKey,
    /// The last identifier of the order is left out of the SAN.
    MissingName,
    /// Expired a day ago.
    Expired,
    /// Not a PEM certificate at all.
    Garbage,
    /// The leaf followed by an intermediate that did not sign it.
    BrokenChain,
    /// Every requested name plus one more ([`EXTRA_NAME`]).
    ExtraName,
}

/// The name a hostile CA slips in ([`BadCert::ExtraName`], [`Script::unrequested_authz`]).
pub const EXTRA_NAME: &str = "extra.attacker.test";

#[derive(Debug, Clone)]
struct Rule {
    endpoint: Endpoint,
    remaining: u32,
    fault: Fault,
    /// Carry the request out first, then answer with the fault: the client
    /// cannot tell whether it was applied (a lost answer).
    apply_first: bool,
}

/// What an ARI request answers (RFC 9773 §4.2).
#[derive(Debug, Clone)]
pub struct RenewalInfo {
    /// The suggested window; None = the last third of the certificate's
    /// lifetime, one day wide (404 for a certID this server never issued).
    pub window: Option<(SystemTime, SystemTime)>,
    pub retry_after: u64,
    pub explanation_url: Option<String>,
}

/// The behaviour of one server, set per test (and changeable while it runs
/// through [`FaultServer::update`]).
#[derive(Debug, Clone)]
pub struct Script {
    rules: Vec<Rule>,
    /// Every k-th POST carrying a valid nonce is answered badNonce.
    pub bad_nonce_every: Option<u32>,
    /// Order polls answered `processing` after finalize (0 = finalize
    /// answers `valid` at once).
    pub processing_polls: u32,
    /// Retry-After sent with a `processing` order.
    pub processing_retry_after: Option<u64>,
    /// Reads (of the authorization or its order) still answered `pending`
    /// after the challenge was answered; `u32::MAX` = forever.
    pub pending_polls: u32,
    /// Retry-After sent with a `pending` order or authorization.
    pub pending_retry_after: Option<u64>,
    pub renewal_info: RenewalInfo,
    /// Advertised in `meta.profiles`; newOrder accepts only these (or none).
    pub profiles: Vec<(String, String)>,
    /// Lifetime of issued certificates.
    pub cert_lifetime: Duration,
    /// How far before issuance notBefore is set.
    pub backdate: Duration,
    /// Issue a wrong certificate instead of the right one.
    pub bad_cert: Option<BadCert>,
    /// Every http-01 challenge gets this token instead of a random one.
    pub token: Option<String>,
    /// Each order gets one more authorization, for this name, that was
    /// not requested (the order's identifiers stay as requested).
    pub unrequested_authz: Option<String>,
    /// The order document lists this identifier too.
    pub extra_order_identifier: Option<String>,
    /// The challenge type offered, without validating it [default http-01].
    pub offer: Option<String>,
    /// Offer dns-persist-01 and validate it against this DNS server.
    pub dns_persist: Option<DnsPersist>,
}

/// How dns-persist-01 is offered and checked.
#[derive(Debug, Clone)]
pub struct DnsPersist {
    /// Asked (UDP, recursion off) for `_validation-persist.<name>` TXT.
    pub dns_server: std::net::SocketAddr,
    /// The challenge's `issuer-domain-names`, also the directory's
    /// `caaIdentities`.
    pub issuer_domain_names: Vec<String>,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            rules: Vec::new(),
            bad_nonce_every: None,
            processing_polls: 1,
            processing_retry_after: None,
            pending_polls: 0,
            pending_retry_after: None,
            renewal_info: RenewalInfo {
                window: None,
                retry_after: 3600,
                explanation_url: None,
            },
            profiles: Vec::new(),
            cert_lifetime: Duration::from_secs(90 * 86400),
            backdate: Duration::from_secs(60),
            bad_cert: None,
            token: None,
            unrequested_authz: None,
            extra_order_identifier: None,
            offer: None,
            dns_persist: None,
        }
    }
}

impl Script {
    pub fn new() -> Script {
        Script::default()
    }

    /// The first `times` requests to `endpoint` get `fault`.
    pub fn fail(mut self, endpoint: Endpoint, times: u32, fault: Fault) -> Script {
        self.rules.push(Rule {
            endpoint,
            remaining: times,
            fault,
            apply_first: false,
        });
        self
    }

    /// The first `times` requests to `endpoint` are carried out, but the
    /// answer is replaced by `fault`.
    pub fn fail_after_applying(mut self, endpoint: Endpoint, times: u32, fault: Fault) -> Script {
        self.rules.push(Rule {
            endpoint,
            remaining: times,
            fault,
            apply_first: true,
        });
        self
    }

    pub fn bad_nonce_every(mut self, k: u32) -> Script {
        self.bad_nonce_every = Some(k);
        self
    }

    pub fn processing(mut self, polls: u32, retry_after: Option<u64>) -> Script {
        self.processing_polls = polls;
        self.processing_retry_after = retry_after;
        self
    }

    pub fn pending(mut self, polls: u32, retry_after: Option<u64>) -> Script {
        self.pending_polls = polls;
        self.pending_retry_after = retry_after;
        self
    }

    pub fn renewal_window(
        mut self,
        start: SystemTime,
        end: SystemTime,
        retry_after: u64,
    ) -> Script {
        self.renewal_info.window = Some((start, end));
        self.renewal_info.retry_after = retry_after;
        self
    }

    pub fn profiles(mut self, profiles: &[(&str, &str)]) -> Script {
        self.profiles = profiles
            .iter()
            .map(|(n, d)| (n.to_string(), d.to_string()))
            .collect();
        self
    }

    pub fn cert_lifetime(mut self, lifetime: Duration) -> Script {
        self.cert_lifetime = lifetime;
        self
    }

    /// notBefore this long before issuance (with the lifetime, how much of
    /// it is already gone: a certificate that is due at once).
    pub fn backdate(mut self, backdate: Duration) -> Script {
        self.backdate = backdate;
        self
    }

    pub fn bad_cert(mut self, bad: BadCert) -> Script {
        self.bad_cert = Some(bad);
        self
    }

    pub fn token(mut self, token: &str) -> Script {
        self.token = Some(token.to_string());
        self
    }

    pub fn unrequested_authz(mut self, name: &str) -> Script {
        self.unrequested_authz = Some(name.to_string());
        self
    }

    pub fn extra_order_identifier(mut self, name: &str) -> Script {
        self.extra_order_identifier = Some(name.to_string());
        self
    }

    /// Offer this challenge type instead of http-01 (never validated:
    /// answering it is enough, as with http-01 here).
    pub fn offer(mut self, challenge_type: &str) -> Script {
        self.offer = Some(challenge_type.to_string());
        self
    }

    /// Offer dns-persist-01, validated against `dns_server`.
    pub fn dns_persist(mut self, dns_server: std::net::SocketAddr, issuers: &[&str]) -> Script {
        self.dns_persist = Some(DnsPersist {
            dns_server,
            issuer_domain_names: issuers.iter().map(|s| s.to_string()).collect(),
        });
        self
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// When its headers had arrived.
    pub at: Instant,
    pub wall: SystemTime,
    pub method: String,
    pub path: String,
    pub endpoint: Endpoint,
    /// Status answered; 0 when the connection was dropped on purpose.
    pub status: u16,
    /// True when a scripted fault (or scripted badNonce) produced the answer.
    pub faulted: bool,
    /// The `Retry-After` header sent back, verbatim.
    pub retry_after: Option<String>,
    /// The `Replay-Nonce` sent back.
    pub replay_nonce: Option<String>,
    /// From the JWS protected header of a POST.
    pub nonce: Option<String>,
    pub kid: Option<String>,
    /// The decoded JWS payload (None for POST-as-GET and non-POSTs).
    pub payload: Option<Value>,
    /// The raw request body (the JWS as sent).
    pub body: String,
}

/// Time between consecutive requests of a list.
pub fn gaps(requests: &[Request]) -> Vec<Duration> {
    requests
        .windows(2)
        .map(|w| w[1].at.duration_since(w[0].at))
        .collect()
}

struct OrderState {
    account: String,
    identifiers: Vec<Value>,
    authzs: Vec<u64>,
    finalized: Option<Finalized>,
    replaces: Option<String>,
    profile: Option<String>,
}

struct Finalized {
    polls_left: u32,
    cert: u64,
}

struct AuthzState {
    identifier: Value,
    wildcard: bool,
    account: String,
    token: String,
    answered: bool,
    polls_left: u32,
    /// Why validation failed (the authorization is then `invalid`).
    error: Option<Value>,
}

struct IssuedCert {
    chain_pem: Vec<u8>,
    cert_id: String,
    not_before: SystemTime,
    not_after: SystemTime,
}

struct State {
    script: Script,
    nonces: HashSet<String>,
    /// JWK (as JSON text) -> account URL.
    accounts: HashMap<String, String>,
    orders: HashMap<u64, OrderState>,
    authzs: HashMap<u64, AuthzState>,
    certs: HashMap<u64, IssuedCert>,
    next_id: u64,
    posts_with_valid_nonce: u32,
    log: Vec<Request>,
}

/// The ACME CA's own signing hierarchy (not the TLS one).
struct Issuer {
    root: X509,
    intermediate: X509,
    intermediate_key: PKey<Private>,
}

struct Shared {
    base: String,
    state: Mutex<State>,
    issuer: Issuer,
}

pub struct FaultServer {
    /// https://127.0.0.1:PORT
    pub base: String,
    pub directory: String,
    pub dir: tempfile::TempDir,
    pub tls: TlsFixture,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    port: u16,
    thread: Option<JoinHandle<()>>,
}

impl FaultServer {
    pub fn start(script: Script) -> FaultServer {
        let dir = tempfile::tempdir().unwrap();
        let tls = TlsFixture::create(dir.path());
        let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
        acceptor
            .set_private_key_file(&tls.key_pem, SslFiletype::PEM)
            .unwrap();
        acceptor.set_certificate_chain_file(&tls.cert_pem).unwrap();
        let acceptor = Arc::new(acceptor.build());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let base = format!("https://127.0.0.1:{port}");
        let shared = Arc::new(Shared {
            base: base.clone(),
            state: Mutex::new(State {
                script,
                nonces: HashSet::new(),
                accounts: HashMap::new(),
                orders: HashMap::new(),
                authzs: HashMap::new(),
                certs: HashMap::new(),
                next_id: 1,
                posts_with_valid_nonce: 0,
                log: Vec::new(),
            }),
            issuer: Issuer::create(),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (shared, stop) = (Arc::clone(&shared), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (shared, acceptor) = (Arc::clone(&shared), Arc::clone(&acceptor));
                    std::thread::spawn(move || serve_connection(stream, &acceptor, &shared));
                }
            })
        };
        FaultServer {
            directory: format!("{base}/dir"),
            base,
            dir,
            tls,
            shared,
            stop,
            port,
            thread: Some(thread),
        }
    }

    pub fn ca_bundle(&self) -> &Path {
        &self.tls.ca_pem
    }

    /// PEM of the root the issued chains lead to.
    pub fn root_pem(&self) -> Vec<u8> {
        self.shared.issuer.root.to_pem().unwrap()
    }

    /// A certwright runner pointed at this server.
    pub fn certwright(&self, config_dir: &Path) -> super::Certwright {
        super::Certwright {
            config_dir: config_dir.to_path_buf(),
            server: self.directory.clone(),
            ca_bundle: self.ca_bundle().to_path_buf(),
        }
    }

    /// Changes the script while the server runs (e.g. to let an order that
    /// was held `processing` complete).
    pub fn update(&self, f: impl FnOnce(&mut Script)) {
        f(&mut self.shared.state.lock().unwrap().script);
    }

    /// Ends the `processing` phase of every finalized order: the next poll
    /// sees `valid`.
    pub fn finish_processing(&self) {
        let mut state = self.shared.state.lock().unwrap();
        for order in state.orders.values_mut() {
            if let Some(f) = &mut order.finalized {
                f.polls_left = 0;
            }
        }
    }

    /// Every request so far, in arrival order.
    pub fn log(&self) -> Vec<Request> {
        self.shared.state.lock().unwrap().log.clone()
    }

    pub fn requests(&self, endpoint: Endpoint) -> Vec<Request> {
        self.log()
            .into_iter()
            .filter(|r| r.endpoint == endpoint)
            .collect()
    }

    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.requests(endpoint).len()
    }

    /// certIDs asked for through renewalInfo, in order.
    pub fn ari_requests(&self) -> Vec<String> {
        self.requests(Endpoint::RenewalInfo)
            .into_iter()
            .filter_map(|r| r.path.rsplit('/').next().map(str::to_string))
            .collect()
    }

    /// The request log as text, for assertion messages.
    pub fn dump(&self) -> String {
        let log = self.log();
        let start = log.first().map(|r| r.at);
        log.iter()
            .map(|r| {
                format!(
                    "{:>8.3}s {} {} -> {}{}{}",
                    start.map_or(0.0, |s| r.at.duration_since(s).as_secs_f64()),
                    r.method,
                    r.path,
                    r.status,
                    if r.faulted { " (scripted)" } else { "" },
                    r.retry_after
                        .as_deref()
                        .map(|ra| format!(" Retry-After: {ra}"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if std::thread::panicking() {
            eprintln!("--- fault server log ---\n{}", self.dump());
        }
    }
}

// ---------------------------------------------------------------- HTTP ----

struct HttpRequest {
    method: String,
    path: String,
    body: Vec<u8>,
}

struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Drop the connection instead of answering.
    hang_up: bool,
    faulted: bool,
    /// Send half the body, then wait this long and drop the connection.
    stall: Option<Duration>,
}

impl HttpResponse {
    fn json(status: u16, body: &Value) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
            hang_up: false,
            faulted: false,
            stall: None,
        }
    }

    fn problem(status: u16, kind: &str, detail: &str) -> HttpResponse {
        let mut r = HttpResponse::json(
            status,
            &json!({"type": format!("{PROBLEM_PREFIX}{kind}"), "detail": detail, "status": status}),
        );
        r.headers[0].1 = "application/problem+json".into();
        r
    }

    fn empty(status: u16) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            hang_up: false,
            faulted: false,
            stall: None,
        }
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> HttpResponse {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    fn get_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

fn serve_connection(stream: TcpStream, acceptor: &SslAcceptor, shared: &Shared) {
    // A client that vanishes must not pin this thread forever.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(tls) = acceptor.accept(stream) else {
        return;
    };
    let mut reader = BufReader::new(tls);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let at = Instant::now();
    let wall = SystemTime::now();
    let (response, mut record) = shared.handle(&request);
    record.at = at;
    record.wall = wall;
    record.status = if response.hang_up { 0 } else { response.status };
    record.faulted = response.faulted;
    record.retry_after = response.get_header("Retry-After").map(str::to_string);
    record.replay_nonce = response.get_header("Replay-Nonce").map(str::to_string);
    shared.state.lock().unwrap().log.push(record);
    let mut tls = reader.into_inner();
    if response.hang_up {
        let _ = tls.get_ref().shutdown(std::net::Shutdown::Both);
        return;
    }
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if let Some(stall) = response.stall {
        out.extend_from_slice(&response.body[..response.body.len() / 2]);
        let _ = tls.write_all(&out);
        let _ = tls.flush();
        std::thread::sleep(stall);
        let _ = tls.get_ref().shutdown(std::net::Shutdown::Both);
        return;
    }
    if request.method != "HEAD" {
        out.extend_from_slice(&response.body);
    }
    let _ = tls.write_all(&out);
    let _ = tls.flush();
    let _ = tls.shutdown();
}

fn read_request(reader: &mut impl BufRead) -> Option<HttpRequest> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut content_length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().ok()?;
        }
    }
    if content_length > MAX_BODY {
        return None;
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body).ok()?;
    Some(HttpRequest { method, path, body })
}

// ---------------------------------------------------------------- ACME ----

fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

fn b64_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

fn rfc3339(t: SystemTime) -> String {
    // httpdate has no RFC 3339; build it from the civil date it computes.
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let days = secs / 86400;
    let rem = secs % 86400;
    // Howard Hinnant's days -> civil.
    let z = days as i64 + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

fn retry_after_header(ra: RetryAfter) -> String {
    match ra {
        RetryAfter::Seconds(s) => s.to_string(),
        RetryAfter::HttpDate(s) => {
            let t = SystemTime::now() + Duration::from_secs(s);
            let since = t.duration_since(SystemTime::UNIX_EPOCH).unwrap();
            // Round up: the date must not be earlier than `s` from now.
            let whole = since.as_secs() + u64::from(since.subsec_nanos() > 0);
            httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(whole))
        }
    }
}

fn fault_response(fault: &Fault) -> HttpResponse {
    let mut r = match fault {
        Fault::Busy(ra) => {
            let r = HttpResponse::problem(503, "rateLimited", "Service busy; retry later.");
            match ra {
                Some(ra) => r.header("Retry-After", retry_after_header(*ra)),
                None => r,
            }
        }
        Fault::RateLimited(ra) => {
            let r = HttpResponse::problem(
                429,
                "rateLimited",
                "too many new orders recently: see https://letsencrypt.org/docs/rate-limits/",
            );
            match ra {
                Some(ra) => r.header("Retry-After", retry_after_header(*ra)),
                None => r,
            }
        }
        Fault::Status(status) => HttpResponse::empty(*status).header("Content-Type", "text/html"),
        Fault::BadNonce => {
            HttpResponse::problem(400, "badNonce", "JWS has an invalid anti-replay nonce")
        }
        Fault::Problem {
            status,
            kind,
            detail,
        } => HttpResponse::problem(*status, kind, detail),
        Fault::HangUp => {
            let mut r = HttpResponse::empty(0);
            r.hang_up = true;
            r
        }
        Fault::Raw {
            status,
            headers,
            body,
        } => {
            let mut r = HttpResponse::empty(*status);
            r.headers = headers.clone();
            r.body = body.clone();
            r
        }
        Fault::Stall(_) => HttpResponse::empty(500),
    };
    if let Fault::Status(_) = fault {
        r.body = b"<html><body>upstream error</body></html>".to_vec();
    }
    r.faulted = true;
    r
}

/// The parts of a flattened JWS this server looks at.
struct Jws {
    url: String,
    nonce: Option<String>,
    kid: Option<String>,
    jwk: Option<Value>,
    /// None for POST-as-GET.
    payload: Option<Value>,
}

fn parse_jws(body: &[u8]) -> Result<Jws, String> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))?;
    let field = |name: &str| {
        doc.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("JWS has no {name}"))
    };
    let protected = b64_decode(field("protected")?).ok_or("protected is not base64url")?;
    let protected: Value =
        serde_json::from_slice(&protected).map_err(|e| format!("protected is not JSON: {e}"))?;
    let payload_b64 = field("payload")?;
    field("signature")?;
    let payload = if payload_b64.is_empty() {
        None
    } else {
        let raw = b64_decode(payload_b64).ok_or("payload is not base64url")?;
        Some(serde_json::from_slice(&raw).map_err(|e| format!("payload is not JSON: {e}"))?)
    };
    let kid = protected
        .get("kid")
        .and_then(Value::as_str)
        .map(str::to_string);
    let jwk = protected.get("jwk").cloned();
    if kid.is_some() == jwk.is_some() {
        return Err("the protected header needs exactly one of kid and jwk".into());
    }
    Ok(Jws {
        url: protected
            .get("url")
            .and_then(Value::as_str)
            .ok_or("the protected header has no url")?
            .to_string(),
        nonce: protected
            .get("nonce")
            .and_then(Value::as_str)
            .map(str::to_string),
        kid,
        jwk,
        payload,
    })
}

fn classify(method: &str, path: &str) -> (Endpoint, Option<u64>) {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let id = segments.get(1).and_then(|s| s.parse().ok());
    let endpoint = match (method, segments[0]) {
        (_, "dir") => Endpoint::Directory,
        (_, "nonce") => Endpoint::NewNonce,
        (_, "new-account") => Endpoint::NewAccount,
        (_, "acct") => Endpoint::Account,
        (_, "new-order") => Endpoint::NewOrder,
        (_, "order") => Endpoint::Order,
        (_, "authz") => Endpoint::Authz,
        (_, "chall") => Endpoint::Challenge,
        (_, "finalize") => Endpoint::Finalize,
        (_, "cert") => Endpoint::Certificate,
        (_, "renewal-info") => Endpoint::RenewalInfo,
        _ => Endpoint::Unknown,
    };
    (endpoint, id)
}

impl Shared {
    fn handle(&self, req: &HttpRequest) -> (HttpResponse, Request) {
        let (endpoint, id) = classify(&req.method, &req.path);
        let mut record = Request {
            at: Instant::now(),
            wall: SystemTime::now(),
            method: req.method.clone(),
            path: req.path.clone(),
            endpoint,
            status: 0,
            faulted: false,
            retry_after: None,
            replay_nonce: None,
            nonce: None,
            kid: None,
            payload: None,
            body: String::from_utf8_lossy(&req.body).into_owned(),
        };
        let mut state = self.state.lock().unwrap();
        let jws = if req.method == "POST" {
            match parse_jws(&req.body) {
                Ok(jws) => {
                    record.nonce = jws.nonce.clone();
                    record.kid = jws.kid.clone();
                    record.payload = jws.payload.clone();
                    Some(jws)
                }
                Err(e) => {
                    let r = HttpResponse::problem(400, "malformed", &e);
                    return (self.with_nonce(&mut state, r), record);
                }
            }
        } else {
            None
        };

        // A POST's nonce is checked (and spent) before anything else, as a
        // real CA does, so a replayed JWS is caught even behind a fault.
        if let Some(jws) = &jws {
            let known = jws.nonce.as_ref().is_some_and(|n| state.nonces.remove(n));
            if !known {
                let r =
                    HttpResponse::problem(400, "badNonce", "JWS has an invalid anti-replay nonce");
                return (self.with_nonce(&mut state, r), record);
            }
            state.posts_with_valid_nonce += 1;
            if let Some(k) = state.script.bad_nonce_every
                && state.posts_with_valid_nonce.is_multiple_of(k)
            {
                let r = fault_response(&Fault::BadNonce);
                return (self.with_nonce(&mut state, r), record);
            }
        }

        let rule = state
            .script
            .rules
            .iter_mut()
            .find(|r| r.endpoint == endpoint && r.remaining > 0)
            .map(|r| {
                r.remaining -= 1;
                (r.fault.clone(), r.apply_first)
            });
        if let Some((fault, false)) = &rule {
            let r = fault_response(fault);
            return (self.with_nonce(&mut state, r), record);
        }

        let response = match (&jws, req.method.as_str()) {
            (Some(jws), _) => {
                let url = format!("{}{}", self.base, req.path);
                if jws.url != url {
                    HttpResponse::problem(
                        400,
                        "unauthorized",
                        &format!("JWS url {:?} is not the request URL {url:?}", jws.url),
                    )
                } else {
                    self.post(&mut state, endpoint, id, jws)
                }
            }
            (None, "GET") => self.get(&mut state, endpoint, &req.path),
            (None, "HEAD") if endpoint == Endpoint::NewNonce => HttpResponse::empty(200),
            (None, _) => HttpResponse::problem(405, "malformed", "method not allowed"),
        };
        let response = match rule {
            Some((Fault::Stall(d), true)) => {
                let mut r = response;
                r.stall = Some(d);
                r.faulted = true;
                r
            }
            Some((fault, true)) => fault_response(&fault),
            _ => response,
        };
        let response = match (&jws, endpoint) {
            (Some(_), _) | (None, Endpoint::NewNonce) => self.with_nonce(&mut state, response),
            _ => response,
        };
        (response, record)
    }

    fn with_nonce(&self, state: &mut State, response: HttpResponse) -> HttpResponse {
        if response.hang_up {
            return response;
        }
        let mut raw = [0u8; 16];
        openssl::rand::rand_bytes(&mut raw).unwrap();
        let nonce = b64(&raw);
        state.nonces.insert(nonce.clone());
        response
            .header("Replay-Nonce", nonce)
            .header("Cache-Control", "no-store")
    }

    fn url(&self, what: &str, id: u64) -> String {
        format!("{}/{what}/{id}", self.base)
    }

    fn get(&self, state: &mut State, endpoint: Endpoint, path: &str) -> HttpResponse {
        match endpoint {
            Endpoint::Directory => {
                let mut meta = json!({"termsOfService": format!("{}/terms", self.base)});
                if let Some(p) = &state.script.dns_persist {
                    meta["caaIdentities"] = json!(p.issuer_domain_names);
                }
                if !state.script.profiles.is_empty() {
                    meta["profiles"] = json!(
                        state
                            .script
                            .profiles
                            .iter()
                            .cloned()
                            .collect::<BTreeMap<String, String>>()
                    );
                }
                HttpResponse::json(
                    200,
                    &json!({
                        "newNonce": format!("{}/nonce", self.base),
                        "newAccount": format!("{}/new-account", self.base),
                        "newOrder": format!("{}/new-order", self.base),
                        "revokeCert": format!("{}/revoke", self.base),
                        "keyChange": format!("{}/key-change", self.base),
                        "renewalInfo": format!("{}/renewal-info", self.base),
                        "meta": meta,
                    }),
                )
            }
            Endpoint::NewNonce => HttpResponse::empty(204),
            Endpoint::RenewalInfo => {
                let cert_id = path.rsplit('/').next().unwrap_or_default();
                let info = state.script.renewal_info.clone();
                let window = info.window.or_else(|| {
                    state
                        .certs
                        .values()
                        .find(|c| c.cert_id == cert_id)
                        .map(|c| {
                            let life = c.not_after.duration_since(c.not_before).unwrap();
                            let start = c.not_before + life * 2 / 3;
                            (start, start + Duration::from_secs(86400))
                        })
                });
                match window {
                    Some((start, end)) => {
                        let mut body = json!({"suggestedWindow": {
                            "start": rfc3339(start), "end": rfc3339(end)}});
                        if let Some(u) = &info.explanation_url {
                            body["explanationURL"] = json!(u);
                        }
                        HttpResponse::json(200, &body)
                            .header("Retry-After", info.retry_after.to_string())
                    }
                    None => HttpResponse::problem(
                        404,
                        "malformed",
                        &format!("no certificate with certID {cert_id:?}"),
                    ),
                }
            }
            _ => HttpResponse::problem(
                405,
                "malformed",
                "use POST (or POST-as-GET) for ACME resources",
            ),
        }
    }

    fn post(
        &self,
        state: &mut State,
        endpoint: Endpoint,
        id: Option<u64>,
        jws: &Jws,
    ) -> HttpResponse {
        if endpoint == Endpoint::NewAccount {
            return self.new_account(state, jws);
        }
        let Some(kid) = &jws.kid else {
            return HttpResponse::problem(400, "malformed", "this request must be signed with kid");
        };
        if !state.accounts.values().any(|a| a == kid) {
            return HttpResponse::problem(400, "accountDoesNotExist", "unknown kid");
        }
        let not_found = || HttpResponse::problem(404, "malformed", "no such resource");
        match endpoint {
            Endpoint::Account => {
                HttpResponse::json(200, &json!({"status": "valid", "contact": []}))
            }
            Endpoint::NewOrder => self.new_order(state, kid, jws),
            Endpoint::Order => match id {
                Some(id) if state.orders.contains_key(&id) => self.order_response(state, id, true),
                _ => not_found(),
            },
            Endpoint::Authz => match id {
                Some(id) if state.authzs.contains_key(&id) => {
                    let pending_ra = state.script.pending_retry_after;
                    let authz = state.authzs.get_mut(&id).unwrap();
                    let valid = authz_read(authz);
                    let r =
                        HttpResponse::json(200, &authz_json(self, id, authz, valid, &state.script));
                    match (valid, pending_ra) {
                        (false, Some(s)) => r.header("Retry-After", s.to_string()),
                        _ => r,
                    }
                }
                _ => not_found(),
            },
            Endpoint::Challenge => match id {
                Some(id) if state.authzs.contains_key(&id) => {
                    let polls = state.script.pending_polls;
                    let persist = state.script.dns_persist.clone();
                    let authz = state.authzs.get_mut(&id).unwrap();
                    if !authz.answered {
                        if jws.payload != Some(json!({})) {
                            return HttpResponse::problem(
                                400,
                                "malformed",
                                "a challenge is answered with the payload {}",
                            );
                        }
                        authz.answered = true;
                        authz.polls_left = polls;
                        if let Some(persist) = &persist {
                            authz.error = validate_dns_persist(persist, authz).err().map(|detail| {
                                json!({"type": format!("{PROBLEM_PREFIX}unauthorized"), "detail": detail, "status": 403})
                            });
                        }
                    }
                    let valid = authz.polls_left == 0;
                    let doc = authz_json(self, id, authz, valid, &state.script);
                    HttpResponse::json(200, &doc["challenges"][0])
                        .header("Link", format!("<{}>;rel=\"up\"", self.url("authz", id)))
                }
                _ => not_found(),
            },
            Endpoint::Finalize => match id {
                Some(id) if state.orders.contains_key(&id) => self.finalize(state, id, jws),
                _ => not_found(),
            },
            Endpoint::Certificate => match id.and_then(|id| state.certs.get(&id)) {
                Some(cert) => HttpResponse {
                    status: 200,
                    headers: vec![(
                        "Content-Type".into(),
                        "application/pem-certificate-chain".into(),
                    )],
                    body: cert.chain_pem.clone(),
                    hang_up: false,
                    faulted: false,
                    stall: None,
                },
                None => not_found(),
            },
            _ => not_found(),
        }
    }

    fn new_account(&self, state: &mut State, jws: &Jws) -> HttpResponse {
        let Some(jwk) = &jws.jwk else {
            return HttpResponse::problem(400, "malformed", "newAccount must be signed with jwk");
        };
        let key = jwk.to_string();
        let payload = jws.payload.clone().unwrap_or(Value::Null);
        if let Some(url) = state.accounts.get(&key) {
            return HttpResponse::json(
                200,
                &json!({"status": "valid", "contact": payload["contact"]}),
            )
            .header("Location", url.clone());
        }
        if payload["onlyReturnExisting"] == json!(true) {
            return HttpResponse::problem(400, "accountDoesNotExist", "no account for this key");
        }
        if payload["termsOfServiceAgreed"] != json!(true) {
            return HttpResponse::problem(
                403,
                "userActionRequired",
                "agree to the terms of service",
            );
        }
        let id = state.next_id;
        state.next_id += 1;
        let url = self.url("acct", id);
        state.accounts.insert(key, url.clone());
        HttpResponse::json(
            201,
            &json!({"status": "valid", "contact": payload["contact"], "orders": format!("{url}/orders")}),
        )
        .header("Location", url)
    }

    fn new_order(&self, state: &mut State, kid: &str, jws: &Jws) -> HttpResponse {
        let payload = jws.payload.clone().unwrap_or(Value::Null);
        let Some(identifiers) = payload["identifiers"].as_array().filter(|a| !a.is_empty()) else {
            return HttpResponse::problem(400, "malformed", "newOrder needs identifiers");
        };
        let profile = payload["profile"].as_str().map(str::to_string);
        if let Some(p) = &profile
            && !state.script.profiles.iter().any(|(n, _)| n == p)
        {
            return HttpResponse::problem(400, "invalidProfile", &format!("unknown profile {p:?}"));
        }
        let mut authzs = Vec::new();
        let unrequested = state
            .script
            .unrequested_authz
            .as_ref()
            .map(|n| json!({"type": "dns", "value": n}));
        for identifier in identifiers.iter().chain(unrequested.iter()) {
            let id = state.next_id;
            state.next_id += 1;
            let mut raw = [0u8; 24];
            openssl::rand::rand_bytes(&mut raw).unwrap();
            // RFC 8555 §7.1.4: a wildcard's authorization is for the base
            // name, flagged `wildcard` (kept verbatim in the other modes,
            // whose tests predate this).
            let mut authz_identifier = identifier.clone();
            let mut wildcard = false;
            if state.script.dns_persist.is_some()
                && let Some(base) = identifier["value"]
                    .as_str()
                    .and_then(|v| v.strip_prefix("*."))
            {
                authz_identifier["value"] = json!(base);
                wildcard = true;
            }
            state.authzs.insert(
                id,
                AuthzState {
                    identifier: authz_identifier,
                    wildcard,
                    account: kid.to_string(),
                    token: state.script.token.clone().unwrap_or_else(|| b64(&raw)),
                    answered: false,
                    polls_left: 0,
                    error: None,
                },
            );
            authzs.push(id);
        }
        let id = state.next_id;
        state.next_id += 1;
        state.orders.insert(
            id,
            OrderState {
                account: kid.to_string(),
                identifiers: identifiers.clone(),
                authzs,
                finalized: None,
                replaces: payload["replaces"].as_str().map(str::to_string),
                profile,
            },
        );
        let mut r = self.order_response(state, id, false);
        r.status = 201;
        r.header("Location", self.url("order", id))
    }

    /// The order document. A `read` is a poll: it moves pending
    /// authorizations and processing orders along their scripted course.
    fn order_response(&self, state: &mut State, id: u64, read: bool) -> HttpResponse {
        let script = state.script.clone();
        let order = state.orders.get_mut(&id).unwrap();
        let mut all_valid = true;
        let mut any_invalid = false;
        for authz_id in &order.authzs {
            let authz = state.authzs.get_mut(authz_id).unwrap();
            let valid = if read {
                authz_read(authz)
            } else {
                authz.answered && authz.polls_left == 0 && authz.error.is_none()
            };
            all_valid &= valid;
            any_invalid |= authz.error.is_some();
        }
        let (status, retry_after) = match &mut order.finalized {
            None if any_invalid => ("invalid", None),
            None if all_valid => ("ready", None),
            None => ("pending", script.pending_retry_after),
            Some(f) if read && f.polls_left > 0 => {
                f.polls_left -= 1;
                ("processing", script.processing_retry_after)
            }
            Some(f) if read || f.polls_left == 0 => ("valid", None),
            Some(_) => ("processing", script.processing_retry_after),
        };
        let mut identifiers = order.identifiers.clone();
        if let Some(extra) = &script.extra_order_identifier {
            identifiers.push(json!({"type": "dns", "value": extra}));
        }
        let mut body = json!({
            "status": status,
            "expires": rfc3339(SystemTime::now() + Duration::from_secs(7 * 86400)),
            "identifiers": identifiers,
            "authorizations": order.authzs.iter().map(|a| self.url("authz", *a)).collect::<Vec<_>>(),
            "finalize": self.url("finalize", id),
        });
        if let Some(r) = &order.replaces {
            body["replaces"] = json!(r);
        }
        if let Some(p) = &order.profile {
            body["profile"] = json!(p);
        }
        if let (Some(f), "valid") = (&order.finalized, status) {
            body["certificate"] = json!(self.url("cert", f.cert));
        }
        let r = HttpResponse::json(200, &body).header("Location", self.url("order", id));
        match retry_after {
            Some(s) => r.header("Retry-After", s.to_string()),
            None => r,
        }
    }

    fn finalize(&self, state: &mut State, id: u64, jws: &Jws) -> HttpResponse {
        // Pass `read = false`: finalizing is not a poll.
        let current = self.order_response(state, id, false);
        let status: Value = serde_json::from_slice(&current.body).unwrap();
        if status["status"] != "ready" {
            return HttpResponse::problem(
                403,
                "orderNotReady",
                &format!("the order is {}, not ready", status["status"]),
            );
        }
        let csr = jws
            .payload
            .as_ref()
            .and_then(|p| p["csr"].as_str())
            .and_then(b64_decode);
        let Some(csr) = csr else {
            return HttpResponse::problem(400, "malformed", "finalize needs a base64url csr");
        };
        let order = &state.orders[&id];
        let issued = match self.issuer.sign(&csr, &order.identifiers, &state.script) {
            Ok(c) => c,
            Err(e) => return HttpResponse::problem(400, "badCSR", &e),
        };
        let cert_id = state.next_id;
        state.next_id += 1;
        state.certs.insert(cert_id, issued);
        let polls = state.script.processing_polls;
        state.orders.get_mut(&id).unwrap().finalized = Some(Finalized {
            polls_left: polls,
            cert: cert_id,
        });
        self.order_response(state, id, false)
    }
}

/// One read of an authorization: answered authorizations count down their
/// scripted pending polls. Returns whether it is valid now.
fn authz_read(authz: &mut AuthzState) -> bool {
    if !authz.answered || authz.error.is_some() {
        return false;
    }
    if authz.polls_left == 0 {
        return true;
    }
    if authz.polls_left != u32::MAX {
        authz.polls_left -= 1;
    }
    false
}

fn authz_json(shared: &Shared, id: u64, authz: &AuthzState, valid: bool, script: &Script) -> Value {
    let challenge_status = match (authz.answered, valid, &authz.error) {
        (_, _, Some(_)) => "invalid",
        (_, true, None) => "valid",
        (true, false, None) => "processing",
        (false, false, None) => "pending",
    };
    let mut challenge = match &script.dns_persist {
        Some(persist) => json!({
            "type": "dns-persist-01",
            "accounturi": authz.account,
            "issuer-domain-names": persist.issuer_domain_names,
        }),
        None => json!({
            "type": script.offer.as_deref().unwrap_or("http-01"),
            "token": authz.token,
        }),
    };
    challenge["url"] = json!(shared.url("chall", id));
    challenge["status"] = json!(challenge_status);
    if let Some(e) = &authz.error {
        challenge["error"] = e.clone();
    }
    let mut doc = json!({
        "identifier": authz.identifier,
        "status": match (valid, &authz.error) {
            (_, Some(_)) => "invalid",
            (true, None) => "valid",
            (false, None) => "pending",
        },
        "expires": rfc3339(SystemTime::now() + Duration::from_secs(7 * 86400)),
        "challenges": [challenge],
    });
    if authz.wildcard {
        doc["wildcard"] = json!(true);
    }
    doc
}

/// The CA's side of dns-persist-01 (draft-ietf-acme-dns-persist-01 §4):
/// Ok when some TXT record at `_validation-persist.<name>` authorizes this
/// account, else the reason, as a CA would report it.
fn validate_dns_persist(persist: &DnsPersist, authz: &AuthzState) -> Result<(), String> {
    let name = format!(
        "_validation-persist.{}",
        authz.identifier["value"].as_str().unwrap_or_default()
    );
    let records = txt_lookup(persist.dns_server, &name)?;
    if records.is_empty() {
        return Err(format!("no TXT records found at {name}"));
    }
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut reasons = Vec::new();
    'records: for record in &records {
        let mut fields = record.split(';').map(|f| f.trim_matches([' ', '\t']));
        let issuer = fields.next().unwrap_or_default();
        if !persist.issuer_domain_names.iter().any(|i| i == issuer) {
            continue; // another CA's record
        }
        let mut params: BTreeMap<String, String> = BTreeMap::new();
        for field in fields {
            let Some((tag, value)) = field.split_once('=') else {
                reasons.push(format!("{record:?}: malformed parameter {field:?}"));
                continue 'records;
            };
            let tag = tag.trim_matches([' ', '\t']).to_ascii_lowercase();
            if params
                .insert(tag.clone(), value.trim_matches([' ', '\t']).to_string())
                .is_some()
            {
                reasons.push(format!("{record:?}: duplicate parameter {tag:?}"));
                continue 'records;
            }
        }
        match params.get("accounturi") {
            None => reasons.push(format!("{record:?}: no accounturi")),
            Some(uri) if *uri != authz.account => reasons.push(format!(
                "{record:?}: accounturi mismatch, expected {:?}",
                authz.account
            )),
            Some(_)
                if authz.wildcard
                    && !params
                        .get("policy")
                        .is_some_and(|p| p.eq_ignore_ascii_case("wildcard")) =>
            {
                reasons.push(format!("{record:?}: a wildcard needs policy=wildcard"))
            }
            Some(_) => match params.get("persistuntil").map(|v| v.parse::<u64>()) {
                Some(Err(_)) => reasons.push(format!("{record:?}: malformed persistUntil")),
                Some(Ok(until)) if now > until => {
                    reasons.push(format!("{record:?}: persistUntil has passed"))
                }
                _ => return Ok(()),
            },
        }
    }
    if reasons.is_empty() {
        reasons.push(format!(
            "no TXT record at {name} names an issuer of this CA ({})",
            persist.issuer_domain_names.join(", ")
        ));
    }
    Err(reasons.join("; "))
}

/// TXT values at `name` from `server` (one UDP question, no recursion, as
/// a CA's validator asks an authoritative server).
fn txt_lookup(server: std::net::SocketAddr, name: &str) -> Result<Vec<String>, String> {
    use hickory_proto::op::{Message, Query};
    use hickory_proto::rr::{Name, RData, RecordType};
    let mut query = Message::query();
    query.add_query(Query::query(
        Name::from_ascii(format!("{name}.")).map_err(|e| e.to_string())?,
        RecordType::TXT,
    ));
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    socket
        .send_to(&query.to_vec().map_err(|e| e.to_string())?, server)
        .map_err(|e| e.to_string())?;
    let mut buf = [0u8; 4096];
    let n = socket
        .recv(&mut buf)
        .map_err(|e| format!("DNS server {server}: {e}"))?;
    let answer = Message::from_vec(&buf[..n]).map_err(|e| e.to_string())?;
    Ok(answer
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::TXT(txt) => Some(
                txt.txt_data
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}

// ------------------------------------------------------------- issuing ----

/// A random positive serial whose DER content needs no leading zero byte.
fn serial() -> (Asn1Integer, Vec<u8>) {
    let mut bn = BigNum::new().unwrap();
    // 127 bits with the top one set: 16 bytes, high bit clear, so the DER
    // content is exactly these bytes.
    bn.rand(127, MsbOption::ONE, false).unwrap();
    let bytes = bn.to_vec();
    (bn.to_asn1_integer().unwrap(), bytes)
}

fn asn1_time(t: SystemTime) -> Asn1Time {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    Asn1Time::from_unix(secs as i64).unwrap()
}

impl Issuer {
    fn create() -> Issuer {
        let root_key = ec_key();
        let root_name = name("fault server root");
        let mut root = ca_builder(&root_name, &root_key, &serial().0, 3650, None);
        root.set_issuer_name(&root_name).unwrap();
        let ski = SubjectKeyIdentifier::new()
            .build(&root.x509v3_context(None, None))
            .unwrap();
        root.append_extension(ski).unwrap();
        root.sign(&root_key, MessageDigest::sha256()).unwrap();
        let root = root.build();

        let intermediate_key = ec_key();
        let mut int = ca_builder(
            &name("fault server intermediate"),
            &intermediate_key,
            &serial().0,
            3650,
            Some(0),
        );
        int.set_issuer_name(root.subject_name()).unwrap();
        let ski = SubjectKeyIdentifier::new()
            .build(&int.x509v3_context(Some(&root), None))
            .unwrap();
        int.append_extension(ski).unwrap();
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&int.x509v3_context(Some(&root), None))
            .unwrap();
        int.append_extension(aki).unwrap();
        int.sign(&root_key, MessageDigest::sha256()).unwrap();
        Issuer {
            root,
            intermediate: int.build(),
            intermediate_key,
        }
    }

    /// Issues a leaf for the order's identifiers, checking the CSR's
    /// signature and that it asks for exactly those names.
    fn sign(
        &self,
        csr_der: &[u8],
        identifiers: &[Value],
        script: &Script,
    ) -> Result<IssuedCert, String> {
        let csr = X509Req::from_der(csr_der).map_err(|e| format!("not a DER CSR: {e}"))?;
        let key = csr.public_key().map_err(|e| format!("CSR key: {e}"))?;
        if !csr.verify(&key).unwrap_or(false) {
            return Err("the CSR's signature does not verify".into());
        }
        // rust-openssl cannot list a request's SANs; its text form can.
        let text = String::from_utf8(csr.to_text().map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let mut san = SubjectAlternativeName::new();
        for identifier in identifiers {
            let value = identifier["value"].as_str().unwrap_or_default();
            let (wanted, is_ip) = match identifier["type"].as_str() {
                Some("ip") => (format!("IP Address:{value}"), true),
                _ => (format!("DNS:{value}"), false),
            };
            if !text.contains(&wanted) {
                return Err(format!("the CSR does not ask for {value}"));
            }
            if is_ip {
                san.ip(value);
            } else {
                san.dns(value);
            }
        }
        let now = SystemTime::now();
        let (not_before, not_after) = match script.bad_cert {
            Some(BadCert::Expired) => (
                now - Duration::from_secs(10 * 86400),
                now - Duration::from_secs(86400),
            ),
            _ => (
                now - script.backdate,
                now - script.backdate + script.cert_lifetime,
            ),
        };
        if script.bad_cert == Some(BadCert::ExtraName) {
            san.dns(EXTRA_NAME);
        }
        if script.bad_cert == Some(BadCert::MissingName) && identifiers.len() > 1 {
            san = SubjectAlternativeName::new();
            for identifier in &identifiers[..identifiers.len() - 1] {
                san.dns(identifier["value"].as_str().unwrap_or_default());
            }
        }
        let key: PKey<openssl::pkey::Public> = if script.bad_cert == Some(BadCert::WrongKey) {
            PKey::public_key_from_der(&ec_key().public_key_to_der().unwrap()).unwrap()
        } else {
            key
        };
        let (serial, serial_bytes) = serial();
        let mut leaf = X509::builder().unwrap();
        leaf.set_version(2).unwrap();
        leaf.set_serial_number(&serial).unwrap();
        leaf.set_subject_name(&name(
            identifiers[0]["value"].as_str().unwrap_or("certificate"),
        ))
        .unwrap();
        leaf.set_issuer_name(self.intermediate.subject_name())
            .unwrap();
        leaf.set_pubkey(&key).unwrap();
        leaf.set_not_before(&asn1_time(not_before)).unwrap();
        leaf.set_not_after(&asn1_time(not_after)).unwrap();
        let ctx = leaf.x509v3_context(Some(&self.intermediate), None);
        let san = san.build(&ctx).map_err(|e| e.to_string())?;
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&ctx)
            .unwrap();
        leaf.append_extension(san).unwrap();
        leaf.append_extension(aki).unwrap();
        leaf.append_extension(BasicConstraints::new().build().unwrap())
            .unwrap();
        leaf.append_extension(
            KeyUsage::new()
                .critical()
                .digital_signature()
                .build()
                .unwrap(),
        )
        .unwrap();
        leaf.append_extension(ExtendedKeyUsage::new().server_auth().build().unwrap())
            .unwrap();
        leaf.sign(&self.intermediate_key, MessageDigest::sha256())
            .unwrap();
        let leaf = leaf.build();
        let key_id = self
            .intermediate
            .subject_key_id()
            .expect("the intermediate has a subject key identifier")
            .as_slice()
            .to_vec();
        let mut chain_pem = leaf.to_pem().unwrap();
        match script.bad_cert {
            Some(BadCert::Garbage) => {
                chain_pem = b"-----BEGIN CERTIFICATE-----\nthis is not base64 %%%\n-----END CERTIFICATE-----\n".to_vec();
            }
            Some(BadCert::BrokenChain) => {
                // A CA certificate with the right name but another key.
                let mut other = X509::builder().unwrap();
                other.set_version(2).unwrap();
                other.set_serial_number(&super::serial()).unwrap();
                other
                    .set_subject_name(self.intermediate.subject_name())
                    .unwrap();
                other.set_issuer_name(self.root.subject_name()).unwrap();
                let other_key = ec_key();
                other.set_pubkey(&other_key).unwrap();
                other
                    .set_not_before(&Asn1Time::days_from_now(0).unwrap())
                    .unwrap();
                other
                    .set_not_after(&Asn1Time::days_from_now(30).unwrap())
                    .unwrap();
                other.sign(&other_key, MessageDigest::sha256()).unwrap();
                chain_pem.extend(other.build().to_pem().unwrap());
            }
            _ => chain_pem.extend(self.intermediate.to_pem().unwrap()),
        }
        Ok(IssuedCert {
            chain_pem,
            cert_id: format!("{}.{}", b64(&key_id), b64(&serial_bytes)),
            not_before,
            not_after,
        })
    }
}
