//! Charts of a device's history (CPU, memory, traffic, signal, uptime), drawn with
//! plotters as SVG (for the UI and `--svg`) or PNG (for `--png`). Gaps in the data —
//! a device that was offline — stay gaps instead of straight lines across them.

use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Once;

pub use acsdesk_types::Metric;

/// Light or dark, to match the app's theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Dark lines on white.
    #[default]
    Light,
    /// Light lines on a dark background.
    Dark,
}

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec<'a> {
    /// The metric.
    pub metric: Metric,
    /// Points `(Unix ms, stored value)`, in time order.
    pub points: &'a [(i64, f64)],
    /// Start of the time axis, Unix ms.
    pub from_ms: i64,
    /// End of the time axis, Unix ms.
    pub to_ms: i64,
    /// Size in pixels.
    pub size: (u32, u32),
    /// Colours.
    pub theme: Theme,
    /// The viewer's UTC offset in seconds, for time labels.
    pub utc_offset_s: i32,
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The time range is empty or reversed.
    #[error("the chart's time range is empty: {from_ms} ≥ {to_ms}")]
    EmptyRange {
        /// Start.
        from_ms: i64,
        /// End.
        to_ms: i64,
    },
    /// The size is too small to draw on.
    #[error("a chart needs at least 120×80 pixels, not {0}×{1}")]
    TooSmall(u32, u32),
    /// plotters failed.
    #[error("could not draw the chart: {0}")]
    Draw(String),
}

static FONT: Once = Once::new();

/// Registers the embedded font for PNG text (SVG text needs no font file).
fn register_font() {
    FONT.call_once(|| {
        // The font is compiled in; registration only fails on malformed font data.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../../../assets/fonts/DejaVuSans.ttf"),
        );
    });
}

/// Draws the chart as an SVG document.
pub fn render_svg(spec: &ChartSpec<'_>) -> Result<String, ChartError> {
    check(spec)?;
    register_font();
    let mut svg = String::new();
    {
        let backend = SVGBackend::with_string(&mut svg, spec.size);
        draw(backend.into_drawing_area(), spec)?;
    }
    Ok(svg)
}

/// Draws the chart as a PNG image.
pub fn render_png(spec: &ChartSpec<'_>) -> Result<Vec<u8>, ChartError> {
    check(spec)?;
    register_font();
    let (w, h) = spec.size;
    let mut rgb = vec![0_u8; (w as usize) * (h as usize) * 3];
    {
        let backend = BitMapBackend::with_buffer(&mut rgb, spec.size);
        draw(backend.into_drawing_area(), spec)?;
    }
    let image = image_png(&rgb, w, h)?;
    Ok(image)
}

fn image_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new(&mut out);
    image::ImageEncoder::write_image(encoder, rgb, w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| ChartError::Draw(e.to_string()))?;
    Ok(out)
}

fn check(spec: &ChartSpec<'_>) -> Result<(), ChartError> {
    if spec.from_ms >= spec.to_ms {
        return Err(ChartError::EmptyRange {
            from_ms: spec.from_ms,
            to_ms: spec.to_ms,
        });
    }
    if spec.size.0 < 120 || spec.size.1 < 80 {
        return Err(ChartError::TooSmall(spec.size.0, spec.size.1));
    }
    Ok(())
}

/// Splits points into runs separated by gaps longer than three typical intervals.
pub fn segments(points: &[(i64, f64)]) -> Vec<&[(i64, f64)]> {
    if points.len() < 2 {
        return if points.is_empty() {
            vec![]
        } else {
            vec![points]
        };
    }
    let mut gaps: Vec<i64> = points.windows(2).map(|w| w[1].0 - w[0].0).collect();
    gaps.sort_unstable();
    let typical = gaps[gaps.len() / 2].max(1);
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..points.len() {
        if points[i].0 - points[i - 1].0 > typical * 3 {
            out.push(&points[start..i]);
            start = i;
        }
    }
    out.push(&points[start..]);
    out
}

fn draw<DB: DrawingBackend>(
    area: DrawingArea<DB, plotters::coord::Shift>,
    spec: &ChartSpec<'_>,
) -> Result<(), ChartError> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| ChartError::Draw(e.to_string());
    let (bg, fg, grid, line) = match spec.theme {
        Theme::Light => (
            WHITE,
            RGBColor(27, 31, 36),
            RGBColor(217, 222, 228),
            RGBColor(22, 92, 170),
        ),
        Theme::Dark => (
            RGBColor(28, 32, 38),
            RGBColor(230, 233, 237),
            RGBColor(44, 50, 58),
            RGBColor(94, 162, 239),
        ),
    };
    area.fill(&bg).map_err(err)?;
    let values: Vec<(i64, f64)> = spec
        .points
        .iter()
        .filter(|(t, v)| (spec.from_ms..=spec.to_ms).contains(t) && v.is_finite())
        .map(|(t, v)| (*t, spec.metric.display_value(*v)))
        .collect();
    let (lo, hi) = match spec.metric {
        Metric::Cpu | Metric::Memory => (0.0, 100.0),
        _ => {
            let lo = values.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
            let hi = values.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
            if lo.is_finite() && hi.is_finite() {
                let pad = ((hi - lo) * 0.1).max(1.0);
                let floor = if matches!(
                    spec.metric,
                    Metric::Rx
                        | Metric::Tx
                        | Metric::Uptime
                        | Metric::Clients2g
                        | Metric::Clients5g
                ) {
                    0.0
                } else {
                    lo - pad
                };
                (floor.min(lo), hi + pad)
            } else {
                (0.0, 1.0)
            }
        }
    };
    let offset = spec.utc_offset_s;
    let span = spec.to_ms - spec.from_ms;
    let label_time = move |ms: &i64| {
        if span <= 2 * 86_400_000 {
            acsdesk_time::clock_time(*ms, offset)
        } else {
            acsdesk_time::month_day(*ms, offset)
        }
    };
    let title = format!("{} ({})", spec.metric.title(), spec.metric.unit());
    let mut chart = ChartBuilder::on(&area)
        .caption(title, ("sans-serif", 16).into_font().color(&fg))
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(48)
        .build_cartesian_2d(spec.from_ms..spec.to_ms, lo..hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(grid.mix(0.4))
        .bold_line_style(grid)
        .axis_style(fg.mix(0.6))
        .label_style(("sans-serif", 12).into_font().color(&fg))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&label_time)
        .draw()
        .map_err(err)?;
    if values.is_empty() {
        let style = ("sans-serif", 14).into_font().color(&fg.mix(0.7));
        let center = (spec.size.0 as i32 / 2 - 60, spec.size.1 as i32 / 2);
        area.draw_text(
            "No data in this range",
            &style.into_text_style(&area),
            center,
        )
        .map_err(err)?;
    }
    for run in segments(&values) {
        chart
            .draw_series(LineSeries::new(run.iter().copied(), line.stroke_width(2)))
            .map_err(err)?;
    }
    area.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_400_000_000;

    fn spec(points: &[(i64, f64)]) -> ChartSpec<'_> {
        ChartSpec {
            metric: Metric::Cpu,
            points,
            from_ms: T0,
            to_ms: T0 + 3_600_000,
            size: (640, 240),
            theme: Theme::Light,
            utc_offset_s: 0,
        }
    }

    #[test]
    fn svg_has_the_title_and_one_path_per_run() {
        let mut points: Vec<(i64, f64)> = (0..30)
            .map(|i| (T0 + i * 60_000, 20.0 + i as f64))
            .collect();
        // A 20-minute outage, then more data: two runs.
        points.extend((50..60).map(|i| (T0 + i * 60_000, 35.0)));
        let svg = render_svg(&spec(&points)).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        assert!(svg.contains("CPU (%)"));
        let data_lines = svg
            .lines()
            .filter(|l| l.contains("<polyline") && l.contains("#165CAA"))
            .count();
        assert_eq!(data_lines, 2, "a gap stays a gap");
    }

    #[test]
    fn empty_ranges_say_so() {
        let svg = render_svg(&spec(&[])).unwrap();
        assert!(svg.contains("No data in this range"));
    }

    #[test]
    fn bad_specs_are_clear_errors() {
        let mut s = spec(&[]);
        s.to_ms = s.from_ms;
        assert!(render_svg(&s)
            .unwrap_err()
            .to_string()
            .contains("time range is empty"));
        let mut s = spec(&[]);
        s.size = (10, 10);
        assert!(matches!(render_svg(&s), Err(ChartError::TooSmall(10, 10))));
    }

    #[test]
    fn png_is_a_real_png() {
        let points: Vec<(i64, f64)> = (0..60)
            .map(|i| (T0 + i * 60_000, (i % 7) as f64 * 10.0))
            .collect();
        let png = render_png(&spec(&points)).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoded = image::load_from_memory(&png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (640, 240));
    }

    #[test]
    fn units_convert_for_display() {
        assert_eq!(Metric::Rx.display_value(1_250_000.0), 10.0, "10 Mbit/s");
        assert_eq!(Metric::Uptime.display_value(7200.0), 2.0);
        assert_eq!(Metric::parse("memory"), Some(Metric::Memory));
        assert_eq!(Metric::parse("bogus"), None);
    }

    #[test]
    fn segments_split_on_long_gaps_only() {
        let p: Vec<(i64, f64)> = [0, 60, 120, 180, 900, 960]
            .iter()
            .map(|s| (s * 1000, 1.0))
            .collect();
        let runs = segments(&p);
        assert_eq!(runs.iter().map(|r| r.len()).collect::<Vec<_>>(), vec![4, 2]);
        assert_eq!(segments(&p[..1]).len(), 1);
        assert!(segments(&[]).is_empty());
    }
}
