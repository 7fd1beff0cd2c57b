//! JSON Web Signatures as ACME uses them (RFC 8555 §6.2, RFC 7515 flattened
//! JSON serialization): ES256/ES384 and RS256 account keys, `jwk` or `kid`
//! in the protected header, and the JWK thumbprint (RFC 7638).

use super::error::{Error, Result};
use crate::crypto::{KeyType, sha256};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::bn::BigNumContext;
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::sign::Signer;
use serde_json::{Value, json};

pub fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

/// An account (or certificate) key able to sign JWS. No `Debug`: key
/// material never reaches a log line.
pub struct SigningKey {
    key: PKey<Private>,
    alg: Alg,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Alg {
    Es256,
    Es384,
    Rs256,
}

impl SigningKey {
    pub fn new(key: PKey<Private>) -> Result<SigningKey> {
        let alg = match KeyType::of(&key) {
            Some(KeyType::EcdsaP256) => Alg::Es256,
            Some(KeyType::EcdsaP384) => Alg::Es384,
            Some(KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096) => Alg::Rs256,
            None => {
                return Err(Error::Unsupported(
                    "account keys must be ECDSA P-256/P-384 or RSA 2048/3072/4096".into(),
                ));
            }
        };
        Ok(SigningKey { key, alg })
    }

    pub fn private_key(&self) -> &PKey<Private> {
        &self.key
    }

    pub fn alg(&self) -> &'static str {
        match self.alg {
            Alg::Es256 => "ES256",
            Alg::Es384 => "ES384",
            Alg::Rs256 => "RS256",
        }
    }

    /// The public JWK with members in lexicographic order, as RFC 7638
    /// requires for the thumbprint.
    pub fn jwk(&self) -> Result<Value> {
        match self.alg {
            Alg::Es256 | Alg::Es384 => {
                let ec = self
                    .key
                    .ec_key()
                    .map_err(Error::crypto("reading the EC key"))?;
                let mut ctx = BigNumContext::new().map_err(Error::crypto("bignum context"))?;
                let mut x = openssl::bn::BigNum::new().map_err(Error::crypto("bignum"))?;
                let mut y = openssl::bn::BigNum::new().map_err(Error::crypto("bignum"))?;
                ec.public_key()
                    .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
                    .map_err(Error::crypto("EC coordinates"))?;
                let (crv, len) = if self.alg == Alg::Es256 {
                    ("P-256", 32)
                } else {
                    ("P-384", 48)
                };
                let x = x.to_vec_padded(len).map_err(Error::crypto("EC x"))?;
                let y = y.to_vec_padded(len).map_err(Error::crypto("EC y"))?;
                Ok(json!({"crv": crv, "kty": "EC", "x": b64(&x), "y": b64(&y)}))
            }
            Alg::Rs256 => {
                let rsa = self
                    .key
                    .rsa()
                    .map_err(Error::crypto("reading the RSA key"))?;
                Ok(json!({
                    "e": b64(&rsa.e().to_vec()),
                    "kty": "RSA",
                    "n": b64(&rsa.n().to_vec()),
                }))
            }
        }
    }

    /// RFC 7638 thumbprint, base64url.
    pub fn thumbprint(&self) -> Result<String> {
        // serde_json's map keeps keys sorted (no preserve_order feature), and
        // the JWK above has no whitespace when serialised: the RFC 7638 form.
        let canonical = serde_json::to_string(&self.jwk()?).expect("a JSON value serialises");
        Ok(b64(&sha256(canonical.as_bytes())))
    }

    fn sign_bytes(&self, data: &[u8]) -> Result<Vec<u8>> {
        let digest = match self.alg {
            Alg::Es384 => MessageDigest::sha384(),
            Alg::Es256 | Alg::Rs256 => MessageDigest::sha256(),
        };
        let mut signer = Signer::new(digest, &self.key).map_err(Error::crypto("JWS signer"))?;
        signer.update(data).map_err(Error::crypto("JWS signing"))?;
        let der = signer.sign_to_vec().map_err(Error::crypto("JWS signing"))?;
        match self.alg {
            Alg::Rs256 => Ok(der),
            // JWS wants the raw r||s form, each half padded to the curve size.
            Alg::Es256 | Alg::Es384 => {
                let len = if self.alg == Alg::Es256 { 32 } else { 48 };
                let sig = EcdsaSig::from_der(&der).map_err(Error::crypto("ECDSA signature"))?;
                let mut out = sig
                    .r()
                    .to_vec_padded(len)
                    .map_err(Error::crypto("ECDSA r"))?;
                out.extend(
                    sig.s()
                        .to_vec_padded(len)
                        .map_err(Error::crypto("ECDSA s"))?,
                );
                Ok(out)
            }
        }
    }

    /// A flattened JWS. `kid` = None puts the JWK in the header (newAccount,
    /// revocation by certificate key); `nonce` = None is for the inner JWS of
    /// keyChange. `payload` = None is POST-as-GET (empty payload).
    pub fn sign(
        &self,
        url: &str,
        kid: Option<&str>,
        nonce: Option<&str>,
        payload: Option<&Value>,
    ) -> Result<Value> {
        let mut protected = json!({"alg": self.alg(), "url": url});
        match kid {
            Some(kid) => protected["kid"] = json!(kid),
            None => protected["jwk"] = self.jwk()?,
        }
        if let Some(nonce) = nonce {
            protected["nonce"] = json!(nonce);
        }
        let protected = b64(protected.to_string().as_bytes());
        let payload = match payload {
            Some(p) => b64(p.to_string().as_bytes()),
            None => String::new(),
        };
        let signature = self.sign_bytes(format!("{protected}.{payload}").as_bytes())?;
        Ok(json!({"protected": protected, "payload": payload, "signature": b64(&signature)}))
    }
}

/// External account binding (RFC 8555 §7.3.4): the account JWK signed with
/// the CA-issued HMAC key, HS256.
pub fn external_account_binding(
    account_key: &SigningKey,
    eab_kid: &str,
    hmac_key: &[u8],
    new_account_url: &str,
) -> Result<Value> {
    let protected = b64(
        json!({"alg": "HS256", "kid": eab_kid, "url": new_account_url})
            .to_string()
            .as_bytes(),
    );
    let payload = b64(account_key.jwk()?.to_string().as_bytes());
    let mac_key = PKey::hmac(hmac_key).map_err(Error::crypto("EAB HMAC key"))?;
    let mut signer =
        Signer::new(MessageDigest::sha256(), &mac_key).map_err(Error::crypto("EAB HMAC"))?;
    signer
        .update(format!("{protected}.{payload}").as_bytes())
        .map_err(Error::crypto("EAB HMAC"))?;
    let mac = signer.sign_to_vec().map_err(Error::crypto("EAB HMAC"))?;
    Ok(json!({"protected": protected, "payload": payload, "signature": b64(&mac)}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::sign::Verifier;

    fn verify(key: &SigningKey, jws: &Value) -> bool {
        let input = format!(
            "{}.{}",
            jws["protected"].as_str().unwrap(),
            jws["payload"].as_str().unwrap()
        );
        let sig = b64_decode(jws["signature"].as_str().unwrap()).unwrap();
        let pkey = key.private_key();
        match key.alg {
            Alg::Rs256 => {
                let mut v = Verifier::new(MessageDigest::sha256(), pkey).unwrap();
                v.update(input.as_bytes()).unwrap();
                v.verify(&sig).unwrap()
            }
            Alg::Es256 | Alg::Es384 => {
                let half = sig.len() / 2;
                let r = openssl::bn::BigNum::from_slice(&sig[..half]).unwrap();
                let s = openssl::bn::BigNum::from_slice(&sig[half..]).unwrap();
                let der = EcdsaSig::from_private_components(r, s)
                    .unwrap()
                    .to_der()
                    .unwrap();
                let md = if key.alg == Alg::Es256 {
                    MessageDigest::sha256()
                } else {
                    MessageDigest::sha384()
                };
                let mut v = Verifier::new(md, pkey).unwrap();
                v.update(input.as_bytes()).unwrap();
                v.verify(&der).unwrap()
            }
        }
    }

    #[test]
    fn signatures_verify_for_every_account_key_type() {
        for kt in [KeyType::EcdsaP256, KeyType::EcdsaP384, KeyType::Rsa2048] {
            let key = SigningKey::new(kt.generate().unwrap()).unwrap();
            let jws = key
                .sign(
                    "https://ca.test/new-order",
                    Some("https://ca.test/acct/1"),
                    Some("nonce-1"),
                    Some(&json!({"identifiers": []})),
                )
                .unwrap();
            assert!(verify(&key, &jws), "{kt} signature does not verify");
            let header: Value =
                serde_json::from_slice(&b64_decode(jws["protected"].as_str().unwrap()).unwrap())
                    .unwrap();
            assert_eq!(header["kid"], "https://ca.test/acct/1");
            assert_eq!(header["nonce"], "nonce-1");
            assert!(header.get("jwk").is_none());
        }
    }

    #[test]
    fn tampered_payload_fails_verification() {
        let key = SigningKey::new(KeyType::EcdsaP256.generate().unwrap()).unwrap();
        let mut jws = key
            .sign("https://ca.test/x", None, Some("n"), None)
            .unwrap();
        assert!(verify(&key, &jws));
        jws["payload"] = json!(b64(b"{}"));
        assert!(!verify(&key, &jws));
    }

    #[test]
    fn rfc7638_thumbprint_example() {
        // RFC 7638 §3.1: the RSA key and its thumbprint.
        let n = b64_decode("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw").unwrap();
        let e = b64_decode("AQAB").unwrap();
        let rsa = openssl::rsa::Rsa::from_public_components(
            openssl::bn::BigNum::from_slice(&n).unwrap(),
            openssl::bn::BigNum::from_slice(&e).unwrap(),
        )
        .unwrap();
        let jwk = json!({"e": b64(&rsa.e().to_vec()), "kty": "RSA", "n": b64(&rsa.n().to_vec())});
        let thumb = b64(&sha256(serde_json::to_string(&jwk).unwrap().as_bytes()));
        assert_eq!(thumb, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    #[test]
    fn eab_is_hs256_over_the_account_jwk() {
        let key = SigningKey::new(KeyType::EcdsaP256.generate().unwrap()).unwrap();
        let eab =
            external_account_binding(&key, "kid-1", b"secret", "https://ca.test/acct").unwrap();
        let header: Value =
            serde_json::from_slice(&b64_decode(eab["protected"].as_str().unwrap()).unwrap())
                .unwrap();
        assert_eq!(header["alg"], "HS256");
        assert_eq!(header["kid"], "kid-1");
        let payload: Value =
            serde_json::from_slice(&b64_decode(eab["payload"].as_str().unwrap()).unwrap()).unwrap();
        assert_eq!(payload, key.jwk().unwrap());
    }
}
