//! What the store keeps on disk, as types: account records, renewal files
//! (`renewal/<name>.toml`), pending orders, and the setting values they
//! carry. Serde formats here are a compatibility promise: old files must
//! keep loading.

use crate::acme::types::ChallengeType;
use crate::crypto::KeyType;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountRecord {
    /// The account URL (the JWS `kid`).
    pub url: String,
    pub server: String,
    #[serde(default)]
    pub contact: Vec<String>,
    pub created: String,
    #[serde(default)]
    pub terms_of_service: Option<String>,
    /// Set by `account deactivate`: the CA refuses this account for good.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deactivated: bool,
}

/// How a lineage's challenges are answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SolverConfig {
    Standalone {
        #[serde(default)]
        http_port: Option<u16>,
        #[serde(default)]
        http_address: Option<String>,
    },
    Webroot {
        webroot: PathBuf,
    },
    /// dns-01 answered by the user's hook scripts (docs/dns.md).
    Dns {
        auth_hook: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cleanup_hook: Option<String>,
        /// Only what the user set; defaults apply at run time.
        #[serde(flatten)]
        propagation: PropagationOverrides,
    },
    /// dns-01 answered by DNS providers (docs/dns.md): `provider` for every
    /// name `provider_for` does not match.
    DnsProvider {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider: Option<String>,
        /// The provider's credentials file; never the secret itself.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        credentials: Option<PathBuf>,
        /// Domain (its wildcard and the names under it) -> its provider.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        provider_for: BTreeMap<String, ProviderSpec>,
        #[serde(flatten)]
        propagation: PropagationOverrides,
    },
    /// A person publishes the challenge; renewing needs a terminal.
    Manual {
        challenge: ChallengeType,
        #[serde(flatten)]
        propagation: PropagationOverrides,
    },
    /// tls-alpn-01 answered by the built-in TLS server (docs/challenges.md).
    TlsAlpn {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tls_port: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tls_address: Option<String>,
    },
    /// dns-persist-01: a standing TXT record, checked before each order.
    DnsPersist {
        /// Ask this server instead of the zone's authoritative ones.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dns_resolver: Option<String>,
    },
    /// http-01 through a running nginx (docs/nginx.md).
    Nginx {
        /// The directory holding nginx.conf.
        server_root: PathBuf,
        /// The nginx binary (or a wrapper).
        ctl: PathBuf,
        /// The port the CA connects to [default 80].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        http_port: Option<u16>,
    },
}

/// How a lineage's certificate is put into a server's configuration after
/// issuance and every renewal (`--nginx`, `install`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InstallerConfig {
    Nginx {
        server_root: PathBuf,
        ctl: PathBuf,
        /// Where plain http is served (the blocks a redirect goes into).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        http_port: Option<u16>,
        https_port: u16,
        #[serde(default)]
        redirect: bool,
    },
}

/// A DNS provider by name and its credentials file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSpec {
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<PathBuf>,
}

/// renewal/<name>.toml: everything needed to renew the lineage unattended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenewalConfig {
    pub name: String,
    pub server: String,
    pub account: String,
    pub domains: Vec<String>,
    pub key_type: KeyType,
    #[serde(default)]
    pub reuse_key: bool,
    pub solver: SolverConfig,
    #[serde(default)]
    pub ca_bundle: Option<PathBuf>,
    #[serde(default)]
    pub preferred_chain: Option<String>,
    /// ACME profile requested in newOrder (Let's Encrypt's profiles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The user's CSR (`issue --csr`), reused as is on renewal, with
    /// `key_path` as its key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csr_path: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_path: Option<PathBuf>,
    /// The current certificate was revoked: renew at the next run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revoked: bool,
    /// Renew this long before expiry ("30d") or at this fraction of the
    /// lifetime left ("1/3"); overrides the global setting and ARI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before: Option<RenewBefore>,
    /// Shell commands run around renewals (see docs/renewal.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_hook: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_hook: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_hook: Option<String>,
    /// Installs the certificate after issuance and each renewal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installer: Option<InstallerConfig>,
    /// Written by certwright; for humans reading the file.
    #[serde(default)]
    pub certwright_version: String,
}

/// An order that was finalized (or about to be) but not yet installed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingOrder {
    pub order_url: String,
    pub server: String,
    pub account: String,
    pub domains: Vec<String>,
    /// base64url DER CSR, reused so a resumed order is finalized identically.
    pub csr: String,
    pub created: String,
}

/// What one layer of configuration says; None = "not said here". Stored in
/// renewal files as given, so a later change of defaults still applies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PropagationOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_delay: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_timeout: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_sleep_times: Option<Vec<u64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_resolver: Option<String>,
}

/// How long before expiry to renew: a fixed duration or a fraction of the
/// certificate's lifetime. Written as "30d", "12h", "90m", "45s", "2w",
/// or "1/3", "0.5".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum RenewBefore {
    Duration(Duration),
    /// Strictly between 0 and 1.
    Fraction(f64),
}

impl RenewBefore {
    pub fn parse(text: &str) -> Result<RenewBefore> {
        let t = text.trim();
        let bad = |why: &str| {
            Error::Usage(format!(
                "invalid renew_before {text:?}: {why}; use a duration such as \"30d\", \"12h\", \"90m\" or a fraction of the lifetime such as \"1/3\" or \"0.5\""
            ))
        };
        if let Some((num, den)) = t.split_once('/') {
            let num: f64 = num.trim().parse().map_err(|_| bad("not a fraction"))?;
            let den: f64 = den.trim().parse().map_err(|_| bad("not a fraction"))?;
            return RenewBefore::fraction(num / den).ok_or_else(|| bad("must be between 0 and 1"));
        }
        if t.contains('.') {
            let f: f64 = t.parse().map_err(|_| bad("not a number"))?;
            return RenewBefore::fraction(f).ok_or_else(|| bad("must be between 0 and 1"));
        }
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad("expected a number"));
        }
        let n: u64 = t[..digits].parse().map_err(|_| bad("number too large"))?;
        let unit = match t[digits..].trim() {
            "s" | "sec" => 1,
            "m" | "min" => 60,
            "h" => 3600,
            "d" => 86400,
            "w" => 7 * 86400,
            "" => return Err(bad("a duration needs a unit")),
            _ => return Err(bad("unknown unit")),
        };
        match n.checked_mul(unit) {
            Some(0) => Err(bad("must be more than zero")),
            Some(secs) => Ok(RenewBefore::Duration(Duration::from_secs(secs))),
            None => Err(bad("number too large")),
        }
    }

    fn fraction(f: f64) -> Option<RenewBefore> {
        (f > 0.0 && f < 1.0).then_some(RenewBefore::Fraction(f))
    }

    /// How long before `not_after` renewal is due for this lifetime.
    pub fn margin(self, lifetime: Duration) -> Duration {
        match self {
            RenewBefore::Duration(d) => d,
            RenewBefore::Fraction(f) => lifetime.mul_f64(f),
        }
    }
}

impl TryFrom<String> for RenewBefore {
    type Error = String;
    fn try_from(s: String) -> std::result::Result<Self, String> {
        RenewBefore::parse(&s).map_err(|e| e.to_string())
    }
}

impl From<RenewBefore> for String {
    fn from(r: RenewBefore) -> String {
        r.to_string()
    }
}

impl fmt::Display for RenewBefore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenewBefore::Fraction(x) => write!(f, "{x}"),
            RenewBefore::Duration(d) => {
                let s = d.as_secs();
                for (unit, len) in [("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)] {
                    if s % len == 0 {
                        return write!(f, "{}{unit}", s / len);
                    }
                }
                write!(f, "{s}s")
            }
        }
    }
}
