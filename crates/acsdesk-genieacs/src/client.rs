//! The client of one GenieACS connection: base URL, authentication, TLS (system roots,
//! an extra CA, or a pinned certificate), timeouts, and a rate limit with a concurrency
//! cap shared by every clone. Credentials never appear in `Debug` or errors.

use crate::error::Error;
use crate::pace::Pace;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How requests authenticate (GenieACS itself has none; a reverse proxy may).
#[derive(Clone, Default)]
pub enum Auth {
    /// No authentication.
    #[default]
    None,
    /// HTTP basic.
    Basic {
        /// User.
        user: String,
        /// Password.
        password: String,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// A custom header carrying a token (e.g. `X-Api-Key`).
    Header {
        /// Header name.
        name: String,
        /// Header value.
        value: String,
    },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::Basic { user, .. } => {
                write!(f, "Auth::Basic {{ user: {user:?}, password: <redacted> }}")
            }
            Auth::Bearer(_) => f.write_str("Auth::Bearer(<redacted>)"),
            Auth::Header { name, .. } => {
                write!(f, "Auth::Header {{ name: {name:?}, value: <redacted> }}")
            }
        }
    }
}

/// How the server's certificate is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Tls {
    /// The system's trusted roots.
    #[default]
    System,
    /// The system's roots plus this CA (PEM).
    ExtraCa(Vec<u8>),
    /// Exactly this certificate, by the SHA-256 of its DER (hex; `:` separators allowed),
    /// for self-signed servers.
    PinnedSha256(String),
}

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    base: String,
    auth: Auth,
    tls: Tls,
    connect_timeout: Duration,
    timeout: Duration,
    per_second: u32,
    burst: u32,
    concurrency: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base", &shown_url(&self.base))
            .field("auth", &self.auth)
            .field("tls", &self.tls)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("per_second", &self.per_second)
            .field("burst", &self.burst)
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

/// A URL as it may be shown: scheme, host and port only (no credentials, no query).
fn shown_url(url: &str) -> String {
    reqwest::Url::parse(url.trim())
        .map(|u| {
            format!(
                "{}://{}:{}{}",
                u.scheme(),
                u.host_str().unwrap_or("?"),
                u.port_or_known_default().unwrap_or(0),
                u.path().trim_end_matches('/')
            )
        })
        .unwrap_or_else(|_| "<invalid>".into())
}

impl ClientBuilder {
    /// Authentication.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// TLS verification.
    pub fn tls(mut self, tls: Tls) -> Self {
        self.tls = tls;
        self
    }

    /// Connect and per-request timeouts.
    pub fn timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.timeout = request;
        self
    }

    /// Requests per second with a burst, and concurrent requests at most.
    pub fn rate_limit(mut self, per_second: u32, burst: u32, concurrency: usize) -> Self {
        self.per_second = per_second.max(1);
        self.burst = burst.max(1);
        self.concurrency = concurrency.max(1);
        self
    }

    /// Builds the client. Fails on a malformed URL, CA or pin. Credentials written in
    /// the URL (`https://user:pass@host`) become HTTP basic authentication and are
    /// removed from the address.
    pub fn build(self) -> Result<Client, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut base = reqwest::Url::parse(self.base.trim())
            .map_err(|e| Error::Invalid(format!("the NBI URL is not valid ({e})")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::Invalid(
                "the NBI URL must start with http:// or https://".into(),
            ));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(Error::Invalid(
                "the NBI URL must not carry a query string or fragment; give a token through the authentication settings".into(),
            ));
        }
        let mut auth = self.auth.clone();
        if !base.username().is_empty() || base.password().is_some() {
            if !matches!(auth, Auth::None) {
                return Err(Error::Invalid(
                    "credentials are given both in the NBI URL and as authentication; keep one"
                        .into(),
                ));
            }
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            auth = Auth::Basic {
                user: decode(base.username()),
                password: decode(base.password().unwrap_or_default()),
            };
            let _ = base.set_username("");
            let _ = base.set_password(None);
        }
        let mut headers = reqwest::header::HeaderMap::new();
        let auth_header = match &auth {
            Auth::None => None,
            Auth::Basic { user, password } => {
                use base64::Engine;
                let raw = format!("{user}:{password}");
                Some((
                    reqwest::header::AUTHORIZATION,
                    format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(raw)
                    ),
                ))
            }
            Auth::Bearer(t) => Some((reqwest::header::AUTHORIZATION, format!("Bearer {t}"))),
            Auth::Header { name, value } => Some((
                reqwest::header::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::Invalid(format!("{name:?} is not a header name")))?,
                value.clone(),
            )),
        };
        if let Some((name, value)) = auth_header {
            let mut v = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
                Error::Invalid("the credentials contain characters HTTP cannot carry".into())
            })?;
            v.set_sensitive(true);
            headers.insert(name, v);
        }
        let verifier: Arc<dyn ServerCertVerifier> = match &self.tls {
            Tls::System => Arc::new(Recording(
                rustls_platform_verifier::Verifier::new(provider.clone())
                    .map_err(|e| Error::Invalid(format!("cannot load the system's CAs: {e}")))?,
            )),
            Tls::ExtraCa(pem) => {
                let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
                    .collect::<Result<_, _>>()
                    .map_err(|e| {
                        Error::Invalid(format!("the CA file is not a PEM certificate ({e})"))
                    })?;
                if certs.is_empty() {
                    return Err(Error::Invalid(
                        "the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
                    ));
                }
                Arc::new(Recording(
                    rustls_platform_verifier::Verifier::new_with_extra_roots(
                        certs,
                        provider.clone(),
                    )
                    .map_err(|e| Error::Invalid(format!("the CA cannot be used: {e}")))?,
                ))
            }
            Tls::PinnedSha256(hexpin) => {
                let clean: String = hexpin
                    .chars()
                    .filter(|c| *c != ':')
                    .collect::<String>()
                    .to_ascii_lowercase();
                let pin = hex::decode(&clean)
                    .ok()
                    .filter(|p| p.len() == 32)
                    .ok_or_else(|| {
                        Error::Invalid("the pin must be a SHA-256 in hex (64 digits)".into())
                    })?;
                Arc::new(PinVerifier {
                    pin,
                    provider: provider.clone(),
                })
            }
        };
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Invalid(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .tls_backend_preconfigured(config)
            .build()
            .map_err(|e| Error::Invalid(format!("cannot set up HTTPS: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base: base.as_str().trim_end_matches('/').to_owned(),
                pace: Pace::new(self.per_second, self.burst, self.concurrency),
            }),
        })
    }
}

/// The SHA-256 a certificate is pinned by (hex).
fn fingerprint(cert: &CertificateDer<'_>) -> String {
    hex::encode(Sha256::digest(cert.as_ref()))
}

/// Why a certificate was refused, with its fingerprint, carried inside rustls's error so
/// that [`Error::Tls`] can show it.
#[derive(Debug)]
pub(crate) struct Refused {
    pub(crate) reason: String,
    pub(crate) fingerprint: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (sha256={})", self.reason, self.fingerprint)
    }
}

impl std::error::Error for Refused {}

fn refused(reason: String, cert: &CertificateDer<'_>) -> rustls::Error {
    rustls::Error::InvalidCertificate(rustls::CertificateError::Other(rustls::OtherError(
        Arc::new(Refused {
            reason,
            fingerprint: fingerprint(cert),
        }),
    )))
}

/// The platform's verifier, recording the fingerprint of a certificate it refuses (so a
/// user can pin a self-signed server they trust).
#[derive(Debug)]
struct Recording(rustls_platform_verifier::Verifier);

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            .map_err(|e| refused(describe(&e), end_entity))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// A certificate error in words a user understands.
fn describe(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => {
                "the server's certificate is not signed by a trusted CA (add its CA file, or pin it)".into()
            }
            C::Expired | C::ExpiredContext { .. } => "the server's certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "the server's certificate is not valid yet (check the clock)".into()
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "the server's certificate is for another host name".into()
            }
            C::Revoked => "the server's certificate was revoked".into(),
            other => format!("the server's certificate is not trusted ({other:?})"),
        },
        other => format!("the server's certificate is not trusted ({other})"),
    }
}

/// Accepts exactly the pinned certificate (self-signed servers).
#[derive(Debug)]
struct PinVerifier {
    pin: Vec<u8>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = Sha256::digest(end_entity.as_ref());
        if seen.as_slice() == self.pin.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(refused(
                "the certificate does not match the pinned fingerprint".into(),
                end_entity,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

struct Inner {
    http: reqwest::Client,
    base: String,
    pace: Pace,
}

/// A GenieACS NBI client. Cheap to clone; clones share the rate limit.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &shown_url(&self.inner.base))
            .finish()
    }
}

impl Client {
    /// A builder for the NBI at `base` (e.g. `http://acs.example.net:7557`): no auth,
    /// system roots, 10 s connect / 120 s request timeouts, 20 requests/s (burst 40),
    /// 8 at once.
    pub fn builder(base: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base: base.into(),
            auth: Auth::None,
            tls: Tls::System,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(120),
            per_second: 20,
            burst: 40,
            concurrency: 8,
        }
    }

    /// Requests sent so far through this client and its clones (each paced by the rate
    /// limit): for reports and benchmarks.
    pub fn requests_sent(&self) -> u64 {
        self.inner.pace.granted()
    }

    /// Devices: query, count, delete, tags.
    pub fn devices(&self) -> crate::api::devices::DevicesHandler<'_> {
        crate::api::devices::DevicesHandler::new(self)
    }

    /// Tasks: create (with outcomes), list, delete, retry; connection requests.
    pub fn tasks(&self) -> crate::api::tasks::TasksHandler<'_> {
        crate::api::tasks::TasksHandler::new(self)
    }

    /// Faults: list, delete.
    pub fn faults(&self) -> crate::api::faults::FaultsHandler<'_> {
        crate::api::faults::FaultsHandler::new(self)
    }

    /// Files: list, upload, delete.
    pub fn files(&self) -> crate::api::files::FilesHandler<'_> {
        crate::api::files::FilesHandler::new(self)
    }

    /// Presets, provisions or virtual parameters.
    pub fn config(
        &self,
        kind: crate::api::config::ConfigKind,
    ) -> crate::api::config::ConfigHandler<'_> {
        crate::api::config::ConfigHandler::new(self, kind)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/{}", self.inner.base, path.trim_start_matches('/'))
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Sends a request through the rate limiter and the concurrency cap, and maps
    /// failures and error statuses to [`Error`]. 2xx responses are returned as they are.
    pub(crate) async fn send(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, Error> {
        let _turn = self
            .inner
            .pace
            .turn()
            .await
            .ok_or_else(|| Error::Connect("the client is closed".into()))?;
        let resp = req.send().await.map_err(Error::from_reqwest)?;
        let status = resp.status().as_u16();
        if resp.status().is_success() {
            return Ok(resp);
        }
        let body = crate::api::bytes(resp, crate::api::ERROR_BODY)
            .await
            .unwrap_or_default();
        let excerpt: String = String::from_utf8_lossy(&body).chars().take(300).collect();
        Err(match status {
            401 | 403 => Error::Auth { status },
            404 => Error::NotFound(if excerpt.is_empty() {
                "404 Not Found".into()
            } else {
                excerpt
            }),
            400 => Error::Invalid(excerpt),
            503 => Error::InSession,
            _ => Error::Remote {
                status,
                body: excerpt,
            },
        })
    }
}

/// The reason phrase of a response's status line, as sent (GenieACS puts the meaning of
/// a 202 there), falling back to the canonical one.
pub(crate) fn reason_phrase(resp: &reqwest::Response) -> String {
    resp.extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
        .unwrap_or_else(|| {
            resp.status()
                .canonical_reason()
                .unwrap_or_default()
                .to_owned()
        })
}
