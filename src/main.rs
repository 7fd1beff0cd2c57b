use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    match certwright::cli::Cli::try_parse() {
        Ok(cli) => ExitCode::from(certwright::commands::run(cli)),
        Err(e) => ExitCode::from(certwright::commands::command_line_error(&e)),
    }
}
