//! SVG charts for the dashboard: a sparkline, service level per period against a target with
//! volume bars, and a forecast (volume bars with the agents needed as a line). Each chart has a `<title>` and `<desc>` (`role="img"`), and callers put the numbers in
//! a table next to it, so nothing is said by colour or shape alone.

use super::html::esc;
use super::i18n::Lang;
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

/// A small line of fractions in [0, 1] (gaps where `None`), with the target as a dashed line and
/// the last value marked. The vertical scale spans the values and the target (at least ten
/// points), so a week between 73 % and 83 % does not draw as a flat line.
pub fn sparkline(values: &[Option<f64>], target: Option<f64>, label: &str) -> String {
    let (w, h, pad) = (132.0, 36.0, 4.0);
    let n = values.len().max(2) as f64;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (n - 1.0);
    let seen = values.iter().flatten().chain(target.iter()).copied();
    let (lo, hi) = seen.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = if lo.is_finite() {
        let mid = (lo + hi) / 2.0;
        let half = ((hi - lo) / 2.0).max(0.05);
        ((mid - half).max(0.0), (mid + half).min(1.0))
    } else {
        (0.0, 1.0)
    };
    let span = (hi - lo).max(1e-9);
    let y = |v: f64| pad + (h - 2.0 * pad) * (1.0 - ((v - lo) / span).clamp(0.0, 1.0));
    let mut out = format!(
        "<svg class=\"spark\" role=\"img\" aria-label=\"{}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><title>{}</title>",
        esc(label),
        esc(label)
    );
    if let Some(t) = target {
        let _ = write!(
            out,
            "<line x1=\"0\" x2=\"{w}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"{TARGET}\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\"/>",
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
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{LINE}\"/>",
                seg[0].0, seg[0].1
            );
        } else {
            let _ = write!(
                out,
                "<path d=\"{}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"2.2\" stroke-linejoin=\"round\"/>",
                path_of(&seg)
            );
        }
    }
    if let Some((i, Some(v))) = values.iter().enumerate().rev().find(|(_, v)| v.is_some())
        && values.iter().filter(|v| v.is_some()).count() > 1
    {
        let miss = target.is_some_and(|t| *v < t);
        let _ = write!(
            out,
            "<circle class=\"last\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"/>",
            x(i),
            y(*v),
            if miss { TARGET } else { LINE }
        );
    }
    out.push_str("</svg>");
    out
}

/// One period of a service-level chart.
pub struct SlPoint {
    /// The period for people (tooltips, the data table).
    pub label: String,
    pub service_level: Option<f64>,
    pub offered: i64,
}

/// A chart's drawing size: the wide one for screens, the narrow one for phones (bigger type for
/// the same number of pixels); `id` names the SVG.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub id: &'static str,
    pub w: f64,
    pub h: f64,
    pub font: f64,
}

impl Size {
    pub const WIDE: Size = Size {
        id: "sl-chart",
        w: 960.0,
        h: 300.0,
        font: 13.0,
    };
    pub const NARROW: Size = Size {
        id: "sl-chart-narrow",
        w: 400.0,
        h: 280.0,
        font: 15.0,
    };

    /// The same size under another id.
    pub fn named(self, id: &'static str) -> Size {
        Size { id, ..self }
    }
}

/// Service level (line, left axis 0–100 %) against `target` (dashed), with offered volume as bars
/// (scaled to the largest). `ticks` are the x-axis labels (point index, text), chosen by the caller
/// at whole hours or days. `title` and `desc` describe it to assistive technology.
pub fn sl_chart(
    lang: Lang,
    points: &[SlPoint],
    ticks: &[(usize, String)],
    target: f64,
    size: Size,
    title: &str,
    desc: &str,
) -> String {
    let Size { id, w, h, font } = size;
    let (left, right, top, bottom) = (font * 3.8, 12.0, 12.0, font * 3.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let n = points.len().max(1) as f64;
    let slot = pw / n;
    let max_vol = points.iter().map(|p| p.offered).max().unwrap_or(0).max(1) as f64;
    let y = |v: f64| top + ph * (1.0 - v.clamp(0.0, 1.0));
    let mut out = format!(
        "<svg class=\"chart {id}\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {w} {h}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
    // Grid and axis labels.
    for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e3e3e3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{font}\" text-anchor=\"end\" fill=\"#4a4a4a\">{} %</text>",
            w - right,
            left - 6.0,
            y(v) + font / 3.0,
            lang.num(v * 100.0, 0),
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
            lang.int(p.offered)
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
                "<circle cx=\"{x:.1}\" cy=\"{yy:.1}\" r=\"{}\" fill=\"{}\"><title>{}: {}</title></circle>",
                if miss { 3.5 } else { 2.5 },
                if miss { TARGET } else { LINE },
                esc(&p.label),
                lang.pct(Some(v))
            );
        }
    }
    x_ticks(&mut out, ticks, |i| left + slot * i as f64, size, top + ph);
    out.push_str("</svg>");
    out
}

/// Tick marks and labels under the plot, at the start of each tick's period.
fn x_ticks(
    out: &mut String,
    ticks: &[(usize, String)],
    x_of: impl Fn(usize) -> f64,
    size: Size,
    base: f64,
) {
    for (i, label) in ticks {
        let x = x_of(*i);
        let anchor = if x < size.font * 5.0 {
            "start"
        } else if x > size.w - size.font * 4.0 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            out,
            "<line class=\"tick\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{base:.1}\" y2=\"{:.1}\" stroke=\"#4a4a4a\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"#4a4a4a\">{}</text>",
            base + 5.0,
            base + size.font * 1.6,
            size.font,
            esc(label)
        );
    }
}

/// One period of a forecast chart: contacts forecast and agents needed.
pub struct ForecastPoint {
    pub label: String,
    pub offered: f64,
    pub agents: u32,
}

/// Forecast contacts per period as bars (left axis) and agents needed as a line (right axis).
pub fn forecast_chart(
    lang: Lang,
    points: &[ForecastPoint],
    ticks: &[(usize, String)],
    size: Size,
    title: &str,
    desc: &str,
) -> String {
    let Size { id, w, h, font } = size;
    let (left, right, top, bottom) = (font * 3.8, font * 3.2, 12.0, font * 3.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let slot = pw / points.len().max(1) as f64;
    let (vol_top, vol_step) = axis(points.iter().map(|p| p.offered).fold(0.0, f64::max));
    let (agents_top, agents_step) = axis(f64::from(
        points.iter().map(|p| p.agents).max().unwrap_or(0),
    ));
    let (max_vol, max_agents) = (vol_top, agents_top);
    let mut out = format!(
        "<svg class=\"chart {id}\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {w} {h}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
    // Left axis: contacts; right axis: agents; each at its own whole steps.
    let steps = |top: f64, step: f64| {
        (0..)
            .map(move |k| f64::from(k) * step)
            .take_while(move |v| *v <= top + 1e-9)
    };
    for v in steps(vol_top, vol_step) {
        let yy = top + ph * (1.0 - v / vol_top);
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e3e3e3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{font}\" text-anchor=\"end\" fill=\"#4a4a4a\">{}</text>",
            w - right,
            left - 6.0,
            yy + font / 3.0,
            lang.int(v.round() as i64),
        );
    }
    for v in steps(agents_top, agents_step) {
        let yy = top + ph * (1.0 - v / agents_top);
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{font}\" text-anchor=\"start\" fill=\"{LINE}\">{}</text>",
            w - right + 6.0,
            yy + font / 3.0,
            lang.int(v.round() as i64),
        );
    }
    out.push_str("<g class=\"bars\">");
    for (i, p) in points.iter().enumerate() {
        let bh = ph * p.offered / max_vol;
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{BAR}\" stroke=\"{BAR_EDGE}\" stroke-width=\"0.6\"><title>{}: {}</title></rect>",
            left + slot * i as f64 + slot * 0.1,
            top + ph - bh,
            (slot * 0.8).max(0.5),
            esc(&p.label),
            lang.num(p.offered, 1)
        );
    }
    out.push_str("</g>");
    let line: Vec<Option<(f64, f64)>> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Some((
                left + slot * (i as f64 + 0.5),
                top + ph * (1.0 - f64::from(p.agents) / max_agents),
            ))
        })
        .collect();
    for seg in polyline_segments(&line) {
        let _ = write!(
            out,
            "<path class=\"agents-line\" d=\"{}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"2.5\"/>",
            path_of(&seg)
        );
    }
    x_ticks(&mut out, ticks, |i| left + slot * i as f64, size, top + ph);
    out.push_str("</svg>");
    out
}

/// An axis for values up to `max`: its top and a whole step (1, 2 or 5 times a power of ten, at
/// least 1) giving at most about five lines.
fn axis(max: f64) -> (f64, f64) {
    let raw = (max / 4.0).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|c| *c >= raw - 1e-9)
        .unwrap_or(10.0 * mag);
    let top = ((max / step).ceil() * step).max(step);
    (top, step)
}
