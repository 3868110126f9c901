//! A 50 MB device list decodes in bounded memory: the client hands documents over as they
//! stream in and never holds the whole answer. This is its own test binary because it
//! counts every allocation of the process through a global allocator, which would see
//! the other tests' allocations if they ran beside it.

#![allow(clippy::unwrap_used)]

use acsdesk_genieacs::{Client, Query};
use axum::body::Body;
use axum::routing::get;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwards to the system allocator with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const DOCS: usize = 10_000;

/// One device document of about 5 KB, shaped like GenieACS's.
fn document(n: usize) -> String {
    let mut params = String::new();
    for i in 0..40 {
        params.push_str(&format!(
            r#","P{i}":{{"_value":"value-{n}-{i}-{pad}","_type":"xsd:string","_timestamp":"2026-11-23T20:58:03.140Z","_writable":false,"_object":false}}"#,
            pad = "x".repeat(20)
        ));
    }
    format!(
        r#"{{"_id":"00E0FC-HG8245H-{n:08}","_deviceId":{{"_OUI":"00E0FC","_ProductClass":"HG8245H","_SerialNumber":"{n:08}"}},"_lastInform":"2026-11-23T20:58:03.140Z","InternetGatewayDevice":{{"_object":true{params}}}}}"#
    )
}

#[tokio::test(flavor = "current_thread")]
async fn a_50_mb_answer_is_decoded_one_document_at_a_time() {
    // The server generates the answer as it sends it, so the bytes never sit in memory.
    let app = axum::Router::new().route(
        "/devices",
        get(|| async {
            let chunks = futures::stream::iter((0..=DOCS).map(|n| {
                let piece = match n {
                    0 => format!("[\n{}", document(0)),
                    n if n == DOCS => "\n]".to_owned(),
                    n => format!(",\n{}", document(n)),
                };
                Ok::<_, std::io::Error>(piece)
            }));
            Body::from_stream(chunks)
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    let total_bytes = (0..DOCS).map(|n| document(n).len() + 2).sum::<usize>();
    assert!(total_bytes > 50_000_000, "{total_bytes} bytes");

    let c = Client::builder(&url).build().unwrap();
    let baseline = NOW.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let mut seen = 0_usize;
    let mut last = String::new();
    let n = c
        .devices()
        .query(Query::all())
        .each(|d| {
            seen += 1;
            last = d.id().unwrap_or_default().to_owned();
        })
        .await
        .unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - baseline;
    assert_eq!((n as usize, seen), (DOCS, DOCS));
    assert_eq!(last, format!("00E0FC-HG8245H-{:08}", DOCS - 1));
    println!(
        "decoded {:.1} MB with a peak of {:.2} MB above the baseline",
        total_bytes as f64 / 1e6,
        peak as f64 / 1e6
    );
    assert!(
        peak < 8_000_000,
        "memory grew with the answer: peak {peak} bytes for {total_bytes} bytes"
    );
}
