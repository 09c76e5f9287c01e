//! Transitions in the API — `GET /api/v1/transitions`, `GET /api/v1/transitions/{id}` (state,
//! phases, timeline, guardrails measured now, target vs actual shares, events) and a person's
//! `advance`/`hold`/`rollback`/`resume` — and the background evaluation `relevo serve` runs at
//! every 15-minute boundary.
//!
//! Everything goes through [`relevo_app::transitions`], the functions `relevo transition` uses, so the
//! server and the command line save, audit and notify the same way. Transitions name two
//! providers, so a provider role sees none of them.

use crate::auth::{Caller, Perm};
use crate::error::{ApiError, IdPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use relevo_app::transitions::{self, Loaded, Op, Outcome};
use relevo_store::Role;
use relevo_transitions::{Check, GateResult};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Length of the evaluation interval: the cube's quarter hour.
pub const INTERVAL_MS: i64 = 900_000;

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Transitions are for the people who run them (and analysts), not for providers.
pub fn require_staff(caller: &Caller) -> Result<(), ApiError> {
    caller.require(Perm::Read)?;
    if caller.principal.role == Role::Provider {
        return Err(ApiError::Forbidden(
            "transitions involve other providers: a provider role cannot see them".into(),
        ));
    }
    Ok(())
}

fn channels(l: &Loaded) -> Vec<&'static str> {
    l.plan.channels.iter().map(|c| c.as_str()).collect()
}

/// One line of the list.
pub fn summary(l: &Loaded) -> Value {
    json!({
        "id": l.row.id,
        "name": l.plan.name,
        "queue": l.plan.queue,
        "channels": channels(l),
        "from": l.plan.from,
        "to": l.plan.to,
        "phase": l.state.phase,
        "last_phase": l.plan.last_phase(),
        "phase_name": l.plan.phase_name(l.state.phase),
        "share": l.plan.share(l.state.phase),
        "status": l.state.describe(&l.plan),
        "last_gate": l.state.last_gate.as_ref().map(|g| g.status.as_str()),
        "created_at": rfc3339(l.row.created_at_ms),
        "updated_at": rfc3339(l.row.updated_at_ms),
    })
}

fn check_json(c: &Check) -> Value {
    json!({
        "kpi": c.kpi.as_str(),
        "bound": if matches!(c.bound, relevo_transitions::Bound::AtLeast(_)) { "min" } else { "max" },
        "threshold": c.bound.threshold(),
        "value": c.value,
        "volume": c.volume,
        "min_volume": c.min_volume,
        "status": c.status.as_str(),
        "text": c.describe(),
    })
}

/// A gate with its checks.
pub fn gate_json(g: &GateResult) -> Value {
    json!({
        "at": rfc3339(g.at_ms),
        "status": g.status.as_str(),
        "window_from": rfc3339(g.window_from_ms),
        "window_to": rfc3339(g.window_to_ms),
        "checks": g.checks.iter().map(check_json).collect::<Vec<_>>(),
    })
}

/// Everything the detail view and the dashboard page show, measured as of `now_ms`.
#[derive(Debug, Clone)]
pub struct Detail {
    pub loaded: Loaded,
    /// The guardrails over the gate's window now.
    pub gate: GateResult,
    /// Offered contacts per provider on the queue and channels since the phase started.
    pub offered: Vec<(String, i64)>,
    /// Routed contacts per provider in the current phase (decision counts).
    pub routed: Vec<(String, i64)>,
    /// Routed contacts per applied phase (start ms, name) and provider.
    pub routed_by_phase: BTreeMap<(i64, String), BTreeMap<String, i64>>,
    pub events: Vec<relevo_store::StoredTransitionEvent>,
    pub now_ms: i64,
}

/// Reads and measures one transition (blocking).
pub fn detail(st: &AppState, id: i64, now_ms: i64) -> Result<Detail, ApiError> {
    // Unsaved decisions first, so the counts are current.
    crate::routing::flush(st)?;
    st.read(|s| {
        let loaded = transitions::load(s, id)?;
        let window = transitions::window_kpis(s, &loaded.plan, &loaded.state, now_ms)?;
        let gate = relevo_transitions::check_gate(&loaded.plan, &window, now_ms);
        let since = loaded.state.phase_since_ms.min(now_ms);
        let offered = transitions::offered_by_provider(s, &loaded.plan, since, now_ms)?;
        let mut routed_by_phase: BTreeMap<(i64, String), BTreeMap<String, i64>> = BTreeMap::new();
        for c in s.routing_counts(id)? {
            *routed_by_phase
                .entry((c.phase_start_ms, c.phase_name))
                .or_default()
                .entry(c.provider)
                .or_default() += c.count;
        }
        let current = relevo_transitions::routing::routing_phases(&loaded.plan, &loaded.state)
            .last()
            .map(|p| p.starts_at_ms);
        let routed = routed_by_phase
            .iter()
            .filter(|((start, _), _)| Some(*start) == current)
            .flat_map(|(_, m)| m.iter().map(|(p, n)| (p.clone(), *n)))
            .collect();
        let events = s.transition_events(id)?;
        Ok(Detail {
            loaded,
            gate,
            offered,
            routed,
            routed_by_phase,
            events,
            now_ms,
        })
    })
}

/// A provider's share of `list`'s total, if any.
pub fn share_of(list: &[(String, i64)], provider: &str) -> Option<f64> {
    let total: i64 = list.iter().map(|(_, n)| n).sum();
    (total > 0).then(|| {
        list.iter()
            .find(|(p, _)| p == provider)
            .map_or(0, |(_, n)| *n) as f64
            / total as f64
    })
}

impl Detail {
    /// The phases with their target shares, dates and when each was last entered.
    pub fn phases(&self) -> Vec<Value> {
        let (plan, state) = (&self.loaded.plan, &self.loaded.state);
        (0..=plan.last_phase())
            .map(|k| {
                let entered = state
                    .history
                    .iter()
                    .rev()
                    .find(|c| c.to_phase == k)
                    .map(|c| c.at_ms)
                    .or((k == 0).then_some(state.created_ms));
                json!({
                    "index": k,
                    "name": plan.phase_name(k),
                    "share": plan.share(k),
                    "earliest": plan.earliest_ms(k).map(rfc3339),
                    "min_duration_s": plan.min_duration_ms(k) / 1000,
                    "last_entered_at": entered.map(rfc3339),
                    "current": k == state.phase,
                })
            })
            .collect()
    }

    pub fn to_json(&self) -> Value {
        let (plan, state) = (&self.loaded.plan, &self.loaded.state);
        let mut v = summary(&self.loaded);
        let shares: Vec<Value> = plan
            .shares(state.phase)
            .iter()
            .map(|(p, target)| {
                json!({
                    "provider": p,
                    "target": target,
                    "routed": self.routed.iter().find(|(q, _)| q == p).map_or(0, |(_, n)| *n),
                    "routed_share": share_of(&self.routed, p),
                    "offered": self.offered.iter().find(|(q, _)| q == p).map_or(0, |(_, n)| *n),
                    "offered_share": share_of(&self.offered, p),
                })
            })
            .collect();
        v["time_zone"] = json!(plan.time_zone);
        v["phase_since"] = json!(rfc3339(state.phase_since_ms));
        v["held"] = json!(state.held.as_ref().map(|h| json!({
            "since": rfc3339(h.since_ms), "by": h.by.to_string(), "reason": h.reason
        })));
        v["rolled_back"] = json!(state.rolled_back);
        v["gate_passing_since"] = json!(state.gate_passing_since_ms.map(rfc3339));
        v["gate_failing_since"] = json!(state.gate_failing_since_ms.map(rfc3339));
        v["last_evaluated"] = json!(state.last_evaluated_ms.map(rfc3339));
        v["last_gate"] = json!(state.last_gate.as_ref().map(gate_json));
        v["guardrails"] = gate_json(&self.gate);
        v["phases"] = json!(self.phases());
        v["timeline"] = json!(
            state
                .history
                .iter()
                .map(|c| json!({
                    "at": rfc3339(c.at_ms),
                    "from_phase": c.from_phase,
                    "to_phase": c.to_phase,
                    "kind": c.kind.as_str(),
                    "actor": c.actor.to_string(),
                    "reason": c.reason,
                }))
                .collect::<Vec<_>>()
        );
        v["shares"] = json!(shares);
        v["routed_by_phase"] = json!(
            self.routed_by_phase
                .iter()
                .map(|((start, name), m)| json!({
                    "phase": name, "started_at": rfc3339(*start), "providers": m
                }))
                .collect::<Vec<_>>()
        );
        v["events"] = json!(
            self.events
                .iter()
                .map(|e| json!({
                    "id": e.id,
                    "at": rfc3339(e.at_ms),
                    "kind": e.kind,
                    "actor": e.actor,
                    "reason": e.reason,
                    "delivered_at": e.delivered_at_ms.map(rfc3339),
                    "delivery_error": e.delivery_error,
                }))
                .collect::<Vec<_>>()
        );
        v["as_of"] = json!(rfc3339(self.now_ms));
        v
    }
}

/// `GET /api/v1/transitions`.
pub async fn list(State(st): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    require_staff(&caller)?;
    st.blocking(|st| {
        st.read(|s| {
            let mut items = Vec::new();
            for row in s.transitions()? {
                items.push(summary(&transitions::parse(row)?));
            }
            Ok(Json(json!({ "items": items })))
        })
    })
    .await
}

/// `GET /api/v1/transitions/{id}`.
pub async fn get_one(
    State(st): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    require_staff(&caller)?;
    let now = st.now_ms();
    st.blocking(move |st| Ok(Json(detail(st, id, now)?.to_json())))
        .await
}

/// Body of the operations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpBody {
    /// Why (recorded in the event, the webhook and the audit log).
    pub reason: String,
    /// Rollback only: back to the baseline.
    pub full: Option<bool>,
}

/// What an operation did.
#[derive(Debug, Serialize)]
pub struct OpResult {
    pub id: i64,
    pub phase: usize,
    pub phase_name: String,
    pub share: f64,
    pub status: String,
    pub events: Vec<Value>,
}

fn outcome_json(o: &Outcome) -> OpResult {
    let plan = &o.loaded.plan;
    OpResult {
        id: o.loaded.row.id,
        phase: o.state.phase,
        phase_name: plan.phase_name(o.state.phase).to_owned(),
        share: plan.share(o.state.phase),
        status: o.state.describe(plan),
        events: o
            .events
            .iter()
            .map(|e| {
                json!({
                    "at": rfc3339(e.at_ms), "kind": e.kind.as_str(), "actor": e.actor.to_string(),
                    "reason": e.reason, "from_phase": e.from_phase, "to_phase": e.to_phase,
                })
            })
            .collect(),
    }
}

fn report_undelivered(st: &AppState, id: i64, undelivered: &[(i64, String, String)]) {
    for (event, kind, message) in undelivered {
        st.log(&format!(
            "ts={} level=warn msg=\"webhook not delivered; retried by the next change\" transition={id} event={event} kind={kind} error={message:?}",
            rfc3339(st.now_ms()),
        ));
    }
}

async fn operate(
    st: AppState,
    caller: Caller,
    id: i64,
    op: Op,
    body: Result<Json<OpBody>, JsonRejection>,
) -> Result<Json<OpResult>, ApiError> {
    caller.require(Perm::Manage)?;
    let Json(b) = body?;
    if b.reason.trim().is_empty() {
        return Err(ApiError::bad_field("reason", "a reason is required"));
    }
    if b.full.is_some() && !matches!(op, Op::Rollback { .. }) {
        return Err(ApiError::bad_field("full", "only a rollback takes full"));
    }
    let op = match op {
        Op::Rollback { .. } => Op::Rollback {
            full: b.full.unwrap_or(false),
        },
        other => other,
    };
    let actor = caller.principal.actor.clone();
    let now = st.now_ms();
    st.blocking(move |st| {
        let clock = st.0.clock.clone();
        let loaded = st.read(|s| Ok(transitions::load(s, id)?))?;
        let change = transitions::operation(&loaded, op, &actor, &b.reason, now)?;
        st.write(|w| Ok(transitions::save(w, &loaded, &change, &actor, &*clock)?))?;
        st.0.routing.invalidate();
        let o = Outcome {
            loaded,
            state: change.state,
            events: change.events,
            undelivered: Vec::new(),
        };
        // Webhooks after the answer: a receiver that is down must not hold the request (5 s
        // timeouts); failures are logged and retried by the next change.
        let (bg, plan) = (st.clone(), o.loaded.plan.clone());
        tokio::task::spawn_blocking(move || match deliver(&bg, id, &plan) {
            Ok(undelivered) => report_undelivered(&bg, id, &undelivered),
            Err(e) => bg.log(&format!(
                "level=error msg=\"webhook delivery failed\" transition={id} error={:?}",
                format!("{e:?}")
            )),
        });
        Ok(Json(outcome_json(&o)))
    })
    .await
}

/// Sends a transition's undelivered events, oldest first, stopping at the first failure: the
/// requests are built on a read connection and sent with no lock held; each outcome is recorded
/// with a short write.
pub fn deliver(
    st: &AppState,
    id: i64,
    plan: &relevo_transitions::TransitionPlan,
) -> Result<Vec<(i64, String, String)>, ApiError> {
    let Some(hook) = &plan.webhook else {
        return Ok(Vec::new());
    };
    let pending = st.read(|s| Ok(transitions::pending(s, id, plan)?))?;
    for p in pending {
        let result = transitions::send(&hook.url, &p.request);
        let at = st.now_ms();
        st.write(|w| {
            Ok(w.record_delivery(p.event_id, at, result.as_ref().err().map(String::as_str))?)
        })?;
        if let Err(message) = result {
            return Ok(vec![(p.event_id, p.kind, message)]);
        }
    }
    Ok(Vec::new())
}

pub async fn advance(
    State(st): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    body: Result<Json<OpBody>, JsonRejection>,
) -> Result<Json<OpResult>, ApiError> {
    operate(st, caller, id, Op::Advance, body).await
}

pub async fn hold(
    State(st): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    body: Result<Json<OpBody>, JsonRejection>,
) -> Result<Json<OpResult>, ApiError> {
    operate(st, caller, id, Op::Hold, body).await
}

pub async fn rollback(
    State(st): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    body: Result<Json<OpBody>, JsonRejection>,
) -> Result<Json<OpResult>, ApiError> {
    operate(st, caller, id, Op::Rollback { full: false }, body).await
}

pub async fn resume(
    State(st): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    body: Result<Json<OpBody>, JsonRejection>,
) -> Result<Json<OpResult>, ApiError> {
    operate(st, caller, id, Op::Resume, body).await
}

/// One tick of the background evaluation at `now_ms` (an interval boundary): evaluates every
/// active transition not yet evaluated at that time with the functions `relevo transition
/// evaluate` uses ([`transitions::evaluation`], [`transitions::save`], the webhooks), and logs one
/// line per transition. Returns how many it evaluated. Blocking; tests call it with their own
/// `now_ms`.
pub fn evaluate_due(st: &AppState, now_ms: i64) -> Result<usize, ApiError> {
    let clock = st.0.clock.clone();
    let rows = st.read(|s| Ok(s.transitions()?))?;
    let (mut evaluated, mut changed) = (0, 0);
    for row in rows {
        let id = row.id;
        // Measured on a read connection; only the save takes the writer, and webhooks are sent
        // with no lock held (contact batches never wait on a slow receiver).
        let one = || -> Result<Option<Outcome>, ApiError> {
            let loaded = transitions::parse(row)?;
            if !transitions::is_due(&loaded, now_ms) {
                return Ok(None);
            }
            let change = st.read(|s| Ok(transitions::evaluation(s, &loaded, now_ms)?))?;
            st.write(|w| {
                Ok(transitions::save(
                    w,
                    &loaded,
                    &change,
                    "guardrail",
                    &*clock,
                )?)
            })?;
            let undelivered = deliver(st, id, &loaded.plan)?;
            Ok(Some(Outcome {
                loaded,
                state: change.state,
                events: change.events,
                undelivered,
            }))
        };
        match one() {
            Ok(None) => {}
            Ok(Some(o)) => {
                evaluated += 1;
                let gate = o
                    .state
                    .last_gate
                    .as_ref()
                    .map_or("none", |g| g.status.as_str());
                let kinds: Vec<&str> = o.events.iter().map(|e| e.kind.as_str()).collect();
                st.log(&format!(
                    "ts={} level=info msg=\"transition evaluated\" transition={id} as_of={} gate={gate} events={:?} phase={}",
                    rfc3339(st.now_ms()),
                    rfc3339(now_ms),
                    kinds.join(","),
                    o.state.phase
                ));
                report_undelivered(st, id, &o.undelivered);
                changed += usize::from(!o.events.is_empty());
            }
            Err(e) => st.log(&format!(
                "ts={} level=error msg=\"transition evaluation failed\" transition={id} error={:?}",
                rfc3339(st.now_ms()),
                format!("{e:?}")
            )),
        }
    }
    if changed > 0 {
        st.0.routing.invalidate();
    }
    Ok(evaluated)
}

/// The next evaluation instant after `now_ms`: the next interval boundary.
pub fn next_boundary(now_ms: i64) -> i64 {
    (now_ms.div_euclid(INTERVAL_MS) + 1) * INTERVAL_MS
}

/// Runs forever: sleeps until each 15-minute boundary (re-aligned to the server's clock every
/// time, so drift and suspends do not accumulate), then evaluates as of that boundary. The clock
/// is read here only; [`evaluate_due`] takes the instant.
pub async fn evaluation_loop(st: AppState) {
    loop {
        let now = st.now_ms();
        let at = next_boundary(now);
        tokio::time::sleep(std::time::Duration::from_millis((at - now).max(0) as u64)).await;
        let st2 = st.clone();
        let r = st.blocking(move |st| evaluate_due(st, at)).await;
        if let Err(e) = r {
            st2.log(&format!(
                "ts={} level=error msg=\"background evaluation failed\" error={:?}",
                rfc3339(st2.now_ms()),
                format!("{e:?}")
            ));
        }
    }
}

/// Runs forever: writes unsaved routing decisions once a second.
pub async fn flush_loop(st: AppState) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let st2 = st.clone();
        if let Err(e) = st.blocking(crate::routing::flush).await {
            st2.log(&format!(
                "level=error msg=\"routing flush failed\" error={:?}",
                format!("{e:?}")
            ));
        }
    }
}

/// `GET /api/v1/transitions/{id}/decisions`: the routing decision counts per channel, phase and
/// UTC hour, each provider's actual share next to its target, and the counts by reason — the
/// audit of `POST /api/v1/route`.
pub async fn decisions(
    State(st): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    require_staff(&caller)?;
    st.blocking(move |st| {
        crate::routing::flush(st)?;
        st.read(|s| {
            let loaded = transitions::load(s, id)?;
            let plan = &loaded.plan;
            let target = |phase: &str, provider: &str| {
                (0..=plan.last_phase())
                    .find(|&k| plan.phase_name(k) == phase)
                    .and_then(|k| {
                        plan.shares(k)
                            .iter()
                            .find(|(p, _)| p == provider)
                            .map(|(_, s)| *s)
                    })
                    .unwrap_or(0.0)
            };
            // (channel, phase start, phase, hour) → provider → (count, by reason)
            type Hour = BTreeMap<String, (i64, BTreeMap<String, i64>)>;
            let mut hours: BTreeMap<(String, i64, String, i64), Hour> = BTreeMap::new();
            for c in s.routing_counts(id)? {
                let e = hours
                    .entry((c.channel, c.phase_start_ms, c.phase_name, c.hour_ms))
                    .or_default()
                    .entry(c.provider)
                    .or_default();
                e.0 += c.count;
                *e.1.entry(c.reason).or_default() += c.count;
            }
            let items: Vec<Value> = hours
                .iter()
                .map(|((channel, start, phase, hour), providers)| {
                    let total: i64 = providers.values().map(|(n, _)| n).sum();
                    json!({
                        "channel": channel,
                        "phase": phase,
                        "phase_started_at": rfc3339(*start),
                        "hour": rfc3339(*hour),
                        "decisions": total,
                        "providers": providers.iter().map(|(p, (n, reasons))| json!({
                            "provider": if p.is_empty() { Value::Null } else { json!(p) },
                            "decisions": n,
                            "share": *n as f64 / total as f64,
                            "target": target(phase, p),
                            "reasons": reasons,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            Ok(Json(json!({ "transition": id, "hours": items })))
        })
    })
    .await
}
