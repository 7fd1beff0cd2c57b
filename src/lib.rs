//! certwright: an ACME (RFC 8555) client. `main` only parses arguments and
//! calls [`cli::commands::run`]; everything else lives here so it can be
//! tested. docs/architecture.md maps the modules and which may use which.

pub mod account;
pub mod acme;
pub mod ca_servers;
pub mod challenge;
pub mod cli;
pub mod clock;
pub mod crash_point;
pub mod crypto;
pub mod csr;
pub mod error;
pub mod exit_code;
pub mod hooks;
pub mod import_certbot;
pub mod installer;
pub mod interrupt;
pub mod issue;
pub mod log_file;
pub mod names;
pub mod nginx;
pub mod output;
pub mod profiles;
pub mod progress;
pub mod renew;
pub mod settings;
pub mod staging;
pub mod stdio;
pub mod store;
pub mod strict_modes;
pub mod validation;

pub use error::{Error, Result};
