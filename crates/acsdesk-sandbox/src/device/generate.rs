//! Where a simulated router comes from: generated from the fleet's seed (its model,
//! serial, inform phase and the few numbers that make it itself), or imported from a
//! GenieACS document; and the values its model's generators produce.

use super::*;

/// A small deterministic generator (SplitMix64): the fleet is the same for the same seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// An integer in [lo, hi).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo).max(1)
    }
}

/// GenieACS's escaping of an id part: `-` and `%` become `%2D` and `%25`.
pub fn escape_part(part: &str) -> String {
    part.replace('%', "%25").replace('-', "%2D")
}

/// A distinct 32-bit number per device number and seed (a bijection on `u32`), for
/// serial numbers that never collide however large the fleet.
pub(super) fn serial_bits(seed: u64, n: u64) -> u32 {
    let x = (n as u32) ^ (seed as u32).rotate_left(7);
    x.wrapping_mul(0x9E37_79B1).rotate_left(13) ^ 0x5A5A_1234
}

impl SimDevice {
    /// Generates device number `n` of a fleet from `seed`, registered at `start_ms`.
    pub fn generate(seed: u64, n: u64, start_ms: i64) -> Self {
        let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(n));
        let model = Model::pick(rng.next_u64(), rng.next_u64());
        let (oui, pc, manufacturer, _, _) = model.identity();
        let bits = serial_bits(seed, n);
        let serial = match model {
            Model::MikroTik | Model::MikroTikLte => format!("HG{bits:08X}"),
            Model::TpLink => format!("22{n:010}"),
            Model::Huawei => format!("48575443{bits:08X}"),
            Model::Zte => format!("ZTEG{bits:08X}"),
        };
        let id = format!(
            "{}-{}-{}",
            escape_part(oui),
            escape_part(pc),
            escape_part(&serial)
        );
        let interval_s = [300, 300, 300, 600, 60][rng.range(0, 5) as usize];
        let mut addr = [0_u8; 8];
        for b in &mut addr {
            *b = rng.range(0, 256) as u8;
        }
        let registered_ms = start_ms - rng.range(30, 400) as i64 * 86_400_000;
        let uptime_s = rng.range(600, 40 * 86_400) as i64;
        let last_inform_ms = start_ms - rng.range(0, interval_s as u64 * 1000) as i64;
        let mut dev = SimDevice {
            id,
            template: model.template(),
            identity: Arc::new(Identity {
                oui: oui.into(),
                product_class: pc.into(),
                manufacturer: manufacturer.into(),
            }),
            serial,
            n,
            addr,
            overrides: BTreeMap::new(),
            extra: BTreeMap::new(),
            removed: Vec::new(),
            refreshed: Vec::new(),
            static_ts_ms: registered_ms,
            root_ts: None,
            tags: Vec::new(),
            registered_ms,
            last_inform_ms,
            boot_ms: last_inform_ms - uptime_s * 1000,
            informed_boot_ms: last_inform_ms - uptime_s * 1000,
            last_boot_ms: Some(last_inform_ms - uptime_s * 1000 + 20_000),
            last_bootstrap_ms: Some(registered_ms),
            pending_boot: None,
            next_inform_ms: last_inform_ms + interval_s * 1000,
            interval_s,
            offline_until_ms: 0,
            forced_offline: false,
            steady: false,
            in_session: false,
            ppp_forced_fail: false,
            ppp_rejected: Vec::new(),
            ppp_since_ms: 0,
            ppp_before_ms: 0,
            unsupported: Vec::new(),
            pending_download: None,
            pending_diagnostic: None,
            periodic_after_diagnostic_ms: None,
            unread: BTreeMap::new(),
            boots_image: None,
            queue: Vec::new(),
            executed: Vec::new(),
            ran: Vec::new(),
            known: None,
            read: None,
            summoned: false,
            simulated: true,
            cpu: 5.0 + rng.unit() * 30.0,
            mem: 20.0 + rng.unit() * 40.0,
            rate_rx: rng.unit() * 2_000_000.0,
            rate_tx: rng.unit() * 400_000.0,
            sent: rng.range(0, 4_000_000_000),
            received: rng.range(0, 4_000_000_000),
            optical: (rng.unit() - 0.5) * 2.0,
            // One router in seventeen has a dirty connector or a bent fibre.
            fibre_db: if n % 17 == 3 { -9.0 } else { 0.0 },
            rssi: -70,
            rng,
        };
        // A few routers start broken: 5 % unplugged for hours, 2 % failing PPP auth.
        let fate = dev.rng.range(0, 100);
        if fate < 5 {
            dev.offline_until_ms = start_ms + dev.rng.range(1, 12) as i64 * 3_600_000;
            dev.last_inform_ms = start_ms - dev.rng.range(20, 600) as i64 * 60_000;
            dev.next_inform_ms = dev.offline_until_ms;
        } else if fate < 7 {
            dev.ppp_forced_fail = true;
        }
        dev
    }

    /// A device made from a GenieACS device document, holding exactly what the document
    /// holds (values, types, writability, timestamps, tags, dates). It informs at its
    /// recorded interval but its values stay as recorded until tasks change them.
    pub fn import(doc: &Value) -> Result<Self, String> {
        let id = doc
            .get("_id")
            .and_then(Value::as_str)
            .ok_or("the document has no _id")?
            .to_owned();
        let template = Template::from_document(doc)?;
        let did = doc.get("_deviceId").cloned().unwrap_or(Value::Null);
        let text = |k: &str| {
            did.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let date = |k: &str| doc.get(k).and_then(Value::as_str).and_then(parse_iso);
        let last_inform_ms = date("_lastInform").unwrap_or(0);
        let root = template.root.clone();
        let interval_s = doc
            .get(&root)
            .and_then(|r| r.get("ManagementServer"))
            .and_then(|m| m.get("PeriodicInformInterval"))
            .and_then(|p| p.get("_value"))
            .and_then(Value::as_i64)
            .unwrap_or(300)
            .max(10);
        let uptime = template
            .slots
            .iter()
            .find(|s| s.path.ends_with(".DeviceInfo.UpTime"))
            .and_then(|s| match &s.gen {
                Gen::Const(v) => v.as_i64(),
                _ => None,
            })
            .unwrap_or(0);
        let tags = doc
            .get("_tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let registered_ms = date("_registered").unwrap_or(last_inform_ms);
        let mut rng = Rng::new(
            id.bytes()
                .fold(7_u64, |h, b| h.wrapping_mul(31) ^ u64::from(b)),
        );
        let mut addr = [0_u8; 8];
        for b in &mut addr {
            *b = rng.range(0, 256) as u8;
        }
        Ok(SimDevice {
            id,
            identity: Arc::new(Identity {
                oui: text("_OUI"),
                product_class: text("_ProductClass"),
                manufacturer: text("_Manufacturer"),
            }),
            serial: text("_SerialNumber"),
            template: Arc::new(template),
            n: 0,
            addr,
            overrides: BTreeMap::new(),
            extra: BTreeMap::new(),
            removed: Vec::new(),
            refreshed: Vec::new(),
            static_ts_ms: registered_ms,
            root_ts: date("_timestamp"),
            tags,
            registered_ms,
            last_inform_ms,
            boot_ms: last_inform_ms - uptime * 1000,
            informed_boot_ms: last_inform_ms - uptime * 1000,
            last_boot_ms: date("_lastBoot"),
            last_bootstrap_ms: date("_lastBootstrap"),
            pending_boot: None,
            next_inform_ms: last_inform_ms + interval_s * 1000,
            interval_s,
            offline_until_ms: 0,
            forced_offline: false,
            steady: false,
            in_session: false,
            ppp_forced_fail: false,
            ppp_rejected: Vec::new(),
            ppp_since_ms: 0,
            ppp_before_ms: 0,
            unsupported: Vec::new(),
            pending_download: None,
            pending_diagnostic: None,
            periodic_after_diagnostic_ms: None,
            unread: BTreeMap::new(),
            boots_image: None,
            queue: Vec::new(),
            executed: Vec::new(),
            ran: Vec::new(),
            known: None,
            read: None,
            summoned: false,
            simulated: false,
            cpu: 0.0,
            mem: 0.0,
            rate_rx: 0.0,
            rate_tx: 0.0,
            sent: 0,
            received: 0,
            optical: 0.0,
            fibre_db: 0.0,
            rssi: 0,
            rng,
        })
    }

    /// Whether LAN client `i` is connected at the last inform: the first always, the
    /// others by the hour (a phone leaves, a laptop sleeps).
    pub(crate) fn client_active(&self, i: u8) -> bool {
        let hour = (self.last_inform_ms / 3_600_000).max(0) as u64;
        i == 1 || !(self.n.wrapping_mul(31) + u64::from(i) * 13 + hour).is_multiple_of(4)
    }

    pub(super) fn generated(&self, gen: &Gen) -> Value {
        let a = self.addr;
        match gen {
            Gen::Const(v) => v.clone(),
            Gen::Secret => json!(""),
            Gen::Serial => json!(self.serial),
            Gen::Mac => {
                let oui = &self.identity.oui;
                let part = |i: usize| oui.get(i..i + 2).unwrap_or("00");
                json!(format!(
                    "{}:{}:{}:{:02X}:{:02X}:{:02X}",
                    part(0),
                    part(2),
                    part(4),
                    a[3],
                    a[4],
                    a[5]
                ))
            }
            Gen::PublicIp => {
                if self.ppp_ok() {
                    json!(format!(
                        "100.{}.{}.{}",
                        64 + a[0] % 63,
                        a[1],
                        1 + a[2] % 253
                    ))
                } else {
                    json!("")
                }
            }
            Gen::MgmtIp => json!(format!("10.50.{}.{}", a[6], 1 + a[7] % 253)),
            Gen::PppUser => json!(self.ppp_user()),
            Gen::Ssid(suffix) => {
                let word = self
                    .identity
                    .manufacturer
                    .split(' ')
                    .next()
                    .unwrap_or("WiFi");
                let tail = &self.serial[self.serial.len().saturating_sub(4)..];
                json!(format!("{word}-{tail}{suffix}"))
            }
            Gen::Identity => json!(format!("site-{}", self.n)),
            Gen::ClientMac(i) => json!(format!(
                "{}:{:02X}:{:02X}:{:02X}",
                ["3C:22:FB", "A4:83:E7", "F0:18:98", "DC:A6:32"][usize::from(*i) % 4],
                a[4],
                a[5],
                i
            )),
            Gen::ClientName(i) => json!(match (self.n + u64::from(*i)) % 5 {
                0 => format!(
                    "android-{:08x}",
                    self.n.wrapping_mul(0x9E37) ^ u64::from(*i)
                ),
                1 => "iPhone".to_owned(),
                2 => format!("LAPTOP-{:04X}", self.n % 0xFFFF),
                3 => "smart-tv".to_owned(),
                _ => String::new(),
            }),
            Gen::ClientIp(prefix, i) => json!(format!("{prefix}{}", 99 + u16::from(*i))),
            Gen::ClientActive(i) => json!(self.client_active(*i)),
            Gen::ClientSignal(i) => {
                let hour = (self.last_inform_ms / 3_600_000).max(0) as u64;
                json!(-38 - ((self.n + u64::from(*i) * 7 + hour) % 40) as i64)
            }
            Gen::ClientCount(mask) => json!((1..=7_u8)
                .filter(|i| mask & (1 << i) != 0 && self.client_active(*i))
                .count()),
            Gen::Uptime => json!(((self.last_inform_ms - self.informed_boot_ms) / 1000).max(0)),
            Gen::Cpu => json!(self.cpu.round() as u64),
            Gen::MemUsedPct => json!(self.mem.round() as u64),
            Gen::MemFree(total) => json!(((1.0 - self.mem / 100.0) * *total as f64) as u64),
            Gen::BytesSent { wraps32 } => json!(if *wraps32 {
                self.sent % (1 << 32)
            } else {
                self.sent
            }),
            Gen::BytesReceived { wraps32 } => json!(if *wraps32 {
                self.received % (1 << 32)
            } else {
                self.received
            }),
            Gen::OpticalRx(base) => json!(format!("{:.2}", base + self.fibre_db + self.optical)),
            Gen::OpticalTx(base) => json!(format!("{:.2}", base + self.optical / 5.0)),
            Gen::Rssi => json!(self.rssi),
            Gen::PppStatus => json!(if self.ppp_ok() {
                "Connected"
            } else {
                "Disconnected"
            }),
            Gen::PppUptime => {
                let since = if self.ppp_since_ms > self.last_inform_ms {
                    self.ppp_before_ms
                } else {
                    self.ppp_since_ms
                };
                let since = since.max(self.informed_boot_ms + PPP_DIAL_MS);
                json!(((self.last_inform_ms - since) / 1000).max(0))
            }
            Gen::PppError => json!(if self.ppp_ok() {
                "ERROR_NONE"
            } else {
                "ERROR_AUTHENTICATION_FAILURE"
            }),
            Gen::Interval => json!(self.interval_s),
            Gen::Unknown => Value::Null,
        }
    }
}
