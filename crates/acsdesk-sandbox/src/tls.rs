//! An `https://` front with a freshly generated self-signed certificate (for `localhost`
//! and the address it listens on) before a plain-HTTP server: what an ISP's reverse
//! proxy before its GenieACS NBI often is. Bytes pass through unchanged. `acsdesk
//! sandbox --tls` serves the simulated NBI behind one, to try a connection's
//! certificate trust by hand; the tests put one before a sandbox.

use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;

/// A running front: its address and what a client needs to trust it.
#[derive(Debug, Clone)]
pub struct TlsFront {
    /// `https://localhost:PORT`.
    pub url: String,
    /// The certificate as PEM (it is its own CA).
    pub pem: String,
    /// The certificate's SHA-256, lower-case hex.
    pub fingerprint: String,
}

/// Serves TLS on a free local port, passing each connection on to `upstream` (an
/// `http://host:port` URL or a `host:port`), until the runtime ends.
pub async fn front(upstream: &str) -> std::io::Result<TlsFront> {
    front_on(upstream, SocketAddr::from(([127, 0, 0, 1], 0))).await
}

/// As [`front`], listening on `bind` (port 0: a free one); the certificate also names
/// the address listened on, and the URL uses it unless it is this machine's.
pub async fn front_on(upstream: &str, bind: SocketAddr) -> std::io::Result<TlsFront> {
    let target = upstream
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut names = vec!["localhost".to_owned()];
    let ip = bind.ip();
    if !ip.is_unspecified() {
        names.push(ip.to_string());
    }
    let cert = rcgen::generate_simple_self_signed(names).map_err(std::io::Error::other)?;
    let der = cert.cert.der().clone();
    let fingerprint = hex::encode(Sha256::digest(der.as_ref()));
    let key = rustls::pki_types::PrivateKeyDer::try_from(cert.signing_key.serialize_der())
        .map_err(std::io::Error::other)?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(std::io::Error::other)?
    .with_no_client_auth()
    .with_single_cert(vec![der], key)
    .map_err(std::io::Error::other)?;
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let port = listener.local_addr()?.port();
    let host = if ip.is_loopback() || ip.is_unspecified() {
        "localhost".to_owned()
    } else {
        match ip {
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        }
    };
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let target = target.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends its handshake: nothing to pass on.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Ok(mut plain) = tokio::net::TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            });
        }
    });
    Ok(TlsFront {
        url: format!("https://{host}:{port}"),
        pem: cert.cert.pem(),
        fingerprint,
    })
}
