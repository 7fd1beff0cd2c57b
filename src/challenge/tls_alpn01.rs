//! tls-alpn-01 (RFC 8737): a built-in TLS server that answers the CA's
//! validation handshakes on port 443.
//!
//! The CA connects with ALPN `acme-tls/1` and SNI set to the name being
//! validated (for IP identifiers, its reverse-DNS name, RFC 8738 §6). The
//! answer is a self-signed certificate whose only subjectAltName is that
//! identifier and which carries the critical acmeIdentifier extension
//! (id-pe-acmeIdentifier, 1.3.6.1.5.5.7.1.31) holding the DER OCTET STRING
//! of SHA-256(key authorization).
//!
//! What it enforces, each with a test:
//! - a certificate is only handed out inside an `acme-tls/1` handshake
//!   (RFC 8737 §6): a client offering other protocols gets the
//!   `no_application_protocol` alert from the ALPN callback, and one that
//!   offers no ALPN at all (which OpenSSL would not ask the callback about)
//!   is turned away after a look at its ClientHello;
//! - an unknown or missing SNI is refused with `unrecognized_name`;
//! - every name of the order is served at once, to any number of
//!   concurrent connections (a CA validates from several vantage points);
//! - the port is released on cleanup, on drop, and (the process exits) on
//!   SIGINT/SIGTERM/SIGHUP.

use super::sightings::Sightings;
use super::{ChallengeTask, Solver};
use crate::acme::types::{ChallengeType, Identifier, IdentifierKind};
use crate::crypto::{KeyType, crypto};
use crate::error::{Error, Result};
use openssl::asn1::{Asn1Integer, Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{
    AlpnError, NameType, SniError, Ssl, SslAcceptor, SslAlert, SslContext, SslMethod, SslVersion,
};
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509, X509Extension, X509NameBuilder};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The ALPN protocol of RFC 8737 §6.2.
pub const ACME_TLS_ALPN_PROTOCOL: &[u8] = b"acme-tls/1";
/// The CA always connects to 443; another port only makes sense behind a
/// forward from 443.
pub const DEFAULT_TLS_ALPN_PORT: u16 = 443;
/// id-pe-acmeIdentifier (RFC 8737 §6.1).
pub const ACME_IDENTIFIER_OID: &str = "1.3.6.1.5.5.7.1.31";
/// A validation handshake takes milliseconds; a peer that stalls longer is
/// not a CA and must not hold a thread.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The certificates exist for minutes; a week leaves room for clock skew
/// without making them useful for anything else.
const CERT_LIFETIME_DAYS: u32 = 7;

/// What is served for one SNI name.
struct Answer {
    cert: X509,
    key: PKey<Private>,
    /// The challenge's token, to record the CA's handshakes under.
    token: String,
}

type Answers = Arc<Mutex<HashMap<String, Arc<Answer>>>>;

/// Serves RFC 8737 validation certificates until cleaned up or dropped.
pub struct TlsAlpnServer {
    answers: Answers,
    seen: Arc<Sightings>,
    key: PKey<Private>,
    stop: Arc<AtomicBool>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
    _interrupt: Option<crate::interrupt::InterruptGuard>,
}

impl TlsAlpnServer {
    /// Binds at once, so a busy port is reported before the CA is
    /// contacted. An address of `::` also accepts IPv4 where the OS allows
    /// (and falls back to `0.0.0.0` on hosts without IPv6).
    pub fn bind(address: &str, port: u16) -> Result<TlsAlpnServer> {
        let listener = super::listener::bind(
            address,
            port,
            "tls-alpn-01 server",
            "is a web server running on it? stop it for the run, or use http-01 or dns-01",
        )?;
        let addr = listener.local_addr().map_err(|e| {
            Error::Solver(format!("cannot read the tls-alpn-01 server's address: {e}"))
        })?;
        let answers: Answers = Arc::default();
        let acceptor = acceptor(Arc::clone(&answers))?;
        let stop = Arc::new(AtomicBool::new(false));
        let seen: Arc<Sightings> = Arc::default();
        let thread = {
            let stop = Arc::clone(&stop);
            let (answers, seen) = (Arc::clone(&answers), Arc::clone(&seen));
            std::thread::spawn(move || serve(listener, acceptor, answers, seen, stop))
        };
        // One key for every name: generating it per name would only cost
        // time, and it never leaves this process.
        let key = KeyType::EcdsaP256.generate()?;
        Ok(TlsAlpnServer {
            answers,
            seen,
            key,
            stop,
            addr,
            thread: Some(thread),
            _interrupt: None,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and closes the listening socket (idempotent).
    fn shutdown(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(
            &super::listener::wake_address(self.addr),
            Duration::from_millis(500),
        );
        let _ = thread.join();
    }
}

/// The SNI name the CA sends for an identifier: the name itself, or the
/// reverse-DNS name of an IP address (RFC 8738 §6), without a final dot.
pub fn sni_name(identifier: &Identifier) -> Result<String> {
    match identifier.kind {
        IdentifierKind::Dns => Ok(normalize_sni(&identifier.value)),
        IdentifierKind::Ip => {
            let ip: IpAddr = identifier.value.parse().map_err(|_| {
                Error::Solver(format!(
                    "the CA sent an ip identifier that is not an IP address: {:?}",
                    identifier.value
                ))
            })?;
            Ok(reverse_dns_name(ip))
        }
    }
}

/// `192.0.2.1` -> `1.2.0.192.in-addr.arpa`; IPv6 nibble by nibble under
/// `ip6.arpa` (RFC 3596 §2.5).
pub fn reverse_dns_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut labels: Vec<String> = Vec::with_capacity(34);
            for byte in v6.octets().iter().rev() {
                labels.push(format!("{:x}", byte & 0x0f));
                labels.push(format!("{:x}", byte >> 4));
            }
            labels.push("ip6.arpa".into());
            labels.join(".")
        }
    }
}

/// DNS names compare case-insensitively, and a final dot means the same
/// name (some validators send it, RFC 8738's example has it).
fn normalize_sni(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The RFC 8737 §3 validation certificate for one identifier.
pub fn validation_certificate(
    identifier: &Identifier,
    key_authorization: &str,
    key: &PKey<Private>,
) -> Result<X509> {
    let mut builder = X509::builder().map_err(crypto("tls-alpn-01 certificate"))?;
    builder
        .set_version(2)
        .map_err(crypto("tls-alpn-01 certificate version"))?;
    let serial = {
        let mut bn = BigNum::new().map_err(crypto("tls-alpn-01 serial"))?;
        bn.rand(127, MsbOption::MAYBE_ZERO, false)
            .map_err(crypto("tls-alpn-01 serial"))?;
        Asn1Integer::from_bn(&bn).map_err(crypto("tls-alpn-01 serial"))?
    };
    builder
        .set_serial_number(&serial)
        .map_err(crypto("tls-alpn-01 serial"))?;
    let mut name = X509NameBuilder::new().map_err(crypto("tls-alpn-01 subject"))?;
    name.append_entry_by_text("CN", "certwright tls-alpn-01 challenge")
        .map_err(crypto("tls-alpn-01 subject"))?;
    let name = name.build();
    builder
        .set_subject_name(&name)
        .map_err(crypto("tls-alpn-01 subject"))?;
    builder
        .set_issuer_name(&name)
        .map_err(crypto("tls-alpn-01 issuer"))?;
    let not_before = Asn1Time::days_from_now(0).map_err(crypto("tls-alpn-01 validity"))?;
    let not_after =
        Asn1Time::days_from_now(CERT_LIFETIME_DAYS).map_err(crypto("tls-alpn-01 validity"))?;
    builder
        .set_not_before(&not_before)
        .map_err(crypto("tls-alpn-01 validity"))?;
    builder
        .set_not_after(&not_after)
        .map_err(crypto("tls-alpn-01 validity"))?;
    builder
        .set_pubkey(key)
        .map_err(crypto("tls-alpn-01 public key"))?;
    // Exactly one identifier in the SAN (RFC 8737 §3, RFC 8738 §6).
    let mut san = SubjectAlternativeName::new();
    match identifier.kind {
        IdentifierKind::Dns => san.dns(&identifier.value),
        IdentifierKind::Ip => san.ip(&identifier.value),
    };
    let san = san
        .build(&builder.x509v3_context(None, None))
        .map_err(crypto("tls-alpn-01 subjectAltName"))?;
    builder
        .append_extension(san)
        .map_err(crypto("tls-alpn-01 subjectAltName"))?;
    builder
        .append_extension(acme_identifier_extension(key_authorization)?)
        .map_err(crypto("tls-alpn-01 acmeIdentifier"))?;
    builder
        .sign(key, MessageDigest::sha256())
        .map_err(crypto("signing the tls-alpn-01 certificate"))?;
    Ok(builder.build())
}

/// The critical acmeIdentifier extension: its extnValue is the DER
/// encoding of `Authorization ::= OCTET STRING (SIZE (32))`.
fn acme_identifier_extension(key_authorization: &str) -> Result<X509Extension> {
    let digest = openssl::sha::sha256(key_authorization.as_bytes());
    let mut der = Vec::with_capacity(2 + digest.len());
    // OCTET STRING tag, short-form length 32.
    der.extend_from_slice(&[0x04, 0x20]);
    der.extend_from_slice(&digest);
    let oid = Asn1Object::from_str(ACME_IDENTIFIER_OID).map_err(crypto("acmeIdentifier OID"))?;
    let contents = Asn1OctetString::new_from_bytes(&der).map_err(crypto("acmeIdentifier value"))?;
    X509Extension::new_from_der(&oid, true, &contents).map_err(crypto("acmeIdentifier extension"))
}

fn acceptor(answers: Answers) -> Result<SslAcceptor> {
    let mut builder = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server())
        .map_err(crypto("tls-alpn-01 TLS context"))?;
    // RFC 8737 §4: TLS 1.2 or higher.
    builder
        .set_min_proto_version(Some(SslVersion::TLS1_2))
        .map_err(crypto("tls-alpn-01 TLS version"))?;
    builder.set_servername_callback(move |ssl, alert| {
        let answer = ssl
            .servername(NameType::HOST_NAME)
            .map(normalize_sni)
            .and_then(|name| lock(&answers).get(&name).cloned());
        let Some(answer) = answer else {
            *alert = SslAlert::UNRECOGNIZED_NAME;
            return Err(SniError::ALERT_FATAL);
        };
        // Installed here, not later: TLS 1.2 picks its cipher suite from
        // the certificate before ALPN is negotiated.
        ssl.set_certificate(&answer.cert)
            .and_then(|()| ssl.set_private_key(&answer.key))
            .map_err(|_| SniError::ALERT_FATAL)
    });
    // Anything but acme-tls/1 ends the handshake before the certificate is
    // sent: no_application_protocol (RFC 7301 §3.2).
    builder.set_alpn_select_callback(|_, offered| {
        select_acme_tls(offered).ok_or(AlpnError::ALERT_FATAL)
    });
    Ok(builder.build())
}

/// `acme-tls/1` if the client's ALPN list (wire format: length-prefixed
/// strings) offers it; nothing else is ever negotiated.
fn select_acme_tls(offered: &[u8]) -> Option<&[u8]> {
    let mut rest = offered;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len);
        if tail.len() < len {
            return None;
        }
        let (protocol, next) = tail.split_at(len);
        if protocol == ACME_TLS_ALPN_PROTOCOL {
            return Some(protocol);
        }
        rest = next;
    }
    None
}

/// The first TLS record (the ClientHello) as it waits in the socket,
/// without consuming it, so OpenSSL still reads it whole.
fn peek_client_hello(stream: &TcpStream) -> Option<Vec<u8>> {
    const HEADER: usize = 5;
    let mut buf = vec![0u8; HEADER + MAX_RECORD];
    let deadline = std::time::Instant::now() + HANDSHAKE_TIMEOUT;
    let mut have = 0;
    loop {
        // Blocks (up to the read timeout) until anything is there.
        let n = stream.peek(&mut buf).ok()?;
        if n == 0 || std::time::Instant::now() > deadline {
            return None;
        }
        if n == have {
            // The rest of the record is still on its way.
            std::thread::sleep(Duration::from_millis(5));
        }
        have = n;
        if have >= HEADER {
            let len = usize::from(u16::from_be_bytes([buf[3], buf[4]]));
            if buf[0] != 0x16 || len > MAX_RECORD {
                return None;
            }
            if have >= HEADER + len {
                buf.truncate(HEADER + len);
                return Some(buf);
            }
        }
    }
}

/// The largest TLS plaintext record (RFC 8446 §5.1).
const MAX_RECORD: usize = 1 << 14;

/// Whether a ClientHello record carries an ALPN extension (RFC 8446
/// §4.1.2 layout; extension 16 is ALPN, RFC 7301 §3.1).
fn offers_alpn(record: &[u8]) -> bool {
    fn take<'a>(data: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        if data.len() < n {
            return None;
        }
        let (head, tail) = data.split_at(n);
        *data = tail;
        Some(head)
    }
    fn vector<'a>(data: &mut &'a [u8], len_bytes: usize) -> Option<&'a [u8]> {
        let len = take(data, len_bytes)?
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        take(data, len)
    }
    let parse = || -> Option<bool> {
        let mut data = record.get(5..)?;
        // Handshake type 1 = ClientHello, then a 3-byte length.
        if take(&mut data, 1)? != [1] {
            return None;
        }
        let mut hello = vector(&mut data, 3)?;
        take(&mut hello, 2 + 32)?; // legacy_version, random
        vector(&mut hello, 1)?; // legacy_session_id
        vector(&mut hello, 2)?; // cipher_suites
        vector(&mut hello, 1)?; // legacy_compression_methods
        let mut extensions = vector(&mut hello, 2)?;
        while !extensions.is_empty() {
            let kind = take(&mut extensions, 2)?;
            vector(&mut extensions, 2)?;
            if kind == [0, 16] {
                return Some(true);
            }
        }
        Some(false)
    };
    parse().unwrap_or(false)
}

fn lock(answers: &Answers) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Answer>>> {
    // A panic elsewhere cannot leave the map half-written (inserts and
    // clears are single calls), so a poisoned lock is still usable.
    answers
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn serve(
    listener: TcpListener,
    acceptor: SslAcceptor,
    answers: Answers,
    seen: Arc<Sightings>,
    stop: Arc<AtomicBool>,
) {
    let context: SslContext = acceptor.into_context();
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let Ok(ssl) = Ssl::new(&context) else {
            continue;
        };
        // One thread per connection: validators connect from several
        // vantage points at once and a stalled peer must not block them.
        let (answers, seen) = (Arc::clone(&answers), Arc::clone(&seen));
        std::thread::spawn(move || handshake(ssl, stream, &answers, &seen));
    }
}

fn handshake(ssl: Ssl, stream: TcpStream, answers: &Answers, seen: &Sightings) {
    if stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT)).is_err()
        || stream.set_write_timeout(Some(HANDSHAKE_TIMEOUT)).is_err()
    {
        return;
    }
    // OpenSSL calls no ALPN callback when the client offers no ALPN at all,
    // and would send the certificate; look at the ClientHello first.
    // (A list without acme-tls/1 is left to the ALPN callback, which
    // answers with the proper alert.)
    if !peek_client_hello(&stream).is_some_and(|hello| offers_alpn(&hello)) {
        return;
    }
    // Nothing follows the handshake: the CA only looks at the certificate
    // (RFC 8737 §3), so close cleanly once it is done.
    if let Ok(mut tls) = ssl.accept(stream) {
        // A completed acme-tls/1 handshake is the CA's look at the
        // certificate: the poller counts it like an http-01 fetch.
        let answered = tls
            .ssl()
            .servername(NameType::HOST_NAME)
            .map(normalize_sni)
            .and_then(|name| lock(answers).get(&name).map(|a| a.token.clone()));
        let _ = tls.shutdown();
        if let Some(token) = answered {
            seen.saw(&token);
        }
    }
}

impl Solver for TlsAlpnServer {
    fn challenge_type(&self) -> ChallengeType {
        ChallengeType::TlsAlpn01
    }

    fn present(&mut self, task: &ChallengeTask) -> Result<()> {
        if self.thread.is_none() {
            return Err(Error::Solver(
                "the tls-alpn-01 server was already stopped".into(),
            ));
        }
        if self._interrupt.is_none() {
            // Exiting on the signal closes the socket; stopping the accept
            // loop first means no handshake is half-answered meanwhile.
            let (stop, addr) = (Arc::clone(&self.stop), self.addr);
            self._interrupt = Some(crate::interrupt::on_interrupt(move || {
                stop.store(true, Ordering::SeqCst);
                let _ = TcpStream::connect_timeout(
                    &super::listener::wake_address(addr),
                    Duration::from_millis(200),
                );
            })?);
        }
        let name = sni_name(&task.identifier)?;
        let cert = validation_certificate(&task.identifier, &task.key_authorization, &self.key)?;
        lock(&self.answers).insert(
            name,
            Arc::new(Answer {
                cert,
                key: self.key.clone(),
                token: task.token.clone(),
            }),
        );
        Ok(())
    }

    fn sightings(&self) -> Option<&Sightings> {
        Some(&self.seen)
    }

    /// Forgets every certificate and releases the port.
    fn cleanup(&mut self) -> Result<()> {
        lock(&self.answers).clear();
        self.shutdown();
        self._interrupt = None;
        Ok(())
    }
}

impl Drop for TlsAlpnServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::ssl::{SslConnector, SslVerifyMode};
    use std::process::{Command, Stdio};

    fn task(name: &str, key_authorization: &str) -> ChallengeTask {
        ChallengeTask {
            identifier: Identifier::from_name(name),
            token: "tok".into(),
            key_authorization: key_authorization.into(),
            wildcard: false,
            persist: None,
        }
    }

    /// One handshake; Ok(leaf certificate) or Err(the handshake error).
    fn connect(
        addr: SocketAddr,
        sni: Option<&str>,
        alpn: Option<&[u8]>,
    ) -> std::result::Result<X509, String> {
        connect_max(addr, sni, alpn, None)
    }

    fn connect_max(
        addr: SocketAddr,
        sni: Option<&str>,
        alpn: Option<&[u8]>,
        max: Option<SslVersion>,
    ) -> std::result::Result<X509, String> {
        let mut builder = SslConnector::builder(SslMethod::tls_client()).unwrap();
        builder.set_max_proto_version(max).unwrap();
        builder.set_verify(SslVerifyMode::NONE);
        if let Some(alpn) = alpn {
            builder.set_alpn_protos(alpn).unwrap();
        }
        let connector = builder.build();
        let mut config = connector.configure().unwrap();
        config.set_use_server_name_indication(sni.is_some());
        config.set_verify_hostname(false);
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let tls = config
            .connect(sni.unwrap_or("unused.invalid"), stream)
            .map_err(|e| e.to_string())?;
        if tls.ssl().peer_certificate().is_some()
            && tls.ssl().selected_alpn_protocol() != Some(ACME_TLS_ALPN_PROTOCOL)
        {
            panic!("a certificate was shown outside acme-tls/1");
        }
        if tls.ssl().selected_alpn_protocol() != Some(ACME_TLS_ALPN_PROTOCOL) {
            return Err(format!(
                "negotiated {:?}",
                tls.ssl().selected_alpn_protocol()
            ));
        }
        tls.ssl()
            .peer_certificate()
            .ok_or_else(|| "no certificate".into())
    }

    const ALPN_ACME: &[u8] = b"\x0aacme-tls/1";

    /// The extension's value as the CA reads it: the 32 bytes inside the
    /// DER OCTET STRING, and whether it is critical.
    fn acme_identifier(cert: &X509) -> Option<(bool, Vec<u8>)> {
        let text = String::from_utf8(cert.to_text().unwrap()).unwrap();
        let critical = text.contains(&format!("{ACME_IDENTIFIER_OID}: critical"));
        // OpenSSL prints unknown extensions as a hex dump; the DER is
        // easier to find in the certificate itself.
        let der = cert.to_der().unwrap();
        let oid_der = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x1f];
        let at = der.windows(oid_der.len()).position(|w| w == oid_der)?;
        let rest = &der[at + oid_der.len()..];
        // [BOOLEAN TRUE] OCTET STRING(34) { OCTET STRING(32) { digest } }
        let rest = rest.strip_prefix(&[0x01, 0x01, 0xff][..]).unwrap_or(rest);
        let inner = rest.strip_prefix(&[0x04, 0x22, 0x04, 0x20][..])?;
        Some((critical, inner[..32].to_vec()))
    }

    #[test]
    fn serves_every_name_of_the_order_by_sni_with_the_acme_identifier() {
        let mut server = TlsAlpnServer::bind("127.0.0.1", 0).unwrap();
        let addr = server.local_addr();
        for (name, ka) in [
            ("a.example", "tokA.thumb"),
            ("b.example", "tokB.thumb"),
            ("192.0.2.7", "tokC.thumb"),
        ] {
            server.present(&task(name, ka)).unwrap();
        }
        for (sni, san, ka) in [
            ("a.example", "DNS:a.example", "tokA.thumb"),
            ("B.Example.", "DNS:b.example", "tokB.thumb"),
            (
                "7.2.0.192.in-addr.arpa",
                "IP Address:192.0.2.7",
                "tokC.thumb",
            ),
        ] {
            let cert = connect(addr, Some(sni), Some(ALPN_ACME)).unwrap();
            let text = String::from_utf8(cert.to_text().unwrap()).unwrap();
            let sans = cert.subject_alt_names().unwrap();
            assert_eq!(sans.len(), 1, "exactly one identifier: {text}");
            assert!(text.contains(san), "{sni}: {text}");
            let (critical, digest) = acme_identifier(&cert).expect("acmeIdentifier present");
            assert!(critical, "acmeIdentifier must be critical: {text}");
            assert_eq!(digest, openssl::sha::sha256(ka.as_bytes()).to_vec());
            assert!(
                cert.verify(&cert.public_key().unwrap()).unwrap(),
                "self-signed"
            );
        }
        server.cleanup().unwrap();
    }

    #[test]
    fn only_acme_tls_1_gets_a_certificate() {
        let mut server = TlsAlpnServer::bind("127.0.0.1", 0).unwrap();
        let addr = server.local_addr();
        server.present(&task("a.example", "k.t")).unwrap();
        let since = std::time::Instant::now();
        // Other protocols only: no_application_protocol.
        let err = connect(addr, Some("a.example"), Some(b"\x02h2\x08http/1.1")).unwrap_err();
        assert!(
            err.contains("no application protocol") || err.contains("alert"),
            "{err}"
        );
        // No ALPN at all: the certificate is never installed, so the
        // handshake fails instead of showing it outside acme-tls/1.
        assert!(connect(addr, Some("a.example"), None).is_err());
        // acme-tls/1 among others is chosen.
        connect(addr, Some("a.example"), Some(b"\x02h2\x0aacme-tls/1")).unwrap();
        // The same holds for TLS 1.2, where the certificate is chosen at a
        // different point of the handshake.
        let tls12 = Some(SslVersion::TLS1_2);
        connect_max(addr, Some("a.example"), Some(ALPN_ACME), tls12).unwrap();
        assert!(connect_max(addr, Some("a.example"), None, tls12).is_err());
        assert!(connect_max(addr, Some("a.example"), Some(b"\x02h2"), tls12).is_err());
        let tls11 = Some(SslVersion::TLS1_1);
        assert!(connect_max(addr, Some("a.example"), Some(ALPN_ACME), tls11).is_err());
        // The two completed acme-tls/1 handshakes are the CA's looks, for
        // the poller; the refused ones are not (each is recorded by its own
        // thread, hence the wait).
        let token = ["tok".to_string()];
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let seen = server.sightings().unwrap();
        let snap = seen.wait_until(
            &token,
            since,
            |s| if s.fewest >= 2 { since } else { deadline },
        );
        assert_eq!(snap.fewest, 2);
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(seen.snapshot(&token, since).fewest, 2);
        server.cleanup().unwrap();
    }

    #[test]
    fn unknown_or_missing_sni_is_refused() {
        let mut server = TlsAlpnServer::bind("127.0.0.1", 0).unwrap();
        let addr = server.local_addr();
        server.present(&task("a.example", "k.t")).unwrap();
        let err = connect(addr, Some("other.example"), Some(ALPN_ACME)).unwrap_err();
        assert!(
            err.contains("unrecognized name") || err.contains("alert"),
            "{err}"
        );
        assert!(connect(addr, None, Some(ALPN_ACME)).is_err());
        server.cleanup().unwrap();
    }

    #[test]
    fn many_concurrent_validators_are_answered() {
        let mut server = TlsAlpnServer::bind("127.0.0.1", 0).unwrap();
        let addr = server.local_addr();
        server.present(&task("a.example", "k.t")).unwrap();
        // A peer that connects and says nothing must not block the others.
        let _stalled = TcpStream::connect(addr).unwrap();
        let handles: Vec<_> = (0..16)
            .map(|_| std::thread::spawn(move || connect(addr, Some("a.example"), Some(ALPN_ACME))))
            .collect();
        for h in handles {
            h.join().unwrap().unwrap();
        }
        server.cleanup().unwrap();
    }

    #[test]
    fn cleanup_releases_the_port() {
        let mut server = TlsAlpnServer::bind("127.0.0.1", 0).unwrap();
        let port = server.local_addr().port();
        server.present(&task("a.example", "k.t")).unwrap();
        server.cleanup().unwrap();
        TcpListener::bind(("127.0.0.1", port)).expect("the port is free after cleanup");
        // Presenting after cleanup is an error, not a silent no-op.
        assert!(server.present(&task("a.example", "k.t")).is_err());
    }

    #[test]
    fn a_busy_port_is_reported() {
        let held = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = held.local_addr().unwrap().port();
        let err = TlsAlpnServer::bind("127.0.0.1", port).err().unwrap();
        assert!(err.to_string().contains("already in use"), "{err}");
        assert!(err.to_string().contains("tls-alpn-01"), "{err}");
    }

    #[test]
    fn answers_on_ipv6() {
        let Ok(mut server) = TlsAlpnServer::bind("::1", 0) else {
            eprintln!("no IPv6 loopback here; skipped");
            return;
        };
        let addr = server.local_addr();
        assert!(addr.is_ipv6());
        server.present(&task("a.example", "k.t")).unwrap();
        connect(addr, Some("a.example"), Some(ALPN_ACME)).unwrap();
        server.cleanup().unwrap();
    }

    #[test]
    fn reverse_dns_names_follow_rfc_8738() {
        assert_eq!(
            reverse_dns_name("192.0.2.1".parse().unwrap()),
            "1.2.0.192.in-addr.arpa"
        );
        assert_eq!(
            reverse_dns_name("2001:db8::1".parse().unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
    }

    #[test]
    fn alpn_lists_are_parsed_strictly() {
        assert_eq!(select_acme_tls(ALPN_ACME), Some(ACME_TLS_ALPN_PROTOCOL));
        assert_eq!(select_acme_tls(b"\x02h2"), None);
        assert_eq!(select_acme_tls(b"\x0bacme-tls/1"), None, "truncated");
        assert_eq!(select_acme_tls(b"\x0aacme-tls/2"), None);
        assert_eq!(select_acme_tls(b""), None);
    }

    /// `openssl ARGS` with `input` on stdin; its stdout.
    fn pipe(args: &[&str], input: &str) -> String {
        use std::io::Write;
        let mut child = Command::new("openssl")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    }

    /// An independent check: the `openssl` command line, as an operator
    /// would debug it.
    #[test]
    fn openssl_s_client_sees_the_validation_certificate() {
        if Command::new("openssl").arg("version").output().is_err() {
            eprintln!("no openssl command; skipped");
            return;
        }
        let mut server = TlsAlpnServer::bind("127.0.0.1", 0).unwrap();
        let addr = server.local_addr();
        server
            .present(&task("www.example.org", "tok.thumbprint"))
            .unwrap();
        let out = Command::new("openssl")
            .args(["s_client", "-connect", &addr.to_string()])
            .args(["-alpn", "acme-tls/1", "-servername", "www.example.org"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("ALPN protocol: acme-tls/1"),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pem_start = stdout.find("-----BEGIN CERTIFICATE-----").unwrap();
        let pem_end = stdout.find("-----END CERTIFICATE-----").unwrap() + 25;
        let pem = &stdout[pem_start..pem_end];
        let text = pipe(&["x509", "-noout", "-text"], pem);
        assert!(text.contains("DNS:www.example.org"), "{text}");
        assert!(text.contains("1.3.6.1.5.5.7.1.31: critical"), "{text}");
        // The extension's bytes, decoded by openssl itself: after the OID
        // and the critical flag, an OCTET STRING holding 04 20 (a DER OCTET
        // STRING of 32 bytes) and the SHA-256 of the key authorization.
        let parsed = pipe(&["asn1parse", "-inform", "PEM"], pem);
        let after_oid = parsed
            .split(":1.3.6.1.5.5.7.1.31")
            .nth(1)
            .unwrap_or_else(|| panic!("no acmeIdentifier in {parsed}"));
        let mut lines = after_oid.lines().skip(1);
        assert!(
            lines.next().unwrap().contains("BOOLEAN           :255"),
            "{after_oid}"
        );
        let value = lines.next().unwrap();
        let digest: String = openssl::sha::sha256(b"tok.thumbprint")
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert!(
            value.contains(&format!("[HEX DUMP]:0420{digest}")),
            "{value}"
        );

        // Without acme-tls/1 the same command gets no certificate.
        let out = Command::new("openssl")
            .args(["s_client", "-connect", &addr.to_string()])
            .args(["-alpn", "http/1.1", "-servername", "www.example.org"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("BEGIN CERTIFICATE"),
            "a certificate was shown outside acme-tls/1"
        );
        server.cleanup().unwrap();
    }
}
