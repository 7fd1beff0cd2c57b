//! `certwright install --nginx --cert-name NAME`: put an existing
//! certificate into nginx, and keep the installer in the renewal file so
//! renewals reload nginx. Also how `--nginx`'s flags become stored
//! settings, for `issue` too.

use crate::cli::context::Context;
use crate::cli::{InstallArgs, NginxArgs};
use crate::error::{Error, Result};
use crate::exit_code as exit;
use crate::nginx::ctl::{DEFAULT_CTL, DEFAULT_SERVER_ROOT};
use crate::nginx::edit::DEFAULT_HTTPS_PORT;
use crate::store::{InstallerConfig, SolverConfig};
use serde_json::json;
use std::path::{Path, PathBuf};

/// `--nginx`'s flags over what the lineage had, as the solver and the
/// installer to store; None without `--nginx`.
pub(super) fn nginx_settings(
    args: &NginxArgs,
    http_port: Option<u16>,
    existing: Option<&InstallerConfig>,
) -> Result<Option<(SolverConfig, InstallerConfig)>> {
    if !args.nginx {
        return Ok(None);
    }
    let (old_root, old_ctl, old_https, old_redirect) = match existing {
        Some(InstallerConfig::Nginx {
            server_root,
            ctl,
            https_port,
            redirect,
            ..
        }) => (
            Some(server_root.clone()),
            Some(ctl.clone()),
            Some(*https_port),
            Some(*redirect),
        ),
        None => (None, None, None, None),
    };
    let server_root = match args.nginx_server_root.clone().or(old_root) {
        Some(dir) => std::path::absolute(&dir).map_err(Error::io(&dir))?,
        None => PathBuf::from(DEFAULT_SERVER_ROOT),
    };
    // A bare name is looked up on PATH at every run; a path is kept
    // absolute, because renewals run from another directory.
    let ctl = match args.nginx_ctl.clone().or(old_ctl) {
        Some(p) if p.components().count() > 1 => std::path::absolute(&p).map_err(Error::io(&p))?,
        Some(p) => p,
        None => PathBuf::from(DEFAULT_CTL),
    };
    let redirect = match (args.redirect, args.no_redirect) {
        (true, _) => true,
        (false, true) => false,
        (false, false) => old_redirect.unwrap_or(false),
    };
    let installer = InstallerConfig::Nginx {
        server_root: server_root.clone(),
        ctl: ctl.clone(),
        http_port,
        https_port: args.https_port.or(old_https).unwrap_or(DEFAULT_HTTPS_PORT),
        redirect,
    };
    let solver = SolverConfig::Nginx {
        server_root,
        ctl,
        http_port,
    };
    Ok(Some((solver, installer)))
}

/// Runs the installer for a lineage; the result for the output.
pub(super) fn install_lineage(
    ctx: &Context,
    installer: &InstallerConfig,
    fullchain: &Path,
    privkey: &Path,
    domains: &[String],
) -> Result<crate::nginx::install::Installed> {
    crate::installer::install(installer, fullchain, privkey, domains, ctx.output.as_ref())
}

pub(super) fn run(ctx: &Context, args: &InstallArgs) -> Result<u8> {
    let store = ctx.store()?;
    crate::store::validate_lineage_name(&args.cert_name)?;
    let settings = ctx.settings(crate::settings::config_file::ConfigFile::default())?;
    let _lock = ctx.lock(&store, &settings)?;
    let Some(mut config) = store.renewal_config(&args.cert_name)? else {
        return Err(Error::Usage(format!(
            "no certificate named {} in {}: see `certwright certificates`",
            args.cert_name,
            store.root().display()
        )));
    };
    if store.current_version(&args.cert_name)?.is_none() {
        return Err(Error::Usage(format!(
            "{} has no issued certificate yet: run `certwright issue` first",
            args.cert_name
        )));
    }
    let Some((_, installer)) =
        nginx_settings(&args.nginx, args.http_01_port, config.installer.as_ref())?
    else {
        return Err(Error::Usage(
            "choose where to install: --nginx (the only installer so far)".into(),
        ));
    };
    let fullchain = store.live_fullchain(&args.cert_name);
    let privkey = store.live_privkey(&args.cert_name);
    let done = install_lineage(ctx, &installer, &fullchain, &privkey, &config.domains)?;
    config.installer = Some(installer);
    store.save_renewal_config(&config)?;
    let human = format!(
        "Installed {} into nginx ({}){}; renewals reload nginx",
        args.cert_name,
        done.blocks.join(", "),
        if done.changed.is_empty() {
            " (already in place)".to_string()
        } else {
            format!(
                ", changed {}",
                done.changed
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    ctx.output.result(
        &human,
        json!({
            "ok": true,
            "name": args.cert_name,
            "installer": "nginx",
            "server_blocks": done.blocks,
            "changed_files": done.changed,
            "fullchain": fullchain,
            "privkey": privkey,
        }),
    );
    Ok(exit::SUCCESS)
}
