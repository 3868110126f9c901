//! The HTTP client for AcsDesk's own outbound requests (webhooks, SMS gateways):
//! rustls with the `ring` provider and the platform's certificate verifier.

use std::sync::Once;
use std::time::Duration;

static PROVIDER: Once = Once::new();

/// Installs `ring` as the process's rustls crypto provider, once. Another part of the
/// program may have installed one first; either works.
pub fn install_crypto_provider() {
    PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A client with the given per-request timeout. The error is a sentence for people.
pub fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    install_crypto_provider();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .build()
        .map_err(|e| format!("could not set up HTTPS: {e}"))
}
