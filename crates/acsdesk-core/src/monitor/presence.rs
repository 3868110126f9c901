//! Online/offline derived from a device's last inform against its own inform interval.

/// How lenient the online test is. A device is online while
/// `now <= last_inform + interval × factor + grace`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PresencePolicy {
    /// How many inform intervals may pass without an inform (default 2: one missed
    /// periodic inform is tolerated).
    pub factor: f64,
    /// Extra seconds for clock skew and session time (default 120).
    pub grace_s: u32,
    /// The interval assumed when the device does not report one (GenieACS's default
    /// `inform` provision sets 300 s).
    pub default_interval_s: u32,
}

impl Default for PresencePolicy {
    fn default() -> Self {
        Self {
            factor: 2.0,
            grace_s: 120,
            default_interval_s: 300,
        }
    }
}

impl PresencePolicy {
    /// The instant (Unix ms) after which a device that last informed at `last_inform_ms`
    /// counts as offline.
    pub fn deadline_ms(&self, last_inform_ms: i64, inform_interval_s: Option<u32>) -> i64 {
        let interval = inform_interval_s
            .filter(|i| *i > 0)
            .unwrap_or(self.default_interval_s);
        let factor = if self.factor.is_finite() && self.factor >= 1.0 {
            self.factor
        } else {
            1.0
        };
        let allowed_ms = f64::from(interval) * factor * 1000.0 + f64::from(self.grace_s) * 1000.0;
        last_inform_ms.saturating_add(allowed_ms as i64)
    }

    /// Whether the device is online at `now_ms`. A device that never informed is offline.
    pub fn is_online(
        &self,
        last_inform_ms: Option<i64>,
        inform_interval_s: Option<u32>,
        now_ms: i64,
    ) -> bool {
        last_inform_ms.is_some_and(|last| now_ms <= self.deadline_ms(last, inform_interval_s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn online_within_interval_times_factor_plus_grace() {
        let p = PresencePolicy::default();
        let last = 1_000_000_000;
        // 300 s × 2 + 120 s = 12 minutes.
        assert!(p.is_online(Some(last), Some(300), last + 12 * MIN));
        assert!(!p.is_online(Some(last), Some(300), last + 12 * MIN + 1));
        // A 60 s interval goes offline much sooner: 60 × 2 + 120 = 4 minutes.
        assert!(!p.is_online(Some(last), Some(60), last + 4 * MIN + 1));
    }

    #[test]
    fn missing_or_zero_interval_uses_the_default_and_never_informed_is_offline() {
        let p = PresencePolicy::default();
        let last = 5_000;
        assert_eq!(p.deadline_ms(last, None), p.deadline_ms(last, Some(300)));
        assert_eq!(p.deadline_ms(last, Some(0)), p.deadline_ms(last, Some(300)));
        assert!(!p.is_online(None, Some(300), 0));
    }

    #[test]
    fn a_nonsense_factor_is_clamped_to_one() {
        let p = PresencePolicy {
            factor: f64::NAN,
            grace_s: 0,
            default_interval_s: 300,
        };
        assert_eq!(p.deadline_ms(0, Some(100)), 100_000);
        let p = PresencePolicy { factor: 0.1, ..p };
        assert_eq!(p.deadline_ms(0, Some(100)), 100_000);
    }
}
