//! `GET /api/v1/plan`: `relevo_app::planning::plan` (the same plan as `relevo plan`) by the hour,
//! on the queue's history within the caller's scope, as JSON.
//!
//! The command line's `relevo plan` offers more (15/30-minute intervals, splits across providers);
//! this endpoint answers the common question for dashboards and other systems.

use crate::auth::{Caller, Perm};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use jiff::civil::Date;
use relevo_app::planning::{PlanRequest, StaffingSettings};
use relevo_forecast::Interval;
use serde::Deserialize;

/// Query of `GET /api/v1/plan`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    pub queue: String,
    /// First and last day planned (inclusive, `YYYY-MM-DD`), in `tz`.
    pub from: String,
    pub to: String,
    pub tz: Option<String>,
    pub target_sl: Option<f64>,
    pub sl_threshold: Option<f64>,
    pub max_occupancy: Option<f64>,
    pub shrinkage: Option<f64>,
    /// Mean patience in seconds: Erlang A instead of Erlang C.
    pub patience: Option<f64>,
}

/// The most days after the first that one `GET /api/v1/plan` covers (31 days in all).
pub const MAX_PLAN_DAYS: i32 = 30;

fn bad(field: &str, m: impl Into<String>) -> ApiError {
    ApiError::bad_field(field, m)
}

/// `GET /api/v1/plan?queue=Q&from=DATE&to=DATE[&tz&target_sl&sl_threshold&max_occupancy&shrinkage&patience]`.
pub async fn get_plan(
    State(st): State<AppState>,
    caller: Caller,
    q: Result<Query<PlanQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(Perm::Read)?;
    let Query(q) = q?;
    let scope = caller.scope();
    let tz = crate::kpis::zone(q.tz.as_deref().unwrap_or("UTC"))?;
    let target_sl = q.target_sl.unwrap_or(0.8);
    let threshold = q.sl_threshold.unwrap_or(20.0);
    let max_occ = q.max_occupancy.unwrap_or(0.85);
    let shrinkage = q.shrinkage.unwrap_or(0.3);
    for (name, value) in [
        ("target_sl", q.target_sl),
        ("sl_threshold", q.sl_threshold),
        ("max_occupancy", q.max_occupancy),
        ("shrinkage", q.shrinkage),
        ("patience", q.patience),
    ] {
        if let Some(v) = value {
            crate::openapi::check_number(crate::openapi::PLAN_PARAMS, name, v)?;
        }
    }
    if !(0.0..=1.0).contains(&target_sl) || target_sl == 0.0 {
        return Err(bad("target_sl", "a fraction in (0, 1]"));
    }
    if !(0.0..1.0).contains(&shrinkage) {
        return Err(bad("shrinkage", "a fraction in [0, 1)"));
    }
    if !(max_occ > 0.0 && max_occ <= 1.0) {
        return Err(bad("max_occupancy", "a fraction in (0, 1]"));
    }
    let from: Date = q
        .from
        .parse()
        .map_err(|e| bad("from", format!("not a date YYYY-MM-DD: {e}")))?;
    let to: Date =
        q.to.parse()
            .map_err(|e| bad("to", format!("not a date YYYY-MM-DD: {e}")))?;
    if to < from {
        return Err(bad("to", "the plan ends before it starts"));
    }
    // One answer plans at most a month by the hour (`relevo plan` plans longer spans).
    if from
        .until(to)
        .map_or(true, |span| span.get_days() > MAX_PLAN_DAYS)
    {
        return Err(bad(
            "to",
            format!("a plan covers at most {} days", MAX_PLAN_DAYS + 1),
        ));
    }
    let from_ms = crate::kpis::bound_ms(&q.from, &tz, false, "from")?;
    let to_ms = crate::kpis::bound_ms(&q.to, &tz, true, "to")?;
    let request = PlanRequest {
        queue: q.queue.clone(),
        from_ms,
        to_ms,
        from_label: q.from.clone(),
        to_label: q.to.clone(),
        tz: q.tz.clone().unwrap_or_else(|| "UTC".into()),
        interval: Interval::Min60,
        staffing: StaffingSettings {
            target_sl,
            sl_threshold_s: threshold,
            max_asa_s: None,
            max_abandon: None,
            patience_s: q.patience,
            max_occupancy: max_occ,
            shrinkage,
        },
        split: Vec::new(),
    };
    let plan = st
        .blocking(move |st| st.read(|s| Ok(relevo_app::planning::plan(s, &scope, &request)?)))
        .await?;
    let rows: Vec<serde_json::Value> = plan
        .rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "period_start": r.start.timestamp().display_with_offset(r.start.offset()).to_string(),
                "offered_forecast": r.offered, "aht_s": r.aht_s, "agents": r.pooled.agents,
                "scheduled": r.pooled.scheduled, "service_level": r.pooled.service_level,
                "occupancy": r.pooled.occupancy, "note": r.pooled.note,
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "queue": q.queue, "forecast_method": plan.forecast_method,
        "model": if q.patience.is_some() { "erlang_a" } else { "erlang_c" },
        "target_sl": target_sl, "sl_threshold_s": threshold, "max_occupancy": max_occ, "shrinkage": shrinkage,
        "rows": rows,
    })))
}
