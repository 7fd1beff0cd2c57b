//! Shell completions (completions/) and man pages (docs/man/) are generated
//! from the clap definition and committed. These tests fail when they are
//! stale; regenerate with:
//!
//!     CERTWRIGHT_REGENERATE=1 cargo test --test e2e generated_files

use clap::CommandFactory;
use clap_complete::Shell;
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

fn completion_files() -> Vec<(PathBuf, Vec<u8>)> {
    [
        (Shell::Bash, "certwright.bash"),
        (Shell::Zsh, "_certwright"),
        (Shell::Fish, "certwright.fish"),
        (Shell::Elvish, "certwright.elv"),
        (Shell::PowerShell, "_certwright.ps1"),
    ]
    .into_iter()
    .map(|(shell, file)| {
        let mut buf = Vec::new();
        clap_complete::generate(
            shell,
            &mut certwright::cli::Cli::command(),
            "certwright",
            &mut buf,
        );
        (root().join("completions").join(file), buf)
    })
    .collect()
}

/// One man page per command and subcommand: certwright.1, certwright-issue.1,
/// certwright-account-show.1, ...
fn man_pages() -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(cmd: clap::Command, prefix: &str, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let name = if prefix.is_empty() {
            cmd.get_name().to_string()
        } else {
            format!("{prefix}-{}", cmd.get_name())
        };
        let cmd = cmd.name(&*Box::leak(name.clone().into_boxed_str()));
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd.clone()).render(&mut buf).unwrap();
        out.push((root().join("docs/man").join(format!("{name}.1")), buf));
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(sub.clone(), &name, out);
        }
    }
    let mut cmd = certwright::cli::Cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, "", &mut out);
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
/// appears in each completion script and in that subcommand's man page.
#[test]
fn help_completions_and_man_pages_agree() {
    let completions: Vec<(PathBuf, String)> = completion_files()
        .into_iter()
        .map(|(p, c)| (p, String::from_utf8(c).unwrap()))
        .collect();
    let mut cmd = certwright::cli::Cli::command();
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
        let longs: Vec<&str> = help
            .split(|c: char| c.is_whitespace() || c == ',' || c == '=' || c == '[' || c == '<')
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .collect();
        assert!(
            !longs.is_empty() || path.len() > 1,
            "{path:?}: no options in --help"
        );
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
            for (file, script) in &completions {
                assert!(
                    script.contains(flag) || script.contains(flag.trim_start_matches('-')),
                    "{flag} of {path:?} missing from {}",
                    file.display()
                );
            }
        }
    }
}
