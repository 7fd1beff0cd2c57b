use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = certwright::cli::Cli::parse();
    ExitCode::from(certwright::commands::run(cli))
}
