//! One function per subcommand: resolve settings, call the library, report.

use crate::account::{self, EabCredentials, LoadedAccount, Registration};
use crate::acme::client::AcmeClient;
use crate::acme::transport::{HttpSettings, Transport};
use crate::acme::types::ChallengeType;
use crate::cli::{
    CertificatesArgs, Cli, Command, DnsArgs, ImportCertbotArgs, IssueArgs, PreferredChallenge,
    RegisterArgs, RegistrationArgs, RenewArgs,
};
use crate::clock::{Clock, SystemClock, rfc3339};
use crate::config::{CaSettings, Layers, Settings, config_dir};
use crate::config_file::ConfigFile;
use crate::crypto;
use crate::error::{Error, Result};
use crate::issue::{IssueRequest, issue};
use crate::names;
use crate::output::{Mode, Output};
use crate::progress::Progress;
use crate::solver::Solver;
use crate::solver::dns01::{ExternalSolver, Operator, Publisher};
use crate::solver::http01::{DEFAULT_HTTP_PORT, Standalone, Webroot};
use crate::solver::propagation::PropagationOverrides;
use crate::staging::{Mode as TargetMode, Target};
use crate::store::{RenewalConfig, SolverConfig, Store, StoreLock};
use serde_json::json;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::SystemTime;

/// Exit codes, documented in docs/exit-codes.md.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const PARTIAL: u8 = 3;
    pub const LOCKED: u8 = 4;
}

pub fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Usage(_) | Error::NoAccount { .. } => exit::USAGE,
        Error::LockHeld { .. } => exit::LOCKED,
        _ => exit::FAILURE,
    }
}

/// Reports what clap refused (or the --help/--version it printed);
/// returns the exit code. With --json anywhere on the line, a usage error
/// is a JSON document on stdout like every other failure.
pub fn command_line_error(e: &clap::Error) -> u8 {
    if !e.use_stderr() {
        // --help, --version: not errors.
        let _ = e.print();
        return exit::SUCCESS;
    }
    if std::env::args_os().any(|a| a == "--json") {
        let doc = json!({"ok": false, "error": e.render().to_string().trim_end()});
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("JSON value serialises")
        );
    } else {
        let _ = e.print();
    }
    exit::USAGE
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    let mode = if cli.global.json {
        Mode::Json
    } else if cli.global.quiet {
        Mode::Quiet
    } else {
        Mode::Human
    };
    let output = Arc::new(Output::new(mode, cli.global.verbose));
    // The environment and the config file are read before anything else,
    // so a malformed one stops every command (exit 2) before it acts.
    let layers = config_dir(cli.global.config_dir.as_deref()).and_then(|dir| {
        Layers::load(cli.global.config.as_deref(), &dir, |name| {
            std::env::var(name).ok()
        })
    });
    let layers = match layers {
        Ok(layers) => layers,
        Err(e) => {
            output.error(&e);
            return exit_code(&e);
        }
    };
    if let Some(secs) = layers.env.hook_timeout.or(layers.file.hook_timeout) {
        crate::hooks::set_timeout(std::time::Duration::from_secs(secs));
    }
    let ctx = Context {
        interactive: !cli.global.non_interactive && std::io::stdin().is_terminal(),
        output: Arc::clone(&output),
        clock: Arc::new(SystemClock),
        config_dir: cli.global.config_dir.clone(),
        layers,
        global_flags: crate::config::global_flags(&cli.global),
    };
    let result = match &cli.command {
        Command::Register(args) => register(&ctx, args),
        Command::Issue(args) => issue_command(&ctx, args),
        Command::Certificates(args) => certificates(&ctx, args),
        Command::ImportCertbot(args) => import_certbot(&ctx, args),
        Command::Revoke(args) => crate::revoke::run(&ctx, args),
        Command::Account(cmd) => crate::account_commands::run(&ctx, cmd),
        Command::Renew(args) => renew_command(&ctx, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            output.error(&e);
            exit_code(&e)
        }
    }
}

/// What every command needs from the run: how to talk to the user, the
/// clock, and where the store is.
pub(crate) struct Context {
    pub(crate) interactive: bool,
    pub(crate) output: Arc<Output>,
    pub(crate) clock: Arc<dyn Clock>,
    config_dir: Option<std::path::PathBuf>,
    layers: Layers,
    global_flags: ConfigFile,
}

impl Context {
    /// The store, rooted at an absolute path: every path certwright prints
    /// or stores (hooks run from cron, JSON for scripts) is absolute.
    pub(crate) fn store(&self) -> Result<Store> {
        let dir = config_dir(self.config_dir.as_deref())?;
        let dir = std::path::absolute(&dir).map_err(Error::io(&dir))?;
        Ok(Store::new(dir))
    }

    /// This command's settings: `flags` (plus the global ones) over the
    /// environment over the config file.
    pub(crate) fn settings(&self, flags: ConfigFile) -> Result<Settings> {
        self.layers.settings(flags.or(self.global_flags.clone()))
    }

    /// Takes the store's lock, waiting as configured (lock_wait).
    pub(crate) fn lock(&self, store: &Store, settings: &Settings) -> Result<StoreLock> {
        store.lock_with_wait(settings.lock_wait())
    }

    pub(crate) fn connect(&self, ca: &CaSettings) -> Result<AcmeClient> {
        let transport = Transport::new(
            HttpSettings {
                ca_bundle: ca.ca_bundle.as_deref(),
            },
            ca.policy.clone(),
            Arc::clone(&self.clock),
            Arc::clone(&self.output) as Arc<dyn Progress>,
        )?;
        self.output.step(&format!("contacting {}", ca.server));
        AcmeClient::connect(&ca.server, transport)
    }

    /// Registration settings (email and agree_tos may come from the
    /// config file); asks on a terminal when needed.
    fn registration(
        &self,
        settings: &Settings,
        args: &RegistrationArgs,
        client: &AcmeClient,
    ) -> Result<Registration> {
        let contact = contacts(settings, args)?.ok_or_else(|| {
            Error::Usage(
                "give a contact address with --email or `email` in the config file (or --register-unsafely-without-email)".into(),
            )
        })?;
        let mut agree_tos = settings.agree_tos();
        if let (false, Some(tos)) = (agree_tos, client.meta().terms_of_service)
            && self.interactive
        {
            agree_tos = self
                .output
                .confirm(&format!("Do you agree to the terms of service at {tos}?"));
        }
        Ok(Registration {
            contact,
            agree_tos,
            key_type: args.account_key_type,
            eab: eab_credentials(args)?,
        })
    }
}

/// The contacts for a new account: none when the user said so, else the
/// configured ones (flags, environment, config file); None when nobody
/// said anything.
fn contacts(settings: &Settings, args: &RegistrationArgs) -> Result<Option<Vec<String>>> {
    if args.register_unsafely_without_email {
        return Ok(Some(Vec::new()));
    }
    let email = settings.email();
    for e in email {
        account::check_email(e)?;
    }
    Ok((!email.is_empty()).then(|| email.to_vec()))
}

fn eab_credentials(args: &RegistrationArgs) -> Result<Option<EabCredentials>> {
    match (&args.eab_kid, &args.eab_hmac_key) {
        (Some(kid), Some(key)) => Ok(Some(EabCredentials::parse(kid, key)?)),
        (None, None) => Ok(None),
        _ => Err(Error::Usage(
            "--eab-kid and --eab-hmac-key go together: pass both".into(),
        )),
    }
}

fn register(ctx: &Context, args: &RegisterArgs) -> Result<u8> {
    let settings = ctx.settings(
        crate::config::ca_flags(&args.ca)
            .or(crate::config::registration_flags(&args.registration))
            .or(crate::config::staging_flags(&args.staging)),
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

fn solver_config(args: &IssueArgs) -> Result<SolverConfig> {
    // First, so dns-only flags next to --standalone/--webroot are refused.
    if let Some(dns) = dns_solver_config(&args.dns)? {
        return Ok(dns);
    }
    if args.webroot {
        let webroot = args
            .webroot_path
            .clone()
            .ok_or_else(|| Error::Usage("--webroot needs -w DIR".into()))?;
        let webroot = std::path::absolute(&webroot).map_err(Error::io(&webroot))?;
        return Ok(SolverConfig::Webroot { webroot });
    }
    if args.standalone {
        return Ok(SolverConfig::Standalone {
            http_port: args.http_01_port,
            http_address: args.http_01_address.clone(),
        });
    }
    Err(Error::Usage(
        "choose how to answer the CA's challenge: --standalone, or --webroot -w DIR, or dns-01 with --dns-hook SCRIPT or --manual".into(),
    ))
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
    };
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
            "--propagation-*, --dns-resolver and --preferred-challenges apply to --dns-hook or --manual only".into(),
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

/// What solvers need from the running command.
pub struct SolverEnv {
    pub clock: Arc<dyn Clock>,
    pub progress: Arc<dyn Progress>,
    /// Someone who can follow --manual instructions; None in scripts.
    pub operator: Option<Arc<dyn Operator>>,
}

impl SolverEnv {
    /// For unattended runs: no prompts, no progress lines.
    pub fn unattended() -> SolverEnv {
        SolverEnv {
            clock: Arc::new(SystemClock),
            progress: Arc::new(crate::progress::Silent),
            operator: None,
        }
    }
}

/// --manual's person at the terminal: the spinner stops while they read.
struct Terminal(Arc<Output>);

impl Operator for Terminal {
    fn instruct(&self, text: &str) -> Result<()> {
        self.0.finish();
        eprintln!("\n{text}");
        let mut line = String::new();
        match std::io::stdin().read_line(&mut line) {
            Ok(n) if n > 0 => Ok(()),
            _ => Err(Error::Usage(
                "stdin closed while waiting for Enter; the challenge was not answered".into(),
            )),
        }
    }

    fn tell(&self, text: &str) {
        self.0.finish();
        eprintln!("{text}");
    }
}

/// Builds a solver without prompts or progress output (see
/// [`build_solver_with`]).
pub fn build_solver(config: &SolverConfig) -> Result<Box<dyn Solver>> {
    build_solver_with(config, &SolverEnv::unattended())
}

pub fn build_solver_with(config: &SolverConfig, env: &SolverEnv) -> Result<Box<dyn Solver>> {
    Ok(match config {
        SolverConfig::Standalone {
            http_port,
            http_address,
        } => Box::new(Standalone::bind(
            http_address.as_deref().unwrap_or("::"),
            http_port.unwrap_or(DEFAULT_HTTP_PORT),
        )?),
        SolverConfig::Webroot { webroot } => Box::new(Webroot::new(webroot)?),
        SolverConfig::Dns {
            auth_hook,
            cleanup_hook,
            propagation,
        } => {
            for hook in std::iter::once(auth_hook).chain(cleanup_hook) {
                crate::hooks::preflight(hook).map_err(Error::Usage)?;
            }
            Box::new(ExternalSolver::new(
                ChallengeType::Dns01,
                Publisher::Hooks {
                    auth: auth_hook.clone(),
                    cleanup: cleanup_hook.clone(),
                },
                propagation.resolve()?,
                Arc::clone(&env.clock),
                Arc::clone(&env.progress),
            )?)
        }
        SolverConfig::Manual {
            challenge,
            propagation,
        } => {
            let operator = env.operator.clone().ok_or_else(|| {
                Error::Usage(
                    "--manual needs a person at a terminal to create the records and press Enter, but stdin is not a terminal (or --non-interactive is set). In scripts and cron use --dns-hook SCRIPT [--dns-cleanup-hook SCRIPT] (certbot's --manual-auth-hook/--manual-cleanup-hook also work); see docs/dns.md".into(),
                )
            })?;
            Box::new(ExternalSolver::new(
                challenge.clone(),
                Publisher::Person(operator),
                propagation.resolve()?,
                Arc::clone(&env.clock),
                Arc::clone(&env.progress),
            )?)
        }
    })
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
    if contacts(settings, registration)?.is_none() {
        return Err(Error::NoAccount {
            server: ca.server.clone(),
            dir: store.root().to_path_buf(),
        });
    }
    let client = ctx.connect(ca)?;
    let registration = ctx.registration(settings, registration, &client)?;
    ctx.output.step("registering an account");
    let acct = account::register(&client, store, &registration)?.0;
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
    if let Some(found) = account::load(&target.account_store, &client.directory_url, None)? {
        return Ok(found);
    }
    let production = account::load(live, &target.production.server, settings.account())
        .ok()
        .flatten();
    let contact: Vec<String> = if let Some(contact) = contacts(settings, &args.registration)? {
        contact
    } else {
        production
            .as_ref()
            .map(|p| {
                p.record
                    .contact
                    .iter()
                    .filter_map(|c| c.strip_prefix("mailto:").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let agree_tos = settings.agree_tos()
        || production.is_some()
        || client.meta().terms_of_service.is_none()
        || (ctx.interactive
            && ctx.output.confirm(&format!(
                "Do you agree to the staging CA's terms of service at {}?",
                client.meta().terms_of_service.unwrap_or_default()
            )));
    ctx.output
        .step("registering a staging account for the dry run");
    let registration = Registration {
        contact,
        agree_tos,
        key_type: args.registration.account_key_type,
        eab: eab_credentials(&args.registration)?,
    };
    Ok(account::register(client, &target.account_store, &registration)?.0)
}

fn issue_command(ctx: &Context, args: &IssueArgs) -> Result<u8> {
    let started = std::time::Instant::now();
    let settings = ctx.settings(crate::config::issue_flags(args)?)?;
    // Everything checkable is checked before the CA hears from us.
    let csr_input = match (&args.csr, &args.key_path) {
        (Some(csr), Some(key)) => Some(crate::csr::CsrInput::load(csr, key)?),
        (None, None) => None,
        _ => return Err(Error::Usage("--csr and --key-path go together".into())),
    };
    let domains = match &csr_input {
        Some(input) => input.names.clone(),
        None => names::normalize_domains(&args.domains)?,
    };
    let solver_config = settings.solver_to_remember(&solver_config(args)?);
    let dns01 = match &solver_config {
        SolverConfig::Dns { .. } => true,
        SolverConfig::Manual { challenge, .. } => *challenge == ChallengeType::Dns01,
        SolverConfig::Standalone { .. } | SolverConfig::Webroot { .. } => false,
    };
    if let (false, Some(wild)) = (dns01, domains.iter().find(|d| d.starts_with("*."))) {
        return Err(Error::Usage(format!(
            "{wild} is a wildcard: CAs validate wildcards only with dns-01, not http-01; use --dns-hook SCRIPT or --manual"
        )));
    }
    let name = match &args.cert_name {
        Some(n) => n.clone(),
        None => names::default_lineage_name(&domains),
    };
    crate::store::validate_lineage_name(&name)?;
    let ca = settings.ca()?;
    let live = ctx.store()?;
    let target = Target::resolve(
        Store::new(live.root()),
        ca,
        args.staging.staging,
        settings.staging_server(),
        args.dry_run,
    )?;
    let dry_run = target.mode == TargetMode::DryRun;
    let staging = target.mode == TargetMode::Staging;
    let ca = &target.ca;
    let store = &target.lineage_store;
    let _lock = ctx.lock(&target.account_store, &settings)?;
    let existing = store.renewal_config(&name)?;
    // For a dry run, name where the real run would install, not the scratch
    // store that is about to vanish.
    let live_path = if dry_run { &live } else { store }.live_path(&name);
    if let (Some(existing), false) = (&existing, args.force_renewal)
        && existing.domains == domains
        && existing.server == ca.server
        && !existing.revoked
        && let Some(version) = store.current_version(&name)?
    {
        let pem = std::fs::read(version.cert()).map_err(Error::io(version.cert()))?;
        let leaf = crypto::split_pem_chain(&pem)?;
        let info = crypto::cert_info(&leaf[0])?;
        if info.not_after > ctx.clock.now() {
            ctx.output.result(
                &format!(
                    "A certificate for {} is already installed (expires {}); use --force-renewal to replace it",
                    domains.join(", "),
                    rfc3339(info.not_after)
                ),
                json!({
                    "ok": true,
                    "issued": false,
                    "dry_run": false,
                    "staging": staging,
                    "server": ca.server,
                    "name": name,
                    "domains": domains,
                    "key_type": existing.key_type,
                    "profile": existing.profile,
                    "version": version.number,
                    "resumed": false,
                    "order_url": null,
                    "serial": info.serial_hex,
                    "issuer": info.issuer,
                    "not_before": rfc3339(info.not_before),
                    "not_after": rfc3339(info.not_after),
                    "live": live_path,
                    "fullchain": live_path.join("fullchain.pem"),
                    "privkey": live_path.join("privkey.pem"),
                    "requests": 0,
                    "elapsed_ms": started.elapsed().as_millis() as u64,
                    "deploy_hook_error": null,
                }),
            );
            return Ok(exit::SUCCESS);
        }
    }
    // What runs now: flags, environment, config file, then the lineage's
    // renewal file. What is kept for `renew`: only what this run was told
    // (the config file applies by itself at every run).
    let now = settings.lineage(existing.as_ref());
    let remember = settings.to_remember(existing.as_ref());
    // The post-hook undoes the pre-hook (restarts what it stopped), so it
    // runs on every way out of this function, failures included.
    let _post_hook = now
        .post_hook
        .as_deref()
        .map(|cmd| crate::renew::PostHookGuard::new(cmd, &ctx.output));
    if let Some(cmd) = &now.pre_hook {
        ctx.output.step(&format!("running pre-hook: {cmd}"));
        crate::renew::run_hook("pre-hook", cmd, &[], ctx.output.as_ref())?;
    }
    let mut solver = build_solver_with(
        &settings.solver(&solver_config),
        &SolverEnv {
            clock: Arc::clone(&ctx.clock),
            progress: Arc::clone(&ctx.output) as Arc<dyn Progress>,
            operator: ctx
                .interactive
                .then(|| Arc::new(Terminal(Arc::clone(&ctx.output))) as Arc<dyn Operator>),
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
    let key_type = match &csr_input {
        Some(input) => input.key_type,
        None => now.key_type,
    };
    // A --csr brings its own key; else keep the lineage's key if asked to.
    let reuse_key_pem = match (&csr_input, now.reuse_key, store.current_version(&name)?) {
        (Some(input), _, _) => Some(input.key_pem()?),
        (None, true, Some(v)) => Some(std::fs::read(v.privkey()).map_err(Error::io(v.privkey()))?),
        _ => None,
    };
    let request = IssueRequest {
        name: name.clone(),
        domains: domains.clone(),
        key_type,
        reuse_key: reuse_key_pem,
        preferred_chain: now.preferred_chain.clone(),
        replaces: None,
        profile: args.profile.clone(),
        csr: csr_input.as_ref().map(|c| c.der.clone()),
        account_id: acct.id.clone(),
    };
    let account = client.account(&acct.key, &acct.record.url);
    let issued = issue(&account, store, solver.as_mut(), &request)?;
    let mut deploy_error = None;
    if !dry_run {
        store.save_renewal_config(&RenewalConfig {
            name: name.clone(),
            server: ca.server.clone(),
            account: acct.id.clone(),
            domains: domains.clone(),
            key_type,
            reuse_key: remember.reuse_key,
            solver: solver_config.clone(),
            ca_bundle: remember.ca_bundle.clone(),
            preferred_chain: remember.preferred_chain.clone(),
            profile: args.profile.clone(),
            csr_path: csr_input.as_ref().map(|c| c.csr_path.clone()),
            key_path: csr_input.as_ref().map(|c| c.key_path.clone()),
            revoked: false,
            renew_before: remember.renew_before,
            pre_hook: remember.pre_hook.clone(),
            post_hook: remember.post_hook.clone(),
            deploy_hook: remember.deploy_hook.clone(),
            certwright_version: env!("CARGO_PKG_VERSION").into(),
        })?;
        crate::issue::finish_first_issue(store, &name)?;
        if let Err(e) = crate::renew::remember_directory(store, &client, ctx.clock.now()) {
            ctx.output.warn(&e.to_string());
        }
        // A failing deploy hook is reported; the new certificate stays.
        deploy_error = now.deploy_hook.as_deref().and_then(|cmd| {
            crate::renew::run_deploy_hook(store, cmd, &name, &domains, ctx.output.as_ref())
                .err()
                .inspect(|e| ctx.output.error_in(&name, e))
        });
    }
    let days_left = issued
        .info
        .not_after
        .duration_since(SystemTime::now())
        .map(|d| d.as_secs() / 86400)
        .unwrap_or(0);
    let human = if dry_run {
        format!(
            "dry run: would have installed a certificate for {} at {} (the staging CA {} issued one, expires {}); live/, archive/ and renewal/ in {} are unchanged",
            domains.join(", "),
            live_path.join("fullchain.pem").display(),
            ca.server,
            rfc3339(issued.info.not_after),
            live.root().display(),
        )
    } else {
        format!(
            "Certificate for {} issued{}{} and installed:\n  certificate: {}\n  private key: {}\n  expires {} ({days_left} days){}",
            domains.join(", "),
            if issued.resumed {
                " (resumed an unfinished order)"
            } else {
                ""
            },
            if staging { " by the staging CA" } else { "" },
            live_path.join("fullchain.pem").display(),
            live_path.join("privkey.pem").display(),
            rfc3339(issued.info.not_after),
            if deploy_error.is_some() {
                "\n  the deploy hook failed (see above); the certificate stays installed"
            } else {
                ""
            }
        )
    };
    ctx.output.result(
        &human,
        json!({
            // `ok` is false exactly when the exit status is not 0.
            "ok": deploy_error.is_none(),
            "issued": true,
            "dry_run": dry_run,
            "staging": staging,
            "server": ca.server,
            "name": name,
            "domains": domains,
            "key_type": key_type,
            "profile": args.profile,
            "version": if dry_run { None } else { Some(issued.version.number) },
            "resumed": issued.resumed,
            "order_url": issued.order_url,
            "serial": issued.info.serial_hex,
            "issuer": issued.info.issuer,
            "not_before": rfc3339(issued.info.not_before),
            "not_after": rfc3339(issued.info.not_after),
            "live": live_path,
            "fullchain": live_path.join("fullchain.pem"),
            "privkey": live_path.join("privkey.pem"),
            "requests": client.transport.request_count(),
            "elapsed_ms": started.elapsed().as_millis() as u64,
            "deploy_hook_error": deploy_error.as_ref().map(|e| e.to_string()),
        }),
    );
    Ok(if deploy_error.is_some() {
        exit::FAILURE
    } else {
        exit::SUCCESS
    })
}

fn renew_command(ctx: &Context, args: &RenewArgs) -> Result<u8> {
    let settings =
        crate::renew::RenewSettings::new(args, ctx.settings(crate::config::renew_flags(args)?)?)?;
    let live = ctx.store()?;
    let store = if args.staging.staging {
        crate::staging::staging_store(&live)
    } else {
        live
    };
    crate::renew::run(
        &crate::renew::Env {
            output: &ctx.output,
            clock: &ctx.clock,
            store: &store,
            interactive: ctx.interactive,
        },
        &settings,
    )
}

fn certificates(ctx: &Context, args: &CertificatesArgs) -> Result<u8> {
    let settings = ctx.settings(ConfigFile::default())?;
    let store = ctx.store()?;
    let now = ctx.clock.now();
    let mut human = String::new();
    let mut docs = Vec::new();
    for name in store.lineage_names()? {
        if !args.cert_names.is_empty() && !args.cert_names.contains(&name) {
            continue;
        }
        let Some(config) = store.renewal_config(&name)? else {
            continue;
        };
        let Some(version) = store.current_version(&name)? else {
            human.push_str(&format!("{name}: no certificate installed\n"));
            docs.push(json!({
                "name": name,
                "installed": false,
                "domains": config.domains,
                "key_type": config.key_type,
                "serial": null,
                "not_after": null,
                "days_left": null,
                "server": config.server,
                "version": null,
                "live": store.live_path(&name),
                "fullchain": null,
                "privkey": null,
                "renewal": null,
            }));
            continue;
        };
        let pem = std::fs::read(version.cert()).map_err(Error::io(version.cert()))?;
        let leaf = crypto::split_pem_chain(&pem)?;
        let info = crypto::cert_info(&leaf[0])?;
        let renew_before = settings.lineage(Some(&config)).renew_before;
        let (schedule, schedule_doc) =
            crate::renew::describe(&store, &config, renew_before, &pem, now);
        let days_left = info
            .not_after
            .duration_since(now)
            .map(|d| d.as_secs() / 86400)
            .unwrap_or(0);
        human.push_str(&format!(
            "{name}\n  domains:  {}\n  key type: {}\n  expires:  {} ({} days)\n  path:     {}\n",
            info.names.join(", "),
            config.key_type,
            rfc3339(info.not_after),
            days_left,
            store.live_path(&name).join("fullchain.pem").display()
        ));
        human.push_str(&schedule);
        docs.push(json!({
            "name": name,
            "installed": true,
            "domains": info.names,
            "key_type": config.key_type,
            "serial": info.serial_hex,
            "not_after": rfc3339(info.not_after),
            "days_left": days_left,
            "server": config.server,
            "version": version.number,
            "live": store.live_path(&name),
            "fullchain": store.live_path(&name).join("fullchain.pem"),
            "privkey": store.live_path(&name).join("privkey.pem"),
            "renewal": schedule_doc,
        }));
    }
    if docs.is_empty() {
        human.push_str("No certificates found.");
    }
    ctx.output
        .result(human.trim_end(), json!({"ok": true, "certificates": docs}));
    Ok(exit::SUCCESS)
}

fn import_certbot(ctx: &Context, args: &ImportCertbotArgs) -> Result<u8> {
    let settings = ctx.settings(ConfigFile::default())?;
    let store = ctx.store()?;
    let _lock = ctx.lock(&store, &settings)?;
    let reports = crate::import_certbot::import(&args.certbot_dir, &store)?;
    let mut human = String::new();
    for r in &reports {
        human.push_str(&format!(
            "{} {}\n",
            if r.imported { "imported" } else { "skipped " },
            r.name
        ));
        for note in &r.notes {
            human.push_str(&format!("  - {note}\n"));
        }
    }
    let imported = reports.iter().filter(|r| r.imported).count();
    human.push_str(&format!(
        "{imported} of {} certbot certificates imported into {}; certbot's files were not changed.",
        reports.len(),
        store.root().display()
    ));
    ctx.output.result(
        &human,
        json!({
            "ok": imported == reports.len(),
            "certbot_dir": std::path::absolute(&args.certbot_dir).unwrap_or(args.certbot_dir.clone()),
            "imported": imported,
            "skipped": reports.len() - imported,
            "lineages": reports,
        }),
    );
    Ok(if imported == reports.len() {
        exit::SUCCESS
    } else {
        exit::PARTIAL
    })
}
