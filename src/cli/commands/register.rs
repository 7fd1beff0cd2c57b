//! `certwright register`: create or find the account with the CA.

use crate::account;
use crate::cli::RegisterArgs;
use crate::cli::context::Context;
use crate::error::Result;
use crate::exit_code as exit;
use crate::staging::{Mode as TargetMode, Target};
use serde_json::json;

pub(super) fn run(ctx: &Context, args: &RegisterArgs) -> Result<u8> {
    let settings = ctx.settings(
        crate::cli::flags::ca_flags(&args.ca)
            .or(crate::cli::flags::registration_flags(&args.registration))
            .or(crate::cli::flags::staging_flags(&args.staging)),
    )?;
    let ca = settings.ca()?;
    let target = Target::resolve(
        ctx.store()?,
        ca,
        args.staging.staging,
        settings.staging_server(),
        false,
    )?;
    let (ca, store) = (target.ca, target.account_store);
    let _lock = ctx.lock(&store, &settings)?;
    let client = ctx.connect(&ca)?;
    let existing = if args.new_account {
        Ok(None)
    } else {
        account::load(&store, &ca.server, None)
    };
    let (acct, created) = match existing {
        Ok(Some(existing)) => (existing, false),
        Ok(None) => {
            let registration = ctx.registration(&settings, &args.registration, &client)?;
            account::register(&client, &store, &registration)?
        }
        Err(e) => return Err(e),
    };
    let verb = if created { "Created" } else { "Found existing" };
    ctx.output.result(
        &format!(
            "{verb} account {} for {}\n  URL: {}\n  stored in {}",
            acct.id,
            ca.server,
            acct.record.url,
            store.account_dir(&ca.server, &acct.id).display()
        ),
        json!({
            "ok": true,
            "created": created,
            "account": {"id": acct.id, "url": acct.record.url, "server": ca.server,
                        "contact": acct.record.contact,
                        "staging": target.mode == TargetMode::Staging},
            "staging": target.mode == TargetMode::Staging,
            "requests": client.transport.request_count(),
        }),
    );
    Ok(exit::SUCCESS)
}
