//! What each command's flags say, as a settings layer: the only place that
//! reads clap's argument structs into [`ConfigFile`]s, so settings and
//! everything below them never see clap.

use crate::cli::{
    CaArgs, DnsArgs, GlobalArgs, HookArgs, IssueArgs, ReconfigureArgs, RegistrationArgs, RenewArgs,
    StagingArgs,
};
use crate::error::Result;
use crate::settings::config_file::ConfigFile;
use crate::store::RenewBefore;

/// `true` for a given switch, None when absent (so lower layers decide).
fn switch(on: bool) -> Option<bool> {
    on.then_some(true)
}

/// `--x` / `--no-x` pairs.
fn switch_pair(on: bool, off: bool) -> Option<bool> {
    match (on, off) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    }
}

pub fn global_flags(args: &GlobalArgs) -> ConfigFile {
    ConfigFile {
        lock_wait: args.lock_wait,
        ..ConfigFile::default()
    }
}

pub fn ca_flags(args: &CaArgs) -> ConfigFile {
    ConfigFile {
        server: args.server.clone(),
        ca_bundle: args.ca_bundle.clone(),
        max_retry_wait: args.max_retry_wait,
        order_timeout: args.order_timeout,
        ..ConfigFile::default()
    }
}

pub fn registration_flags(args: &RegistrationArgs) -> ConfigFile {
    ConfigFile {
        email: (!args.email.is_empty()).then(|| args.email.clone()),
        agree_tos: switch(args.agree_tos),
        ..ConfigFile::default()
    }
}

pub fn staging_flags(args: &StagingArgs) -> ConfigFile {
    ConfigFile {
        staging_server: args.staging_server.clone(),
        ..ConfigFile::default()
    }
}

pub fn hook_flags(args: &HookArgs) -> ConfigFile {
    ConfigFile {
        pre_hook: args.pre_hook.clone(),
        post_hook: args.post_hook.clone(),
        deploy_hook: args.deploy_hook.clone(),
        ..ConfigFile::default()
    }
}

pub fn dns_flags(args: &DnsArgs) -> ConfigFile {
    ConfigFile {
        propagation_delay: args.propagation_delay,
        propagation_timeout: args.propagation_timeout,
        propagation_sleep_times: args.propagation_sleep_times.clone(),
        dns_resolver: args.dns_resolver.clone(),
        ..ConfigFile::default()
    }
}

pub fn issue_flags(args: &IssueArgs) -> Result<ConfigFile> {
    Ok(ConfigFile {
        account: args.account.clone(),
        key_type: args.key_type,
        reuse_key: switch_pair(args.reuse_key, args.no_reuse_key),
        preferred_chain: args.preferred_chain.clone(),
        renew_before: parse_renew_before(args.renew_before.as_deref())?,
        http_01_port: args.http_01_port,
        http_01_address: args.http_01_address.clone(),
        tls_alpn_01_port: args.tls_alpn_01_port,
        tls_alpn_01_address: args.tls_alpn_01_address.clone(),
        ..ConfigFile::default()
    }
    .or(ca_flags(&args.ca))
    .or(registration_flags(&args.registration))
    .or(staging_flags(&args.staging))
    .or(hook_flags(&args.hooks))
    .or(dns_flags(&args.dns)))
}

pub fn renew_flags(args: &RenewArgs) -> Result<ConfigFile> {
    Ok(ConfigFile {
        random_sleep_max: args.random_sleep_max,
        jobs: args.jobs,
        metrics_file: args.metrics_file.clone(),
        renew_before: parse_renew_before(args.renew_before.as_deref())?,
        reuse_key: switch_pair(args.reuse_key, args.no_reuse_key),
        max_retry_wait: args.max_retry_wait,
        order_timeout: args.order_timeout,
        ..ConfigFile::default()
    }
    .or(hook_flags(&args.hooks))
    .or(staging_flags(&args.staging)))
}

pub fn reconfigure_flags(args: &ReconfigureArgs) -> Result<ConfigFile> {
    Ok(ConfigFile {
        key_type: args.key_type,
        reuse_key: switch_pair(args.reuse_key, args.no_reuse_key),
        preferred_chain: args.preferred_chain.clone(),
        renew_before: parse_renew_before(args.renew_before.as_deref())?,
        http_01_port: args.http_01_port,
        http_01_address: args.http_01_address.clone(),
        staging_server: args.staging_server.clone(),
        ..ConfigFile::default()
    }
    .or(hook_flags(&args.hooks))
    .or(dns_flags(&args.dns)))
}

fn parse_renew_before(text: Option<&str>) -> Result<Option<RenewBefore>> {
    text.map(RenewBefore::parse).transpose()
}
