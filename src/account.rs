//! Finding, loading and creating the account a command signs with.

use crate::acme::client::{AcmeClient, ExternalAccountBinding};
use crate::acme::jws::{SigningKey, b64_decode};
use crate::crypto::{self, KeyType};
use crate::error::{Error, Result};
use crate::store::{AccountRecord, Store};

/// What a new registration needs from the user.
pub struct Registration {
    pub contact: Vec<String>,
    pub agree_tos: bool,
    pub key_type: KeyType,
    pub eab: Option<EabCredentials>,
}

/// External account binding credentials (RFC 8555 §7.3.4) issued by the CA.
/// No `Debug`: the HMAC key is a secret.
pub struct EabCredentials {
    pub kid: String,
    pub hmac_key: Vec<u8>,
}

impl EabCredentials {
    /// From `--eab-kid` and `--eab-hmac-key` (base64url, as CAs hand it out;
    /// trailing `=` padding tolerated).
    pub fn parse(kid: &str, hmac_key_b64: &str) -> Result<EabCredentials> {
        let kid = kid.trim();
        if kid.is_empty() {
            return Err(Error::Usage("--eab-kid is empty".into()));
        }
        let hmac_key = b64_decode(hmac_key_b64.trim())
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                Error::Usage(
                    "--eab-hmac-key is not base64url (letters, digits, '-' and '_'); paste it exactly as your CA shows it"
                        .into(),
                )
            })?;
        Ok(EabCredentials {
            kid: kid.to_string(),
            hmac_key,
        })
    }
}

pub struct LoadedAccount {
    pub id: String,
    pub record: AccountRecord,
    pub key: SigningKey,
}

/// Account ids are short and derived from the account URL, so the same
/// account registered twice lands in the same directory.
pub fn account_id(url: &str) -> String {
    crypto::sha256(url.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The stored account for `server`: the one named by `wanted`, or the only
/// one there is.
pub fn load(store: &Store, server: &str, wanted: Option<&str>) -> Result<Option<LoadedAccount>> {
    let accounts = store.accounts(server)?;
    let (id, record) = match (wanted, accounts.len()) {
        (Some(w), _) => match accounts.into_iter().find(|(id, _)| id == w) {
            Some(found) => found,
            None => {
                return Err(Error::Usage(format!(
                    "no account {w:?} for {server} (see `certwright account list`)"
                )));
            }
        },
        (None, 0) => return Ok(None),
        (None, 1) => accounts.into_iter().next().expect("one account"),
        (None, _) => {
            let ids: Vec<String> = accounts.into_iter().map(|(id, _)| id).collect();
            return Err(Error::Usage(format!(
                "several accounts exist for {server} ({}); choose one with --account ID",
                ids.join(", ")
            )));
        }
    };
    let (path, pem) = store.account_key_pem(server, &id)?;
    let key = SigningKey::new(crypto::parse_private_key(&pem, &path)?)?;
    Ok(Some(LoadedAccount { id, record, key }))
}

/// Creates an account (or finds the CA's existing one for a new key: the
/// CA answers 200 with its URL) and stores it.
pub fn register(
    client: &AcmeClient,
    store: &Store,
    registration: &Registration,
) -> Result<(LoadedAccount, bool)> {
    let meta = client.meta();
    if meta.external_account_required && registration.eab.is_none() {
        return Err(Error::Usage(format!(
            "{} requires external account binding (EAB): pass the key id and HMAC key from your CA's dashboard with --eab-kid KID --eab-hmac-key KEY (or CERTWRIGHT_EAB_KID / CERTWRIGHT_EAB_HMAC_KEY)",
            client.directory_url
        )));
    }
    if meta.terms_of_service.is_some() && !registration.agree_tos {
        return Err(Error::Usage(format!(
            "you must agree to the CA's terms of service ({}) with --agree-tos",
            meta.terms_of_service.as_deref().unwrap_or_default()
        )));
    }
    let key = SigningKey::new(registration.key_type.generate()?)?;
    let contact: Vec<String> = registration
        .contact
        .iter()
        .map(|e| format!("mailto:{e}"))
        .collect();
    let eab = registration.eab.as_ref().map(|e| ExternalAccountBinding {
        kid: &e.kid,
        hmac_key: &e.hmac_key,
    });
    let (url, resource, created) =
        client.new_account(&key, &contact, registration.agree_tos, false, eab)?;
    let record = AccountRecord {
        url: url.clone(),
        server: client.directory_url.clone(),
        contact: resource.contact,
        created: crate::clock::rfc3339(client.transport.clock.now()),
        terms_of_service: meta.terms_of_service,
        deactivated: false,
    };
    let id = account_id(&url);
    store.save_account(&id, &record, &crypto::private_key_pem(key.private_key())?)?;
    Ok((LoadedAccount { id, record, key }, created))
}

/// Checks an email address enough to catch typos and injection; the CA
/// does the real validation.
pub fn check_email(email: &str) -> Result<()> {
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || ",;<>\"'".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!("invalid email address {email:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eab_keys_are_base64url() {
        let eab = EabCredentials::parse("kid-1", "c2VjcmV0LWtleQ").unwrap();
        assert_eq!(eab.hmac_key, b"secret-key");
        assert!(EabCredentials::parse("kid-1", "c2VjcmV0LWtleQ==").is_ok());
        assert!(EabCredentials::parse("kid-1", "not base64!").is_err());
        assert!(EabCredentials::parse("", "c2VjcmV0").is_err());
        assert!(EabCredentials::parse("kid", "").is_err());
    }

    #[test]
    fn emails() {
        check_email("admin@example.com").unwrap();
        for bad in [
            "",
            "admin",
            "a@b",
            "a b@example.com",
            "a@example.com,b@x.org",
            "@x.org",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
    }
}
