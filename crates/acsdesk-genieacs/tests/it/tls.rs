//! TLS against a server with a generated self-signed certificate: untrusted by default,
//! accepted with its CA or its pinned fingerprint, refused with a wrong pin (and the
//! fingerprint it saw in the error).

use acsdesk_genieacs::{Client, Error, Query, Tls};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn tls_server() -> (String, String, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let der = cert.cert.der().clone();
    let pem = cert.cert.pem();
    let pin = hex::encode(Sha256::digest(der.as_ref()));
    let key = rustls::pki_types::PrivateKeyDer::try_from(cert.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![der], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut s) = acceptor.accept(tcp).await {
                    let mut buf = [0_u8; 4096];
                    let _ = s.read(&mut buf).await;
                    let _ = s.write_all(b"HTTP/1.1 200 OK\r\ntotal: 7\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
                    let _ = s.shutdown().await;
                }
            });
        }
    });
    (format!("https://localhost:{port}"), pem, pin)
}

#[tokio::test]
async fn unknown_ca_is_refused_and_a_ca_or_pin_is_accepted() {
    let (url, pem, pin) = tls_server().await;
    let err = Client::builder(&url)
        .build()
        .unwrap()
        .devices()
        .query(Query::all())
        .count()
        .await
        .unwrap_err();
    match &err {
        Error::Tls {
            reason,
            fingerprint,
        } => {
            assert!(reason.contains("not signed by a trusted CA"), "{err}");
            assert_eq!(
                fingerprint.as_deref(),
                Some(pin.as_str()),
                "the error shows the fingerprint to pin: {err}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains(&pin), "{err}");

    let with_ca = Client::builder(&url)
        .tls(Tls::ExtraCa(pem.into_bytes()))
        .build()
        .unwrap();
    assert_eq!(
        with_ca.devices().query(Query::all()).count().await.unwrap(),
        7
    );

    let pinned = Client::builder(&url)
        .tls(Tls::PinnedSha256(pin.clone()))
        .build()
        .unwrap();
    assert_eq!(
        pinned.devices().query(Query::all()).count().await.unwrap(),
        7
    );

    let wrong = Client::builder(&url)
        .tls(Tls::PinnedSha256("ab".repeat(32)))
        .build()
        .unwrap();
    let err = wrong
        .devices()
        .query(Query::all())
        .count()
        .await
        .unwrap_err();
    match &err {
        Error::Tls { fingerprint, .. } => {
            assert_eq!(fingerprint.as_deref(), Some(pin.as_str()), "{err}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Client::builder(&url)
            .tls(Tls::PinnedSha256("nothex".into()))
            .build(),
        Err(Error::Invalid(_))
    ));
    let colons: String = pin
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect::<Vec<_>>()
        .join(":");
    let pinned_colons = Client::builder(&url)
        .tls(Tls::PinnedSha256(colons))
        .build()
        .unwrap();
    assert_eq!(
        pinned_colons
            .devices()
            .query(Query::all())
            .count()
            .await
            .unwrap(),
        7,
        "a pin copied as AB:CD:… works too"
    );
    for bad_ca in [b"not a certificate".to_vec(), Vec::new()] {
        assert!(matches!(
            Client::builder(&url).tls(Tls::ExtraCa(bad_ca)).build(),
            Err(Error::Invalid(_))
        ));
    }
}
