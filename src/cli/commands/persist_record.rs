//! `certwright persist-record`: the dns-persist-01 TXT record(s) to create
//! once, bound to this account (draft-ietf-acme-dns-persist-01 §4).

use super::account::{Resolved, load, resolve};
use crate::challenge::dns_lookup::DnsProbe;
use crate::challenge::dns_persist01::{
    DRAFT, PersistRecord, check_issuer_domain_names, parse_persist_until, record_name,
};
use crate::challenge::dns_provider::{ProviderChoice, ProviderSet, ProviderSpec};
use crate::cli::PersistRecordArgs;
use crate::cli::context::Context;
use crate::error::{Error, Result};
use crate::exit_code as exit;
use crate::names;
use serde_json::json;

pub(super) fn run(ctx: &Context, args: &PersistRecordArgs) -> Result<u8> {
    let domains = names::normalize_domains(&args.domains)?;
    if let Some(ip) = domains
        .iter()
        .find(|d| d.parse::<std::net::IpAddr>().is_ok())
    {
        return Err(Error::Usage(format!(
            "{ip} is an IP address: dns-persist-01 validates DNS names only"
        )));
    }
    let persist_until = args
        .persist_until
        .as_deref()
        .map(|text| parse_persist_until(text, ctx.clock.now()))
        .transpose()?;
    let mut providers = open_providers(args, &domains)?;
    let Resolved {
        ca,
        store,
        settings,
        ..
    } = resolve(ctx, &args.target)?;
    // No network for the account: the record names its URL as stored.
    let acct = load(&store, &ca, settings.account())?;
    let (issuer, requests) = match &args.issuer_domain_name {
        Some(given) => {
            let issuer = given.trim().trim_end_matches('.').to_ascii_lowercase();
            check_issuer_domain_names(std::slice::from_ref(&issuer)).map_err(|_| {
                Error::Usage(format!(
                    "--issuer-domain-name {given:?} is not a domain name (lowercase A-labels)"
                ))
            })?;
            (issuer, 0)
        }
        None => {
            let client = ctx.connect(&ca)?;
            let issuer = client.meta().caa_identities.first().cloned().ok_or_else(|| {
                Error::Usage(format!(
                    "the CA's directory ({}) lists no caaIdentities, so its issuer domain name is unknown; pass --issuer-domain-name NAME (the CA's documentation names it)",
                    ca.server
                ))
            })?;
            (issuer, client.transport.request_count())
        }
    };
    let records: Vec<(String, String, String)> = domains
        .iter()
        .map(|domain| {
            let record = PersistRecord {
                issuer_domain_name: issuer.clone(),
                account_uri: acct.record.url.clone(),
                wildcard: args.wildcard || domain.starts_with("*."),
                persist_until,
            };
            (domain.clone(), record_name(domain), record.txt_value())
        })
        .collect();
    // With a provider: create each record (added beside the name's other
    // values). They are meant to stay, so nothing is cleaned up.
    let mut created = Vec::new();
    if let Some(set) = providers.as_mut() {
        for (domain, name, value) in &records {
            set.present(domain, name, value).map_err(|e| {
                Error::Solver(format!(
                    "could not create the TXT record {name}: {e}{}",
                    if created.is_empty() {
                        String::new()
                    } else {
                        format!(" (already created: {})", created.join(", "))
                    }
                ))
            })?;
            created.push(name.clone());
        }
    }
    let plural = records.len() != 1;
    let mut human = if providers.is_some() {
        format!(
            "Created {} TXT record{} ({DRAFT}) through the DNS provider; they stay:\n",
            if plural { "these" } else { "this" },
            if plural { "s" } else { "" },
        )
    } else {
        format!(
            "Create {} TXT record{} ({DRAFT}), once; they stay:\n",
            if plural { "these" } else { "this" },
            if plural { "s" } else { "" },
        )
    };
    for (_, name, value) in &records {
        human.push_str(&format!("\n{name}. IN TXT \"{value}\"\n"));
    }
    human.push_str(&format!(
        "\nThey let account {} at {} validate these names with\n  certwright issue -d NAME --preferred-challenges dns-persist-01\nuntil they are deleted{}. Whoever holds the account key can get certificates for them: keep it safe.",
        acct.id,
        ca.server,
        match persist_until {
            Some(t) => format!(
                " or {} passes",
                crate::clock::rfc3339(
                    std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(t)
                )
            ),
            None => String::new(),
        }
    ));
    ctx.output.result(
        &human,
        json!({
            "ok": true,
            "draft": DRAFT,
            "account": acct.record.url,
            "server": ca.server,
            "issuer_domain_name": issuer,
            "records": records
                .iter()
                .map(|(domain, name, value)| json!({
                    "domain": domain,
                    "name": name,
                    "value": value,
                    "created": created.contains(name),
                }))
                .collect::<Vec<_>>(),
            "requests": requests,
        }),
    );
    Ok(exit::SUCCESS)
}

/// The providers of `--dns-provider`/`--dns-provider-for`, opened (their
/// credentials read and checked) before the CA is contacted; `None`
/// without them (the records are printed).
fn open_providers(args: &PersistRecordArgs, domains: &[String]) -> Result<Option<ProviderSet>> {
    let choice = ProviderChoice {
        default: args
            .dns_provider
            .as_deref()
            .map(|p| ProviderSpec::new(p, args.dns_credentials.clone()))
            .transpose()?,
        per_name: args.dns_provider_for.clone(),
    };
    if choice.is_empty() {
        if args.dns_resolver.is_some() {
            return Err(Error::Usage(
                "--dns-resolver needs --dns-provider or --dns-provider-for".into(),
            ));
        }
        return Ok(None);
    }
    if choice.uses_hooks() {
        return Err(Error::Usage(
            "persist-record creates records through rfc2136 or powerdns only, not the hook scripts: create them with your own tooling from the printed record (--json has name and value)".into(),
        ));
    }
    choice.check_domains(domains.iter().map(String::as_str))?;
    let cnames = DnsProbe::new(args.dns_resolver.as_deref())?;
    Ok(Some(ProviderSet::open(choice, Box::new(cnames))?))
}
