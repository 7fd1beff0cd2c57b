//! One function per subcommand: resolve settings, call the library, report.

use crate::account::{self, LoadedAccount, Registration};
use crate::acme::client::AcmeClient;
use crate::acme::transport::{HttpSettings, Transport};
use crate::cli::{
    CertificatesArgs, Cli, Command, IssueArgs, RegisterArgs, RegistrationArgs, RenewArgs,
};
use crate::clock::{Clock, SystemClock, rfc3339};
use crate::config::{CaSettings, config_dir};
use crate::crypto::{self, KeyType};
use crate::error::{Error, Result};
use crate::issue::{IssueRequest, issue};
use crate::names;
use crate::output::{Mode, Output};
use crate::progress::Progress;
use crate::solver::Solver;
use crate::solver::http01::{DEFAULT_HTTP_PORT, Standalone, Webroot};
use crate::store::{RenewalConfig, SolverConfig, Store};
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
    let ctx = Context {
        interactive: !cli.global.non_interactive && std::io::stdin().is_terminal(),
        output: Arc::clone(&output),
        clock: Arc::new(SystemClock),
        config_dir: cli.global.config_dir.clone(),
    };
    let result = match &cli.command {
        Command::Register(args) => register(&ctx, args),
        Command::Issue(args) => issue_command(&ctx, args),
        Command::Certificates(args) => certificates(&ctx, args),
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

struct Context {
    interactive: bool,
    output: Arc<Output>,
    clock: Arc<dyn Clock>,
    config_dir: Option<std::path::PathBuf>,
}

impl Context {
    fn store(&self) -> Result<Store> {
        Ok(Store::new(config_dir(self.config_dir.as_deref())?))
    }

    fn connect(&self, ca: &CaSettings) -> Result<AcmeClient> {
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

    /// Registration settings from flags; asks on a terminal when needed.
    fn registration(&self, args: &RegistrationArgs, client: &AcmeClient) -> Result<Registration> {
        if args.email.is_empty() && !args.register_unsafely_without_email {
            return Err(Error::Usage(
                "give a contact address with --email (or --register-unsafely-without-email)".into(),
            ));
        }
        for e in &args.email {
            account::check_email(e)?;
        }
        let mut agree_tos = args.agree_tos;
        if let (false, Some(tos)) = (agree_tos, client.meta().terms_of_service)
            && self.interactive
        {
            agree_tos = self
                .output
                .confirm(&format!("Do you agree to the terms of service at {tos}?"));
        }
        Ok(Registration {
            contact: args.email.clone(),
            agree_tos,
            key_type: args.account_key_type,
        })
    }
}

fn register(ctx: &Context, args: &RegisterArgs) -> Result<u8> {
    let ca = CaSettings::from_args(&args.ca, None, None)?;
    let store = ctx.store()?;
    let _lock = store.lock()?;
    let client = ctx.connect(&ca)?;
    let (acct, created) = match account::load(&store, &ca.server, None) {
        Ok(Some(existing)) => (existing, false),
        Ok(None) => {
            let registration = ctx.registration(&args.registration, &client)?;
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
                        "contact": acct.record.contact},
            "requests": client.transport.request_count(),
        }),
    );
    Ok(exit::SUCCESS)
}

fn solver_config(args: &IssueArgs) -> Result<SolverConfig> {
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
        "choose how to answer the CA's challenge: --standalone, or --webroot -w DIR".into(),
    ))
}

pub fn build_solver(config: &SolverConfig) -> Result<Box<dyn Solver>> {
    Ok(match config {
        SolverConfig::Standalone {
            http_port,
            http_address,
        } => Box::new(Standalone::bind(
            http_address.as_deref().unwrap_or("::"),
            http_port.unwrap_or(DEFAULT_HTTP_PORT),
        )?),
        SolverConfig::Webroot { webroot } => Box::new(Webroot::new(webroot)?),
    })
}

fn account_for_issue(
    ctx: &Context,
    client: &AcmeClient,
    store: &Store,
    wanted: Option<&str>,
    registration: &RegistrationArgs,
) -> Result<LoadedAccount> {
    if let Some(found) = account::load(store, &client.directory_url, wanted)? {
        return Ok(found);
    }
    if registration.email.is_empty() && !registration.register_unsafely_without_email {
        return Err(Error::NoAccount {
            server: client.directory_url.clone(),
            dir: store.root().to_path_buf(),
        });
    }
    let registration = ctx.registration(registration, client)?;
    ctx.output.step("registering an account");
    Ok(account::register(client, store, &registration)?.0)
}

fn issue_command(ctx: &Context, args: &IssueArgs) -> Result<u8> {
    // Everything checkable is checked before the CA hears from us.
    let domains = names::normalize_domains(&args.domains)?;
    let solver_config = solver_config(args)?;
    if let Some(wild) = domains.iter().find(|d| d.starts_with("*.")) {
        return Err(Error::Usage(format!(
            "{wild} is a wildcard: CAs validate wildcards only with dns-01, not http-01"
        )));
    }
    let name = match &args.cert_name {
        Some(n) => n.clone(),
        None => names::default_lineage_name(&domains),
    };
    crate::store::validate_lineage_name(&name)?;
    let renew_before = args
        .renew_before
        .as_deref()
        .map(crate::renewal_policy::RenewBefore::parse)
        .transpose()?;
    let ca = CaSettings::from_args(&args.ca, None, None)?;
    let store = ctx.store()?;
    let _lock = store.lock()?;
    let existing = store.renewal_config(&name)?;
    if let (Some(existing), false) = (&existing, args.force_renewal)
        && existing.domains == domains
        && existing.server == ca.server
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
                        json!({"ok": true, "issued": false, "name": name,
                               "not_after": rfc3339(info.not_after),
                               "live": store.live_path(&name)}),
                    );
            return Ok(exit::SUCCESS);
        }
    }
    // Hooks given now replace the stored ones and are kept for `renew`.
    let stored = existing.as_ref();
    let pick = |given: &Option<String>, kept: Option<&Option<String>>| {
        given.clone().or_else(|| kept.cloned().flatten())
    };
    let pre_hook = pick(&args.hooks.pre_hook, stored.map(|e| &e.pre_hook));
    let post_hook = pick(&args.hooks.post_hook, stored.map(|e| &e.post_hook));
    let deploy_hook = pick(&args.hooks.deploy_hook, stored.map(|e| &e.deploy_hook));
    let reuse_key = args.reuse_key || stored.is_some_and(|e| e.reuse_key);
    // The post-hook undoes the pre-hook (restarts what it stopped), so it
    // runs on every way out of this function, failures included.
    let _post_hook = post_hook
        .as_deref()
        .map(|cmd| crate::renew::PostHookGuard::new(cmd, &ctx.output));
    if let Some(cmd) = &pre_hook {
        ctx.output.step(&format!("running pre-hook: {cmd}"));
        crate::renew::run_hook("pre-hook", cmd, &[])?;
    }
    let mut solver = build_solver(&solver_config)?;
    let client = ctx.connect(&ca)?;
    let acct = account_for_issue(
        ctx,
        &client,
        &store,
        args.account.as_deref(),
        &args.registration,
    )?;
    let key_type = args
        .key_type
        .or(existing.as_ref().map(|e| e.key_type))
        .unwrap_or(KeyType::EcdsaP256);
    let reuse_key_pem = match (reuse_key, store.current_version(&name)?) {
        (true, Some(v)) => Some(std::fs::read(v.privkey()).map_err(Error::io(v.privkey()))?),
        _ => None,
    };
    let request = IssueRequest {
        name: name.clone(),
        domains: domains.clone(),
        key_type,
        reuse_key: reuse_key_pem,
        preferred_chain: args.preferred_chain.clone(),
        replaces: None,
        profile: None,
        account_id: acct.id.clone(),
    };
    let account = client.account(&acct.key, &acct.record.url);
    let started = std::time::Instant::now();
    let issued = issue(&account, &store, solver.as_mut(), &request)?;
    store.save_renewal_config(&RenewalConfig {
        name: name.clone(),
        server: ca.server.clone(),
        account: acct.id.clone(),
        domains: domains.clone(),
        key_type,
        reuse_key,
        solver: solver_config.clone(),
        ca_bundle: ca.ca_bundle.clone(),
        preferred_chain: args.preferred_chain.clone(),
        renew_before: renew_before.or(existing.as_ref().and_then(|e| e.renew_before)),
        revoked: false,
        pre_hook: pre_hook.clone(),
        post_hook: post_hook.clone(),
        deploy_hook: deploy_hook.clone(),
        certwright_version: env!("CARGO_PKG_VERSION").into(),
    })?;
    if let Err(e) = crate::renew::remember_directory(&store, &client, ctx.clock.now()) {
        ctx.output.warn(&e.to_string());
    }
    // A failing deploy hook is reported; the new certificate stays.
    let deploy_error = deploy_hook.as_deref().and_then(|cmd| {
        crate::renew::run_deploy_hook(&store, cmd, &name, &domains)
            .err()
            .inspect(|e| ctx.output.error_in(&name, e))
    });
    let live = store.live_path(&name);
    let days_left = issued
        .info
        .not_after
        .duration_since(SystemTime::now())
        .map(|d| d.as_secs() / 86400)
        .unwrap_or(0);
    ctx.output.result(
        &format!(
            "Certificate for {} issued{} and installed:\n  certificate: {}\n  private key: {}\n  expires {} ({days_left} days)",
            domains.join(", "),
            if issued.resumed { " (resumed an unfinished order)" } else { "" },
            live.join("fullchain.pem").display(),
            live.join("privkey.pem").display(),
            rfc3339(issued.info.not_after),
        ),
        json!({
            "ok": true,
            "issued": true,
            "name": name,
            "domains": domains,
            "key_type": key_type,
            "version": issued.version.number,
            "resumed": issued.resumed,
            "order_url": issued.order_url,
            "serial": issued.info.serial_hex,
            "not_before": rfc3339(issued.info.not_before),
            "not_after": rfc3339(issued.info.not_after),
            "live": live,
            "fullchain": live.join("fullchain.pem"),
            "privkey": live.join("privkey.pem"),
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
    let settings = crate::renew::RenewSettings::from_args(args)?;
    let store = ctx.store()?;
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
            docs.push(json!({"name": name, "installed": false}));
            continue;
        };
        let pem = std::fs::read(version.cert()).map_err(Error::io(version.cert()))?;
        let leaf = crypto::split_pem_chain(&pem)?;
        let info = crypto::cert_info(&leaf[0])?;
        let (schedule, schedule_doc) = crate::renew::describe(&store, &config, &pem, now);
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
            "renewal": schedule_doc,
            "name": name,
            "installed": true,
            "domains": info.names,
            "key_type": config.key_type,
            "serial": info.serial_hex,
            "not_after": rfc3339(info.not_after),
            "days_left": days_left,
            "server": config.server,
            "version": version.number,
            "fullchain": store.live_path(&name).join("fullchain.pem"),
        }));
    }
    if docs.is_empty() {
        human.push_str("No certificates found.");
    }
    ctx.output
        .result(human.trim_end(), json!({"ok": true, "certificates": docs}));
    Ok(exit::SUCCESS)
}
