//! Installers put an issued certificate into a server's configuration and
//! make the server load it. Only nginx so far (`--nginx`, docs/nginx.md);
//! the renewal file keeps the installer so `renew` does the same.

use crate::error::Result;
use crate::nginx::ctl::Nginx;
use crate::nginx::install::{self, InstallOptions, Installed};
use crate::progress::Progress;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const DEFAULT_HTTP_PORT: u16 = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InstallerConfig {
    Nginx {
        /// The directory holding nginx.conf.
        server_root: PathBuf,
        /// The nginx binary (or a wrapper).
        ctl: PathBuf,
        /// The port plain http is served on (where a redirect goes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        http_port: Option<u16>,
        https_port: u16,
        #[serde(default)]
        redirect: bool,
    },
}

impl InstallerConfig {
    fn parts(&self) -> (Nginx, InstallOptions) {
        match self {
            InstallerConfig::Nginx {
                server_root,
                ctl,
                http_port,
                https_port,
                redirect,
            } => (
                Nginx::new(ctl, server_root),
                InstallOptions {
                    http_port: http_port.unwrap_or(DEFAULT_HTTP_PORT),
                    https_port: *https_port,
                    redirect: *redirect,
                },
            ),
        }
    }

    /// Everything that can be checked before the CA is contacted: the
    /// server runs, its configuration is valid, each name has a block.
    pub fn preflight(&self, domains: &[String]) -> Result<()> {
        let (nginx, opts) = self.parts();
        install::preflight(&nginx, domains, &opts)
    }

    /// Points the server at the lineage's live files (which a renewal
    /// swaps underneath) and reloads it.
    pub fn install(
        &self,
        fullchain: &Path,
        privkey: &Path,
        domains: &[String],
        progress: &dyn Progress,
    ) -> Result<Installed> {
        let (nginx, opts) = self.parts();
        install::install(&nginx, domains, fullchain, privkey, &opts, progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_file_form() {
        let config = InstallerConfig::Nginx {
            server_root: "/etc/nginx".into(),
            ctl: "nginx".into(),
            http_port: None,
            https_port: 443,
            redirect: true,
        };
        let text = toml::to_string(&config).unwrap();
        assert_eq!(
            text,
            "kind = \"nginx\"\nserver_root = \"/etc/nginx\"\nctl = \"nginx\"\nhttps_port = 443\nredirect = true\n"
        );
        assert_eq!(toml::from_str::<InstallerConfig>(&text).unwrap(), config);
    }
}
