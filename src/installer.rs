//! Installers put an issued certificate into a server's configuration and
//! make the server load it: the one place that turns a stored
//! [`InstallerConfig`] into work. Only nginx so far (docs/nginx.md).

use crate::error::Result;
use crate::nginx::ctl::Nginx;
use crate::nginx::install::{self, InstallOptions, Installed};
use crate::progress::Progress;
use crate::store::InstallerConfig;
use std::path::Path;

/// The port plain http is served on when the renewal file does not say.
pub const DEFAULT_HTTP_PORT: u16 = 80;

fn parts(config: &InstallerConfig) -> (Nginx, InstallOptions) {
    match config {
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

/// Everything that can be checked before the CA is contacted: the server
/// runs, its configuration is valid, each name has a block to go into.
pub fn preflight(config: &InstallerConfig, domains: &[String]) -> Result<()> {
    let (nginx, opts) = parts(config);
    install::preflight(&nginx, domains, &opts)
}

/// Points the server at the lineage's live files (which a renewal swaps
/// underneath) and reloads it.
pub fn install(
    config: &InstallerConfig,
    fullchain: &Path,
    privkey: &Path,
    domains: &[String],
    progress: &dyn Progress,
) -> Result<Installed> {
    let (nginx, opts) = parts(config);
    install::install(&nginx, domains, fullchain, privkey, &opts, progress)
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
