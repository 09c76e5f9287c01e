//! The transitions pages: `/transitions` lists the phased cut-overs; `/transitions/{id}` shows
//! one — the phase timeline (a step chart of the incoming provider's share and the phase table),
//! target vs actual shares (routed by `POST /api/v1/route`, and offered contacts in the store),
//! the guardrails measured now with their status in words and symbols, and the event history.
//!
//! The numbers come from [`crate::transitions_api::detail`], the same as the API's detail view.
//! Providers do not see transitions (they name another provider).

use super::html::{Frame, esc, page};
use super::i18n::Lang;
use super::{PageQuery, html_response, lang_of, page_caller, page_error};
use crate::state::AppState;
use crate::transitions_api::{Detail, detail, require_staff, share_of, summary};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use relevo_transitions::GateStatus;
use std::fmt::Write as _;

fn when(_lang: Lang, ms: i64, tz: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

fn status_cell(lang: Lang, status: GateStatus) -> String {
    match status {
        GateStatus::Pass => format!("<td class=\"ok\">✓ {}</td>", lang.t("tr_pass")),
        GateStatus::Fail => format!(
            "<td class=\"miss\">▼ <strong>{}</strong></td>",
            lang.t("tr_fail")
        ),
        GateStatus::Insufficient => format!("<td>… {}</td>", lang.t("tr_insufficient")),
    }
}

pub async fn list_page(
    State(st): State<AppState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, remember) = lang_of(&q, &headers);
    let caller = match page_caller(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(e) = require_staff(&caller) {
        return page_error(lang, &caller, e);
    }
    let rows = st
        .blocking(|st| {
            st.read(|s| {
                let mut out = Vec::new();
                for row in s.transitions()? {
                    out.push(summary(&relevo_app::transitions::parse(row)?));
                }
                Ok(out)
            })
        })
        .await;
    let rows = match rows {
        Ok(r) => r,
        Err(e) => return page_error(lang, &caller, e),
    };
    let mut body = format!("<h1>{}</h1>", lang.t("tr_title"));
    if rows.is_empty() {
        let _ = write!(body, "<p>{}</p>", lang.t("tr_none"));
    } else {
        let _ = write!(
            body,
            "<div class=\"table-wrap\"><table id=\"transitions\"><thead><tr><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            lang.t("tr_name"),
            lang.t("queue"),
            lang.t("tr_from_to"),
            lang.t("tr_phase"),
            lang.t("tr_incoming_share"),
            lang.t("tr_status"),
        );
        for r in &rows {
            let _ = write!(
                body,
                "<tr><td><a href=\"/transitions/{}\">{}</a></td><td>{}</td><td>{} → {}</td><td>{}/{} {}</td><td>{}</td><td>{}</td></tr>",
                r["id"],
                esc(r["name"].as_str().unwrap_or("")),
                esc(r["queue"].as_str().unwrap_or("")),
                esc(r["from"].as_str().unwrap_or("")),
                esc(r["to"].as_str().unwrap_or("")),
                r["phase"],
                r["last_phase"],
                esc(r["phase_name"].as_str().unwrap_or("")),
                lang.pct(r["share"].as_f64()),
                esc(r["status"].as_str().unwrap_or("")),
            );
        }
        body.push_str("</tbody></table></div>");
    }
    html_response(
        StatusCode::OK,
        remember,
        page(
            &Frame {
                lang,
                title: lang.t("tr_title"),
                path: "/transitions",
                query: &[],
                caller: Some(&caller),
            },
            &body,
        ),
    )
}

/// The incoming provider's share over time as a step chart, with a text alternative.
fn timeline_svg(lang: Lang, d: &Detail, tz: &jiff::tz::TimeZone) -> String {
    let (plan, state) = (&d.loaded.plan, &d.loaded.state);
    let phases = relevo_transitions::routing::routing_phases(plan, state);
    let start = state.created_ms.min(d.now_ms);
    let end = d.now_ms.max(start + 1);
    let (w, h, left, right, top, bottom) = (640.0, 200.0, 48.0, 16.0, 12.0, 28.0);
    let x = |ms: i64| {
        left + (ms.clamp(start, end) - start) as f64 / (end - start) as f64 * (w - left - right)
    };
    let y = |share: f64| top + (1.0 - share) * (h - top - bottom);
    let incoming = |p: &relevo_routing::Phase| {
        p.shares
            .iter()
            .find(|(who, _)| *who == plan.to)
            .map_or(0.0, |(_, s)| *s)
    };
    let mut path = String::new();
    for (i, p) in phases.iter().enumerate() {
        let s = incoming(p);
        let x0 = x(p.starts_at_ms);
        let x1 = phases.get(i + 1).map_or(x(end), |n| x(n.starts_at_ms));
        let _ = write!(
            path,
            "{}{x0:.1},{:.1} L{x1:.1},{:.1} ",
            if i == 0 { "M" } else { "L" },
            y(s),
            y(s)
        );
    }
    let desc: Vec<String> = phases
        .iter()
        .map(|p| {
            format!(
                "{} {}: {}",
                when(lang, p.starts_at_ms, tz),
                p.name,
                lang.pct(Some(incoming(p)))
            )
        })
        .collect();
    let mut svg = format!(
        "<svg class=\"chart\" id=\"timeline-chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"tl-t tl-d\">\
         <title id=\"tl-t\">{}</title><desc id=\"tl-d\">{}</desc>",
        esc(lang.t("tr_timeline_chart")),
        esc(&desc.join("; "))
    );
    for share in [0.0, 0.5, 1.0] {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#d0d0d0\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#4a4a4a\">{}</text>",
            w - right,
            y(share),
            y(share),
            left - 4.0,
            y(share) + 4.0,
            lang.pct(Some(share))
        );
    }
    let _ = write!(
        svg,
        "<path d=\"{path}\" fill=\"none\" stroke=\"#0b4f8a\" stroke-width=\"2.5\"/>\
         <text x=\"{left}\" y=\"{}\" font-size=\"11\" fill=\"#4a4a4a\">{}</text>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"#4a4a4a\">{}</text></svg>",
        h - 8.0,
        esc(&when(lang, start, tz)),
        w - right,
        h - 8.0,
        esc(&when(lang, end, tz)),
    );
    svg
}

pub async fn detail_page(
    State(st): State<AppState>,
    crate::error::IdPath(id): crate::error::IdPath,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, remember) = lang_of(&q, &headers);
    let caller = match page_caller(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(e) = require_staff(&caller) {
        return page_error(lang, &caller, e);
    }
    let now = st.now_ms();
    let d = match st.blocking(move |st| detail(st, id, now)).await {
        Ok(d) => d,
        Err(e) => return page_error(lang, &caller, e),
    };
    let tz = match super::zone(&st.config().time_zone) {
        Ok(z) => z,
        Err(e) => return page_error(lang, &caller, e),
    };
    let (plan, state) = (&d.loaded.plan, &d.loaded.state);
    let channels: Vec<&str> = plan.channels.iter().map(|c| c.as_str()).collect();
    let mut body = format!(
        "<p><a href=\"/transitions\">← {}</a></p><h1>{}</h1>\
         <p>{} <strong>{}</strong> ({}) · {} → {} · {}: <strong id=\"tr-status\">{}</strong></p>",
        lang.t("tr_title"),
        esc(&plan.name),
        lang.t("queue"),
        esc(&plan.queue),
        esc(&channels.join(", ")),
        esc(&plan.from),
        esc(&plan.to),
        lang.t("tr_status"),
        esc(&state.describe(plan)),
    );
    if let Some(hold) = &state.held {
        let _ = write!(
            body,
            "<p>{} {} ({}): {}</p>",
            lang.t("tr_held_since"),
            esc(&when(lang, hold.since_ms, &tz)),
            esc(&hold.by.to_string()),
            esc(&hold.reason)
        );
    }
    // Timeline.
    let _ = write!(
        body,
        "<h2>{}</h2>{}<div class=\"table-wrap\"><table id=\"phases\"><thead><tr>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("tr_timeline"),
        timeline_svg(lang, &d, &tz),
        lang.t("tr_phase"),
        lang.t("tr_incoming_share"),
        lang.t("tr_earliest"),
        lang.t("tr_entered"),
    );
    for k in 0..=plan.last_phase() {
        let entered = state
            .history
            .iter()
            .rev()
            .find(|c| c.to_phase == k)
            .map(|c| c.at_ms)
            .or((k == 0).then_some(state.created_ms));
        let current = k == state.phase;
        let _ = write!(
            body,
            "<tr{}><td>{}{k} {}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if current {
                " aria-current=\"step\""
            } else {
                ""
            },
            if current { "▶ <strong>" } else { "" },
            esc(plan.phase_name(k)),
            if current {
                format!("</strong> ({})", lang.t("tr_current"))
            } else {
                String::new()
            },
            lang.pct(Some(plan.share(k))),
            plan.earliest_ms(k)
                .map_or("–".into(), |t| esc(&when(lang, t, &tz))),
            entered.map_or("–".into(), |t| esc(&when(lang, t, &tz))),
        );
    }
    body.push_str("</tbody></table></div>");
    // Shares.
    let _ = write!(
        body,
        "<h2>{}</h2><p class=\"note\">{} {}</p><div class=\"table-wrap\"><table id=\"shares\"><thead><tr>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("tr_shares"),
        lang.t("tr_since_phase"),
        esc(&when(lang, state.phase_since_ms, &tz)),
        lang.t("provider"),
        lang.t("target"),
        lang.t("tr_routed"),
        lang.t("offered"),
    );
    for (p, target) in plan.shares(state.phase).iter() {
        let n = |list: &[(String, i64)]| list.iter().find(|(q, _)| q == p).map_or(0, |(_, n)| *n);
        let _ = write!(
            body,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{} ({})</td><td>{} ({})</td></tr>",
            esc(p),
            lang.pct(Some(*target)),
            lang.pct(share_of(&d.routed, p)),
            lang.int(n(&d.routed)),
            lang.pct(share_of(&d.offered, p)),
            lang.int(n(&d.offered)),
        );
    }
    body.push_str("</tbody></table></div>");
    // Guardrails.
    let g = &d.gate;
    let _ = write!(
        body,
        "<h2>{}</h2><p>{} {} – {}: <strong id=\"gate-status\">{}</strong></p>\
         <div class=\"table-wrap\"><table id=\"guardrails\"><thead><tr><th scope=\"col\">KPI</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("tr_guardrails"),
        lang.t("tr_window"),
        esc(&when(lang, g.window_from_ms, &tz)),
        esc(&when(lang, g.window_to_ms, &tz)),
        match g.status {
            GateStatus::Pass => lang.t("tr_pass"),
            GateStatus::Fail => lang.t("tr_fail"),
            GateStatus::Insufficient => lang.t("tr_insufficient"),
        },
        lang.t("target"),
        lang.t("actual"),
        lang.t("volume"),
        lang.t("tr_status"),
    );
    for c in &g.checks {
        let _ = write!(
            body,
            "<tr><th scope=\"row\">{}</th><td>{} {}</td><td>{}</td><td>{} / {}</td>{}</tr>",
            esc(lang.kpi(c.kpi)),
            c.bound.symbol(),
            esc(&c.kpi.format(c.bound.threshold())),
            c.value.map_or("–".into(), |v| esc(&c.kpi.format(v))),
            lang.int(c.volume),
            lang.int(c.min_volume),
            status_cell(lang, c.status),
        );
    }
    body.push_str("</tbody></table></div>");
    for (key, since) in [
        ("tr_passing_since", state.gate_passing_since_ms),
        ("tr_failing_since", state.gate_failing_since_ms),
        ("tr_last_evaluated", state.last_evaluated_ms),
    ] {
        if let Some(t) = since {
            let _ = write!(body, "<p>{} {}</p>", lang.t(key), esc(&when(lang, t, &tz)));
        }
    }
    // History.
    let _ = write!(
        body,
        "<h2>{}</h2><div class=\"table-wrap\"><table id=\"events\"><thead><tr><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("tr_history"),
        lang.t("time"),
        lang.t("tr_event"),
        lang.t("tr_actor"),
        lang.t("tr_reason"),
    );
    for e in d.events.iter().rev() {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td style=\"text-align:left;white-space:normal\">{}</td></tr>",
            esc(&when(lang, e.at_ms, &tz)),
            esc(&e.kind),
            esc(&e.actor),
            esc(&e.reason),
        );
    }
    if d.events.is_empty() {
        let _ = write!(
            body,
            "<tr><td colspan=\"4\">{}</td></tr>",
            lang.t("tr_no_events")
        );
    }
    body.push_str("</tbody></table></div>");
    let path = format!("/transitions/{id}");
    html_response(
        StatusCode::OK,
        remember,
        page(
            &Frame {
                lang,
                title: &plan.name,
                path: &path,
                query: &[],
                caller: Some(&caller),
            },
            &body,
        ),
    )
}
