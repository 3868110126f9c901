//! A router over virtual time: periodic informs with jitter, outages, evolving load and
//! traffic, downloads that finish, reboots and factory resets.

use super::*;

impl SimDevice {
    /// Advances the simulation to `now_ms`: periodic informs (with jitter) while the
    /// device is up, metrics evolving between them, random outages and reboots, boots
    /// reported at the first inform after them, downloads completing.
    pub(crate) fn step(&mut self, now_ms: i64) -> Informed {
        let mut out = Informed::default();
        while self.next_inform_ms <= now_ms && out.sessions.len() < 10_000 {
            let at = self.next_inform_ms;
            if !self.is_up(at) {
                if self.forced_offline {
                    self.next_inform_ms = now_ms + 1;
                    break;
                }
                // Back from an outage: the power came back, so the router booted.
                self.next_inform_ms = self.offline_until_ms;
                if self.simulated && self.pending_boot.is_none() {
                    self.boot_ms = self.offline_until_ms - 30_000;
                    self.pending_boot = Some(false);
                    self.sent = 0;
                    self.received = 0;
                }
                continue;
            }
            let dt = ((at - self.last_inform_ms).max(0) as f64) / 1000.0;
            if self.simulated {
                self.cpu = (self.cpu + (self.rng.unit() - 0.5) * 12.0).clamp(1.0, 99.0);
                self.mem = (self.mem + (self.rng.unit() - 0.5) * 4.0).clamp(10.0, 95.0);
                self.rate_rx =
                    (self.rate_rx * (0.7 + self.rng.unit() * 0.6)).clamp(1_000.0, 40_000_000.0);
                self.rate_tx =
                    (self.rate_tx * (0.7 + self.rng.unit() * 0.6)).clamp(500.0, 8_000_000.0);
                if self.ppp_ok() {
                    self.received = self.received.wrapping_add((self.rate_rx * dt) as u64);
                    self.sent = self.sent.wrapping_add((self.rate_tx * dt) as u64);
                }
                self.optical = (self.rng.unit() - 0.5) * 2.0;
                self.rssi = -70 + (self.rng.unit() * 16.0) as i64 - 8;
            }
            self.last_inform_ms = at;
            self.informed_boot_ms = self.boot_ms;
            let mut events = Vec::new();
            if let Some(bootstrap) = self.pending_boot.take() {
                self.last_boot_ms = Some(at);
                // A firmware image transferred before this boot is what runs now.
                if let Some(version) = self.boots_image.take() {
                    let path = format!("{}.DeviceInfo.SoftwareVersion", self.template.root);
                    if let Some(slot) = self.template.slot(&path) {
                        self.overrides.insert(slot, (json!(version), at));
                    }
                }
                if bootstrap {
                    self.last_bootstrap_ms = Some(at);
                    self.static_ts_ms = at;
                    events.push("0 BOOTSTRAP");
                }
                events.push("1 BOOT");
            } else if std::mem::take(&mut self.summoned) {
                events.push("6 CONNECTION REQUEST");
            }
            // A session brought forward for a diagnostic's end is not a periodic one.
            let periodic_due = self.periodic_after_diagnostic_ms.is_none_or(|p| at >= p);
            let diagnosed = self.finish_diagnostic(at);
            if events.is_empty() && (periodic_due || !diagnosed) {
                events.push("2 PERIODIC");
            }
            if diagnosed {
                events.push("8 DIAGNOSTICS COMPLETE");
            }
            if let Some(d) = self.pending_download.clone() {
                if at >= d.done_at_ms {
                    self.pending_download = None;
                    self.finish_download(&d, at, &mut out);
                    events.push("7 TRANSFER COMPLETE");
                }
            }
            self.learn_inform(at);
            out.sessions.push((at, events));
            if self.simulated && !self.steady {
                // Rare events: an outage (0.2 %) or a spontaneous reboot (0.1 %) per inform.
                let roll = self.rng.range(0, 1000);
                if roll < 2 {
                    self.interrupt_download(at);
                    self.offline_until_ms = at + self.rng.range(5, 90) as i64 * 60_000;
                } else if roll < 3 {
                    self.reboot(at + 1000);
                }
            }
            let jitter = if self.simulated {
                self.rng.range(0, 20_000) as i64 - 10_000
            } else {
                0
            };
            if self.next_inform_ms <= at {
                self.next_inform_ms = match self.periodic_after_diagnostic_ms.take() {
                    // A diagnostic's own session: the periodic schedule goes on.
                    Some(p) if p > at => p,
                    _ => at + self.interval_s * 1000 + jitter,
                };
            }
            self.schedule_diagnostic(at);
        }
        out
    }

    pub(super) fn finish_download(&mut self, d: &Download, at: i64, out: &mut Informed) {
        let dl = "Downloads.1";
        for (leaf, value, xsd) in [
            ("LastFileType", json!(d.file_type), "xsd:string"),
            ("LastFileName", json!(d.file), "xsd:string"),
            ("LastTargetFileName", json!(""), "xsd:string"),
            ("LastDownload", json!(iso(d.started_ms)), "xsd:dateTime"),
            ("StartTime", json!(iso(d.started_ms)), "xsd:dateTime"),
            ("CompleteTime", json!(iso(at)), "xsd:dateTime"),
        ] {
            self.extra.insert(
                format!("{dl}.{leaf}"),
                Extra {
                    value,
                    xsd,
                    writable: Some(false),
                    ts_ms: at,
                },
            );
        }
        match &d.fails {
            Some(fault) => out.failed_downloads.push((
                d.task_id.clone(),
                fault.clone(),
                at,
                json!([["download", d.file_type, d.file, ""]]).to_string(),
            )),
            None => {
                // This session still runs the old image; the new one boots after it
                // (an image without a version in its metadata changes nothing, as the
                // lab's simulated routers did).
                self.boots_image = d.version.clone();
                // Writing the image to flash takes a few minutes; then it boots.
                let flash_ms = 180_000 + self.rng.range(0, 120_000) as i64;
                self.reboot(at + flash_ms);
            }
        }
    }

    /// The link or the power goes at `at_ms`: a transfer still under way fails, and the
    /// router says so (`cwmp.9010`) in its TransferComplete at its next session.
    pub(crate) fn interrupt_download(&mut self, at_ms: i64) {
        if let Some(d) = &mut self.pending_download {
            if at_ms < d.done_at_ms && d.fails.is_none() {
                d.fails = Some(super::cwmp::cwmp(
                    "9010",
                    "Download failed: the transfer was interrupted",
                ));
            }
        }
    }

    /// Reboots at `at_ms`: the router is away for about 45 s and informs with `1 BOOT`
    /// when it returns; uptime and counters restart.
    pub fn reboot(&mut self, at_ms: i64) {
        self.interrupt_download(at_ms);
        self.drop_diagnostic(at_ms);
        self.boot_ms = at_ms + 45_000;
        self.offline_until_ms = at_ms + 45_000;
        self.next_inform_ms = at_ms + 50_000;
        self.pending_boot = Some(self.pending_boot.unwrap_or(false));
        self.sent = 0;
        self.received = 0;
    }

    /// Factory reset at `at_ms`: every value set since goes back to the model's default
    /// (the subscriber's PPPoE credentials are gone, so PPP fails until they are set
    /// again), added objects disappear, and the router reboots and bootstraps.
    /// GenieACS's tags are GenieACS's and stay.
    pub fn factory_reset(&mut self, at_ms: i64) {
        self.overrides.clear();
        self.removed.clear();
        // GenieACS's own bookkeeping survives the device's reset.
        self.extra
            .retain(|p, _| p.starts_with("Downloads.") || p == "Reboot" || p == "FactoryReset");
        if self.simulated {
            // The vendors' factory default.
            self.interval_s = 300;
        }
        if let Some(slot) = self.template.slot_of(&Gen::PppUser) {
            self.overrides.insert(slot, (json!(""), at_ms));
        }
        self.reboot(at_ms);
        self.pending_boot = Some(true);
    }
}
