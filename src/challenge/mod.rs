//! Challenge solvers. The whole contract: present a challenge, then clean it
//! up; cleanup runs whether or not validation succeeded.

pub mod dns01;
pub mod dns_lookup;
pub mod dns_persist01;
pub mod dns_provider;
pub mod http01;
pub mod listener;
pub mod nginx;
pub mod propagation;
pub mod setup;
pub mod sightings;
pub mod tls_alpn01;

use crate::acme::types::{ChallengeType, Identifier};
use crate::error::{Error, Result};

/// What a solver needs to answer one challenge.
#[derive(Debug, Clone)]
pub struct ChallengeTask {
    pub identifier: Identifier,
    /// Empty for dns-persist-01, which has no token.
    pub token: String,
    /// The key authorization (RFC 8555 §8.1); empty for dns-persist-01.
    pub key_authorization: String,
    /// The authorization is for `*.` + the identifier.
    pub wildcard: bool,
    /// dns-persist-01 only: what the challenge object asks for.
    pub persist: Option<dns_persist01::PersistOffer>,
}

/// What is known before an order is placed.
#[derive(Debug, Clone)]
pub struct OrderPlan<'a> {
    /// The names as they will be sent (`*.example.com` included).
    pub domains: &'a [String],
    /// The account's URL (its `kid`).
    pub account_uri: &'a str,
    /// The directory's `meta.caaIdentities`.
    pub caa_identities: &'a [String],
}

pub trait Solver {
    fn challenge_type(&self) -> ChallengeType;
    /// Called before a new order is placed, so a solver can refuse what is
    /// certain to fail without costing the CA an order.
    fn before_order(&mut self, _plan: &OrderPlan<'_>) -> Result<()> {
        Ok(())
    }
    fn present(&mut self, task: &ChallengeTask) -> Result<()>;
    /// Called once after every challenge of the order has been presented and
    /// before the CA is told to validate (e.g. to wait for DNS propagation).
    fn ready(&mut self) -> Result<()> {
        Ok(())
    }
    fn cleanup(&mut self) -> Result<()>;
    /// The CA's fetches of the challenges, for a solver that can see them
    /// (the built-in http-01 and tls-alpn-01 servers): the poller then asks
    /// for the verdict right after the CA has looked, instead of guessing.
    fn sightings(&self) -> Option<&sightings::Sightings> {
        None
    }
}

/// Tokens become file names and URL paths: only base64url is accepted
/// (RFC 8555 §8.3), so a hostile CA cannot traverse out of the webroot.
pub fn check_token(token: &str) -> Result<()> {
    let ok = !token.is_empty()
        && token.len() <= 256
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::Solver(format!(
            "the CA sent a challenge token that is not base64url: {token:?}; refusing to use it"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_tokens_are_refused() {
        for bad in ["", "../../etc/passwd", "a/b", "a.b", "tok en", "x\0y"] {
            assert!(check_token(bad).is_err(), "{bad:?}");
        }
        check_token("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA").unwrap();
    }
}
