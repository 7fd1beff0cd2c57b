//! `rfc2136`: DNS UPDATE (RFC 2136) signed with TSIG (RFC 8945), the way
//! BIND, Knot, PowerDNS and most primaries accept changes.
//!
//! Each value is one "add to an RRset" update, so a name and its wildcard
//! (one `_acme-challenge` name, two values) and other clients' values all
//! survive; cleanup is a "delete an RR from an RRset" of exactly that
//! value (RFC 2136 §2.5.1, §2.5.4). The zone is found with an SOA walk
//! against the same server, as certbot's plugin does: the server that takes
//! the update is the one that knows its zones.
//!
//! Messages are hickory-proto's (update builders, TSIG record and its
//! to-be-signed encoding); the HMAC is OpenSSL's, which certwright links
//! already, rather than hickory's `dnssec-ring` feature: that would add
//! ring for the three SHA-2 MACs it supports, where OpenSSL also gives
//! hmac-sha1 and hmac-sha224 (lego's default is hmac-sha1) and hmac-md5
//! (certbot's default). Every answer's TSIG is verified before it counts.

use super::super::dns_lookup::{AfterSilence, ask_server, exchange, soa_walk};
use super::super::propagation;
use super::credentials::Credentials;
use super::{DnsProvider, RECORD_TTL, REQUEST_TIMEOUT, Registration, display_name, dns_name};
use crate::error::{Error, Result};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hickory_proto::op::{Header, Message, Query, ResponseCode, update_message};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::rdata::tsig::{
    TSIG, TsigAlgorithm, TsigError, make_tsig_record, message_tbs,
};
use hickory_proto::rr::{Name, RData, Record, RecordSet, RecordType};
use hickory_proto::serialize::binary::{BinDecodable, BinDecoder, BinEncodable, BinEncoder};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;
use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const PROVIDER: Registration = Registration {
    name: "rfc2136",
    about: "DNS UPDATE with a TSIG key (BIND, Knot, PowerDNS, Windows DNS...)",
    env: &[
        "RFC2136_NAMESERVER",
        "RFC2136_TSIG_KEY",
        "RFC2136_TSIG_SECRET",
        "RFC2136_TSIG_ALGORITHM",
    ],
    open,
};

/// Seconds of clock difference the server may accept (RFC 8945 §10
/// recommends 300).
const FUDGE: u16 = 300;
/// tsig-keygen's default, and the TOML file's.
const DEFAULT_ALGORITHM: Algorithm = Algorithm::Sha256;
/// certbot-dns-rfc2136's default when its INI file names none.
const CERTBOT_DEFAULT_ALGORITHM: Algorithm = Algorithm::Md5;
/// lego's default when RFC2136_TSIG_ALGORITHM is not set.
const LEGO_DEFAULT_ALGORITHM: Algorithm = Algorithm::Sha1;

/// The TSIG MAC algorithms (RFC 8945 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    pub const ALL: [Algorithm; 6] = [
        Algorithm::Md5,
        Algorithm::Sha1,
        Algorithm::Sha224,
        Algorithm::Sha256,
        Algorithm::Sha384,
        Algorithm::Sha512,
    ];

    /// `hmac-sha256`, `HMAC-SHA256`, lego's `hmac-sha256.`, and MD5's long
    /// name `hmac-md5.sig-alg.reg.int`.
    pub fn parse(text: &str) -> Option<Algorithm> {
        let t = text.trim().trim_end_matches('.').to_ascii_lowercase();
        let t = t.strip_suffix(".sig-alg.reg.int").unwrap_or(&t);
        Algorithm::ALL.into_iter().find(|a| a.name() == t)
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "hmac-md5",
            Algorithm::Sha1 => "hmac-sha1",
            Algorithm::Sha224 => "hmac-sha224",
            Algorithm::Sha256 => "hmac-sha256",
            Algorithm::Sha384 => "hmac-sha384",
            Algorithm::Sha512 => "hmac-sha512",
        }
    }

    fn tsig(self) -> TsigAlgorithm {
        match self {
            Algorithm::Md5 => TsigAlgorithm::HmacMd5,
            Algorithm::Sha1 => TsigAlgorithm::HmacSha1,
            Algorithm::Sha224 => TsigAlgorithm::HmacSha224,
            Algorithm::Sha256 => TsigAlgorithm::HmacSha256,
            Algorithm::Sha384 => TsigAlgorithm::HmacSha384,
            Algorithm::Sha512 => TsigAlgorithm::HmacSha512,
        }
    }

    fn digest(self) -> MessageDigest {
        match self {
            Algorithm::Md5 => MessageDigest::md5(),
            Algorithm::Sha1 => MessageDigest::sha1(),
            Algorithm::Sha224 => MessageDigest::sha224(),
            Algorithm::Sha256 => MessageDigest::sha256(),
            Algorithm::Sha384 => MessageDigest::sha384(),
            Algorithm::Sha512 => MessageDigest::sha512(),
        }
    }
}

/// A TSIG key. The secret never reaches Debug output.
#[derive(Clone)]
pub struct TsigKey {
    pub name: Name,
    pub algorithm: Algorithm,
    secret: Vec<u8>,
}

impl std::fmt::Debug for TsigKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TsigKey")
            .field("name", &self.name)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl TsigKey {
    pub fn new(name: &str, algorithm: Algorithm, secret_base64: &str) -> Result<TsigKey> {
        let compact: String = secret_base64.split_whitespace().collect();
        let secret = STANDARD.decode(compact.as_bytes()).map_err(|e| {
            Error::Usage(format!(
                "the TSIG secret is not base64 ({e}); copy the `secret` of the key from tsig-keygen's output"
            ))
        })?;
        if secret.is_empty() {
            return Err(Error::Usage("the TSIG secret is empty".into()));
        }
        Ok(TsigKey {
            name: dns_name(name)?,
            algorithm,
            secret,
        })
    }

    fn mac(&self, data: &[u8]) -> Result<Vec<u8>> {
        let crypto = |source| Error::Crypto {
            context: "TSIG HMAC",
            source,
        };
        let key = PKey::hmac(&self.secret).map_err(crypto)?;
        let mut signer = Signer::new(self.algorithm.digest(), &key).map_err(crypto)?;
        signer.update(data).map_err(crypto)?;
        signer.sign_to_vec().map_err(crypto)
    }

    /// Adds the TSIG record to `message` (RFC 8945 §4.3.1); returns its MAC,
    /// which the answer's MAC covers.
    fn sign(&self, message: &mut Message, now: u64) -> Result<Vec<u8>> {
        let stub = TSIG::new(
            self.algorithm.tsig(),
            now,
            FUDGE,
            Vec::new(),
            message.metadata.id,
            None,
            Vec::new(),
        );
        let tbs = message_tbs(&*message, &stub, &self.name).map_err(encode_error)?;
        let mac = self.mac(&tbs)?;
        message.signature = Some(Box::new(make_tsig_record(
            self.name.clone(),
            stub.set_mac(mac.clone()),
        )));
        Ok(mac)
    }
}

fn encode_error(e: impl std::fmt::Display) -> Error {
    Error::Solver(format!("cannot encode the DNS UPDATE message: {e}"))
}

/// Why an answer's TSIG did not verify.
#[derive(Debug, PartialEq, Eq)]
enum Unverified {
    /// No TSIG record at all.
    Unsigned,
    /// The server's TSIG error field (BADSIG, BADKEY, BADTIME).
    Rejected(TsigError),
    /// Present, but not made with our key.
    Forged(String),
}

/// Checks the TSIG of an answer to a request whose MAC was `request_mac`
/// (RFC 8945 §4.3.2, §5.3).
fn verify(key: &TsigKey, response: &[u8], request_mac: &[u8], now: u64) -> Result<(), Unverified> {
    let forged = |why: &str| Unverified::Forged(why.to_string());
    let mut decoder = BinDecoder::new(response);
    let Header {
        mut metadata,
        mut counts,
    } = Header::read(&mut decoder).map_err(|_| forged("malformed header"))?;
    if counts.additionals == 0 {
        return Err(Unverified::Unsigned);
    }
    counts.additionals -= 1;
    let start = response.len() - decoder.len();
    for _ in 0..counts.queries {
        Query::read(&mut decoder).map_err(|_| forged("malformed question"))?;
    }
    let sections = [
        (
            usize::from(counts.answers) + usize::from(counts.authorities),
            false,
        ),
        (usize::from(counts.additionals), true),
    ];
    for (count, additional) in sections {
        Message::read_records(&mut decoder, count, additional, metadata.op_code)
            .map_err(|_| forged("malformed records"))?;
    }
    let end = response.len() - decoder.len();
    let (mut last, _, _) = Message::read_records(&mut decoder, 1, true, metadata.op_code)
        .map_err(|_| Unverified::Unsigned)?;
    let Some(record) = last.pop() else {
        return Err(Unverified::Unsigned);
    };
    let RData::TSIG(tsig) = &record.data else {
        return Err(Unverified::Unsigned);
    };
    if let Some(error) = tsig.error {
        return Err(Unverified::Rejected(error));
    }
    // Names compare case-insensitively; hickory matches MD5's long name
    // only in upper case, and BIND sends it in lower case.
    let algorithm = Algorithm::parse(&tsig.algorithm.to_name().to_ascii());
    if record.name != key.name || algorithm != Some(key.algorithm) {
        return Err(forged("signed with another key"));
    }
    metadata.id = tsig.oid;
    let mut tbs = Vec::with_capacity(response.len() + request_mac.len() + 64);
    let mut encoder = BinEncoder::new(&mut tbs);
    let mac_len = u16::try_from(request_mac.len()).map_err(|_| forged("MAC too long"))?;
    let emit = |e: hickory_proto::ProtoError| Unverified::Forged(e.to_string());
    encoder.emit_u16(mac_len).map_err(emit)?;
    encoder.emit_vec(request_mac).map_err(emit)?;
    Header { metadata, counts }
        .emit(&mut encoder)
        .map_err(emit)?;
    encoder.emit_vec(&response[start..end]).map_err(emit)?;
    tsig.emit_tsig_for_mac(&mut encoder, &record.name)
        .map_err(emit)?;
    let expected = key
        .mac(&tbs)
        .map_err(|e| Unverified::Forged(e.to_string()))?;
    if expected.len() != tsig.mac.len() || !openssl::memcmp::eq(&expected, &tsig.mac) {
        return Err(forged("the MAC does not match"));
    }
    if now.abs_diff(tsig.time) > u64::from(tsig.fudge) {
        return Err(forged("the signature time is outside its fudge"));
    }
    Ok(())
}

/// The provider.
pub struct Rfc2136 {
    server: SocketAddr,
    /// As the user wrote it, for messages.
    server_text: String,
    key: TsigKey,
    /// The credentials' source, for messages that say what to fix.
    source: String,
    timeout: Duration,
    zones: BTreeMap<String, String>,
}

fn open(c: &Credentials) -> Result<Box<dyn DnsProvider>> {
    Ok(Box::new(Rfc2136::from_credentials(c)?))
}

/// An address as `--dns-resolver` takes it, or `HOST[:PORT]` with a name
/// the system resolves.
fn parse_server(text: &str) -> Result<SocketAddr> {
    let text = text.trim();
    if let Ok(addr) = propagation::parse_server(text) {
        return Ok(addr);
    }
    let (host, port) = match text.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>().map_err(|_| {
                Error::Usage(format!("the DNS server {text:?} has a bad port {p:?}"))
            })?,
        ),
        None => (text, propagation::DNS_PORT),
    };
    (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            Error::Usage(format!(
                "the DNS server {text:?} is not an address, and its name does not resolve"
            ))
        })
}

impl Rfc2136 {
    pub fn new(server: &str, key: TsigKey, source: &str) -> Result<Rfc2136> {
        Ok(Rfc2136 {
            server: parse_server(server)?,
            server_text: server.to_string(),
            key,
            source: source.to_string(),
            timeout: REQUEST_TIMEOUT,
            zones: BTreeMap::new(),
        })
    }

    /// certwright's TOML keys, else certbot's INI keys, else lego's
    /// variables.
    pub fn from_credentials(c: &Credentials) -> Result<Rfc2136> {
        let certbot = c.get(&["dns_rfc2136_server"], &[]).is_some();
        let lego = c.get(&["server"], &[]).is_none() && !certbot;
        let mut server = c
            .require(&["server", "dns_rfc2136_server"], &["RFC2136_NAMESERVER"])?
            .to_string();
        if certbot && let Some(port) = c.get(&["dns_rfc2136_port"], &[]) {
            server = match server.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
                _ => format!("{server}:{port}"),
            };
        }
        let key_name = c.require(
            &["tsig_key_name", "dns_rfc2136_name"],
            &["RFC2136_TSIG_KEY"],
        )?;
        let secret = c.require(
            &["tsig_secret", "dns_rfc2136_secret"],
            &["RFC2136_TSIG_SECRET"],
        )?;
        let algorithm = match c.get(
            &["tsig_algorithm", "dns_rfc2136_algorithm"],
            &["RFC2136_TSIG_ALGORITHM"],
        ) {
            Some(text) => Algorithm::parse(text).ok_or_else(|| {
                Error::Usage(format!(
                    "unknown TSIG algorithm {text:?} in {}: use one of {}",
                    c.source(),
                    Algorithm::ALL.map(Algorithm::name).join(", ")
                ))
            })?,
            None if certbot => CERTBOT_DEFAULT_ALGORITHM,
            None if lego => LEGO_DEFAULT_ALGORITHM,
            None => DEFAULT_ALGORITHM,
        };
        let key = TsigKey::new(key_name, algorithm, secret)
            .map_err(|e| Error::Usage(format!("{}: {e}", c.source())))?;
        Rfc2136::new(&server, key, &c.source())
    }

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }

    /// Signs and sends `message`, verifies the signed answer, maps every
    /// failure to what the user should check.
    fn send(&self, mut message: Message, what: &str) -> Result<()> {
        let now = Self::now();
        let request_mac = self.key.sign(&mut message, now)?;
        let bytes = message.to_vec().map_err(encode_error)?;
        let server = &self.server_text;
        let fail = |detail: String| Error::Solver(format!("{what} at {server}: {detail}"));
        let answer = exchange(
            self.server,
            &bytes,
            &message,
            self.timeout,
            AfterSilence::Tcp,
        )
        .map_err(fail)?;
        let response = Message::from_vec(&answer)
            .map_err(|e| fail(format!("the answer is not a DNS message: {e}")))?;
        let key = display_name(&self.key.name);
        let source = &self.source;
        match verify(&self.key, &answer, &request_mac, Self::now()) {
            Ok(()) => {}
            Err(Unverified::Rejected(TsigError::BadSig)) => {
                return Err(fail(format!(
                    "the TSIG secret was rejected by {server} (BADSIG): check tsig_secret (and tsig_algorithm) in {source}"
                )));
            }
            Err(Unverified::Rejected(TsigError::BadKey)) => {
                return Err(fail(format!(
                    "{server} does not know the TSIG key {key:?} with {} (BADKEY): check tsig_key_name and tsig_algorithm in {source}",
                    self.key.algorithm.name()
                )));
            }
            Err(Unverified::Rejected(TsigError::BadTime)) => {
                return Err(fail(format!(
                    "{server} says this machine's clock is more than {FUDGE} s off (BADTIME): fix the time (NTP)"
                )));
            }
            Err(Unverified::Rejected(other)) => {
                return Err(fail(format!(
                    "{server} rejected the TSIG signature ({other:?})"
                )));
            }
            Err(Unverified::Unsigned)
                if response.metadata.response_code != ResponseCode::NoError =>
            {
                return Err(fail(rcode_message(
                    response.metadata.response_code,
                    server,
                    &key,
                )));
            }
            Err(Unverified::Unsigned) => {
                return Err(fail(
                    "the answer carries no TSIG signature, so it may not come from the server: refusing to trust it".into(),
                ));
            }
            Err(Unverified::Forged(why)) => {
                return Err(fail(format!(
                    "the answer's TSIG signature does not verify ({why}): refusing to trust it"
                )));
            }
        }
        match response.metadata.response_code {
            ResponseCode::NoError => Ok(()),
            code => Err(fail(rcode_message(code, server, &key))),
        }
    }

    /// The SOA walk against the server itself: the closest enclosing name
    /// it answers an SOA for, authoritatively.
    fn walk_to_zone(&self, fqdn: &str) -> Result<String> {
        let name = dns_name(fqdn)?;
        soa_walk(&name, true, |candidate| {
            ask_server(self.server, candidate, RecordType::SOA, self.timeout)
        })
        .map(|zone| display_name(&zone))
        .map_err(|e| {
            Error::Solver(format!(
                "{} does not serve a zone that holds {fqdn} ({e}): point `server` in {} at the primary of that zone, or give this name another provider",
                self.server_text, self.source
            ))
        })
    }

    fn rrset(fqdn: &Name, value: &str) -> RecordSet {
        let record = Record::from_rdata(
            fqdn.clone(),
            RECORD_TTL,
            RData::TXT(TXT::new(vec![value.to_string()])),
        );
        RecordSet::from(record)
    }

    fn checked(zone: &str, fqdn: &str) -> Result<(Name, Name)> {
        let (zone, fqdn) = (dns_name(zone)?, dns_name(fqdn)?);
        // hickory's builders assert this; a wrong zone must be an error.
        if !zone.zone_of(&fqdn) {
            return Err(Error::Solver(format!(
                "{} is not inside the zone {}",
                display_name(&fqdn),
                display_name(&zone)
            )));
        }
        Ok((zone, fqdn))
    }
}

fn rcode_message(code: ResponseCode, server: &str, key: &str) -> String {
    match code {
        ResponseCode::Refused => format!(
            "{server} refused the update (REFUSED): its allow-update or update-policy must grant the key {key:?} this name"
        ),
        ResponseCode::NotAuth => format!(
            "{server} is not authoritative for the zone, or the key {key:?} is not allowed to change it (NOTAUTH)"
        ),
        ResponseCode::NotZone => {
            format!("the name is not inside the zone {server} was asked to change (NOTZONE)")
        }
        ResponseCode::ServFail => format!(
            "{server} failed to apply the update (SERVFAIL): see its log (a read-only zone file or journal?)"
        ),
        ResponseCode::NotImp => format!("{server} does not implement DNS UPDATE (NOTIMP)"),
        other => format!("{server} answered {other}"),
    }
}

impl DnsProvider for Rfc2136 {
    fn kind(&self) -> &'static str {
        PROVIDER.name
    }

    fn find_zone(&mut self, fqdn: &str) -> Result<String> {
        if let Some(z) = self.zones.get(fqdn) {
            return Ok(z.clone());
        }
        let zone = self.walk_to_zone(fqdn)?;
        self.zones.insert(fqdn.to_string(), zone.clone());
        Ok(zone)
    }

    fn present(&mut self, zone: &str, fqdn: &str, value: &str) -> Result<()> {
        let (zone_name, name) = Self::checked(zone, fqdn)?;
        let message = update_message::append(Self::rrset(&name, value), zone_name, false, false);
        self.send(
            message,
            &format!("adding the TXT record {fqdn} in the zone {zone}"),
        )
    }

    fn cleanup(&mut self, zone: &str, fqdn: &str, value: &str) -> Result<()> {
        let (zone_name, name) = Self::checked(zone, fqdn)?;
        let message = update_message::delete_by_rdata(Self::rrset(&name, value), zone_name, false);
        self.send(
            message,
            &format!("removing the TXT record {fqdn} in the zone {zone}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::OpCode;
    use std::path::Path;

    fn key(alg: Algorithm) -> TsigKey {
        TsigKey::new(
            "certwright-key",
            alg,
            "h3Kdmo45/YD7HENtBG2E+60ATjecgbPq+WtftLk1ljo=",
        )
        .unwrap()
    }

    #[test]
    fn algorithms_parse_in_every_spelling_users_bring() {
        for (text, alg) in [
            ("hmac-sha256", Algorithm::Sha256),
            ("HMAC-SHA512", Algorithm::Sha512),
            ("hmac-sha1.", Algorithm::Sha1),
            ("HMAC-MD5.SIG-ALG.REG.INT", Algorithm::Md5),
            ("hmac-sha224", Algorithm::Sha224),
            ("hmac-sha384", Algorithm::Sha384),
        ] {
            assert_eq!(Algorithm::parse(text), Some(alg), "{text}");
        }
        assert_eq!(Algorithm::parse("hmac-sha3"), None);
    }

    #[test]
    fn credentials_in_certwright_certbot_and_lego_spelling() {
        let secret = "h3Kdmo45/YD7HENtBG2E+60ATjecgbPq+WtftLk1ljo=";
        let toml = Credentials::from_parts(
            Some(Path::new("/c.toml")),
            &[
                ("server", "127.0.0.1:5300"),
                ("tsig_key_name", "k"),
                ("tsig_secret", secret),
            ],
            &[],
        );
        let p = Rfc2136::from_credentials(&toml).unwrap();
        assert_eq!(p.server, "127.0.0.1:5300".parse().unwrap());
        assert_eq!(p.key.algorithm, Algorithm::Sha256);

        let certbot = Credentials::from_parts(
            Some(Path::new("/c.ini")),
            &[
                ("dns_rfc2136_server", "::1"),
                ("dns_rfc2136_port", "5301"),
                ("dns_rfc2136_name", "keyname."),
                ("dns_rfc2136_secret", secret),
            ],
            &[],
        );
        let p = Rfc2136::from_credentials(&certbot).unwrap();
        assert_eq!(p.server, "[::1]:5301".parse().unwrap());
        assert_eq!(p.key.algorithm, Algorithm::Md5, "certbot's default");
        assert_eq!(display_name(&p.key.name), "keyname");

        let lego = Credentials::from_parts(
            None,
            &[],
            &[
                ("RFC2136_NAMESERVER", "127.0.0.1"),
                ("RFC2136_TSIG_KEY", "k."),
                ("RFC2136_TSIG_SECRET", secret),
            ],
        );
        let p = Rfc2136::from_credentials(&lego).unwrap();
        assert_eq!(p.server, "127.0.0.1:53".parse().unwrap());
        assert_eq!(p.key.algorithm, Algorithm::Sha1, "lego's default");

        let bad = Credentials::from_parts(
            Some(Path::new("/c.toml")),
            &[
                ("server", "127.0.0.1"),
                ("tsig_key_name", "k"),
                ("tsig_secret", "not base64!"),
            ],
            &[],
        );
        let err = Rfc2136::from_credentials(&bad).err().unwrap().to_string();
        assert!(err.contains("/c.toml") && err.contains("base64"), "{err}");
        assert!(!format!("{:?}", key(Algorithm::Sha256)).contains("h3Kdmo"));
    }

    /// The request's MAC is over the message plus the TSIG variables, and a
    /// response signed the RFC 8945 §4.3.2 way verifies; one flipped bit,
    /// another key, or no signature does not.
    #[test]
    fn signatures_round_trip_and_tampering_is_caught() {
        for alg in Algorithm::ALL {
            let key = key(alg);
            let name = dns_name("_acme-challenge.example.test").unwrap();
            let mut request = update_message::append(
                Rfc2136::rrset(&name, "v"),
                dns_name("example.test").unwrap(),
                false,
                false,
            );
            let now = 1_800_000_000;
            let request_mac = key.sign(&mut request, now).unwrap();
            let bytes = request.to_vec().unwrap();
            // The server's view: strip the TSIG, recompute.
            let parsed = Message::from_vec(&bytes).unwrap();
            assert!(matches!(
                parsed.additionals.last().map(|r| &r.data),
                Some(RData::TSIG(_))
            ));

            let signed_response = |key: &TsigKey, time: u64| {
                let mut response = Message::response(request.metadata.id, OpCode::Update);
                response.add_query(request.queries[0].clone());
                let stub = TSIG::new(
                    key.algorithm.tsig(),
                    time,
                    FUDGE,
                    Vec::new(),
                    request.metadata.id,
                    None,
                    Vec::new(),
                );
                let mut tbs = Vec::new();
                let mut enc = BinEncoder::new(&mut tbs);
                enc.emit_u16(request_mac.len() as u16).unwrap();
                enc.emit_vec(&request_mac).unwrap();
                response.emit(&mut enc).unwrap();
                stub.emit_tsig_for_mac(&mut enc, &key.name).unwrap();
                let mac = key.mac(&tbs).unwrap();
                response.signature = Some(Box::new(make_tsig_record(
                    key.name.clone(),
                    stub.set_mac(mac),
                )));
                response.to_vec().unwrap()
            };
            let good = signed_response(&key, now);
            assert_eq!(
                verify(&key, &good, &request_mac, now + 10),
                Ok(()),
                "{alg:?}"
            );
            assert!(matches!(
                verify(&key, &good, &request_mac, now + 1000),
                Err(Unverified::Forged(_))
            ));
            let mut flipped = good.clone();
            flipped[3] ^= 0x01; // a header flag
            assert!(matches!(
                verify(&key, &flipped, &request_mac, now),
                Err(Unverified::Forged(_))
            ));
            let other = TsigKey::new("certwright-key", alg, "AAAAAAAAAAAAAAAAAAAAAA==").unwrap();
            let forged = signed_response(&other, now);
            assert!(matches!(
                verify(&key, &forged, &request_mac, now),
                Err(Unverified::Forged(_))
            ));
            let mut unsigned = Message::response(request.metadata.id, OpCode::Update);
            unsigned.add_query(request.queries[0].clone());
            assert_eq!(
                verify(&key, &unsigned.to_vec().unwrap(), &request_mac, now),
                Err(Unverified::Unsigned)
            );
        }
    }

    #[test]
    fn a_name_outside_the_zone_is_an_error_not_a_panic() {
        let err = Rfc2136::checked("example.net", "_acme-challenge.example.com")
            .err()
            .unwrap();
        assert!(err.to_string().contains("not inside the zone"), "{err}");
    }
}
