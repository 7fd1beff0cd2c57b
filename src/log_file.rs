//! The run log: every run writes its `-v` detail to
//! `<config-dir>/logs/certwright.log`, whatever the terminal was told
//! (`-q`, `--json`), so the morning after a failed cron run there is
//! something to read (certbot users know `/var/log/letsencrypt/`).
//!
//! One file per run: opening the log rotates the earlier ones
//! (`certwright.log` -> `certwright.log.1` -> ... -> `certwright.log.N`,
//! the oldest dropped), so a run's lines are never mixed with another's
//! and the directory never grows. The file is 0600 in a 0700 directory:
//! it names domains, account URLs and hook commands.
//!
//! Lines reach the log through the same [`redact`] as the terminal, and the
//! command line through [`redact_args`], so the log holds no secret the
//! terminal would not show. Writing the log never fails a run: a log that
//! cannot be opened or written is reported once, as a warning.

use crate::error::{Error, Result};
use crate::store::safe_fs::SafeDir;
use crate::store::{PRIVATE_DIR_MODE, PRIVATE_FILE_MODE};
use std::borrow::Cow;
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// How many earlier runs' logs are kept besides the current one.
pub const KEPT_RUNS: usize = 5;

/// The current run's log, in `<config-dir>/logs/`.
pub const FILE_NAME: &str = "certwright.log";

/// The current run's log; `None` inside once a write failed.
pub struct RunLog {
    path: PathBuf,
    file: Mutex<Option<fs::File>>,
}

impl RunLog {
    /// Rotates the logs in `dir` (keeping `kept` earlier runs) and starts a
    /// new one named `file_name`.
    pub fn open(dir: &Path, file_name: &str, kept: usize) -> Result<RunLog> {
        // The directory's parent (the config dir) is trusted; nothing
        // below it is reached through a link (store::safe_fs).
        let (parent, name) = match (dir.parent(), dir.file_name().and_then(|n| n.to_str())) {
            (Some(p), Some(n)) if !p.as_os_str().is_empty() => (p, n),
            _ => (Path::new("."), dir.to_str().unwrap_or(".")),
        };
        let (logs, _) =
            SafeDir::create_root(parent, PRIVATE_DIR_MODE)?.create_dir(name, PRIVATE_DIR_MODE)?;
        // An existing directory keeps whatever mode it had: set ours.
        logs.set_mode(PRIVATE_DIR_MODE)?;
        let path = dir.join(file_name);
        rotate(&logs, file_name, kept)?;
        let file = logs.open_append(file_name, PRIVATE_FILE_MODE)?;
        // The umask may have narrowed the mode, and a file left by a run
        // racing this one may have another: set exactly ours.
        file.set_permissions(fs::Permissions::from_mode(PRIVATE_FILE_MODE))
            .map_err(Error::io(&path))?;
        Ok(RunLog {
            path,
            file: Mutex::new(Some(file)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `text` (redacted), stamped with `at`; continuation lines
    /// are indented so each entry starts with its time. Returns the write
    /// error the first time one happens (later lines are dropped).
    pub fn write(&self, at: SystemTime, text: &str) -> Option<std::io::Error> {
        let mut guard = self.file.lock().ok()?;
        let file = guard.as_mut()?;
        let stamp = crate::clock::rfc3339(at);
        let mut entry = String::new();
        for (i, line) in redact(text).lines().enumerate() {
            if i == 0 {
                entry.push_str(&format!("{stamp} {line}\n"));
            } else {
                entry.push_str(&format!("{:width$} {line}\n", "", width = stamp.len()));
            }
        }
        if entry.is_empty() {
            entry = format!("{stamp}\n");
        }
        match file.write_all(entry.as_bytes()) {
            Ok(()) => None,
            Err(e) => {
                *guard = None;
                Some(e)
            }
        }
    }
}

/// `name` -> `name.1` -> ... -> `name.kept`; the oldest is removed.
fn rotate(dir: &SafeDir, name: &str, kept: usize) -> Result<()> {
    let numbered = |n: usize| format!("{name}.{n}");
    if kept == 0 {
        return dir.remove_file(name).map(drop);
    }
    dir.remove_file(&numbered(kept))?;
    for n in (1..kept).rev() {
        rename_if_present(dir, &numbered(n), &numbered(n + 1))?;
    }
    rename_if_present(dir, name, &numbered(1))
}

fn rename_if_present(dir: &SafeDir, from: &str, to: &str) -> Result<()> {
    match dir.rename(from, dir, to) {
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

const PEM_BEGIN: &str = "-----BEGIN ";
const PEM_DASHES: &str = "-----";
const PRIVATE_KEY_LABEL: &str = "PRIVATE KEY";

/// Text as certwright may show it, on the terminal and in the log: a PEM
/// private key (a hook that printed one, a key file named by mistake as a
/// certificate) becomes `[private key removed]`. A block without its END
/// line is removed up to the end of the text.
pub fn redact(text: &str) -> Cow<'_, str> {
    if !text.contains(PRIVATE_KEY_LABEL) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_private_begin(rest) {
        out.push_str(&rest[..start]);
        out.push_str("[private key removed]");
        let block = &rest[start..];
        // The END line of the same label; skip past its closing dashes.
        rest = match block.find("-----END ") {
            Some(end) => {
                let after = &block[end + "-----END ".len()..];
                match after.find(PEM_DASHES) {
                    Some(close) => &after[close + PEM_DASHES.len()..],
                    None => "",
                }
            }
            None => "",
        };
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Where the next `-----BEGIN ... PRIVATE KEY-----` starts.
fn find_private_begin(text: &str) -> Option<usize> {
    let mut offset = 0;
    while let Some(found) = text[offset..].find(PEM_BEGIN) {
        let start = offset + found;
        let label_start = start + PEM_BEGIN.len();
        if let Some(len) = text[label_start..].find(PEM_DASHES) {
            let label = &text[label_start..label_start + len];
            if label.ends_with(PRIVATE_KEY_LABEL) {
                return Some(start);
            }
        }
        offset = label_start;
    }
    None
}

/// The command line for the log's first line, with the value of every
/// option whose environment value `--help` hides (`hide_env_values`: the
/// EAB HMAC key, API tokens) replaced by `[hidden]`.
pub fn redact_args(cmd: &clap::Command, args: &[OsString]) -> Vec<String> {
    let mut secret_long = Vec::new();
    let mut secret_short = Vec::new();
    collect_secret_flags(cmd, &mut secret_long, &mut secret_short);
    let mut out = Vec::with_capacity(args.len());
    let mut hide_next = false;
    for arg in args {
        let arg = arg.to_string_lossy();
        if std::mem::take(&mut hide_next) {
            out.push("[hidden]".to_string());
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if secret_long.iter().any(|s| s == name) {
                match value {
                    Some(_) => out.push(format!("--{name}=[hidden]")),
                    None => {
                        out.push(arg.into_owned());
                        hide_next = true;
                    }
                }
                continue;
            }
        } else if let Some(short) = arg.strip_prefix('-')
            && let Some(first) = short.chars().next()
            && secret_short.contains(&first)
        {
            if short.len() > first.len_utf8() {
                out.push(format!("-{first}[hidden]"));
            } else {
                out.push(arg.into_owned());
                hide_next = true;
            }
            continue;
        }
        out.push(arg.into_owned());
    }
    out
}

fn collect_secret_flags(cmd: &clap::Command, long: &mut Vec<String>, short: &mut Vec<char>) {
    for arg in cmd.get_arguments() {
        if arg.is_hide_env_values_set() {
            if let Some(l) = arg.get_long() {
                long.push(l.to_string());
            }
            long.extend(
                arg.get_all_aliases()
                    .unwrap_or_default()
                    .into_iter()
                    .map(String::from),
            );
            if let Some(s) = arg.get_short() {
                short.push(s);
            }
        }
    }
    for sub in cmd.get_subcommands() {
        collect_secret_flags(sub, long, short);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn each_run_gets_a_fresh_private_file_and_n_earlier_runs_are_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("logs");
        for run in 0..8 {
            let log = RunLog::open(&dir, "certwright.log", 3).unwrap();
            assert!(
                log.write(SystemTime::UNIX_EPOCH, &format!("run {run}"))
                    .is_none()
            );
        }
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "certwright.log",
                "certwright.log.1",
                "certwright.log.2",
                "certwright.log.3"
            ]
        );
        let read = |n: &str| fs::read_to_string(dir.join(n)).unwrap();
        assert_eq!(read("certwright.log"), "1970-01-01T00:00:00Z run 7\n");
        assert_eq!(read("certwright.log.1"), "1970-01-01T00:00:00Z run 6\n");
        assert_eq!(read("certwright.log.3"), "1970-01-01T00:00:00Z run 4\n");
        assert_eq!(mode(&dir), 0o700);
        for n in &names {
            assert_eq!(mode(&dir.join(n)), 0o600, "{n}");
        }
    }

    #[test]
    fn an_existing_open_directory_and_file_are_made_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("logs");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        let log = RunLog::open(&dir, "certwright.log", KEPT_RUNS).unwrap();
        log.write(SystemTime::UNIX_EPOCH, "x");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(log.path()), 0o600);
    }

    #[test]
    fn a_planted_log_link_is_refused_and_its_target_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        fs::write(&victim, "precious\n").unwrap();
        let dir = tmp.path().join("logs");
        fs::create_dir(&dir).unwrap();
        std::os::unix::fs::symlink(&victim, dir.join("certwright.log")).unwrap();
        // Rotation renames the link itself; the new log is a fresh file.
        let log = RunLog::open(&dir, "certwright.log", 0).unwrap();
        log.write(SystemTime::now(), "hello");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
        let outside = tempfile::tempdir().unwrap();
        let linked = tmp.path().join("linked-logs");
        std::os::unix::fs::symlink(outside.path(), &linked).unwrap();
        let err = RunLog::open(&linked, "certwright.log", 0).err().unwrap();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn multi_line_entries_keep_their_lines_under_one_stamp() {
        let tmp = tempfile::tempdir().unwrap();
        let log = RunLog::open(tmp.path(), "l", 1).unwrap();
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(86400 + 61);
        log.write(at, "error: first\n  hint: second");
        assert_eq!(
            fs::read_to_string(log.path()).unwrap(),
            "1970-01-02T00:01:01Z error: first\n                       hint: second\n"
        );
    }

    #[test]
    fn private_keys_are_removed_and_certificates_kept() {
        let key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\nabc\n-----END EC PRIVATE KEY-----";
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
        let text = format!("hook said: {key}\nand {cert}\nthen -----BEGIN PRIVATE KEY-----\nMIIE");
        let out = redact(&text);
        assert_eq!(
            out,
            format!("hook said: [private key removed]\nand {cert}\nthen [private key removed]")
        );
        assert!(matches!(redact("nothing here"), Cow::Borrowed(_)));
        let two = format!("{key} middle {key}");
        assert_eq!(
            redact(&two),
            "[private key removed] middle [private key removed]"
        );
    }

    #[test]
    fn secret_option_values_are_hidden_in_the_logged_command_line() {
        let cmd = clap::Command::new("cw").subcommand(
            clap::Command::new("issue")
                .arg(
                    clap::Arg::new("key")
                        .long("eab-hmac-key")
                        .short('k')
                        .env("X_KEY")
                        .hide_env_values(true),
                )
                .arg(clap::Arg::new("kid").long("eab-kid")),
        );
        let args: Vec<OsString> = [
            "cw",
            "issue",
            "--eab-kid",
            "kid-1",
            "--eab-hmac-key",
            "s3cret",
            "--eab-hmac-key=s3cret",
            "-ks3cret",
            "-k",
            "s3cret",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let shown = redact_args(&cmd, &args).join(" ");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert_eq!(
            shown,
            "cw issue --eab-kid kid-1 --eab-hmac-key [hidden] --eab-hmac-key=[hidden] -k[hidden] -k [hidden]"
        );
    }
}
