//! certwright: an ACME (RFC 8555) client. `main` only parses arguments and
//! calls [`commands::run`]; everything else lives here so it can be tested.

pub mod account;
pub mod account_commands;
pub mod acme;
pub mod cert_scan;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod config_file;
pub mod crash_point;
pub mod crypto;
pub mod csr;
pub mod error;
pub mod hooks;
pub mod import_certbot;
pub mod interrupt;
pub mod issue;
pub mod names;
pub mod output;
pub mod profiles;
pub mod progress;
pub mod renew;
pub mod renewal_policy;
pub mod revoke;
pub mod solver;
pub mod staging;
pub mod store;

pub use error::{Error, Result};
#[path = "renew/check.rs"]
pub mod renew_check;
#[path = "renew/metrics.rs"]
pub mod renew_metrics;
