//! Staffing plans: a queue's forecast (the [`crate::forecast`] pipeline, method chosen by backtest)
//! turned into required agents and scheduled staff per interval with Erlang C, or Erlang A with a
//! patience, pooled and for each provider's share of a split. `relevo plan` and `GET /api/v1/plan`
//! both call [`plan`]; they differ only in what they render.
//!
//! A provider that takes a share of the volume staffs its own pool for that share, so a split needs
//! at least as many agents as the pooled total: both are returned. Not here: the queueing math
//! (relevo-queueing), rendering.

use crate::Error;
use crate::forecast::{ForecastRequest, MethodChoice};
use relevo_forecast::Interval;
use relevo_queueing::{
    Model, ServiceLevelTarget, StaffingOutcome, StaffingProblem, Targets, required_agents,
};
use relevo_store::{Scope, Store};

/// The targets and assumptions staffing is computed for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffingSettings {
    /// Target service level, a fraction in (0, 1].
    pub target_sl: f64,
    pub sl_threshold_s: f64,
    pub max_asa_s: Option<f64>,
    /// Largest acceptable abandonment fraction (Erlang A).
    pub max_abandon: Option<f64>,
    /// Mean patience in seconds: Erlang A instead of Erlang C.
    pub patience_s: Option<f64>,
    pub max_occupancy: f64,
    /// Fraction of paid time agents are not available, in [0, 1).
    pub shrinkage: f64,
}

/// The staffing of one interval (pooled, or one provider's share).
#[derive(Debug, Clone, PartialEq)]
pub struct Staffed {
    /// Agents on the queue.
    pub agents: u32,
    /// Agents to schedule (with shrinkage).
    pub scheduled: u32,
    pub service_level: Option<f64>,
    pub occupancy: f64,
    /// `overloaded` or `targets unreachable` when the search could not meet the targets.
    pub note: Option<&'static str>,
}

/// The staff `offered` contacts in `interval_s` seconds with mean handle time `aht_s` need.
pub fn staff(
    settings: &StaffingSettings,
    offered: f64,
    aht_s: f64,
    interval_s: u32,
) -> Result<Staffed, Error> {
    let done = |agents, scheduled, service_level, occupancy, note| Staffed {
        agents,
        scheduled,
        service_level,
        occupancy,
        note,
    };
    if offered <= 0.0 {
        return Ok(done(0, 0, None, 0.0, None));
    }
    let problem = StaffingProblem {
        arrivals_per_s: offered / f64::from(interval_s),
        aht_s,
        model: match settings.patience_s {
            Some(p) => Model::ErlangA { patience_s: p },
            None => Model::ErlangC,
        },
        targets: Targets {
            service_level: Some(ServiceLevelTarget {
                fraction: settings.target_sl,
                threshold_s: settings.sl_threshold_s,
            }),
            max_asa_s: settings.max_asa_s,
            max_abandon: settings.max_abandon,
            max_occupancy: Some(settings.max_occupancy),
        },
        shrinkage: settings.shrinkage,
        min_agents: 0,
        max_agents: None,
    };
    let outcome = required_agents(&problem).map_err(|e| Error::Invalid {
        field: None,
        message: e.to_string(),
    })?;
    Ok(match outcome {
        StaffingOutcome::Staffed(p) => done(
            p.raw_agents,
            p.agents_with_shrinkage,
            p.achieved.service_level,
            p.achieved.occupancy,
            None,
        ),
        StaffingOutcome::Overloaded { max_agents, .. } => {
            done(max_agents, max_agents, None, 1.0, Some("overloaded"))
        }
        StaffingOutcome::Unreachable { max_agents, .. } => done(
            max_agents,
            max_agents,
            None,
            1.0,
            Some("targets unreachable"),
        ),
    })
}

/// What to plan.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub queue: String,
    /// The planned span `[from_ms, to_ms)`, after the queue's history.
    pub from_ms: i64,
    pub to_ms: i64,
    /// How the caller wrote the span, for messages.
    pub from_label: String,
    pub to_label: String,
    /// IANA zone of local days and intervals.
    pub tz: String,
    pub interval: Interval,
    pub staffing: StaffingSettings,
    /// Provider shares (summing to 1); empty for a pooled plan only.
    pub split: Vec<(String, f64)>,
}

/// One planned interval.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub start: jiff::Zoned,
    pub offered: f64,
    pub aht_s: f64,
    /// The pooled requirement.
    pub pooled: Staffed,
    /// Scheduled agents per provider of the split, in its order.
    pub per_provider: Vec<u32>,
}

/// A plan: the forecast method used, the interval length, and the rows.
#[derive(Debug, Clone)]
pub struct Plan {
    pub forecast_method: String,
    pub interval_s: u32,
    pub rows: Vec<PlanRow>,
}

/// How far past its history a queue is forecast: 400 days (a forecast of hours further out is
/// slow to compute and says nothing).
pub const MAX_HORIZON_MS: i64 = 400 * 86_400_000;

/// A plan that ends inside its queue's history (`inside`) or too far past it. Both depend on the
/// stored history, not on the request alone: a conflict with it.
fn outside_history(req: &PlanRequest, inside: bool) -> Error {
    Error::Conflict(if inside {
        format!(
            "the plan ends {} inside the history of queue {:?}: plan future days",
            req.to_label, req.queue
        )
    } else {
        format!(
            "the plan ends {} more than {} days after the history of queue {:?}: plan nearer days",
            req.to_label,
            MAX_HORIZON_MS / 86_400_000,
            req.queue
        )
    })
}

/// The plan of `req.queue` over the requested span, from its history within `scope`.
pub fn plan(store: &dyn Store, scope: &Scope, req: &PlanRequest) -> Result<Plan, Error> {
    // The queue's groups span its history (they may reach wider, never narrower): a plan that
    // ends before the history starts, or too far after it ends, is refused without reading it.
    let spans: Vec<(i64, i64)> = store
        .group_spans(scope)?
        .into_iter()
        .filter(|((_, q, _), _, _)| *q == req.queue)
        .map(|(_, first, last)| (first, last))
        .collect();
    if let (Some(first), Some(last)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) {
        let (first_ms, last_ms) = (
            relevo_core::interval_start_ms(first),
            relevo_core::interval_start_ms(last),
        );
        if req.to_ms <= first_ms || req.to_ms - last_ms > MAX_HORIZON_MS {
            return Err(outside_history(req, req.to_ms <= first_ms));
        }
    }
    let history = crate::history::queue_history(store, scope, &req.queue)?;
    let last_ms = history
        .rows
        .last()
        .map_or(0, |r| r.period_start.as_millisecond());
    // Both bounds depend on the stored history, not on the request alone: a conflict with it.
    if req.to_ms <= last_ms || req.to_ms - last_ms > MAX_HORIZON_MS {
        return Err(outside_history(req, req.to_ms <= last_ms));
    }
    // Forecast from the end of history up to the end of the span.
    let hours = ((req.to_ms - last_ms) / 3_600_000 + 24).max(24);
    let forecast = ForecastRequest {
        tz: req.tz.clone(),
        interval: Some(req.interval),
        horizon: format!("{hours}h"),
        method: MethodChoice::Auto,
        k: 4,
        backtest: None,
        exceptions: None,
    };
    let (points, method) = crate::forecast::points(&history, &forecast)?;
    let mean_aht = {
        let (mut w, mut s) = (0.0, 0.0);
        for r in &history.rows {
            if let Some(a) = r.aht_s {
                w += r.offered;
                s += a * r.offered;
            }
        }
        if w > 0.0 { s / w } else { 300.0 }
    };
    let mut rows = Vec::new();
    for p in points
        .iter()
        .filter(|p| (req.from_ms..req.to_ms).contains(&p.start.timestamp().as_millisecond()))
    {
        let aht = p.aht_s.filter(|a| *a > 0.0).unwrap_or(mean_aht);
        let pooled = staff(&req.staffing, p.offered, aht, p.interval_s)?;
        let mut per_provider = Vec::with_capacity(req.split.len());
        for (_, share) in &req.split {
            per_provider
                .push(staff(&req.staffing, p.offered * share, aht, p.interval_s)?.scheduled);
        }
        rows.push(PlanRow {
            start: p.start.clone(),
            offered: p.offered,
            aht_s: aht,
            pooled,
            per_provider,
        });
    }
    if rows.is_empty() {
        return Err(Error::Conflict(format!(
            "the forecast does not reach {}..{}: history ends too long before",
            req.from_label, req.to_label
        )));
    }
    Ok(Plan {
        forecast_method: method,
        interval_s: points[0].interval_s,
        rows,
    })
}
