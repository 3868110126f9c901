//! What auto-provisioning costs the ACS, on the sandbox running the real generated
//! scripts as GenieACS would: a fleet of routers through one inform interval (every
//! router informs and runs the presets of its session) with
//!
//! 1. nothing installed (the baseline),
//! 2. AcsDesk's shared objects (the monitoring on every periodic inform),
//! 3. plus 200 routers awaiting a change (a normal day),
//! 4. plus one preset per subscriber — 20,000 awaiting at once (the day a whole
//!    billing export is linked, the worst case; each session evaluates every preset),
//!
//! and how long installing those 20,000 presets through the NBI takes.
//!
//! `cargo bench -p acsdesk-core --bench provisioning -- [ROUTERS] [PRESETS]`
//! (default 20000 20000).

use acsdesk_core::provisioning::{apply, plan, shared_objects, Desired, RouterConfig, RouterInput};
use acsdesk_sandbox::{Sandbox, SandboxHandle};
use acsdesk_types::provisioning::ProvisioningProfile;
use std::time::{Duration, Instant};

const T0: i64 = 1_795_467_600_000;
/// Ten minutes of virtual time: every router of the fleet informs at least once.
const INTERVAL_MS: i64 = 600_000;

fn main() {
    let mut nums = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<u64>().ok());
    let routers = nums.next().unwrap_or(20_000);
    let presets = nums.next().unwrap_or(20_000) as usize;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(run(routers, presets));
}

fn input(i: usize) -> RouterInput {
    RouterInput {
        account: format!("A-{i:06}"),
        name: format!("Subscriber {i}"),
        phone: None,
        // Routers that have not made first contact: every session evaluates their
        // preset, none matches.
        serial: format!("NEW{i:09}"),
        pppoe_username: Some(format!("user{i}@isp")),
        pppoe_password: Some(format!("ppp-pass-{i:06}")),
        wifi_ssid: Some(format!("Home-{i:06}")),
        wifi_password: Some(format!("wifi-pass-{i:06}")),
        connection_request: None,
    }
}

/// Wall time of one interval of the whole fleet's informs (median of three), and the
/// sessions in it.
fn interval(s: &SandboxHandle) -> (Duration, u64) {
    let mut runs: Vec<(Duration, u64)> = (0..3)
        .map(|_| {
            let before = s.sessions();
            let t = Instant::now();
            s.advance(INTERVAL_MS);
            (t.elapsed(), s.sessions() - before)
        })
        .collect();
    runs.sort();
    runs[1]
}

fn line(what: &str, (d, sessions): (Duration, u64), base: Duration) {
    println!(
        "  {what:<40} {:>8.3} s  {:>7.1} µs/session  {:>8.1}x",
        d.as_secs_f64(),
        d.as_secs_f64() * 1e6 / sessions.max(1) as f64,
        d.as_secs_f64() / base.as_secs_f64().max(1e-9)
    );
}

async fn install(s: &SandboxHandle, desired: &[Desired]) -> Duration {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The sandbox's own speed: a real connection is paced by its rate limit (20 per
    // second unless set otherwise), which then sets how long an install takes.
    let client = acsdesk_genieacs::Client::builder(s.url())
        .rate_limit(100_000, 100_000, 8)
        .build()
        .expect("a client");
    let t = Instant::now();
    let changes = plan(desired, &[], &[], false);
    apply(&client, &changes).await.expect("installed");
    t.elapsed()
}

async fn run(routers: u64, presets: usize) {
    let s = Sandbox::builder(T0)
        .devices(routers)
        .seed(5)
        .speed(0.0)
        .start()
        .await
        .expect("sandbox");
    let profile = ProvisioningProfile::default();
    s.advance(INTERVAL_MS);
    let base = interval(&s);
    println!(
        "{routers} routers, {} s of informs ({} sessions), wall time and ratio to the baseline:",
        INTERVAL_MS / 1000,
        base.1
    );
    line("nothing installed (baseline)", base, base.0);
    install(&s, &shared_objects(&profile)).await;
    line("monitoring (2 presets, 1 script)", interval(&s), base.0);
    let monitoring = interval(&s);
    let configs: Vec<RouterConfig> = (0..presets)
        .map(|i| RouterConfig::build(&profile, &input(i)).expect("valid"))
        .collect();
    let few: Vec<Desired> = configs.iter().take(200).map(RouterConfig::preset).collect();
    install(&s, &few).await;
    line("+ 200 routers awaiting a change", interval(&s), base.0);
    let rest: Vec<Desired> = configs.iter().skip(200).map(RouterConfig::preset).collect();
    let took = install(&s, &rest).await;
    let all = interval(&s);
    line(
        &format!("+ {presets} routers awaiting (worst)"),
        all,
        base.0,
    );
    println!(
        "  {presets} awaiting against monitoring alone: {:.2}x",
        all.0.as_secs_f64() / monitoring.0.as_secs_f64().max(1e-9)
    );
    println!(
        "installing {} per-router presets through the NBI: {:.2} s ({:.2} ms each, unpaced)",
        rest.len(),
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / rest.len().max(1) as f64
    );
}
