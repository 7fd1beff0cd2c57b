//! The ACME protocol (RFC 8555): wire types, JWS, transport with retries,
//! the resource client, and its own error type ([`Error`], with typed
//! problem kinds). Knows nothing of clap, files, hooks or terminals.

pub mod ari;
pub mod client;
pub mod error;
pub mod identifiers;
pub mod jws;
pub mod lifecycle;
pub mod pause;
pub mod retry;
pub mod tls;
pub mod transport;
pub mod trust_bundle;
pub mod types;

pub use error::{Error, ProblemKind};
