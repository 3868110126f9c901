//! The device list in the real window (Xvfb, WebKitGTK over WebDriver) with a fleet of
//! 100,000 devices in the encrypted store against a baseline of 10,000 in the same run
//! (enough rows that both scroll for the whole measurement):
//! time from navigating to the list until its first rows are drawn, and frame times
//! while scrolling through it. Run with
//! `xvfb-run -a dbus-run-session -- scripts/desktop-session.sh cargo bench -p acsdesk-tests --bench ui [DEVICES]`.

use acsdesk_core::store::acs::NewAcs;
use acsdesk_core::store::{KeyChoice, Workspace};
use acsdesk_core::sync::nbi::NbiSource;
use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

const PASSPHRASE: &str = "ui bench passphrase";

/// The baseline fleet: 240 frames of 12 rows scroll through 2,880 rows, so it must hold more.
const BASELINE: u64 = 10_000;

fn main() -> anyhow::Result<()> {
    let devices: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run(devices))
}

/// Figures of one fleet size.
struct Figures {
    devices: u64,
    first_rows_ms: Vec<f64>,
    frames_ms: Vec<f64>,
    rows_in_dom: usize,
}

async fn run(devices: u64) -> anyhow::Result<()> {
    println!("AcsDesk device list in the real window: {devices} devices against {BASELINE}\n");
    let baseline = measure(BASELINE).await.context("the baseline fleet")?;
    let big = measure(devices).await.context("the large fleet")?;
    let med = |v: &[f64]| percentile(v, 0.5);
    println!("{:<44} {:>12} {:>12} {:>8}", "", BASELINE, devices, "ratio");
    let line = |what: &str, a: f64, b: f64| {
        println!(
            "{what:<44} {a:>10.1}ms {b:>10.1}ms {:>7.2}x",
            b / a.max(0.001)
        );
    };
    line(
        "navigation → first rows (median of 5)",
        med(&baseline.first_rows_ms),
        med(&big.first_rows_ms),
    );
    line(
        "scrolling: frame time p50",
        med(&baseline.frames_ms),
        med(&big.frames_ms),
    );
    line(
        "scrolling: frame time p95",
        percentile(&baseline.frames_ms, 0.95),
        percentile(&big.frames_ms, 0.95),
    );
    line(
        "scrolling: longest frame",
        percentile(&baseline.frames_ms, 1.0),
        percentile(&big.frames_ms, 1.0),
    );
    println!(
        "\nrows in the DOM: {} of {BASELINE}, {} of {}",
        baseline.rows_in_dom, big.rows_in_dom, big.devices
    );
    Ok(())
}

fn percentile(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// A workspace whose tenant holds `devices` synced from a still sandbox, then the
/// window on it.
async fn measure(devices: u64) -> anyhow::Result<Figures> {
    let data = tempfile::tempdir()?;
    {
        let now = acsdesk_core::clock::system_now_ms();
        let sandbox = acsdesk_sandbox::Sandbox::builder(now)
            .devices(devices)
            .speed(0.0)
            .start()
            .await?;
        let ws = Workspace::open(data.path()).await?;
        let t = ws
            .create_tenant("Bench ISP", KeyChoice::Passphrase(PASSPHRASE.into()), now)
            .await?;
        t.add_acs(
            &NewAcs {
                name: "main".into(),
                url: sandbox.url(),
                auth_kind: "none".into(),
                auth_user: None,
                auth_secret: None,
                cwmp_url: None,
                rate_per_s: 1000,
                interval_s: 86_400,
            },
            now,
        )
        .await?;
        let source = NbiSource::new(
            acsdesk_genieacs::Client::builder(sandbox.url())
                .rate_limit(10_000, 10_000, 8)
                .build()?,
        );
        acsdesk_core::sync::round::sync_connection(&t, "main", &source, true, now, |_| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        // The window must not sync meanwhile: the ACS it knows is gone.
        t.set_acs_url("main", "http://127.0.0.1:9").await?;
        t.close().await;
        ws.set_setting("current_tenant", "Bench ISP").await?;
    }
    let desktop = Desktop::launch_in(data).await?;
    let outcome = in_window(&desktop, devices).await;
    if outcome.is_err() {
        let _ = desktop.screenshot("ui-bench-failure").await;
    }
    desktop.shutdown().await;
    outcome
}

async fn in_window(desktop: &Desktop, devices: u64) -> anyhow::Result<Figures> {
    let c = &desktop.client;
    let wait = |css: &'static str| {
        c.wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css(css))
    };
    wait("[data-testid=unlock-passphrase]")
        .await?
        .send_keys(PASSPHRASE)
        .await?;
    wait("[data-testid=unlock-submit]").await?.click().await?;
    wait("[data-testid=device-row]").await?;
    let counts = desktop
        .wait_text(
            "[data-testid=device-counts]",
            Duration::from_secs(60),
            |t| t.contains(&format!("of {devices}")),
        )
        .await?;
    ensure!(counts.contains(&format!("shown of {devices}")), "{counts}");
    let mut first_rows_ms = Vec::new();
    for _ in 0..5 {
        wait("[data-testid=nav-about]").await?.click().await?;
        wait("#about-title").await?;
        // Clicked and timed in the page: from the click to the first row in the DOM.
        let ms = c
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                const start = performance.now();
                const seen = () => document.querySelector('[data-testid=device-row]');
                const obs = new MutationObserver(() => {
                    if (seen()) { obs.disconnect(); requestAnimationFrame(() => done(performance.now() - start)); }
                });
                obs.observe(document.body, { childList: true, subtree: true });
                document.querySelector('[data-testid=nav-devices]').click();"#,
                vec![],
            )
            .await?;
        first_rows_ms.push(ms.as_f64().context("a time")?);
    }
    wait("[data-testid=device-row]").await?;
    let rows_in_dom = c
        .find_all(Locator::Css("[data-testid=device-row]"))
        .await?
        .len();
    // 240 frames of scrolling 400 px (12 rows) each: a quick fling through the list.
    let frames = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            const el = document.querySelector('[data-testid=device-rows]');
            const deltas = [];
            let last = performance.now(), n = 0;
            const tick = (t) => {
                deltas.push(t - last); last = t;
                if (++n >= 240) { done(deltas.slice(1)); return; }
                el.scrollTop += 400;
                requestAnimationFrame(tick);
            };
            requestAnimationFrame((t) => { last = t; el.scrollTop += 400; requestAnimationFrame(tick); });"#,
            vec![],
        )
        .await?;
    let frames_ms = frames
        .as_array()
        .context("frame times")?
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    Ok(Figures {
        devices,
        first_rows_ms,
        frames_ms,
        rows_in_dom,
    })
}
