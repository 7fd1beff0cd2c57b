//! The listening socket of the built-in challenge servers (standalone
//! http-01, tls-alpn-01): bound before the CA is contacted, so a busy port
//! or a missing privilege is reported before an order is spent.

use crate::error::{Error, Result};
use std::net::{SocketAddr, TcpListener};

/// Binds `address`:`port` for `server` (named in errors); `busy` says what to
/// do when the port is taken. An address of `::` also accepts IPv4 where
/// the OS allows, and falls back to `0.0.0.0` on hosts without IPv6.
pub fn bind(address: &str, port: u16, server: &str, busy: &str) -> Result<TcpListener> {
    let attempt = |addr: &str| TcpListener::bind((addr, port));
    let result = match attempt(address) {
        Err(e) if address == "::" && e.kind() != std::io::ErrorKind::AddrInUse => {
            attempt("0.0.0.0")
        }
        other => other,
    };
    result.map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::AddrInUse => format!("port {port} is already in use ({busy})"),
            std::io::ErrorKind::PermissionDenied => format!(
                "no permission to listen on port {port} (run as root or give the binary CAP_NET_BIND_SERVICE)"
            ),
            _ => e.to_string(),
        };
        Error::Solver(format!(
            "cannot start the {server} on {address} port {port}: {hint}"
        ))
    })
}

/// The address that reaches a listener bound to `addr` from this host (to
/// wake its accept loop when it is told to stop).
pub fn wake_address(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(a) if a.ip().is_unspecified() => {
            SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], a.port()))
        }
        SocketAddr::V4(a) if a.ip().is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], a.port()))
        }
        other => other,
    }
}
