//! Reads the four fields a renewal decision needs (notBefore, notAfter,
//! serial, Authority Key Identifier) straight from a certificate's DER.
//!
//! Why not OpenSSL: parsing a certificate with OpenSSL 3 also decodes its
//! public key through the provider machinery, which costs ~100 µs and a
//! few lock round trips per certificate (and ~5 ms to initialise once).
//! `renew` runs from cron on machines with thousands of lineages and must
//! be done in milliseconds when nothing is due, so the scan walks just
//! enough DER to find these fields (RFC 5280 §4.1) and nothing else. The
//! unit tests check it against OpenSSL's own parse. Anything unexpected is
//! an error, never a panic: the bytes come from files on disk.

use crate::acme::ari;
use crate::clock::parse_rfc3339;
use crate::error::{Error, Result};
use crate::renew::policy::CertFacts;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::path::Path;
use std::time::SystemTime;

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BOOLEAN: u8 = 0x01;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
/// [0] EXPLICIT version, [3] EXPLICIT extensions (constructed).
const VERSION_TAG: u8 = 0xA0;
const EXTENSIONS_TAG: u8 = 0xA3;
/// keyIdentifier [0] IMPLICIT OCTET STRING (primitive).
const KEY_IDENTIFIER_TAG: u8 = 0x80;
/// id-ce-authorityKeyIdentifier, 2.5.29.35.
const AKI_OID: &[u8] = &[0x55, 0x1D, 0x23];

/// The fields of one certificate, as found in its DER.
#[derive(Debug, Clone, PartialEq)]
pub struct LeafFields {
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    /// The serial's DER INTEGER content octets, exactly as encoded.
    pub serial: Vec<u8>,
    pub key_identifier: Option<Vec<u8>>,
}

impl LeafFields {
    /// The facts the renewal policy works with.
    pub fn facts(&self) -> CertFacts {
        let magnitude = match self.serial.iter().position(|b| *b != 0) {
            Some(i) => &self.serial[i..],
            None => &[][..],
        };
        CertFacts {
            not_before: self.not_before,
            not_after: self.not_after,
            serial: if magnitude.is_empty() {
                "0".into()
            } else {
                magnitude.iter().map(|b| format!("{b:02X}")).collect()
            },
            // A negative serial (top bit set without a 0x00 pad) is not
            // something a conforming CA issues; no ARI for it.
            cert_id: match (&self.key_identifier, self.serial.first()) {
                (Some(kid), Some(first)) if first & 0x80 == 0 => {
                    Some(ari::cert_id_from_parts(kid, &self.serial))
                }
                _ => None,
            },
        }
    }
}

/// The first certificate of a PEM file (a leaf's cert.pem).
pub fn read_pem(pem: &[u8], path: &Path) -> Result<LeafFields> {
    let bad = |reason: String| Error::BadFile {
        path: path.to_path_buf(),
        reason,
    };
    let der = first_pem_block(pem).ok_or_else(|| bad("no PEM certificate in the file".into()))?;
    parse_der(&der).map_err(|what| bad(format!("not a readable X.509 certificate ({what})")))
}

fn first_pem_block(pem: &[u8]) -> Option<Vec<u8>> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let start = find(pem, BEGIN)? + BEGIN.len();
    let len = find(&pem[start..], END)?;
    let body: Vec<u8> = pem[start..start + len]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    STANDARD.decode(body).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One TLV: (tag, content, what follows it).
fn tlv(data: &[u8]) -> std::result::Result<(u8, &[u8], &[u8]), &'static str> {
    let (&tag, rest) = data.split_first().ok_or("truncated")?;
    if tag & 0x1F == 0x1F {
        return Err("unexpected high tag number");
    }
    let (&first, rest) = rest.split_first().ok_or("truncated")?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n {
            return Err("bad length");
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err("truncated");
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

fn expect<'a>(
    data: &'a [u8],
    want: u8,
    what: &'static str,
) -> std::result::Result<(&'a [u8], &'a [u8]), &'static str> {
    match tlv(data)? {
        (tag, content, rest) if tag == want => Ok((content, rest)),
        _ => Err(what),
    }
}

pub fn parse_der(der: &[u8]) -> std::result::Result<LeafFields, &'static str> {
    let (cert, _) = expect(der, SEQUENCE, "not a SEQUENCE")?;
    let (tbs, _) = expect(cert, SEQUENCE, "no tbsCertificate")?;
    let mut rest = tbs;
    if let Ok((VERSION_TAG, _, after)) = tlv(rest) {
        rest = after;
    }
    let (serial, rest) = expect(rest, INTEGER, "no serial number")?;
    if serial.is_empty() {
        return Err("empty serial number");
    }
    let (_, rest) = expect(rest, SEQUENCE, "no signature algorithm")?;
    let (_, rest) = expect(rest, SEQUENCE, "no issuer")?;
    let (validity, rest) = expect(rest, SEQUENCE, "no validity")?;
    let (t1, t1_content, after) = tlv(validity)?;
    let (t2, t2_content, _) = tlv(after)?;
    let not_before = time(t1, t1_content).ok_or("bad notBefore")?;
    let not_after = time(t2, t2_content).ok_or("bad notAfter")?;
    let (_, rest) = expect(rest, SEQUENCE, "no subject")?;
    let (_, mut rest) = expect(rest, SEQUENCE, "no subject public key")?;
    let mut key_identifier = None;
    // issuerUniqueID [1], subjectUniqueID [2], extensions [3].
    while !rest.is_empty() {
        let (tag, content, after) = tlv(rest)?;
        rest = after;
        if tag == EXTENSIONS_TAG {
            key_identifier = find_aki(content)?;
        }
    }
    Ok(LeafFields {
        not_before,
        not_after,
        serial: serial.to_vec(),
        key_identifier,
    })
}

fn find_aki(extensions: &[u8]) -> std::result::Result<Option<Vec<u8>>, &'static str> {
    let (mut list, _) = expect(extensions, SEQUENCE, "bad extensions")?;
    while !list.is_empty() {
        let (ext, after) = expect(list, SEQUENCE, "bad extension")?;
        list = after;
        let (oid, rest) = expect(ext, OID, "bad extension id")?;
        if oid != AKI_OID {
            continue;
        }
        let rest = match tlv(rest)? {
            (BOOLEAN, _, after) => after,
            _ => rest,
        };
        let (value, _) = expect(rest, OCTET_STRING, "bad extension value")?;
        let (aki, _) = expect(value, SEQUENCE, "bad authority key identifier")?;
        return Ok(match tlv(aki) {
            Ok((KEY_IDENTIFIER_TAG, kid, _)) => Some(kid.to_vec()),
            _ => None,
        });
    }
    Ok(None)
}

/// UTCTime (YYMMDDHHMMSSZ, RFC 5280 §4.1.2.5.1: YY < 50 is 20YY) or
/// GeneralizedTime (YYYYMMDDHHMMSSZ).
fn time(tag: u8, content: &[u8]) -> Option<SystemTime> {
    let text = std::str::from_utf8(content).ok()?;
    let digits = text.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let full = match (tag, digits.len()) {
        (UTC_TIME, 12) => {
            let yy: u32 = digits[..2].parse().ok()?;
            format!("{}{digits}", if yy < 50 { "20" } else { "19" })
        }
        (GENERALIZED_TIME, 14) => digits.to_string(),
        _ => return None,
    };
    parse_rfc3339(&format!(
        "{}-{}-{}T{}:{}:{}Z",
        &full[0..4],
        &full[4..6],
        &full[6..8],
        &full[8..10],
        &full[10..12],
        &full[12..14]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::bn::{BigNum, MsbOption};
    use openssl::hash::MessageDigest;
    use openssl::x509::extension::{
        AuthorityKeyIdentifier, BasicConstraints, SubjectAlternativeName, SubjectKeyIdentifier,
    };
    use openssl::x509::{X509, X509NameBuilder};

    fn name(cn: &str) -> openssl::x509::X509Name {
        let mut b = X509NameBuilder::new().unwrap();
        b.append_entry_by_text("CN", cn).unwrap();
        b.build()
    }

    fn ca() -> (X509, openssl::pkey::PKey<openssl::pkey::Private>) {
        let key = crate::crypto::KeyType::EcdsaP256.generate().unwrap();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&name("scan CA")).unwrap();
        b.set_issuer_name(&name("scan CA")).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
            .unwrap();
        b.append_extension(BasicConstraints::new().ca().build().unwrap())
            .unwrap();
        let ski = SubjectKeyIdentifier::new()
            .build(&b.x509v3_context(None, None))
            .unwrap();
        b.append_extension(ski).unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        (b.build(), key)
    }

    fn leaf(
        ca: &(X509, openssl::pkey::PKey<openssl::pkey::Private>),
        serial: &BigNum,
        not_after: &Asn1Time,
        aki: bool,
        key: crate::crypto::KeyType,
    ) -> X509 {
        let key = key.generate().unwrap();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&serial.to_asn1_integer().unwrap())
            .unwrap();
        b.set_subject_name(&name("leaf")).unwrap();
        b.set_issuer_name(ca.0.subject_name()).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::from_unix(1_700_000_000).unwrap())
            .unwrap();
        b.set_not_after(not_after).unwrap();
        let san = SubjectAlternativeName::new()
            .dns("leaf.example")
            .build(&b.x509v3_context(Some(&ca.0), None))
            .unwrap();
        b.append_extension(san).unwrap();
        if aki {
            let ext = AuthorityKeyIdentifier::new()
                .keyid(true)
                .build(&b.x509v3_context(Some(&ca.0), None))
                .unwrap();
            b.append_extension(ext).unwrap();
        }
        b.sign(&ca.1, MessageDigest::sha256()).unwrap();
        b.build()
    }

    /// The DER walk agrees with OpenSSL on every field, across serial
    /// shapes, key types, both time encodings and with/without AKI.
    #[test]
    fn agrees_with_openssl() {
        let ca = ca();
        let mut serials = vec![
            BigNum::from_hex_str("87654321").unwrap(),
            BigNum::from_hex_str("01").unwrap(),
            BigNum::from_hex_str("7F").unwrap(),
        ];
        for _ in 0..20 {
            let mut bn = BigNum::new().unwrap();
            bn.rand(159, MsbOption::MAYBE_ZERO, false).unwrap();
            serials.push(bn);
        }
        let times = [
            Asn1Time::from_unix(1_800_000_000).unwrap(),    // UTCTime
            Asn1Time::from_str("20600101000000Z").unwrap(), // GeneralizedTime
        ];
        let mut i = 0;
        for serial in &serials {
            for not_after in &times {
                i += 1;
                let key = if i % 5 == 0 {
                    crate::crypto::KeyType::Rsa2048
                } else {
                    crate::crypto::KeyType::EcdsaP256
                };
                let cert = leaf(&ca, serial, not_after, i % 3 != 0, key);
                let ours = read_pem(&cert.to_pem().unwrap(), Path::new("cert.pem"))
                    .unwrap()
                    .facts();
                let theirs = crate::renew::cert_facts_openssl(&cert).unwrap();
                assert_eq!(ours, theirs, "serial {serial}");
            }
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let ca = ca();
        let cert = leaf(
            &ca,
            &BigNum::from_u32(5).unwrap(),
            &Asn1Time::days_from_now(1).unwrap(),
            true,
            crate::crypto::KeyType::EcdsaP256,
        );
        let der = cert.to_der().unwrap();
        // Every truncation and every single-byte corruption of a real
        // certificate either parses or errors; none panics.
        for n in 0..der.len() {
            let _ = parse_der(&der[..n]);
            let mut bad = der.clone();
            bad[n] ^= 0xFF;
            let _ = parse_der(&bad);
        }
        assert!(read_pem(b"", Path::new("x")).is_err());
        assert!(
            read_pem(
                b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----",
                Path::new("x")
            )
            .is_err()
        );
        assert!(parse_der(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]).is_err());
    }
}
