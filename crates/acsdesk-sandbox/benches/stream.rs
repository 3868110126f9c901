//! Serving `GET /devices` for a large fleet with a 15-parameter projection: devices/s,
//! MB/s, and the server's memory before and during the answer (it must stay flat: the
//! answer is rendered and sent a chunk of documents at a time). The floor is the same
//! number of bytes served from memory by the same HTTP stack, in the same run.
//!
//! `cargo bench -p acsdesk-sandbox --bench stream` (`ACSDESK_BENCH_DEVICES`, default
//! 100000).

use futures::StreamExt;
use std::time::Instant;

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

const PROJECTION: &[&str] = &[
    "_id",
    "_lastInform",
    "_deviceId",
    "InternetGatewayDevice.DeviceInfo.SoftwareVersion",
    "InternetGatewayDevice.DeviceInfo.UpTime",
    "InternetGatewayDevice.DeviceInfo.X_HW_CpuUsed",
    "InternetGatewayDevice.ManagementServer.PeriodicInformInterval",
    "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID",
    "InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig.TotalBytesSent",
    "InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig.TotalBytesReceived",
    "Device.DeviceInfo.SoftwareVersion",
    "Device.DeviceInfo.UpTime",
    "Device.ManagementServer.PeriodicInformInterval",
    "Device.WiFi.SSID.1.SSID",
    "Device.PPP.Interface.1.Username",
];

async fn download(client: &reqwest::Client, url: &str) -> (u64, f64) {
    let start = Instant::now();
    let mut body = client
        .get(url)
        .send()
        .await
        .expect("an answer")
        .bytes_stream();
    let mut n = 0_u64;
    while let Some(chunk) = body.next().await {
        n += chunk.expect("a chunk").len() as u64;
    }
    (n, start.elapsed().as_secs_f64())
}

fn main() {
    let devices: u64 = std::env::var("ACSDESK_BENCH_DEVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let base_rss = rss_kib("VmRSS:");
        let start = Instant::now();
        let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
            .devices(devices)
            .speed(0.0)
            .start()
            .await
            .expect("the sandbox");
        let generated = start.elapsed().as_secs_f64();
        let fleet_rss = rss_kib("VmRSS:");
        let client = reqwest::Client::new();
        let url = format!("{}/devices?projection={}", sandbox.url(), PROJECTION.join(","));
        // The first answer also warms the allocator and the connection; the second is timed.
        let fleet_hwm = rss_kib("VmHWM:");
        let _ = download(&client, &url).await;
        let first_hwm = rss_kib("VmHWM:");
        let (bytes, secs) = download(&client, &url).await;
        let after_hwm = rss_kib("VmHWM:");

        // The floor: the same bytes from memory through the same HTTP stack.
        let blob = bytes::Bytes::from(vec![b'x'; bytes as usize]);
        let app = axum::Router::new().route(
            "/blob",
            axum::routing::get(move || {
                let b = blob.clone();
                async move { b }
            }),
        );
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let floor_url = format!("http://{}/blob", l.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(l, app).await });
        let _ = download(&client, &floor_url).await;
        let (_, floor) = download(&client, &floor_url).await;

        let mb = bytes as f64 / 1e6;
        println!("fleet of {devices} devices generated in {generated:.2} s, {:.0} MB resident ({:.0} bytes a device)",
            fleet_rss.saturating_sub(base_rss) as f64 / 1024.0,
            fleet_rss.saturating_sub(base_rss) as f64 * 1024.0 / devices as f64);
        println!("GET /devices with a {}-path projection: {mb:.1} MB in {secs:.2} s", PROJECTION.len());
        println!("  {:.0} devices/s, {:.1} MB/s", devices as f64 / secs, mb / secs);
        println!("  floor (same bytes from memory): {:.1} MB/s; the sandbox takes {:.2}x the floor's time", mb / floor, secs / floor);
        println!(
            "  peak memory while answering: {:.1} MB above the fleet the first time, {:.1} MB more the second (high-water mark {} → {} → {} KiB)",
            first_hwm.saturating_sub(fleet_hwm) as f64 / 1024.0,
            after_hwm.saturating_sub(first_hwm) as f64 / 1024.0,
            fleet_hwm, first_hwm, after_hwm
        );
    });
}
