//! The man-page sections clap_mangen has no notion of: EXIT STATUS,
//! ENVIRONMENT, FILES and EXAMPLES, as roff, built from the same constants
//! the code uses (exit codes, `CERTWRIGHT_*` names, the store's layout), so
//! the page cannot drift from the binary. The generated pages (docs/man/)
//! put these between clap_mangen's OPTIONS/SUBCOMMANDS and VERSION.
//!
//! Everything here is for an installed system: no path into the source
//! tree, only files that exist there and other man pages.

use crate::exit_code as exit;
use crate::settings::config_file::{ConfigFile, ENV_PREFIX};

/// One man-page section: a title and its paragraphs.
pub struct Section {
    pub title: &'static str,
    pub entries: Vec<Entry>,
}

pub enum Entry {
    /// A plain paragraph.
    Text(String),
    /// A term in bold and its description (`.TP`).
    Tagged(String, String),
    /// Lines shown as typed (`.nf` ... `.fi`).
    Literal(Vec<String>),
}

/// The extra sections of the page of `path` (`[]` for certwright(1),
/// `["issue"]`, `["account", "show"]`), given the command's examples
/// (its `after_help` text).
pub fn sections(path: &[&str], after_help: Option<&str>) -> Vec<Section> {
    let top = path.is_empty();
    let command = path.first().copied().unwrap_or("");
    let mut out = vec![exit_status(command)];
    if top || matches!(command, "issue" | "renew" | "register") {
        out.push(environment(top));
    }
    out.push(files(top));
    if let Some(examples) = after_help.and_then(examples) {
        out.push(examples);
    }
    out
}

fn exit_status(command: &str) -> Section {
    let mut entries = vec![
        Entry::Tagged(
            exit::SUCCESS.to_string(),
            "Success, including nothing to do (no certificate due, a valid certificate already installed).".into(),
        ),
        Entry::Tagged(
            exit::FAILURE.to_string(),
            "Failure: the CA refused, validation failed, the network or the disk failed; for renew, every attempted renewal failed.".into(),
        ),
        Entry::Tagged(
            exit::USAGE.to_string(),
            "Usage or configuration error (a refused flag, an invalid name or value, a malformed config file or CERTWRIGHT_* variable, no account); nothing was changed.".into(),
        ),
    ];
    if matches!(command, "" | "renew" | "import-certbot") {
        entries.push(Entry::Tagged(
            exit::PARTIAL.to_string(),
            "Partial failure: renew renewed some certificates and failed others; import-certbot imported some lineages and skipped others.".into(),
        ));
    }
    entries.push(Entry::Tagged(
        exit::LOCKED.to_string(),
        "Another certwright run holds the lock on the config directory for longer than lock_wait (default 5 s).".into(),
    ));
    entries.push(Entry::Tagged(
        "130".into(),
        "Interrupted (Ctrl-C); challenges were cleaned up first.".into(),
    ));
    Section {
        title: "EXIT STATUS",
        entries,
    }
}

/// The variable of a config key: `deploy_hook` -> `CERTWRIGHT_DEPLOY_HOOK`.
fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase())
}

fn environment(top: bool) -> Section {
    let mut entries = vec![
        Entry::Tagged(
            "CERTWRIGHT_CONFIG_DIR".into(),
            "The config directory, as --config-dir.".into(),
        ),
        Entry::Tagged(
            "CERTWRIGHT_CONFIG".into(),
            "The config file, as --config.".into(),
        ),
    ];
    if top {
        let names: Vec<String> = ConfigFile::KEYS.iter().map(|k| env_name(k)).collect();
        entries.push(Entry::Text(format!(
            "Every key of the config file is also read from a variable named after it in capitals, below the command line and above the config file: {}. Lists are comma-separated.",
            names.join(", ")
        )));
    } else {
        entries.push(Entry::Text(
            "Every key of the config file is also read from CERTWRIGHT_<KEY> (see certwright(1)), below the command line and above the config file.".into(),
        ));
    }
    entries.push(Entry::Text(
        "Hooks run with certbot's variables: CERTBOT_DOMAIN, CERTBOT_VALIDATION, CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS for dns-01 hooks; RENEWED_LINEAGE and RENEWED_DOMAINS for deploy hooks.".into(),
    ));
    entries.push(Entry::Tagged(
        crate::cli::completion::ENV_VAR.into(),
        "Set by the shell completion scripts: certwright then prints completions instead of running.".into(),
    ));
    Section {
        title: "ENVIRONMENT",
        entries,
    }
}

fn files(top: bool) -> Section {
    let mut entries = vec![Entry::Tagged(
        "/etc/certwright/".into(),
        "The config directory when run as root (else the user's config directory, e.g. ~/.config/certwright/); --config-dir or CERTWRIGHT_CONFIG_DIR choose another.".into(),
    )];
    let in_dir =
        |path: &str, what: &str| Entry::Tagged(format!("<config-dir>/{path}"), what.into());
    entries.push(in_dir(
        "config.toml",
        "Settings for every run (see CERTWRIGHT_<KEY> in ENVIRONMENT).",
    ));
    entries.push(in_dir(
        "live/<name>/",
        "fullchain.pem, privkey.pem, cert.pem and chain.pem of the current version of a certificate: point the web server here.",
    ));
    if top {
        entries.push(in_dir(
            "archive/<name>/",
            "Every version of a certificate (certN.pem, chainN.pem, fullchainN.pem, privkeyN.pem).",
        ));
        entries.push(in_dir(
            "renewal/<name>.toml",
            "How renew renews the certificate: CA, account, names, challenge, hooks.",
        ));
        entries.push(in_dir(
            "accounts/<server>/<id>/",
            "account.json and account.key (0600) of each ACME account.",
        ));
        entries.push(in_dir(
            ".lock",
            "Held while a run changes the directory; a second run waits lock_wait seconds.",
        ));
    }
    entries.push(in_dir(
        &format!("logs/{}", crate::log_file::FILE_NAME),
        &format!(
            "This run's detail, as -v shows it, even with -q (0600); the {} runs before are kept as {}.1 to {}.{}.",
            crate::log_file::KEPT_RUNS,
            crate::log_file::FILE_NAME,
            crate::log_file::FILE_NAME,
            crate::log_file::KEPT_RUNS
        ),
    ));
    Section {
        title: "FILES",
        entries,
    }
}

/// The examples of an `after_help` text ("Examples:" and indented lines)
/// as a section; None when it has none.
fn examples(after_help: &str) -> Option<Section> {
    let mut lines = Vec::new();
    let mut in_examples = false;
    for line in after_help.lines() {
        if line.starts_with("Example:") || line.starts_with("Examples:") {
            in_examples = true;
        } else if in_examples && line.starts_with(' ') {
            lines.push(line.trim_start().to_string());
        } else if in_examples && line.trim().is_empty() {
            in_examples = false;
        }
    }
    (!lines.is_empty()).then(|| Section {
        title: "EXAMPLES",
        entries: vec![Entry::Literal(lines)],
    })
}

/// roff text that prints `text` as is: backslashes, leading dots and
/// quotes, and hyphens (which roff may render as typographic dashes).
fn escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// The sections as roff.
pub fn render(sections: &[Section]) -> String {
    let mut out = String::new();
    for section in sections {
        out.push_str(&format!(".SH \"{}\"\n", section.title));
        for entry in &section.entries {
            match entry {
                Entry::Text(text) => out.push_str(&format!(".PP\n{}\n", escape(text))),
                Entry::Tagged(tag, text) => {
                    out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", escape(tag), escape(text)))
                }
                Entry::Literal(lines) => {
                    out.push_str(".PP\n.nf\n");
                    for line in lines {
                        out.push_str(&escape(line));
                        out.push('\n');
                    }
                    out.push_str(".fi\n");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_exit_status_and_files_and_examples_when_it_has_some() {
        let page = render(&sections(
            &["renew"],
            Some(
                "Examples:\n  certwright renew -q   # cron\n  certwright renew --dry-run\n\nExit status: 0 ...",
            ),
        ));
        for title in ["EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"] {
            assert!(
                page.contains(&format!(".SH \"{title}\"")),
                "{title}\n{page}"
            );
        }
        assert!(
            page.contains(
                ".nf\ncertwright renew \\-q   # cron\ncertwright renew \\-\\-dry\\-run\n.fi\n"
            ),
            "{page}"
        );
        assert!(!page.contains("Exit status: 0"), "{page}");
        assert!(page.contains("\\fB3\\fR"), "renew can fail partly");
        let show = render(&sections(&["account", "show"], None));
        assert!(
            !show.contains("EXAMPLES") && !show.contains("\\fB3\\fR"),
            "{show}"
        );
    }

    #[test]
    fn the_top_page_names_every_variable_and_no_source_path() {
        let page = render(&sections(&[], None));
        for key in ConfigFile::KEYS {
            assert!(page.contains(&escape(&env_name(key))), "{key}");
        }
        assert!(!page.contains("docs/"), "{page}");
    }

    #[test]
    fn roff_control_characters_are_escaped() {
        assert_eq!(escape(".hidden"), "\\&.hidden");
        assert_eq!(escape("a\\b-c"), "a\\eb\\-c");
    }
}
