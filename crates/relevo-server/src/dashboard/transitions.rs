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
use crate::transitions_api::{Detail, detail, require_staff, share_of};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use relevo_transitions::{EventKind, GateStatus, TransitionPlan};
use std::fmt::Write as _;

fn when(lang: Lang, ms: i64, tz: &jiff::tz::TimeZone) -> String {
    lang.instant(ms, tz)
}

fn status_cell(lang: Lang, status: GateStatus) -> String {
    let label = lang.t("tr_status");
    match status {
        GateStatus::Pass => format!(
            "<td class=\"ok\" data-label=\"{label}\">✓ {}</td>",
            lang.t("tr_pass")
        ),
        GateStatus::Fail => format!(
            "<td class=\"miss\" data-label=\"{label}\">▼ <strong>{}</strong></td>",
            lang.t("tr_fail")
        ),
        GateStatus::Insufficient => format!(
            "<td data-label=\"{label}\">… {}</td>",
            lang.t("tr_insufficient")
        ),
    }
}

fn gate_word(lang: Lang, status: GateStatus) -> &'static str {
    match status {
        GateStatus::Pass => lang.t("tr_pass"),
        GateStatus::Fail => lang.t("tr_fail"),
        GateStatus::Insufficient => lang.t("tr_insufficient"),
    }
}

/// Who acted: the guardrail in words, a person by name.
fn actor_text(lang: Lang, actor: &str) -> String {
    if actor == "guardrail" {
        lang.t("guardrail").to_string()
    } else {
        actor.to_string()
    }
}

/// A phase's name for people (the baseline in words; the plan's own names as written).
fn phase_name(lang: Lang, plan: &TransitionPlan, k: usize) -> String {
    if k == 0 {
        lang.t("baseline").to_string()
    } else {
        plan.phase_name(k).to_string()
    }
}

/// `parallel ramp (10 %)`, in the page's language.
fn phase_label(lang: Lang, plan: &TransitionPlan, k: usize) -> String {
    format!(
        "{} ({})",
        phase_name(lang, plan, k),
        share_text(lang, plan.share(k))
    )
}

/// A share as a percentage without needless decimals: `10 %`, `12,5 %`.
fn share_text(lang: Lang, share: f64) -> String {
    let pct = share * 100.0;
    if (pct - pct.round()).abs() < 1e-9 {
        format!("{} %", lang.num(pct, 0))
    } else {
        format!("{} %", lang.num(pct, 1))
    }
}

/// Where a transition is: running, held by whom, rolled back, completed.
pub fn status_text(lang: Lang, plan: &TransitionPlan, state: &relevo_transitions::State) -> String {
    let mut parts = Vec::new();
    if state.completed(plan) {
        parts.push(lang.t("st_completed").to_string());
    }
    if state.rolled_back {
        parts.push(lang.t("st_rolled_back").to_string());
    }
    if let Some(h) = &state.held {
        parts.push(format!(
            "{} {}",
            lang.t("st_held_by"),
            actor_text(lang, &h.by.to_string())
        ));
    }
    if parts.is_empty() {
        parts.push(lang.t("st_running").to_string());
    }
    parts.join(", ")
}

fn event_kind(lang: Lang, kind: &str) -> String {
    let key = match kind {
        "advanced" => "ev_advanced",
        "rolled_back" => "ev_rolled_back",
        "held" => "ev_held",
        "resumed" => "ev_resumed",
        "gate_failed" => "ev_gate_failed",
        "gate_recovered" => "ev_gate_recovered",
        other => return other.to_string(),
    };
    lang.t(key).to_string()
}

/// One guardrail check: `Service level 37,3 % ≥ 75,0 %: fail (193)`.
fn check_text(lang: Lang, c: &relevo_transitions::Check) -> String {
    format!(
        "{} {} {} {}: {} ({} {})",
        lang.kpi(c.kpi),
        c.value.map_or("–".into(), |v| lang.kpi_value(c.kpi, v)),
        c.bound.symbol(),
        lang.kpi_value(c.kpi, c.bound.threshold()),
        gate_word(lang, c.status),
        lang.t("r_volume"),
        lang.int(c.volume)
    )
}

/// The checks that decided a gate (the failing ones on a fail, the short ones when insufficient,
/// all on a pass).
fn gate_text(lang: Lang, g: &relevo_transitions::GateResult) -> String {
    g.checks
        .iter()
        .filter(|c| g.status == GateStatus::Pass || c.status == g.status)
        .map(|c| check_text(lang, c))
        .collect::<Vec<_>>()
        .join("; ")
}

/// An event's reason in the page's language. The guardrail's reasons are built from the event's
/// numbers (the stored text is English, for the log and the webhooks); a person's reason is shown
/// as they wrote it.
fn event_reason(
    lang: Lang,
    plan: &TransitionPlan,
    e: &relevo_store::StoredTransitionEvent,
) -> String {
    let Ok(ev) = serde_json::from_str::<relevo_transitions::Event>(&e.event) else {
        return e.reason.clone();
    };
    if ev.actor != relevo_transitions::Actor::Guardrail {
        return e.reason.clone();
    }
    let gate = ev
        .gate
        .as_ref()
        .map(|g| gate_text(lang, g))
        .unwrap_or_default();
    let step = format!(
        "{} → {}",
        phase_label(lang, plan, ev.from_phase),
        phase_label(lang, plan, ev.to_phase)
    );
    let parts: Vec<String> = match ev.kind {
        EventKind::Advanced if ev.from_phase == 0 => vec![format!(
            "{}: {}",
            lang.t("r_starts"),
            phase_label(lang, plan, ev.to_phase)
        )],
        EventKind::Advanced => vec![step, lang.t("r_gate_passed").into(), gate],
        EventKind::GateFailed => vec![lang.t("r_gate_failed").into(), gate],
        EventKind::Held => vec![
            lang.t("r_gate_failed").into(),
            format!(
                "{} ({})",
                lang.t("r_hold"),
                phase_label(lang, plan, ev.to_phase)
            ),
            gate,
        ],
        EventKind::RolledBack => vec![
            lang.t("r_gate_failed").into(),
            format!("{} {step}", lang.t("r_rolled_back")),
            gate,
        ],
        EventKind::GateRecovered => vec![lang.t("r_gate_passed").into(), gate],
        EventKind::Resumed => vec![lang.t("r_lifted").into(), gate],
    };
    let text = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
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
                    out.push(relevo_app::transitions::parse(row)?);
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
            "<div class=\"table-wrap\"><table id=\"transitions\" class=\"cards\"><thead><tr><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            lang.t("tr_name"),
            lang.t("queue"),
            lang.t("tr_from_to"),
            lang.t("tr_phase"),
            lang.t("tr_incoming_share"),
            lang.t("tr_status"),
        );
        for l in &rows {
            let (plan, state) = (&l.plan, &l.state);
            let channels: Vec<&str> = plan.channels.iter().map(|c| lang.channel(*c)).collect();
            let _ = write!(
                body,
                "<tr><th scope=\"row\"><a href=\"/transitions/{}\">{}</a></th><td data-label=\"{}\">{} <span class=\"note\">({})</span></td>\
                 <td data-label=\"{}\">{} → {}</td><td data-label=\"{}\">{}/{} {}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td></tr>",
                l.row.id,
                esc(&plan.name),
                lang.t("queue"),
                esc(&plan.queue),
                esc(&channels.join(", ")),
                lang.t("tr_from_to"),
                esc(&plan.from),
                esc(&plan.to),
                lang.t("tr_phase"),
                state.phase,
                plan.last_phase(),
                esc(&phase_name(lang, plan, state.phase)),
                lang.t("tr_incoming_share"),
                share_text(lang, plan.share(state.phase)),
                lang.t("tr_status"),
                esc(&status_text(lang, plan, state)),
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
/// `narrow` draws it for phones: fewer units across, so its type stays legible.
fn timeline_svg(lang: Lang, d: &Detail, tz: &jiff::tz::TimeZone, narrow: bool) -> String {
    let (plan, state) = (&d.loaded.plan, &d.loaded.state);
    let phases = relevo_transitions::routing::routing_phases(plan, state);
    let start = state.created_ms.min(d.now_ms);
    let end = d.now_ms.max(start + 1);
    let (id, w, font) = if narrow {
        ("timeline-chart-narrow", 360.0, 13.0)
    } else {
        ("timeline-chart", 720.0, 13.0)
    };
    let (h, left, right, top, bottom) = (200.0, font * 3.8, 16.0, 12.0, font * 2.4);
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
                if p.name == "baseline" {
                    lang.t("baseline")
                } else {
                    &p.name
                },
                share_text(lang, incoming(p))
            )
        })
        .collect();
    let mut svg = format!(
        "<svg class=\"chart timeline\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(lang.t("tr_timeline_chart")),
        esc(&desc.join("; "))
    );
    for share in [0.0, 0.5, 1.0] {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#d0d0d0\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"{font}\" text-anchor=\"end\" fill=\"#4a4a4a\">{}</text>",
            w - right,
            y(share),
            y(share),
            left - 4.0,
            y(share) + font / 3.0,
            share_text(lang, share)
        );
    }
    let _ = write!(
        svg,
        "<path d=\"{path}\" fill=\"none\" stroke=\"#0b4f8a\" stroke-width=\"2.5\"/>\
         <text x=\"{left}\" y=\"{}\" font-size=\"{font}\" fill=\"#4a4a4a\">{}</text>\
         <text x=\"{}\" y=\"{}\" font-size=\"{font}\" text-anchor=\"end\" fill=\"#4a4a4a\">{}</text></svg>",
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
    id: Result<crate::error::IdPath, crate::ApiError>,
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
    // An id that cannot exist is the page's "not found", in the page's language.
    let id = match id {
        Ok(crate::error::IdPath(id)) => id,
        Err(e) => return page_error(lang, &caller, e),
    };
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
    let channels: Vec<&str> = plan.channels.iter().map(|c| lang.channel(*c)).collect();
    let mut body = format!(
        "<p><a href=\"/transitions\">← {}</a></p><h1>{}</h1>\
         <p>{} <strong>{}</strong> ({}) · {} → {} · {}: <strong id=\"tr-status\">{}</strong></p>\
         <p>{}: <strong>{}</strong></p>",
        lang.t("tr_title"),
        esc(&plan.name),
        lang.t("queue"),
        esc(&plan.queue),
        esc(&channels.join(", ")),
        esc(&plan.from),
        esc(&plan.to),
        lang.t("tr_status"),
        esc(&status_text(lang, plan, state)),
        lang.t("tr_phase"),
        esc(&phase_label(lang, plan, state.phase)),
    );
    if let Some(hold) = &state.held {
        // The guardrail's hold is explained by its last hold or rollback event, in this language.
        let reason = if hold.by == relevo_transitions::Actor::Guardrail {
            d.events
                .iter()
                .rev()
                .find(|e| e.kind == "held" || e.kind == "rolled_back")
                .map_or_else(|| hold.reason.clone(), |e| event_reason(lang, plan, e))
        } else {
            hold.reason.clone()
        };
        let _ = write!(
            body,
            "<p>{} {} ({}): {}</p>",
            lang.t("tr_held_since"),
            esc(&when(lang, hold.since_ms, &tz)),
            esc(&actor_text(lang, &hold.by.to_string())),
            esc(&reason)
        );
    }
    // Timeline.
    let _ = write!(
        body,
        "<h2>{}</h2><div class=\"wide-only\">{}</div><div class=\"narrow-only\">{}</div><div class=\"table-wrap\"><table id=\"phases\" class=\"cards\"><thead><tr>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("tr_timeline"),
        timeline_svg(lang, &d, &tz, false),
        timeline_svg(lang, &d, &tz, true),
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
            "<tr{}><th scope=\"row\">{}{k} {}{}</th><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td></tr>",
            if current {
                " aria-current=\"step\""
            } else {
                ""
            },
            if current { "▶ <strong>" } else { "" },
            esc(&phase_name(lang, plan, k)),
            if current {
                format!("</strong> ({})", lang.t("tr_current"))
            } else {
                String::new()
            },
            lang.t("tr_incoming_share"),
            share_text(lang, plan.share(k)),
            lang.t("tr_earliest"),
            plan.earliest_ms(k)
                .map_or("–".into(), |t| esc(&when(lang, t, &tz))),
            lang.t("tr_entered"),
            entered.map_or("–".into(), |t| esc(&when(lang, t, &tz))),
        );
    }
    body.push_str("</tbody></table></div>");
    // Shares.
    let _ = write!(
        body,
        "<h2>{}</h2><p class=\"note\">{} {}</p><div class=\"table-wrap\"><table id=\"shares\" class=\"cards\"><thead><tr>\
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
            "<tr><th scope=\"row\">{}</th><td data-label=\"{}\">{}</td><td data-label=\"{}\">{} ({})</td><td data-label=\"{}\">{} ({})</td></tr>",
            esc(p),
            lang.t("target"),
            share_text(lang, *target),
            lang.t("tr_routed"),
            lang.pct(share_of(&d.routed, p)),
            lang.int(n(&d.routed)),
            lang.t("offered"),
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
         <div class=\"table-wrap\"><table id=\"guardrails\" class=\"cards\"><thead><tr><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("tr_guardrails"),
        lang.t("tr_window"),
        esc(&when(lang, g.window_from_ms, &tz)),
        esc(&when(lang, g.window_to_ms, &tz)),
        gate_word(lang, g.status),
        lang.t("kpi"),
        lang.t("target"),
        lang.t("actual"),
        lang.t("volume"),
        lang.t("tr_status"),
    );
    for c in &g.checks {
        let _ = write!(
            body,
            "<tr><th scope=\"row\">{}</th><td data-label=\"{}\">{} {}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{} / {}</td>{}</tr>",
            esc(lang.kpi(c.kpi)),
            lang.t("target"),
            c.bound.symbol(),
            esc(&lang.kpi_value(c.kpi, c.bound.threshold())),
            lang.t("actual"),
            c.value
                .map_or("–".into(), |v| esc(&lang.kpi_value(c.kpi, v))),
            lang.t("volume"),
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
        "<h2>{}</h2><div class=\"table-wrap\"><table id=\"events\" class=\"cards\"><thead><tr><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"text\">{}</th></tr></thead><tbody>",
        lang.t("tr_history"),
        lang.t("time"),
        lang.t("tr_event"),
        lang.t("tr_actor"),
        lang.t("tr_reason"),
    );
    for e in d.events.iter().rev() {
        let _ = write!(
            body,
            "<tr><th scope=\"row\">{}</th><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td class=\"text\" data-label=\"{}\">{}</td></tr>",
            esc(&when(lang, e.at_ms, &tz)),
            lang.t("tr_event"),
            esc(&event_kind(lang, &e.kind)),
            lang.t("tr_actor"),
            esc(&actor_text(lang, &e.actor)),
            lang.t("tr_reason"),
            esc(&event_reason(lang, plan, e)),
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
