//! `certwright persist-record`: the dns-persist-01 TXT record(s) to create
//! once, bound to this account (draft-ietf-acme-dns-persist-01 §4).

use super::account::{Resolved, load, resolve};
use crate::challenge::dns_persist01::{
    DRAFT, PersistRecord, check_issuer_domain_names, parse_persist_until, record_name,
};
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
    let mut human = format!(
        "Create {} TXT record{} ({DRAFT}), once; they stay:\n",
        if records.len() == 1 { "this" } else { "these" },
        if records.len() == 1 { "" } else { "s" },
    );
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
                }))
                .collect::<Vec<_>>(),
            "requests": requests,
        }),
    );
    Ok(exit::SUCCESS)
}
