//! A billing export of 20,000 subscribers (every column, a router serial each) into an
//! encrypted tenant: reading the CSV, planning every row against the store, writing
//! them in one transaction, and the same file again (all unchanged) — against the
//! baseline of adding subscribers one at a time, as a form does, measured in the same
//! run on a sample and reported per row.
//!
//! `cargo bench -p acsdesk-core --bench subscribers -- [ROWS]` (default 20000).

use acsdesk_core::store::subscribers::SubscriberInput;
use acsdesk_core::store::{KeyChoice, Workspace};
use acsdesk_core::subscribers::csv::{plan, CsvFile, RowPlan};
use acsdesk_types::input::{SerialNumber, Ssid};
use std::fmt::Write;
use std::time::{Duration, Instant};

const T0: i64 = 1_795_467_600_000;
/// Subscribers added one at a time for the baseline.
const BASELINE_ROWS: usize = 1_000;

fn main() {
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(run(rows));
}

/// A billing export as the ISP's system writes it.
fn billing_csv(rows: usize) -> String {
    let mut text = String::from(
        "account;name;phone;pppoe_username;pppoe_password;wifi_ssid;wifi_password;serial;plan;status\n",
    );
    for i in 0..rows {
        let _ = writeln!(
            text,
            "A-{i:06};\"Subscriber {i}, Main St\";+54 11 5555-{:04};user{i}@isp;ppp-pass-{i:06};Home-{i:06};wifi-pass-{i:06};SN{i:010};50/10;active",
            i % 10_000
        );
    }
    text
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

async fn run(rows: usize) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let ws = Workspace::open(dir.path()).await.expect("a workspace");
    let tenant = ws
        .create_tenant("bench", KeyChoice::Passphrase("bench".into()), T0)
        .await
        .expect("a tenant");
    let text = billing_csv(rows);

    let start = Instant::now();
    let file = CsvFile::read(text.as_bytes(), &[]).expect("the file reads");
    let read = start.elapsed();
    let start = Instant::now();
    let first = plan(&file, &tenant).await.expect("a plan");
    let planned = start.elapsed();
    let inputs: Vec<SubscriberInput> = first.rows.iter().filter_map(|r| r.input.clone()).collect();
    assert_eq!(inputs.len(), rows, "every row is accepted");
    let start = Instant::now();
    tenant
        .import_subscribers(&inputs, T0)
        .await
        .expect("the import");
    let written = start.elapsed();
    let start = Instant::now();
    let again = plan(&file, &tenant).await.expect("a plan");
    let replanned = start.elapsed();
    assert!(again.rows.iter().all(|r| r.plan == RowPlan::Unchanged));

    // Baseline: the same kind of subscriber added one at a time, in another tenant.
    let one_by_one = ws
        .create_tenant("baseline", KeyChoice::Passphrase("bench".into()), T0)
        .await
        .expect("a tenant");
    let start = Instant::now();
    for i in 0..BASELINE_ROWS {
        let mut s = SubscriberInput::new(&format!("B-{i:06}"), &format!("Subscriber {i}"));
        s.wifi_ssid = Some(Ssid::parse(&format!("Home-{i:06}")).expect("an SSID"));
        s.serial = Some(SerialNumber::parse(&format!("SB{i:010}")).expect("a serial"));
        one_by_one.add_subscriber(&s, T0).await.expect("added");
    }
    let baseline = start.elapsed();
    let per_row_baseline = secs(baseline) / BASELINE_ROWS as f64;
    let import_total = read + planned + written;
    let per_row_import = secs(import_total) / rows as f64;
    println!("subscribers: {rows} rows, {} KiB of CSV", text.len() / 1024);
    println!("  read       {:>8.3} s", secs(read));
    println!("  plan       {:>8.3} s", secs(planned));
    println!("  write      {:>8.3} s (one transaction)", secs(written));
    println!("  import     {:>8.3} s in all", secs(import_total));
    println!(
        "  same file  {:>8.3} s to find every row unchanged",
        secs(replanned)
    );
    println!(
        "  baseline   {:>8.3} s for {BASELINE_ROWS} added one at a time ({:.3} ms a row)",
        secs(baseline),
        per_row_baseline * 1000.0
    );
    println!(
        "  ratio      import {:.3} ms a row = {:.3}x the one-at-a-time baseline",
        per_row_import * 1000.0,
        per_row_import / per_row_baseline
    );
}
