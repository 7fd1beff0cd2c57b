//! Finding, loading and creating the account a command signs with.

use crate::acme::client::AcmeClient;
use crate::acme::jws::SigningKey;
use crate::crypto::{self, KeyType};
use crate::error::{Error, Result};
use crate::store::{AccountRecord, Store};

/// What a new registration needs from the user.
pub struct Registration {
    pub contact: Vec<String>,
    pub agree_tos: bool,
    pub key_type: KeyType,
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
    if meta.external_account_required {
        return Err(Error::Usage(format!(
            "{} requires external account binding: pass the EAB key id and HMAC key your CA gave you",
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
    let (url, resource, created) =
        client.new_account(&key, &contact, registration.agree_tos, false, None)?;
    let record = AccountRecord {
        url: url.clone(),
        server: client.directory_url.clone(),
        contact: resource.contact,
        created: crate::clock::rfc3339(client.transport.clock.now()),
        terms_of_service: meta.terms_of_service,
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
