//! A GenieACS-compatible northbound (NBI) server backed by a simulated fleet of routers:
//! the embedded demo, the backbone of the integration tests and the benchmarks' load
//! generator. It simulates what a GenieACS server holds and does; it never speaks TR-069.
//!
//! Start one with [`Sandbox::builder`]; drive scenarios over HTTP under `/_sandbox/`:
//! `POST /_sandbox/clock/advance?ms=N`, `POST /_sandbox/devices/<id>/offline|online|busy|ppp-fail|ppp-ok` (busy: new tasks get 503, as a device in session),,
//! `GET /_sandbox/devices/<id>/executed` (the tasks it ran, with times),
//! `POST /_sandbox/files/<name>/bad`, `POST /_sandbox/chaos?latency_ms=&fail_requests=`.
//!
//! Deliberate differences from GenieACS 1.2: requests that make the real NBI drop the
//! connection (unknown task names, missing required fields, unsupported operators) get a
//! `400` with a message instead; a factory reset reboots and clears tags but keeps the
//! simulated configuration; presets and provisions are stored but not run.

mod clock;
pub mod fleet;
pub mod query;
mod server;

pub use clock::VirtualClock;

use server::{Fleet, Shared};
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
        }
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

    /// Generates the fleet and starts serving. Fails when the address cannot be bound.
    pub async fn start(self) -> std::io::Result<SandboxHandle> {
        let clock = Arc::new(VirtualClock::new(self.start_ms, self.speed));
        let devices = (0..self.devices)
            .map(|n| fleet::SimDevice::generate(self.seed, n, self.start_ms))
            .collect();
        let shared = Arc::new(Shared {
            clock: clock.clone(),
            fleet: Mutex::new(Fleet::new(devices)),
            faults: Mutex::new(BTreeMap::new()),
            files: Mutex::new(BTreeMap::new()),
            collections: Mutex::new(HashMap::new()),
            chaos: Mutex::default(),
            task_counter: AtomicU64::new(1),
        });
        let listener = tokio::net::TcpListener::bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
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

    /// The ids of every simulated device, sorted.
    pub fn device_ids(&self) -> Vec<String> {
        self.shared
            .fleet
            .lock()
            .map(|f| f.devices.iter().map(|d| d.id.clone()).collect())
            .unwrap_or_default()
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
