use std::process::ExitCode;

fn main() -> ExitCode {
    certwright::cli::completion::complete_if_asked(certwright::cli::command);
    match certwright::cli::parse() {
        Ok(cli) => ExitCode::from(certwright::cli::commands::run(cli)),
        Err(e) => ExitCode::from(certwright::cli::commands::command_line_error(&e)),
    }
}
