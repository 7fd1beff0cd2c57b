//! Installing a certificate into nginx (`--nginx`, `install --nginx`):
//! the server blocks whose server_name matches a name of the certificate
//! are pointed at `live/NAME/fullchain.pem` and `privkey.pem` (existing
//! `ssl_certificate`/`ssl_certificate_key` lines are updated, else a TLS
//! listener and both lines are added), with `--redirect` an http-to-https
//! redirect goes into the blocks that serve the names on the http port,
//! and nginx is tested and reloaded; any failure restores every file byte
//! for byte. The paths point at `live/`, so a renewal needs only a reload.
//!
//! The redirect is certbot's: `if ($scheme != "https") { return 301 ...; }`
//! in the block itself, rather than a new server block for port 80. It
//! works whether the block serves http only or both (then it redirects
//! only plain requests), changes one line, and leaves the block's own
//! locations alone; challenges still pass, because the authenticator puts
//! a `rewrite ... break` before it.

use super::config::{Config, ServerBlock};
use super::ctl::Nginx;
use super::edit::{self, InstallPlan};
use super::matcher::{self, no_block_error};
use crate::error::Result;
use crate::progress::Progress;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstallOptions {
    pub http_port: u16,
    pub https_port: u16,
    pub redirect: bool,
}

/// What an install did, for the output.
#[derive(Debug, Clone, Default)]
pub struct Installed {
    /// "FILE:LINE" of every block that got the certificate.
    pub blocks: Vec<String>,
    /// Files whose bytes changed.
    pub changed: Vec<std::path::PathBuf>,
}

/// The blocks that get the certificate and the blocks that get the
/// redirect. A name served on the https port by name installs there
/// (a separate https block is updated, its http twin gets the redirect);
/// else the block serving it on the http port gets a TLS listener.
pub fn targets<'a>(
    config: &'a Config,
    names: &[String],
    opts: &InstallOptions,
) -> Result<(Vec<&'a ServerBlock>, Vec<&'a ServerBlock>)> {
    let mut install: Vec<&ServerBlock> = Vec::new();
    let mut redirect: Vec<&ServerBlock> = Vec::new();
    let mut missing = Vec::new();
    let push = |list: &mut Vec<&'a ServerBlock>, s: &'a ServerBlock| {
        if !list.iter().any(|x| x.order == s.order) {
            list.push(s);
        }
    };
    for name in names {
        let https: Vec<_> = matcher::answering(config, name, opts.https_port)
            .by_name()
            .collect();
        let http: Vec<_> = matcher::answering(config, name, opts.http_port)
            .by_name()
            .collect();
        let chosen = if https.is_empty() { &http } else { &https };
        if chosen.is_empty() {
            missing.push(name.clone());
        }
        for s in chosen {
            push(&mut install, s);
        }
        for s in http {
            push(&mut redirect, s);
        }
    }
    if !missing.is_empty() {
        let condition = format!(
            "on port {} or {} has a server_name matching",
            opts.https_port, opts.http_port
        );
        return Err(no_block_error(config, &missing, &condition, opts.http_port));
    }
    install.sort_by_key(|s| s.order);
    redirect.sort_by_key(|s| s.order);
    Ok((install, redirect))
}

/// Checks, before the CA is contacted, that an install will find its
/// blocks and that certwright can change them.
pub fn preflight(nginx: &Nginx, names: &[String], opts: &InstallOptions) -> Result<()> {
    let config = nginx.read_config()?;
    let (install, redirect) = targets(&config, names, opts)?;
    let plan = InstallPlan {
        fullchain: "/preflight/fullchain.pem".into(),
        privkey: "/preflight/privkey.pem".into(),
        https_port: opts.https_port,
        redirect: opts.redirect,
    };
    edit::install_splices(&config, &install, &redirect, &plan).map(|_| ())
}

pub fn install(
    nginx: &Nginx,
    names: &[String],
    fullchain: &Path,
    privkey: &Path,
    opts: &InstallOptions,
    progress: &dyn Progress,
) -> Result<Installed> {
    let config = nginx.read_config()?;
    let (install, redirect) = targets(&config, names, opts)?;
    let plan = InstallPlan {
        fullchain: fullchain.display().to_string(),
        privkey: privkey.display().to_string(),
        https_port: opts.https_port,
        redirect: opts.redirect,
    };
    let splices = edit::install_splices(&config, &install, &redirect, &plan)?;
    let blocks = install.iter().map(|s| config.where_is(s)).collect();
    if splices.is_empty() {
        // Already pointing at live/: the files behind it changed, which
        // nginx reads only on a reload.
        progress.step("nginx already uses this certificate; reloading it");
        nginx.test()?;
        nginx.reload()?;
        return Ok(Installed {
            blocks,
            changed: Vec::new(),
        });
    }
    progress.step(&format!(
        "installing the certificate into {} nginx server block(s)",
        install.len()
    ));
    let applied = nginx.apply(&config, &splices)?;
    Ok(Installed {
        blocks,
        changed: applied.files.iter().map(|f| f.path.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn config(text: &str) -> Config {
        let path = PathBuf::from("/nonexistent/nginx.conf");
        Config::from_sections(&path, vec![(path.clone(), text.as_bytes().to_vec())]).unwrap()
    }

    const OPTS: InstallOptions = InstallOptions {
        http_port: 80,
        https_port: 443,
        redirect: true,
    };

    #[test]
    fn separate_https_block_gets_the_certificate_and_the_http_one_the_redirect() {
        let c = config(
            "http {
  server { listen 80; server_name a.test; }
  server { listen 443 ssl; server_name a.test; ssl_certificate /o; ssl_certificate_key /k; }
  server { listen 80; server_name b.test; }
}",
        );
        let (install, redirect) = targets(&c, &["a.test".into(), "b.test".into()], &OPTS).unwrap();
        assert_eq!(install.iter().map(|s| s.order).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(redirect.iter().map(|s| s.order).collect::<Vec<_>>(), [0, 2]);
    }

    #[test]
    fn no_name_match_is_a_usage_error_that_names_names_and_files() {
        let c = config("http { server { listen 80 default_server; server_name _; } }");
        let err = targets(&c, &["a.test".into(), "b.test".into()], &OPTS).unwrap_err();
        assert!(matches!(err, crate::error::Error::Usage(_)));
        let msg = err.to_string();
        assert!(msg.contains("a.test, b.test"), "{msg}");
        assert!(msg.contains("/nonexistent/nginx.conf"), "{msg}");
        assert!(msg.contains("--webroot"), "{msg}");
        assert!(
            msg.contains("on port 443 or 80 has a server_name matching a.test, b.test."),
            "{msg}"
        );
    }
}
