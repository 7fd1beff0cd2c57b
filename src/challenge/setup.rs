//! Settings to solver: the one place that turns a stored `SolverConfig`
//! into a running solver. A new challenge type or DNS provider registers
//! here.

use super::Solver;
use super::dns_lookup::DnsProbe;
use super::dns_persist01::PersistSolver;
use super::dns_provider::{ProviderChoice, ProviderSet, ProviderSpec};
use super::dns01::{ExternalSolver, Operator, Publisher};
use super::http01::{DEFAULT_HTTP_PORT, Standalone, Webroot};
use super::tls_alpn01::{DEFAULT_TLS_ALPN_PORT, TlsAlpnServer};
use crate::acme::types::ChallengeType;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::progress::Progress;
use crate::store::SolverConfig;
use std::sync::Arc;
use std::time::Duration;

/// What solvers need from the running command.
pub struct SolverEnv {
    pub clock: Arc<dyn Clock>,
    pub progress: Arc<dyn Progress>,
    /// Someone who can follow --manual instructions; None in scripts.
    pub operator: Option<Arc<dyn Operator>>,
    /// Longest a dns-01 hook may run (`hook_timeout`).
    pub hook_timeout: Duration,
}

impl SolverEnv {
    /// For unattended runs: no prompts, no progress lines.
    pub fn unattended(hook_timeout: Duration) -> SolverEnv {
        SolverEnv {
            clock: Arc::new(SystemClock),
            progress: Arc::new(crate::progress::Silent),
            operator: None,
            hook_timeout,
        }
    }
}

/// --manual's person at the terminal: the spinner stops while they read.
pub struct Terminal(pub Arc<Output>);

impl Operator for Terminal {
    fn instruct(&self, text: &str) -> Result<()> {
        self.0.finish();
        crate::stdio::err(&format!("\n{text}\n"));
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
        crate::stdio::err(&format!("{text}\n"));
    }
}

/// What a solver can check once the names are known, before the CA hears
/// from us (nginx: a block answers each name on the http port).
pub fn preflight(config: &SolverConfig, domains: &[String]) -> Result<()> {
    match config {
        SolverConfig::Nginx {
            server_root,
            ctl,
            http_port,
        } => super::nginx::NginxSolver::new(
            crate::nginx::ctl::Nginx::new(ctl, server_root),
            http_port.unwrap_or(DEFAULT_HTTP_PORT),
            Arc::new(crate::progress::Silent),
        )
        .preflight(domains),
        // Every name needs a provider before the first record is made.
        SolverConfig::DnsProvider {
            provider,
            credentials,
            provider_for,
            ..
        } => provider_choice(provider, credentials, provider_for)
            .check_domains(domains.iter().map(String::as_str)),
        SolverConfig::Standalone { .. }
        | SolverConfig::Webroot { .. }
        | SolverConfig::Dns { .. }
        | SolverConfig::Manual { .. }
        | SolverConfig::TlsAlpn { .. }
        | SolverConfig::DnsPersist { .. } => Ok(()),
    }
}

/// Builds a solver without prompts or progress output (see
/// [`build_solver_with`]).
pub fn build_solver(config: &SolverConfig, hook_timeout: Duration) -> Result<Box<dyn Solver>> {
    build_solver_with(config, &SolverEnv::unattended(hook_timeout))
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
        SolverConfig::TlsAlpn {
            tls_port,
            tls_address,
        } => Box::new(TlsAlpnServer::bind(
            tls_address.as_deref().unwrap_or("::"),
            tls_port.unwrap_or(DEFAULT_TLS_ALPN_PORT),
        )?),
        SolverConfig::DnsPersist { dns_resolver } => Box::new(PersistSolver::new(
            Box::new(DnsProbe::new(dns_resolver.as_deref())?),
            Arc::clone(&env.clock),
            Arc::clone(&env.progress),
        )),
        SolverConfig::Nginx {
            server_root,
            ctl,
            http_port,
        } => Box::new(super::nginx::NginxSolver::new(
            crate::nginx::ctl::Nginx::new(ctl, server_root),
            http_port.unwrap_or(DEFAULT_HTTP_PORT),
            Arc::clone(&env.progress),
        )),
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
                    timeout: env.hook_timeout,
                },
                propagation.resolve()?,
                Arc::clone(&env.clock),
                Arc::clone(&env.progress),
            )?)
        }
        SolverConfig::DnsProvider {
            provider,
            credentials,
            provider_for,
            propagation,
        } => {
            let propagation = propagation.resolve()?;
            let choice = provider_choice(provider, credentials, provider_for);
            // Credentials are read and checked here, before the CA is asked.
            let cnames = DnsProbe::new(propagation.resolver.as_deref())?;
            let set = ProviderSet::open(choice, Box::new(cnames))?;
            Box::new(ExternalSolver::new(
                ChallengeType::Dns01,
                Publisher::Providers(std::sync::Mutex::new(set)),
                propagation,
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

/// The stored provider settings as the providers' routing table.
pub fn provider_choice(
    provider: &Option<String>,
    credentials: &Option<std::path::PathBuf>,
    provider_for: &std::collections::BTreeMap<String, ProviderSpec>,
) -> ProviderChoice {
    ProviderChoice {
        default: provider.as_ref().map(|p| ProviderSpec {
            provider: p.clone(),
            credentials: credentials.clone(),
        }),
        per_name: provider_for
            .iter()
            .map(|(d, s)| (d.clone(), s.clone()))
            .collect(),
    }
}
