//! TLS to the ACME server with the openssl crate directly, as a ureq
//! connector.
//!
//! Why not ureq's native-tls backend: native-tls builds its context with
//! `SslConnector::builder` (which eagerly parses the system CA file) and then
//! loads the same file again from openssl-probe. On Debian that is ~500M
//! instructions, ~35 ms of CPU and ~2 MB of memory on every run, more than
//! all the rest of an issuance together (callgrind). Here the system roots
//! come from OpenSSL's hashed certificate directory, looked up lazily: only
//! the root the server chains to is ever parsed. A `--ca-bundle` (or
//! SSL_CERT_FILE) replaces the system roots: it is only indexed, and the
//! server's chain is verified after the handshake against the bundle's
//! certificates that issued it (see [`super::trust_bundle`]), before any
//! request is sent.

use super::error::{Error, Result};
use super::trust_bundle::{Bundle, Peer, verify_server_chain};
use openssl::ssl::{
    HandshakeError, SslContext, SslContextBuilder, SslFiletype, SslMethod, SslOptions, SslStream,
    SslVerifyMode, SslVersion,
};
use openssl::x509::store::{X509Lookup, X509StoreBuilder};
use std::fmt;
use std::io::{Read, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// A failed TLS handshake, kept distinct so the caller can add a hint.
#[derive(Debug)]
pub struct TlsHandshakeError {
    pub detail: String,
    /// The server's certificate was refused: the same certificate will be
    /// refused again, so the request is not retried.
    pub verify_failed: bool,
}

impl fmt::Display for TlsHandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLS handshake failed: {}", self.detail)
    }
}

impl std::error::Error for TlsHandshakeError {}

pub struct OpensslConnector {
    context: Arc<SslContext>,
    /// Set when trust comes from a bundle: the chain is verified after the
    /// handshake against its matching certificates.
    bundle: Option<Arc<BundleTrust>>,
}

struct BundleTrust {
    bundle: Bundle,
    /// SSL_CERT_DIR, searched as well when SSL_CERT_FILE gave the bundle.
    dir: Option<PathBuf>,
}

impl fmt::Debug for OpensslConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpensslConnector").finish()
    }
}

fn tls_setup(context: &'static str) -> impl Fn(openssl::error::ErrorStack) -> Error {
    Error::crypto(context)
}

impl OpensslConnector {
    pub fn new(ca_bundle: Option<&Path>) -> Result<OpensslConnector> {
        let mut builder =
            SslContextBuilder::new(SslMethod::tls_client()).map_err(tls_setup("TLS context"))?;
        builder
            .set_min_proto_version(Some(SslVersion::TLS1_2))
            .map_err(tls_setup("TLS versions"))?;
        builder.set_options(SslOptions::NO_COMPRESSION);
        let env_file = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from);
        let bundle = match (ca_bundle, &env_file) {
            (Some(path), _) => Some(BundleTrust {
                bundle: Bundle::read(path)?,
                dir: None,
            }),
            (None, Some(file)) => Some(BundleTrust {
                bundle: Bundle::read(file)?,
                dir: std::env::var_os("SSL_CERT_DIR").map(PathBuf::from),
            }),
            (None, None) => None,
        };
        if bundle.is_some() {
            // Verified in `connect` once the chain is known; the handshake
            // itself still proves the server holds the leaf's key.
            builder.set_verify(SslVerifyMode::NONE);
        } else {
            builder.set_verify(SslVerifyMode::PEER);
            let mut store = X509StoreBuilder::new().map_err(tls_setup("certificate store"))?;
            add_system_roots(&mut store)?;
            builder.set_cert_store(store.build());
        }
        Ok(OpensslConnector {
            context: Arc::new(builder.build()),
            bundle: bundle.map(Arc::new),
        })
    }
}

/// The system's trust anchors without SSL_CERT_FILE: SSL_CERT_DIR when set
/// (as OpenSSL itself honours it), else a hashed directory looked up
/// lazily, else OpenSSL's default file and directory.
fn add_system_roots(store: &mut X509StoreBuilder) -> Result<()> {
    let env_dir = std::env::var_os("SSL_CERT_DIR").map(PathBuf::from);
    let dirs: Vec<PathBuf> = match env_dir {
        Some(d) => vec![d],
        None => ["/etc/ssl/certs", "/usr/lib/ssl/certs", "/etc/pki/tls/certs"]
            .iter()
            .map(PathBuf::from)
            .filter(|d| is_hashed_dir(d))
            .take(1)
            .collect(),
    };
    if let Some(dir) = dirs.first() {
        let lookup = store
            .add_lookup(X509Lookup::hash_dir())
            .map_err(tls_setup("certificate directory"))?;
        lookup
            .add_dir(&dir.to_string_lossy(), SslFiletype::PEM)
            .map_err(tls_setup("certificate directory"))?;
    } else {
        store
            .set_default_paths()
            .map_err(tls_setup("system certificates"))?;
    }
    Ok(())
}

/// A directory prepared by c_rehash / update-ca-certificates: it holds
/// `<8 hex digits>.<n>` links that OpenSSL finds by subject hash.
fn is_hashed_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.filter_map(|e| e.ok()).any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.len() == 10
                    && name.as_bytes()[8] == b'.'
                    && name[..8].bytes().all(|b| b.is_ascii_hexdigit())
            })
        })
        .unwrap_or(false)
}

impl<In: Transport> Connector<In> for OpensslConnector {
    type Out = Either<In, OpensslTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let handshake_error = |detail: String| {
            ureq::Error::Other(Box::new(TlsHandshakeError {
                detail,
                verify_failed: false,
            }))
        };
        let mut ssl =
            openssl::ssl::Ssl::new(&self.context).map_err(|e| handshake_error(e.to_string()))?;
        // Names get SNI and hostname checks; IP literals an IP check only.
        match host.parse::<IpAddr>() {
            Ok(ip) => ssl.param_mut().set_ip(ip),
            Err(_) => ssl
                .set_hostname(&host)
                .and_then(|()| ssl.param_mut().set_host(&host)),
        }
        .map_err(|e| handshake_error(e.to_string()))?;
        let mut adapter = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        adapter.set_timeout(details.timeout);
        let stream = ssl.connect(adapter).map_err(|e| match e {
            HandshakeError::SetupFailure(e) => handshake_error(e.to_string()),
            HandshakeError::Failure(mid) | HandshakeError::WouldBlock(mid) => {
                let verify = mid.ssl().verify_result();
                if verify != openssl::x509::X509VerifyResult::OK {
                    return ureq::Error::Other(Box::new(TlsHandshakeError {
                        detail: format!("certificate verify failed: {}", verify.error_string()),
                        verify_failed: true,
                    }));
                }
                handshake_error(mid.error().to_string())
            }
        })?;
        if let Some(trust) = &self.bundle {
            let chain = stream
                .ssl()
                .peer_cert_chain()
                .ok_or_else(|| handshake_error("the server sent no certificate".into()))?;
            let anchors = trust
                .bundle
                .anchors_for(chain)
                .map_err(|e| handshake_error(e.to_string()))?;
            let peer = match host.parse::<IpAddr>() {
                Ok(ip) => Peer::Ip(ip),
                Err(_) => Peer::Host(&host),
            };
            verify_server_chain(chain, anchors, trust.dir.as_deref(), peer).map_err(|detail| {
                ureq::Error::Other(Box::new(TlsHandshakeError {
                    detail,
                    verify_failed: true,
                }))
            })?;
        }
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(OpensslTransport { buffers, stream })))
    }
}

pub struct OpensslTransport {
    buffers: LazyBuffers,
    stream: SslStream<TransportAdapter>,
}

impl fmt::Debug for OpensslTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpensslTransport").finish()
    }
}

impl Transport for OpensslTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = match self.stream.read(input) {
            Ok(n) => n,
            // A peer that closes without close_notify: treat as end of input.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Err(e) => return Err(e.into()),
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// An agent for the ACME server: our TLS, ureq's TCP and proxy support.
pub fn agent(config: ureq::config::Config, ca_bundle: Option<&Path>) -> Result<ureq::Agent> {
    use ureq::unversioned::resolver::DefaultResolver;
    use ureq::unversioned::transport::{ConnectProxyConnector, TcpConnector};
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(OpensslConnector::new(ca_bundle)?);
    Ok(ureq::Agent::with_parts(
        config,
        connector,
        DefaultResolver::default(),
    ))
}
