//! Keys, CSRs and certificate inspection, all through OpenSSL (one crypto
//! stack for TLS and ACME alike).

use crate::error::{Error, Result};
use openssl::asn1::Asn1Time;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509, X509Req};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;
use std::time::{Duration, SystemTime};

/// Key algorithms for certificate and account keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyType {
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Rsa3072,
    Rsa4096,
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl KeyType {
    pub const ALL: [KeyType; 5] = [
        KeyType::EcdsaP256,
        KeyType::EcdsaP384,
        KeyType::Rsa2048,
        KeyType::Rsa3072,
        KeyType::Rsa4096,
    ];

    /// The name in flags, config and renewal files (as serde writes it).
    pub fn name(self) -> &'static str {
        match self {
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::EcdsaP384 => "ecdsa-p384",
            KeyType::Rsa2048 => "rsa2048",
            KeyType::Rsa3072 => "rsa3072",
            KeyType::Rsa4096 => "rsa4096",
        }
    }

    pub fn from_name(name: &str) -> Option<KeyType> {
        KeyType::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn generate(self) -> Result<PKey<Private>> {
        let key = match self {
            KeyType::EcdsaP256 | KeyType::EcdsaP384 => {
                let nid = if self == KeyType::EcdsaP256 {
                    Nid::X9_62_PRIME256V1
                } else {
                    Nid::SECP384R1
                };
                let group = EcGroup::from_curve_name(nid).map_err(crypto("EC group"))?;
                let ec = EcKey::generate(&group).map_err(crypto("generating an EC key"))?;
                PKey::from_ec_key(ec)
            }
            KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096 => {
                let bits = match self {
                    KeyType::Rsa2048 => 2048,
                    KeyType::Rsa3072 => 3072,
                    _ => 4096,
                };
                let rsa = Rsa::generate(bits).map_err(crypto("generating an RSA key"))?;
                PKey::from_rsa(rsa)
            }
        };
        key.map_err(crypto("wrapping the new key"))
    }

    /// Recognises the type of an existing key (e.g. one loaded from disk).
    pub fn of(key: &PKey<Private>) -> Option<KeyType> {
        if let Ok(ec) = key.ec_key() {
            return match ec.group().curve_name()? {
                Nid::X9_62_PRIME256V1 => Some(KeyType::EcdsaP256),
                Nid::SECP384R1 => Some(KeyType::EcdsaP384),
                _ => None,
            };
        }
        match key.rsa().ok()?.size() * 8 {
            2048 => Some(KeyType::Rsa2048),
            3072 => Some(KeyType::Rsa3072),
            4096 => Some(KeyType::Rsa4096),
            _ => None,
        }
    }
}

pub(crate) fn crypto(context: &'static str) -> impl Fn(openssl::error::ErrorStack) -> Error {
    move |source| Error::Crypto { context, source }
}

/// PKCS#8 PEM of a private key.
pub fn private_key_pem(key: &PKey<Private>) -> Result<Vec<u8>> {
    key.private_key_to_pem_pkcs8()
        .map_err(crypto("encoding a private key"))
}

pub fn parse_private_key(pem: &[u8], path: &std::path::Path) -> Result<PKey<Private>> {
    PKey::private_key_from_pem(pem).map_err(|e| Error::BadFile {
        path: path.to_path_buf(),
        reason: format!("not a PEM private key ({e})"),
    })
}

/// A DER CSR for the given identifiers (DNS names and IP addresses in the
/// subjectAltName; no subject CN, as CAs take the names from the SAN).
pub fn build_csr(key: &PKey<Private>, names: &[String]) -> Result<Vec<u8>> {
    let mut req = X509Req::builder().map_err(crypto("CSR builder"))?;
    req.set_pubkey(key).map_err(crypto("CSR public key"))?;
    let mut san = SubjectAlternativeName::new();
    for name in names {
        match name.parse::<IpAddr>() {
            Ok(_) => san.ip(name),
            Err(_) => san.dns(name),
        };
    }
    let ext = san
        .build(&req.x509v3_context(None))
        .map_err(crypto("CSR subjectAltName"))?;
    let mut exts = Stack::new().map_err(crypto("CSR extensions"))?;
    exts.push(ext).map_err(crypto("CSR extensions"))?;
    req.add_extensions(&exts)
        .map_err(crypto("CSR extensions"))?;
    req.sign(key, MessageDigest::sha256())
        .map_err(crypto("signing the CSR"))?;
    req.build().to_der().map_err(crypto("encoding the CSR"))
}

/// A PEM bundle split into its certificates (leaf first, as ACME sends it).
pub fn split_pem_chain(pem: &[u8]) -> Result<Vec<X509>> {
    let certs = X509::stack_from_pem(pem).map_err(|e| Error::BadCertificate {
        reason: format!("the certificate chain is not valid PEM: {e}"),
    })?;
    if certs.is_empty() {
        return Err(Error::BadCertificate {
            reason: "the certificate chain is empty".into(),
        });
    }
    Ok(certs)
}

/// The subjectAltName entries of a certificate, DNS names and IPs as text.
pub fn certificate_names(cert: &X509) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(sans) = cert.subject_alt_names() {
        for gn in sans.iter() {
            if let Some(dns) = gn.dnsname() {
                names.push(dns.to_string());
            } else if let Some(ip) = gn.ipaddress() {
                let addr = match ip.len() {
                    4 => <[u8; 4]>::try_from(ip).ok().map(IpAddr::from),
                    16 => <[u8; 16]>::try_from(ip).ok().map(IpAddr::from),
                    _ => None,
                };
                if let Some(addr) = addr {
                    names.push(addr.to_string());
                }
            }
        }
    }
    names
}

/// Converts an ASN.1 time to SystemTime.
pub fn asn1_to_system_time(t: &openssl::asn1::Asn1TimeRef) -> Option<SystemTime> {
    let epoch = Asn1Time::from_unix(0).ok()?;
    let diff = epoch.diff(t).ok()?;
    let secs = i64::from(diff.days) * 86400 + i64::from(diff.secs);
    if secs >= 0 {
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64))
    } else {
        None
    }
}

/// The facts about a certificate that the store and renewal policy need.
#[derive(Debug, Clone)]
pub struct CertInfo {
    pub names: Vec<String>,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    pub serial_hex: String,
    pub issuer: String,
}

pub fn cert_info(cert: &X509) -> Result<CertInfo> {
    let bad = |what: &str| Error::BadCertificate {
        reason: format!("cannot read the certificate's {what}"),
    };
    let serial_hex = cert
        .serial_number()
        .to_bn()
        .and_then(|bn| bn.to_hex_str().map(|s| s.to_string()))
        .map_err(|_| bad("serial number"))?;
    Ok(CertInfo {
        names: certificate_names(cert),
        not_before: asn1_to_system_time(cert.not_before()).ok_or_else(|| bad("notBefore"))?,
        not_after: asn1_to_system_time(cert.not_after()).ok_or_else(|| bad("notAfter"))?,
        serial_hex,
        issuer: common_name(cert.issuer_name()).unwrap_or_default(),
    })
}

pub fn common_name(name: &openssl::x509::X509NameRef) -> Option<String> {
    name.entries_by_nid(Nid::COMMONNAME)
        .next()
        .and_then(|e| e.data().to_string().ok())
}

/// Checks that a downloaded chain is what was ordered: the leaf carries the
/// order's key and every requested name, and is valid now.
pub fn verify_issued_chain(
    chain: &[X509],
    key: &PKey<Private>,
    now: SystemTime,
) -> Result<CertInfo> {
    let leaf = chain.first().ok_or_else(|| Error::BadCertificate {
        reason: "the certificate chain is empty".into(),
    })?;
    let leaf_key = leaf.public_key().map_err(crypto("reading the leaf key"))?;
    if !leaf_key.public_eq(key) {
        return Err(Error::BadCertificate {
            reason: "the certificate's public key does not match the key of this order".into(),
        });
    }
    let info = cert_info(leaf)?;
    // Allow a little clock skew on notBefore: CAs backdate, but not always.
    if info.not_before > now + Duration::from_secs(300) || info.not_after <= now {
        return Err(Error::BadCertificate {
            reason: format!(
                "the certificate is not valid now (valid {} to {})",
                crate::clock::rfc3339(info.not_before),
                crate::clock::rfc3339(info.not_after)
            ),
        });
    }
    // A server gets the whole file served as is: each certificate must be
    // signed by the one after it, or TLS clients would reject the chain.
    for (i, pair) in chain.windows(2).enumerate() {
        let signed = pair[1]
            .public_key()
            .and_then(|issuer| pair[0].verify(&issuer))
            .unwrap_or(false);
        if !signed {
            return Err(Error::BadCertificate {
                reason: format!(
                    "the chain is broken: certificate {} ({}) is not signed by certificate {} ({})",
                    i + 1,
                    common_name(pair[0].subject_name()).unwrap_or_default(),
                    i + 2,
                    common_name(pair[1].subject_name()).unwrap_or_default(),
                ),
            });
        }
    }
    Ok(info)
}

pub fn sha256(data: &[u8]) -> Vec<u8> {
    openssl::sha::sha256(data).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_carries_dns_and_ip_names() {
        let key = KeyType::EcdsaP256.generate().unwrap();
        let der = build_csr(&key, &["example.com".into(), "192.0.2.7".into()]).unwrap();
        let req = X509Req::from_der(&der).unwrap();
        assert!(req.verify(&req.public_key().unwrap()).unwrap());
        let text = String::from_utf8(req.to_text().unwrap()).unwrap();
        assert!(text.contains("DNS:example.com"), "{text}");
        assert!(text.contains("IP Address:192.0.2.7"), "{text}");
    }

    #[test]
    fn key_types_round_trip() {
        for kt in [KeyType::EcdsaP256, KeyType::EcdsaP384, KeyType::Rsa2048] {
            let key = kt.generate().unwrap();
            assert_eq!(KeyType::of(&key), Some(kt));
        }
    }

    #[test]
    fn garbage_chain_is_an_error_not_a_panic() {
        assert!(split_pem_chain(b"not pem").is_err());
        assert!(split_pem_chain(b"").is_err());
    }
}
