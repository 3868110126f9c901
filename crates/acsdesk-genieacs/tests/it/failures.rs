//! Servers that fail: unreachable, refusing credentials, too slow, malformed JSON, a
//! truncated body, a dropped connection, a device in session, a wrong method; credentials
//! sent and never shown; and the concurrency cap (the rate limit is tested on a paused
//! clock in `pace.rs`).

use acsdesk_genieacs::{Auth, Client, Error, Query};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A raw TCP server answering every connection with `respond`.
async fn raw(respond: &'static [u8], delay: Duration, close_early: bool) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = [0_u8; 4096];
                let _ = s.read(&mut buf).await;
                if close_early {
                    return;
                }
                tokio::time::sleep(delay).await;
                let _ = s.write_all(respond).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn unreachable_slow_unauthorised_and_malformed_servers_give_clear_errors() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Client::builder(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = c.devices().query(Query::all()).count().await.unwrap_err();
    assert!(
        matches!(err, Error::Connect(_)) && err.is_transient() && !err.may_have_arrived(),
        "nothing reached a server that refused the connection: {err}"
    );

    let slow = raw(
        b"HTTP/1.1 200 OK\r\ntotal: 1\r\ncontent-length: 2\r\n\r\n[]",
        Duration::from_secs(3),
        false,
    )
    .await;
    let c = Client::builder(slow)
        .timeouts(Duration::from_secs(1), Duration::from_millis(300))
        .build()
        .unwrap();
    assert!(matches!(
        c.devices().query(Query::all()).send().await,
        Err(Error::Timeout)
    ));

    let denied = raw(
        b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n",
        Duration::ZERO,
        false,
    )
    .await;
    let c = Client::builder(denied)
        .auth(Auth::Basic {
            user: "noc".into(),
            password: "hunter2-secret".into(),
        })
        .build()
        .unwrap();
    let err = c.devices().query(Query::all()).send().await.unwrap_err();
    assert!(matches!(err, Error::Auth { status: 401 }));
    assert!(
        !format!("{err} {err:?} {c:?}").contains("hunter2"),
        "credentials never show"
    );

    let malformed = raw(
        b"HTTP/1.1 200 OK\r\ncontent-length: 14\r\n\r\n[{\"_id\": 12,}]",
        Duration::ZERO,
        false,
    )
    .await;
    let c = Client::builder(malformed).build().unwrap();
    let err = c.devices().query(Query::all()).send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { path, .. } if path.starts_with("[0]")),
        "the error names the document: {err}"
    );

    let truncated = raw(
        b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n[{\"_id\":\"a\"}",
        Duration::ZERO,
        false,
    )
    .await;
    let c = Client::builder(truncated)
        .timeouts(Duration::from_secs(1), Duration::from_secs(2))
        .build()
        .unwrap();
    let err = c.devices().query(Query::all()).send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { path, message } if path == "[0]" && message.starts_with("the answer was cut short")),
        "a truncated body says so: {err:?}"
    );

    let dropped = raw(b"", Duration::ZERO, true).await;
    let c = Client::builder(dropped).build().unwrap();
    let err = c.devices().query(Query::all()).send().await.unwrap_err();
    assert!(
        matches!(err, Error::Interrupted(_)) && err.is_transient() && err.may_have_arrived(),
        "a connection dropped after the request is worth retrying, but GenieACS may have acted: {err:?}"
    );

    let busy = raw(
        b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n",
        Duration::ZERO,
        false,
    )
    .await;
    let c = Client::builder(busy).build().unwrap();
    let err = c.devices().query(Query::all()).send().await.unwrap_err();
    assert!(
        matches!(err, Error::InSession) && err.is_transient() && !err.may_have_arrived(),
        "{err}"
    );

    let wrong_method = raw(
        b"HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\ncontent-length: 22\r\n\r\n405 Method Not Allowed",
        Duration::ZERO,
        false,
    )
    .await;
    let c = Client::builder(wrong_method).build().unwrap();
    let err = c.devices().query(Query::all()).send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Remote { status: 405, body } if body == "405 Method Not Allowed")
            && !err.is_transient(),
        "{err}"
    );
}

/// A server that records the request head it receives and answers an empty list.
async fn recording() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let h = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let h = h.clone();
            tokio::spawn(async move {
                let mut buf = vec![0_u8; 8192];
                let n = s.read(&mut buf).await.unwrap_or(0);
                h.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf[..n]).to_lowercase());
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\ntotal: 0\r\ncontent-length: 2\r\n\r\n[]")
                    .await;
            });
        }
    });
    (format!("http://{addr}"), heads)
}

#[tokio::test]
async fn every_kind_of_credential_is_sent_and_never_shown() {
    let (url, heads) = recording().await;
    let cases = [
        (
            Auth::Bearer("tok-SECRET-1".into()),
            "authorization: bearer tok-secret-1",
        ),
        (
            Auth::Header {
                name: "X-Api-Key".into(),
                value: "key-SECRET-2".into(),
            },
            "x-api-key: key-secret-2",
        ),
        (
            Auth::Basic {
                user: "noc".into(),
                password: "pw-SECRET-3".into(),
            },
            // base64("noc:pw-SECRET-3")
            "authorization: basic bm9jonb3lvnfq1jfvc0z",
        ),
    ];
    for (auth, header) in cases {
        let builder = Client::builder(&url).auth(auth);
        let shown_builder = format!("{builder:?}");
        let c = builder.build().unwrap();
        c.devices().query(Query::all()).count().await.unwrap();
        let head = heads.lock().unwrap().last().unwrap().clone();
        assert!(head.contains(header), "{header} missing in {head}");
        let shown = format!("{shown_builder} {c:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    // Credentials in the URL become basic authentication and leave the address.
    let with_user = url.replace("http://", "http://noc:pw-SECRET-3@");
    let builder = Client::builder(&with_user);
    assert!(!format!("{builder:?}").contains("SECRET"));
    let c = builder.build().unwrap();
    c.devices().query(Query::all()).count().await.unwrap();
    let head = heads.lock().unwrap().last().unwrap().clone();
    assert!(
        head.contains("authorization: basic bm9jonb3lvnfq1jfvc0z"),
        "{head}"
    );
    assert!(!format!("{c:?}").contains("SECRET"));
    assert!(matches!(
        Client::builder(&with_user)
            .auth(Auth::Bearer("x".into()))
            .build(),
        Err(Error::Invalid(_))
    ));
    let err = Client::builder(format!("{url}/?token=SECRET"))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(m) if m.contains("query string") && !m.contains("SECRET")),
        "{err}"
    );
    assert!(matches!(
        Client::builder("ftp://x").build(),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        Client::builder("not a url").build(),
        Err(Error::Invalid(_))
    ));
}

#[tokio::test]
async fn the_concurrency_cap_holds_across_clones() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let (f, p) = (in_flight.clone(), peak.clone());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let (f, p) = (f.clone(), p.clone());
            tokio::spawn(async move {
                let mut buf = [0_u8; 4096];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                    p.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    f.fetch_sub(1, Ordering::SeqCst);
                    if s.write_all(b"HTTP/1.1 200 OK\r\ntotal: 0\r\ncontent-length: 2\r\n\r\n[]")
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
    });
    let c = Client::builder(format!("http://{addr}"))
        .rate_limit(1000, 1000, 2)
        .build()
        .unwrap();
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.devices().query(Query::all()).send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(
        peak.load(Ordering::SeqCst),
        2,
        "never more than 2 requests at once across clones"
    );
}

/// A server streaming `head`, then `filler` forever (chunked), never ending the body.
async fn endless(head: &'static [u8], filler: &'static [u8]) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = [0_u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
                    .await;
                let chunk = |b: &[u8]| {
                    let mut c = format!("{:x}\r\n", b.len()).into_bytes();
                    c.extend_from_slice(b);
                    c.extend_from_slice(b"\r\n");
                    c
                };
                let _ = s.write_all(&chunk(head)).await;
                let filler = chunk(&filler.repeat(4096));
                while s.write_all(&filler).await.is_ok() {}
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn huge_and_endless_answers_stop_at_a_limit_named_in_the_error() {
    // One endless device document: the page reader holds at most one document's limit.
    let url = endless(b"[{\"_id\":\"x\",\"junk\":\"", b"aaaaaaaaaaaaaaaa").await;
    let c = Client::builder(url).build().unwrap();
    let err = c.devices().query(Query::all()).send().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                what: "a device document",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("32768 KiB"), "{err}");
    // An endless list of small faults: the list's limit, not memory, ends it.
    let url = endless(
        b"[{\"_id\":\"d:default\",\"device\":\"d\",\"channel\":\"default\",\"code\":\"x\",\"message\":\"m\",\"detail\":null,\"retries\":0,\"timestamp\":\"2026-01-01T00:00:00Z\"}",
        b",{\"_id\":\"d:default\",\"device\":\"d\",\"channel\":\"default\",\"code\":\"x\",\"message\":\"m\",\"detail\":null,\"retries\":0,\"timestamp\":\"2026-01-01T00:00:00Z\"}",
    )
    .await;
    let c = Client::builder(url).build().unwrap();
    let err = c
        .faults()
        .list(acsdesk_genieacs::api::tasks::Filter::all())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    // A declared length beyond the limit is refused before a byte of the body is read.
    let url = raw(
        b"HTTP/1.1 200 OK\r\ncontent-length: 999999999999\r\n\r\n[",
        Duration::ZERO,
        false,
    )
    .await;
    let c = Client::builder(url).build().unwrap();
    let err = c
        .tasks()
        .list(acsdesk_genieacs::api::tasks::Filter::all())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    // GenieACS may have acted on a request whose answer was cut off.
    assert!(err.may_have_arrived() && !err.is_transient());
}
