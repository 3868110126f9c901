//! Decode throughput of device pages: the client's typed decoding (with JSON paths in
//! errors) against `serde_json::from_slice::<Value>` of the same bytes.
//!
//! `cargo bench -p acsdesk-genieacs --bench decode`

use std::time::Instant;

fn main() {
    let page = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/genieacs/devices-all.json"
    ))
    .expect("the recorded devices");
    let rounds = 200;
    let mb = (page.len() * rounds) as f64 / 1_000_000.0;

    let start = Instant::now();
    for _ in 0..rounds {
        let v: serde_json::Value = serde_json::from_slice(&page).expect("valid JSON");
        std::hint::black_box(v);
    }
    let baseline = start.elapsed().as_secs_f64();

    let start = Instant::now();
    for _ in 0..rounds {
        let de = &mut serde_json::Deserializer::from_slice(&page);
        let docs: Vec<acsdesk_genieacs::DeviceDocument> =
            serde_path_to_error::deserialize(de).expect("valid documents");
        std::hint::black_box(docs);
    }
    let typed = start.elapsed().as_secs_f64();

    println!(
        "decoding {mb:.1} MB of recorded device pages ({} bytes each, {rounds} rounds)",
        page.len()
    );
    println!("serde_json::Value baseline: {:.1} MB/s", mb / baseline);
    println!(
        "client (typed, with error paths): {:.1} MB/s = {:.2}x the baseline's time",
        mb / typed,
        typed / baseline
    );
}
