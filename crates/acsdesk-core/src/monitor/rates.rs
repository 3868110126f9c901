//! Traffic rates from cumulative byte counters: 32-bit counters wrap, reboots reset them,
//! and neither may turn into a spike of petabytes on a chart.

use crate::normalize::CounterWidth;

/// One reading of a device's WAN counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterReading {
    /// When the reading was taken (the device's last inform), Unix ms.
    pub at_ms: i64,
    /// Cumulative bytes sent.
    pub sent: u64,
    /// Cumulative bytes received.
    pub received: u64,
    /// Where the counters wrap.
    pub width: CounterWidth,
    /// The device's uptime at that reading, seconds, if known.
    pub uptime_s: Option<u64>,
}

/// Traffic rates between two readings, bytes per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Upload rate (bytes sent per second).
    pub tx_bps: f64,
    /// Download rate (bytes received per second).
    pub rx_bps: f64,
}

/// Bytes counted between `prev` and `cur` on one counter.
///
/// - Normal case: `cur - prev`.
/// - The device rebooted between the readings (its uptime went down, or is shorter than
///   the time elapsed): the counter restarted from zero, so everything it holds is new.
/// - The counter went down without a reboot: it wrapped at its width, unless the implied
///   traffic exceeds half the counter's range, which is a silent reset instead.
pub fn counter_delta(prev: u64, cur: u64, width: CounterWidth, rebooted: bool) -> u64 {
    if rebooted {
        return cur;
    }
    if cur >= prev {
        return cur - prev;
    }
    let modulus = width.modulus();
    if u128::from(prev) >= modulus {
        // Wider than the declared width: the declaration is wrong, so no wrap arithmetic.
        return cur;
    }
    let wrapped = modulus - u128::from(prev) + u128::from(cur);
    if wrapped < modulus / 2 {
        u64::try_from(wrapped).unwrap_or(u64::MAX)
    } else {
        cur
    }
}

/// Whether the device rebooted between two readings, judged from uptime.
fn rebooted(prev: &CounterReading, cur: &CounterReading) -> bool {
    match (prev.uptime_s, cur.uptime_s) {
        (Some(before), Some(after)) => {
            let elapsed_s = (cur.at_ms - prev.at_ms).max(0) / 1000;
            after < before || (after as i64) < elapsed_s - 1
        }
        _ => false,
    }
}

/// The rates between two readings, or `None` when they cannot be compared: not strictly
/// increasing in time, or different counter widths (the WAN changed).
pub fn rates(prev: &CounterReading, cur: &CounterReading) -> Option<Rates> {
    if cur.at_ms <= prev.at_ms || prev.width != cur.width {
        return None;
    }
    let seconds = (cur.at_ms - prev.at_ms) as f64 / 1000.0;
    let reset = rebooted(prev, cur);
    let sent = counter_delta(prev.sent, cur.sent, cur.width, reset);
    let received = counter_delta(prev.received, cur.received, cur.width, reset);
    Some(Rates {
        tx_bps: sent as f64 / seconds,
        rx_bps: received as f64 / seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(at_s: i64, sent: u64, received: u64, uptime_s: u64) -> CounterReading {
        CounterReading {
            at_ms: at_s * 1000,
            sent,
            received,
            width: CounterWidth::Bits32,
            uptime_s: Some(uptime_s),
        }
    }

    #[test]
    fn plain_increase() {
        let r = rates(&reading(0, 1000, 5000, 100), &reading(10, 2000, 15000, 110)).unwrap();
        assert_eq!((r.tx_bps, r.rx_bps), (100.0, 1000.0));
    }

    #[test]
    fn a_32_bit_counter_wraps() {
        let max = u64::from(u32::MAX);
        let r = rates(
            &reading(0, max - 99, max - 999, 100),
            &reading(10, 900, 9000, 110),
        )
        .unwrap();
        // 100 bytes to the wrap + 900 after it; 1000 + 9000 on the other counter.
        assert_eq!((r.tx_bps, r.rx_bps), (100.0, 1000.0));
    }

    #[test]
    fn a_reboot_resets_instead_of_wrapping() {
        // Uptime dropped from 5000 s to 30 s: the counters restarted from zero.
        let r = rates(
            &reading(0, 3_000_000, 9_000_000, 5000),
            &reading(60, 3000, 6000, 30),
        )
        .unwrap();
        assert_eq!((r.tx_bps, r.rx_bps), (50.0, 100.0));
    }

    #[test]
    fn a_reboot_within_the_interval_is_seen_even_when_counters_grew() {
        // 600 s passed but the device has been up only 100 s: it rebooted in between.
        let r = rates(&reading(0, 100, 100, 5000), &reading(600, 6000, 1200, 100)).unwrap();
        assert_eq!(r.tx_bps, 10.0, "all 6000 bytes are new");
    }

    #[test]
    fn a_drop_too_large_to_be_a_wrap_is_a_reset() {
        let p = CounterReading {
            uptime_s: None,
            ..reading(0, 1_000_000_000, 10, 0)
        };
        let c = CounterReading {
            uptime_s: None,
            ..reading(10, 1000, 20, 0)
        };
        assert_eq!(rates(&p, &c).unwrap().tx_bps, 100.0);
    }

    #[test]
    fn sixty_four_bit_counters_wrap_at_their_own_width() {
        assert_eq!(
            counter_delta(u64::MAX - 9, 10, CounterWidth::Bits64, false),
            20
        );
        assert_eq!(
            counter_delta(u64::MAX - 9, 10, CounterWidth::Bits32, false),
            10
        );
    }

    #[test]
    fn incomparable_readings_give_no_rate() {
        let a = reading(10, 0, 0, 10);
        assert_eq!(rates(&a, &a), None, "no time elapsed");
        assert_eq!(
            rates(&reading(20, 0, 0, 20), &a),
            None,
            "time went backwards"
        );
        let b = CounterReading {
            width: CounterWidth::Bits64,
            ..reading(20, 5, 5, 20)
        };
        assert_eq!(rates(&a, &b), None, "the WAN changed");
    }
}
