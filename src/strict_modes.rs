//! Ownership and mode checks before certwright trusts a file, as sshd's
//! `StrictModes` does for `~/.ssh`: the config directory, the config file
//! and renewal files say which commands run as root (hooks) and where keys
//! go, so whoever can write them can become root.
//!
//! A file is trusted when it, and every directory above it, is owned by
//! root or by the user running certwright, and writable by nobody else.
//! Directories above that are writable by others are accepted only with the
//! sticky bit (`/tmp`): there, others cannot rename or replace our entries.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Why a file is not trusted, or could not be looked at. Its own type, not
/// `crate::error::Error` (which converts it), so that everything that runs
/// what files name (hooks) can use these checks without an import circle.
#[derive(Debug, thiserror::Error)]
pub enum Untrusted {
    #[error("{path}: {reason}")]
    Refused { path: PathBuf, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

type Result<T> = std::result::Result<T, Untrusted>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Untrusted + '_ {
    move |source| Untrusted::Io {
        path: path.to_path_buf(),
        source,
    }
}

const GROUP_OR_OTHER_WRITE: u32 = 0o022;
const STICKY: u32 = 0o1000;

fn euid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// "uid 65534 (nobody)": the name from /etc/passwd when there is one.
pub fn describe_uid(uid: u32) -> String {
    let name = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                let found: u32 = fields.nth(1)?.parse().ok()?;
                (found == uid).then(|| name.to_string())
            })
        });
    match name {
        Some(n) => format!("uid {uid} ({n})"),
        None => format!("uid {uid}"),
    }
}

/// Whether a file with these facts may be trusted by this user; the error
/// says who owns it, its mode, and the command that fixes it.
pub fn check_metadata(
    path: &Path,
    meta: &std::fs::Metadata,
    what: &str,
    sticky_ok: bool,
) -> Result<()> {
    let me = euid();
    let owner = meta.uid();
    let mode = meta.mode() & 0o7777;
    let refuse = |problem: String, fix: String| Untrusted::Refused {
        path: path.to_path_buf(),
        reason: format!(
            "refusing to use {what}: {problem}, so someone other than root or you could change what certwright (often run as root) does. Fix: {fix}"
        ),
    };
    if owner != 0 && owner != me {
        let trusted = if me == 0 {
            "root".to_string()
        } else {
            format!("root or you ({})", describe_uid(me))
        };
        return Err(refuse(
            format!(
                "it is owned by {}, not by {trusted} (mode {mode:04o})",
                describe_uid(owner)
            ),
            format!(
                "if its content is what you expect: chown {} {}",
                if me == 0 {
                    "root:root".into()
                } else {
                    me.to_string()
                },
                path.display()
            ),
        ));
    }
    if mode & GROUP_OR_OTHER_WRITE != 0 && !(sticky_ok && meta.is_dir() && mode & STICKY != 0) {
        let who = match (mode & 0o020 != 0, mode & 0o002 != 0) {
            (true, true) => "group and others",
            (true, false) => "its group",
            _ => "others",
        };
        return Err(refuse(
            format!(
                "it is writable by {who} (mode {mode:04o}, owner {})",
                describe_uid(owner)
            ),
            format!("check its content, then: chmod go-w {}", path.display()),
        ));
    }
    Ok(())
}

/// Checks `path` (which must exist) and every directory above it up to `/`.
/// Links on the way are resolved first: what is checked is what is used.
pub fn check_chain(path: &Path, what: &str) -> Result<()> {
    let real = std::fs::canonicalize(path).map_err(io(path))?;
    let meta = std::fs::metadata(&real).map_err(io(&real))?;
    check_metadata(&real, &meta, what, false)?;
    check_parents(&real, what)
}

/// The directories above `real` (a resolved path), up to `/`.
fn check_parents(real: &Path, what: &str) -> Result<()> {
    for dir in real.ancestors().skip(1) {
        let meta = std::fs::metadata(dir).map_err(io(dir))?;
        check_metadata(dir, &meta, &format!("a directory above {what}"), true)?;
    }
    Ok(())
}

/// Checks the config directory and the directories above it. A directory
/// that does not exist yet is fine (certwright creates it 0700); then its
/// nearest existing ancestor chain is checked.
pub fn check_config_dir(dir: &Path) -> Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(_) => check_chain(dir, "the config directory"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            match dir.ancestors().skip(1).find(|a| a.exists()) {
                Some(existing) => {
                    let real = std::fs::canonicalize(existing).map_err(io(existing))?;
                    let meta = std::fs::metadata(&real).map_err(io(&real))?;
                    check_metadata(&real, &meta, "a directory above the config directory", true)?;
                    check_parents(&real, "the config directory")
                }
                None => Ok(()),
            }
        }
        Err(e) => Err(io(dir)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn writable_by_others_is_refused_with_the_fix() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("conf");
        std::fs::create_dir(&dir).unwrap();
        chmod(&dir, 0o700);
        let file = dir.join("renewal.toml");
        std::fs::write(&file, "x").unwrap();
        chmod(&file, 0o644);
        check_chain(&file, "the renewal file").unwrap();
        chmod(&file, 0o666);
        let err = check_chain(&file, "the renewal file")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("writable by group and others (mode 0666"),
            "{err}"
        );
        assert!(
            err.contains(&format!("chmod go-w {}", file.display())),
            "{err}"
        );
        chmod(&file, 0o644);
        chmod(&dir, 0o777);
        let err = check_chain(&file, "the renewal file")
            .unwrap_err()
            .to_string();
        assert!(err.contains(&dir.display().to_string()), "{err}");
        assert!(err.contains("above the renewal file"), "{err}");
        let err = check_config_dir(&dir).unwrap_err().to_string();
        assert!(err.contains("mode 0777"), "{err}");
        // A sticky, world-writable directory above (like /tmp) is fine.
        chmod(&dir, 0o1777);
        check_chain(&file, "the renewal file").unwrap();
        assert!(
            check_config_dir(&dir).is_err(),
            "the config dir itself is strict"
        );
        chmod(&dir, 0o700);
        check_config_dir(&dir.join("not/yet")).unwrap();
    }

    #[test]
    fn another_owner_is_refused_when_running_as_root() {
        if euid() != 0 {
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("renewal.toml");
        std::fs::write(&file, "x").unwrap();
        std::os::unix::fs::chown(&file, Some(65534), None).unwrap();
        let err = check_chain(&file, "the renewal file")
            .unwrap_err()
            .to_string();
        assert!(err.contains("owned by uid 65534"), "{err}");
        assert!(err.contains("chown root:root"), "{err}");
    }

    #[test]
    fn uids_are_named() {
        assert!(describe_uid(0).contains("root"));
    }
}
