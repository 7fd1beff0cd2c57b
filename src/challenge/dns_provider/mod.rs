//! DNS providers: code that creates and removes dns-01 TXT records through
//! a DNS server's own interface (RFC 2136 dynamic update, the PowerDNS
//! API), so users need no hook script.
//!
//! The contract is lego's: present a value, clean it up. A provider adds
//! one TXT value without touching the other values of that name (a name and
//! its wildcard share `_acme-challenge.NAME`), and removes only its own.
//! Before that, [`ProviderSet`] follows a CNAME on `_acme-challenge.NAME`
//! (delegated validation) and asks the provider which of its zones holds
//! the final name.
//!
//! Adding a provider: one file with a [`Registration`], one line in
//! [`PROVIDERS`].

pub mod credentials;
pub mod powerdns;
pub mod rfc2136;

use crate::challenge::dns_lookup::CnameLookup;
use crate::error::{Error, Result};
pub use crate::store::ProviderSpec;
use credentials::Credentials;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The hook scripts (`--dns-auth-hook`/`--dns-cleanup-hook`) as a provider
/// name; they keep their own publisher (certbot's environment), so they
/// are not a [`DnsProvider`].
pub const HOOK: &str = "hook";

/// TTL of the records providers create: short, because they live for
/// minutes, and what resolvers cache for a cleaned-up value is noise.
pub const RECORD_TTL: u32 = 60;

/// One network operation's time limit.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A DNS server or service that certwright can change.
pub trait DnsProvider: Send {
    /// The registered name ("rfc2136"), for messages.
    fn kind(&self) -> &'static str;
    /// The zone, at this provider, that holds `fqdn` (no trailing dot).
    fn find_zone(&mut self, fqdn: &str) -> Result<String>;
    /// Adds `value` as one more TXT record at `fqdn`; other values stay.
    fn present(&mut self, zone: &str, fqdn: &str, value: &str) -> Result<()>;
    /// Removes exactly that record; a record already gone is no error.
    fn cleanup(&mut self, zone: &str, fqdn: &str, value: &str) -> Result<()>;
}

/// How a provider is found by name and opened from its credentials.
pub struct Registration {
    pub name: &'static str,
    /// One line for `--help` and the docs.
    pub about: &'static str,
    /// The environment variables it reads (lego's names).
    pub env: &'static [&'static str],
    pub open: fn(&Credentials) -> Result<Box<dyn DnsProvider>>,
}

/// Every provider certwright has.
pub const PROVIDERS: &[Registration] = &[rfc2136::PROVIDER, powerdns::PROVIDER];

/// Every name `--dns-provider` accepts.
pub fn names() -> Vec<&'static str> {
    std::iter::once(HOOK)
        .chain(PROVIDERS.iter().map(|p| p.name))
        .collect()
}

fn registration(name: &str) -> Result<&'static Registration> {
    PROVIDERS.iter().find(|p| p.name == name).ok_or_else(|| {
        Error::Usage(format!(
            "unknown DNS provider {name:?}: certwright has {}",
            names().join(", ")
        ))
    })
}

/// Opens provider `name` with the credentials in `path` (and its
/// environment variables).
pub fn open(name: &str, path: Option<&Path>) -> Result<Box<dyn DnsProvider>> {
    let registration = registration(name)?;
    let credentials = Credentials::load(path, registration.env)?;
    (registration.open)(&credentials)
}

/// Which provider answers for which names, as the user said it:
/// `--dns-provider NAME --dns-credentials FILE` and any number of
/// `--dns-provider-for DOMAIN=NAME[:FILE]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderChoice {
    pub default: Option<ProviderSpec>,
    pub per_name: Vec<(String, ProviderSpec)>,
}

impl ProviderSpec {
    /// Checks the name (so a typo fails before the CA is contacted).
    pub fn new(provider: &str, credentials: Option<PathBuf>) -> Result<ProviderSpec> {
        if provider != HOOK {
            registration(provider)?;
        }
        Ok(ProviderSpec {
            provider: provider.to_string(),
            credentials,
        })
    }

    pub fn is_hook(&self) -> bool {
        self.provider == HOOK
    }
}

/// Parses `DOMAIN=PROVIDER[:CREDENTIALS]` (`--dns-provider-for`).
pub fn parse_provider_for(text: &str) -> std::result::Result<(String, ProviderSpec), String> {
    let usage = "expected DOMAIN=PROVIDER[:CREDENTIALS_FILE], e.g. example.com=rfc2136:/etc/certwright/dns.toml";
    let (domain, rest) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: {usage}"))?;
    let domain = normalize(domain);
    if domain.is_empty() || domain.contains(['/', ':', ' ']) {
        return Err(format!(
            "{text:?}: {domain:?} is not a domain name; {usage}"
        ));
    }
    let (provider, credentials) = match rest.split_once(':') {
        Some((p, path)) if !path.is_empty() => (p, Some(PathBuf::from(path))),
        Some((p, _)) => (p, None),
        None => (rest, None),
    };
    let spec = ProviderSpec::new(provider, credentials).map_err(|e| e.to_string())?;
    Ok((domain, spec))
}

fn no_provider(domain: &str) -> Error {
    Error::Usage(format!(
        "no DNS provider for {domain}: add --dns-provider-for {}=PROVIDER:CREDENTIALS_FILE or --dns-provider NAME",
        normalize(domain)
    ))
}

/// Lower case, no trailing dot, a wildcard's base name.
fn normalize(domain: &str) -> String {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    d.strip_prefix("*.").map(str::to_string).unwrap_or(d)
}

impl ProviderChoice {
    /// The spec for `domain`: the most specific `--dns-provider-for` entry
    /// that is the domain or one of its parents (a wildcard follows its
    /// base name), else the default.
    pub fn for_domain(&self, domain: &str) -> Option<&ProviderSpec> {
        let domain = normalize(domain);
        self.per_name
            .iter()
            .filter(|(name, _)| {
                domain == *name
                    || domain
                        .strip_suffix(name.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            })
            .max_by_key(|(name, _)| name.len())
            .map(|(_, spec)| spec)
            .or(self.default.as_ref())
    }

    /// An error naming the first domain no entry (and no default) covers.
    pub fn check_domains<'a>(&self, domains: impl IntoIterator<Item = &'a str>) -> Result<()> {
        for domain in domains {
            if self.for_domain(domain).is_none() {
                return Err(no_provider(domain));
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.default.is_none() && self.per_name.is_empty()
    }

    /// True when some name goes to the hook scripts.
    pub fn uses_hooks(&self) -> bool {
        self.default.as_ref().is_some_and(ProviderSpec::is_hook)
            || self.per_name.iter().any(|(_, s)| s.is_hook())
    }

    /// True when every name goes to the hook scripts (nothing to open).
    pub fn only_hooks(&self) -> bool {
        self.default.as_ref().is_none_or(ProviderSpec::is_hook)
            && self.per_name.iter().all(|(_, s)| s.is_hook())
    }
}

/// One record a provider was asked to create.
#[derive(Debug, Clone)]
struct Published {
    provider: usize,
    zone: String,
    fqdn: String,
    value: String,
    /// The provider said it was created. An unconfirmed record may exist
    /// (a lost answer) and is removed too, but quietly: its failure
    /// usually repeats the error the user already saw.
    confirmed: bool,
}

/// The opened providers of one run, and what they published.
pub struct ProviderSet {
    providers: Vec<(ProviderSpec, Box<dyn DnsProvider>)>,
    choice: ProviderChoice,
    cnames: Box<dyn CnameLookup>,
    /// Record name -> where its CNAMEs lead, looked up once per run.
    targets: std::collections::BTreeMap<String, String>,
    published: Vec<Published>,
    /// Set by an interrupt's cleanup: the process is exiting.
    closed: bool,
}

impl ProviderSet {
    /// Opens each distinct provider of `choice` once (credentials are
    /// checked here, before the CA is contacted). Names routed to the hook
    /// scripts are refused: the caller handles those.
    pub fn open(choice: ProviderChoice, cnames: Box<dyn CnameLookup>) -> Result<ProviderSet> {
        Self::open_with(choice, cnames, |spec| {
            open(&spec.provider, spec.credentials.as_deref())
        })
    }

    /// [`open`](Self::open) with a custom opener (tests).
    pub fn open_with(
        choice: ProviderChoice,
        cnames: Box<dyn CnameLookup>,
        mut opener: impl FnMut(&ProviderSpec) -> Result<Box<dyn DnsProvider>>,
    ) -> Result<ProviderSet> {
        let mut providers: Vec<(ProviderSpec, Box<dyn DnsProvider>)> = Vec::new();
        let specs = choice
            .default
            .iter()
            .chain(choice.per_name.iter().map(|(_, s)| s));
        for spec in specs {
            if spec.is_hook() {
                return Err(Error::Usage(
                    "the hook scripts answer for every name of a certificate or for none: use --dns-provider hook alone, or give the other names a provider".into(),
                ));
            }
            if !providers.iter().any(|(s, _)| s == spec) {
                providers.push((spec.clone(), opener(spec)?));
            }
        }
        Ok(ProviderSet {
            providers,
            choice,
            cnames,
            targets: Default::default(),
            published: Vec::new(),
            closed: false,
        })
    }

    fn provider_index(&self, domain: &str) -> Result<usize> {
        let spec = self
            .choice
            .for_domain(domain)
            .ok_or_else(|| no_provider(domain))?;
        Ok(self
            .providers
            .iter()
            .position(|(s, _)| s == spec)
            .expect("every spec of the choice was opened"))
    }

    /// Checks that every domain has a provider, before anything changes.
    pub fn check_routes<'a>(&self, domains: impl IntoIterator<Item = &'a str>) -> Result<()> {
        self.choice.check_domains(domains)
    }

    /// Creates the TXT record `value` for `domain`'s challenge at
    /// `record_name` (or where its CNAME leads). Listed before the
    /// provider is asked, so cleanup covers a half-finished request.
    pub fn present(&mut self, domain: &str, record_name: &str, value: &str) -> Result<()> {
        if self.closed {
            return Err(Error::Solver(
                "interrupted: no further DNS records are created".into(),
            ));
        }
        let index = self.provider_index(domain)?;
        let fqdn = match self.targets.get(record_name) {
            Some(t) => t.clone(),
            None => {
                let t = self.cnames.record_target(record_name)?;
                self.targets.insert(record_name.to_string(), t.clone());
                t
            }
        };
        let provider = &mut self.providers[index].1;
        let zone = provider.find_zone(&fqdn)?;
        self.published.push(Published {
            provider: index,
            zone: zone.clone(),
            fqdn: fqdn.clone(),
            value: value.to_string(),
            confirmed: false,
        });
        provider.present(&zone, &fqdn, value)?;
        if let Some(p) = self.published.last_mut() {
            p.confirmed = true;
        }
        Ok(())
    }

    /// Removes every published record; returns the problems (every record
    /// is attempted even when one fails).
    pub fn cleanup(&mut self) -> Vec<Error> {
        let mut problems = Vec::new();
        for p in std::mem::take(&mut self.published) {
            let provider = &mut self.providers[p.provider].1;
            if let Err(e) = provider.cleanup(&p.zone, &p.fqdn, &p.value)
                && p.confirmed
            {
                problems.push(Error::Solver(format!(
                    "could not remove the TXT record {} {:?} through {}: {e}",
                    p.fqdn,
                    p.value,
                    provider.kind()
                )));
            }
        }
        problems
    }

    /// Refuses every later [`present`](Self::present).
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// How many records are published (and not yet cleaned up).
    pub fn published(&self) -> usize {
        self.published.len()
    }
}

/// `name` as a DNS name, absolute, or a clear error.
pub(crate) fn dns_name(name: &str) -> Result<hickory_proto::rr::Name> {
    let mut n = hickory_proto::rr::Name::from_ascii(name.trim_end_matches('.'))
        .map_err(|e| Error::Solver(format!("{name:?} is not a DNS name: {e}")))?;
    n.set_fqdn(true);
    Ok(n)
}

/// `name` without its trailing dot, lower case.
pub(crate) fn display_name(name: &hickory_proto::rr::Name) -> String {
    name.to_ascii().trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
pub(crate) mod fake {
    //! A provider that keeps records in memory and logs every call.
    use super::*;
    use std::collections::BTreeSet;
    use std::sync::{Arc, Mutex};

    #[derive(Default)]
    pub struct State {
        pub records: BTreeSet<(String, String)>,
        pub log: Vec<String>,
        pub fail_present: Option<String>,
    }

    pub struct FakeProvider {
        pub zone: String,
        pub state: Arc<Mutex<State>>,
    }

    impl DnsProvider for FakeProvider {
        fn kind(&self) -> &'static str {
            "fake"
        }
        fn find_zone(&mut self, fqdn: &str) -> Result<String> {
            if fqdn.ends_with(&self.zone) {
                Ok(self.zone.clone())
            } else {
                Err(Error::Solver(format!("no zone for {fqdn}")))
            }
        }
        fn present(&mut self, zone: &str, fqdn: &str, value: &str) -> Result<()> {
            let mut s = self.state.lock().unwrap();
            s.log.push(format!("present {zone} {fqdn} {value}"));
            if s.fail_present.as_deref() == Some(value) {
                return Err(Error::Solver("refused".into()));
            }
            s.records.insert((fqdn.into(), value.into()));
            Ok(())
        }
        fn cleanup(&mut self, zone: &str, fqdn: &str, value: &str) -> Result<()> {
            let mut s = self.state.lock().unwrap();
            s.log.push(format!("cleanup {zone} {fqdn} {value}"));
            s.records.remove(&(fqdn.to_string(), value.to_string()));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::*;
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    struct Cnames(BTreeMap<String, String>);
    impl CnameLookup for Cnames {
        fn record_target(&mut self, name: &str) -> Result<String> {
            Ok(self
                .0
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.to_string()))
        }
    }

    fn spec(p: &str, c: &str) -> ProviderSpec {
        ProviderSpec {
            provider: p.into(),
            credentials: Some(c.into()),
        }
    }

    #[test]
    fn provider_for_parses_and_refuses_unknown_providers() {
        let (d, s) = parse_provider_for("Example.COM.=rfc2136:/etc/a:b.toml").unwrap();
        assert_eq!(d, "example.com");
        assert_eq!(s, spec("rfc2136", "/etc/a:b.toml"));
        let (d, s) = parse_provider_for("*.example.net=powerdns").unwrap();
        assert_eq!((d.as_str(), s.credentials), ("example.net", None));
        assert!(parse_provider_for("example.com").is_err());
        let err = parse_provider_for("example.com=route53:/x").unwrap_err();
        assert!(
            err.contains("unknown DNS provider") && err.contains("rfc2136"),
            "{err}"
        );
    }

    #[test]
    fn the_most_specific_entry_wins_and_wildcards_follow_their_base_name() {
        let choice = ProviderChoice {
            default: Some(spec("powerdns", "d")),
            per_name: vec![
                ("example.com".into(), spec("rfc2136", "a")),
                ("deep.example.com".into(), spec("rfc2136", "b")),
            ],
        };
        let at = |d: &str| choice.for_domain(d).unwrap().credentials.clone().unwrap();
        assert_eq!(at("example.com"), PathBuf::from("a"));
        assert_eq!(at("*.example.com"), PathBuf::from("a"));
        assert_eq!(at("www.example.com"), PathBuf::from("a"));
        assert_eq!(at("x.deep.example.com"), PathBuf::from("b"));
        assert_eq!(at("notexample.com"), PathBuf::from("d"));
        assert_eq!(at("example.org"), PathBuf::from("d"));
        let no_default = ProviderChoice {
            default: None,
            ..choice
        };
        assert!(no_default.for_domain("example.org").is_none());
    }

    /// Two providers, a CNAME into the second, a failure halfway: every
    /// record asked for (also the failed one) is cleaned, each provider
    /// opened once.
    #[test]
    fn records_go_to_their_provider_and_all_are_cleaned_after_a_failure() {
        let a = Arc::new(Mutex::new(State::default()));
        let b = Arc::new(Mutex::new(State::default()));
        b.lock().unwrap().fail_present = Some("v4".into());
        let choice = ProviderChoice {
            default: Some(spec("rfc2136", "a")),
            per_name: vec![("example.net".into(), spec("powerdns", "b"))],
        };
        let mut opened = Vec::new();
        let cnames = Cnames(BTreeMap::from([(
            "_acme-challenge.www.example.com".to_string(),
            "_acme-challenge.www.validation.example.net".to_string(),
        )]));
        let mut set = ProviderSet::open_with(choice, Box::new(cnames), |s| {
            opened.push(s.provider.clone());
            let (zone, state) = match s.provider.as_str() {
                "rfc2136" => ("example.com", &a),
                _ => ("example.net", &b),
            };
            Ok(Box::new(FakeProvider {
                zone: zone.into(),
                state: Arc::clone(state),
            }) as Box<dyn DnsProvider>)
        })
        .unwrap();
        assert_eq!(opened, ["rfc2136", "powerdns"]);
        set.present("example.com", "_acme-challenge.example.com", "v1")
            .unwrap();
        set.present("*.example.com", "_acme-challenge.example.com", "v2")
            .unwrap();
        // The CNAME moves this one into the other provider's zone, but the
        // name's own provider is still asked: it was chosen for the name.
        let err = set
            .present("www.example.com", "_acme-challenge.www.example.com", "v3")
            .unwrap_err();
        assert!(err.to_string().contains("no zone"), "{err}");
        let err = set
            .present("example.net", "_acme-challenge.example.net", "v4")
            .unwrap_err();
        assert!(err.to_string().contains("refused"));
        assert_eq!(a.lock().unwrap().records.len(), 2);
        assert_eq!(set.published(), 3);
        assert!(set.cleanup().is_empty());
        assert!(a.lock().unwrap().records.is_empty());
        assert_eq!(
            b.lock().unwrap().log,
            [
                "present example.net _acme-challenge.example.net v4",
                "cleanup example.net _acme-challenge.example.net v4"
            ]
        );
        assert_eq!(set.published(), 0);
    }

    #[test]
    fn hooks_mixed_with_providers_are_refused() {
        let choice = ProviderChoice {
            default: Some(ProviderSpec::new(HOOK, None).unwrap()),
            per_name: vec![("example.net".into(), spec("powerdns", "b"))],
        };
        assert!(choice.uses_hooks() && !choice.only_hooks());
        let err = ProviderSet::open_with(
            choice,
            Box::new(Cnames(BTreeMap::new())),
            |_| unreachable!(),
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("hook"), "{err}");
    }
}
