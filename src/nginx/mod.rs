//! `--nginx`: answering http-01 through a running nginx and installing the
//! certificate in the server blocks that serve the names.
//!
//! - [`parser`]: nginx's syntax, with byte positions;
//! - [`config`]: the effective configuration (`nginx -T`), includes
//!   resolved, server blocks with their file and position;
//! - [`matcher`]: which server block answers a name, as nginx decides;
//! - [`edit`]: the changes (challenge locations, certificate lines,
//!   redirect) as byte splices;
//! - [`ctl`]: running `nginx -t`, `-T`, `-s reload`, and applying a set of
//!   file changes with a byte-exact backup that is restored on any failure.

pub mod authenticator;
pub mod config;
pub mod ctl;
pub mod edit;
pub mod installer;
pub mod matcher;
pub mod parser;
