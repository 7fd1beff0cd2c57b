//! A renewal file is input like any other: a hand edit, a restored backup
//! or a file planted by someone else must pass the same checks as the flags
//! it stands for before any value reaches the CA, the disk or a shell.
//!
//! Errors name the file and the key, and quote the offending value only
//! after the file passed the ownership checks (it is then certwright's or
//! the admin's own); they never quote the file's text around it.

use super::{RenewalConfig, SolverConfig, validate_lineage_name};
use crate::error::{Error, Result};
use std::path::Path;

/// Largest renewal file certwright reads: its own are under 2 KiB; a file
/// larger than this is refused unread, so a 128 MiB file costs no memory.
pub const MAX_RENEWAL_FILE: u64 = 64 * 1024;

/// Longest hook command or other free-text value accepted.
const MAX_TEXT: usize = 4096;

fn bad(path: &Path, key: &str, why: String) -> Error {
    Error::BadFile {
        path: path.to_path_buf(),
        reason: format!(
            "`{key}`: {why}; fix the file (see docs/files.md) or remove it and issue again"
        ),
    }
}

/// Parses a renewal file's bytes. A TOML error is reported by line and
/// column and toml's message, never with the text of the line.
pub fn parse(data: &[u8], path: &Path) -> Result<RenewalConfig> {
    let text = std::str::from_utf8(data).map_err(|e| Error::BadFile {
        path: path.to_path_buf(),
        reason: format!("is not UTF-8 text (at byte {})", e.valid_up_to()),
    })?;
    toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!("line {line}, column {column}: ")
            })
            .unwrap_or_default();
        // toml's message names keys and types; cut anything after its
        // first line in case a future version quotes values there.
        let message = e.message().lines().next().unwrap_or("").trim().to_string();
        Error::BadFile {
            path: path.to_path_buf(),
            reason: format!("{at}{message}"),
        }
    })
}

/// Checks every value of `config` as strictly as the matching flag, and
/// that it describes the lineage `stem` its file is named after. Returns
/// the config with domains in their normalised form.
pub fn validate(mut config: RenewalConfig, stem: &str, path: &Path) -> Result<RenewalConfig> {
    validate_lineage_name(stem)?;
    if config.name != stem {
        return Err(bad(
            path,
            "name",
            format!(
                "{:?} does not match the file's name ({stem}.toml); a lineage's files are found by its name",
                config.name
            ),
        ));
    }
    validate_lineage_name(&config.name).map_err(|e| bad(path, "name", e.to_string()))?;
    crate::ca_servers::check_server(&config.server)
        .and_then(|url| check_url(&url))
        .map_err(|why| bad(path, "server", why))?;
    check_component(&config.account).map_err(|why| bad(path, "account", why))?;
    config.domains = crate::names::normalize_domains(&config.domains)
        .map_err(|e| bad(path, "domains", e.to_string()))?;
    match &config.solver {
        SolverConfig::Standalone {
            http_address: address,
            ..
        }
        | SolverConfig::TlsAlpn {
            tls_address: address,
            ..
        } => {
            if let Some(a) = address
                && a.parse::<std::net::IpAddr>().is_err()
            {
                return Err(bad(
                    path,
                    "solver address",
                    format!("{a:?} is not an IP address"),
                ));
            }
        }
        // Parsed where it is used, before any query is sent.
        SolverConfig::DnsPersist { .. } => {}
        SolverConfig::Webroot { webroot } => check_absolute(webroot, path, "solver.webroot")?,
        SolverConfig::Dns {
            auth_hook,
            cleanup_hook,
            propagation,
        } => {
            check_command(auth_hook, path, "solver.auth_hook")?;
            if let Some(c) = cleanup_hook {
                check_command(c, path, "solver.cleanup_hook")?;
            }
            check_propagation(propagation, path)?;
        }
        // Provider names are checked when the provider is opened, which
        // happens before the CA is contacted.
        SolverConfig::DnsProvider {
            provider,
            credentials,
            provider_for,
            propagation,
        } => {
            if let Some(p) = provider {
                check_component(p).map_err(|why| bad(path, "solver.provider", why))?;
            }
            if let Some(c) = credentials {
                check_absolute(c, path, "solver.credentials")?;
            }
            for (domain, spec) in provider_for {
                crate::names::normalize_domains(std::slice::from_ref(domain))
                    .map_err(|e| bad(path, "solver.provider_for", e.to_string()))?;
                check_component(&spec.provider)
                    .map_err(|why| bad(path, "solver.provider_for", why))?;
                if let Some(c) = &spec.credentials {
                    check_absolute(c, path, "solver.provider_for.credentials")?;
                }
            }
            check_propagation(propagation, path)?;
        }
        SolverConfig::Manual { propagation, .. } => check_propagation(propagation, path)?,
        SolverConfig::Nginx {
            server_root, ctl, ..
        } => {
            check_absolute(server_root, path, "solver.server_root")?;
            check_program(ctl, path, "solver.ctl")?;
        }
    }
    if let Some(super::InstallerConfig::Nginx {
        server_root, ctl, ..
    }) = &config.installer
    {
        check_absolute(server_root, path, "installer.server_root")?;
        check_program(ctl, path, "installer.ctl")?;
    }
    for (key, value) in [
        ("pre_hook", &config.pre_hook),
        ("post_hook", &config.post_hook),
        ("deploy_hook", &config.deploy_hook),
    ] {
        if let Some(cmd) = value {
            check_command(cmd, path, key)?;
        }
    }
    for (key, value) in [
        ("ca_bundle", &config.ca_bundle),
        ("csr_path", &config.csr_path),
        ("key_path", &config.key_path),
    ] {
        if let Some(p) = value {
            check_absolute(p, path, key)?;
        }
    }
    if config.csr_path.is_some() != config.key_path.is_some() {
        return Err(bad(
            path,
            "csr_path",
            "csr_path and key_path go together (a lineage from `issue --csr --key`)".into(),
        ));
    }
    if let Some(p) = &config.profile
        && (p.is_empty() || p.len() > 64 || !p.bytes().all(|b| b.is_ascii_graphic()))
    {
        return Err(bad(
            path,
            "profile",
            "a profile name is 1 to 64 printable ASCII characters".into(),
        ));
    }
    if let Some(c) = &config.preferred_chain
        && (c.len() > MAX_TEXT || c.chars().any(char::is_control))
    {
        return Err(bad(
            path,
            "preferred_chain",
            "an issuer name has no control characters".into(),
        ));
    }
    Ok(config)
}

fn check_url(url: &str) -> std::result::Result<String, String> {
    let rest = url.strip_prefix("https://").unwrap_or("");
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty()
        || url.len() > MAX_TEXT
        || url.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err("not an https:// URL with a host".into());
    }
    Ok(url.to_string())
}

/// An account id becomes a directory name.
fn check_component(id: &str) -> std::result::Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err("an account id has only letters, digits, '-', '_' and '.'".into())
    }
}

fn check_absolute(p: &Path, file: &Path, key: &str) -> Result<()> {
    let text = p.as_os_str().as_encoded_bytes();
    if !p.is_absolute() || text.contains(&0) || text.len() > MAX_TEXT {
        return Err(bad(
            file,
            key,
            "must be an absolute path (renewals run from cron, in no particular directory)".into(),
        ));
    }
    Ok(())
}

/// A program: a name looked up in PATH (`nginx`), or an absolute path.
fn check_program(p: &Path, file: &Path, key: &str) -> Result<()> {
    let text = p.as_os_str().as_encoded_bytes();
    if text.contains(&b'/') {
        return check_absolute(p, file, key);
    }
    if text.is_empty() || text.contains(&0) {
        return Err(bad(file, key, "must name a program".into()));
    }
    Ok(())
}

fn check_command(cmd: &str, file: &Path, key: &str) -> Result<()> {
    if cmd.trim().is_empty() || cmd.contains('\0') || cmd.len() > MAX_TEXT {
        return Err(bad(
            file,
            key,
            format!("a hook is a non-empty command of at most {MAX_TEXT} bytes"),
        ));
    }
    Ok(())
}

fn check_propagation(p: &super::PropagationOverrides, file: &Path) -> Result<()> {
    if let Some(times) = &p.propagation_sleep_times
        && (times.is_empty() || times.contains(&0))
    {
        return Err(bad(
            file,
            "propagation_sleep_times",
            "must be positive seconds, e.g. [1, 2, 4, 8]".into(),
        ));
    }
    // dns_resolver is parsed where it is used, before any query is sent
    // (challenge::propagation::parse_server, the flag's own parser).
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "example.com"
server = "https://ca.test/dir"
account = "abc123"
domains = ["example.com", "WWW.example.com"]
key_type = "ecdsa-p256"

[solver]
kind = "webroot"
webroot = "/var/www/html"
"#;

    fn check(text: &str, stem: &str) -> Result<RenewalConfig> {
        let path = Path::new("/etc/certwright/renewal/x.toml");
        validate(parse(text.as_bytes(), path)?, stem, path)
    }

    #[test]
    fn a_good_file_passes_with_normalised_domains() {
        let c = check(GOOD, "example.com").unwrap();
        assert_eq!(c.domains, ["example.com", "www.example.com"]);
    }

    #[test]
    fn hostile_domains_fail_like_the_flag() {
        for bad in ["../../x", "$(touch y)", "a b.example.com", "x.com\nevil"] {
            let text = GOOD.replace("\"WWW.example.com\"", &format!("{bad:?}"));
            let err = check(&text, "example.com").unwrap_err().to_string();
            assert!(
                err.contains("`domains`: invalid domain name"),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn the_name_must_match_the_file_and_stay_inside() {
        let text = GOOD.replace("name = \"example.com\"", "name = \"../../../victim/pwn\"");
        let err = check(&text, "example.com").unwrap_err().to_string();
        assert!(err.contains("does not match the file's name"), "{err}");
        assert!(check(&text, "../../../victim/pwn").is_err());
        assert!(check(GOOD, "other.com").is_err());
    }

    #[test]
    fn every_value_is_checked() {
        for (from, to) in [
            ("https://ca.test/dir", "http://ca.test/dir"),
            ("https://ca.test/dir", "https://"),
            ("abc123", "../a"),
            ("/var/www/html", "relative/dir"),
            ("key_type = \"ecdsa-p256\"", "key_type = \"dsa-512\""),
            ("kind = \"webroot\"", "kind = \"ftp\""),
        ] {
            let text = GOOD.replace(from, to);
            assert!(check(&text, "example.com").is_err(), "{to}");
        }
        let hook = GOOD.replace("key_type", "deploy_hook = \"\"\nkey_type");
        assert!(check(&hook, "example.com").is_err());
        let profile = GOOD.replace("key_type", "profile = \"a b\"\nkey_type");
        assert!(check(&profile, "example.com").is_err());
    }

    #[test]
    fn parse_errors_do_not_quote_the_file() {
        let secret = "root:$6$secrethash:19000:0:99999:7:::";
        let err = check(secret, "example.com").unwrap_err().to_string();
        assert!(!err.contains("secrethash"), "{err}");
        assert!(err.contains("line 1"), "{err}");
    }
}
