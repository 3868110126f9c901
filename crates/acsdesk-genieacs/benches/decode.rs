//! Decode throughput of device pages through the client's real path (HTTP on loopback,
//! the streaming array splitter, one document decoded at a time) against
//! `serde_json::from_slice::<Value>` of the same bytes, with a plain download of the same
//! answer to show what is transport and what is decoding. Figures are ratios measured in
//! this run.
//!
//! `cargo bench -p acsdesk-genieacs --bench decode`

use acsdesk_genieacs::{Client, Query};
use axum::routing::get;
use std::time::Instant;

fn main() {
    let recorded = acsdesk_captures::fixture_bytes("devices-all.json");
    let docs: Vec<serde_json::Value> = serde_json::from_slice(&recorded).expect("valid JSON");
    // A page of about 12 MB in GenieACS's layout: the recorded documents, repeated with
    // fresh ids.
    let mut page = String::from("[\n");
    let mut n = 0;
    while page.len() < 12_000_000 {
        for d in &docs {
            let mut d = d.clone();
            d["_id"] = serde_json::Value::String(format!("BENCH-{n:06}"));
            if n > 0 {
                page.push_str(",\n");
            }
            page.push_str(&d.to_string());
            n += 1;
        }
    }
    page.push_str("\n]");
    let page = page.into_bytes();
    let rounds = 10;
    let mb = (page.len() * rounds) as f64 / 1_000_000.0;

    let start = Instant::now();
    for _ in 0..rounds {
        let v: serde_json::Value = serde_json::from_slice(&page).expect("valid JSON");
        std::hint::black_box(v);
    }
    let baseline = start.elapsed().as_secs_f64();

    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let (client_s, download_s) = rt.block_on(async {
        let body = bytes::Bytes::from(page.clone());
        let app = axum::Router::new().route(
            "/devices",
            get(move || {
                let body = body.clone();
                async move { body }
            }),
        );
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let url = format!("http://{}", l.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(l, app).await });

        let _ = rustls::crypto::ring::default_provider().install_default();
        let plain = reqwest::Client::new();
        let start = Instant::now();
        for _ in 0..rounds {
            let b = plain
                .get(format!("{url}/devices"))
                .send()
                .await
                .expect("download")
                .bytes()
                .await
                .expect("body");
            std::hint::black_box(b);
        }
        let download = start.elapsed().as_secs_f64();

        let client = Client::builder(&url)
            .rate_limit(1000, 1000, 8)
            .build()
            .expect("client");
        let start = Instant::now();
        for _ in 0..rounds {
            let mut count = 0_u64;
            client
                .devices()
                .query(Query::all())
                .each(|d| {
                    count += 1;
                    std::hint::black_box(d);
                })
                .await
                .expect("decoded");
            assert_eq!(count, n as u64);
        }
        (start.elapsed().as_secs_f64(), download)
    });

    println!(
        "device pages: {n} documents, {:.1} MB each, {rounds} rounds ({mb:.0} MB)",
        page.len() as f64 / 1e6
    );
    println!(
        "baseline serde_json::from_slice::<Value>: {:.1} MB/s",
        mb / baseline
    );
    println!(
        "plain HTTP download (no decoding):       {:.1} MB/s",
        mb / download_s
    );
    println!(
        "client (HTTP + streaming decode):       {:.1} MB/s = {:.2}x the baseline's time",
        mb / client_s,
        client_s / baseline
    );
    println!(
        "client decoding alone (client − download): {:.2}x the baseline's time",
        (client_s - download_s).max(0.0) / baseline
    );
}
