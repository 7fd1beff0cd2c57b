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
use serde_json::json;
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
    if std::env::args_os().any(|a| a == "--json") {
        let doc = json!({"ok": false, "error": e.render().to_string().trim_end()});
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("JSON value serialises")
        );
    } else {
        let _ = e.print();
    }
    exit::USAGE
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
    let layers = config_dir(cli.global.config_dir.as_deref()).and_then(|dir| {
        Layers::load(cli.global.config.as_deref(), &dir, |name| {
            std::env::var(name).ok()
        })
    });
    let layers = match layers {
        Ok(layers) => layers,
        Err(e) => {
            output.error(&e);
            return exit::of(&e);
        }
    };
    if let Some(secs) = layers.env.hook_timeout.or(layers.file.hook_timeout) {
        crate::hooks::set_timeout(std::time::Duration::from_secs(secs));
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
    match result {
        Ok(code) => code,
        Err(e) => {
            output.error(&e);
            exit::of(&e)
        }
    }
}
