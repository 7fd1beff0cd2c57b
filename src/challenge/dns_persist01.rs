//! dns-persist-01 (draft-ietf-acme-dns-persist-01, March 2026): one TXT
//! record, set once, that lets an ACME account validate a name for as long
//! as the record stays, with no DNS change per order.
//!
//! The record lives at `_validation-persist.<name>` (§3); its value is an
//! RFC 8659 issue-value (§4):
//!
//! ```text
//! <issuer-domain-name>; accounturi=<account URL>[; policy=wildcard][; persistUntil=<UNIX seconds>]
//! ```
//!
//! The issuer-domain-name is one the CA lists in the challenge's
//! `issuer-domain-names` (§3.1, 1 to 10 normalized names; a client MUST
//! reject other lists); `policy=wildcard` extends the record to wildcards
//! and subdomains; `persistUntil` is when the CA stops accepting it for new
//! validations. Tags and the policy value compare case-insensitively,
//! unknown tags are ignored (§4), as Pebble and lego do.
//!
//! This module owns the record's text (build, parse, match) and the check
//! that it is visible at every authoritative server of its zone before an
//! order is placed; the servers are asked through [`TxtAtAuthorities`],
//! which the propagation check's DNS client implements.

use super::{ChallengeTask, OrderPlan, Solver};
use crate::acme::types::ChallengeType;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::progress::Progress;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The DNS TXT Record Persistent DCV Domain Label (§2).
pub const LABEL: &str = "_validation-persist";
/// §3.1: servers send at most 10 issuer domain names; a client rejects more.
pub const MAX_ISSUER_DOMAIN_NAMES: usize = 10;
/// The draft this module follows (named in errors and docs).
pub const DRAFT: &str = "draft-ietf-acme-dns-persist-01";

const POLICY_WILDCARD: &str = "wildcard";
/// One DNS question's time limit in the visibility check.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// What a dns-persist-01 challenge object says (§3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistOffer {
    pub account_uri: Option<String>,
    pub issuer_domain_names: Vec<String>,
}

/// The Authorization Domain Name for an identifier: `_validation-persist.`
/// before the name (a wildcard's base name: the CA asks there for
/// `*.example.com`, with `policy=wildcard` required).
pub fn record_name(domain: &str) -> String {
    let base = domain.strip_prefix("*.").unwrap_or(domain);
    format!("{LABEL}.{}", base.trim_end_matches('.'))
}

/// What one record says (an RFC 8659 issue-value, §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistRecord {
    pub issuer_domain_name: String,
    pub account_uri: String,
    /// `policy=wildcard`: also wildcards and subdomains (§5).
    pub wildcard: bool,
    /// `persistUntil`, UNIX seconds (§4 item 5).
    pub persist_until: Option<u64>,
}

impl PersistRecord {
    /// The TXT value to publish. Parameters are separated by `; ` like the
    /// draft's examples.
    pub fn txt_value(&self) -> String {
        let mut value = format!(
            "{}; accounturi={}",
            self.issuer_domain_name, self.account_uri
        );
        if self.wildcard {
            value.push_str("; policy=wildcard");
        }
        if let Some(until) = self.persist_until {
            value.push_str(&format!("; persistUntil={until}"));
        }
        value
    }

    /// Parses a TXT value. Errors say what is wrong, for the message that
    /// shows a user their record.
    pub fn parse(value: &str) -> std::result::Result<PersistRecord, String> {
        let mut parts = value.split(';');
        let issuer = trim_wsp(parts.next().unwrap_or(""));
        if issuer.is_empty() {
            return Err("no issuer domain name before the first ';'".into());
        }
        let mut seen = BTreeSet::new();
        let mut record = PersistRecord {
            issuer_domain_name: issuer.to_string(),
            account_uri: String::new(),
            wildcard: false,
            persist_until: None,
        };
        for raw in parts {
            let part = trim_wsp(raw);
            if part.is_empty() {
                return Err("an empty parameter (two ';' in a row, or a trailing ';')".into());
            }
            let (tag, val) = part
                .split_once('=')
                .ok_or_else(|| format!("parameter {part:?} is not tag=value"))?;
            let (tag, val) = (trim_wsp(tag), trim_wsp(val));
            if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(format!("parameter {part:?} has no valid tag"));
            }
            // RFC 8659 §4.2: value = *(%x21-3A / %x3C-7E).
            if !val.bytes().all(|b| matches!(b, 0x21..=0x3a | 0x3c..=0x7e)) {
                return Err(format!(
                    "the value of {tag:?} contains a space or a character outside printable ASCII"
                ));
            }
            let canonical = tag.to_ascii_lowercase();
            if !seen.insert(canonical.clone()) {
                return Err(format!("parameter {tag:?} appears twice"));
            }
            match canonical.as_str() {
                "accounturi" => {
                    if val.is_empty() {
                        return Err("accounturi is empty".into());
                    }
                    record.account_uri = val.to_string();
                }
                // §4 item 4: any other value counts as no policy at all.
                "policy" => record.wildcard = val.eq_ignore_ascii_case(POLICY_WILDCARD),
                "persistuntil" => {
                    record.persist_until = Some(val.parse().map_err(|_| {
                        format!("persistUntil={val:?} is not a UNIX timestamp in seconds")
                    })?);
                }
                // §4 item 1: unknown tags are for future extensions.
                _ => {}
            }
        }
        if record.account_uri.is_empty() {
            return Err("the mandatory accounturi parameter is missing".into());
        }
        Ok(record)
    }
}

/// RFC 5234 WSP (space and tab), which RFC 8659 allows around parts.
fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// What a record must say to validate one name for one account.
#[derive(Debug, Clone)]
pub struct Requirement<'a> {
    pub account_uri: &'a str,
    /// The issuer domain names the CA accepts; empty = not known yet (the
    /// CA's directory lists no caaIdentities), any issuer will do.
    pub issuers: &'a [String],
    /// The identifier is a wildcard: `policy=wildcard` is required.
    pub wildcard: bool,
    pub now: SystemTime,
}

/// Why a parsed record does not serve `req`, or None when it does.
pub fn mismatch(record: &PersistRecord, req: &Requirement<'_>) -> Option<String> {
    if !req.issuers.is_empty() && !req.issuers.contains(&record.issuer_domain_name) {
        return Some(format!(
            "it names the issuer {:?}; this CA accepts {}",
            record.issuer_domain_name,
            req.issuers.join(", ")
        ));
    }
    if record.account_uri != req.account_uri {
        return Some(format!(
            "it is bound to the account {}, not to this account ({})",
            record.account_uri, req.account_uri
        ));
    }
    if req.wildcard && !record.wildcard {
        return Some("a wildcard certificate needs policy=wildcard in the record".into());
    }
    if let Some(until) = record.persist_until {
        let now = req
            .now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        if now > until {
            return Some(format!(
                "its persistUntil ({}) has passed",
                crate::clock::rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(until))
            ));
        }
    }
    None
}

/// Of the TXT values at one name, the record that serves `req`; else why
/// none does (one reason per value, so the user sees their typo).
pub fn find_match(
    values: &BTreeSet<String>,
    req: &Requirement<'_>,
) -> std::result::Result<PersistRecord, Vec<String>> {
    let mut reasons = Vec::new();
    for value in values {
        match PersistRecord::parse(value) {
            Ok(record) => match mismatch(&record, req) {
                None => return Ok(record),
                Some(why) => reasons.push(format!("{value:?}: {why}")),
            },
            // Records for other CAs may be in any format; only ours matter,
            // but a malformed one of ours is the likeliest mistake.
            Err(why) => reasons.push(format!("{value:?}: {why}")),
        }
    }
    if values.is_empty() {
        reasons.push("no TXT record".into());
    }
    Err(reasons)
}

/// §3.1: the challenge's `issuer-domain-names` must hold 1 to 10 names,
/// each lowercase A-labels without a final dot and at most 253 octets.
pub fn check_issuer_domain_names(names: &[String]) -> Result<()> {
    let bad = |why: String| {
        Error::Solver(format!(
            "the CA sent a malformed dns-persist-01 challenge ({DRAFT} §3.1): {why}"
        ))
    };
    if names.is_empty() {
        return Err(bad("issuer-domain-names is empty".into()));
    }
    if names.len() > MAX_ISSUER_DOMAIN_NAMES {
        return Err(bad(format!(
            "issuer-domain-names has {} entries, more than {MAX_ISSUER_DOMAIN_NAMES}",
            names.len()
        )));
    }
    for name in names {
        let normalized = crate::names::normalize_domain(name).ok();
        if normalized.as_deref() != Some(name.as_str()) || name.starts_with("*.") {
            return Err(bad(format!(
                "{name:?} is not a lowercase A-label domain name without a final dot"
            )));
        }
    }
    Ok(())
}

/// Parses `--persist-until`: a date (`2027-06-30`, midnight UTC), an RFC
/// 3339 time, or UNIX seconds; it must lie in the future.
pub fn parse_persist_until(text: &str, now: SystemTime) -> Result<u64> {
    let text = text.trim();
    let parsed = if let Ok(secs) = text.parse::<u64>() {
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
    } else if text.len() == 10 {
        crate::clock::parse_rfc3339(&format!("{text}T00:00:00Z"))
    } else {
        crate::clock::parse_rfc3339(text)
    };
    let time = parsed.ok_or_else(|| {
        Error::Usage(format!(
            "--persist-until {text:?} is not a date (2027-06-30), an RFC 3339 time (2027-06-30T12:00:00Z) or UNIX seconds"
        ))
    })?;
    if time <= now {
        return Err(Error::Usage(format!(
            "--persist-until {text} is in the past; the CA would refuse the record at once"
        )));
    }
    Ok(time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()))
}

/// The TXT values one authoritative server holds at one name, or why it
/// could not be asked.
#[derive(Debug, Clone)]
pub struct ServerTxt {
    /// `ns1.example.net (192.0.2.1)`.
    pub server: String,
    pub values: std::result::Result<BTreeSet<String>, String>,
}

/// Asks every authoritative server of the zone that holds `name` (after
/// following CNAMEs) for its TXT values. Implemented by the propagation
/// check's DNS client; tests use a map.
pub trait TxtAtAuthorities {
    fn txt_at_authorities(
        &mut self,
        name: &str,
        timeout: Duration,
    ) -> std::result::Result<Vec<ServerTxt>, String>;
}

/// One name the order will ask for, and what its record must say.
#[derive(Debug, Clone)]
pub struct Wanted {
    /// As sent to the CA (`example.com`, `*.example.com`).
    pub domain: String,
}

impl Wanted {
    fn wildcard(&self) -> bool {
        self.domain.starts_with("*.")
    }
}

/// The record found for one name (the same at every server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visible {
    pub domain: String,
    pub record: PersistRecord,
}

/// Checks, before ordering, that every name has a record for this account
/// at every authoritative server (the CA may ask any of them). The error
/// names each record to create, with its exact value.
pub fn check_visible(
    lookup: &mut dyn TxtAtAuthorities,
    wanted: &[Wanted],
    account_uri: &str,
    issuers: &[String],
    now: SystemTime,
    timeout: Duration,
) -> Result<Vec<Visible>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for want in wanted {
        let req = Requirement {
            account_uri,
            issuers,
            wildcard: want.wildcard(),
            now,
        };
        let name = record_name(&want.domain);
        let servers = match lookup.txt_at_authorities(&name, timeout) {
            Ok(s) if !s.is_empty() => s,
            Ok(_) => {
                problems.push(format!("{name}: no authoritative server found"));
                continue;
            }
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut record = None;
        let mut here = Vec::new();
        for server in &servers {
            match &server.values {
                Err(e) => here.push(format!("{}: {e}", server.server)),
                Ok(values) => match find_match(values, &req) {
                    Ok(r) => {
                        record.get_or_insert(r);
                    }
                    Err(reasons) => here.push(format!("{}: {}", server.server, reasons.join("; "))),
                },
            }
        }
        match record {
            Some(record) if here.is_empty() => found.push(Visible {
                domain: want.domain.clone(),
                record,
            }),
            _ => problems.push(format!("{name} is not usable: {}", here.join(" / "))),
        }
    }
    if problems.is_empty() {
        return Ok(found);
    }
    let to_create: Vec<String> = wanted
        .iter()
        .filter(|w| !found.iter().any(|f| f.domain == w.domain))
        .map(|w| {
            let record = PersistRecord {
                issuer_domain_name: issuers
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "<the CA's issuer domain name>".into()),
                account_uri: account_uri.to_string(),
                wildcard: w.wildcard(),
                persist_until: None,
            };
            format!(
                "  {}. IN TXT \"{}\"",
                record_name(&w.domain),
                record.txt_value()
            )
        })
        .collect();
    Err(Error::Solver(format!(
        "dns-persist-01: no usable {LABEL} record for this account.\n{}\n\
         Create (certwright persist-record -d NAME prints it):\n{}",
        problems
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n"),
        to_create.join("\n")
    )))
}

/// The dns-persist-01 solver: checks the records before ordering, checks
/// each challenge against what was found, and changes nothing in DNS.
pub struct PersistSolver {
    lookup: Box<dyn TxtAtAuthorities>,
    clock: Arc<dyn Clock>,
    progress: Arc<dyn Progress>,
    /// Records found before ordering, by the name as ordered.
    found: BTreeMap<String, PersistRecord>,
}

impl PersistSolver {
    pub fn new(
        lookup: Box<dyn TxtAtAuthorities>,
        clock: Arc<dyn Clock>,
        progress: Arc<dyn Progress>,
    ) -> PersistSolver {
        PersistSolver {
            lookup,
            clock,
            progress,
            found: BTreeMap::new(),
        }
    }

    fn check(&mut self, domains: &[String], account_uri: &str, issuers: &[String]) -> Result<()> {
        let wanted: Vec<Wanted> = domains
            .iter()
            .map(|d| Wanted { domain: d.clone() })
            .collect();
        self.progress.step(&format!(
            "checking {} {LABEL} record(s) at the authoritative name servers",
            wanted.len()
        ));
        let visible = check_visible(
            self.lookup.as_mut(),
            &wanted,
            account_uri,
            issuers,
            self.clock.now(),
            LOOKUP_TIMEOUT,
        )?;
        for v in visible {
            self.found.insert(v.domain, v.record);
        }
        Ok(())
    }
}

impl Solver for PersistSolver {
    fn challenge_type(&self) -> ChallengeType {
        ChallengeType::DnsPersist01
    }

    fn before_order(&mut self, plan: &OrderPlan<'_>) -> Result<()> {
        if let Some(ip) = plan.domains.iter().find(|d| d.parse::<IpAddr>().is_ok()) {
            return Err(Error::Usage(format!(
                "{ip} is an IP address: dns-persist-01 validates DNS names only (use http-01 or tls-alpn-01)"
            )));
        }
        self.check(plan.domains, plan.account_uri, plan.caa_identities)
            .map_err(|e| match e {
                Error::Solver(text) => Error::Solver(format!("{text}\nNothing was ordered.")),
                other => other,
            })
    }

    fn present(&mut self, task: &ChallengeTask) -> Result<()> {
        let offer = task.persist.as_ref().ok_or_else(|| {
            Error::Solver("dns-persist-01 was asked to answer another challenge type".into())
        })?;
        check_issuer_domain_names(&offer.issuer_domain_names)?;
        let account_uri = offer.account_uri.as_deref().ok_or_else(|| {
            Error::Solver(format!(
                "the CA sent a dns-persist-01 challenge without accounturi ({DRAFT} §3.1 requires it)"
            ))
        })?;
        let domain = if task.wildcard {
            format!("*.{}", task.identifier.value)
        } else {
            task.identifier.value.clone()
        };
        let fits = |r: &PersistRecord| {
            mismatch(
                r,
                &Requirement {
                    account_uri,
                    issuers: &offer.issuer_domain_names,
                    wildcard: task.wildcard,
                    now: self.clock.now(),
                },
            )
            .is_none()
        };
        if self.found.get(&domain).is_some_and(fits) {
            return Ok(());
        }
        // Not checked before ordering (a resumed order), or checked against
        // other issuer names or another account than the challenge names:
        // check again with exactly what the CA asks for.
        self.found.remove(&domain);
        self.check(
            std::slice::from_ref(&domain),
            account_uri,
            &offer.issuer_domain_names,
        )
    }

    /// The record stays: it is meant to.
    fn cleanup(&mut self) -> Result<()> {
        Ok(())
    }
}

impl fmt::Display for PersistRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.txt_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const ACCT: &str = "https://ca.example/acct/123";

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    }

    fn req<'a>(issuers: &'a [String], wildcard: bool) -> Requirement<'a> {
        Requirement {
            account_uri: ACCT,
            issuers,
            wildcard,
            now: now(),
        }
    }

    #[test]
    fn builds_the_drafts_examples() {
        // §4, "Basic Validation TXT Record" and the multiple-CA example.
        let basic = PersistRecord {
            issuer_domain_name: "authority.example".into(),
            account_uri: ACCT.into(),
            wildcard: false,
            persist_until: None,
        };
        assert_eq!(
            basic.txt_value(),
            "authority.example; accounturi=https://ca.example/acct/123"
        );
        let full = PersistRecord {
            wildcard: true,
            persist_until: Some(1767225600),
            ..basic
        };
        assert_eq!(
            full.txt_value(),
            "authority.example; accounturi=https://ca.example/acct/123; policy=wildcard; persistUntil=1767225600"
        );
        assert_eq!(PersistRecord::parse(&full.txt_value()).unwrap(), full);
        assert_eq!(
            record_name("example.com"),
            "_validation-persist.example.com"
        );
        assert_eq!(
            record_name("*.example.com"),
            "_validation-persist.example.com"
        );
    }

    #[test]
    fn parses_like_the_ca_does() {
        // Whitespace around every part, tags in any case (Pebble's test).
        let r = PersistRecord::parse(
            "   authority.example   ;   AccountURI   =   https://ca.example/acct/123   ;   POLICY   =   Wildcard   ;   persistuntil   =   4102444800   ",
        )
        .unwrap();
        assert_eq!(r.issuer_domain_name, "authority.example");
        assert_eq!(r.account_uri, ACCT);
        assert!(r.wildcard);
        assert_eq!(r.persist_until, Some(4102444800));
        // Unknown tags are ignored; an unknown policy is no policy.
        let r = PersistRecord::parse("ca.example; accounturi=x; future=1; policy=other").unwrap();
        assert!(!r.wildcard);
        for bad in [
            "",
            "; accounturi=x",
            "ca.example",
            "ca.example; accounturi=",
            "ca.example; accounturi=x;",
            "ca.example; accounturi=x;; policy=wildcard",
            "ca.example; accounturi",
            "ca.example; accounturi=x; accountURI=y",
            "ca.example; accounturi=x; persistUntil=2027-01-01",
            "ca.example; accounturi=a b",
        ] {
            assert!(
                PersistRecord::parse(bad).is_err(),
                "{bad:?} must be refused"
            );
        }
    }

    #[test]
    fn matching_checks_issuer_account_policy_and_expiry() {
        let issuers = vec!["authority.example".to_string()];
        let ok = PersistRecord::parse("authority.example; accounturi=https://ca.example/acct/123")
            .unwrap();
        assert_eq!(mismatch(&ok, &req(&issuers, false)), None);
        // Unknown issuers are fine before the CA has said which it accepts.
        assert_eq!(mismatch(&ok, &req(&[], false)), None);
        let other_ca = PersistRecord {
            issuer_domain_name: "other.example".into(),
            ..ok.clone()
        };
        assert!(
            mismatch(&other_ca, &req(&issuers, false))
                .unwrap()
                .contains("issuer")
        );
        let other_account = PersistRecord {
            account_uri: "https://ca.example/acct/999".into(),
            ..ok.clone()
        };
        assert!(
            mismatch(&other_account, &req(&issuers, false))
                .unwrap()
                .contains("acct/999")
        );
        assert!(
            mismatch(&ok, &req(&issuers, true))
                .unwrap()
                .contains("policy=wildcard")
        );
        let expired = PersistRecord {
            persist_until: Some(1_799_999_999),
            ..ok.clone()
        };
        assert!(
            mismatch(&expired, &req(&issuers, false))
                .unwrap()
                .contains("passed")
        );
        let later = PersistRecord {
            persist_until: Some(1_800_000_001),
            ..ok
        };
        assert_eq!(mismatch(&later, &req(&issuers, false)), None);
    }

    #[test]
    fn issuer_domain_name_lists_are_checked() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        check_issuer_domain_names(&names(&["authority.example", "ca.example.net"])).unwrap();
        assert!(check_issuer_domain_names(&[]).is_err());
        let eleven: Vec<String> = (0..11).map(|i| format!("ca{i}.example")).collect();
        assert!(check_issuer_domain_names(&eleven).is_err());
        for bad in [
            "Authority.example",
            "authority.example.",
            "bücher.example",
            "*.ca.example",
        ] {
            assert!(check_issuer_domain_names(&names(&[bad])).is_err(), "{bad}");
        }
    }

    #[test]
    fn persist_until_accepts_dates_times_and_seconds() {
        assert_eq!(
            parse_persist_until("2027-06-30", now()).unwrap(),
            1_814_313_600
        );
        assert_eq!(
            parse_persist_until("2027-06-30T12:00:00Z", now()).unwrap(),
            1_814_356_800
        );
        assert_eq!(
            parse_persist_until("1900000000", now()).unwrap(),
            1_900_000_000
        );
        assert!(parse_persist_until("2020-01-01", now()).is_err(), "past");
        assert!(parse_persist_until("next year", now()).is_err());
    }

    /// Servers and what each holds at each name.
    struct FakeAuthorities(BTreeMap<String, Vec<(&'static str, Vec<String>)>>);

    impl TxtAtAuthorities for FakeAuthorities {
        fn txt_at_authorities(
            &mut self,
            name: &str,
            _: Duration,
        ) -> std::result::Result<Vec<ServerTxt>, String> {
            let servers = self
                .0
                .get(name)
                .ok_or_else(|| format!("no zone (SOA) found for {name}"))?;
            Ok(servers
                .iter()
                .map(|(server, values)| ServerTxt {
                    server: server.to_string(),
                    values: Ok(values.iter().cloned().collect()),
                })
                .collect())
        }
    }

    fn wanted(domains: &[&str]) -> Vec<Wanted> {
        domains
            .iter()
            .map(|d| Wanted {
                domain: d.to_string(),
            })
            .collect()
    }

    fn solver(records: &[(&str, &str)]) -> PersistSolver {
        let mut map: BTreeMap<String, Vec<(&'static str, Vec<String>)>> = BTreeMap::new();
        for (name, value) in records {
            map.entry(name.to_string())
                .or_default()
                .push(("ns1", vec![value.to_string()]));
        }
        PersistSolver::new(
            Box::new(FakeAuthorities(map)),
            Arc::new(crate::clock::FakeClock::new(now())),
            Arc::new(crate::progress::Silent),
        )
    }

    fn persist_task(domain: &str, offer: PersistOffer) -> ChallengeTask {
        ChallengeTask {
            identifier: crate::acme::types::Identifier::from_name(domain.trim_start_matches("*.")),
            token: String::new(),
            key_authorization: String::new(),
            wildcard: domain.starts_with("*."),
            persist: Some(offer),
        }
    }

    fn offer(issuers: &[&str]) -> PersistOffer {
        PersistOffer {
            account_uri: Some(ACCT.into()),
            issuer_domain_names: issuers.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_solver_checks_each_challenge_against_what_it_found() {
        let value = "authority.example; accounturi=https://ca.example/acct/123";
        let domains = vec!["a.example".to_string()];
        let caa = vec!["authority.example".to_string()];
        let mut s = solver(&[("_validation-persist.a.example", value)]);
        s.before_order(&OrderPlan {
            domains: &domains,
            account_uri: ACCT,
            caa_identities: &caa,
        })
        .unwrap();
        s.present(&persist_task("a.example", offer(&["authority.example"])))
            .unwrap();
        // The CA asks for another issuer name than its directory listed:
        // checked again, and refused with the record to create.
        let err = s
            .present(&persist_task("a.example", offer(&["other-ca.example"])))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"other-ca.example; accounturi=https://ca.example/acct/123\""),
            "{err}"
        );
        assert!(!err.contains("Nothing was ordered"), "{err}");
        // Malformed challenge objects are refused (§3.1).
        assert!(s.present(&persist_task("a.example", offer(&[]))).is_err());
        let eleven: Vec<String> = (0..11).map(|i| format!("ca{i}.example")).collect();
        let many = PersistOffer {
            issuer_domain_names: eleven,
            ..offer(&[])
        };
        assert!(s.present(&persist_task("a.example", many)).is_err());
        let anonymous = PersistOffer {
            account_uri: None,
            ..offer(&["authority.example"])
        };
        let err = s
            .present(&persist_task("a.example", anonymous))
            .unwrap_err();
        assert!(err.to_string().contains("accounturi"), "{err}");
    }

    #[test]
    fn before_ordering_a_missing_record_stops_the_order() {
        let domains = vec!["*.b.example".to_string()];
        let mut s = solver(&[(
            "_validation-persist.b.example",
            "authority.example; accounturi=https://ca.example/acct/123",
        )]);
        let err = s
            .before_order(&OrderPlan {
                domains: &domains,
                account_uri: ACCT,
                caa_identities: &[],
            })
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("policy=wildcard") && err.contains("Nothing was ordered"),
            "{err}"
        );
        // A resumed order (no check before it) is checked at present().
        let mut s = solver(&[(
            "_validation-persist.b.example",
            "authority.example; accounturi=https://ca.example/acct/123; policy=wildcard",
        )]);
        s.present(&persist_task("*.b.example", offer(&["authority.example"])))
            .unwrap();
    }

    #[test]
    fn visible_everywhere_passes_and_names_the_record() {
        let value = "authority.example; accounturi=https://ca.example/acct/123; policy=wildcard";
        let mut dns = FakeAuthorities(BTreeMap::from([(
            "_validation-persist.example.com".to_string(),
            vec![
                (
                    "ns1",
                    vec![value.to_string(), "other-ca.example; accounturi=z".into()],
                ),
                ("ns2", vec![value.to_string()]),
            ],
        )]));
        let issuers = vec!["authority.example".to_string()];
        let found = check_visible(
            &mut dns,
            &wanted(&["example.com", "*.example.com"]),
            ACCT,
            &issuers,
            now(),
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(found.len(), 2);
        assert!(found[1].record.wildcard);
    }

    #[test]
    fn a_record_missing_at_one_server_or_for_another_account_is_refused() {
        let value = "authority.example; accounturi=https://ca.example/acct/123";
        let mut dns = FakeAuthorities(BTreeMap::from([
            (
                "_validation-persist.a.example".to_string(),
                vec![("ns1", vec![value.to_string()]), ("ns2", vec![])],
            ),
            (
                "_validation-persist.b.example".to_string(),
                vec![(
                    "ns1",
                    vec!["authority.example; accounturi=https://ca.example/acct/9".into()],
                )],
            ),
        ]));
        let issuers = vec!["authority.example".to_string()];
        let err = check_visible(
            &mut dns,
            &wanted(&["a.example", "b.example", "c.example"]),
            ACCT,
            &issuers,
            now(),
            Duration::from_secs(1),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("ns2: no TXT record"), "{err}");
        assert!(err.contains("acct/9"), "{err}");
        assert!(
            err.contains("no zone (SOA) found for _validation-persist.c.example"),
            "{err}"
        );
        // Every missing record is spelled out, ready to paste.
        for name in ["a.example", "b.example", "c.example"] {
            assert!(
                err.contains(&format!(
                    "_validation-persist.{name}. IN TXT \"authority.example; accounturi=https://ca.example/acct/123\""
                )),
                "{err}"
            );
        }
    }
}
