//! The subcommands, one file each: resolve settings, call the library,
//! report. This file only dispatches.

mod account;
mod certificates;
mod check;
mod delete;
mod import_certbot;
mod install;
mod issue;
mod persist_record;
mod reconfigure;
mod register;
mod renew;
mod revoke;

use crate::cli::context::Context;
use crate::cli::{Cli, Command};
use crate::exit_code as exit;
use crate::output::{Mode, Output};
use crate::settings::{Layers, config_dir};
use crate::store::Store;
use serde_json::json;
use std::io::IsTerminal;
use std::sync::Arc;

/// Reports what clap refused (or the --help/--version it printed);
/// returns the exit code. With --json anywhere on the line, a usage error
/// is a JSON document on stdout like every other failure.
pub fn command_line_error(e: &clap::Error) -> u8 {
    if !e.use_stderr() {
        // --help, --version: not errors.
        let _ = e.print();
        return exit::SUCCESS;
    }
    let mut styled = e.render().ansi().to_string();
    let mut plain = e.render().to_string();
    if let Some(hint) = certbot_hint(e) {
        // Before clap's closing "For more information, try '--help'.".
        for text in [&mut styled, &mut plain] {
            let at = text.find("\nFor more information").unwrap_or(text.len());
            text.insert_str(at, &format!("\n  hint: {hint}\n"));
        }
    }
    if std::env::args_os().any(|a| a == "--json") {
        let doc = json!({"ok": false, "error": plain.trim_end()});
        crate::stdio::out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("JSON value serialises")
        ));
    } else {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        crate::stdio::err(if color { &styled } else { &plain });
    }
    exit::USAGE
}

/// A pointer for what certbot users type out of habit.
fn certbot_hint(e: &clap::Error) -> Option<&'static str> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let value = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.as_str()),
        _ => None,
    };
    match e.kind() {
        ErrorKind::InvalidSubcommand => match value(ContextKind::InvalidSubcommand)? {
            "certonly" | "run" => Some(
                "did you mean `certwright issue`? It obtains and installs the certificate under live/<name>/ and never edits web server configuration",
            ),
            "delete" => Some(
                "certwright removes a lineage with `certwright revoke --cert-name NAME --delete-after-revoke`",
            ),
            "update_account" | "unregister" => {
                Some("see `certwright account update` and `certwright account deactivate`")
            }
            _ => None,
        },
        ErrorKind::UnknownArgument => match value(ContextKind::InvalidArg)? {
            // Reached only where the command has no --nginx.
            "--nginx" => Some(
                "--nginx goes with `certwright issue` (answer the challenge and install) and `certwright install`; renew reloads nginx by itself for certificates issued with it",
            ),
            // Installers certwright does not have (yet).
            "--apache" | "--haproxy" => Some(
                "certwright does not edit this server's configuration: answer the challenge with --webroot -w DIR, --standalone or --dns-hook SCRIPT (or --nginx for nginx), and reload the server with --deploy-hook 'systemctl reload apache2' (see `certwright issue --help`)",
            ),
            "--keep-until-expiring" | "--keep" => Some(
                "certwright keeps a valid installed certificate anyway; --force-renewal replaces it",
            ),
            "-n" => Some(
                "certwright never prompts without a terminal; --non-interactive says so explicitly",
            ),
            _ => None,
        },
        _ => None,
    }
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    let mode = if cli.global.json {
        Mode::Json
    } else if cli.global.quiet {
        Mode::Quiet
    } else {
        Mode::Human
    };
    let output = Arc::new(Output::new(mode, cli.global.verbose));
    // The environment and the config file are read before anything else,
    // so a malformed one stops every command (exit 2) before it acts.
    let dir = config_dir(cli.global.config_dir.as_deref());
    if let Ok(dir) = &dir {
        let root = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        output.start_log(
            &Store::new(root).log_dir(),
            &crate::log_file::redact_args(&crate::cli::args::parser(), &args),
        );
    }
    let layers = dir.and_then(|dir| {
        Layers::load(cli.global.config.as_deref(), &dir, |name| {
            std::env::var(name).ok()
        })
    });
    let layers = match layers {
        Ok(layers) => layers,
        Err(e) => {
            output.error(&e);
            output.end_log(exit::of(&e));
            return exit::of(&e);
        }
    };
    if let Err(e) = crate::interrupt::arm() {
        output.error(&e);
        return exit::of(&e);
    }
    let ctx = Context::new(&cli.global, Arc::clone(&output), layers);
    let result = match &cli.command {
        Command::Register(args) => register::run(&ctx, args),
        Command::Issue(args) => issue::run(&ctx, args),
        Command::Certificates(args) => certificates::run(&ctx, args),
        Command::ImportCertbot(args) => import_certbot::run(&ctx, args),
        Command::Revoke(args) => revoke::run(&ctx, args),
        Command::Account(cmd) => account::run(&ctx, cmd),
        Command::Renew(args) => renew::run(&ctx, args),
        Command::Check(args) => check::run(&ctx, args),
        Command::Delete(args) => delete::run(&ctx, args),
        Command::Reconfigure(args) => reconfigure::run(&ctx, args),
        Command::PersistRecord(args) => persist_record::run(&ctx, args),
        Command::Install(args) => install::run(&ctx, args),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            output.error(&e);
            exit::of(&e)
        }
    };
    output.end_log(code);
    code
}
