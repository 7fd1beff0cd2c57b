//! Account and certificate lifecycle requests of RFC 8555: key change
//! (§7.3.5), deactivation (§7.3.6) and revocation signed by the
//! certificate's own key (§7.6). Account-signed revocation and contact
//! updates live with the other account requests in `client`.

use super::client::{Account, AcmeClient};
use super::error::{Error, ProblemKind, Result};
use super::jws::{SigningKey, b64};
use super::transport::Repeat;
use super::types::{AccountResource, AccountStatus};
use serde_json::json;

const JSON: &str = "application/json";

/// The inner JWS of a key change (RFC 8555 §7.3.5): signed by the new key
/// with its `jwk` in the header and no nonce, `url` = the keyChange URL,
/// payload `{"account": <account URL>, "oldKey": <old JWK>}`.
pub fn key_change_inner(
    new_key: &SigningKey,
    old_key: &SigningKey,
    account_url: &str,
    key_change_url: &str,
) -> Result<serde_json::Value> {
    new_key.sign(
        key_change_url,
        None,
        None,
        Some(&json!({"account": account_url, "oldKey": old_key.jwk()?})),
    )
}

impl AcmeClient {
    /// The account URL the CA holds for `key`, if any (newAccount with
    /// `onlyReturnExisting`, RFC 8555 §7.3.1). Creates nothing.
    pub fn find_account(&self, key: &SigningKey) -> Result<Option<String>> {
        match self.new_account(key, &[], false, true, None) {
            Ok((url, _, _)) => Ok(Some(url)),
            Err(Error::Problem {
                kind: ProblemKind::AccountDoesNotExist,
                ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// revokeCert (RFC 8555 §7.6) signed by the certificate's own key, with
    /// the key itself in the JWS header: proof of possession stands in for
    /// the account, so a lost account does not leave a compromised key valid.
    pub fn revoke_with_certificate_key(
        &self,
        cert_key: &SigningKey,
        cert_der: &[u8],
        reason: Option<u8>,
    ) -> Result<()> {
        let url = self.revoke_cert_url()?;
        let mut payload = json!({"certificate": b64(cert_der)});
        if let Some(r) = reason {
            payload["reason"] = json!(r);
        }
        self.transport
            .post(url, cert_key, None, Some(&payload), Repeat::Unsafe, JSON)?;
        Ok(())
    }

    pub(crate) fn revoke_cert_url(&self) -> Result<&str> {
        self.directory.revoke_cert.as_deref().ok_or_else(|| {
            Error::Unsupported(format!(
                "the CA at {} offers no revocation (its directory has no revokeCert URL)",
                self.directory_url
            ))
        })
    }
}

impl Account<'_> {
    /// keyChange (RFC 8555 §7.3.5): an inner JWS signed by the new key
    /// (`jwk` header, no nonce, url = keyChange) carrying the account URL and
    /// the old key, wrapped in an outer JWS signed by the old key (`kid`).
    ///
    /// Not blindly repeatable: if the answer is lost, asks the CA which
    /// account the new key now opens, and reports success only if it is ours.
    pub fn key_change(&self, new_key: &SigningKey) -> Result<()> {
        let client = self.client;
        let url = client.directory.key_change.as_deref().ok_or_else(|| {
            Error::Unsupported(format!(
                "the CA at {} does not support account key changes (its directory has no keyChange URL)",
                client.directory_url
            ))
        })?;
        let inner = key_change_inner(new_key, self.key, self.kid, url)?;
        match self.post(url, &inner, Repeat::Unsafe) {
            Ok(_) => Ok(()),
            Err(e @ (Error::Transport { .. } | Error::ServerError { .. })) => {
                client.transport.progress.warn(&format!(
                    "the key change answer was lost ({e}); asking the CA"
                ));
                match client.find_account(new_key)? {
                    Some(found) if found == self.kid => Ok(()),
                    _ => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Deactivates the account (RFC 8555 §7.3.6). The CA refuses every
    /// later request signed by it.
    pub fn deactivate(&self) -> Result<AccountResource> {
        let resource = self.update(&json!({"status": "deactivated"}))?;
        if resource.status != AccountStatus::Deactivated {
            return Err(Error::Malformed {
                url: self.kid.to_string(),
                reason: format!(
                    "asked to deactivate the account, the CA answered with status {:?}",
                    resource.status
                ),
            });
        }
        Ok(resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acme::jws::b64_decode;
    use crate::crypto::KeyType;
    use serde_json::Value;

    fn part(jws: &Value, name: &str) -> Value {
        serde_json::from_slice(&b64_decode(jws[name].as_str().unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn key_change_inner_jws_is_shaped_as_rfc8555_7_3_5() {
        let old = SigningKey::new(KeyType::EcdsaP256.generate().unwrap()).unwrap();
        let new = SigningKey::new(KeyType::EcdsaP384.generate().unwrap()).unwrap();
        let inner = key_change_inner(
            &new,
            &old,
            "https://ca.test/acct/1",
            "https://ca.test/key-change",
        )
        .unwrap();
        let header = part(&inner, "protected");
        assert_eq!(header["alg"], "ES384", "signed by the new key");
        assert_eq!(header["jwk"], new.jwk().unwrap());
        assert_eq!(header["url"], "https://ca.test/key-change");
        assert!(header.get("nonce").is_none(), "the inner JWS has no nonce");
        assert!(header.get("kid").is_none(), "the inner JWS has no kid");
        let payload = part(&inner, "payload");
        assert_eq!(payload["account"], "https://ca.test/acct/1");
        assert_eq!(payload["oldKey"], old.jwk().unwrap());
    }
}
