//! Turns raw flags, the environment, the config file and a lineage's
//! renewal file into the settings commands use: the one place where
//! precedence is decided.
//!
//! Highest first: command-line flags, `CERTWRIGHT_*` environment variables,
//! the config file (`config.toml`), the lineage's renewal file
//! (`renewal/<name>.toml`), built-in defaults. Every layer is a
//! [`ConfigFile`] (None = "not said here"); [`Settings`] stacks them and
//! applies the defaults last, so "not given" stays visible all the way down.
//!
//! One exception, by design: a lineage's CA (`server`) and `account` are
//! what the certificate belongs to, not a preference. `renew` always uses
//! the renewal file's; `revoke --cert-name` uses it unless `--server` (or
//! its variable) names another. The config file's `server` and `account`
//! choose the CA and account for new certificates and accounts.

pub mod config_file;

use crate::acme::retry::RetryPolicy;
use crate::ca_servers::resolve_server;
use crate::challenge::propagation::PropagationOverrides;
use crate::crypto::KeyType;
use crate::error::{Error, Result};
use crate::settings::config_file::{ConfigFile, default_path, flag_name};
use crate::store::RenewBefore;
use crate::store::{RenewalConfig, SolverConfig};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Certificates renewed at once by default: see docs/renewal.md ("Why 4")
/// for how this stays within Let's Encrypt's published rate limits.
pub const DEFAULT_JOBS: usize = 4;

/// The config directory: the flag or CERTWRIGHT_CONFIG_DIR (clap merges
/// both), else /etc/certwright for root, else the platform's config dir.
pub fn config_dir(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if running_as_root() {
        return Ok(PathBuf::from("/etc/certwright"));
    }
    directories::ProjectDirs::from("", "", "certwright")
        .map(|d| d.config_dir().to_path_buf())
        .ok_or_else(|| Error::Usage("cannot find a home directory; pass --config-dir DIR".into()))
}

fn running_as_root() -> bool {
    // /proc/self is owned by the effective uid; this avoids a libc dependency.
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// Settings for talking to one CA.
#[derive(Debug, Clone)]
pub struct CaSettings {
    pub server: String,
    pub ca_bundle: Option<PathBuf>,
    pub policy: RetryPolicy,
}

/// The layers below the command line, read once per run.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    pub env: ConfigFile,
    pub file: ConfigFile,
    /// The config file looked at (it may not exist).
    pub file_path: PathBuf,
}

impl Layers {
    /// Reads the environment and the config file: `--config FILE` (or
    /// CERTWRIGHT_CONFIG), which must exist, else `<config-dir>/config.toml`
    /// if it exists.
    pub fn load(
        config_file: Option<&Path>,
        config_dir: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Layers> {
        let env = ConfigFile::from_env(env)?;
        let (file_path, required) = match config_file {
            Some(path) => (path.to_path_buf(), true),
            None => (default_path(config_dir), false),
        };
        let file = ConfigFile::load(&file_path, required)?;
        Ok(Layers {
            env,
            file,
            file_path,
        })
    }

    /// The settings of one command, given what its flags say.
    pub fn settings(&self, flags: ConfigFile) -> Result<Settings> {
        flags
            .validate()
            .map_err(|(key, why)| Error::Usage(format!("{}: {why}", flag_name(key))))?;
        let given = flags.clone().or(self.env.clone());
        let merged = given.clone().or(self.file.clone());
        Ok(Settings {
            flags,
            given,
            merged,
        })
    }
}

/// One command's settings: flags over environment over config file; the
/// accessors add the renewal file and the defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    flags: ConfigFile,
    /// Flags over environment: what this run was told. `issue` stores this
    /// (not the config file's values) in the renewal file.
    given: ConfigFile,
    /// Flags over environment over config file.
    merged: ConfigFile,
}

/// Per-lineage settings: [`Settings`] over the renewal file over defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct LineageSettings {
    pub key_type: KeyType,
    pub reuse_key: bool,
    pub preferred_chain: Option<String>,
    pub renew_before: Option<RenewBefore>,
    pub pre_hook: Option<String>,
    pub post_hook: Option<String>,
    pub deploy_hook: Option<String>,
    pub ca_bundle: Option<PathBuf>,
}

/// The default key type of new certificate keys.
/// The longest random sleep before a non-interactive `renew` contacts the
/// CA (certbot and lego use the same 8 minutes).
pub const DEFAULT_RANDOM_SLEEP_MAX: Duration = Duration::from_secs(480);

pub const DEFAULT_KEY_TYPE: KeyType = KeyType::EcdsaP256;

impl Settings {
    /// Settings from flags alone (tests, library callers).
    pub fn from_flags(flags: ConfigFile) -> Result<Settings> {
        Layers::default().settings(flags)
    }

    /// The merged layers above the renewal file, for diagnostics.
    pub fn merged(&self) -> &ConfigFile {
        &self.merged
    }

    /// The CA for commands that choose one (register, issue, account).
    pub fn ca(&self) -> Result<CaSettings> {
        self.ca_with(self.merged.server.as_deref(), None)
    }

    /// The CA of an existing lineage (`revoke --cert-name`): the lineage's
    /// own unless `--server` names another; the config file never moves a
    /// lineage to another CA.
    pub fn lineage_ca(
        &self,
        lineage_server: Option<&str>,
        lineage_bundle: Option<&Path>,
    ) -> Result<CaSettings> {
        let server = self
            .flags
            .server
            .as_deref()
            .or(lineage_server)
            .or(self.merged.server.as_deref());
        self.ca_with(server, lineage_bundle)
    }

    fn ca_with(&self, server: Option<&str>, lower_bundle: Option<&Path>) -> Result<CaSettings> {
        Ok(CaSettings {
            server: resolve_server(server)?,
            ca_bundle: self.ca_bundle(lower_bundle),
            policy: self.policy(),
        })
    }

    /// The CA bundle: these layers, else the renewal file's.
    pub fn ca_bundle(&self, lineage: Option<&Path>) -> Option<PathBuf> {
        self.merged
            .ca_bundle
            .clone()
            .or_else(|| lineage.map(Path::to_path_buf))
    }

    pub fn policy(&self) -> RetryPolicy {
        let mut policy = RetryPolicy::default();
        if let Some(s) = self.merged.max_retry_wait {
            policy.max_retry_wait = Duration::from_secs(s);
        }
        if let Some(s) = self.merged.order_timeout {
            policy.order_timeout = Duration::from_secs(s);
        }
        policy
    }

    pub fn lock_wait(&self) -> Duration {
        self.merged
            .lock_wait
            .map(Duration::from_secs)
            .unwrap_or(crate::store::LOCK_WAIT)
    }

    /// Longest any hook may run before it is killed.
    pub fn hook_timeout(&self) -> Duration {
        self.merged
            .hook_timeout
            .map(Duration::from_secs)
            .unwrap_or(crate::hooks::HOOK_TIMEOUT)
    }

    pub fn random_sleep_max(&self) -> Duration {
        self.merged
            .random_sleep_max
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_RANDOM_SLEEP_MAX)
    }

    /// Certificates `renew` works on at once.
    pub fn jobs(&self) -> usize {
        self.merged.jobs.map_or(DEFAULT_JOBS, |j| j as usize)
    }

    pub fn metrics_file(&self) -> Option<&std::path::Path> {
        self.merged.metrics_file.as_deref()
    }

    pub fn staging_server(&self) -> Option<&str> {
        self.merged.staging_server.as_deref()
    }

    pub fn account(&self) -> Option<&str> {
        self.merged.account.as_deref()
    }

    /// Contacts for a new account.
    pub fn email(&self) -> &[String] {
        self.merged.email.as_deref().unwrap_or_default()
    }

    pub fn agree_tos(&self) -> bool {
        self.merged.agree_tos.unwrap_or(false)
    }

    /// A lineage's settings with `lineage` (its renewal file) as the layer
    /// below these; None for a new lineage.
    pub fn lineage(&self, lineage: Option<&RenewalConfig>) -> LineageSettings {
        lineage_settings(&self.merged, lineage)
    }

    /// What `issue` keeps in the renewal file: what this run was told
    /// (flags, environment), else what the file already held. Config file
    /// values are not copied: they apply from config.toml at every run.
    pub fn to_remember(&self, lineage: Option<&RenewalConfig>) -> LineageSettings {
        lineage_settings(&self.given, lineage)
    }

    /// A renewal file as a run uses it: these layers over it, defaults
    /// last. Server, account, names and the solver's kind stay the
    /// lineage's own.
    pub fn effective(&self, stored: &RenewalConfig) -> RenewalConfig {
        let l = self.lineage(Some(stored));
        RenewalConfig {
            key_type: l.key_type,
            reuse_key: l.reuse_key,
            preferred_chain: l.preferred_chain,
            renew_before: l.renew_before,
            pre_hook: l.pre_hook,
            post_hook: l.post_hook,
            deploy_hook: l.deploy_hook,
            ca_bundle: l.ca_bundle,
            solver: self.solver(&stored.solver),
            ..stored.clone()
        }
    }

    /// The solver as it runs: these layers' http-01 port and address and
    /// dns-01 propagation settings over the stored ones.
    pub fn solver(&self, stored: &SolverConfig) -> SolverConfig {
        overlay_solver(&self.merged, stored)
    }

    /// The solver as `issue` stores it (see [`Settings::to_remember`]).
    pub fn solver_to_remember(&self, stored: &SolverConfig) -> SolverConfig {
        overlay_solver(&self.given, stored)
    }
}

fn lineage_settings(upper: &ConfigFile, lineage: Option<&RenewalConfig>) -> LineageSettings {
    let hook = |mine: &Option<String>, theirs: fn(&RenewalConfig) -> &Option<String>| {
        mine.clone()
            .or_else(|| lineage.and_then(|l| theirs(l).clone()))
    };
    LineageSettings {
        key_type: upper
            .key_type
            .or(lineage.map(|l| l.key_type))
            .unwrap_or(DEFAULT_KEY_TYPE),
        reuse_key: upper
            .reuse_key
            .or(lineage.map(|l| l.reuse_key))
            .unwrap_or(false),
        preferred_chain: hook(&upper.preferred_chain, |l| &l.preferred_chain),
        renew_before: upper.renew_before.or(lineage.and_then(|l| l.renew_before)),
        pre_hook: hook(&upper.pre_hook, |l| &l.pre_hook),
        post_hook: hook(&upper.post_hook, |l| &l.post_hook),
        deploy_hook: hook(&upper.deploy_hook, |l| &l.deploy_hook),
        ca_bundle: upper
            .ca_bundle
            .clone()
            .or_else(|| lineage.and_then(|l| l.ca_bundle.clone())),
    }
}

fn propagation_of(layer: &ConfigFile) -> PropagationOverrides {
    PropagationOverrides {
        propagation_delay: layer.propagation_delay,
        propagation_timeout: layer.propagation_timeout,
        propagation_sleep_times: layer.propagation_sleep_times.clone(),
        dns_resolver: layer.dns_resolver.clone(),
    }
}

fn overlay_solver(upper: &ConfigFile, stored: &SolverConfig) -> SolverConfig {
    match stored {
        SolverConfig::Standalone {
            http_port,
            http_address,
        } => SolverConfig::Standalone {
            http_port: upper.http_01_port.or(*http_port),
            http_address: upper.http_01_address.clone().or(http_address.clone()),
        },
        SolverConfig::Webroot { .. } => stored.clone(),
        SolverConfig::TlsAlpn {
            tls_port,
            tls_address,
        } => SolverConfig::TlsAlpn {
            tls_port: upper.tls_alpn_01_port.or(*tls_port),
            tls_address: upper.tls_alpn_01_address.clone().or(tls_address.clone()),
        },
        SolverConfig::DnsPersist { dns_resolver } => SolverConfig::DnsPersist {
            dns_resolver: upper.dns_resolver.clone().or(dns_resolver.clone()),
        },
        SolverConfig::Nginx {
            server_root,
            ctl,
            http_port,
        } => SolverConfig::Nginx {
            server_root: server_root.clone(),
            ctl: ctl.clone(),
            http_port: upper.http_01_port.or(*http_port),
        },
        SolverConfig::Dns {
            auth_hook,
            cleanup_hook,
            propagation,
        } => SolverConfig::Dns {
            auth_hook: auth_hook.clone(),
            cleanup_hook: cleanup_hook.clone(),
            propagation: propagation_of(upper).or(propagation.clone()),
        },
        SolverConfig::DnsProvider {
            provider,
            credentials,
            provider_for,
            propagation,
        } => SolverConfig::DnsProvider {
            provider: provider.clone(),
            credentials: credentials.clone(),
            provider_for: provider_for.clone(),
            propagation: propagation_of(upper).or(propagation.clone()),
        },
        SolverConfig::Manual {
            challenge,
            propagation,
        } => SolverConfig::Manual {
            challenge: challenge.clone(),
            propagation: propagation_of(upper).or(propagation.clone()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ca_servers::*;
    use crate::settings::config_file::tests::sample;

    /// Layers where flags, environment and file each set what is given.
    fn layers(env: ConfigFile, file: ConfigFile) -> Layers {
        Layers {
            env,
            file,
            file_path: PathBuf::from("/etc/certwright/config.toml"),
        }
    }

    /// `sample(n)` with its CA bundle present (flags are validated).
    fn layer(n: u16) -> ConfigFile {
        let s = sample(n);
        if let Some(b) = &s.ca_bundle {
            std::fs::write(b, "").unwrap();
        }
        s
    }

    fn renewal_file(solver: SolverConfig) -> RenewalConfig {
        RenewalConfig {
            name: "example.com".into(),
            server: "https://lineage-ca.test/dir".into(),
            account: "lineage-account".into(),
            domains: vec!["example.com".into()],
            key_type: KeyType::Rsa4096,
            reuse_key: true,
            solver,
            ca_bundle: Some(PathBuf::from("/lineage/bundle.pem")),
            preferred_chain: Some("Lineage Root".into()),
            profile: None,
            csr_path: None,
            key_path: None,
            revoked: false,
            renew_before: Some(RenewBefore::parse("9d").unwrap()),
            pre_hook: Some("lineage pre".into()),
            post_hook: Some("lineage post".into()),
            deploy_hook: Some("lineage deploy".into()),
            installer: None,
            certwright_version: String::new(),
        }
    }

    fn standalone(port: Option<u16>) -> SolverConfig {
        SolverConfig::Standalone {
            http_port: port,
            http_address: port.map(|_| "192.0.2.9".to_string()),
        }
    }

    /// Flags > environment > config file, key by key: each pair of
    /// adjacent layers sets only this key, and the higher one wins.
    #[test]
    fn flags_beat_environment_beat_config_file_for_every_key() {
        let (flags, env, file) = (layer(1), layer(2), layer(3));
        for key in ConfigFile::KEYS {
            let cases = [
                // (flags, env, file) -> expected
                (flags.only(key), env.only(key), file.only(key), &flags),
                (ConfigFile::default(), env.only(key), file.only(key), &env),
                (
                    flags.only(key),
                    ConfigFile::default(),
                    file.only(key),
                    &flags,
                ),
                (
                    ConfigFile::default(),
                    ConfigFile::default(),
                    file.only(key),
                    &file,
                ),
            ];
            for (i, (f, e, c, want)) in cases.into_iter().enumerate() {
                let settings = layers(e, c).settings(f).unwrap();
                assert_eq!(
                    settings.merged().only(key),
                    want.only(key),
                    "{key} case {i}"
                );
            }
        }
    }

    /// Config file > renewal file > defaults, for every per-lineage
    /// setting, one key at a time.
    #[test]
    fn config_file_beats_renewal_file_beats_defaults() {
        let lineage = renewal_file(standalone(Some(7000)));
        let dns_lineage = renewal_file(SolverConfig::Dns {
            auth_hook: "/hooks/auth".into(),
            cleanup_hook: None,
            propagation: PropagationOverrides {
                propagation_delay: Some(1),
                propagation_timeout: Some(2),
                propagation_sleep_times: Some(vec![3]),
                dns_resolver: Some("192.0.2.200".into()),
            },
        });
        let with_file_key = |key: &str, stored: &RenewalConfig| {
            layers(ConfigFile::default(), layer(3).only(key))
                .settings(ConfigFile::default())
                .unwrap()
                .effective(stored)
        };
        let c = |key| with_file_key(key, &lineage);
        assert_eq!(c("key_type").key_type, KeyType::EcdsaP384);
        assert!(!c("reuse_key").reuse_key);
        assert_eq!(
            c("preferred_chain").preferred_chain.as_deref(),
            Some("Root 3")
        );
        assert_eq!(c("renew_before").renew_before, sample(3).renew_before);
        assert_eq!(c("pre_hook").pre_hook.as_deref(), Some("pre 3"));
        assert_eq!(c("post_hook").post_hook.as_deref(), Some("post 3"));
        assert_eq!(c("deploy_hook").deploy_hook.as_deref(), Some("deploy 3"));
        assert_eq!(c("ca_bundle").ca_bundle, sample(3).ca_bundle);
        assert_eq!(
            c("http_01_port").solver,
            SolverConfig::Standalone {
                http_port: Some(8003),
                http_address: Some("192.0.2.9".into())
            }
        );
        assert_eq!(
            c("http_01_address").solver,
            SolverConfig::Standalone {
                http_port: Some(7000),
                http_address: Some("127.0.0.3".into())
            }
        );
        let p = |key| match with_file_key(key, &dns_lineage).solver {
            SolverConfig::Dns { propagation, .. } => propagation,
            other => panic!("{other:?}"),
        };
        assert_eq!(p("propagation_delay").propagation_delay, Some(13));
        assert_eq!(p("propagation_timeout").propagation_timeout, Some(23));
        assert_eq!(
            p("propagation_sleep_times").propagation_sleep_times,
            Some(vec![3, 9])
        );
        assert_eq!(
            p("dns_resolver").dns_resolver.as_deref(),
            Some("192.0.2.3:53")
        );
        // Each of those changed only its own setting.
        assert_eq!(p("propagation_delay").propagation_timeout, Some(2));
        assert_eq!(c("key_type").deploy_hook.as_deref(), Some("lineage deploy"));

        let nothing = Settings::from_flags(ConfigFile::default()).unwrap();
        // Renewal file over defaults.
        let l = nothing.lineage(Some(&lineage));
        assert_eq!(l.key_type, KeyType::Rsa4096);
        assert!(l.reuse_key);
        assert_eq!(l.preferred_chain.as_deref(), Some("Lineage Root"));
        assert_eq!(l.renew_before, lineage.renew_before);
        assert_eq!(l.pre_hook.as_deref(), Some("lineage pre"));
        assert_eq!(l.post_hook.as_deref(), Some("lineage post"));
        assert_eq!(l.deploy_hook.as_deref(), Some("lineage deploy"));
        assert_eq!(l.ca_bundle, lineage.ca_bundle);
        assert_eq!(nothing.solver(&lineage.solver), lineage.solver);
        // Defaults at the end of the chain.
        let d = nothing.lineage(None);
        assert_eq!(
            d,
            LineageSettings {
                key_type: DEFAULT_KEY_TYPE,
                reuse_key: false,
                preferred_chain: None,
                renew_before: None,
                pre_hook: None,
                post_hook: None,
                deploy_hook: None,
                ca_bundle: None,
            }
        );
        assert_eq!(nothing.lock_wait(), crate::store::LOCK_WAIT);
        assert_eq!(nothing.random_sleep_max(), DEFAULT_RANDOM_SLEEP_MAX);
        assert_eq!(
            nothing.policy().order_timeout,
            RetryPolicy::default().order_timeout
        );
        assert_eq!(nothing.ca().unwrap().server, LETSENCRYPT);
    }

    /// The renewal file's server and account are the lineage's own: the
    /// config file and the environment never move it; only `--server` on
    /// revoke does. For commands that choose a CA, the usual order holds.
    #[test]
    fn a_lineage_keeps_its_ca_and_account() {
        let lineage = renewal_file(standalone(None));
        let s = layers(layer(2), layer(3))
            .settings(ConfigFile::default())
            .unwrap();
        let e = s.effective(&lineage);
        assert_eq!(e.server, lineage.server);
        assert_eq!(e.account, lineage.account);
        assert_eq!(
            s.lineage_ca(Some(&lineage.server), None).unwrap().server,
            lineage.server
        );
        assert_eq!(s.ca().unwrap().server, "https://ca2.test/dir");
        let flagged = layers(layer(2), layer(3))
            .settings(ConfigFile {
                server: Some("https://flag.test/dir".into()),
                ..ConfigFile::default()
            })
            .unwrap();
        assert_eq!(
            flagged
                .lineage_ca(Some(&lineage.server), None)
                .unwrap()
                .server,
            "https://flag.test/dir"
        );
        // No lineage: the configured CA.
        let file_only = layers(ConfigFile::default(), layer(3))
            .settings(ConfigFile::default())
            .unwrap();
        assert_eq!(
            file_only.lineage_ca(None, None).unwrap().server,
            "https://ca3.test/dir"
        );
    }

    /// `issue` stores what it was told (flags, environment) over what the
    /// renewal file held, never the config file's values.
    #[test]
    fn issue_remembers_flags_and_environment_not_the_config_file() {
        let lineage = renewal_file(standalone(None));
        let s = layers(layer(2).only("post_hook"), layer(3))
            .settings(layer(1).only("deploy_hook"))
            .unwrap();
        let kept = s.to_remember(Some(&lineage));
        assert_eq!(kept.deploy_hook.as_deref(), Some("deploy 1"));
        assert_eq!(kept.post_hook.as_deref(), Some("post 2"));
        assert_eq!(kept.pre_hook.as_deref(), Some("lineage pre"));
        assert_eq!(kept.key_type, KeyType::Rsa4096);
        let used = s.lineage(Some(&lineage));
        assert_eq!(used.pre_hook.as_deref(), Some("pre 3"));
        assert_eq!(
            s.solver_to_remember(&standalone(None)),
            standalone(None),
            "the config file's http_01_port is not stored"
        );
        assert_eq!(
            s.solver(&standalone(None)),
            SolverConfig::Standalone {
                http_port: Some(8003),
                http_address: Some("127.0.0.3".into())
            }
        );
    }

    #[test]
    fn scalar_settings_follow_the_layers_then_defaults() {
        let s = layers(layer(2).only("lock_wait"), layer(3))
            .settings(ConfigFile::default())
            .unwrap();
        assert_eq!(s.lock_wait(), Duration::from_secs(302));
        assert_eq!(s.random_sleep_max(), Duration::from_secs(403));
        assert_eq!(s.policy().max_retry_wait, Duration::from_secs(103));
        assert_eq!(s.policy().order_timeout, Duration::from_secs(203));
        assert_eq!(s.staging_server(), Some("https://staging3.test/dir"));
        assert_eq!(s.account(), Some("account3"));
        assert_eq!(s.email(), ["admin3@example.com".to_string()]);
        assert!(!s.agree_tos());
        assert_eq!(s.ca().unwrap().ca_bundle, sample(3).ca_bundle);
    }

    #[test]
    fn invalid_flags_are_usage_errors_naming_the_flag() {
        let err = Settings::from_flags(ConfigFile {
            server: Some("letsencrypt-prod".into()),
            ..ConfigFile::default()
        })
        .unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        assert!(err.to_string().starts_with("--server: "), "{err}");
    }

    #[test]
    fn load_reads_environment_and_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "order_timeout = 42\n").unwrap();
        let env = |n: &str| (n == "CERTWRIGHT_ORDER_TIMEOUT").then(|| "41".to_string());
        let l = Layers::load(None, dir.path(), env).unwrap();
        assert_eq!(l.file.order_timeout, Some(42));
        assert_eq!(l.env.order_timeout, Some(41));
        // --config names a file that must exist; the default one need not.
        let missing = dir.path().join("nope.toml");
        assert!(Layers::load(Some(&missing), dir.path(), |_| None).is_err());
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(
            Layers::load(None, empty.path(), |_| None).unwrap().file,
            ConfigFile::default()
        );
    }

    #[test]
    fn aliases_and_urls() {
        assert_eq!(resolve_server(None).unwrap(), LETSENCRYPT);
        assert_eq!(
            resolve_server(Some("letsencrypt-staging")).unwrap(),
            LETSENCRYPT_STAGING
        );
        assert_eq!(
            resolve_server(Some("https://127.0.0.1:14000/dir")).unwrap(),
            "https://127.0.0.1:14000/dir"
        );
        assert!(resolve_server(Some("http://insecure.test/dir")).is_err());
        assert!(resolve_server(Some("letsencrypt-prod")).is_err());
    }
}
