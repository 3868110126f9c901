//! A GenieACS-compatible northbound (NBI) server backed by a simulated fleet of routers:
//! the embedded demo, the backbone of the integration tests and the benchmarks' load
//! generator. It simulates what a GenieACS server holds and does; it never speaks TR-069.
//!
//! Start one with [`Sandbox::builder`]. The fleet is generated from a seed (`model`: the
//! vendors' parameter tables, shared by every device of a model; `device`: each router's
//! state and behaviour over a [`VirtualClock`]); real GenieACS documents can be imported
//! as devices too. The NBI (`server::nbi`) routes requests the way GenieACS 1.2 does and
//! answers with its status codes, reason phrases and document shapes, as the recorded
//! captures show; `GET /_sandbox` lists the scenario API for tests and demos.
//!
//! Deliberate differences from GenieACS 1.2.16, each because the real behaviour is a
//! crash or needs a real CPE:
//! - Requests that make the real NBI drop the connection (an unknown task name, a task
//!   missing its fields, retrying or deleting a task id that does not exist or is not an
//!   ObjectId, deleting a file that does not exist) get an answer instead: `400` with the
//!   reason, or `404 Task not found` / `404 Not Found`. A `$ne` mixed with another
//!   operator, and operators the task and fault collections cannot take (`$regex` on
//!   `timestamp`), are evaluated, not crashed on. Injected `drop_requests` chaos reproduces the
//!   dropped connection on demand.
//! - JSON syntax errors say what `serde_json` says (`SyntaxError: expected value at line
//!   1 column 2`), not V8's wording.
//! - A device in a session answers new tasks `503 Device is in session` (as older GenieACS
//!   did and as AcsDesk must handle); 1.2.16 waits up to 30 s, then answers `202 Task
//!   queued but not processed`.
//! - Presets and provisions run in the routers' sessions as GenieACS runs them
//!   (`provisioning`: events, preconditions, built-in provisions, scripts in QuickJS with
//!   `declare`, `args`, `log`, `commit`, `clear`, `ext`), with two differences: a script
//!   runs once per session, its `declare` answered at once from the router (GenieACS
//!   re-runs it until what it declared has been fetched), and `ext()` always faults
//!   (`ext.Error`: the sandbox has no extensions). Virtual parameters are stored, listed
//!   and deleted, never run. Scripts are compiled when stored; a syntax error is
//!   QuickJS's wording (`SyntaxError: expecting ')'`), not V8's. Like the captured
//!   server, the sandbox starts without GenieACS's `bootstrap`, `default` and `inform`
//!   presets.
//! - The generated fleet's documents hold every value as of the router's last inform,
//!   as if a monitoring provision refreshed them — except a share of it (`partial`, a
//!   tenth by default) that GenieACS has only met through informs: as on the real server,
//!   those hold the Inform's values (without `_writable`) and the rest of the tree as
//!   GetParameterNames listed it (`{"_object": false, "_writable": true}`, objects without
//!   `_writable`), until a refresh, a `getParameterValues`, a provision's `declare` or a
//!   precondition reads them; what was read then follows the router. A router made with
//!   `POST /_sandbox/devices/new` is what GenieACS really meets: its document holds only
//!   what its informs carried and what provisions and tasks read or set, each with the
//!   value of that moment — so nothing refreshes CPU or uptime unless a provision does.
//! - Firmware bytes are counted, not kept. As on the real server a download completes in
//!   two sessions: GenieACS deletes the `download` task when the router accepts it (an
//!   `/operations` entry waits for the TransferComplete), the router transfers for 20 s
//!   to 2 min and reports the TransferComplete at its next session after that (periodic,
//!   or a connection request's), still on the old image; it then writes the image for 3
//!   to 5 min and boots into the version its file's metadata names (a file without one
//!   changes nothing, as the lab's simulated routers did), or the transfer fails with `cwmp.9016
//!   Unexpected response 404` for a missing file and `cwmp.9010` for a file marked bad, at
//!   the configured failure rate, or when the router is unplugged, loses power or reboots
//!   before the transfer ends, the fault on the download task's channel.
//! - Every model has the ping diagnostic (TR-098 `IPPingDiagnostics`, TR-181
//!   `IP.Diagnostics.IPPing`, with the recorded routers' defaults). Setting its
//!   `DiagnosticsState` to `Requested` runs it after that session: no packet leaves the
//!   machine — one echo a second with latencies seeded by the host and the router, one
//!   lost now and then, all of them while its internet line is down, `Error_
//!   CannotResolveHostName` for a host ending in `.invalid` —, then the router writes its
//!   results and informs at once with `8 DIAGNOSTICS COMPLETE` (its periodic schedule
//!   goes on). As on the real server GenieACS holds the old values until a task queued for
//!   that session, a refresh or a provision reads them. A reboot ends a test under way.
//! - After a factory reset (`0 BOOTSTRAP`) the tree stays readable, as if GenieACS's
//!   inform provision had re-read it at once; the reset values are the vendor defaults
//!   and the PPPoE credentials are gone.
//! - Internal collections (`/users`, `/config`, `/cache`) answer empty lists; `/ping`
//!   answers as if the host replied.
//! - Simulated devices carry `_lastBoot` and `_lastBootstrap` from the start (real
//!   routers inform `1 BOOT`; the lab's simulator never did).

mod clock;
pub mod device;
mod document;
pub mod model;
mod provisioning;
pub mod query;
mod server;
pub mod tls;

pub use clock::VirtualClock;

use serde_json::Value;
use server::{Chaos, Fleet, Shared};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct Sandbox {
    devices: u64,
    seed: u64,
    speed: f64,
    start_ms: i64,
    bind: SocketAddr,
    import: Vec<Value>,
    download_failure_rate: f64,
    firmware_images: bool,
    partial: f64,
    guard: Option<(String, String)>,
}

/// The share of the generated fleet GenieACS has only met through informs, by default.
pub const DEFAULT_PARTIAL: f64 = 0.1;

/// Why a sandbox did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The header a request must carry cannot be one.
    #[error("the required header: {0}")]
    Guard(String),
    /// An imported document is not a GenieACS device document.
    #[error("imported document {index}: {reason}")]
    Import {
        /// Its position.
        index: usize,
        /// What is wrong.
        reason: String,
    },
}

impl Sandbox {
    /// 200 devices, seed 1, real-time clock starting at `start_ms`, on 127.0.0.1 with a
    /// free port.
    pub fn builder(start_ms: i64) -> Self {
        Self {
            devices: 200,
            seed: 1,
            speed: 1.0,
            start_ms,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            import: Vec::new(),
            download_failure_rate: 0.0,
            firmware_images: false,
            partial: DEFAULT_PARTIAL,
            guard: None,
        }
    }

    /// The share (0..=1) of the generated routers whose documents start partial, as a
    /// real GenieACS holds a router that has only informed: the Inform's values, and the
    /// rest of the tree as GetParameterNames listed it (`_writable`, no value), until a
    /// refresh or a provision reads them. Chosen per router from the seed.
    pub fn partial(mut self, share: f64) -> Self {
        self.partial = share.clamp(0.0, 1.0);
        self
    }

    /// How many simulated routers.
    pub fn devices(mut self, n: u64) -> Self {
        self.devices = n;
        self
    }

    /// The seed the fleet is generated from.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How much faster than real time the virtual clock runs (0 freezes it).
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = speed;
        self
    }

    /// The address to listen on.
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// GenieACS device documents to serve as devices besides the generated fleet (each
    /// exactly as recorded until tasks change it).
    pub fn import(mut self, documents: Vec<Value>) -> Self {
        self.import = documents;
        self
    }

    /// Also stores, as if uploaded, one newer firmware image per simulated model (with
    /// its OUI, product class and version in the metadata), so firmware updates can be
    /// tried at once: the demo fleet has them.
    pub fn firmware_images(mut self, yes: bool) -> Self {
        self.firmware_images = yes;
        self
    }

    /// The share of firmware downloads that fail (0..=1) besides files marked bad.
    pub fn download_failure_rate(mut self, rate: f64) -> Self {
        self.download_failure_rate = rate.clamp(0.0, 1.0);
        self
    }

    /// Answers the NBI only to requests carrying header `name` with exactly `value`
    /// (`401 Unauthorized` otherwise), as a reverse proxy guarding a GenieACS does —
    /// GenieACS's NBI itself has no authentication. `Authorization` with `Basic …` or
    /// `Bearer …` is HTTP basic or a bearer token; `/_sandbox/` stays open.
    pub fn require_header(mut self, name: &str, value: &str) -> Self {
        self.guard = Some((name.to_owned(), value.to_owned()));
        self
    }

    /// Generates the fleet and starts serving.
    pub async fn start(self) -> Result<SandboxHandle, StartError> {
        let clock = Arc::new(VirtualClock::new(self.start_ms, self.speed));
        let mut devices: Vec<device::SimDevice> = (0..self.devices)
            .map(|n| {
                let mut dev = device::SimDevice::generate(self.seed, n, self.start_ms);
                // Its own draw, so the rest of the fleet is the same whatever the share.
                let mut draw = device::Rng::new(self.seed ^ n.wrapping_mul(0x2545_F491_4F6C_DD1D));
                if draw.unit() < self.partial {
                    dev.forget_values();
                }
                dev
            })
            .collect();
        for (index, doc) in self.import.iter().enumerate() {
            let mut dev = device::SimDevice::import(doc)
                .map_err(|reason| StartError::Import { index, reason })?;
            // Served as recorded: the next inform comes one interval after the start.
            dev.next_inform_ms = dev
                .next_inform_ms
                .max(self.start_ms + dev.interval_s * 1000);
            devices.push(dev);
        }
        let guard = match self.guard.clone() {
            None => None,
            Some((name, value)) => Some((
                axum::http::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| StartError::Guard(format!("{name:?} is not a header name")))?,
                value,
            )),
        };
        let shared = Arc::new(Shared {
            guard,
            clock: clock.clone(),
            fleet: Mutex::new(Fleet::new(devices)),
            faults: Mutex::new(BTreeMap::new()),
            files: Mutex::new(if self.firmware_images {
                model::Model::ALL
                    .iter()
                    .filter(|m| **m != model::Model::MikroTikLte)
                    .map(|m| {
                        let (oui, product_class, ..) = m.identity();
                        let (name, version) = m.upgrade();
                        (
                            name.to_owned(),
                            server::StoredFile {
                                length: 24 * 1024 * 1024,
                                metadata: serde_json::json!({
                                    "fileType": "1 Firmware Upgrade Image",
                                    "oui": oui,
                                    "productClass": product_class,
                                    "version": version,
                                }),
                                upload_ms: self.start_ms,
                                bad: false,
                            },
                        )
                    })
                    .collect()
            } else {
                BTreeMap::new()
            }),
            collections: Mutex::new(HashMap::new()),
            catalog: Mutex::new(None),
            chaos: Mutex::new(Chaos {
                download_failure_rate: self.download_failure_rate,
                ..Chaos::default()
            }),
            task_counter: AtomicU64::new(1),
            sessions: AtomicU64::new(0),
        });
        let listener = tokio::net::TcpListener::bind(self.bind)
            .await
            .map_err(|source| StartError::Bind {
                addr: self.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: self.bind,
            source,
        })?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(listener, shared.clone(), stopped));
        Ok(SandboxHandle {
            addr,
            clock,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    clock: Arc<VirtualClock>,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl SandboxHandle {
    /// How many CWMP sessions the routers have had so far (informs and summoned ones).
    pub fn sessions(&self) -> u64 {
        self.shared
            .sessions
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The NBI base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The virtual clock.
    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }

    /// A shared handle on the virtual clock, for clients that must agree with it.
    pub fn clock_handle(&self) -> Arc<VirtualClock> {
        self.clock.clone()
    }

    /// Advances the virtual clock and the fleet.
    pub fn advance(&self, ms: i64) {
        self.clock.advance(ms);
        self.shared.advance();
    }

    /// The ids of every device, sorted.
    pub fn device_ids(&self) -> Vec<String> {
        server::lock(&self.shared.fleet)
            .devices
            .iter()
            .map(|d| d.id.clone())
            .collect()
    }

    /// Stops serving and waits for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
