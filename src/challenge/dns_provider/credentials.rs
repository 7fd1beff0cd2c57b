//! Credentials of a DNS provider: a file (certwright's TOML, or a certbot
//! plugin's INI so users switch without rewriting), then the provider's
//! environment variables (lego's names) for whatever the file does not say.
//!
//! The file holds a secret that can change the user's DNS, so it must be
//! private (no group or other permission bits) and owned by root or by the
//! user running certwright; anything else is refused before it is read,
//! the way ssh refuses a readable private key.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Key/value pairs from the file and from the environment.
pub struct Credentials {
    path: Option<PathBuf>,
    file: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
}

// The values are secrets: print only which keys are set.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("path", &self.path)
            .field("file_keys", &self.file.keys().collect::<Vec<_>>())
            .field("env_keys", &self.env.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Credentials {
    /// Reads `path` (after the ownership and mode check) and the process
    /// environment's variables in `env_names`.
    pub fn load(path: Option<&Path>, env_names: &[&str]) -> Result<Credentials> {
        let env = env_names
            .iter()
            .filter_map(|name| {
                std::env::var(name)
                    .ok()
                    .filter(|v| !v.is_empty())
                    .map(|v| (name.to_string(), v))
            })
            .collect();
        let file = match path {
            None => BTreeMap::new(),
            Some(path) => {
                // A credentials problem is the configuration's, like a bad
                // flag: reported as usage (exit 2), before the CA is asked.
                let usage = |e: Error| Error::Usage(format!("DNS credentials file {e}"));
                check_private(path).map_err(usage)?;
                let text = std::fs::read_to_string(path)
                    .map_err(Error::io(path))
                    .map_err(usage)?;
                parse(path, &text).map_err(usage)?
            }
        };
        Ok(Credentials {
            path: path.map(Path::to_path_buf),
            file,
            env,
        })
    }

    /// For tests: values as if read from `path`.
    pub fn from_parts(
        path: Option<&Path>,
        file: &[(&str, &str)],
        env: &[(&str, &str)],
    ) -> Credentials {
        let own = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        Credentials {
            path: path.map(Path::to_path_buf),
            file: own(file),
            env: own(env),
        }
    }

    /// The first of `file_keys` the file sets, else the first of
    /// `env_keys` the environment sets.
    pub fn get(&self, file_keys: &[&str], env_keys: &[&str]) -> Option<&str> {
        file_keys
            .iter()
            .find_map(|k| self.file.get(*k))
            .or_else(|| env_keys.iter().find_map(|k| self.env.get(*k)))
            .map(String::as_str)
    }

    /// Like [`get`](Self::get), but a missing value is an error naming
    /// where it could have come from.
    pub fn require(&self, file_keys: &[&str], env_keys: &[&str]) -> Result<&str> {
        self.get(file_keys, env_keys).ok_or_else(|| {
            let mut ways = Vec::new();
            match &self.path {
                Some(p) => ways.push(format!("set {} in {}", file_keys[0], p.display())),
                None => ways.push(format!("pass --dns-credentials FILE with {}", file_keys[0])),
            }
            if let Some(env) = env_keys.first() {
                ways.push(format!("set the environment variable {env}"));
            }
            Error::Usage(format!(
                "the DNS provider's {} is not set: {}",
                file_keys[0],
                ways.join(", or ")
            ))
        })
    }

    /// Where the values came from, for error messages.
    pub fn source(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "the environment".into(),
        }
    }
}

/// TOML first; a certbot plugin's INI file (`key = value`, unquoted) is
/// not TOML, so that is the fallback.
fn parse(path: &Path, text: &str) -> Result<BTreeMap<String, String>> {
    match text.parse::<toml::Table>() {
        Ok(table) => table
            .into_iter()
            .map(|(k, v)| match v {
                toml::Value::String(s) => Ok((k, s)),
                toml::Value::Integer(n) => Ok((k, n.to_string())),
                other => Err(Error::BadFile {
                    path: path.to_path_buf(),
                    reason: format!(
                        "{k} must be a string or a number, not a {}",
                        other.type_str()
                    ),
                }),
            })
            .collect(),
        Err(toml_error) => parse_ini(text).ok_or_else(|| Error::BadFile {
            path: path.to_path_buf(),
            reason: format!(
                "neither TOML (`key = \"value\"`) nor a certbot INI file (`key = value`): {}",
                toml_error.message()
            ),
        }),
    }
}

/// certbot's credentials files (configobj): `key = value` lines, `#` or
/// `;` comments, optional quotes; nothing else.
fn parse_ini(text: &str) -> Option<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let (key, value) = line.split_once('=')?;
        let key = key.trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        out.insert(key.to_string(), value.to_string());
    }
    Some(out)
}

/// Refuses a credentials file others could change (the store's strict
/// modes: owner root or this user, no group/other write, the same for every
/// directory above it) or read (a secret: no group/other bits at all).
pub fn check_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    crate::strict_modes::check_chain(path, "the DNS credentials file")?;
    let meta = std::fs::metadata(path).map_err(Error::io(path))?;
    if !meta.is_file() {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: "is not a regular file".into(),
        });
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: format!(
                "holds DNS credentials but has mode {mode:04o}, so other users can read it; refusing to use it: chmod 600 {}",
                path.display()
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn write(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn a_file_others_can_read_is_refused_and_a_private_one_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let text = "server = \"127.0.0.1:53\"\n";
        for mode in [0o644, 0o640, 0o604] {
            let path = write(tmp.path(), "c.toml", text, mode);
            let err = Credentials::load(Some(&path), &[]).unwrap_err().to_string();
            assert!(err.contains(&format!("{mode:04o}")), "{err}");
            assert!(err.contains("chmod 600"), "{err}");
        }
        // Writable by others: the store's strict-modes check says so.
        for mode in [0o660, 0o602] {
            let path = write(tmp.path(), "c.toml", text, mode);
            let err = Credentials::load(Some(&path), &[]).unwrap_err().to_string();
            assert!(err.contains(&format!("{mode:04o}")), "{err}");
            assert!(err.contains("chmod go-w"), "{err}");
        }
        let path = write(tmp.path(), "c.toml", text, 0o600);
        let c = Credentials::load(Some(&path), &[]).unwrap();
        assert_eq!(c.get(&["server"], &[]), Some("127.0.0.1:53"));
        let path = write(tmp.path(), "c.toml", text, 0o400);
        Credentials::load(Some(&path), &[]).unwrap();
    }

    #[test]
    fn a_file_owned_by_someone_else_is_refused() {
        if !std::fs::metadata("/proc/self").is_ok_and(|m| {
            use std::os::unix::fs::MetadataExt;
            m.uid() == 0
        }) {
            return; // only root can give a file away
        }
        let tmp = tempfile::tempdir().unwrap();
        let path = write(tmp.path(), "c.toml", "a = \"b\"\n", 0o600);
        std::os::unix::fs::chown(&path, Some(4242), None).unwrap();
        let err = Credentials::load(Some(&path), &[]).unwrap_err().to_string();
        assert!(err.contains("owned by uid 4242"), "{err}");
    }

    #[test]
    fn certbot_ini_files_are_read() {
        let tmp = tempfile::tempdir().unwrap();
        let path = write(
            tmp.path(),
            "rfc2136.ini",
            "# Target DNS server\ndns_rfc2136_server = 192.0.2.1\ndns_rfc2136_port = 53\n\
             dns_rfc2136_name = keyname.\ndns_rfc2136_secret = 4q4wM/2I180UXoMyN4INVhJNi8V9BCV+jMw2mXgZw/CSuxUT8C7NKKFs AmKd7ak51vWKgSl12ib86oQRPkpDjg==\n\
             dns_rfc2136_algorithm = HMAC-SHA512\n",
            0o600,
        );
        let c = Credentials::load(Some(&path), &[]).unwrap();
        assert_eq!(c.get(&["dns_rfc2136_server"], &[]), Some("192.0.2.1"));
        assert_eq!(c.get(&["dns_rfc2136_name"], &[]), Some("keyname."));
        assert_eq!(c.get(&["dns_rfc2136_algorithm"], &[]), Some("HMAC-SHA512"));
    }

    #[test]
    fn the_file_wins_over_the_environment_and_missing_values_say_where_to_set_them() {
        let c = Credentials::from_parts(
            Some(Path::new("/etc/certwright/dns.toml")),
            &[("api_key", "from-file")],
            &[("PDNS_API_KEY", "from-env"), ("PDNS_API_URL", "http://x")],
        );
        assert_eq!(c.get(&["api_key"], &["PDNS_API_KEY"]), Some("from-file"));
        assert_eq!(c.get(&["api_url"], &["PDNS_API_URL"]), Some("http://x"));
        let err = c
            .require(&["server_id"], &["PDNS_SERVER_ID"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("set server_id in /etc/certwright/dns.toml")
                && err.contains("PDNS_SERVER_ID"),
            "{err}"
        );
        assert!(
            !format!("{c:?}").contains("from-file"),
            "Debug leaks secrets"
        );
    }

    #[test]
    fn garbage_is_neither_toml_nor_ini() {
        let tmp = tempfile::tempdir().unwrap();
        let path = write(tmp.path(), "c", "just some words\n", 0o600);
        let err = Credentials::load(Some(&path), &[]).unwrap_err().to_string();
        assert!(err.contains("neither TOML"), "{err}");
    }
}
