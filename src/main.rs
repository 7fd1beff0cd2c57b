use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    match certwright::cli::Cli::try_parse() {
        Ok(cli) => ExitCode::from(certwright::cli::commands::run(cli)),
        Err(e) => ExitCode::from(certwright::cli::commands::command_line_error(&e)),
    }
}
