//! Shell completions (completions/) and man pages (docs/man/) are generated
//! from the clap definition and committed. These tests fail when they are
//! stale; regenerate with:
//!
//!     CERTWRIGHT_REGENERATE=1 cargo test --test e2e generated_files

use std::path::{Path, PathBuf};

const REGENERATE: &str = "CERTWRIGHT_REGENERATE";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check_or_write(path: &Path, expected: &[u8], stale: &mut Vec<String>) {
    if std::env::var_os(REGENERATE).is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, expected).unwrap();
        return;
    }
    match std::fs::read(path) {
        Ok(actual) if actual == expected => {}
        _ => stale.push(path.strip_prefix(root()).unwrap().display().to_string()),
    }
}

/// The scripts shells load: each hands the words typed so far to the
/// binary (`COMPLETE=<shell> certwright -- ...`), which answers from its own
/// definition and its store (lineage names, account ids).
fn completion_files() -> Vec<(PathBuf, Vec<u8>)> {
    [
        ("bash", "certwright.bash"),
        ("zsh", "_certwright"),
        ("fish", "certwright.fish"),
        ("elvish", "certwright.elv"),
        ("powershell", "_certwright.ps1"),
    ]
    .into_iter()
    .map(|(shell, file)| {
        let script = certwright::cli::completion::registration_script(shell, "certwright")
            .unwrap_or_else(|| panic!("no completion script for {shell}"));
        (root().join("completions").join(file), script)
    })
    .collect()
}

/// One man page per command and subcommand: certwright.1, certwright-issue.1,
/// certwright-account-show.1, ... clap_mangen's sections, then EXIT STATUS,
/// ENVIRONMENT, FILES and EXAMPLES (cli::man), then VERSION. No page for,
/// nor mention of, `help`: it is not a command of its own.
fn man_pages() -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(cmd: clap::Command, path: &[String], out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let name = std::iter::once("certwright".to_string())
            .chain(path.iter().cloned())
            .collect::<Vec<_>>()
            .join("-");
        let cmd = cmd
            .name(&*Box::leak(name.clone().into_boxed_str()))
            .version(env!("CARGO_PKG_VERSION"));
        let man = clap_mangen::Man::new(cmd.clone());
        let mut buf = Vec::new();
        man.render_title(&mut buf).unwrap();
        man.render_name_section(&mut buf).unwrap();
        man.render_synopsis_section(&mut buf).unwrap();
        man.render_description_section(&mut buf).unwrap();
        if cmd.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(&mut buf).unwrap();
        }
        if cmd.get_subcommands().any(|s| s.get_name() != "help") {
            man.render_subcommands_section(&mut buf).unwrap();
        }
        let after_help = cmd
            .get_after_long_help()
            .or(cmd.get_after_help())
            .map(|h| h.to_string());
        let path_refs: Vec<&str> = path.iter().map(String::as_str).collect();
        let sections = certwright::cli::man::sections(&path_refs, after_help.as_deref());
        buf.extend_from_slice(certwright::cli::man::render(&sections).as_bytes());
        man.render_version_section(&mut buf).unwrap();
        out.push((root().join("docs/man").join(format!("{name}.1")), buf));
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut sub_path = path.to_vec();
            sub_path.push(sub.get_name().to_string());
            walk(sub.clone(), &sub_path, out);
        }
    }
    fn without_help_subcommand(cmd: clap::Command) -> clap::Command {
        cmd.disable_help_subcommand(true)
            .mut_subcommands(without_help_subcommand)
    }
    let mut cmd = without_help_subcommand(certwright::cli::command());
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &[], &mut out);
    out
}

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let mut stale = Vec::new();
    for (path, content) in completion_files().into_iter().chain(man_pages()) {
        check_or_write(&path, &content, &mut stale);
    }
    // Man pages of subcommands that no longer exist are stale too.
    let expected: Vec<PathBuf> = man_pages().into_iter().map(|(p, _)| p).collect();
    for entry in std::fs::read_dir(root().join("docs/man")).unwrap() {
        let path = entry.unwrap().path();
        if !expected.contains(&path) {
            if std::env::var_os(REGENERATE).is_some() {
                std::fs::remove_file(&path).unwrap();
            } else {
                stale.push(format!("{} (no such command)", path.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}\nregenerate with: {REGENERATE}=1 cargo test --test e2e generated_files"
    );
}

/// Every long option the real binary's --help shows, for every subcommand,
/// is offered by completion and appears in that subcommand's man page.
#[test]
fn help_completions_and_man_pages_agree() {
    let mut cmd = certwright::cli::command();
    cmd.build();
    let mut paths: Vec<Vec<String>> = vec![vec![]];
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        paths.push(vec![sub.get_name().to_string()]);
        for subsub in sub.get_subcommands().filter(|s| s.get_name() != "help") {
            paths.push(vec![
                sub.get_name().to_string(),
                subsub.get_name().to_string(),
            ]);
        }
    }
    for path in paths {
        let out = std::process::Command::new(crate::common::BIN)
            .args(&path)
            .arg("--help")
            .output()
            .unwrap();
        assert!(out.status.success(), "{path:?} --help failed");
        let help = String::from_utf8(out.stdout).unwrap();
        // The flags each option line starts with (not the examples).
        let longs: Vec<&str> = help
            .lines()
            .filter(|l| l.starts_with("  ") && l.trim_start().starts_with('-'))
            .flat_map(|l| {
                l.split(|c: char| c.is_whitespace() || c == ',' || c == '=' || c == '<')
                    .filter(|w| !w.is_empty())
                    .take_while(|w| w.starts_with('-'))
                    .filter(|w| w.starts_with("--") && w.len() > 2)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(
            !longs.is_empty() || path.len() > 1,
            "{path:?}: no options in --help"
        );
        // What the shell scripts get for `certwright <path> --<TAB>`.
        let mut words: Vec<std::ffi::OsString> = vec!["certwright".into()];
        words.extend(path.iter().map(Into::into));
        words.push("--".into());
        let index = words.len() - 1;
        let offered: Vec<String> =
            clap_complete::engine::complete(&mut certwright::cli::command(), words, index, None)
                .unwrap()
                .iter()
                .map(|c| c.get_value().to_string_lossy().into_owned())
                .collect();
        let page_name = std::iter::once("certwright".to_string())
            .chain(path.iter().cloned())
            .collect::<Vec<_>>()
            .join("-");
        let page = String::from_utf8(
            std::fs::read(root().join("docs/man").join(format!("{page_name}.1"))).unwrap(),
        )
        .unwrap()
        .replace("\\-", "-");
        for long in longs {
            let flag = long.trim_end_matches(['.', ':', ']']);
            assert!(
                page.contains(flag),
                "{flag} of {path:?} missing from the man page {page_name}.1"
            );
            assert!(
                offered.iter().any(|o| o == flag),
                "{flag} of {path:?} is not offered by completion: {offered:?}"
            );
        }
    }
}
