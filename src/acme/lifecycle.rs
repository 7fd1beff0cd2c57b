//! Account and certificate lifecycle requests of RFC 8555: key change
//! (§7.3.5), deactivation (§7.3.6) and revocation signed by the
//! certificate's own key (§7.6). Account-signed revocation and contact
//! updates live with the other account requests in `client`.

use super::client::{Account, AcmeClient};
use super::jws::{SigningKey, b64};
use super::transport::Repeat;
use super::types::{AccountResource, AccountStatus};
use crate::error::{Error, Result};
use serde_json::json;

const JSON: &str = "application/json";

impl AcmeClient {
    /// The account URL the CA holds for `key`, if any (newAccount with
    /// `onlyReturnExisting`, RFC 8555 §7.3.1). Creates nothing.
    pub fn find_account(&self, key: &SigningKey) -> Result<Option<String>> {
        match self.new_account(key, &[], false, true, None) {
            Ok((url, _, _)) => Ok(Some(url)),
            Err(Error::Acme { problem, .. }) if problem.is("accountDoesNotExist") => Ok(None),
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
        let inner = new_key.sign(
            url,
            None,
            None,
            Some(&json!({"account": self.kid, "oldKey": self.key.jwk()?})),
        )?;
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
