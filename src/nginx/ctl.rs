//! Running nginx (`-t`, `-T`, `-s reload`) and changing its configuration
//! as one transaction: the files are checked against what nginx read,
//! written atomically (symlinks followed, mode and owner kept), tested
//! with `nginx -t`, and nginx reloaded; on any failure every file gets its
//! exact old bytes back, so the running nginx never loads a config
//! certwright broke.

use super::config::{self, Config};
use super::edit::{self, Splice};
use crate::error::{Error, Result};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const DEFAULT_SERVER_ROOT: &str = "/etc/nginx";
pub const DEFAULT_CTL: &str = "nginx";

/// How certwright runs nginx: `CTL -c SERVER_ROOT/nginx.conf ...`. A
/// reload sends the signal to the pid named in that configuration, so an
/// nginx started with its own prefix must name its pid file there.
#[derive(Debug, Clone)]
pub struct Nginx {
    pub ctl: PathBuf,
    pub server_root: PathBuf,
}

impl Nginx {
    pub fn new(ctl: impl Into<PathBuf>, server_root: impl Into<PathBuf>) -> Nginx {
        Nginx {
            ctl: ctl.into(),
            server_root: server_root.into(),
        }
    }

    pub fn conf_path(&self) -> PathBuf {
        let root = if self.server_root.is_absolute() {
            self.server_root.clone()
        } else {
            std::env::current_dir()
                .map(|d| d.join(&self.server_root))
                .unwrap_or_else(|_| self.server_root.clone())
        };
        root.join("nginx.conf")
    }

    fn run(&self, args: &[&str]) -> Result<std::process::Output> {
        let conf = self.conf_path();
        let output = Command::new(&self.ctl)
            .arg("-c")
            .arg(&conf)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output();
        match output {
            Ok(o) => Ok(o),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::Usage(format!(
                "nginx was not found (looked for `{}`{}): install nginx, or name its binary with --nginx-ctl PATH",
                self.ctl.display(),
                if self.ctl.components().count() == 1 {
                    " on PATH"
                } else {
                    ""
                }
            ))),
            Err(e) => Err(Error::Solver(format!(
                "cannot run {}: {e}",
                self.ctl.display()
            ))),
        }
    }

    fn failed(&self, what: &str, out: &std::process::Output) -> Error {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Error::Solver(format!(
            "`{} -c {} {what}` failed ({}):\n{}",
            self.ctl.display(),
            self.conf_path().display(),
            out.status,
            stderr.trim_end()
        ))
    }

    /// `nginx -t`: is the configuration on disk valid?
    pub fn test(&self) -> Result<()> {
        let out = self.run(&["-t", "-q"])?;
        if out.status.success() {
            Ok(())
        } else {
            Err(self.failed("-t", &out))
        }
    }

    /// The effective configuration, read with `nginx -T`. It also tests the
    /// configuration: a broken one is refused before anything is changed.
    pub fn read_config(&self) -> Result<Config> {
        let conf = self.conf_path();
        if !conf.is_file() {
            return Err(Error::Usage(format!(
                "{} does not exist: pass the directory that holds nginx.conf with --nginx-server-root DIR",
                conf.display()
            )));
        }
        let out = self.run(&["-T", "-q"])?;
        if !out.status.success() {
            return Err(Error::Solver(format!(
                "nginx's configuration does not pass its own test, so certwright changes nothing; fix it first:\n{}",
                self.failed("-T", &out)
            )));
        }
        let sections = config::split_dump(&out.stdout, |p| std::fs::read(p).ok())?;
        Config::from_sections(&conf, sections)
    }

    /// `nginx -s reload`. nginx answers once the signal is sent; the master
    /// loads the new files a moment later.
    pub fn reload(&self) -> Result<()> {
        let out = self.run(&["-s", "reload"])?;
        if out.status.success() {
            Ok(())
        } else {
            Err(self.failed("-s reload", &out))
        }
    }

    /// Writes the splices, tests, reloads. On any failure the old bytes are
    /// put back (and nginx, if it was already told to reload, reloaded
    /// again) and the error says what failed.
    pub fn apply(&self, config: &Config, splices: &[Splice]) -> Result<Applied> {
        let applied = Applied::write(config, splices)?;
        if applied.files.is_empty() {
            return Ok(applied);
        }
        // A failed test or a failed `-s reload` (no running nginx) left
        // the running nginx on its old configuration: putting the old bytes
        // back is all that is needed, no second reload.
        match self.test().and_then(|()| self.reload()) {
            Ok(()) => Ok(applied),
            Err(e) => Err(match applied.restore() {
                Ok(()) => Error::Solver(format!(
                    "{e}\nThe configuration files were restored byte for byte; nginx never loaded the change"
                )),
                Err(r) => Error::Solver(format!(
                    "{e}\nRestoring the old configuration failed too: {r}"
                )),
            }),
        }
    }

    /// Takes back an [`Applied`] change and reloads.
    pub fn revert(&self, applied: Applied) -> Result<()> {
        if applied.files.is_empty() {
            return Ok(());
        }
        applied.restore()?;
        self.reload()
    }
}

/// One file certwright rewrote, with its exact old bytes.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// The path nginx names (maybe a symlink).
    pub path: PathBuf,
    /// The file really written.
    pub real: PathBuf,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
}

/// Changes written to disk; [`Applied::restore`] puts the old bytes back.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    pub files: Vec<FileChange>,
}

impl Applied {
    fn write(config: &Config, splices: &[Splice]) -> Result<Applied> {
        let mut files: Vec<usize> = splices.iter().map(|s| s.file).collect();
        files.sort_unstable();
        files.dedup();
        let mut changes = Vec::new();
        for f in files {
            let source = &config.files[f];
            let mine: Vec<&Splice> = splices.iter().filter(|s| s.file == f).collect();
            let after = edit::apply(&source.text, &mine)?;
            if after == source.text {
                continue;
            }
            let real = std::fs::canonicalize(&source.path).map_err(Error::io(&source.path))?;
            let on_disk = std::fs::read(&real).map_err(Error::io(&real))?;
            if on_disk != source.text {
                return Err(Error::Solver(format!(
                    "{} changed after nginx read it; run certwright again",
                    source.path.display()
                )));
            }
            changes.push(FileChange {
                path: source.path.clone(),
                real,
                before: source.text.clone(),
                after,
            });
        }
        let mut applied = Applied::default();
        for change in changes {
            if let Err(e) = write_like(&change.real, &change.after) {
                let _ = applied.restore();
                return Err(e);
            }
            applied.files.push(change);
        }
        Ok(applied)
    }

    /// Puts every file's old bytes back. A file someone changed since is
    /// left alone and reported, rather than losing their edit.
    pub fn restore(&self) -> Result<()> {
        let mut first_error = None;
        for change in self.files.iter().rev() {
            let result = match std::fs::read(&change.real) {
                Ok(now) if now == change.before => Ok(()),
                Ok(now) if now == change.after => write_like(&change.real, &change.before),
                Ok(_) => Err(Error::Solver(format!(
                    "{} was changed by someone else while certwright had it changed; certwright's lines are still in it: remove them by hand",
                    change.path.display()
                ))),
                Err(e) => Err(Error::Io {
                    path: change.real.clone(),
                    source: e,
                }),
            };
            if let Err(e) = result {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Atomically replaces `path`, keeping its mode, owner and group.
fn write_like(path: &Path, data: &[u8]) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(Error::io(path))?;
    crate::store::safe_fs::replace_file(path, data, meta.mode() & 0o7777)?;
    // Only root can give a file away; anyone else wrote it as themselves
    // already, which is what they own.
    let _ = std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_nginx_is_a_usage_error_naming_the_flag() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("nginx.conf"), "events {}").unwrap();
        let nginx = Nginx::new("/nonexistent/nginx", tmp.path());
        let err = nginx.read_config().unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{err}");
        assert!(err.to_string().contains("--nginx-ctl"), "{err}");
        let nginx = Nginx::new("nginx", tmp.path().join("nope"));
        let err = nginx.read_config().unwrap_err();
        assert!(err.to_string().contains("--nginx-server-root"), "{err}");
    }

    #[test]
    fn writes_follow_symlinks_keep_modes_and_restore_exactly() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let avail = tmp.path().join("sites-available");
        let enabled = tmp.path().join("sites-enabled");
        std::fs::create_dir_all(&avail).unwrap();
        std::fs::create_dir_all(&enabled).unwrap();
        let site = avail.join("default");
        let original = "server {\n\tlisten 80; # tab-indented\n}\n";
        std::fs::write(&site, original).unwrap();
        std::fs::set_permissions(&site, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink("../sites-available/default", enabled.join("default")).unwrap();
        let conf = tmp.path().join("nginx.conf");
        let sections = vec![
            (conf.clone(), b"http { include sites-enabled/*; }".to_vec()),
            (enabled.join("default"), original.as_bytes().to_vec()),
        ];
        let c = Config::from_sections(&conf, sections).unwrap();
        let splice = edit::challenge_splice(&c, &c.servers[0], "t", "t.k").unwrap();
        let applied = Applied::write(&c, std::slice::from_ref(&splice)).unwrap();
        assert!(
            std::fs::symlink_metadata(enabled.join("default"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            std::fs::read_to_string(&site)
                .unwrap()
                .contains("acme-challenge/t")
        );
        assert_eq!(
            std::fs::metadata(&site).unwrap().permissions().mode() & 0o777,
            0o640
        );
        applied.restore().unwrap();
        assert_eq!(std::fs::read_to_string(&site).unwrap(), original);

        // A file that changed after nginx read it is not touched.
        std::fs::write(&site, "server { listen 81; }\n").unwrap();
        let err = Applied::write(&c, std::slice::from_ref(&splice)).unwrap_err();
        assert!(
            err.to_string().contains("changed after nginx read it"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(&site).unwrap(),
            "server { listen 81; }\n"
        );

        // Someone else's edit during our change is kept, and reported.
        std::fs::write(&site, original).unwrap();
        let applied = Applied::write(&c, &[splice]).unwrap();
        std::fs::write(&site, "theirs").unwrap();
        assert!(applied.restore().is_err());
        assert_eq!(std::fs::read_to_string(&site).unwrap(), "theirs");
    }
}
