//! `GET /api/v1/plan`: a queue's hourly forecast (the method chosen by backtest, as `relevo plan`
//! does) turned into required agents and scheduled staff per hour with Erlang C, or Erlang A with a
//! patience. The history is the queue's cube cells within the caller's scope, summed per local hour.
//!
//! The command line's `relevo plan` offers more (15/30-minute intervals, splits across providers);
//! this endpoint answers the common question for dashboards and other systems.

use crate::auth::{Caller, Perm};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use jiff::ToSpan;
use jiff::civil::Date;
use relevo_forecast::{
    BacktestConfig, Exceptions, ForecastConfig, Interval, Method, Series, Weekday,
};
use relevo_metrics::Granularity;
use relevo_queueing::{
    Model, ServiceLevelTarget, StaffingOutcome, StaffingProblem, Targets, required_agents,
};
use serde::Deserialize;
use std::collections::BTreeMap;

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
    st.blocking(move |st| {
        // Hourly history of the queue in local hours: offered and handle time.
        let mut hours: BTreeMap<i64, (f64, i64, i64)> = BTreeMap::new();
        st.read(|s| {
            s.for_each_cell(i64::MIN / 4, i64::MAX / 4, &scope, &mut |c, cell| {
                if c.queue == q.queue {
                    let h = relevo_metrics::period::period_start_ms(
                        relevo_core::interval_start_ms(c.interval),
                        Granularity::Hour,
                        &tz,
                    );
                    let e = hours.entry(h).or_default();
                    e.0 += cell.offered as f64;
                    e.1 += cell.handle_ms();
                    e.2 += cell.answered;
                }
            })?;
            Ok(())
        })?;
        let local = |ms: i64| jiff::Timestamp::from_millisecond(ms).map(|t| t.to_zoned(tz.clone()));
        let (Some(&first), Some(&last)) = (hours.keys().next(), hours.keys().next_back()) else {
            return Err(ApiError::NotFound(format!("queue {:?} has no contacts", q.queue)));
        };
        let day0 = local(first).map_err(|e| ApiError::Internal(e.to_string()))?.date();
        let last_day = local(last).map_err(|e| ApiError::Internal(e.to_string()))?.date();
        // Slot t = local day (t / 24) after day0, hour t % 24: a series of whole local days.
        let days = (day0.until(last_day).map_err(|e| ApiError::Internal(e.to_string()))?.get_days() + 1) as usize;
        let (mut offered, mut aht, mut weight) = (vec![0.0; days * 24], vec![0.0; days * 24], vec![0.0; days * 24]);
        for (&h, &(n, handle_ms, answered)) in &hours {
            let z = local(h).map_err(|e| ApiError::Internal(e.to_string()))?;
            let d = day0.until(z.date()).map_err(|e| ApiError::Internal(e.to_string()))?.get_days() as usize;
            let t = d * 24 + z.hour() as usize;
            offered[t] += n;
            if answered > 0 {
                aht[t] += handle_ms as f64 / 1000.0;
                weight[t] += answered as f64;
            }
        }
        if days < 8 {
            return Err(ApiError::Conflict(format!(
                "queue {:?} has {days} days of history; a plan needs at least 8",
                q.queue
            )));
        }
        let aht: Vec<f64> = aht.iter().zip(&weight).map(|(a, w)| if *w > 0.0 { a / w } else { 0.0 }).collect();
        let mean_aht = {
            let w: f64 = weight.iter().sum();
            if w > 0.0 { aht.iter().zip(&weight).map(|(a, w)| a * w).sum::<f64>() / w } else { 300.0 }
        };
        let weekday = Weekday::from_monday0(day0.weekday().to_monday_zero_offset() as u8)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let series = Series::new(Interval::Min60, weekday, offered)
            .and_then(|s| s.with_aht_s(aht))
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let exceptions = Exceptions::new();
        let method = relevo_forecast::backtest(&series, &exceptions, &BacktestConfig::new((days - 7).min(14), 4))
            .map(|b| b.chosen_method())
            .unwrap_or(Method::WeekdayMean { weeks: 4 });
        let start_day = day0.checked_add((days as i64).days()).map_err(|e| ApiError::Internal(e.to_string()))?;
        if from < start_day {
            return Err(bad("from", format!("plans start after the history, on {start_day} or later")));
        }
        let horizon_days = start_day.until(to).map_err(|e| ApiError::Internal(e.to_string()))?.get_days() as usize + 1;
        let f = relevo_forecast::forecast(
            &series,
            &exceptions,
            &method,
            &ForecastConfig { horizon_intervals: horizon_days * 24, aht_weeks: 4 },
        )
        .map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut rows = Vec::new();
        for (k, &n) in f.offered.iter().enumerate() {
            let date = start_day.checked_add(((k / 24) as i64).days()).map_err(|e| ApiError::Internal(e.to_string()))?;
            if date < from {
                continue;
            }
            let Ok(at) = date.at((k % 24) as i8, 0, 0, 0).to_zoned(tz.clone()) else { continue };
            let aht_s = f.aht_s.as_ref().and_then(|a| a.get(k).copied()).filter(|a| *a > 0.0).unwrap_or(mean_aht);
            let (agents, scheduled, sl, occupancy, note) = if n <= 0.0 {
                (0, 0, None, 0.0, None)
            } else {
                let problem = StaffingProblem {
                    arrivals_per_s: n / 3600.0,
                    aht_s,
                    model: q.patience.map_or(Model::ErlangC, |p| Model::ErlangA { patience_s: p }),
                    targets: Targets {
                        service_level: Some(ServiceLevelTarget { fraction: target_sl, threshold_s: threshold }),
                        max_asa_s: None,
                        max_abandon: None,
                        max_occupancy: Some(max_occ),
                    },
                    shrinkage,
                    min_agents: 0,
                    max_agents: None,
                };
                match required_agents(&problem).map_err(|e| ApiError::bad(e.to_string()))? {
                    StaffingOutcome::Staffed(p) => {
                        (p.raw_agents, p.agents_with_shrinkage, p.achieved.service_level, p.achieved.occupancy, None)
                    }
                    StaffingOutcome::Overloaded { max_agents, .. } => (max_agents, max_agents, None, 1.0, Some("overloaded")),
                    StaffingOutcome::Unreachable { max_agents, .. } => {
                        (max_agents, max_agents, None, 1.0, Some("targets unreachable"))
                    }
                }
            };
            rows.push(serde_json::json!({
                "period_start": at.timestamp().display_with_offset(at.offset()).to_string(),
                "offered_forecast": n, "aht_s": aht_s, "agents": agents, "scheduled": scheduled,
                "service_level": sl, "occupancy": occupancy, "note": note,
            }));
        }
        Ok(Json(serde_json::json!({
            "queue": q.queue, "forecast_method": method.name(), "model": if q.patience.is_some() { "erlang_a" } else { "erlang_c" },
            "target_sl": target_sl, "sl_threshold_s": threshold, "max_occupancy": max_occ, "shrinkage": shrinkage,
            "rows": rows,
        })))
    })
    .await
}
