//! ACME Renewal Information (RFC 9773): the certificate identifier and the
//! unauthenticated renewalInfo request. What to do with the answer is the
//! renewal policy's business, not the protocol's.

use super::error::{Error, Result};
use super::jws::b64;
use super::transport::Transport;
use crate::clock::parse_rfc3339;
use openssl::x509::X509Ref;
use serde::Deserialize;
use std::time::{Duration, SystemTime};

/// RFC 9773 §4.1: base64url(AKI keyIdentifier) "." base64url(the serial's
/// DER INTEGER content octets), unpadded. None when the certificate has no
/// Authority Key Identifier (self-signed or non-conforming certificates),
/// or a negative serial, which no conforming CA issues.
pub fn cert_id(cert: &X509Ref) -> Option<String> {
    let aki = cert.authority_key_id()?;
    let serial = cert.serial_number().to_bn().ok()?;
    if serial.is_negative() {
        return None;
    }
    Some(cert_id_from_parts(
        aki.as_slice(),
        &serial_content_octets(&serial.to_vec()),
    ))
}

pub fn cert_id_from_parts(key_identifier: &[u8], serial_content: &[u8]) -> String {
    format!("{}.{}", b64(key_identifier), b64(serial_content))
}

/// The content octets of a DER INTEGER holding the non-negative number
/// whose big-endian magnitude is `magnitude`: minimal, with a leading 0x00
/// when the top bit is set (so 0x87654321 becomes 00 87 65 43 21).
pub fn serial_content_octets(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = match magnitude.iter().position(|b| *b != 0) {
        Some(i) => &magnitude[i..],
        None => &[],
    };
    match trimmed.first() {
        None => vec![0],
        Some(b) if b & 0x80 != 0 => {
            let mut v = Vec::with_capacity(trimmed.len() + 1);
            v.push(0);
            v.extend_from_slice(trimmed);
            v
        }
        Some(_) => trimmed.to_vec(),
    }
}

/// RFC 9773 §4.2 wire form.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RenewalInfoBody {
    suggested_window: WindowBody,
    #[serde(default, rename = "explanationURL")]
    explanation_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WindowBody {
    start: String,
    end: String,
}

/// A renewalInfo answer. The window may still be inverted (end not after
/// start); the policy treats that as no answer.
#[derive(Debug, Clone, PartialEq)]
pub struct RenewalInfo {
    pub start: SystemTime,
    pub end: SystemTime,
    pub explanation_url: Option<String>,
    pub retry_after: Option<Duration>,
}

/// GETs `url` (a renewalInfo URL for one certificate) with the transport's
/// retry rules for safe requests.
pub fn fetch(transport: &Transport, url: &str) -> Result<RenewalInfo> {
    let resp = transport.get(url)?;
    parse(&resp.body, url, resp.retry_after)
}

/// Reads a renewalInfo body (fetched from `url`, with the Retry-After the
/// server sent).
pub fn parse(body: &[u8], url: &str, retry_after: Option<Duration>) -> Result<RenewalInfo> {
    let body: RenewalInfoBody = serde_json::from_slice(body).map_err(|e| Error::Malformed {
        url: url.to_string(),
        reason: format!("expected a JSON renewalInfo document ({e})"),
    })?;
    let time = |what: &str, text: &str| {
        parse_rfc3339(text).ok_or_else(|| Error::Malformed {
            url: url.to_string(),
            reason: format!("suggestedWindow.{what} {text:?} is not an RFC 3339 time"),
        })
    };
    Ok(RenewalInfo {
        start: time("start", &body.suggested_window.start)?,
        end: time("end", &body.suggested_window.end)?,
        explanation_url: body.explanation_url,
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::hash::MessageDigest;
    use openssl::x509::extension::{AuthorityKeyIdentifier, SubjectKeyIdentifier};
    use openssl::x509::{X509, X509NameBuilder};

    #[test]
    fn rfc_9773_cert_id_example() {
        // RFC 9773 §4.1: keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:
        // 7B:A0:AE:2C:DE:01:C8:D4 and serial 00:87:65:43:21.
        let aki = [
            0x69, 0x88, 0x5B, 0x6B, 0x87, 0x46, 0x40, 0x41, 0xE1, 0xB3, 0x7B, 0x84, 0x7B, 0xA0,
            0xAE, 0x2C, 0xDE, 0x01, 0xC8, 0xD4,
        ];
        let serial = serial_content_octets(&[0x87, 0x65, 0x43, 0x21]);
        assert_eq!(serial, [0x00, 0x87, 0x65, 0x43, 0x21]);
        assert_eq!(
            cert_id_from_parts(&aki, &serial),
            "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"
        );
    }

    #[test]
    fn serial_content_is_minimal_der() {
        assert_eq!(serial_content_octets(&[]), [0]);
        assert_eq!(serial_content_octets(&[0, 0]), [0]);
        assert_eq!(serial_content_octets(&[0x7f]), [0x7f]);
        assert_eq!(serial_content_octets(&[0x80]), [0x00, 0x80]);
        assert_eq!(serial_content_octets(&[0x00, 0x01, 0xff]), [0x01, 0xff]);
    }

    fn name(cn: &str) -> openssl::x509::X509Name {
        let mut b = X509NameBuilder::new().unwrap();
        b.append_entry_by_text("CN", cn).unwrap();
        b.build()
    }

    #[test]
    fn cert_id_of_a_real_certificate() {
        let key = crate::crypto::KeyType::EcdsaP256.generate().unwrap();
        let mut ca = X509::builder().unwrap();
        ca.set_version(2).unwrap();
        ca.set_subject_name(&name("ari test CA")).unwrap();
        ca.set_issuer_name(&name("ari test CA")).unwrap();
        ca.set_pubkey(&key).unwrap();
        ca.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        ca.set_not_after(&Asn1Time::days_from_now(1).unwrap())
            .unwrap();
        let ski = SubjectKeyIdentifier::new()
            .build(&ca.x509v3_context(None, None))
            .unwrap();
        ca.append_extension(ski).unwrap();
        ca.sign(&key, MessageDigest::sha256()).unwrap();
        let ca = ca.build();

        let mut leaf = X509::builder().unwrap();
        leaf.set_version(2).unwrap();
        let serial = BigNum::from_hex_str("87654321").unwrap();
        leaf.set_serial_number(&serial.to_asn1_integer().unwrap())
            .unwrap();
        leaf.set_subject_name(&name("leaf")).unwrap();
        leaf.set_issuer_name(ca.subject_name()).unwrap();
        leaf.set_pubkey(&key).unwrap();
        leaf.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        leaf.set_not_after(&Asn1Time::days_from_now(1).unwrap())
            .unwrap();
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&leaf.x509v3_context(Some(&ca), None))
            .unwrap();
        leaf.append_extension(aki).unwrap();
        leaf.sign(&key, MessageDigest::sha256()).unwrap();
        let leaf = leaf.build();

        let ski = ca.subject_key_id().unwrap().as_slice().to_vec();
        assert_eq!(cert_id(&leaf).unwrap(), format!("{}.AIdlQyE", b64(&ski)));
        // The self-signed CA has no AKI: no ARI for it.
        assert_eq!(cert_id(&ca), None);
    }
}
