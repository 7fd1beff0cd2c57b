//! The command line, as clap sees it. Nothing here acts: `commands` resolves
//! these raw flags into settings and runs them.
//!
//! Help is grouped by task (see [`heading`]): every flag of every command
//! names its heading, so `issue --help` reads as a list of decisions rather
//! than one flat list. A flag's doc comment is a one-line summary for `-h`,
//! then (optionally) a blank line and the full text for `--help`, which
//! [`command`] also gives the possible values and the environment variable.

use crate::crypto::KeyType;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;

/// The headings of `--help`, in the order they appear. A flag without one
/// would land under clap's catch-all "Options" (a test refuses that).
pub mod heading {
    pub const NAMES: &str = "Names";
    pub const CHALLENGES: &str = "How to answer challenges";
    pub const KEY: &str = "Key";
    pub const CA: &str = "CA and account";
    pub const INSTALL: &str = "Installing into the web server";
    pub const HOOKS: &str = "Hooks";
    pub const RENEWAL: &str = "Renewal";
    pub const OUTPUT: &str = "Output";
    pub const GLOBAL: &str = "Global options";
    pub const ORDER: &[&str] = &[
        NAMES, CHALLENGES, INSTALL, KEY, CA, HOOKS, RENEWAL, OUTPUT, GLOBAL,
    ];
}

/// The command line as parsed, with the help layout applied: what help and
/// error messages, the completion engine, the man pages and the tests use.
/// Building it formats every flag's help text and renders every command's
/// usage (about 4.6 million instructions and 750 KB of heap): a command
/// line that parses never needs it, so [`parse`] tries [`parser`] first.
pub fn command() -> clap::Command {
    let cmd = layout(global_flags(<Cli as clap::CommandFactory>::command()));
    let mut built = cmd.clone();
    built.build();
    pin_usage(cmd, &built)
}

/// The same flags and commands without the help layout: enough to parse
/// (and to know which flags carry secrets, for the run log), at a tenth of
/// the cost.
pub fn parser() -> clap::Command {
    fn no_own_help(cmd: clap::Command) -> clap::Command {
        cmd.disable_help_flag(true).mut_subcommands(no_own_help)
    }
    no_own_help(global_flags(<Cli as clap::CommandFactory>::command()))
}

/// `-h`/`--help` once for every command, and `-V`/`--version`.
fn global_flags(cmd: clap::Command) -> clap::Command {
    let help = clap::Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .global(true)
        .help_heading(heading::GLOBAL)
        .help("Print help (--help for details)")
        .long_help("Print help (-h for a summary)");
    let version = clap::Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version)
        // `certwright renew --version` too, as before the help layout.
        .global(true)
        .help_heading(heading::GLOBAL)
        .help("Print version");
    cmd.disable_version_flag(true)
        .propagate_version(true)
        .arg(version)
        .arg(help)
}

/// clap's error messages add to the usage line every flag that was used,
/// including those only set in the environment (`--server`, `--config-dir`
/// from CERTWRIGHT_*): each command's usage is pinned to what its help
/// shows, the required flags only.
fn pin_usage(mut cmd: clap::Command, built: &clap::Command) -> clap::Command {
    for sub in built.get_subcommands().filter(|s| s.get_name() != "help") {
        let usage = sub.clone().render_usage().to_string();
        let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage).to_string();
        cmd = cmd.mut_subcommand(sub.get_name(), |c| pin_usage(c.override_usage(usage), sub));
    }
    cmd
}

/// Every command: no help flag of its own (the global one serves), and
/// possible values and environment variables in the long help only, so `-h`
/// stays one line per flag (and never shows a value taken from the
/// environment).
fn layout(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_flag(true)
        .mut_args(|arg| {
            let mut extra = Vec::new();
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            let arg = if values.is_empty()
                || !arg.get_action().takes_values()
                || arg.is_hide_possible_values_set()
            {
                arg
            } else {
                extra.push(format!("[possible values: {}]", values.join(", ")));
                arg.hide_possible_values(true)
            };
            // The doc comment's later paragraphs say it all again in full:
            // `--help` shows only those.
            let short = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let full = arg.get_long_help().map(|h| h.to_string());
            let arg = match full
                .as_deref()
                .and_then(|f| f.strip_prefix(&format!("{short}\n\n")))
            {
                Some(rest) => {
                    let rest = rest.to_string();
                    arg.long_help(rest)
                }
                None => arg,
            };
            let arg = match arg.get_env().map(|e| e.to_string_lossy().into_owned()) {
                Some(env) if !arg.is_hide_env_set() => {
                    extra.push(format!("[env: {env}]"));
                    arg.hide_env(true)
                }
                _ => arg,
            };
            if extra.is_empty() {
                return arg;
            }
            let long = arg
                .get_long_help()
                .or_else(|| arg.get_help())
                .map(|h| h.to_string())
                .unwrap_or_default();
            arg.long_help(format!("{long}\n\n{}", extra.join(" ")))
        })
        .mut_subcommands(layout)
}

/// Parses the process's arguments. A command line that [`parser`] refuses
/// (or one asking for help or the version) is parsed again with
/// [`command`], so what the user sees is laid out as `--help` shows it.
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let quick = parser()
        .try_get_matches_from(&args)
        .and_then(|mut matches| Cli::from_arg_matches_mut(&mut matches));
    match quick {
        Ok(cli) => Ok(cli),
        Err(_) => {
            let mut matches = command().try_get_matches_from(&args)?;
            Cli::from_arg_matches_mut(&mut matches)
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "certwright",
    version,
    about = "Obtain and renew TLS certificates from ACME certificate authorities",
    long_about = "certwright obtains TLS certificates from ACME (RFC 8555) certificate \
authorities such as Let's Encrypt, installs them under <config-dir>/live/<name>/, \
and renews them unattended.\n\n\
Settings come from, highest first: command-line flags, CERTWRIGHT_* environment \
variables (every config file key, in capitals: CERTWRIGHT_DEPLOY_HOOK, ...), the \
config file (<config-dir>/config.toml or --config FILE), the certificate's renewal \
file, built-in defaults. The man page certwright(1) lists every variable and file; \
each run's detail is kept in <config-dir>/logs/certwright.log.",
    after_help = "Examples:\n  \
        certwright register --email admin@example.com --agree-tos\n  \
        certwright issue -d example.com --webroot -w /var/www/html\n  \
        certwright renew -q\n  \
        certwright --config /etc/certwright/staging.toml certificates --json"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// More output: -v every request to the CA
    ///
    /// More output: -v shows every request to the CA, -vv adds what it
    /// answered (headers that steer the client, JSON bodies). Every run
    /// writes its requests to <config-dir>/logs/certwright.log anyway,
    /// whatever the terminal shows.
    #[arg(short, long, global = true, action = ArgAction::Count, conflicts_with = "quiet", help_heading = heading::OUTPUT)]
    pub verbose: u8,

    /// Print only errors
    #[arg(short, long, global = true, help_heading = heading::OUTPUT)]
    pub quiet: bool,

    /// Print the result as one JSON document
    ///
    /// Print one JSON document as the result (and JSON lines for progress
    /// events on stderr)
    #[arg(long, global = true, help_heading = heading::OUTPUT)]
    pub json: bool,

    /// Where accounts, certificates and renewal settings live
    ///
    /// Where accounts, certificates and renewal settings live
    /// [default: /etc/certwright for root, else the user's config dir]
    #[arg(
        long,
        global = true,
        env = "CERTWRIGHT_CONFIG_DIR",
        value_name = "DIR",
        help_heading = heading::GLOBAL
    )]
    pub config_dir: Option<PathBuf>,

    /// Read settings from this file
    ///
    /// Read settings from this file (it must exist)
    /// [default: <config-dir>/config.toml, if it exists]
    #[arg(
        long,
        global = true,
        env = "CERTWRIGHT_CONFIG",
        value_name = "FILE",
        help_heading = heading::GLOBAL
    )]
    pub config: Option<PathBuf>,

    /// Seconds to wait for another certwright run
    ///
    /// Seconds to wait for another certwright run to finish before giving
    /// up with exit status 4 [default: 5]
    #[arg(
        long,
        global = true,
        env = "CERTWRIGHT_LOCK_WAIT",
        value_name = "SECONDS",
        help_heading = heading::GLOBAL
    )]
    pub lock_wait: Option<u64>,

    /// Never prompt; fail where input would be needed
    ///
    /// Never prompt; fail instead where input would be needed (implied when
    /// stdin is not a terminal)
    #[arg(long, global = true, help_heading = heading::GLOBAL)]
    pub non_interactive: bool,
}

/// How to reach the CA.
#[derive(Debug, Args, Clone)]
pub struct CaArgs {
    /// ACME directory URL, or an alias
    ///
    /// ACME directory URL, or an alias: letsencrypt, letsencrypt-staging,
    /// zerossl, google, google-staging [default: letsencrypt]
    #[arg(long, env = "CERTWRIGHT_SERVER", value_name = "URL|ALIAS", help_heading = heading::CA)]
    pub server: Option<String>,

    /// CAs to trust for the ACME server's TLS
    ///
    /// PEM CA certificates to trust for the ACME server's own TLS, instead of
    /// the system's (private CAs, test servers such as Pebble)
    #[arg(long, env = "CERTWRIGHT_CA_BUNDLE", value_name = "PATH", help_heading = heading::CA)]
    pub ca_bundle: Option<PathBuf>,

    /// Longest wait for a busy CA, in seconds
    ///
    /// Longest total wait, in seconds, that certwright accepts when the CA
    /// answers "busy, retry after N" before giving up [default: 300]
    #[arg(long, env = "CERTWRIGHT_MAX_RETRY_WAIT", value_name = "SECONDS", help_heading = heading::CA)]
    pub max_retry_wait: Option<u64>,

    /// Deadline for one order, in seconds
    ///
    /// Deadline, in seconds, for the CA to validate and issue one order
    /// [default: 600]
    #[arg(long, env = "CERTWRIGHT_ORDER_TIMEOUT", value_name = "SECONDS", help_heading = heading::CA)]
    pub order_timeout: Option<u64>,
}

/// Account creation flags shared by register and issue.
#[derive(Debug, Args, Clone)]
pub struct RegistrationArgs {
    /// Contact email for a new account; repeatable
    ///
    /// Contact email for the account (expiry and policy notices);
    /// repeatable. Asked for on a terminal when neither this, `email` in the
    /// config file nor --register-unsafely-without-email is given.
    #[arg(short = 'm', long = "email", value_name = "EMAIL", help_heading = heading::CA)]
    pub email: Vec<String>,

    /// Agree to the CA's terms of service
    ///
    /// Agree to the CA's terms of service (config file: agree_tos = true);
    /// asked on a terminal otherwise
    #[arg(long, help_heading = heading::CA)]
    pub agree_tos: bool,

    /// Register without an email address
    ///
    /// Register without an email address (you will get no notices from the
    /// CA)
    #[arg(long, conflicts_with = "email", help_heading = heading::CA)]
    pub register_unsafely_without_email: bool,

    /// Key type of a new account key
    #[arg(long, value_parser = key_type(), default_value_t = KeyType::EcdsaP256, value_name = "TYPE", help_heading = heading::CA)]
    pub account_key_type: KeyType,

    /// EAB key id (ZeroSSL, Google Trust Services)
    ///
    /// External account binding: the key id your CA gave you (ZeroSSL,
    /// Google Trust Services, private CAs)
    #[arg(
        long,
        env = "CERTWRIGHT_EAB_KID",
        value_name = "KID",
        requires = "eab_hmac_key",
        help_heading = heading::CA
    )]
    pub eab_kid: Option<String>,

    /// EAB HMAC key (better: the environment variable)
    ///
    /// External account binding: the base64url HMAC key your CA gave you
    /// (prefer the environment variable: command lines are visible to others)
    #[arg(
        long,
        env = "CERTWRIGHT_EAB_HMAC_KEY",
        value_name = "KEY",
        requires = "eab_kid",
        hide_env_values = true,
        help_heading = heading::CA
    )]
    pub eab_hmac_key: Option<String>,
}

/// Staging and dry-run flags shared by issue and register.
#[derive(Debug, Args, Clone, Default)]
pub struct StagingArgs {
    /// Use the CA's staging directory, kept apart
    ///
    /// Use the CA's staging directory and keep the result apart from
    /// production, under <config-dir>/staging/
    #[arg(long, help_heading = heading::CA)]
    pub staging: bool,

    /// Staging directory URL
    ///
    /// Staging directory URL, for CAs whose staging directory certwright
    /// does not know
    #[arg(long, env = "CERTWRIGHT_STAGING_SERVER", value_name = "URL", help_heading = heading::CA)]
    pub staging_server: Option<String>,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create (or find) an account with the CA
    #[command(after_help = "Example:\n  certwright register --email admin@example.com --agree-tos")]
    Register(RegisterArgs),

    /// Obtain a certificate and install it under live/<name>/
    #[command(
        override_usage = "certwright issue -d NAME... <HOW TO ANSWER CHALLENGES> [OPTIONS]\n       \
            certwright issue --csr FILE --key-path FILE <HOW TO ANSWER CHALLENGES> [OPTIONS]",
        after_help = "Examples:\n  \
        certwright issue -d example.com -d www.example.com --webroot -w /var/www/html\n  \
        certwright issue -d example.com --standalone --email admin@example.com --agree-tos\n  \
        certwright issue -d example.com -d www.example.com --nginx --redirect\n  \
        certwright issue -d example.com -d '*.example.com' --propagation-timeout 300 \\\n      \
        --dns-hook /etc/certwright/hooks/auth.sh --dns-cleanup-hook /etc/certwright/hooks/cleanup.sh\n  \
        certwright issue -d example.com -d '*.example.com' --propagation-timeout 120 \\\n      \
        --dns-provider rfc2136 --dns-credentials /etc/certwright/dns/bind.toml"
    )]
    Issue(IssueArgs),

    /// List the certificates certwright manages
    #[command(after_help = "Examples:\n  \
        certwright certificates\n  \
        certwright certificates --cert-name example.com --json\n  \
        certwright certificates --format prometheus")]
    Certificates(CertificatesArgs),

    /// Revoke a certificate
    #[command(
        override_usage = "certwright revoke --cert-name NAME [OPTIONS]\n       \
            certwright revoke --cert-path FILE [--key-path FILE] [OPTIONS]",
        after_help = "Examples:\n  \
        certwright revoke --cert-name example.com --reason superseded\n  \
        certwright revoke --cert-path cert.pem --key-path privkey.pem --reason key-compromise"
    )]
    Revoke(RevokeArgs),

    /// Manage ACME accounts: list, show, update, rollover, deactivate
    #[command(
        subcommand,
        after_help = "Examples:\n  \
            certwright account list\n  \
            certwright account show --json\n  \
            certwright account update --email new@example.com"
    )]
    Account(AccountCommand),

    /// Take over certbot's certificates and accounts (certbot's files are
    /// only read, never changed)
    #[command(
        after_help = "Example:\n  sudo certwright import-certbot --certbot-dir /etc/letsencrypt"
    )]
    ImportCertbot(ImportCertbotArgs),

    /// Install an existing certificate into a web server's configuration
    /// (kept in the renewal file: renewals reload the server)
    #[command(after_help = "Examples:\n  \
        certwright install --nginx --cert-name example.com\n  \
        certwright install --nginx --cert-name example.com --redirect --nginx-server-root /srv/nginx")]
    Install(InstallArgs),

    /// Renew every certificate that is due (run it from cron or a timer)
    #[command(
        after_help = "Examples:\n  \
        certwright renew -q                      # from cron, every 6 hours\n  \
        certwright renew --jobs 8 --metrics-file /var/lib/node-exporter/certwright.prom\n  \
        certwright renew --cert-name example.com --force-renewal\n  \
        certwright renew --deploy-hook 'systemctl reload nginx'\n  \
        certwright renew --dry-run",
        after_long_help = "Examples:\n  \
        certwright renew -q                      # from cron, every 6 hours\n  \
        certwright renew --jobs 8 --metrics-file /var/lib/node-exporter/certwright.prom\n  \
        certwright renew --cert-name example.com --force-renewal\n  \
        certwright renew --deploy-hook 'systemctl reload nginx'\n  \
        certwright renew --dry-run\n\n\
        Exit status: 0 all renewals succeeded (or none was due), 1 all failed,\n\
        3 some failed, 2 usage or config file error, 4 another certwright run\n\
        holds the lock."
    )]
    Renew(RenewArgs),

    /// Nagios/Icinga check of every certificate (expiry, revocation,
    /// failing renewals, ARI windows moved earlier); reads the store only
    #[command(after_help = "Examples:\n  \
        certwright check\n  \
        certwright check --warning 14 --critical 3 --cert-name example.com\n\n\
        Prints one status line (CERTWRIGHT OK, WARNING, CRITICAL or UNKNOWN, then perfdata),\n\
        then one line per certificate that is not OK. Exit status: 0 OK, 1 WARNING,\n\
        2 CRITICAL, 3 UNKNOWN (Nagios plugin conventions).")]
    Check(CheckArgs),

    /// Remove a certificate (live/, archive/, renewal/) from the store; it
    /// is not revoked
    #[command(after_help = "Examples:\n  \
        certwright delete --cert-name old.example.com\n  \
        certwright delete --cert-name old.example.com --yes   # from a script\n\n\
        The certificate stays valid until it expires; to revoke it, use\n\
        certwright revoke --cert-name NAME --delete-after-revoke instead.")]
    Delete(DeleteArgs),

    /// Change how a certificate renews (solver, key, hooks, margin,
    /// profile), proven first by a dry run against the CA's staging
    /// directory; nothing is saved if it fails
    #[command(after_help = "Examples:\n  \
        certwright reconfigure --cert-name example.com --webroot -w /var/www/html\n  \
        certwright reconfigure --cert-name example.com --deploy-hook 'systemctl reload nginx'\n  \
        certwright reconfigure --cert-name example.com --key-type rsa2048 --renew-before 30d")]
    Reconfigure(ReconfigureArgs),

    /// Print the dns-persist-01 TXT record that lets this account validate
    /// a name for as long as the record stays (draft-ietf-acme-dns-persist-01)
    #[command(after_help = "Examples:\n  \
        certwright persist-record -d example.com\n  \
        certwright persist-record -d example.com --wildcard --persist-until 2027-06-30\n\n\
        Create the record in DNS once; then `certwright issue -d example.com\n\
        --preferred-challenges dns-persist-01` needs no DNS change per order.")]
    PersistRecord(PersistRecordArgs),
}

#[derive(Debug, Args)]
pub struct ReconfigureArgs {
    /// The lineage to change
    #[arg(long = "cert-name", value_name = "NAME", add = crate::cli::completion::cert_names())]
    pub cert_name: String,

    /// Answer http-01 with a built-in web server from now on
    #[arg(long, conflicts_with = "webroot")]
    pub standalone: bool,

    /// Answer http-01 by writing files into a running web server's root
    #[arg(long, requires = "webroot_path")]
    pub webroot: bool,

    /// Document root for --webroot
    #[arg(short = 'w', long = "webroot-path", value_name = "DIR")]
    pub webroot_path: Option<PathBuf>,

    /// Port of the standalone http-01 server
    #[arg(long = "http-01-port", value_name = "PORT")]
    pub http_01_port: Option<u16>,

    /// Address of the standalone http-01 server
    #[arg(long = "http-01-address", value_name = "ADDR")]
    pub http_01_address: Option<String>,

    /// Key type of the next certificates
    #[arg(long, value_parser = key_type(), value_name = "TYPE")]
    pub key_type: Option<KeyType>,

    /// Prefer the alternate chain whose top issuer has this common name
    #[arg(long, value_name = "ISSUER_CN")]
    pub preferred_chain: Option<String>,

    /// Keep the private key across renewals
    #[arg(long)]
    pub reuse_key: bool,

    /// Generate a new private key at each renewal
    #[arg(long, conflicts_with = "reuse_key")]
    pub no_reuse_key: bool,

    /// Renew this long before expiry ("30d") or at this fraction of the
    /// lifetime left ("1/3")
    #[arg(long, value_name = "DURATION|FRACTION")]
    pub renew_before: Option<String>,

    /// ACME profile to request from now on
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Staging directory URL for the dry run, for CAs whose staging
    /// directory certwright does not know
    #[arg(long, env = "CERTWRIGHT_STAGING_SERVER", value_name = "URL")]
    pub staging_server: Option<String>,

    #[command(flatten)]
    pub hooks: HookArgs,

    #[command(flatten)]
    pub dns: Box<DnsArgs>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// WARNING when a certificate has fewer days left than this
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub warning: u32,

    /// CRITICAL when a certificate has fewer days left than this
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub critical: u32,

    /// Only these lineages [default: all]
    #[arg(long = "cert-name", value_name = "NAME", add = crate::cli::completion::cert_names())]
    pub cert_names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The lineage to remove
    #[arg(long = "cert-name", value_name = "NAME", add = crate::cli::completion::cert_names())]
    pub cert_name: String,

    /// Do not ask (required when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// How `certificates` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ListFormat {
    /// For people; with the global --json flag, one JSON document
    #[default]
    Text,
    /// node_exporter's textfile format (what renew writes to its metrics file)
    Prometheus,
}

#[derive(Debug, Args)]
pub struct PersistRecordArgs {
    #[command(flatten)]
    pub target: AccountTarget,

    /// A name the record is for, repeatable; *.NAME implies --wildcard
    #[arg(
        short = 'd',
        long = "domain",
        value_name = "NAME",
        required = true,
        value_delimiter = ',',
        help_heading = heading::NAMES
    )]
    pub domains: Vec<String>,

    /// Also cover *.NAME and every subdomain
    ///
    /// Add policy=wildcard: the record then also covers *.NAME and every
    /// subdomain of NAME
    #[arg(long, help_heading = heading::NAMES)]
    pub wildcard: bool,

    /// The CA refuses the record after this date
    ///
    /// Add persistUntil: the CA refuses the record after this date (UTC),
    /// RFC 3339 time or UNIX time in seconds
    #[arg(long, value_name = "DATE", help_heading = heading::CHALLENGES)]
    pub persist_until: Option<String>,

    /// The CA's issuer domain name for the record
    ///
    /// The CA's issuer domain name to put in the record [default: the
    /// first of the CA's caaIdentities]
    #[arg(long, value_name = "NAME", help_heading = heading::CA)]
    pub issuer_domain_name: Option<String>,

    /// Create the records through this DNS provider
    ///
    /// Create the records through this DNS provider instead of printing
    /// them: rfc2136 (DNS UPDATE with a TSIG key) or powerdns (the
    /// PowerDNS API); the TXT value is added beside the name's other values
    #[arg(
        long,
        value_name = "NAME",
        value_parser = clap::builder::PossibleValuesParser::new(crate::challenge::dns_provider::PROVIDERS.iter().map(|p| p.name)),
        help_heading = heading::CHALLENGES
    )]
    pub dns_provider: Option<String>,

    /// The provider's credentials file (chmod 600)
    ///
    /// The provider's credentials file (chmod 600; certwright's TOML or a
    /// certbot plugin's INI). Without it the provider reads its environment
    /// variables
    #[arg(long, value_name = "FILE", requires = "dns_provider", help_heading = heading::CHALLENGES)]
    pub dns_credentials: Option<PathBuf>,

    /// Another provider for DOMAIN and the names under it
    ///
    /// Send DOMAIN, its wildcard and the names under it to another
    /// provider; repeatable, the most specific DOMAIN wins, other names use
    /// --dns-provider (e.g. example.net=powerdns:/etc/certwright/pdns.toml)
    #[arg(
        long,
        value_name = "DOMAIN=PROVIDER[:FILE]",
        value_parser = crate::challenge::dns_provider::parse_provider_for,
        help_heading = heading::CHALLENGES
    )]
    pub dns_provider_for: Vec<(String, crate::store::ProviderSpec)>,

    /// Ask this DNS server for CNAMEs on the record names
    ///
    /// With a provider: ask this DNS server whether a record name is a
    /// CNAME (delegated validation) [default: the system resolver]
    #[arg(long, value_name = "ADDR[:PORT]", help_heading = heading::CHALLENGES)]
    pub dns_resolver: Option<String>,
}

/// `--nginx` and how to reach that nginx (docs/nginx.md); kept in the
/// renewal file.
#[derive(Debug, Args, Clone, Default)]
pub struct NginxArgs {
    /// Answer http-01 through nginx, install there
    ///
    /// Answer http-01 through the running nginx and install the certificate
    /// in the server blocks whose server_name matches
    #[arg(long, help_heading = heading::CHALLENGES)]
    pub nginx: bool,

    /// The directory holding nginx.conf [default: /etc/nginx]
    #[arg(long, value_name = "DIR", requires = "nginx", help_heading = heading::CHALLENGES)]
    pub nginx_server_root: Option<PathBuf>,

    /// The nginx binary, or a wrapper [default: nginx]
    #[arg(long, value_name = "PATH", requires = "nginx", help_heading = heading::CHALLENGES)]
    pub nginx_ctl: Option<PathBuf>,

    /// Port for `listen PORT ssl` [default: 443]
    ///
    /// Port a server block gets `listen PORT ssl` on when it has no TLS yet
    /// [default: 443]
    #[arg(long, value_name = "PORT", requires = "nginx", help_heading = heading::INSTALL)]
    pub https_port: Option<u16>,

    /// Redirect plain http to https (301)
    ///
    /// Redirect plain http to https (301) in the server blocks that serve
    /// the names
    #[arg(long, requires = "nginx", conflicts_with = "no_redirect", help_heading = heading::INSTALL)]
    pub redirect: bool,

    /// Add no redirect [default]
    #[arg(long, requires = "nginx", help_heading = heading::INSTALL)]
    pub no_redirect: bool,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The lineage whose certificate to install
    #[arg(long, value_name = "NAME", help_heading = heading::NAMES,
          add = crate::cli::completion::cert_names())]
    pub cert_name: String,

    #[command(flatten)]
    pub nginx: NginxArgs,

    /// The port nginx serves plain http on [default: 80]
    ///
    /// The port nginx serves plain http on (where --redirect goes)
    /// [default: 80]
    #[arg(long = "http-01-port", value_name = "PORT", help_heading = heading::INSTALL)]
    pub http_01_port: Option<u16>,
}

/// Hook commands, run with `sh -c`; values come in the environment.
#[derive(Debug, Args, Clone, Default)]
pub struct HookArgs {
    /// Command run once before the first renewal
    ///
    /// Command run once before the first renewal of a run (e.g. to stop a
    /// web server that holds port 80)
    #[arg(long, value_name = "CMD", help_heading = heading::HOOKS)]
    pub pre_hook: Option<String>,

    /// Command run once after the last renewal
    ///
    /// Command run once after the last renewal of a run (runs whenever the
    /// pre-hook ran, even if renewals failed)
    #[arg(long, value_name = "CMD", help_heading = heading::HOOKS)]
    pub post_hook: Option<String>,

    /// Command run after each renewed certificate
    ///
    /// Command run after each renewed certificate, with RENEWED_LINEAGE
    /// (the live directory) and RENEWED_DOMAINS (space-separated) set
    #[arg(long, value_name = "CMD", help_heading = heading::HOOKS)]
    pub deploy_hook: Option<String>,
}

#[derive(Debug, Args)]
pub struct RenewArgs {
    /// Only these lineages (repeatable) [default: all]
    #[arg(long = "cert-name", value_name = "NAME", help_heading = heading::NAMES,
          add = crate::cli::completion::cert_names())]
    pub cert_names: Vec<String>,

    /// Keep each lineage's private key
    ///
    /// Keep each lineage's private key instead of generating a new one
    #[arg(long, help_heading = heading::KEY)]
    pub reuse_key: bool,

    /// Generate a new private key even where reuse_key is set
    ///
    /// Generate a new private key even where reuse_key is set (renewal
    /// file or config file)
    #[arg(long, conflicts_with = "reuse_key", help_heading = heading::KEY)]
    pub no_reuse_key: bool,

    /// Longest wait for a busy CA, in seconds
    ///
    /// Longest total wait, in seconds, that certwright accepts when the CA
    /// answers "busy, retry after N" before giving up [default: 300]
    #[arg(long, env = "CERTWRIGHT_MAX_RETRY_WAIT", value_name = "SECONDS", help_heading = heading::CA)]
    pub max_retry_wait: Option<u64>,

    /// Deadline for one order, in seconds
    ///
    /// Deadline, in seconds, for the CA to validate and issue one order
    /// [default: 600]
    #[arg(long, env = "CERTWRIGHT_ORDER_TIMEOUT", value_name = "SECONDS", help_heading = heading::CA)]
    pub order_timeout: Option<u64>,

    /// Run against staging; keep nothing
    ///
    /// Renew every selected certificate against the CA's staging directory
    /// (with a staging account) and keep nothing: live/, archive/ and
    /// renewal/ are not touched, no deploy hooks run
    #[arg(long, conflicts_with = "staging", help_heading = heading::CA)]
    pub dry_run: bool,

    /// --staging: renew the staging lineages (<config-dir>/staging/)
    #[command(flatten)]
    pub staging: StagingArgs,

    #[command(flatten)]
    pub hooks: HookArgs,

    /// Renew even if not due, ignoring backoff
    ///
    /// Renew even if not due, ignoring any backoff after failures
    #[arg(long, help_heading = heading::RENEWAL)]
    pub force_renewal: bool,

    /// When to renew lineages that set nothing
    ///
    /// Renew this long before expiry ("30d", "12h") or when this fraction of
    /// the lifetime is left ("1/3", "0.5"), for lineages that set none
    /// [default: ARI, else 1/3 (1/2 below 10 days of lifetime)]
    #[arg(
        long,
        env = "CERTWRIGHT_RENEW_BEFORE",
        value_name = "DURATION|FRACTION",
        help_heading = heading::RENEWAL
    )]
    pub renew_before: Option<String>,

    /// Do not sleep a random time before contacting the CA
    #[arg(long, help_heading = heading::RENEWAL)]
    pub no_random_sleep: bool,

    /// Longest random sleep of unattended runs, in seconds
    ///
    /// Upper bound, in seconds, of the random sleep of non-interactive runs
    /// [default: 480]
    #[arg(long, env = "CERTWRIGHT_RANDOM_SLEEP_MAX", value_name = "SECONDS", help_heading = heading::RENEWAL)]
    pub random_sleep_max: Option<u64>,

    /// Certificates renewed at once [default: 4]
    ///
    /// Renew up to N certificates at once; they share the account, the
    /// CA's directory and its Retry-After pauses [default: 4, within Let's
    /// Encrypt's published rate limits]
    #[arg(long, env = "CERTWRIGHT_JOBS", value_name = "N", help_heading = heading::RENEWAL)]
    pub jobs: Option<u64>,

    /// Write metrics for node_exporter to FILE after the run
    ///
    /// After the run (also one with nothing to do), write every
    /// certificate's expiry, planned renewal, failures and ARI window to
    /// FILE in node_exporter's textfile format, atomically
    #[arg(long, env = "CERTWRIGHT_METRICS_FILE", value_name = "FILE", help_heading = heading::OUTPUT)]
    pub metrics_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportCertbotArgs {
    /// certbot's configuration directory
    #[arg(long, value_name = "DIR", default_value = "/etc/letsencrypt")]
    pub certbot_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    #[command(flatten)]
    pub ca: CaArgs,
    #[command(flatten)]
    pub registration: RegistrationArgs,
    /// Create a further account even when one exists
    ///
    /// Create a further account even when one exists for this server
    /// (other commands then need the account's id to pick one)
    #[arg(long, help_heading = heading::CA)]
    pub new_account: bool,
    #[command(flatten)]
    pub staging: StagingArgs,
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// A name for the certificate; repeatable
    ///
    /// A name for the certificate (DNS name, *.wildcard, or IP address);
    /// repeatable or comma-separated, the first one names the lineage
    #[arg(
        short = 'd',
        long = "domain",
        value_name = "NAME",
        required_unless_present = "csr",
        value_delimiter = ',',
        help_heading = heading::NAMES
    )]
    pub domains: Vec<String>,

    /// Name of the lineage [default: the first domain]
    #[arg(long, value_name = "NAME", help_heading = heading::NAMES,
          add = crate::cli::completion::cert_names())]
    pub cert_name: Option<String>,

    /// Use this CSR instead of -d (PEM or DER)
    ///
    /// Use this certificate signing request (PEM or DER) instead of making
    /// one; the names come from it
    #[arg(long, value_name = "FILE", requires = "key_path", conflicts_with_all = ["domains", "key_type"], help_heading = heading::NAMES)]
    pub csr: Option<PathBuf>,

    /// Answer http-01 with a built-in web server
    ///
    /// Answer http-01 with a built-in web server (needs the port free)
    #[arg(long, conflicts_with = "webroot", help_heading = heading::CHALLENGES)]
    pub standalone: bool,

    /// Answer http-01 through a running web server's root
    ///
    /// Answer http-01 by writing files into a running web server's document
    /// root, given with -w DIR
    #[arg(long, requires = "webroot_path", help_heading = heading::CHALLENGES)]
    pub webroot: bool,

    /// The web server's document root, for --webroot
    #[arg(short = 'w', long = "webroot-path", value_name = "DIR", help_heading = heading::CHALLENGES)]
    pub webroot_path: Option<PathBuf>,

    /// Port of the standalone server
    ///
    /// Port of the standalone server (the CA always connects to port 80;
    /// change this only behind a port forward or for test CAs)
    #[arg(long = "http-01-port", value_name = "PORT", help_heading = heading::CHALLENGES)]
    pub http_01_port: Option<u16>,

    /// Address the standalone server listens on [default: all]
    #[arg(long = "http-01-address", value_name = "ADDR", help_heading = heading::CHALLENGES)]
    pub http_01_address: Option<String>,

    /// Port of the tls-alpn-01 server
    ///
    /// Port of the tls-alpn-01 server (the CA always connects to port 443;
    /// change this only behind a port forward or for test CAs)
    #[arg(long = "tls-alpn-01-port", value_name = "PORT", help_heading = heading::CHALLENGES)]
    pub tls_alpn_01_port: Option<u16>,

    /// Address the tls-alpn-01 server listens on [default: all]
    #[arg(long = "tls-alpn-01-address", value_name = "ADDR", help_heading = heading::CHALLENGES)]
    pub tls_alpn_01_address: Option<String>,

    /// Answer http-01 through nginx and install the certificate there
    #[command(flatten)]
    pub nginx: NginxArgs,

    #[command(flatten)]
    pub dns: Box<DnsArgs>,

    /// Key type of the certificate [default: ecdsa-p256]
    #[arg(long, value_parser = key_type(), value_name = "TYPE", help_heading = heading::KEY)]
    pub key_type: Option<KeyType>,

    /// Keep the private key across renewals
    ///
    /// Keep the private key across renewals (stored in the renewal file)
    #[arg(long, help_heading = heading::KEY)]
    pub reuse_key: bool,

    /// Generate a new private key at each renewal
    ///
    /// Generate a new private key at each renewal (stored in the renewal
    /// file; overrides reuse_key in the config file)
    #[arg(long, conflicts_with = "reuse_key", help_heading = heading::KEY)]
    pub no_reuse_key: bool,

    /// The private key of --csr (PEM)
    #[arg(long, value_name = "FILE", requires = "csr", help_heading = heading::KEY)]
    pub key_path: Option<PathBuf>,

    #[command(flatten)]
    pub ca: CaArgs,

    /// Account to use when several exist for the server
    #[arg(long, value_name = "ID", help_heading = heading::CA,
          add = crate::cli::completion::account_ids())]
    pub account: Option<String>,

    #[command(flatten)]
    pub registration: RegistrationArgs,

    /// ACME profile to request
    ///
    /// ACME profile to request (Let's Encrypt: classic, tlsserver,
    /// shortlived); see `certwright account show` for the CA's list
    #[arg(long, value_name = "NAME", help_heading = heading::CA)]
    pub profile: Option<String>,

    /// Prefer the chain whose top issuer has this name
    ///
    /// Prefer the alternate chain whose top issuer has this common name
    #[arg(long, value_name = "ISSUER_CN", help_heading = heading::CA)]
    pub preferred_chain: Option<String>,

    /// Run against staging; install nothing
    ///
    /// Run the whole flow against the CA's staging directory with a staging
    /// account, and install nothing
    #[arg(long, conflicts_with = "staging", help_heading = heading::CA)]
    pub dry_run: bool,

    #[command(flatten)]
    pub staging: StagingArgs,

    /// Hooks, run now and stored for `renew`
    #[command(flatten)]
    pub hooks: HookArgs,

    /// Replace the certificate even if one is installed
    ///
    /// Replace the lineage's certificate even if a valid one is installed
    #[arg(long, help_heading = heading::RENEWAL)]
    pub force_renewal: bool,

    /// Issue even if names of the lineage are left out
    ///
    /// Issue even if this leaves out names the lineage's certificate has
    /// (without it, that needs a yes on a terminal)
    #[arg(long, help_heading = heading::NAMES)]
    pub allow_name_removal: bool,

    /// Accepted for certbot compatibility (adding names needs no flag)
    ///
    /// Accepted for certbot compatibility: adding names to a lineage needs
    /// no flag (certwright says which names it adds)
    #[arg(long, help_heading = heading::NAMES)]
    pub expand: bool,

    /// When `renew` renews this certificate
    ///
    /// When `renew` renews this certificate: "30d" before expiry, or "1/3"
    /// of its lifetime left (stored in the renewal file)
    #[arg(long, value_name = "DURATION|FRACTION", help_heading = heading::RENEWAL)]
    pub renew_before: Option<String>,
}

/// dns-01 through a DNS provider, hook scripts or by hand (docs/dns.md).
#[derive(Debug, Args, Clone, Default)]
pub struct DnsArgs {
    /// Answer dns-01 by changing the DNS through this provider
    ///
    /// Answer dns-01 by changing the DNS through this provider: rfc2136
    /// (DNS UPDATE with a TSIG key: BIND, Knot, PowerDNS...), powerdns (the
    /// PowerDNS API), or hook (the --dns-hook scripts)
    #[arg(
        long,
        value_name = "NAME",
        value_parser = clap::builder::PossibleValuesParser::new(crate::challenge::dns_provider::names()),
        conflicts_with_all = ["standalone", "webroot", "manual"],
        help_heading = heading::CHALLENGES
    )]
    pub dns_provider: Option<String>,

    /// The provider's credentials file (chmod 600)
    ///
    /// The provider's credentials file (chmod 600; certwright's TOML or a
    /// certbot plugin's INI); the renewal file keeps its path, never the
    /// secret. Without it the provider reads its environment variables
    #[arg(long, value_name = "FILE", requires = "dns_provider", help_heading = heading::CHALLENGES)]
    pub dns_credentials: Option<PathBuf>,

    /// Another provider for DOMAIN and the names under it
    ///
    /// Send DOMAIN, its wildcard and the names under it to another
    /// provider; repeatable, the most specific DOMAIN wins, other names use
    /// --dns-provider (e.g. example.net=powerdns:/etc/certwright/pdns.toml)
    #[arg(
        long,
        value_name = "DOMAIN=PROVIDER[:FILE]",
        value_parser = crate::challenge::dns_provider::parse_provider_for,
        conflicts_with_all = ["standalone", "webroot", "manual", "dns_hook"],
        help_heading = heading::CHALLENGES
    )]
    pub dns_provider_for: Vec<(String, crate::store::ProviderSpec)>,

    /// Answer dns-01 with a script that sets the TXT record
    ///
    /// Answer dns-01: run SCRIPT once per challenge to create the TXT
    /// record; it gets CERTBOT_DOMAIN, CERTBOT_VALIDATION,
    /// CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS in its
    /// environment (certbot's --manual-auth-hook also works)
    #[arg(
        long = "dns-hook",
        alias = "manual-auth-hook",
        value_name = "SCRIPT",
        conflicts_with_all = ["standalone", "webroot"],
        help_heading = heading::CHALLENGES
    )]
    pub dns_hook: Option<String>,

    /// Script that removes the TXT record afterwards
    ///
    /// Run SCRIPT once per challenge afterwards to remove the record, also
    /// when issuance failed or was interrupted (certbot's
    /// --manual-cleanup-hook also works)
    #[arg(
        long = "dns-cleanup-hook",
        alias = "manual-cleanup-hook",
        value_name = "SCRIPT",
        requires = "dns_hook",
        help_heading = heading::CHALLENGES
    )]
    pub dns_cleanup_hook: Option<String>,

    /// Show the records to create by hand, wait for Enter
    ///
    /// Show the TXT records (or http-01 files) to create by hand and wait
    /// for Enter; needs a terminal (use --dns-hook in scripts)
    #[arg(long, conflicts_with_all = ["standalone", "webroot"], help_heading = heading::CHALLENGES)]
    pub manual: bool,

    /// Challenge type [default: dns-01 for --manual]
    ///
    /// Challenge type: for --manual (dns-01 or http-01 [default: dns-01]),
    /// tls-alpn-01 with --standalone, or dns-persist-01 on its own
    #[arg(long, value_enum, value_delimiter = ',', value_name = "TYPE", help_heading = heading::CHALLENGES)]
    pub preferred_challenges: Vec<PreferredChallenge>,

    /// Seconds to wait after all TXT records are set
    ///
    /// Seconds to wait unconditionally after all TXT records are set
    #[arg(long, value_name = "SECONDS", help_heading = heading::CHALLENGES)]
    pub propagation_delay: Option<u64>,

    /// Check the TXT records are visible, up to SECONDS
    ///
    /// Check that every TXT record is visible at the zone's authoritative
    /// name servers before the CA looks, for up to SECONDS (no check unless
    /// set)
    #[arg(long, value_name = "SECONDS", help_heading = heading::CHALLENGES)]
    pub propagation_timeout: Option<u64>,

    /// Seconds between those checks [default: 1,2,4,8]
    ///
    /// Seconds between those checks; the last value repeats
    /// [default: 1,2,4,8]
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "LIST",
        value_parser = clap::value_parser!(u64).range(1..),
        help_heading = heading::CHALLENGES
    )]
    pub propagation_sleep_times: Option<Vec<u64>>,

    /// Ask this DNS server for the TXT records
    ///
    /// Ask this DNS server for the TXT records instead of the zone's
    /// authoritative servers
    #[arg(long, value_name = "ADDR[:PORT]", help_heading = heading::CHALLENGES)]
    pub dns_resolver: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PreferredChallenge {
    #[value(name = "dns-01", alias = "dns")]
    Dns01,
    #[value(name = "http-01", alias = "http")]
    Http01,
    /// With --standalone: the built-in TLS server on port 443 (RFC 8737)
    #[value(name = "tls-alpn-01", alias = "tls-alpn")]
    TlsAlpn01,
    /// A standing _validation-persist TXT record (see `persist-record`)
    #[value(name = "dns-persist-01", alias = "dns-persist")]
    DnsPersist01,
}

#[derive(Debug, Args)]
pub struct CertificatesArgs {
    /// Only these lineages
    #[arg(long = "cert-name", value_name = "NAME", help_heading = heading::NAMES,
          add = crate::cli::completion::cert_names())]
    pub cert_names: Vec<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// RFC 5280 §5.3.1 revocation reasons that ACME subscribers may give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RevocationReason {
    #[value(name = "unspecified")]
    Unspecified,
    #[value(name = "keyCompromise", alias = "key-compromise")]
    KeyCompromise,
    #[value(name = "affiliationChanged", alias = "affiliation-changed")]
    AffiliationChanged,
    #[value(name = "superseded")]
    Superseded,
    #[value(name = "cessationOfOperation", alias = "cessation-of-operation")]
    CessationOfOperation,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["cert_name", "cert_path"])))]
pub struct RevokeArgs {
    /// The lineage to revoke (its current certificate)
    ///
    /// The lineage to revoke (its current certificate); server and account
    /// come from its renewal file
    #[arg(long, value_name = "NAME", help_heading = heading::NAMES,
          add = crate::cli::completion::cert_names())]
    pub cert_name: Option<String>,

    /// A certificate file (PEM or DER) to revoke
    #[arg(long, value_name = "PATH", help_heading = heading::NAMES)]
    pub cert_path: Option<PathBuf>,

    /// Why the certificate is revoked
    #[arg(long, value_enum, value_name = "REASON", help_heading = heading::NAMES)]
    pub reason: Option<RevocationReason>,

    /// Sign with the certificate's own private key
    ///
    /// Sign with the certificate's own private key instead of the account
    /// (when the account is lost)
    #[arg(long, value_name = "PATH", help_heading = heading::KEY)]
    pub key_path: Option<PathBuf>,

    #[command(flatten)]
    pub ca: CaArgs,

    /// Account to sign with when several exist for the server
    #[arg(long, value_name = "ID", conflicts_with = "key_path", help_heading = heading::CA,
          add = crate::cli::completion::account_ids())]
    pub account: Option<String>,

    /// Remove the lineage afterwards
    ///
    /// Remove the lineage (live link, archive, renewal file) afterwards;
    /// asks first on a terminal
    #[arg(long, requires = "cert_name", help_heading = heading::RENEWAL)]
    pub delete_after_revoke: bool,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// List the accounts stored locally (no network)
    #[command(after_help = "Examples:\n  \
        certwright account list\n  \
        certwright account list --server letsencrypt --json")]
    List(AccountListArgs),
    /// Show an account as the CA sees it, and what the CA offers
    #[command(after_help = "Examples:\n  \
        certwright account show\n  \
        certwright account show --server zerossl --account 3f2a9c01d4e5")]
    Show(AccountTarget),
    /// Change the account's contact addresses
    #[command(
        override_usage = "certwright account update --email EMAIL... [OPTIONS]\n       \
            certwright account update --no-email [OPTIONS]",
        after_help = "Examples:\n  \
        certwright account update --email new@example.com\n  \
        certwright account update --no-email"
    )]
    Update(AccountUpdateArgs),
    /// Replace the account key (RFC 8555 key change)
    #[command(after_help = "Example:\n  certwright account rollover --account-key-type ecdsa-p384")]
    Rollover(AccountRolloverArgs),
    /// Deactivate the account for good (the CA refuses it afterwards)
    #[command(
        after_help = "Example:\n  certwright account deactivate --account 3f2a9c01d4e5 --yes"
    )]
    Deactivate(AccountDeactivateArgs),
}

#[derive(Debug, Args)]
pub struct AccountListArgs {
    /// Only accounts for this server
    #[arg(long, value_name = "URL|ALIAS", help_heading = heading::CA)]
    pub server: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct AccountTarget {
    #[command(flatten)]
    pub ca: CaArgs,

    /// Account to use when several exist for the server
    #[arg(long, value_name = "ID", help_heading = heading::CA,
          add = crate::cli::completion::account_ids())]
    pub account: Option<String>,

    #[command(flatten)]
    pub staging: StagingArgs,
}

#[derive(Debug, Args)]
pub struct AccountUpdateArgs {
    #[command(flatten)]
    pub target: AccountTarget,

    /// New contact email (replaces all current ones); repeatable
    #[arg(
        short = 'm',
        long = "email",
        value_name = "EMAIL",
        required_unless_present = "no_email",
        help_heading = heading::CA
    )]
    pub email: Vec<String>,

    /// Remove every contact address
    #[arg(long, conflicts_with = "email", help_heading = heading::CA)]
    pub no_email: bool,
}

#[derive(Debug, Args)]
pub struct AccountRolloverArgs {
    #[command(flatten)]
    pub target: AccountTarget,

    /// Key type of the new account key
    #[arg(long, value_parser = key_type(), default_value_t = KeyType::EcdsaP256, value_name = "TYPE", help_heading = heading::CA)]
    pub account_key_type: KeyType,
}

#[derive(Debug, Args)]
pub struct AccountDeactivateArgs {
    #[command(flatten)]
    pub target: AccountTarget,

    /// Do not ask for confirmation
    #[arg(long, help_heading = heading::CA)]
    pub yes: bool,
}

/// `--key-type`/`--account-key-type`: the crypto layer's names, so that
/// layer needs no clap.
fn key_type() -> impl TypedValueParser<Value = KeyType> {
    PossibleValuesParser::new(KeyType::ALL.map(KeyType::name))
        .map(|name| KeyType::from_name(&name).expect("a listed key type name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            out.push(format!(
                "{path} {} {:?} {:?} {:?}",
                arg.get_id(),
                arg.get_long(),
                arg.get_short(),
                arg.get_action()
            ));
        }
        for sub in cmd.get_subcommands() {
            flags(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    /// The quick parser must accept exactly what the laid-out command does:
    /// a flag only one of them knew would parse differently with and
    /// without an error along the way.
    #[test]
    fn the_quick_parser_has_the_flags_of_the_full_command() {
        parser().debug_assert();
        command().debug_assert();
        let (mut quick, mut full) = (Vec::new(), Vec::new());
        let (mut p, mut c) = (parser(), command());
        p.build();
        c.build();
        flags(&p, "certwright", &mut quick);
        flags(&c, "certwright", &mut full);
        assert!(quick.len() > 100, "{}", quick.len());
        assert_eq!(quick, full);
    }

    #[test]
    fn both_parse_a_command_line_alike() {
        use clap::FromArgMatches;
        let line = [
            "certwright",
            "-q",
            "issue",
            "-d",
            "a.example",
            "-d",
            "b.example",
            "--standalone",
            "--key-type",
            "rsa3072",
            "--dry-run",
        ];
        let quick = Cli::from_arg_matches(&parser().try_get_matches_from(line).unwrap()).unwrap();
        let full = Cli::from_arg_matches(&command().try_get_matches_from(line).unwrap()).unwrap();
        assert_eq!(format!("{quick:?}"), format!("{full:?}"));
        // What the quick parser refuses, the full command refuses too (and
        // its error is the one shown).
        for line in [
            &["certwright", "--version"][..],
            &["certwright", "renew", "-V"],
        ] {
            for cmd in [parser(), command()] {
                let err = cmd.try_get_matches_from(line).unwrap_err();
                assert_eq!(
                    err.kind(),
                    clap::error::ErrorKind::DisplayVersion,
                    "{line:?}"
                );
            }
        }
        for bad in [
            &["certwright", "issue", "--no-such-flag"][..],
            &["certwright", "-h"],
        ] {
            assert!(parser().try_get_matches_from(bad).is_err());
            assert!(command().try_get_matches_from(bad).is_err());
        }
    }
}
