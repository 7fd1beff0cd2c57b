//! The ACME protocol (RFC 8555): wire types, JWS, transport with retries,
//! and the resource client. Knows nothing of files, hooks or terminals.

pub mod ari;
pub mod client;
pub mod jws;
pub mod lifecycle;
pub mod pause;
pub mod retry;
pub mod tls;
pub mod transport;
pub mod types;
