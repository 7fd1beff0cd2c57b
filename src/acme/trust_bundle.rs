//! A PEM bundle of trusted CA certificates (`--ca-bundle`, SSL_CERT_FILE),
//! read without parsing every certificate in it.
//!
//! Why: OpenSSL 3 parses a certificate slowly (most of it decoding the
//! public key through its provider machinery), about 1.6M instructions
//! each; the system bundle holds ~140, which made loading it cost more CPU
//! than the rest of an issuance (callgrind: 235M of 279M instructions). A
//! server's chain needs one or two of them. So the bundle is only indexed:
//! where each certificate's PEM block is, by the raw bytes of its subject
//! name; after the TLS handshake the certificates whose subject is an
//! issuer of the server's chain are read again, parsed, and the chain is
//! verified against those alone, by OpenSSL's own verifier (purpose, host or
//! IP, validity, signatures). Keeping only the index, not every
//! certificate, keeps the 200 KB of a system bundle out of the peak memory.

use super::error::{Error, Result};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::ssl::SslFiletype;
use openssl::stack::{Stack, StackRef};
use openssl::x509::store::{X509Lookup, X509Store, X509StoreBuilder};
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{X509, X509PurposeId, X509StoreContext, X509VerifyResult};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

struct Entry {
    /// The DER of the certificate's subject Name, as encoded in it.
    subject: Vec<u8>,
    /// Where its base64 body is in the file.
    body: std::ops::Range<usize>,
}

pub struct Bundle {
    path: PathBuf,
    entries: Vec<Entry>,
}

impl Bundle {
    pub fn read(path: &Path) -> Result<Bundle> {
        let pem = std::fs::read(path).map_err(|e| Error::CaBundle {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let bad = |reason: String| Error::CaBundle {
            path: path.to_path_buf(),
            reason,
        };
        let mut entries = Vec::new();
        let mut at = 0;
        while let Some(start) = find(&pem[at..], BEGIN.as_bytes()) {
            let body_start = at + start + BEGIN.len();
            let end = find(&pem[body_start..], END.as_bytes()).ok_or_else(|| {
                bad("not a PEM certificate bundle (a certificate has no END line)".into())
            })?;
            let body = body_start..body_start + end;
            let der = decode(&pem[body.clone()]).map_err(|e| {
                bad(format!(
                    "not a PEM certificate bundle (certificate {} is not base64: {e})",
                    entries.len() + 1
                ))
            })?;
            let subject = subject_of(&der)
                .ok_or_else(|| {
                    bad(format!(
                        "not a PEM certificate bundle (certificate {} is not DER X.509)",
                        entries.len() + 1
                    ))
                })?
                .to_vec();
            entries.push(Entry { subject, body });
            at = body_start + end + END.len();
        }
        if entries.is_empty() {
            return Err(bad("the CA bundle holds no certificate".into()));
        }
        Ok(Bundle {
            path: path.to_path_buf(),
            entries,
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads `entries` from the file again (each PEM body alone: the peak
    /// of an issuance comes after the handshake, when this runs) and parses
    /// them.
    fn parse(&self, entries: &[&Entry]) -> Result<Vec<X509>> {
        use std::os::unix::fs::FileExt;
        let bad = |reason: String| Error::CaBundle {
            path: self.path.clone(),
            reason,
        };
        let file = std::fs::File::open(&self.path).map_err(|e| bad(e.to_string()))?;
        entries
            .iter()
            .map(|entry| {
                let changed = || bad("the file changed while certwright was using it".into());
                let mut body = vec![0; entry.body.len()];
                file.read_exact_at(&mut body, entry.body.start as u64)
                    .map_err(|_| changed())?;
                let der = decode(&body).map_err(|_| changed())?;
                if subject_of(&der) != Some(entry.subject.as_slice()) {
                    return Err(changed());
                }
                X509::from_der(&der).map_err(|e| bad(format!("not a PEM certificate bundle ({e})")))
            })
            .collect()
    }

    /// Every certificate, parsed (for callers that need them all).
    pub fn all(&self) -> Result<Vec<X509>> {
        self.parse(&self.entries.iter().collect::<Vec<_>>())
    }

    /// The certificates that may anchor `chain`: those whose subject is the
    /// issuer of one of its certificates. When no subject matches byte for
    /// byte (a CA may encode the same name differently), all of them, so
    /// OpenSSL's own name comparison decides.
    pub fn anchors_for(&self, chain: &StackRef<X509>) -> Result<Vec<X509>> {
        let issuers: Vec<Vec<u8>> = chain
            .iter()
            .filter_map(|c| c.issuer_name().to_der().ok())
            .collect();
        let matching: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| issuers.contains(&e.subject))
            .collect();
        if matching.is_empty() {
            return self.all();
        }
        self.parse(&matching)
    }
}

/// Where `needle` (not empty) first occurs in `haystack`: a scan for its
/// first byte, then a comparison (bundles are mostly base64, which has no
/// `-`).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(i) = haystack.get(at..)?.iter().position(|&b| b == needle[0]) {
        if haystack[at + i..].starts_with(needle) {
            return Some(at + i);
        }
        at += i + 1;
    }
    None
}

/// The DER of a PEM block's base64 body (line breaks and spaces ignored).
fn decode(body: &[u8]) -> std::result::Result<Vec<u8>, base64::DecodeError> {
    let b64: Vec<u8> = body
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    STANDARD.decode(b64)
}

/// Where a server's certificate must be valid: its host name or IP.
pub enum Peer<'a> {
    Host(&'a str),
    Ip(IpAddr),
}

/// Verifies the chain a TLS server sent (leaf first) as a TLS server
/// certificate for `peer`, trusting `anchors`. Err holds OpenSSL's reason.
/// `dir`, a hashed certificate directory, is searched too (SSL_CERT_DIR
/// alongside SSL_CERT_FILE).
pub fn verify_server_chain(
    chain: &StackRef<X509>,
    anchors: Vec<X509>,
    dir: Option<&Path>,
    peer: Peer<'_>,
) -> std::result::Result<(), String> {
    let err = |e: openssl::error::ErrorStack| e.to_string();
    let leaf = chain
        .iter()
        .next()
        .ok_or("the server sent no certificate")?;
    let mut untrusted = Stack::new().map_err(err)?;
    for c in chain.iter().skip(1) {
        untrusted.push(c.to_owned()).map_err(err)?;
    }
    let store = trust_store(anchors, dir, peer).map_err(err)?;
    let mut ctx = X509StoreContext::new().map_err(err)?;
    let result = ctx
        .init(&store, leaf, &untrusted, |c| {
            let ok = c.verify_cert()?;
            Ok((ok, c.error()))
        })
        .map_err(err)?;
    match result {
        (true, _) => Ok(()),
        (false, e) if e == X509VerifyResult::OK => Err("certificate verify failed".into()),
        (false, e) => Err(format!("certificate verify failed: {}", e.error_string())),
    }
}

fn trust_store(
    anchors: Vec<X509>,
    dir: Option<&Path>,
    peer: Peer<'_>,
) -> std::result::Result<X509Store, openssl::error::ErrorStack> {
    let mut store = X509StoreBuilder::new()?;
    for a in anchors {
        store.add_cert(a)?;
    }
    if let Some(dir) = dir {
        store
            .add_lookup(X509Lookup::hash_dir())?
            .add_dir(&dir.to_string_lossy(), SslFiletype::PEM)?;
    }
    let mut param = X509VerifyParam::new()?;
    match peer {
        Peer::Host(h) => param.set_host(h)?,
        Peer::Ip(ip) => param.set_ip(ip)?,
    }
    param.set_purpose(X509PurposeId::SSL_SERVER)?;
    store.set_param(&param)?;
    Ok(store.build())
}

/// One DER TLV at the start of `b`: (tag, header length, total length).
fn tlv(b: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *b.first()?;
    let first = *b.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let bytes = b.get(2..2 + n)?;
        (
            bytes.iter().fold(0usize, |acc, &x| (acc << 8) | x as usize),
            2 + n,
        )
    };
    let total = header.checked_add(len)?;
    (total <= b.len()).then_some((tag, header, total))
}

const SEQUENCE: u8 = 0x30;

/// The subject Name of a DER certificate (RFC 5280 §4.1), found by walking
/// the TBSCertificate's fields: [0] version, serial, signature, issuer,
/// validity, subject.
fn subject_of(der: &[u8]) -> Option<&[u8]> {
    let (tag, header, total) = tlv(der)?;
    if tag != SEQUENCE {
        return None;
    }
    let cert = &der[header..total];
    let (tag, header, total) = tlv(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut tbs = &cert[header..total];
    if tbs.first() == Some(&0xa0) {
        tbs = &tbs[tlv(tbs)?.2..];
    }
    // serial, signature algorithm, issuer, validity
    for _ in 0..4 {
        tbs = &tbs[tlv(tbs)?.2..];
    }
    let (tag, _, total) = tlv(tbs)?;
    (tag == SEQUENCE).then(|| &tbs[..total])
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::{PKey, Private};
    use openssl::x509::X509NameBuilder;
    use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};

    fn key() -> PKey<Private> {
        let g = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        PKey::from_ec_key(EcKey::generate(&g).unwrap()).unwrap()
    }

    fn cert(
        cn: &str,
        key: &PKey<Private>,
        issuer: Option<(&X509, &PKey<Private>)>,
        san: Option<&str>,
        days: i64,
    ) -> X509 {
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&BigNum::from_u32(7).unwrap().to_asn1_integer().unwrap())
            .unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(issuer.map_or(&*name, |(c, _)| c.subject_name()))
            .unwrap();
        b.set_pubkey(key).unwrap();
        let from = if days < 0 {
            Asn1Time::from_unix(1_000_000_000).unwrap()
        } else {
            Asn1Time::days_from_now(0).unwrap()
        };
        let to = if days < 0 {
            Asn1Time::from_unix(1_000_086_400).unwrap()
        } else {
            Asn1Time::days_from_now(days as u32).unwrap()
        };
        b.set_not_before(&from).unwrap();
        b.set_not_after(&to).unwrap();
        if issuer.is_none() {
            b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
        }
        if let Some(host) = san {
            let ext = SubjectAlternativeName::new()
                .dns(host)
                .build(&b.x509v3_context(issuer.map(|(c, _)| &**c), None))
                .unwrap();
            b.append_extension(ext).unwrap();
        }
        b.sign(issuer.map_or(key, |(_, k)| k), MessageDigest::sha256())
            .unwrap();
        b.build()
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        bundle: PathBuf,
        root: X509,
        root_key: PKey<Private>,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root_key = key();
        let root = cert("trust test root", &root_key, None, None, 30);
        let mut pem = Vec::new();
        // Other CAs around it, as in a system bundle.
        for i in 0..5 {
            pem.extend(
                cert(&format!("other root {i}"), &key(), None, None, 30)
                    .to_pem()
                    .unwrap(),
            );
        }
        pem.extend(root.to_pem().unwrap());
        pem.extend(cert("last root", &key(), None, None, 30).to_pem().unwrap());
        let bundle = dir.path().join("bundle.pem");
        std::fs::write(&bundle, pem).unwrap();
        Fixture {
            _dir: dir,
            bundle,
            root,
            root_key,
        }
    }

    fn chain_of(certs: &[X509]) -> Stack<X509> {
        let mut s = Stack::new().unwrap();
        for c in certs {
            s.push(c.clone()).unwrap();
        }
        s
    }

    #[test]
    fn subjects_are_found_without_parsing() {
        let f = fixture();
        let b = Bundle::read(&f.bundle).unwrap();
        assert_eq!(b.len(), 7);
        assert_eq!(
            b.entries[5].subject,
            f.root.subject_name().to_der().unwrap()
        );
    }

    /// A server certificate for ca.example issued by the fixture's root.
    fn leaf_of_root(f: &Fixture) -> X509 {
        cert(
            "leaf",
            &key(),
            Some((&f.root, &f.root_key)),
            Some("ca.example"),
            10,
        )
    }

    #[test]
    fn only_the_issuers_of_the_chain_are_parsed() {
        let f = fixture();
        let b = Bundle::read(&f.bundle).unwrap();
        let anchors = b.anchors_for(&chain_of(&[leaf_of_root(&f)])).unwrap();
        assert_eq!(anchors.len(), 1);
        assert_eq!(anchors[0].to_der().unwrap(), f.root.to_der().unwrap());
    }

    /// Only the index stays in memory: the anchors are read again from the
    /// file, and a file changed meanwhile is refused, not half-trusted.
    #[test]
    fn a_bundle_changed_after_it_was_indexed_is_refused() {
        let f = fixture();
        let b = Bundle::read(&f.bundle).unwrap();
        let leaf = leaf_of_root(&f);
        let other = cert("other", &key(), None, None, 10);
        std::fs::write(&f.bundle, other.to_pem().unwrap().repeat(7)).unwrap();
        let err = b.anchors_for(&chain_of(&[leaf])).unwrap_err().to_string();
        assert!(
            err.contains("changed while certwright was using it"),
            "{err}"
        );
        assert!(b.all().is_err());
    }

    #[test]
    fn verification_checks_the_anchor_the_name_and_the_dates() {
        let f = fixture();
        let b = Bundle::read(&f.bundle).unwrap();
        let leaf = cert(
            "leaf",
            &key(),
            Some((&f.root, &f.root_key)),
            Some("ca.example"),
            10,
        );
        let chain = chain_of(std::slice::from_ref(&leaf));
        verify_server_chain(
            &chain,
            b.anchors_for(&chain).unwrap(),
            None,
            Peer::Host("ca.example"),
        )
        .unwrap();

        let err = verify_server_chain(
            &chain,
            b.anchors_for(&chain).unwrap(),
            None,
            Peer::Host("other.example"),
        )
        .unwrap_err();
        assert!(err.contains("hostname mismatch"), "{err}");
        let err = verify_server_chain(
            &chain,
            b.anchors_for(&chain).unwrap(),
            None,
            Peer::Ip("127.0.0.1".parse().unwrap()),
        )
        .unwrap_err();
        assert!(err.contains("IP address mismatch"), "{err}");

        // Same subject, another key: a root impostor in the chain's place.
        let impostor_key = key();
        let impostor = cert("trust test root", &impostor_key, None, None, 30);
        let forged = cert(
            "leaf",
            &key(),
            Some((&impostor, &impostor_key)),
            Some("ca.example"),
            10,
        );
        let chain = chain_of(&[forged, impostor]);
        let err = verify_server_chain(
            &chain,
            b.anchors_for(&chain).unwrap(),
            None,
            Peer::Host("ca.example"),
        )
        .unwrap_err();
        assert!(err.contains("certificate verify failed"), "{err}");

        let expired = cert(
            "leaf",
            &key(),
            Some((&f.root, &f.root_key)),
            Some("ca.example"),
            -1,
        );
        let chain = chain_of(&[expired]);
        let err = verify_server_chain(
            &chain,
            b.anchors_for(&chain).unwrap(),
            None,
            Peer::Host("ca.example"),
        )
        .unwrap_err();
        assert!(err.contains("expired"), "{err}");

        // A self-signed leaf that is not in the bundle.
        let lone_key = key();
        let lone = cert("ca.example", &lone_key, None, Some("ca.example"), 10);
        let chain = chain_of(&[lone]);
        assert!(
            verify_server_chain(
                &chain,
                b.anchors_for(&chain).unwrap(),
                None,
                Peer::Host("ca.example")
            )
            .is_err()
        );
    }

    #[test]
    fn bad_bundles_are_refused_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        for (content, want) in [
            ("", "holds no certificate"),
            ("not pem at all", "holds no certificate"),
            (
                "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
                "not base64",
            ),
            (
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                "not DER X.509",
            ),
            ("-----BEGIN CERTIFICATE-----\nMIIB\n", "no END line"),
        ] {
            let p = dir.path().join("b.pem");
            std::fs::write(&p, content).unwrap();
            let err = Bundle::read(&p).err().unwrap().to_string();
            assert!(
                err.contains(want) && err.contains("b.pem"),
                "{content:?}: {err}"
            );
        }
    }

    #[test]
    fn der_walker_survives_truncation() {
        let f = fixture();
        let der = f.root.to_der().unwrap();
        for n in 0..der.len() {
            let _ = subject_of(&der[..n]);
        }
        assert!(subject_of(&der).is_some());
    }
}
