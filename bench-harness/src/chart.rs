//! SVG charts of a [`Report`], drawn with plotters' SVG backend (no fonts or system libraries: the
//! text is SVG `<text>`, rendered by whatever shows the file).
//!
//! - [`ratio_chart`]: per workload, each runtime's time per operation relative to tokio's (the
//!   inverse of the throughput ratio), as bars from the 1.0 line on a log scale: a bar to the left
//!   is faster than tokio, to the right slower.
//! - [`latency_chart`]: a workload's latency percentile curves, one line per runtime, percentiles
//!   on a "nines" axis (50%, 90%, 99%, 99.9%, 99.99%, max) and latency on a log scale.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::report::Report;

/// Colours of the runtimes, in column order (tokio, the baseline, is drawn as the 1.0 line).
const PALETTE: [RGBColor; 6] = [
    RGBColor(214, 39, 40),
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

fn color(report: &Report, runtime: &str) -> RGBColor {
    let i = report
        .runtimes
        .iter()
        .position(|r| r == runtime)
        .unwrap_or(0);
    PALETTE[i % PALETTE.len()]
}

fn err(e: impl std::fmt::Display) -> String {
    format!("cannot draw chart: {e}")
}

/// Draws the ratio bars into `path`. Returns `Ok(false)` (and writes nothing) when there is no
/// tokio column or no workload with throughput on tokio and another runtime.
///
/// # Errors
///
/// If the file cannot be written.
pub fn ratio_chart(report: &Report, path: &Path) -> Result<bool, String> {
    let baseline = "tokio";
    let others: Vec<&String> = report.runtimes.iter().filter(|r| *r != baseline).collect();
    // (workload, [(runtime, time ratio)]) for every workload with at least one ratio.
    let rows: Vec<(&str, Vec<(&str, f64)>)> = report
        .workloads
        .iter()
        .filter_map(|w| {
            let bars: Vec<(&str, f64)> = others
                .iter()
                .filter_map(|rt| {
                    // Time ratio = tokio's throughput over this runtime's.
                    w.ratio("throughput", baseline, rt)
                        .filter(|x| x.is_finite() && *x > 0.0)
                        .map(|x| (rt.as_str(), x))
                })
                .collect();
            (!bars.is_empty()).then_some((w.workload.as_str(), bars))
        })
        .collect();
    if rows.is_empty() {
        return Ok(false);
    }
    let (lo, hi) = rows
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|&(_, x)| x))
        .fold((1.0f64, 1.0f64), |(lo, hi), x| (lo.min(x), hi.max(x)));
    // Room on the right for the legend.
    let (lo, hi) = (lo / 1.25, hi * 1.8);

    let row_height = 18 * others.len() as u32 + 14;
    let height = 110 + row_height * rows.len() as u32;
    let root = SVGBackend::new(path, (900, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let title = format!(
        "Time per operation relative to {baseline} (log scale; left of 1.0 = faster than {baseline})"
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(190)
        .build_cartesian_2d((lo..hi).log_scale(), 0f64..rows.len() as f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_x_mesh()
        .y_labels(0)
        .x_labels(0)
        .x_desc(format!("runtime / {baseline}"))
        .draw()
        .map_err(err)?;
    // Plotters labels a short log axis with 1.0 alone; draw a readable set of ticks instead.
    let ticks: Vec<f64> = [
        0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0,
        10.0, 20.0, 50.0, 100.0, 200.0, 500.0,
    ]
    .into_iter()
    .filter(|t| (lo..=hi).contains(t))
    .collect();
    for &t in &ticks {
        chart
            .draw_series(LineSeries::new(
                [(t, 0.0), (t, rows.len() as f64)],
                BLACK.mix(0.12),
            ))
            .map_err(err)?;
    }

    let slot = 0.8 / others.len() as f64;
    for (j, runtime) in others.iter().enumerate() {
        let c = color(report, runtime);
        let bars: Vec<Rectangle<(f64, f64)>> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, (_, bars))| {
                let &(_, x) = bars.iter().find(|(rt, _)| rt == runtime)?;
                // Row i spans [n-1-i, n-i): the first workload on top.
                let top = (rows.len() - i) as f64 - 0.1 - slot * j as f64;
                Some(Rectangle::new(
                    [(1.0, top), (x, top - slot * 0.9)],
                    c.filled(),
                ))
            })
            .collect();
        chart
            .draw_series(bars)
            .map_err(err)?
            .label(runtime.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
    }
    chart
        .draw_series(LineSeries::new(
            [(1.0, 0.0), (1.0, rows.len() as f64)],
            BLACK.stroke_width(2),
        ))
        .map_err(err)?
        .label(format!("{baseline} = 1.0"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], BLACK.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(err)?;

    // The workload names, right-aligned left of the plot, each centred on its row.
    let style =
        TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, (name, _)) in rows.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(lo, (rows.len() - i) as f64 - 0.5));
        draw_text(&root, name, (px - 8, py), &style)?;
    }
    let tick_style =
        TextStyle::from(("sans-serif", 12).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    // 1.0 is labelled by plotters itself.
    for &t in ticks.iter().filter(|&&t| t != 1.0) {
        let (px, py) = chart.backend_coord(&(t, 0.0));
        draw_text(&root, &format!("{t}"), (px, py + 6), &tick_style)?;
    }
    root.present().map_err(err)?;
    Ok(true)
}

fn draw_text(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    text: &str,
    at: (i32, i32),
    style: &TextStyle<'_>,
) -> Result<(), String> {
    root.draw(&Text::new(text.to_owned(), at, style.clone()))
        .map_err(err)
}

/// x position of quantile `q` on the "nines" axis: 0.9 → 1, 0.99 → 2, …; the maximum at 5.
fn nines(q: f64) -> f64 {
    if q >= 1.0 {
        5.0
    } else {
        -(1.0 - q).log10()
    }
}

/// Draws `workload`'s latency percentile curves into `path`. Returns `Ok(false)` (and writes
/// nothing) when no runtime has a latency curve for it.
///
/// # Errors
///
/// If the file cannot be written.
pub fn latency_chart(report: &Report, workload: &str, path: &Path) -> Result<bool, String> {
    let Some(w) = report.workloads.iter().find(|w| w.workload == workload) else {
        return Ok(false);
    };
    let curves: Vec<(&String, &Vec<(f64, f64)>)> = report
        .runtimes
        .iter()
        .filter_map(|rt| w.curves.get(rt).map(|c| (rt, c)))
        .collect();
    if curves.is_empty() {
        return Ok(false);
    }
    let (lo, hi) = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|&(_, us)| us.max(0.001)))
        .fold((f64::MAX, f64::MIN), |(lo, hi), us| {
            (lo.min(us), hi.max(us))
        });
    let what = if w.family == "time" {
        "timer lateness (wake − deadline)"
    } else {
        "round-trip time"
    };
    let root = SVGBackend::new(path, (800, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{workload}: {what} by percentile"),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..5.3, (lo / 1.5..hi * 1.5).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_labels(6)
        .x_label_formatter(&|x| match x.round() as i64 {
            1 => "90%".into(),
            2 => "99%".into(),
            3 => "99.9%".into(),
            4 => "99.99%".into(),
            5 => "max".into(),
            _ => String::new(),
        })
        .x_desc("percentile")
        .y_desc("µs (log scale)")
        .y_label_formatter(&|y| crate::report::number(*y))
        .draw()
        .map_err(err)?;
    for (runtime, curve) in curves {
        let c = color(report, runtime);
        let points: Vec<(f64, f64)> = curve
            .iter()
            .map(|&(q, us)| (nines(q), us.max(0.001)))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), c.stroke_width(2)))
            .map_err(err)?
            .label(runtime.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], c.stroke_width(2)));
        chart
            .draw_series(points.into_iter().map(|p| Circle::new(p, 3, c.filled())))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(true)
}
