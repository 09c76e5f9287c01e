//! SVG charts for the dashboard: a sparkline, and service level per period against a target with
//! volume bars. Each chart has a `<title>` and `<desc>` (`role="img"`), and callers put the numbers in
//! a table next to it, so nothing is said by colour or shape alone.

use super::html::esc;
use std::fmt::Write as _;

const LINE: &str = "#0b4f8a";
const TARGET: &str = "#a4001d";
const BAR: &str = "#9cc3e6";
/// Bar outlines reach 3:1 against white (WCAG 1.4.11), which the light fill alone does not.
const BAR_EDGE: &str = "#4f7fae";

fn polyline_segments(points: &[Option<(f64, f64)>]) -> Vec<Vec<(f64, f64)>> {
    let mut segs = vec![Vec::new()];
    for p in points {
        match p {
            Some(xy) => segs.last_mut().expect("one segment").push(*xy),
            None => {
                if !segs.last().expect("one segment").is_empty() {
                    segs.push(Vec::new());
                }
            }
        }
    }
    segs.retain(|s| !s.is_empty());
    segs
}

fn path_of(seg: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in seg.iter().enumerate() {
        let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" });
    }
    d
}

/// A small line of fractions in [0, 1] (gaps where `None`), with the target as a dashed line.
pub fn sparkline(values: &[Option<f64>], target: Option<f64>, label: &str) -> String {
    let (w, h, pad) = (120.0, 28.0, 2.0);
    let n = values.len().max(2) as f64;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (n - 1.0);
    let y = |v: f64| pad + (h - 2.0 * pad) * (1.0 - v.clamp(0.0, 1.0));
    let mut out = format!(
        "<svg class=\"spark\" role=\"img\" aria-label=\"{}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><title>{}</title>",
        esc(label),
        esc(label)
    );
    if let Some(t) = target {
        let _ = write!(
            out,
            "<line x1=\"0\" x2=\"{w}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"{TARGET}\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>",
            ty = y(t)
        );
    }
    let pts: Vec<Option<(f64, f64)>> = values
        .iter()
        .enumerate()
        .map(|(i, v)| v.map(|v| (x(i), y(v))))
        .collect();
    for seg in polyline_segments(&pts) {
        if seg.len() == 1 {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"1.8\" fill=\"{LINE}\"/>",
                seg[0].0, seg[0].1
            );
        } else {
            let _ = write!(
                out,
                "<path d=\"{}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"1.8\"/>",
                path_of(&seg)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// One period of a service-level chart.
pub struct SlPoint {
    pub label: String,
    pub service_level: Option<f64>,
    pub offered: i64,
}

/// Service level (line, left axis 0–100 %) against `target` (dashed), with offered volume as bars
/// (scaled to the largest). `title` and `desc` describe it to assistive technology.
pub fn sl_chart(points: &[SlPoint], target: f64, title: &str, desc: &str) -> String {
    let (w, h) = (960.0, 300.0);
    let (left, right, top, bottom) = (48.0, 12.0, 12.0, 40.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let n = points.len().max(1) as f64;
    let slot = pw / n;
    let max_vol = points.iter().map(|p| p.offered).max().unwrap_or(0).max(1) as f64;
    let y = |v: f64| top + ph * (1.0 - v.clamp(0.0, 1.0));
    let mut out = format!(
        "<svg class=\"chart\" id=\"sl-chart\" role=\"img\" aria-labelledby=\"sl-chart-title sl-chart-desc\" viewBox=\"0 0 {w} {h}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\">\
         <title id=\"sl-chart-title\">{}</title><desc id=\"sl-chart-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
    // Grid and axis labels.
    for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e3e3e3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#4a4a4a\">{:.0}%</text>",
            w - right,
            left - 6.0,
            y(v) + 4.0,
            v * 100.0,
            yy = y(v)
        );
    }
    // Volume bars.
    out.push_str("<g class=\"bars\">");
    for (i, p) in points.iter().enumerate() {
        let bh = ph * 0.9 * p.offered as f64 / max_vol;
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{BAR}\" stroke=\"{BAR_EDGE}\" stroke-width=\"0.6\"><title>{}: {}</title></rect>",
            left + slot * i as f64 + slot * 0.1,
            top + ph - bh,
            (slot * 0.8).max(0.5),
            esc(&p.label),
            p.offered
        );
    }
    out.push_str("</g>");
    // Target.
    let _ = write!(
        out,
        "<line class=\"target\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"{TARGET}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
        w - right,
        ty = y(target)
    );
    // Service-level line, with a marker on each period under target.
    let pts: Vec<Option<(f64, f64)>> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.service_level
                .map(|v| (left + slot * (i as f64 + 0.5), y(v)))
        })
        .collect();
    for seg in polyline_segments(&pts) {
        let _ = write!(
            out,
            "<path class=\"sl-line\" d=\"{}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"2.5\"/>",
            path_of(&seg)
        );
    }
    for (p, xy) in points.iter().zip(&pts) {
        if let (Some(v), Some((x, yy))) = (p.service_level, xy) {
            let miss = v < target;
            let _ = write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{yy:.1}\" r=\"{}\" fill=\"{}\"><title>{}: {:.1}%</title></circle>",
                if miss { 3.5 } else { 2.5 },
                if miss { TARGET } else { LINE },
                esc(&p.label),
                v * 100.0
            );
        }
    }
    // X labels: at most about 12.
    let every = (points.len() / 12).max(1);
    // Labels are about 75 px wide: keep them inside the chart and apart from each other.
    let mut last_x = f64::NEG_INFINITY;
    for (i, p) in points.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let x = (left + slot * (i as f64 + 0.5)).min(w - right - 38.0);
        if x - last_x < 80.0 {
            continue;
        }
        last_x = x;
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#4a4a4a\">{}</text>",
            h - bottom + 18.0,
            esc(&p.label)
        );
    }
    out.push_str("</svg>");
    out
}
