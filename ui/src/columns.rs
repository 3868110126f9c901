//! The device list's columns: which exist, which a person chose to show, how wide each
//! was dragged, and the CSS grid track list that lays out the header and every row.

use acsdesk_types::devices::SortKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One column of the device list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column {
    /// Stable name, used in the remembered preferences and `data-testid`s.
    pub(crate) id: &'static str,
    /// The sort key of its header.
    pub(crate) key: SortKey,
    /// Header text.
    pub(crate) title: &'static str,
    /// The grid track when not resized: fixed where the content has a known width
    /// (a 16-character serial, a dotted IPv4), shared (`fr`) where it varies.
    pub(crate) track: &'static str,
    /// Whether it can be hidden (status and serial identify a row and always show).
    pub(crate) optional: bool,
}

/// Every column, in order.
pub(crate) const COLUMNS: &[Column] = &[
    column("status", SortKey::Status, "Status", "84px", false),
    column("model", SortKey::Model, "Model", "minmax(72px, 1fr)", true),
    column("serial", SortKey::Serial, "Serial", "170px", false),
    column(
        "subscriber",
        SortKey::Subscriber,
        "Subscriber",
        "minmax(72px, 1fr)",
        true,
    ),
    column("ip", SortKey::WanIp, "WAN IP", "140px", true),
    column("uptime", SortKey::Uptime, "Uptime", "84px", true),
    column("signal", SortKey::Signal, "Signal", "80px", true),
    column(
        "firmware",
        SortKey::Firmware,
        "Firmware",
        "minmax(96px, 1.2fr)",
        true,
    ),
    column("seen", SortKey::LastSeen, "Last seen", "92px", true),
];

const fn column(
    id: &'static str,
    key: SortKey,
    title: &'static str,
    track: &'static str,
    optional: bool,
) -> Column {
    Column {
        id,
        key,
        title,
        track,
        optional,
    }
}

/// The narrowest a dragged column may become, and the widest.
pub(crate) const MIN_WIDTH: u32 = 48;
/// See [`MIN_WIDTH`].
pub(crate) const MAX_WIDTH: u32 = 640;
/// The selection checkbox's track, always first.
const SELECT_TRACK: &str = "32px";

/// What a person chose, remembered across restarts (in the webview's local storage).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ColumnPrefs {
    /// Ids of the optional columns that are hidden.
    pub(crate) hidden: Vec<String>,
    /// Dragged widths in pixels, by column id.
    pub(crate) widths: BTreeMap<String, u32>,
}

impl ColumnPrefs {
    /// The columns to show, in order. Unknown ids (from an older version) are ignored,
    /// and a column that may not be hidden shows whatever was stored.
    pub(crate) fn visible(&self) -> Vec<Column> {
        COLUMNS
            .iter()
            .filter(|c| !c.optional || !self.hidden.iter().any(|h| h == c.id))
            .copied()
            .collect()
    }

    /// Shows or hides an optional column.
    pub(crate) fn set_shown(&mut self, id: &str, shown: bool) {
        self.hidden.retain(|h| h != id);
        let optional = COLUMNS.iter().any(|c| c.id == id && c.optional);
        if !shown && optional {
            self.hidden.push(id.to_owned());
        }
    }

    /// Remembers a dragged width, kept within [`MIN_WIDTH`]..=[`MAX_WIDTH`].
    pub(crate) fn set_width(&mut self, id: &str, px: f64) {
        if !px.is_finite() {
            return;
        }
        let px = px.round().clamp(f64::from(MIN_WIDTH), f64::from(MAX_WIDTH)) as u32;
        self.widths.insert(id.to_owned(), px);
    }

    /// The CSS `grid-template-columns` value for the visible columns.
    pub(crate) fn template(&self) -> String {
        let mut tracks = vec![SELECT_TRACK.to_owned()];
        tracks.extend(self.visible().iter().map(|c| match self.widths.get(c.id) {
            Some(&px) => format!("{}px", px.clamp(MIN_WIDTH, MAX_WIDTH)),
            None => c.track.to_owned(),
        }));
        tracks.join(" ")
    }

    /// Back to every column at its natural width.
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_default_every_column_shows_at_its_natural_width() {
        let p = ColumnPrefs::default();
        assert_eq!(p.visible().len(), COLUMNS.len());
        assert_eq!(
            p.template(),
            "32px 84px minmax(72px, 1fr) 170px minmax(72px, 1fr) 140px 84px 80px minmax(96px, 1.2fr) 92px"
        );
    }

    #[test]
    fn hidden_columns_leave_the_grid_and_identity_columns_cannot_be_hidden() {
        let mut p = ColumnPrefs::default();
        p.set_shown("signal", false);
        p.set_shown("serial", false);
        p.set_shown("status", false);
        let ids: Vec<_> = p.visible().iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            [
                "status",
                "model",
                "serial",
                "subscriber",
                "ip",
                "uptime",
                "firmware",
                "seen"
            ]
        );
        assert_eq!(p.hidden, ["signal"]);
        assert_eq!(
            p.template()
                .split(' ')
                .filter(|t| t.ends_with("px"))
                .count(),
            6
        );
        p.set_shown("signal", true);
        assert!(p.hidden.is_empty());
        // Hiding twice is remembered once.
        p.set_shown("model", false);
        p.set_shown("model", false);
        assert_eq!(p.hidden, ["model"]);
    }

    #[test]
    fn dragged_widths_are_clamped_and_replace_the_natural_track() {
        let mut p = ColumnPrefs::default();
        p.set_width("model", 210.4);
        p.set_width("ip", 5.0);
        p.set_width("seen", 10_000.0);
        p.set_width("uptime", f64::NAN);
        assert_eq!(p.widths.get("model"), Some(&210));
        assert_eq!(p.widths.get("ip"), Some(&MIN_WIDTH));
        assert_eq!(p.widths.get("seen"), Some(&MAX_WIDTH));
        assert_eq!(p.widths.get("uptime"), None);
        assert!(
            p.template().starts_with("32px 84px 210px 170px"),
            "{}",
            p.template()
        );
        p.reset();
        assert_eq!(p, ColumnPrefs::default());
    }

    #[test]
    fn preferences_from_another_version_still_load() {
        // Unknown ids are ignored, missing fields default, a hand-edited width is clamped.
        let p: ColumnPrefs =
            serde_json::from_str(r#"{"hidden":["gone","ip"],"widths":{"serial":9}}"#).unwrap();
        assert!(p.visible().iter().all(|c| c.id != "ip"));
        assert_eq!(p.visible().len(), COLUMNS.len() - 1);
        assert!(p.template().contains(" 48px "), "{}", p.template());
        let empty: ColumnPrefs = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, ColumnPrefs::default());
    }
}
