//! RFC 8555 resources as method calls: the directory, accounts, orders,
//! authorizations, challenges, finalization and download. Knows nothing of
//! files, hooks or terminals.

use super::error::{Error, Result};
use super::jws::{SigningKey, b64, external_account_binding};
use super::transport::{Repeat, Response, Transport};
use super::types::*;
use crate::clock::human_duration;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::time::Duration;

const JSON: &str = "application/json";
const PEM_CHAIN: &str = "application/pem-certificate-chain";

/// What to poll for and how to describe it to the user.
pub struct PollTarget<'a> {
    /// What is awaited, to follow "waiting for": "the CA to validate".
    pub what: &'a str,
}

pub struct ExternalAccountBinding<'a> {
    pub kid: &'a str,
    pub hmac_key: &'a [u8],
}

pub struct AcmeClient {
    pub transport: Transport,
    pub directory_url: String,
    pub directory: Directory,
}

impl AcmeClient {
    /// Fetches and checks the directory.
    pub fn connect(directory_url: &str, transport: Transport) -> Result<AcmeClient> {
        let not_a_directory = |what: String| Error::NotAcmeDirectory {
            url: directory_url.to_string(),
            what,
        };
        let resp = match transport.get(directory_url) {
            // No problem document: a web server, not a CA, answered.
            Err(Error::Problem { problem, .. }) if problem.kind.is_none() => {
                return Err(not_a_directory(format!(
                    "HTTP {}",
                    problem.status.unwrap_or_default()
                )));
            }
            other => other?,
        };
        // A 200 that is not a directory (a captive portal, a broken CA)
        // stays a malformed answer: the URL may well be right.
        let directory: Directory = resp.json()?;
        for (name, url) in [
            ("newNonce", &directory.new_nonce),
            ("newAccount", &directory.new_account),
            ("newOrder", &directory.new_order),
        ] {
            if !url.starts_with("https://") {
                return Err(Error::Malformed {
                    url: directory_url.to_string(),
                    reason: format!("the directory's {name} URL {url:?} is not an https:// URL"),
                });
            }
        }
        transport.set_new_nonce_url(&directory.new_nonce);
        transport.name_resources(&[
            (&directory.new_nonce, "newNonce"),
            (&directory.new_account, "newAccount"),
            (&directory.new_order, "newOrder"),
            (directory.revoke_cert.as_deref().unwrap_or(""), "revokeCert"),
            (directory.key_change.as_deref().unwrap_or(""), "keyChange"),
            (
                directory.renewal_info.as_deref().unwrap_or(""),
                "renewalInfo",
            ),
            (directory_url, "the directory"),
        ]);
        Ok(AcmeClient {
            transport,
            directory_url: directory_url.to_string(),
            directory,
        })
    }

    pub fn meta(&self) -> DirectoryMeta {
        self.directory.meta.clone().unwrap_or_default()
    }

    /// newAccount (RFC 8555 §7.3). Returns the account URL, the resource,
    /// and whether it was created (201) rather than found (200).
    pub fn new_account(
        &self,
        key: &SigningKey,
        contact: &[String],
        terms_agreed: bool,
        only_return_existing: bool,
        eab: Option<ExternalAccountBinding<'_>>,
    ) -> Result<(String, AccountResource, bool)> {
        let url = &self.directory.new_account;
        let mut payload = json!({});
        if only_return_existing {
            payload["onlyReturnExisting"] = json!(true);
        } else {
            payload["contact"] = json!(contact);
            payload["termsOfServiceAgreed"] = json!(terms_agreed);
            if let Some(eab) = eab {
                payload["externalAccountBinding"] =
                    external_account_binding(key, eab.kid, eab.hmac_key, url)?;
            }
        }
        let resp = self
            .transport
            .post(url, key, None, Some(&payload), Repeat::Safe, JSON)?;
        let account_url = resp.location.clone().ok_or_else(|| Error::Malformed {
            url: url.clone(),
            reason: "newAccount answered without a Location header".into(),
        })?;
        let created = resp.status == 201;
        Ok((account_url, resp.json()?, created))
    }

    pub fn account<'a>(&'a self, key: &'a SigningKey, kid: &'a str) -> Account<'a> {
        Account {
            client: self,
            key,
            kid,
        }
    }
}

/// An authenticated view of the CA: every request is signed with `kid`.
pub struct Account<'a> {
    pub client: &'a AcmeClient,
    pub key: &'a SigningKey,
    pub kid: &'a str,
}

impl Account<'_> {
    fn transport(&self) -> &Transport {
        &self.client.transport
    }

    pub fn post(&self, url: &str, payload: &Value, repeat: Repeat) -> Result<Response> {
        self.transport()
            .post(url, self.key, Some(self.kid), Some(payload), repeat, JSON)
    }

    /// POST-as-GET (RFC 8555 §6.3).
    pub fn fetch(&self, url: &str, accept: &str) -> Result<Response> {
        self.transport()
            .post(url, self.key, Some(self.kid), None, Repeat::Safe, accept)
    }

    fn fetch_json<T: DeserializeOwned>(&self, url: &str) -> Result<(T, Option<Duration>)> {
        let resp = self.fetch(url, JSON)?;
        Ok((resp.json()?, resp.retry_after))
    }

    /// The account resource (POST-as-GET on the account URL).
    pub fn resource(&self) -> Result<AccountResource> {
        Ok(self.fetch_json(self.kid)?.0)
    }

    /// Updates contacts, or deactivates with `{"status": "deactivated"}`.
    pub fn update(&self, payload: &Value) -> Result<AccountResource> {
        self.post(self.kid, payload, Repeat::Safe)?.json()
    }

    /// newOrder (RFC 8555 §7.4), with RFC 9773's `replaces` and Let's
    /// Encrypt's `profile` when given.
    pub fn new_order(
        &self,
        identifiers: &[Identifier],
        replaces: Option<&str>,
        profile: Option<&str>,
    ) -> Result<(String, Order)> {
        let mut payload = json!({"identifiers": identifiers});
        if let Some(r) = replaces {
            payload["replaces"] = json!(r);
        }
        if let Some(p) = profile {
            payload["profile"] = json!(p);
        }
        let url = &self.client.directory.new_order;
        let resp = self.post(url, &payload, Repeat::Safe)?;
        let order_url = resp.location.clone().ok_or_else(|| Error::Malformed {
            url: url.clone(),
            reason: "newOrder answered without a Location header".into(),
        })?;
        Ok((order_url, resp.json()?))
    }

    pub fn order(&self, url: &str) -> Result<(Order, Option<Duration>)> {
        self.fetch_json(url)
    }

    pub fn authorization(&self, url: &str) -> Result<Authorization> {
        Ok(self.fetch_json(url)?.0)
    }

    /// Tells the CA the challenge is ready (RFC 8555 §7.5.1).
    pub fn respond(&self, challenge_url: &str) -> Result<Challenge> {
        self.post(challenge_url, &json!({}), Repeat::Safe)?.json()
    }

    /// Sends the CSR. Not blindly repeatable: if the answer is lost, the
    /// caller re-reads the order to learn whether it was accepted.
    pub fn finalize(
        &self,
        finalize_url: &str,
        csr_der: &[u8],
    ) -> Result<(Order, Option<Duration>)> {
        let resp = self.post(finalize_url, &json!({"csr": b64(csr_der)}), Repeat::Unsafe)?;
        Ok((resp.json()?, resp.retry_after))
    }

    /// Polls an order until `done` says its status is final, honoring
    /// Retry-After, within the policy's order deadline.
    pub fn poll_order(
        &self,
        url: &str,
        first: Option<(Order, Option<Duration>)>,
        target: PollTarget<'_>,
        done: impl Fn(OrderStatus) -> bool,
    ) -> Result<Order> {
        let transport = self.transport();
        let policy = &transport.policy;
        let started = transport.clock.now();
        let (mut order, mut retry_after) = match first {
            Some(f) => f,
            None => self.order(url)?,
        };
        let mut polls = 0;
        loop {
            if done(order.status) {
                return Ok(order);
            }
            let delay = policy.poll_delay(polls, retry_after);
            let waited = transport
                .clock
                .now()
                .duration_since(started)
                .unwrap_or_default();
            // Never sleep past the deadline: fail now if the next poll would.
            if waited + delay > policy.order_timeout {
                let limit = human_duration(policy.order_timeout);
                let what = match retry_after {
                    // The CA's Retry-After, not our schedule, decided it.
                    Some(after) if after > policy.poll_delay(polls, None) => format!(
                        "{} (the CA asked to check again in {}, past the order timeout of {limit})",
                        target.what,
                        human_duration(after)
                    ),
                    _ => format!(
                        "{} (the next check would pass the order timeout of {limit})",
                        target.what
                    ),
                };
                return Err(Error::Timeout {
                    what,
                    waited,
                    last_status: Some(format!("{:?}", order.status).to_lowercase()),
                });
            }
            transport
                .progress
                .waiting(&format!("waiting for {}", target.what), delay);
            transport.clock.sleep(delay);
            polls += 1;
            (order, retry_after) = self.order(url)?;
        }
    }

    /// Downloads the PEM chain; returns it and the alternate chain URLs.
    pub fn download(&self, url: &str) -> Result<(Vec<u8>, Vec<String>)> {
        let resp = self.fetch(url, PEM_CHAIN)?;
        let alternates = resp
            .link("alternate")
            .into_iter()
            .map(str::to_string)
            .collect();
        Ok((resp.body, alternates))
    }

    /// revokeCert (RFC 8555 §7.6) signed by the account.
    pub fn revoke(&self, cert_der: &[u8], reason: Option<u8>) -> Result<()> {
        let url = self
            .client
            .directory
            .revoke_cert
            .as_deref()
            .ok_or_else(|| {
                Error::Unsupported("this CA's directory has no revokeCert URL".into())
            })?;
        let mut payload = json!({"certificate": b64(cert_der)});
        if let Some(r) = reason {
            payload["reason"] = json!(r);
        }
        self.post(url, &payload, Repeat::Unsafe)?;
        Ok(())
    }
}
