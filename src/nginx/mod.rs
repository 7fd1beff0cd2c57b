//! `--nginx`: reading and changing a running nginx's configuration, for the
//! http-01 solver (`challenge::nginx`) and the installer (`installer`).
//!
//! - [`parser`]: nginx's syntax, with byte positions;
//! - [`config`]: the effective configuration (`nginx -T`), includes
//!   resolved, server blocks with their file and position;
//! - [`matcher`]: which server block answers a name, as nginx decides;
//! - [`edit`]: the changes (challenge locations, certificate lines,
//!   redirect) as byte splices;
//! - [`ctl`]: running `nginx -t`, `-T`, `-s reload`, and applying a set of
//!   file changes with a byte-exact backup that is restored on any failure.

pub mod config;
pub mod ctl;
pub mod edit;
pub mod install;
pub mod matcher;
pub mod parser;
