//! Shell completion by the binary itself (clap_complete's dynamic engine):
//! the installed scripts (`completions/`) only hand the words typed so far
//! to `COMPLETE=<shell> certwright -- <words>`, and certwright answers. So
//! `--cert-name` offers the lineages of the store and `--account` its
//! account ids, and the flags offered are always those of the installed
//! binary (no script goes stale when the CLI changes).
//!
//! Completion reads the store only (no lock, no network) and never fails:
//! an unreadable store completes nothing.

use crate::store::Store;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{EnvCompleter, Shells};
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// The variable that switches the binary into completion mode.
pub const ENV_VAR: &str = "COMPLETE";

/// Answers a completion request and exits, when the shell's script asked
/// for one (`COMPLETE` set); otherwise returns and the run goes on. Call
/// first thing in `main`, before anything is printed.
pub fn complete_if_asked(factory: fn() -> clap::Command) {
    clap_complete::CompleteEnv::with_factory(factory)
        .var(ENV_VAR)
        .complete();
}

/// The script a shell sources (or finds in its completion directory) for
/// `bin`, calling `bin` from PATH: `completions/` holds these.
pub fn registration_script(shell: &str, bin: &str) -> Option<Vec<u8>> {
    let shells = Shells::builtins();
    let completer: &dyn EnvCompleter = shells.completer(shell)?;
    let mut buf = Vec::new();
    completer
        .write_registration(ENV_VAR, bin, bin, bin, &mut buf)
        .ok()?;
    Some(buf)
}

/// For `--cert-name`: the lineages in the store.
pub fn cert_names() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let Some(store) = store_of_command_line(std::env::args_os()) else {
            return Vec::new();
        };
        lineage_candidates(&store, current)
    })
}

/// For `--account`: the account ids in the store, with their CA.
pub fn account_ids() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let Some(store) = store_of_command_line(std::env::args_os()) else {
            return Vec::new();
        };
        account_candidates(&store, current)
    })
}

fn lineage_candidates(store: &Store, current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    store
        .lineage_names()
        .unwrap_or_default()
        .into_iter()
        .filter(|name| name.starts_with(&*prefix))
        .map(CompletionCandidate::new)
        .collect()
}

fn account_candidates(store: &Store, current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    store
        .all_accounts()
        .unwrap_or_default()
        .into_iter()
        .filter(|(id, _)| id.starts_with(&*prefix))
        .map(|(id, record)| {
            let contact = record.contact.join(", ");
            let help = if contact.is_empty() {
                record.server.clone()
            } else {
                format!("{} ({contact})", record.server)
            };
            CompletionCandidate::new(id).help(Some(help.into()))
        })
        .collect()
}

/// The store the command being completed would use: its `--config-dir`
/// (the words typed so far follow the `--` in our own arguments), else
/// CERTWRIGHT_CONFIG_DIR, else the default.
fn store_of_command_line(args: impl IntoIterator<Item = OsString>) -> Option<Store> {
    let words: Vec<OsString> = args.into_iter().skip_while(|a| a != "--").skip(1).collect();
    let mut flag: Option<PathBuf> = None;
    let mut words_iter = words.iter();
    while let Some(word) = words_iter.next() {
        let text = word.to_string_lossy();
        if text == "--config-dir" {
            flag = words_iter.next().map(PathBuf::from);
        } else if let Some(dir) = text.strip_prefix("--config-dir=") {
            flag = Some(PathBuf::from(dir));
        }
    }
    let flag = flag.or_else(|| {
        std::env::var_os("CERTWRIGHT_CONFIG_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    // A `~` the shell did not expand yet (still being typed).
    let flag = flag.map(|p| match p.strip_prefix("~") {
        Ok(rest) => std::env::var_os("HOME").map_or(p.clone(), |h| PathBuf::from(h).join(rest)),
        Err(_) => p,
    });
    crate::settings::config_dir(flag.as_deref())
        .ok()
        .map(Store::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(c: Vec<CompletionCandidate>) -> Vec<String> {
        c.iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_config_dir_comes_from_the_words_being_completed() {
        let args = |words: &[&str]| -> Vec<OsString> {
            ["certwright", "--"]
                .iter()
                .chain(words)
                .map(OsString::from)
                .collect()
        };
        let root = |words: &[&str]| {
            store_of_command_line(args(words))
                .unwrap()
                .root()
                .to_path_buf()
        };
        assert_eq!(
            root(&[
                "certwright",
                "--config-dir",
                "/srv/cw",
                "renew",
                "--cert-name",
                ""
            ]),
            PathBuf::from("/srv/cw")
        );
        assert_eq!(
            root(&[
                "certwright",
                "renew",
                "--config-dir=/srv/x",
                "--cert-name",
                "a"
            ]),
            PathBuf::from("/srv/x")
        );
    }

    #[test]
    fn lineages_and_accounts_are_offered_by_prefix() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        for name in ["example.com", "example.org", "other.net"] {
            std::fs::create_dir_all(tmp.path().join("renewal")).unwrap();
            std::fs::write(tmp.path().join("renewal").join(format!("{name}.toml")), "").unwrap();
        }
        let mut names = values(lineage_candidates(&store, OsStr::new("exa")));
        names.sort();
        assert_eq!(names, ["example.com", "example.org"]);
        assert!(values(account_candidates(&store, OsStr::new(""))).is_empty());
    }

    #[test]
    fn every_committed_shell_has_a_script_that_calls_the_binary_from_path() {
        for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
            let script =
                String::from_utf8(registration_script(shell, "certwright").unwrap()).unwrap();
            assert!(script.contains("COMPLETE"), "{shell}: {script}");
            assert!(!script.contains("target/"), "{shell}: {script}");
        }
    }
}
