//! `certwright account list|show|update|rollover|deactivate`: the account
//! lifecycle of RFC 8555 §7.3. Several accounts per server are told apart
//! with `--account ID` (see `account list`).

use crate::account::{self, LoadedAccount};
use crate::acme::Error as AcmeError;
use crate::acme::client::AcmeClient;
use crate::acme::jws::SigningKey;
use crate::ca_servers::resolve_server;
use crate::cli::context::Context;
use crate::cli::{
    AccountCommand, AccountDeactivateArgs, AccountListArgs, AccountRolloverArgs, AccountTarget,
    AccountUpdateArgs,
};
use crate::crypto;
use crate::error::{Error, Result};
use crate::exit_code as exit;
use crate::progress::Progress;
use crate::settings::config_file::ConfigFile;
use crate::settings::{CaSettings, Settings};
use crate::staging::{self, Mode, Target};
use crate::store::Store;
use serde_json::json;

pub(crate) fn run(ctx: &Context, cmd: &AccountCommand) -> Result<u8> {
    match cmd {
        AccountCommand::List(args) => list(ctx, args),
        AccountCommand::Show(target) => show(ctx, target),
        AccountCommand::Update(args) => update(ctx, args),
        AccountCommand::Rollover(args) => rollover(ctx, args),
        AccountCommand::Deactivate(args) => deactivate(ctx, args),
    }
}

/// An account command's target: the CA, the store (the staging store with
/// --staging), whether that is staging, and the settings.
pub(super) struct Resolved {
    pub ca: CaSettings,
    pub store: Store,
    pub staging: bool,
    pub settings: Settings,
}

pub(super) fn resolve(ctx: &Context, target: &AccountTarget) -> Result<Resolved> {
    let settings = ctx.settings(
        ConfigFile {
            account: target.account.clone(),
            ..ConfigFile::default()
        }
        .or(crate::cli::flags::ca_flags(&target.ca))
        .or(crate::cli::flags::staging_flags(&target.staging)),
    )?;
    let t = Target::resolve(
        ctx.store()?,
        settings.ca()?,
        target.staging.staging,
        settings.staging_server(),
        false,
    )?;
    Ok(Resolved {
        ca: t.ca,
        store: t.account_store,
        staging: t.mode == Mode::Staging,
        settings,
    })
}

pub(super) fn load(store: &Store, ca: &CaSettings, wanted: Option<&str>) -> Result<LoadedAccount> {
    account::load(store, &ca.server, wanted)?.ok_or_else(|| Error::NoAccount {
        server: ca.server.clone(),
        dir: store.root().to_path_buf(),
    })
}

fn list(ctx: &Context, args: &AccountListArgs) -> Result<u8> {
    let live = ctx.store()?;
    let only = args
        .server
        .as_deref()
        .map(|s| resolve_server(Some(s)))
        .transpose()?;
    let mut human = String::new();
    let mut docs = Vec::new();
    for (store, is_staging) in [
        (Store::new(live.root()), false),
        (staging::staging_store(&live), true),
    ] {
        let mut server_shown = None;
        for (id, record) in store.all_accounts()? {
            if only.as_ref().is_some_and(|s| *s != record.server) {
                continue;
            }
            if server_shown.as_ref() != Some(&record.server) {
                human.push_str(&format!(
                    "{}{}\n",
                    record.server,
                    if is_staging { " (staging store)" } else { "" }
                ));
                server_shown = Some(record.server.clone());
            }
            human.push_str(&format!(
                "  {id}  {}  created {}{}\n",
                if record.contact.is_empty() {
                    "(no contact)".to_string()
                } else {
                    record.contact.join(", ")
                },
                record.created,
                if record.deactivated {
                    "  DEACTIVATED"
                } else {
                    ""
                }
            ));
            docs.push(json!({
                "id": id,
                "server": record.server,
                "url": record.url,
                "contact": record.contact,
                "created": record.created,
                "deactivated": record.deactivated,
                "staging": is_staging,
                "dir": store.account_dir(&record.server, &id),
            }));
        }
    }
    if docs.is_empty() {
        human.push_str("No accounts found.");
    }
    ctx.output
        .result(human.trim_end(), json!({"ok": true, "accounts": docs}));
    Ok(exit::SUCCESS)
}

/// The `account` object every account command's JSON document carries.
fn account_doc(
    acct: &LoadedAccount,
    ca: &CaSettings,
    staging: bool,
    contact: &[String],
) -> serde_json::Map<String, serde_json::Value> {
    let mut doc = serde_json::Map::new();
    doc.insert("id".into(), json!(acct.id));
    doc.insert("url".into(), json!(acct.record.url));
    doc.insert("server".into(), json!(ca.server));
    doc.insert("contact".into(), json!(contact));
    doc.insert("staging".into(), json!(staging));
    doc
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn show(ctx: &Context, target: &AccountTarget) -> Result<u8> {
    let Resolved {
        ca,
        store,
        staging: is_staging,
        settings,
    } = resolve(ctx, target)?;
    let acct = load(&store, &ca, settings.account())?;
    let client = ctx.connect(&ca)?;
    let resource = client.account(&acct.key, &acct.record.url).resource()?;
    let meta = client.meta();
    let ari = client.directory.renewal_info.is_some();
    let status = format!("{:?}", resource.status).to_lowercase();
    let mut human = format!(
        "Account {}{}\n  URL:      {}\n  status:   {status}\n  contacts: {}\n  stored:   {}\n\nCA {}\n  terms of service:          {}\n  website:                   {}\n  external account binding:  {}\n  renewal information (ARI): {}\n  key change:                {}\n  profiles:",
        acct.id,
        if is_staging { " (staging)" } else { "" },
        acct.record.url,
        if resource.contact.is_empty() {
            "(none)".to_string()
        } else {
            resource.contact.join(", ")
        },
        store.account_dir(&ca.server, &acct.id).display(),
        ca.server,
        meta.terms_of_service.as_deref().unwrap_or("(none)"),
        meta.website.as_deref().unwrap_or("(none)"),
        if meta.external_account_required {
            "required"
        } else {
            "not required"
        },
        if ari { "supported" } else { "not supported" },
        yes_no(client.directory.key_change.is_some()),
    );
    if meta.profiles.is_empty() {
        human.push_str(" (none offered)");
    }
    for (name, description) in &meta.profiles {
        human.push_str(&format!("\n    {name}: {description}"));
    }
    let mut account_doc = account_doc(&acct, &ca, is_staging, &resource.contact);
    account_doc.insert("status".into(), json!(status));
    ctx.output.result(
        &human,
        json!({
            "ok": true,
            "account": account_doc,
            "requests": client.transport.request_count(),
            "ca": {
                "server": ca.server,
                "terms_of_service": meta.terms_of_service,
                "website": meta.website,
                "caa_identities": meta.caa_identities,
                "external_account_required": meta.external_account_required,
                "ari": ari,
                "key_change": client.directory.key_change.is_some(),
                "profiles": meta.profiles,
            },
        }),
    );
    Ok(exit::SUCCESS)
}

fn update(ctx: &Context, args: &AccountUpdateArgs) -> Result<u8> {
    for e in &args.email {
        account::check_email(e)?;
    }
    let Resolved {
        ca,
        store,
        staging,
        settings,
    } = resolve(ctx, &args.target)?;
    let _lock = ctx.lock(&store, &settings)?;
    let mut acct = load(&store, &ca, settings.account())?;
    let client = ctx.connect(&ca)?;
    let contact: Vec<String> = args.email.iter().map(|e| format!("mailto:{e}")).collect();
    let resource = client
        .account(&acct.key, &acct.record.url)
        .update(&json!({"contact": contact}))?;
    acct.record.contact = resource.contact.clone();
    store.update_account(&acct.id, &acct.record)?;
    ctx.output.result(
        &format!(
            "Updated account {}: contacts are now {}",
            acct.id,
            if resource.contact.is_empty() {
                "(none)".to_string()
            } else {
                resource.contact.join(", ")
            }
        ),
        json!({
            "ok": true,
            "account": account_doc(&acct, &ca, staging, &resource.contact),
            "requests": client.transport.request_count(),
        }),
    );
    Ok(exit::SUCCESS)
}

/// Finishes or discards a key change an earlier run left behind. Returns
/// true when the CA had accepted it (the account now uses that key).
fn settle_unfinished_rollover(
    ctx: &Context,
    client: &AcmeClient,
    store: &Store,
    acct: &LoadedAccount,
) -> Result<bool> {
    let server = &acct.record.server;
    let Some((path, pem)) = store.next_account_key(server, &acct.id)? else {
        return Ok(false);
    };
    let next = SigningKey::new(crypto::parse_private_key(&pem, &path)?)?;
    if client.find_account(&next)?.as_deref() == Some(acct.record.url.as_str()) {
        store.commit_next_account_key(server, &acct.id)?;
        ctx.output.warn(
            "an interrupted key change had been accepted by the CA; its new key is now stored",
        );
        Ok(true)
    } else {
        store.discard_next_account_key(server, &acct.id)?;
        Ok(false)
    }
}

fn rollover(ctx: &Context, args: &AccountRolloverArgs) -> Result<u8> {
    let Resolved {
        ca,
        store,
        staging,
        settings,
    } = resolve(ctx, &args.target)?;
    let _lock = ctx.lock(&store, &settings)?;
    let acct = load(&store, &ca, settings.account())?;
    let client = ctx.connect(&ca)?;
    let finished_earlier = settle_unfinished_rollover(ctx, &client, &store, &acct)?;
    if !finished_earlier {
        let new_key = SigningKey::new(args.account_key_type.generate()?)?;
        // Saved before the CA hears of it; it becomes account.key only once
        // the CA has accepted it.
        store.save_next_account_key(
            &acct.record.server,
            &acct.id,
            &crypto::private_key_pem(new_key.private_key())?,
        )?;
        ctx.output.step("asking the CA to change the account key");
        match client
            .account(&acct.key, &acct.record.url)
            .key_change(&new_key)
        {
            Ok(()) => store.commit_next_account_key(&acct.record.server, &acct.id)?,
            // The CA said no: the old key stays the account key.
            Err(e @ AcmeError::Problem { .. }) => {
                store.discard_next_account_key(&acct.record.server, &acct.id)?;
                return Err(e.into());
            }
            // Unknown outcome: keep the new key for the next run to settle.
            Err(e) => return Err(e.into()),
        }
    }
    ctx.output.result(
        &format!(
            "Account {} now signs with a new key; the old key is no longer accepted by the CA\n  key: {}",
            acct.id,
            store.account_key_path(&acct.record.server, &acct.id)
                .display()
        ),
        json!({
            "ok": true,
            "account": account_doc(&acct, &ca, staging, &acct.record.contact),
            "rolled_over": true,
            "completed_interrupted": finished_earlier,
            "key": store.account_key_path(&acct.record.server, &acct.id),
            "requests": client.transport.request_count(),
        }),
    );
    Ok(exit::SUCCESS)
}

fn deactivate(ctx: &Context, args: &AccountDeactivateArgs) -> Result<u8> {
    let Resolved {
        ca,
        store,
        staging,
        settings,
    } = resolve(ctx, &args.target)?;
    let _lock = ctx.lock(&store, &settings)?;
    let mut acct = load(&store, &ca, settings.account())?;
    if !args.yes {
        if !ctx.interactive {
            return Err(Error::Usage(format!(
                "deactivating account {} cannot be undone; pass --yes to confirm",
                acct.id
            )));
        }
        if !ctx.output.confirm(&format!(
            "Deactivate account {} ({}) for good? The CA will refuse it from now on",
            acct.id, acct.record.url
        )) {
            ctx.output.result(
                "Nothing changed.",
                json!({
                    "ok": true,
                    "deactivated": false,
                    "account": account_doc(&acct, &ca, staging, &acct.record.contact),
                    "requests": 0,
                }),
            );
            return Ok(exit::SUCCESS);
        }
    }
    let client = ctx.connect(&ca)?;
    client.account(&acct.key, &acct.record.url).deactivate()?;
    acct.record.deactivated = true;
    store.update_account(&acct.id, &acct.record)?;
    ctx.output.result(
        &format!(
            "Account {} is deactivated; certificates it obtained stay valid until they expire",
            acct.id
        ),
        json!({
            "ok": true,
            "deactivated": true,
            "account": account_doc(&acct, &ca, staging, &acct.record.contact),
            "requests": client.transport.request_count(),
        }),
    );
    Ok(exit::SUCCESS)
}
