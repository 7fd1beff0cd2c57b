//! `certwright reconfigure`: change how a lineage renews. The new settings
//! are proven by a dry run against the CA's staging directory (as certbot
//! does) and saved only when it succeeds.

use super::issue::{SolverFlags, chosen_solver};
use crate::cli::ReconfigureArgs;
use crate::cli::context::Context;
use crate::error::{Error, Result};
use crate::exit_code as exit;
use crate::progress::Progress;
use crate::renew::{Env, RenewRequest, RenewSettings};
use crate::settings::config_file::ConfigFile;
use crate::store::{RenewalConfig, SolverConfig};
use serde_json::json;

pub(super) fn run(ctx: &Context, args: &ReconfigureArgs) -> Result<u8> {
    let name = &args.cert_name;
    crate::store::validate_lineage_name(name)?;
    let settings = ctx.settings(crate::cli::flags::reconfigure_flags(args)?)?;
    let store = ctx.store()?;
    let _lock = ctx.lock(&store, &settings)?;
    let stored = store.renewal_config(name)?.ok_or_else(|| {
        Error::Usage(format!(
            "no certificate named {name:?} in {} (see `certwright certificates`)",
            store.root().display()
        ))
    })?;
    let chosen = chosen_solver(&SolverFlags {
        standalone: args.standalone,
        webroot: args.webroot,
        webroot_path: args.webroot_path.as_deref(),
        http_01_port: args.http_01_port,
        http_01_address: args.http_01_address.as_deref(),
        dns: &args.dns,
    })?;
    let remember = settings.to_remember(Some(&stored));
    let solver = settings.solver_to_remember(chosen.as_ref().unwrap_or(&stored.solver));
    if let (SolverConfig::Manual { .. }, false) = (&solver, ctx.interactive) {
        return Err(Error::Usage(
            "--manual needs a person at a terminal at every renewal; use --dns-hook SCRIPT for unattended renewals".into(),
        ));
    }
    let new = RenewalConfig {
        key_type: remember.key_type,
        reuse_key: remember.reuse_key,
        preferred_chain: remember.preferred_chain.clone(),
        renew_before: remember.renew_before,
        pre_hook: remember.pre_hook.clone(),
        post_hook: remember.post_hook.clone(),
        deploy_hook: remember.deploy_hook.clone(),
        profile: args.profile.clone().or(stored.profile.clone()),
        solver,
        certwright_version: env!("CARGO_PKG_VERSION").into(),
        ..stored.clone()
    };
    let changed = changes(&stored, &new);
    if changed.is_empty() {
        ctx.output.result(
            &format!("{name}: nothing to change."),
            json!({"ok": true, "name": name, "changed": changed, "saved": false, "error": null}),
        );
        return Ok(exit::SUCCESS);
    }
    ctx.output.step(&format!(
        "proving the new settings of {name} ({}) with a dry run against the CA's staging directory",
        changed.join(", ")
    ));
    // The dry run sees the new file as `renew` would: config file and
    // environment over it, but not this command's flags (they are in it).
    let renew_settings = RenewSettings::new(
        RenewRequest {
            cert_names: vec![name.clone()],
            force: true,
            dry_run: true,
            random_sleep: false,
        },
        ctx.settings(ConfigFile {
            staging_server: args.staging_server.clone(),
            ..ConfigFile::default()
        })?,
    )?;
    let env = Env {
        output: &ctx.output,
        clock: &ctx.clock,
        store: &store,
        interactive: ctx.interactive,
    };
    if let Err(e) = crate::renew::prove(&env, &renew_settings, &new) {
        ctx.output.error_in(&format!("dry run of {name}"), &e);
        ctx.output.result(
            &format!(
                "{name}: the dry run with the new settings failed (see above); {} is unchanged",
                store.renewal_path(name).display()
            ),
            json!({"ok": false, "name": name, "changed": changed, "saved": false, "error": e.to_string()}),
        );
        return Ok(exit::FAILURE);
    }
    store.save_renewal_config(&new)?;
    ctx.output.result(
        &format!(
            "{name}: the dry run succeeded; saved {} ({}). The next renewal uses the new settings; the installed certificate is unchanged.",
            store.renewal_path(name).display(),
            changed.join(", ")
        ),
        json!({"ok": true, "name": name, "changed": changed, "saved": true, "error": null}),
    );
    Ok(exit::SUCCESS)
}

/// The renewal-file keys whose value differs.
fn changes(old: &RenewalConfig, new: &RenewalConfig) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut diff = |key: &'static str, differs: bool| {
        if differs {
            out.push(key);
        }
    };
    diff("solver", old.solver != new.solver);
    diff("key_type", old.key_type != new.key_type);
    diff("reuse_key", old.reuse_key != new.reuse_key);
    diff(
        "preferred_chain",
        old.preferred_chain != new.preferred_chain,
    );
    diff("renew_before", old.renew_before != new.renew_before);
    diff("profile", old.profile != new.profile);
    diff("pre_hook", old.pre_hook != new.pre_hook);
    diff("post_hook", old.post_hook != new.post_hook);
    diff("deploy_hook", old.deploy_hook != new.deploy_hook);
    out
}
