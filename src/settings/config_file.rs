//! The optional configuration file (`/etc/certwright/config.toml` for root,
//! the platform's config dir otherwise, or `--config FILE`), and the same
//! settings read from `CERTWRIGHT_*` environment variables.
//!
//! Precedence, highest first: command-line flags, `CERTWRIGHT_*` environment
//! variables, this file, the lineage's renewal file, built-in defaults
//! (resolved in one place: `settings::Settings`). Unknown keys, wrong types and
//! invalid values are errors that name the file, line and key, so a typo
//! never silently falls back to a default.
//!
//! The fields are declared once, in [`config_fields!`]: the struct, the
//! layer merge and the environment variables all come from that list, so a
//! new setting cannot be forgotten in one of them.

use crate::crypto::KeyType;
use crate::error::{Error, Result};
use crate::store::RenewBefore;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Environment variables are the setting's name in capitals behind this.
pub const ENV_PREFIX: &str = "CERTWRIGHT_";

/// The environment variable for a setting: `http_01_port` ->
/// `CERTWRIGHT_HTTP_01_PORT`.
pub fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase())
}

/// The command-line flag for a setting: `http_01_port` -> `--http-01-port`.
pub fn flag_name(key: &str) -> String {
    format!("--{}", key.replace('_', "-"))
}

/// A setting's value as written in an environment variable.
trait FromEnv: Sized {
    fn from_env(text: &str) -> std::result::Result<Self, String>;
}

impl FromEnv for String {
    fn from_env(text: &str) -> std::result::Result<Self, String> {
        Ok(text.to_string())
    }
}

impl FromEnv for PathBuf {
    fn from_env(text: &str) -> std::result::Result<Self, String> {
        Ok(PathBuf::from(text))
    }
}

impl FromEnv for u64 {
    fn from_env(text: &str) -> std::result::Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| "expected a whole number of seconds".into())
    }
}

impl FromEnv for u16 {
    fn from_env(text: &str) -> std::result::Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| "expected a port number (1-65535)".into())
    }
}

impl FromEnv for bool {
    fn from_env(text: &str) -> std::result::Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "on" => Ok(true),
            "false" | "no" | "0" | "off" => Ok(false),
            _ => Err("expected true or false".into()),
        }
    }
}

impl FromEnv for KeyType {
    fn from_env(text: &str) -> std::result::Result<Self, String> {
        KeyType::from_name(text.trim()).ok_or_else(|| {
            "expected ecdsa-p256, ecdsa-p384, rsa2048, rsa3072 or rsa4096".to_string()
        })
    }
}

impl FromEnv for RenewBefore {
    fn from_env(text: &str) -> std::result::Result<Self, String> {
        RenewBefore::parse(text).map_err(|e| e.to_string())
    }
}

/// Lists are comma-separated: `CERTWRIGHT_EMAIL=a@example.com,b@example.com`.
impl<T: FromEnv> FromEnv for Vec<T> {
    fn from_env(text: &str) -> std::result::Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(T::from_env)
            .collect()
    }
}

macro_rules! config_fields {
    ($( $(#[$meta:meta])* $field:ident : $ty:ty, )*) => {
        /// Every setting the file may hold; None = "not said here". Each
        /// field is documented, with its default, in config.example.toml (a
        /// test keeps the two in step).
        #[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct ConfigFile {
            $( $(#[$meta])* pub $field: Option<$ty>, )*
        }

        impl ConfigFile {
            /// Every key, in declaration order.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// `self` where it says something, else `lower`.
            pub fn or(self, lower: ConfigFile) -> ConfigFile {
                ConfigFile { $( $field: self.$field.or(lower.$field), )* }
            }

            /// The settings given as `CERTWRIGHT_<KEY>` variables (empty
            /// values count as unset, as for clap's `env`).
            pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<ConfigFile> {
                let mut layer = ConfigFile::default();
                $(
                    let name = env_name(stringify!($field));
                    if let Some(text) = get(&name).filter(|v| !v.trim().is_empty()) {
                        layer.$field = Some(<$ty as FromEnv>::from_env(&text).map_err(|why| {
                            Error::Usage(format!("environment variable {name}={text:?}: {why}"))
                        })?);
                    }
                )*
                layer.validate().map_err(|(key, why)| {
                    Error::Usage(format!("environment variable {}: {why}", env_name(key)))
                })?;
                Ok(layer)
            }
        }
    };
}

config_fields! {
    /// ACME directory URL or alias.
    server: String,
    /// Staging directory for --dry-run / --staging when the server has no
    /// known staging alias.
    staging_server: String,
    /// CA certificates to trust for the ACME server's TLS.
    ca_bundle: PathBuf,
    /// Contact addresses for new accounts.
    email: Vec<String>,
    /// Agree to the CA's terms of service when an account is registered.
    agree_tos: bool,
    /// Account id to use when several exist for a server.
    account: String,
    /// Key type of new certificate keys.
    key_type: KeyType,
    /// Reuse the certificate key on renewal.
    reuse_key: bool,
    /// Preferred chain (issuer CN of the chain's top certificate).
    preferred_chain: String,
    /// Longest total Retry-After wait per request, seconds.
    max_retry_wait: u64,
    /// Deadline for one order's validation and issuance, seconds.
    order_timeout: u64,
    /// Seconds to wait for another certwright run to release the lock.
    lock_wait: u64,
    /// Upper bound of the random delay before a non-interactive renew.
    random_sleep_max: u64,
    /// Certificates renewed at once.
    jobs: u64,
    /// node_exporter textfile written after every renew run.
    metrics_file: PathBuf,
    /// Renew when less than this remains: "30d", "12h", "1/3" or "0.33".
    renew_before: RenewBefore,
    /// Standalone http-01 server port.
    http_01_port: u16,
    /// Standalone http-01 server address.
    http_01_address: String,
    /// tls-alpn-01 server port.
    tls_alpn_01_port: u16,
    /// tls-alpn-01 server address.
    tls_alpn_01_address: String,
    /// dns-01 propagation: unconditional delay, seconds.
    propagation_delay: u64,
    /// dns-01 propagation: active-check timeout, seconds.
    propagation_timeout: u64,
    /// dns-01 propagation: seconds between checks, the last repeating.
    propagation_sleep_times: Vec<u64>,
    /// A resolver to ask instead of the authoritative servers.
    dns_resolver: String,
    /// Run once before the first renewal of a run.
    pre_hook: String,
    /// Run once after the last renewal of a run.
    post_hook: String,
    /// Run per renewed certificate.
    deploy_hook: String,
    /// Longest any hook may run before it is killed, seconds.
    hook_timeout: u64,
}

/// Most certificates `renew --jobs` works on at once: beyond this a run
/// only waits on the CA's rate limits (docs/renewal.md).
pub const MAX_JOBS: u64 = 64;

/// The default location of the config file for this user.
pub fn default_path(config_dir: &Path) -> PathBuf {
    config_dir.join("config.toml")
}

impl ConfigFile {
    /// Loads `path`; a missing file is an empty config unless `required`
    /// (the user named it with --config or CERTWRIGHT_CONFIG).
    pub fn load(path: &Path, required: bool) -> Result<ConfigFile> {
        // It names hooks run as root: refuse one others could have written.
        if path.exists() {
            crate::strict_modes::check_chain(path, "the config file")?;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(ConfigFile::default());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::Usage(format!(
                    "config file {} does not exist (named by --config or CERTWRIGHT_CONFIG)",
                    path.display()
                )));
            }
            // Unreadable is a configuration problem too: the run must not go
            // on without the settings the admin wrote.
            Err(e) => {
                return Err(Error::Usage(format!(
                    "cannot read config file {}: {e}",
                    path.display()
                )));
            }
        };
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile> {
        let cfg: ConfigFile = toml::from_str(text).map_err(|e| config_error(text, path, &e))?;
        cfg.validate().map_err(|(key, why)| {
            let line = key_line(text, key);
            Error::Usage(format!(
                "{}{}: {why} (key `{key}`)",
                path.display(),
                line.map(|l| format!(":{l}")).unwrap_or_default()
            ))
        })?;
        Ok(cfg)
    }

    /// Checks the values a type cannot: known servers, existing files,
    /// addresses. Returns the offending key and why.
    pub fn validate(&self) -> std::result::Result<(), (&'static str, String)> {
        for (key, server) in [
            ("server", &self.server),
            ("staging_server", &self.staging_server),
        ] {
            if let Some(s) = server {
                crate::ca_servers::check_server(s).map_err(|why| (key, why))?;
            }
        }
        if let Some(bundle) = &self.ca_bundle
            && !bundle.is_file()
        {
            return Err((
                "ca_bundle",
                format!("{} does not exist or is not a file", bundle.display()),
            ));
        }
        for e in self.email.iter().flatten() {
            crate::account::check_email(e).map_err(|err| ("email", err.to_string()))?;
        }
        if let Some(times) = &self.propagation_sleep_times
            && (times.is_empty() || times.contains(&0))
        {
            return Err((
                "propagation_sleep_times",
                format!("must be positive seconds, e.g. [1, 2, 4, 8] (got {times:?})"),
            ));
        }
        if let Some(j) = self.jobs
            && !(1..=MAX_JOBS).contains(&j)
        {
            return Err(("jobs", format!("must be 1 to {MAX_JOBS} (got {j})")));
        }
        if let Some(r) = &self.dns_resolver {
            crate::challenge::propagation::parse_server(r)
                .map_err(|e| ("dns_resolver", e.to_string()))?;
        }
        Ok(())
    }

    /// This layer with only `key` kept (for tests and diagnostics).
    pub fn only(&self, key: &str) -> ConfigFile {
        let mut doc = serde_json::to_value(self).expect("a ConfigFile serialises");
        if let Some(map) = doc.as_object_mut() {
            map.retain(|k, _| k == key);
        }
        serde_json::from_value(doc).expect("a subset of a ConfigFile deserialises")
    }

    /// The keys this layer sets.
    pub fn keys_set(&self) -> Vec<&'static str> {
        let doc = serde_json::to_value(self).expect("a ConfigFile serialises");
        Self::KEYS
            .iter()
            .copied()
            .filter(|k| !doc[*k].is_null())
            .collect()
    }
}

/// The 1-based line where `key = ...` is set, if it is.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// "FILE:LINE: message", with the offending key when toml names it.
fn config_error(text: &str, path: &Path, e: &toml::de::Error) -> Error {
    let line = e
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    // toml's span points at the value for type errors: read the key from
    // the start of that line instead.
    let key = line
        .and_then(|l| text.lines().nth(l - 1))
        .map(|l| {
            l.split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let mut message = e.message().trim_end().to_string();
    // serde lists all 20-odd keys; the nearest one is more help.
    if let (Some(cut), Some(k)) = (message.find(", expected one of"), &key) {
        message.truncate(cut);
        if let Some(near) = nearest_key(k) {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
    }
    Error::Usage(format!(
        "{}{}: {message}{}",
        path.display(),
        line.map(|l| format!(":{l}")).unwrap_or_default(),
        key.map(|k| format!(" (key `{k}`)")).unwrap_or_default()
    ))
}

/// The known key closest to a misspelt one (at most 3 edits away).
fn nearest_key(typo: &str) -> Option<&'static str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    }
    ConfigFile::KEYS
        .iter()
        .map(|k| (distance(typo, k), *k))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile> {
        ConfigFile::parse(text, Path::new("/etc/certwright/config.toml"))
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = parse("server = \"letsencrypt\"\n\nmax_retry_wiat = 30\n").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("/etc/certwright/config.toml:3: unknown field `max_retry_wiat`"),
            "{msg}"
        );
        assert!(msg.contains("did you mean `max_retry_wait`?"), "{msg}");
        assert!(msg.ends_with("(key `max_retry_wiat`)"), "{msg}");
    }

    #[test]
    fn wrong_type_names_file_line_and_key() {
        let err = parse("order_timeout = \"ten minutes\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("/etc/certwright/config.toml:1: "), "{msg}");
        assert!(msg.contains("(key `order_timeout`)"), "{msg}");
    }

    #[test]
    fn invalid_values_name_file_line_and_key() {
        for (text, line, key) in [
            ("\n\nrenew_before = \"soon\"\n", 3, "renew_before"),
            ("server = \"letsencrypt-prod\"\n", 1, "server"),
            (
                "\nstaging_server = \"http://plain.test/dir\"\n",
                2,
                "staging_server",
            ),
            ("email = [\"not-an-address\"]\n", 1, "email"),
            (
                "propagation_sleep_times = [1, 0]\n",
                1,
                "propagation_sleep_times",
            ),
            ("dns_resolver = \"not an address\"\n", 1, "dns_resolver"),
            ("ca_bundle = \"/nonexistent/ca.pem\"\n", 1, "ca_bundle"),
            ("key_type = \"dsa\"\n", 1, "key_type"),
        ] {
            let msg = parse(text).unwrap_err().to_string();
            assert!(
                msg.starts_with(&format!("/etc/certwright/config.toml:{line}: ")),
                "{text}: {msg}"
            );
            assert!(msg.contains(&format!("(key `{key}`)")), "{text}: {msg}");
        }
    }

    #[test]
    fn missing_optional_file_is_empty() {
        let cfg = ConfigFile::load(Path::new("/nonexistent/config.toml"), false).unwrap();
        assert_eq!(cfg, ConfigFile::default());
        let err = ConfigFile::load(Path::new("/nonexistent/config.toml"), true).unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{err}");
    }

    #[test]
    fn environment_layer_reads_every_key_with_its_type() {
        let env = |name: &str| {
            Some(
                match name {
                    "CERTWRIGHT_SERVER" => "https://ca.test/dir",
                    "CERTWRIGHT_EMAIL" => "a@example.com, b@example.com",
                    "CERTWRIGHT_AGREE_TOS" => "yes",
                    "CERTWRIGHT_KEY_TYPE" => "rsa2048",
                    "CERTWRIGHT_ORDER_TIMEOUT" => "90",
                    "CERTWRIGHT_HTTP_01_PORT" => "8080",
                    "CERTWRIGHT_RENEW_BEFORE" => "30d",
                    "CERTWRIGHT_PROPAGATION_SLEEP_TIMES" => "2,4",
                    "CERTWRIGHT_DEPLOY_HOOK" => "true",
                    // Empty counts as unset.
                    "CERTWRIGHT_ACCOUNT" => "",
                    _ => return None,
                }
                .to_string(),
            )
        };
        let layer = ConfigFile::from_env(env).unwrap();
        assert_eq!(layer.server.as_deref(), Some("https://ca.test/dir"));
        assert_eq!(
            layer.email,
            Some(vec!["a@example.com".into(), "b@example.com".into()])
        );
        assert_eq!(layer.agree_tos, Some(true));
        assert_eq!(layer.key_type, Some(KeyType::Rsa2048));
        assert_eq!(layer.order_timeout, Some(90));
        assert_eq!(layer.http_01_port, Some(8080));
        assert_eq!(layer.renew_before, Some(RenewBefore::parse("30d").unwrap()));
        assert_eq!(layer.propagation_sleep_times, Some(vec![2, 4]));
        // A hook is a string, even when it looks like a boolean.
        assert_eq!(layer.deploy_hook.as_deref(), Some("true"));
        assert_eq!(layer.account, None);
    }

    #[test]
    fn environment_errors_name_the_variable() {
        for (var, value) in [
            ("CERTWRIGHT_ORDER_TIMEOUT", "ten"),
            ("CERTWRIGHT_REUSE_KEY", "maybe"),
            ("CERTWRIGHT_SERVER", "http://plain.test/dir"),
            ("CERTWRIGHT_RENEW_BEFORE", "soon"),
        ] {
            let err = ConfigFile::from_env(|n| (n == var).then(|| value.to_string())).unwrap_err();
            assert!(matches!(err, Error::Usage(_)));
            assert!(err.to_string().contains(var), "{err}");
        }
    }

    #[test]
    fn or_prefers_the_upper_layer_for_every_key() {
        let (upper, lower) = (sample(1), sample(2));
        assert_eq!(upper.clone().or(lower.clone()), upper);
        assert_eq!(ConfigFile::default().or(lower.clone()), lower);
        for key in ConfigFile::KEYS {
            // Only this key above: it comes from above, all others from below.
            let merged = upper.only(key).or(lower.clone());
            assert_eq!(merged.only(key), upper.only(key), "{key}");
            assert_eq!(merged.keys_set().len(), ConfigFile::KEYS.len(), "{key}");
        }
    }

    /// A layer that sets every key, to a value that differs per `n`.
    pub(crate) fn sample(n: u16) -> ConfigFile {
        let bundle = std::env::temp_dir();
        ConfigFile {
            server: Some(format!("https://ca{n}.test/dir")),
            staging_server: Some(format!("https://staging{n}.test/dir")),
            ca_bundle: Some(bundle.join(format!("bundle{n}.pem"))),
            email: Some(vec![format!("admin{n}@example.com")]),
            agree_tos: Some(n.is_multiple_of(2)),
            account: Some(format!("account{n}")),
            key_type: Some(if n.is_multiple_of(2) {
                KeyType::Rsa2048
            } else {
                KeyType::EcdsaP384
            }),
            reuse_key: Some(n.is_multiple_of(2)),
            preferred_chain: Some(format!("Root {n}")),
            max_retry_wait: Some(100 + u64::from(n)),
            order_timeout: Some(200 + u64::from(n)),
            lock_wait: Some(300 + u64::from(n)),
            random_sleep_max: Some(400 + u64::from(n)),
            jobs: Some(1 + u64::from(n % 8)),
            metrics_file: Some(bundle.join(format!("metrics{n}.prom"))),
            renew_before: Some(RenewBefore::parse(&format!("{n}d")).unwrap()),
            http_01_port: Some(8000 + n),
            http_01_address: Some(format!("127.0.0.{n}")),
            tls_alpn_01_port: Some(4400 + n),
            tls_alpn_01_address: Some(format!("127.0.1.{n}")),
            propagation_delay: Some(10 + u64::from(n)),
            propagation_timeout: Some(20 + u64::from(n)),
            propagation_sleep_times: Some(vec![u64::from(n), 9]),
            dns_resolver: Some(format!("192.0.2.{n}:53")),
            pre_hook: Some(format!("pre {n}")),
            post_hook: Some(format!("post {n}")),
            deploy_hook: Some(format!("deploy {n}")),
            hook_timeout: Some(500 + u64::from(n)),
        }
    }

    #[test]
    fn sample_sets_every_key() {
        assert_eq!(sample(1).keys_set(), ConfigFile::KEYS);
    }
}

#[cfg(test)]
mod example_file {
    use super::*;

    /// config.example.toml shows every setting, commented out with its
    /// default: uncommented, it must load and set every field.
    #[test]
    fn example_documents_every_field() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        // As shipped, everything is a default: the file loads to nothing.
        assert_eq!(
            ConfigFile::parse(&text, &path).unwrap(),
            ConfigFile::default()
        );
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest)
                    if rest.split('=').next().is_some_and(|k| {
                        !k.is_empty()
                            && k.trim_end()
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
                            && rest.contains('=')
                    }) =>
                {
                    rest
                }
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        // The example's ca_bundle path need not exist here: check types and
        // keys, not the machine.
        let cfg: ConfigFile = toml::from_str(&uncommented).unwrap();
        let missing: Vec<&str> = ConfigFile::KEYS
            .iter()
            .copied()
            .filter(|k| !cfg.keys_set().contains(k))
            .collect();
        assert!(
            missing.is_empty(),
            "config.example.toml does not document: {missing:?}"
        );
    }

    /// docs/configuration.md's table of settings has a row for every key.
    #[test]
    fn configuration_doc_lists_every_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md");
        let text = std::fs::read_to_string(&path).unwrap();
        let missing: Vec<&str> = ConfigFile::KEYS
            .iter()
            .copied()
            .filter(|k| !text.contains(&format!("\n| `{k}` | ")))
            .collect();
        assert!(
            missing.is_empty(),
            "docs/configuration.md does not list: {missing:?}"
        );
    }
}
