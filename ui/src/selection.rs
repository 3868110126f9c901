//! The device list's selection for bulk actions: devices picked one by one, or every
//! device the current filter matches (which may be far more than are loaded).

use acsdesk_types::actions::{BulkTargets, DeviceKey};
use acsdesk_types::devices::DeviceFilter;
use std::collections::HashSet;

/// What is selected.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Selection {
    picked: HashSet<DeviceKey>,
    all_matching: bool,
}

impl Selection {
    /// Whether a device is selected.
    pub(crate) fn contains(&self, key: &DeviceKey) -> bool {
        self.all_matching || self.picked.contains(key)
    }

    /// Selects or unselects one device. Unselecting one while every matching device is
    /// selected is not offered (the others are not loaded); it clears instead.
    pub(crate) fn toggle(&mut self, key: DeviceKey) {
        if self.all_matching {
            self.clear();
        } else if !self.picked.remove(&key) {
            self.picked.insert(key);
        }
    }

    /// Selects every device the filter matches.
    pub(crate) fn select_all_matching(&mut self) {
        self.picked.clear();
        self.all_matching = true;
    }

    /// Selects nothing.
    pub(crate) fn clear(&mut self) {
        *self = Self::default();
    }

    /// Whether every matching device is selected.
    pub(crate) fn is_all_matching(&self) -> bool {
        self.all_matching
    }

    /// How many devices, given how many the filter matches.
    pub(crate) fn count(&self, matching: u64) -> u64 {
        if self.all_matching {
            matching
        } else {
            self.picked.len() as u64
        }
    }

    /// The targets to send, under the filter in use.
    pub(crate) fn targets(&self, filter: &DeviceFilter) -> BulkTargets {
        if self.all_matching {
            BulkTargets::Matching {
                filter: filter.clone(),
            }
        } else {
            let mut devices: Vec<DeviceKey> = self.picked.iter().cloned().collect();
            devices.sort_by(|a, b| (&a.acs, &a.id).cmp(&(&b.acs, &b.id)));
            BulkTargets::Devices { devices }
        }
    }
}

/// `1234` as `1,234`, for counts people read.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> DeviceKey {
        DeviceKey {
            acs: "main".into(),
            id: id.into(),
        }
    }

    #[test]
    fn picking_toggles_and_counts() {
        let mut s = Selection::default();
        s.toggle(key("a"));
        s.toggle(key("b"));
        s.toggle(key("a"));
        assert!(s.contains(&key("b")) && !s.contains(&key("a")));
        assert_eq!(s.count(500), 1);
        assert_eq!(
            s.targets(&DeviceFilter::default()),
            BulkTargets::Devices {
                devices: vec![key("b")]
            }
        );
    }

    #[test]
    fn all_matching_follows_the_filter_and_any_toggle_clears_it() {
        let mut s = Selection::default();
        s.toggle(key("a"));
        s.select_all_matching();
        assert_eq!(s.count(20_000), 20_000);
        assert!(s.contains(&key("never-loaded")));
        let filter = DeviceFilter {
            model: Some("HG8245H".into()),
            ..DeviceFilter::default()
        };
        assert_eq!(
            s.targets(&filter),
            BulkTargets::Matching {
                filter: filter.clone()
            }
        );
        s.toggle(key("a"));
        assert_eq!((s.is_all_matching(), s.count(20_000)), (false, 0));
    }

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
