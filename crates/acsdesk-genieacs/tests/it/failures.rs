//! Servers that fail: unreachable, refusing credentials, too slow, malformed JSON, a
//! truncated body, a dropped connection; and the concurrency cap.

use acsdesk_genieacs::{Auth, Client, Error, Query};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
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
        matches!(err, Error::Connect(_)) && err.is_transient(),
        "{err}"
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
    assert!(matches!(err, Error::Decode { .. }), "{err}");

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
    assert!(
        c.devices().query(Query::all()).send().await.is_err(),
        "a truncated body is an error, not a panic"
    );

    let dropped = raw(b"", Duration::ZERO, true).await;
    let c = Client::builder(dropped).build().unwrap();
    assert!(
        c.devices().query(Query::all()).send().await.is_err(),
        "a dropped connection is an error"
    );
}

#[tokio::test]
async fn the_concurrency_cap_and_the_rate_limit_hold() {
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

    // 5 requests at 10/s with a burst of 2: at least 3 waits of 100 ms.
    let c = Client::builder(format!("http://{addr}"))
        .rate_limit(10, 2, 8)
        .build()
        .unwrap();
    let start = Instant::now();
    for _ in 0..5 {
        c.devices().query(Query::all()).send().await.unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_millis(280),
        "{:?}",
        start.elapsed()
    );
}
