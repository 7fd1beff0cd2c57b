//! The end-to-end tests: one test binary, so the shared harness (Pebble,
//! the fault-injecting ACME server, the TLS fixture) compiles and links
//! once. Each module is one area; run one with `cargo test --test e2e issue::`.

mod common;

mod bad_input;
mod challenges;
mod cli_help;
mod config;
mod crash;
mod dns;
mod dns_providers;
mod exit_codes;
mod faults;
mod fleet;
mod fleet_pebble;
mod generated_files;
mod hostile;
mod import_certbot;
mod issue;
mod lifecycle;
mod nginx;
mod nginx_issue;
mod output;
mod pebble_nonce;
mod polish;
mod polling;
mod renew;
mod renew_ari;
mod safety;
mod servers;
mod trust;
