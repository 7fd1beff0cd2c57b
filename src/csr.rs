//! A certificate signing request supplied by the user (`issue --csr FILE
//! --key-path FILE`): read as PEM or DER, checked (its signature, and that
//! the key is the CSR's), and its names extracted. The CSR is sent to the CA
//! exactly as given; renewal reads the same two files again.

use crate::crypto::{self, KeyType, crypto};
use crate::error::{Error, Result};
use crate::names;
use openssl::pkey::{PKey, Private};
use openssl::x509::{X509, X509Req};
use std::path::{Path, PathBuf};

/// No `Debug`: it holds a private key.
pub struct CsrInput {
    /// The CSR in DER, byte for byte what the user's file encodes.
    pub der: Vec<u8>,
    pub key: PKey<Private>,
    pub key_type: KeyType,
    /// Normalised names: the subjectAltName entries, or the CN without any.
    pub names: Vec<String>,
    /// Absolute paths, recorded in the renewal file.
    pub csr_path: PathBuf,
    pub key_path: PathBuf,
}

impl CsrInput {
    pub fn load(csr_path: &Path, key_path: &Path) -> Result<CsrInput> {
        let csr_path = std::path::absolute(csr_path).map_err(Error::io(csr_path))?;
        let key_path = std::path::absolute(key_path).map_err(Error::io(key_path))?;
        let raw = std::fs::read(&csr_path).map_err(Error::io(&csr_path))?;
        let bad = |reason: String| Error::BadFile {
            path: csr_path.clone(),
            reason,
        };
        let req = if raw.trim_ascii_start().starts_with(b"-----BEGIN") {
            X509Req::from_pem(&raw)
        } else {
            X509Req::from_der(&raw)
        }
        .map_err(|e| {
            bad(format!(
                "not a PEM or DER certificate signing request ({e})"
            ))
        })?;
        let public = req
            .public_key()
            .map_err(|e| bad(format!("the CSR's public key cannot be read ({e})")))?;
        if !req.verify(&public).unwrap_or(false) {
            return Err(bad("the CSR's signature does not verify".into()));
        }
        let key_pem = std::fs::read(&key_path).map_err(Error::io(&key_path))?;
        let key = crypto::parse_private_key(&key_pem, &key_path)?;
        if !public.public_eq(&key) {
            return Err(Error::Usage(format!(
                "the key {} does not belong to the CSR {} (their public keys differ)",
                key_path.display(),
                csr_path.display()
            )));
        }
        let key_type = KeyType::of(&key).ok_or_else(|| {
            Error::Usage(format!(
                "{}: unsupported key; use ECDSA P-256/P-384 or RSA 2048/3072/4096",
                key_path.display()
            ))
        })?;
        let raw_names = csr_names(&req)?;
        if raw_names.is_empty() {
            return Err(bad(
                "the CSR names nothing: it has neither subjectAltName entries nor a common name"
                    .into(),
            ));
        }
        let names = names::normalize_domains(&raw_names)?;
        let der = req.to_der().map_err(crypto("encoding the CSR"))?;
        Ok(CsrInput {
            der,
            key,
            key_type,
            names,
            csr_path,
            key_path,
        })
    }

    pub fn key_pem(&self) -> Result<Vec<u8>> {
        crypto::private_key_pem(&self.key)
    }
}

/// The names a CSR asks for: its subjectAltName DNS and IP entries, or its
/// subject CN when it has none (as CAs do).
fn csr_names(req: &X509Req) -> Result<Vec<String>> {
    // The openssl crate reads subjectAltName only from certificates, so copy
    // the CSR's extensions onto an unsigned scratch certificate and read
    // them there with the same code that reads issued certificates.
    let mut names = Vec::new();
    if let Ok(extensions) = req.extensions() {
        let mut scratch = X509::builder().map_err(crypto("scratch certificate"))?;
        for ext in extensions {
            scratch
                .append_extension(ext)
                .map_err(crypto("reading the CSR's extensions"))?;
        }
        names = crypto::certificate_names(&scratch.build());
    }
    if names.is_empty()
        && let Some(cn) = crypto::common_name(req.subject_name())
    {
        names.push(cn);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::x509::X509NameBuilder;

    fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        p
    }

    #[test]
    fn pem_and_der_csrs_with_sans() {
        let tmp = tempfile::tempdir().unwrap();
        let key = KeyType::EcdsaP256.generate().unwrap();
        let der = crypto::build_csr(&key, &["A.example.com".into(), "192.0.2.9".into()]).unwrap();
        let key_path = write(tmp.path(), "k.pem", &crypto::private_key_pem(&key).unwrap());
        let der_path = write(tmp.path(), "c.der", &der);
        let pem = X509Req::from_der(&der).unwrap().to_pem().unwrap();
        let pem_path = write(tmp.path(), "c.pem", &pem);
        for path in [der_path, pem_path] {
            let input = CsrInput::load(&path, &key_path).unwrap();
            assert_eq!(input.names, vec!["a.example.com", "192.0.2.9"]);
            assert_eq!(input.der, der, "the CSR is kept byte for byte");
            assert_eq!(input.key_type, KeyType::EcdsaP256);
        }
    }

    #[test]
    fn cn_only_csr_and_wrong_key() {
        let tmp = tempfile::tempdir().unwrap();
        let key = KeyType::EcdsaP256.generate().unwrap();
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_nid(Nid::COMMONNAME, "cn.example.com")
            .unwrap();
        let mut req = X509Req::builder().unwrap();
        req.set_subject_name(&name.build()).unwrap();
        req.set_pubkey(&key).unwrap();
        req.sign(&key, MessageDigest::sha256()).unwrap();
        let csr = write(tmp.path(), "c.pem", &req.build().to_pem().unwrap());
        let key_path = write(tmp.path(), "k.pem", &crypto::private_key_pem(&key).unwrap());
        assert_eq!(
            CsrInput::load(&csr, &key_path).unwrap().names,
            vec!["cn.example.com"]
        );
        let other = KeyType::EcdsaP256.generate().unwrap();
        let other_path = write(
            tmp.path(),
            "o.pem",
            &crypto::private_key_pem(&other).unwrap(),
        );
        let err = CsrInput::load(&csr, &other_path).err().unwrap();
        assert!(err.to_string().contains("does not belong"), "{err}");
        let garbage = write(tmp.path(), "g.csr", b"garbage");
        assert!(matches!(
            CsrInput::load(&garbage, &key_path),
            Err(Error::BadFile { .. })
        ));
    }
}
