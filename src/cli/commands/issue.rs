//! `certwright issue`: check everything checkable, then obtain and install
//! one certificate.

use crate::account::{self, LoadedAccount, Registration};
use crate::acme::client::AcmeClient;
use crate::acme::types::ChallengeType;
use crate::challenge::dns_provider;
use crate::challenge::dns01::Operator;
use crate::challenge::propagation::PropagationOverrides;
use crate::challenge::setup::{SolverEnv, Terminal, build_solver_with};
use crate::cli::context::{Context, contacts, eab_credentials};
use crate::cli::{DnsArgs, IssueArgs, PreferredChallenge, RegistrationArgs};
use crate::clock::rfc3339;
use crate::crypto::{self, CertInfo, KeyType};
use crate::csr::CsrInput;
use crate::error::{Error, Result};
use crate::exit_code as exit;
use crate::issue::{IssueRequest, issue};
use crate::names;
use crate::progress::Progress;
use crate::settings::{CaSettings, LineageSettings, Settings};
use crate::staging::{Mode as TargetMode, Target};
use crate::store::{InstallerConfig, RenewalConfig, SolverConfig, Store};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// The solver flags `issue` and `reconfigure` share.
pub(super) struct SolverFlags<'a> {
    pub standalone: bool,
    pub webroot: bool,
    pub webroot_path: Option<&'a std::path::Path>,
    pub http_01_port: Option<u16>,
    pub http_01_address: Option<&'a str>,
    pub dns: &'a DnsArgs,
}

fn solver_config(args: &IssueArgs, nginx: Option<&SolverConfig>) -> Result<SolverConfig> {
    if let (Some(dir), false) = (&args.webroot_path, args.webroot) {
        return Err(Error::Usage(format!(
            "-w/--webroot-path goes with --webroot: add --webroot to answer http-01 by writing into {}{}",
            dir.display(),
            if args.standalone || args.nginx.nginx || args.dns.dns_hook.is_some() || args.dns.manual
            {
                ", or drop -w"
            } else {
                ""
            }
        )));
    }
    let flags = SolverFlags {
        standalone: args.standalone,
        webroot: args.webroot,
        webroot_path: args.webroot_path.as_deref(),
        http_01_port: args.http_01_port,
        http_01_address: args.http_01_address.as_deref(),
        dns: &args.dns,
    };
    let tls_alpn_flags = args.tls_alpn_01_port.is_some() || args.tls_alpn_01_address.is_some();
    match args.dns.preferred_challenges.first() {
        Some(PreferredChallenge::TlsAlpn01 | PreferredChallenge::DnsPersist01)
            if nginx.is_some() =>
        {
            return Err(Error::Usage(
                "--nginx answers http-01; leave it out for tls-alpn-01 or dns-persist-01".into(),
            ));
        }
        Some(PreferredChallenge::TlsAlpn01) => return tls_alpn_config(args),
        Some(PreferredChallenge::DnsPersist01) => return dns_persist_config(args),
        _ if tls_alpn_flags => {
            return Err(Error::Usage(
                "--tls-alpn-01-port/--tls-alpn-01-address need --standalone --preferred-challenges tls-alpn-01".into(),
            ));
        }
        _ => {}
    }
    // First, so dns-only flags next to --standalone/--webroot are refused.
    let dns = dns_solver_config(&args.dns)?;
    if let Some(nginx) = nginx {
        // Checked first, so dns-only flags are refused with --nginx too.
        if args.standalone || args.webroot || dns.is_some() {
            return Err(Error::Usage(
                "--nginx answers the challenge itself: leave out --standalone, --webroot, --dns-hook and --manual".into(),
            ));
        }
        return Ok(nginx.clone());
    }
    chosen_solver(&flags)?.ok_or_else(|| {
        Error::Usage(
            "choose how to answer the CA's challenge: --nginx, --standalone, or --webroot -w DIR, or dns-01 with --dns-provider NAME, --dns-hook SCRIPT or --manual".into(),
        )
    })
}

/// The solver the flags choose; None when they choose none.
pub(super) fn chosen_solver(args: &SolverFlags<'_>) -> Result<Option<SolverConfig>> {
    // First, so dns-only flags next to --standalone/--webroot are refused.
    if let Some(dns) = dns_solver_config(args.dns)? {
        return Ok(Some(dns));
    }
    if args.webroot {
        let webroot = args
            .webroot_path
            .ok_or_else(|| Error::Usage("--webroot needs -w DIR".into()))?;
        let webroot = std::path::absolute(webroot).map_err(Error::io(webroot))?;
        return Ok(Some(SolverConfig::Webroot { webroot }));
    }
    if args.standalone {
        return Ok(Some(SolverConfig::Standalone {
            http_port: args.http_01_port,
            http_address: args.http_01_address.map(str::to_string),
        }));
    }
    Ok(None)
}

/// `--standalone --preferred-challenges tls-alpn-01`.
fn tls_alpn_config(args: &IssueArgs) -> Result<SolverConfig> {
    if !args.standalone {
        return Err(Error::Usage(
            "tls-alpn-01 is answered by certwright's own TLS server: add --standalone (port 443 must be free)".into(),
        ));
    }
    if args.http_01_port.is_some() || args.http_01_address.is_some() {
        return Err(Error::Usage(
            "--http-01-port/--http-01-address are for http-01; tls-alpn-01 uses --tls-alpn-01-port/--tls-alpn-01-address".into(),
        ));
    }
    refuse_dns_flags(&args.dns, "tls-alpn-01")?;
    Ok(SolverConfig::TlsAlpn {
        tls_port: args.tls_alpn_01_port,
        tls_address: args.tls_alpn_01_address.clone(),
    })
}

/// `--preferred-challenges dns-persist-01`: no server, no hook.
fn dns_persist_config(args: &IssueArgs) -> Result<SolverConfig> {
    if args.standalone || args.webroot || args.dns.dns_hook.is_some() || args.dns.manual {
        return Err(Error::Usage(
            "dns-persist-01 needs no server or hook (the record is already there): drop --standalone, --webroot, --dns-hook and --manual".into(),
        ));
    }
    if args.tls_alpn_01_port.is_some() || args.tls_alpn_01_address.is_some() {
        return Err(Error::Usage(
            "--tls-alpn-01-port/--tls-alpn-01-address are for tls-alpn-01, not dns-persist-01"
                .into(),
        ));
    }
    let dns = &args.dns;
    if dns.propagation_delay.is_some()
        || dns.propagation_timeout.is_some()
        || dns.propagation_sleep_times.is_some()
    {
        return Err(Error::Usage(
            "dns-persist-01 does not wait for propagation (the record must be there before ordering); of the DNS flags only --dns-resolver applies".into(),
        ));
    }
    Ok(SolverConfig::DnsPersist {
        dns_resolver: dns.dns_resolver.clone(),
    })
}

/// Refuses dns-01 flags next to a challenge that has no use for them.
fn refuse_dns_flags(dns: &DnsArgs, challenge: &str) -> Result<()> {
    let given = dns.dns_hook.is_some()
        || dns.manual
        || dns.propagation_delay.is_some()
        || dns.propagation_timeout.is_some()
        || dns.propagation_sleep_times.is_some()
        || dns.dns_resolver.is_some();
    if given {
        return Err(Error::Usage(format!(
            "--dns-hook, --manual, --propagation-* and --dns-resolver do not apply to {challenge}"
        )));
    }
    Ok(())
}

/// The dns-01/manual part of the command line as stored settings.
fn dns_solver_config(args: &DnsArgs) -> Result<Option<SolverConfig>> {
    let propagation = PropagationOverrides {
        propagation_delay: args.propagation_delay,
        propagation_timeout: args.propagation_timeout,
        propagation_sleep_times: args.propagation_sleep_times.clone(),
        dns_resolver: args.dns_resolver.clone(),
    };
    let challenge = match args.preferred_challenges.first() {
        Some(PreferredChallenge::Http01) => ChallengeType::Http01,
        Some(PreferredChallenge::Dns01) | None => ChallengeType::Dns01,
        Some(PreferredChallenge::TlsAlpn01 | PreferredChallenge::DnsPersist01) => {
            return Err(Error::Usage(
                "tls-alpn-01 and dns-persist-01 are not answered through --dns-hook or --manual"
                    .into(),
            ));
        }
    };
    let hook_provider = args.dns_provider.as_deref() == Some(dns_provider::HOOK);
    if hook_provider && args.dns_hook.is_none() {
        return Err(Error::Usage(
            "--dns-provider hook runs your scripts: give them with --dns-hook SCRIPT [--dns-cleanup-hook SCRIPT]".into(),
        ));
    }
    if hook_provider && args.dns_credentials.is_some() {
        return Err(Error::Usage(
            "--dns-provider hook takes no --dns-credentials: the scripts read their own credentials".into(),
        ));
    }
    if let (Some(provider), Some(_)) = (&args.dns_provider, &args.dns_hook)
        && !hook_provider
    {
        return Err(Error::Usage(format!(
            "--dns-hook is the provider `hook`; it cannot be combined with --dns-provider {provider}"
        )));
    }
    if !hook_provider && (args.dns_provider.is_some() || !args.dns_provider_for.is_empty()) {
        if challenge != ChallengeType::Dns01 {
            return Err(Error::Usage(
                "DNS providers answer dns-01 only; for http-01 use --webroot or --standalone"
                    .into(),
            ));
        }
        let absolute = |path: &std::path::Path| std::path::absolute(path).map_err(Error::io(path));
        let mut provider_for = std::collections::BTreeMap::new();
        for (domain, spec) in &args.dns_provider_for {
            if spec.is_hook() {
                return Err(Error::Usage(format!(
                    "--dns-provider-for {domain}=hook: the hook scripts answer for every name of a certificate or for none (--dns-provider hook)"
                )));
            }
            let spec = crate::store::ProviderSpec {
                provider: spec.provider.clone(),
                credentials: spec.credentials.as_deref().map(absolute).transpose()?,
            };
            if let Some(earlier) = provider_for.insert(domain.clone(), spec.clone())
                && earlier != spec
            {
                return Err(Error::Usage(format!(
                    "--dns-provider-for names {domain} twice, with different providers"
                )));
            }
        }
        return Ok(Some(SolverConfig::DnsProvider {
            provider: args.dns_provider.clone(),
            credentials: args.dns_credentials.as_deref().map(absolute).transpose()?,
            provider_for,
            propagation,
        }));
    }
    if let Some(auth) = &args.dns_hook {
        if challenge != ChallengeType::Dns01 {
            return Err(Error::Usage(
                "--dns-hook answers dns-01 only; for http-01 use --webroot or --standalone".into(),
            ));
        }
        return Ok(Some(SolverConfig::Dns {
            auth_hook: absolute_hook(auth)?,
            cleanup_hook: args
                .dns_cleanup_hook
                .as_deref()
                .map(absolute_hook)
                .transpose()?,
            propagation,
        }));
    }
    if args.manual {
        return Ok(Some(SolverConfig::Manual {
            challenge,
            propagation,
        }));
    }
    if propagation != PropagationOverrides::default() || !args.preferred_challenges.is_empty() {
        return Err(Error::Usage(
            "--propagation-*, --dns-resolver and --preferred-challenges apply to dns-01 (--dns-provider, --dns-hook or --manual) only".into(),
        ));
    }
    Ok(None)
}

/// A hook given as a relative path is stored absolute: renewal runs from
/// cron, in another directory.
fn absolute_hook(command: &str) -> Result<String> {
    crate::hooks::preflight(command).map_err(Error::Usage)?;
    let path = std::path::Path::new(command);
    if path.is_file() && path.is_relative() {
        let abs = std::path::absolute(path).map_err(Error::io(path))?;
        return Ok(abs.to_string_lossy().into_owned());
    }
    Ok(command.to_string())
}

/// The account to issue with. A stored one is found without the network;
/// with none stored and no registration flags, the user hears so before the
/// CA is contacted.
fn account_for_issue(
    ctx: &Context,
    settings: &Settings,
    ca: &CaSettings,
    store: &Store,
    registration: &RegistrationArgs,
) -> Result<(AcmeClient, LoadedAccount)> {
    if let Some(found) = account::load(store, &ca.server, settings.account())? {
        return Ok((ctx.connect(ca)?, found));
    }
    // On a terminal, registration asks for what is missing instead.
    if contacts(settings, registration)?.is_none() && !ctx.interactive {
        return Err(Error::NoAccount {
            server: ca.server.clone(),
            dir: store.root().to_path_buf(),
        });
    }
    let client = ctx.connect(ca)?;
    let registration = ctx.registration(settings, registration, &client)?;
    ctx.output.step("registering an account");
    let acct = account::register(&client, store, &registration)?.0;
    ctx.output.notice(&format!(
        "Created account {} for {} (stored in {})",
        acct.id,
        ca.server,
        store.account_dir(&ca.server, &acct.id).display()
    ));
    Ok((client, acct))
}

/// The account a dry run signs with: the staging account, registered on
/// first use with the contacts given, else the production account's, else
/// none. Agreeing to the staging CA's terms is implied by --agree-tos or by
/// a production account with the same CA (whose terms were agreed to).
fn dry_run_account(
    ctx: &Context,
    settings: &Settings,
    client: &AcmeClient,
    target: &Target,
    live: &Store,
    args: &IssueArgs,
) -> Result<LoadedAccount> {
    let (acct, created) = crate::staging::staging_account(
        client,
        &target.account_store,
        ctx.output.as_ref(),
        || {
            let production = account::load(live, &target.production.server, settings.account())
                .ok()
                .flatten();
            let contact = match contacts(settings, &args.registration)? {
                Some(contact) => contact,
                None => production
                    .as_ref()
                    .map(|p| p.record.emails())
                    .unwrap_or_default(),
            };
            let agree_tos = settings.agree_tos()
                || production.is_some()
                || client.meta().terms_of_service.is_none()
                || (ctx.interactive
                    && ctx.output.confirm(&format!(
                        "Do you agree to the staging CA's terms of service at {}?",
                        client.meta().terms_of_service.unwrap_or_default()
                    )));
            Ok(Registration {
                contact,
                agree_tos,
                key_type: args.registration.account_key_type,
                eab: eab_credentials(&args.registration)?,
            })
        },
    )?;
    if created {
        ctx.output.notice(&format!(
            "Created staging account {} for {} (for dry runs; stored in {})",
            acct.id,
            client.directory_url,
            target
                .account_store
                .account_dir(&client.directory_url, &acct.id)
                .display()
        ));
    }
    Ok(acct)
}

/// An existing lineage asked for different names: leaving names out
/// needs a yes on a terminal or `--allow-name-removal` (a typo in a cron
/// job must not silently drop a site from its certificate); adding names
/// is said. Returns the added names, for the report.
fn check_name_changes(
    ctx: &Context,
    name: &str,
    existing: Option<&RenewalConfig>,
    domains: &[String],
    args: &IssueArgs,
) -> Result<Option<String>> {
    let Some(existing) = existing else {
        return Ok(None);
    };
    let removed: Vec<&str> = existing
        .domains
        .iter()
        .filter(|d| !domains.contains(d))
        .map(String::as_str)
        .collect();
    let added: Vec<&str> = domains
        .iter()
        .filter(|d| !existing.domains.contains(d))
        .map(String::as_str)
        .collect();
    if !removed.is_empty() && !args.allow_name_removal {
        let list = removed.join(", ");
        let confirmed = ctx.interactive
            && ctx.output.confirm(&format!(
                "The certificate {name} covers {list}, which this request leaves out; the new certificate will not cover {}. Continue?",
                if removed.len() == 1 { "it" } else { "them" }
            ));
        if !confirmed {
            return Err(Error::Usage(format!(
                "{name} covers {list}, which this request leaves out; to keep {}, add -d for each; to drop {}, confirm on a terminal or pass --allow-name-removal",
                if removed.len() == 1 { "it" } else { "them" },
                if removed.len() == 1 { "it" } else { "them" },
            )));
        }
    }
    if added.is_empty() {
        return Ok(None);
    }
    let list = added.join(", ");
    ctx.output.step(&format!("adding {list} to {name}"));
    Ok(Some(list))
}

/// What the command line asks for, checked before the CA hears from us.
struct Checked {
    csr_input: Option<CsrInput>,
    domains: Vec<String>,
    /// How challenges are answered, as the renewal file keeps it.
    solver_config: SolverConfig,
    name: String,
}

fn check(args: &IssueArgs, settings: &Settings) -> Result<Checked> {
    let csr_input = match (&args.csr, &args.key_path) {
        (Some(csr), Some(key)) => Some(CsrInput::load(csr, key)?),
        (None, None) => None,
        _ => return Err(Error::Usage("--csr and --key-path go together".into())),
    };
    let domains = match &csr_input {
        Some(input) => input.names.clone(),
        None => names::normalize_domains(&args.domains)?,
    };
    // The installer's earlier settings are read again under the lock;
    // here only the flags matter.
    let nginx = super::install::nginx_settings(&args.nginx, args.http_01_port, None)?;
    let solver_config =
        settings.solver_to_remember(&solver_config(args, nginx.as_ref().map(|n| &n.0))?);
    let dns_based = match &solver_config {
        SolverConfig::Dns { .. }
        | SolverConfig::DnsProvider { .. }
        | SolverConfig::DnsPersist { .. } => true,
        SolverConfig::Manual { challenge, .. } => *challenge == ChallengeType::Dns01,
        SolverConfig::Standalone { .. }
        | SolverConfig::Webroot { .. }
        | SolverConfig::Nginx { .. }
        | SolverConfig::TlsAlpn { .. } => false,
    };
    if let (false, Some(wild)) = (dns_based, domains.iter().find(|d| d.starts_with("*."))) {
        return Err(Error::Usage(format!(
            "{wild} is a wildcard: CAs validate wildcards only through DNS (dns-01 or dns-persist-01), not http-01 or tls-alpn-01; use --dns-provider NAME, --dns-hook SCRIPT or --manual"
        )));
    }
    let name = match &args.cert_name {
        Some(n) => n.clone(),
        None => names::default_lineage_name(&domains),
    };
    crate::store::validate_lineage_name(&name)?;
    Ok(Checked {
        csr_input,
        domains,
        solver_config,
        name,
    })
}

/// What the `issue` document reports (docs/json-output.md), for a new
/// certificate or for the one already installed.
struct Report<'a> {
    issued: bool,
    dry_run: bool,
    staging: bool,
    server: &'a str,
    name: &'a str,
    domains: &'a [String],
    key_type: KeyType,
    profile: Option<&'a str>,
    version: Option<u32>,
    resumed: bool,
    order_url: Option<&'a str>,
    info: &'a CertInfo,
    /// Where the certificate is (or, for a dry run, would be) installed.
    shown: &'a Store,
    requests: u32,
    started: Instant,
    deploy_hook_error: Option<String>,
    install_error: Option<String>,
}

impl Report<'_> {
    fn json(&self) -> Value {
        json!({
            // `ok` is false exactly when the exit status is not 0.
            "ok": self.deploy_hook_error.is_none() && self.install_error.is_none(),
            "issued": self.issued,
            "dry_run": self.dry_run,
            "staging": self.staging,
            "server": self.server,
            "name": self.name,
            "domains": self.domains,
            "key_type": self.key_type,
            "profile": self.profile,
            "version": self.version,
            "resumed": self.resumed,
            "order_url": self.order_url,
            "serial": self.info.serial_hex,
            "issuer": self.info.issuer,
            "not_before": rfc3339(self.info.not_before),
            "not_after": rfc3339(self.info.not_after),
            "live": self.shown.live_path(self.name),
            "fullchain": self.shown.live_fullchain(self.name),
            "privkey": self.shown.live_privkey(self.name),
            "requests": self.requests,
            "elapsed_ms": self.started.elapsed().as_millis() as u64,
            "deploy_hook_error": self.deploy_hook_error,
            "install_error": self.install_error,
        })
    }
}

pub(super) fn run(ctx: &Context, args: &IssueArgs) -> Result<u8> {
    let started = Instant::now();
    let settings = ctx.settings(crate::cli::flags::issue_flags(args)?)?;
    // Everything checkable is checked before the CA hears from us.
    let checked = check(args, &settings)?;
    let name = checked.name.as_str();
    let live = ctx.store()?;
    let target = Target::resolve(
        Store::new(live.root()),
        settings.ca()?,
        args.staging.staging,
        settings.staging_server(),
        args.dry_run,
    )?;
    let dry_run = target.mode == TargetMode::DryRun;
    let staging = target.mode == TargetMode::Staging;
    let ca = &target.ca;
    let store = &target.lineage_store;
    let _lock = ctx.lock(&target.account_store, &settings)?;
    let existing = store.renewal_config(name)?;
    let added = check_name_changes(ctx, name, existing.as_ref(), &checked.domains, args)?;
    let old_installer = existing.as_ref().and_then(|e| e.installer.as_ref());
    // --nginx's flags over the lineage's installer; without --nginx the
    // lineage keeps the installer `install` gave it.
    let installer =
        match super::install::nginx_settings(&args.nginx, args.http_01_port, old_installer)? {
            Some((_, installer)) => Some(installer),
            None => old_installer.cloned(),
        };
    crate::challenge::setup::preflight(&settings.solver(&checked.solver_config), &checked.domains)?;
    if let (Some(installer), false) = (&installer, dry_run) {
        crate::installer::preflight(installer, &checked.domains)?;
    }
    // For a dry run, name where the real run would install, not the scratch
    // store that is about to vanish.
    let shown = if dry_run { &live } else { store };
    if let (Some(existing), false) = (&existing, args.force_renewal)
        && existing.domains == checked.domains
        && existing.server == ca.server
        && !existing.revoked
        && let Some(version) = store.current_version(name)?
    {
        let pem = version.read_cert()?;
        let leaf = crypto::split_pem_chain(&pem)?;
        let info = crypto::cert_info(&leaf[0])?;
        if info.not_after > ctx.clock.now() {
            let report = Report {
                issued: false,
                dry_run: false,
                staging,
                server: &ca.server,
                name,
                domains: &checked.domains,
                key_type: existing.key_type,
                profile: existing.profile.as_deref(),
                version: Some(version.number),
                resumed: false,
                order_url: None,
                info: &info,
                shown,
                requests: 0,
                started,
                deploy_hook_error: None,
                install_error: None,
            };
            ctx.output.result(
                &format!(
                    "A certificate for {} is already installed (expires {}); use --force-renewal to replace it{}",
                    checked.domains.join(", "),
                    rfc3339(info.not_after),
                    if args.nginx.nginx {
                        format!(", or `certwright install --nginx --cert-name {name}` to put it into nginx")
                    } else {
                        String::new()
                    }
                ),
                report.json(),
            );
            return Ok(exit::SUCCESS);
        }
    }
    // What runs now: flags, environment, config file, then the lineage's
    // renewal file. What is kept for `renew`: only what this run was told
    // (the config file applies by itself at every run).
    let now = settings.lineage(existing.as_ref());
    let hook_timeout = settings.hook_timeout();
    // The post-hook undoes the pre-hook (restarts what it stopped), so it
    // runs on every way out of this function, failures included.
    let _post_hook = now
        .post_hook
        .as_deref()
        .map(|cmd| crate::renew::hooks::PostHookGuard::new(cmd, &ctx.output, hook_timeout))
        .transpose()?;
    if let Some(cmd) = &now.pre_hook {
        ctx.output.step(&format!("running pre-hook: {cmd}"));
        crate::renew::hooks::run_hook("pre-hook", cmd, &[], hook_timeout, ctx.output.as_ref())?;
    }
    let mut solver = build_solver_with(
        &settings.solver(&checked.solver_config),
        &SolverEnv {
            clock: Arc::clone(&ctx.clock),
            progress: Arc::clone(&ctx.output) as Arc<dyn Progress>,
            operator: ctx
                .interactive
                .then(|| Arc::new(Terminal(Arc::clone(&ctx.output))) as Arc<dyn Operator>),
            hook_timeout,
        },
    )?;
    let (client, acct) = if dry_run {
        let client = ctx.connect(ca)?;
        let acct = dry_run_account(ctx, &settings, &client, &target, &live, args)?;
        (client, acct)
    } else {
        account_for_issue(
            ctx,
            &settings,
            ca,
            &target.account_store,
            &args.registration,
        )?
    };
    if let Some(profile) = &args.profile {
        crate::profiles::check_profile(&client.meta(), &ca.server, profile)?;
    }
    let key_type = match &checked.csr_input {
        Some(input) => input.key_type,
        None => now.key_type,
    };
    // A --csr brings its own key; else keep the lineage's key if asked to.
    let reuse_key_pem = match (
        &checked.csr_input,
        now.reuse_key,
        store.current_version(name)?,
    ) {
        (Some(input), _, _) => Some(input.key_pem()?),
        (None, true, Some(v)) => Some(v.read_privkey()?),
        _ => None,
    };
    let request = IssueRequest {
        name: name.to_string(),
        domains: checked.domains.clone(),
        key_type,
        reuse_key: reuse_key_pem,
        preferred_chain: now.preferred_chain.clone(),
        replaces: None,
        profile: args.profile.clone(),
        csr: checked.csr_input.as_ref().map(|c| c.der.clone()),
        account_id: acct.id.clone(),
    };
    let account = client.account(&acct.key, &acct.record.url);
    let issued = issue(&account, store, solver.as_mut(), &request)?;
    let mut deploy_error = None;
    let mut install_error = None;
    if !dry_run {
        let remember = settings.to_remember(existing.as_ref());
        store.save_renewal_config(&renewal_config(
            &checked,
            &ca.server,
            &acct.id,
            key_type,
            &remember,
            installer.as_ref(),
            args,
        ))?;
        crate::issue::finish_first_issue(store, name)?;
        if let Err(e) = crate::renew::remember_directory(store, &client, ctx.clock.now()) {
            ctx.output.warn(&e.to_string());
        }
        // Before the deploy hook, which may expect the server to use the
        // new certificate. A failure is reported; the certificate stays
        // issued, and `install` tries again.
        if let Some(installer) = &installer {
            install_error = super::install::install_lineage(
                ctx,
                installer,
                &store.live_fullchain(name),
                &store.live_privkey(name),
                &checked.domains,
            )
            .err()
            .inspect(|e| ctx.output.error_in(name, e));
        }
        // A failing deploy hook is reported; the new certificate stays.
        deploy_error = now.deploy_hook.as_deref().and_then(|cmd| {
            crate::renew::hooks::run_deploy_hook(
                store,
                cmd,
                name,
                &checked.domains,
                hook_timeout,
                ctx.output.as_ref(),
            )
            .err()
            .inspect(|e| ctx.output.error_in(name, e))
        });
    }
    let report = Report {
        issued: true,
        dry_run,
        staging,
        server: &ca.server,
        name,
        domains: &checked.domains,
        key_type,
        profile: args.profile.as_deref(),
        version: (!dry_run).then_some(issued.version.number),
        resumed: issued.resumed,
        order_url: Some(&issued.order_url),
        info: &issued.info,
        shown,
        requests: client.transport.request_count(),
        started,
        deploy_hook_error: deploy_error.as_ref().map(|e| e.to_string()),
        install_error: install_error.as_ref().map(|e| e.to_string()),
    };
    let human = summary(&report, &live, installer.is_some());
    let human = match &added {
        Some(list) => format!("{human}\n  adding {list} to {name}"),
        None => human,
    };
    ctx.output.result(&human, report.json());
    Ok(if deploy_error.is_some() || install_error.is_some() {
        exit::FAILURE
    } else {
        exit::SUCCESS
    })
}

/// The renewal file of a lineage just issued: what `renew` needs to do
/// the same again.
fn renewal_config(
    checked: &Checked,
    server: &str,
    account: &str,
    key_type: KeyType,
    remember: &LineageSettings,
    installer: Option<&InstallerConfig>,
    args: &IssueArgs,
) -> RenewalConfig {
    let csr = checked.csr_input.as_ref();
    RenewalConfig {
        name: checked.name.clone(),
        server: server.to_string(),
        account: account.to_string(),
        domains: checked.domains.clone(),
        key_type,
        reuse_key: remember.reuse_key,
        solver: checked.solver_config.clone(),
        ca_bundle: remember.ca_bundle.clone(),
        preferred_chain: remember.preferred_chain.clone(),
        profile: args.profile.clone(),
        csr_path: csr.map(|c| c.csr_path.clone()),
        key_path: csr.map(|c| c.key_path.clone()),
        revoked: false,
        renew_before: remember.renew_before,
        pre_hook: remember.pre_hook.clone(),
        post_hook: remember.post_hook.clone(),
        deploy_hook: remember.deploy_hook.clone(),
        installer: installer.cloned(),
        certwright_version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// The human line for a new certificate (or a dry run's).
fn summary(r: &Report<'_>, live: &Store, installer: bool) -> String {
    let fullchain = r.shown.live_fullchain(r.name);
    if r.dry_run {
        return format!(
            "dry run: would have installed a certificate for {} at {} (the staging CA {} issued one, expires {}); live/, archive/ and renewal/ in {} are unchanged",
            r.domains.join(", "),
            fullchain.display(),
            r.server,
            rfc3339(r.info.not_after),
            live.root().display(),
        );
    }
    let days_left = r
        .info
        .not_after
        .duration_since(SystemTime::now())
        .map(|d| d.as_secs() / 86400)
        .unwrap_or(0);
    format!(
        "Certificate for {} issued{}{} and installed:\n  certificate: {}\n  private key: {}\n  expires {} ({days_left} days){}",
        r.domains.join(", "),
        if r.resumed {
            " (resumed an unfinished order)"
        } else {
            ""
        },
        if r.staging { " by the staging CA" } else { "" },
        fullchain.display(),
        r.shown.live_privkey(r.name).display(),
        rfc3339(r.info.not_after),
        match (&r.install_error, &r.deploy_hook_error) {
            (Some(_), _) => format!(
                "\n  installing it into nginx failed (see above); nginx's configuration is unchanged. Fix it, then run `certwright install --nginx --cert-name {}`",
                r.name
            ),
            (None, Some(_)) =>
                "\n  the deploy hook failed (see above); the certificate stays installed".into(),
            (None, None) if installer => "\n  nginx uses it now, and renewals reload nginx".into(),
            (None, None) => String::new(),
        }
    )
}
