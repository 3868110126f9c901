//! The arithmetic of a virtualised list: which rows are visible for a scroll position,
//! and which fixed-size blocks of rows must be fetched to show them. Only visible rows
//! are ever in the DOM, so the list stays smooth at 100,000 rows.

use std::ops::Range;

/// The rows to render for a viewport: the visible ones plus `overscan` on each side,
/// clamped to `0..total`.
pub(crate) fn visible_rows(
    scroll_top: f64,
    viewport_height: f64,
    row_height: f64,
    total: u32,
    overscan: u32,
) -> Range<u32> {
    if total == 0 || row_height <= 0.0 || !scroll_top.is_finite() {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as u32;
    let count = (viewport_height.max(0.0) / row_height).ceil() as u32 + 1;
    let start = first.saturating_sub(overscan).min(total);
    let end = first
        .saturating_add(count)
        .saturating_add(overscan)
        .min(total);
    start..end
}

/// The indices of the `block_size`-row blocks that cover `rows`.
pub(crate) fn blocks(rows: &Range<u32>, block_size: u32) -> Range<u32> {
    if rows.is_empty() || block_size == 0 {
        return 0..0;
    }
    rows.start / block_size..(rows.end - 1) / block_size + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_visible_rows_and_the_overscan_are_rendered() {
        // 100,000 rows of 32 px, a 640 px viewport scrolled to row 50,000.
        let r = visible_rows(50_000.0 * 32.0, 640.0, 32.0, 100_000, 5);
        assert_eq!(r, 49_995..50_026);
        assert!(r.len() < 40, "a few dozen rows, never the fleet");
    }

    #[test]
    fn edges_are_clamped() {
        assert_eq!(visible_rows(0.0, 640.0, 32.0, 100_000, 5), 0..26);
        assert_eq!(
            visible_rows(99_990.0 * 32.0, 640.0, 32.0, 100_000, 5),
            99_985..100_000
        );
        assert_eq!(visible_rows(1e12, 640.0, 32.0, 10, 5), 10..10);
        assert_eq!(visible_rows(0.0, 640.0, 32.0, 0, 5), 0..0);
        assert_eq!(visible_rows(-50.0, 640.0, 32.0, 3, 5), 0..3);
        assert_eq!(visible_rows(f64::NAN, 640.0, 32.0, 3, 5), 0..0);
    }

    #[test]
    fn blocks_cover_the_rows() {
        assert_eq!(blocks(&(0..26), 200), 0..1);
        assert_eq!(blocks(&(195..230), 200), 0..2);
        assert_eq!(blocks(&(400..400), 200), 0..0);
        assert_eq!(blocks(&(399..401), 200), 1..3);
    }
}
