//! Running transitions on the store's numbers: load a stored transition, measure the incoming
//! provider's gate window with the report's formulas, run the state machine (`evaluate`, or a
//! person's `advance`/`hold`/`rollback`/`resume`), save the state with its events and audit lines,
//! and send the signed webhooks. `relevo transition` and the server's background evaluation call
//! the same functions, so an evaluation is the same whoever runs it.
//!
//! Webhooks go over a minimal HTTP/1.1 client on `std::net::TcpStream` (http:// only, no TLS, 5 s
//! timeouts); a failed delivery is recorded on the event and retried, in order, by the next
//! operation on that transition. Not here: the clock (times are parameters; `wall` reads the
//! audit and delivery times at the caller's edge) and printing.

use relevo_core::{Channel, KpiSettings, interval_of, interval_start_ms};
use relevo_metrics::{Acc, Kpis};
use relevo_store::{
    NewTransitionEvent, Scope, Store, StoreError, StoredTransition, TransitionSave,
};
use relevo_transitions::webhook::{self, HttpUrl};
use relevo_transitions::{Event, State, TransitionPlan, WindowKpis};
use std::io::{Read, Write};
use std::time::Duration;

#[cfg(test)]
mod tests;

/// Why running a transition failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    NotFound(String),
    /// A stored plan or state that no longer reads.
    #[error("{0}")]
    Corrupt(String),
    /// The operation does not apply in the current state.
    #[error("{0}")]
    Refused(String),
}

/// Resolves IANA names for plan files.
pub fn zones(name: &str) -> Option<jiff::tz::TimeZone> {
    jiff::tz::TimeZone::get(name).ok()
}

/// A stored transition with its plan and state read back.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub row: StoredTransition,
    pub plan: TransitionPlan,
    pub state: State,
}

/// Reads a stored row's plan and state.
pub fn parse(row: StoredTransition) -> Result<Loaded, RunError> {
    let id = row.id;
    let plan = TransitionPlan::parse(&row.plan, &zones).map_err(|e| {
        RunError::Corrupt(format!(
            "stored plan of transition {id} no longer parses: {e}"
        ))
    })?;
    let state: State = serde_json::from_str(&row.state).map_err(|e| {
        RunError::Corrupt(format!(
            "stored state of transition {id} is not readable: {e}"
        ))
    })?;
    Ok(Loaded { row, plan, state })
}

/// One transition by id.
/// Stores a new transition of `plan` that starts at `at_ms` (its phase 0 from then), recorded as
/// created by `actor` at `now_ms`; returns its id.
pub fn create(
    store: &mut dyn Store,
    plan: &TransitionPlan,
    at_ms: i64,
    actor: &str,
    now_ms: i64,
) -> Result<i64, RunError> {
    let state = serde_json::to_string(&State::new(at_ms))
        .map_err(|e| RunError::Corrupt(format!("cannot write the state: {e}")))?;
    Ok(store.create_transition(
        &relevo_store::NewTransition {
            name: &plan.name,
            queue: &plan.queue,
            from_provider: &plan.from,
            to_provider: &plan.to,
            plan: &plan.source,
            state: &state,
        },
        actor,
        now_ms,
    )?)
}

pub fn load(store: &dyn Store, id: i64) -> Result<Loaded, RunError> {
    let row = store.transition(id)?.ok_or_else(|| {
        RunError::NotFound(format!(
            "no transition {id} (relevo transition status lists them)"
        ))
    })?;
    parse(row)
}

/// The KPI settings the gate is measured with: the report's defaults (per-channel service-level
/// thresholds, short abandons under 5 s excluded, abandons counted, no flowouts, 7-day FCR).
pub fn gate_settings() -> KpiSettings {
    KpiSettings {
        sl_threshold_s: None,
        short_abandon_s: 5,
        abandon_treatment: relevo_core::AbandonTreatment::Counted,
        include_flowouts: false,
        fcr_window_days: 7,
    }
}

/// A provider's KPIs over `[from_ms, to_ms)` on the plan's queue and channels, with the report's
/// settings and formulas (`Acc`, `Kpis::compute`): the same numbers as a `relevo report` row
/// covering exactly that span, FCR counting windows closed by `as_of_ms`.
pub fn measure(
    store: &dyn Store,
    plan: &TransitionPlan,
    provider: &str,
    from_ms: i64,
    to_ms: i64,
    as_of_ms: i64,
) -> Result<Kpis, RunError> {
    let settings = gate_settings();
    let mut acc = Acc::default();
    if to_ms > from_ms {
        let scope = Scope::Provider(provider.to_owned());
        let keep = |q: &str, c: Channel| q == plan.queue && plan.channels.contains(&c);
        for (k, f) in store.fcr(from_ms, to_ms, settings.fcr_window_days, as_of_ms, &scope)? {
            if keep(&k.queue, k.channel) {
                acc.fcr_eligible += f.eligible;
                acc.fcr_resolved += f.resolved;
            }
        }
        store.for_each_cell(
            interval_of(from_ms),
            interval_of(to_ms - 1) + 1,
            &scope,
            &mut |c, cell| {
                let t = interval_start_ms(c.interval);
                if t >= from_ms && t < to_ms && keep(c.queue, c.channel) {
                    acc.add_cell(cell, c.channel, &settings);
                }
            },
        )?;
    }
    Ok(Kpis::compute(&acc, &settings))
}

/// The gate's window for `state` at `now_ms`, measured on the incoming provider.
pub fn window_kpis(
    store: &dyn Store,
    plan: &TransitionPlan,
    state: &State,
    now_ms: i64,
) -> Result<WindowKpis, RunError> {
    let (from, to) = state.window(plan, now_ms);
    let kpis = measure(store, plan, &plan.to, from, to, now_ms)?;
    Ok(WindowKpis::from_kpis(from, to, &kpis))
}

/// Offered contacts per provider on the plan's queue and channels in `[from_ms, to_ms)`.
pub fn offered_by_provider(
    store: &dyn Store,
    plan: &TransitionPlan,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<(String, i64)>, RunError> {
    let mut per: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    if to_ms > from_ms {
        store.for_each_cell(
            interval_of(from_ms),
            interval_of(to_ms - 1) + 1,
            &Scope::All,
            &mut |c, cell| {
                let t = interval_start_ms(c.interval);
                if t >= from_ms
                    && t < to_ms
                    && c.queue == plan.queue
                    && plan.channels.contains(&c.channel)
                {
                    *per.entry(c.provider.to_owned()).or_default() += cell.offered;
                }
            },
        )?;
    }
    Ok(per.into_iter().collect())
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// What an evaluation or an operation did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub loaded: Loaded,
    pub state: State,
    pub events: Vec<Event>,
    /// Webhook deliveries that failed (`event id`, `kind`, message); retried next time.
    pub undelivered: Vec<(i64, String, String)>,
}

/// A new state with its events, ready to save.
#[derive(Debug, Clone)]
pub struct Change {
    pub state: State,
    pub events: Vec<Event>,
    /// Audit action: `transition.evaluate`, `transition.advance`, …
    pub action: String,
    /// Audit detail: the gate in words, or the person's reason.
    pub detail: String,
}

/// Measures the gate window on `store` (any connection: it only reads) and runs the state
/// machine as of `now_ms`.
pub fn evaluation(store: &dyn Store, loaded: &Loaded, now_ms: i64) -> Result<Change, RunError> {
    let window = window_kpis(store, &loaded.plan, &loaded.state, now_ms)?;
    let (state, events) =
        relevo_transitions::evaluate(&loaded.plan, &loaded.state, &window, now_ms);
    let detail = match &state.last_gate {
        Some(gate) => format!(
            "as of {}: gate {}: {}",
            rfc3339(now_ms),
            gate.status.as_str(),
            gate.summary()
        ),
        None => format!("as of {}", rfc3339(now_ms)),
    };
    Ok(Change {
        state,
        events,
        action: "transition.evaluate".into(),
        detail,
    })
}

/// A person's operation at `at_ms` (no IO).
pub fn operation(
    loaded: &Loaded,
    op: Op,
    actor: &str,
    reason: &str,
    at_ms: i64,
) -> Result<Change, RunError> {
    let (plan, state) = (&loaded.plan, &loaded.state);
    let result = match op {
        Op::Advance => relevo_transitions::advance(plan, state, actor, reason, at_ms),
        Op::Hold => relevo_transitions::hold(plan, state, actor, reason, at_ms),
        Op::Rollback { full } => {
            relevo_transitions::rollback(plan, state, full, actor, reason, at_ms)
        }
        Op::Resume => relevo_transitions::resume(plan, state, actor, reason, at_ms),
    };
    let (state, events) = result.map_err(|e| {
        RunError::Refused(format!(
            "transition {}: cannot {}: {e}",
            loaded.row.id,
            op.name()
        ))
    })?;
    Ok(Change {
        state,
        events,
        action: format!("transition.{}", op.name()),
        detail: reason.to_owned(),
    })
}

/// Measures, evaluates, saves and notifies one transition as of `now_ms` (audited as
/// `transition.evaluate` by `actor`; `wall` gives the audit and delivery times).
pub fn evaluate(
    store: &mut dyn Store,
    id: i64,
    now_ms: i64,
    actor: &str,
    wall: &dyn Fn() -> i64,
) -> Result<Outcome, RunError> {
    let loaded = load(store, id)?;
    evaluate_loaded(store, loaded, now_ms, actor, wall)
}

/// [`evaluate`] of an already loaded transition: [`evaluation`], [`save`], [`deliver_pending`].
pub fn evaluate_loaded(
    store: &mut dyn Store,
    loaded: Loaded,
    now_ms: i64,
    actor: &str,
    wall: &dyn Fn() -> i64,
) -> Result<Outcome, RunError> {
    let change = evaluation(store, &loaded, now_ms)?;
    save(store, &loaded, &change, actor, wall)?;
    let undelivered = deliver_pending(store, loaded.row.id, &loaded.plan, wall)?;
    Ok(Outcome {
        loaded,
        state: change.state,
        events: change.events,
        undelivered,
    })
}

/// A person's operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Advance,
    Hold,
    Rollback { full: bool },
    Resume,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Advance => "advance",
            Op::Hold => "hold",
            Op::Rollback { .. } => "rollback",
            Op::Resume => "resume",
        }
    }
}

/// Applies a person's operation at `at_ms`, saves (audited as `transition.<op>` with the reason)
/// and notifies: [`operation`], [`save`], [`deliver_pending`].
pub fn operate(
    store: &mut dyn Store,
    id: i64,
    op: Op,
    actor: &str,
    reason: &str,
    at_ms: i64,
    wall: &dyn Fn() -> i64,
) -> Result<Outcome, RunError> {
    let loaded = load(store, id)?;
    let change = operation(&loaded, op, actor, reason, at_ms)?;
    save(store, &loaded, &change, actor, wall)?;
    let undelivered = deliver_pending(store, loaded.row.id, &loaded.plan, wall)?;
    Ok(Outcome {
        loaded,
        state: change.state,
        events: change.events,
        undelivered,
    })
}

/// Saves the new state with its events and audit lines in one transaction; refused when the
/// transition changed since `loaded` was read.
pub fn save(
    store: &mut dyn Store,
    loaded: &Loaded,
    change: &Change,
    who: &str,
    wall: &dyn Fn() -> i64,
) -> Result<(), RunError> {
    let events = &change.events;
    let jsons: Vec<String> = events.iter().map(to_json).collect::<Result<_, _>>()?;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    let actors: Vec<String> = events.iter().map(|e| e.actor.to_string()).collect();
    let new: Vec<NewTransitionEvent<'_>> = events
        .iter()
        .enumerate()
        .map(|(i, e)| NewTransitionEvent {
            at_ms: e.at_ms,
            kind: kinds[i],
            actor: &actors[i],
            reason: &e.reason,
            event: &jsons[i],
        })
        .collect();
    let state_json = to_json(&change.state)?;
    store.save_transition(
        loaded.row.id,
        &TransitionSave {
            expected_version: loaded.row.version,
            state: &state_json,
            events: &new,
            actor: who,
            action: &change.action,
            detail: &change.detail,
            now_ms: wall(),
        },
    )?;
    Ok(())
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, RunError> {
    serde_json::to_string(v).map_err(|e| RunError::Corrupt(format!("cannot encode as JSON: {e}")))
}

/// A webhook request waiting to be sent: the event's id and kind, and the request bytes.
#[derive(Debug, Clone)]
pub struct Pending {
    pub event_id: i64,
    pub kind: String,
    pub request: Vec<u8>,
}

/// The transition's undelivered events as signed requests, oldest first.
pub fn pending(
    store: &dyn Store,
    id: i64,
    plan: &TransitionPlan,
) -> Result<Vec<Pending>, RunError> {
    let Some(hook) = &plan.webhook else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for stored in store
        .transition_events(id)?
        .into_iter()
        .filter(|e| e.delivered_at_ms.is_none())
    {
        let event: Event = serde_json::from_str(&stored.event).map_err(|e| {
            RunError::Corrupt(format!("stored event {} is not readable: {e}", stored.id))
        })?;
        let body = webhook::payload(id, stored.id, plan, &event);
        out.push(Pending {
            event_id: stored.id,
            kind: event.kind.as_str().to_owned(),
            request: webhook::request(&hook.url, &hook.secret, event.kind.as_str(), &body),
        });
    }
    Ok(out)
}

/// Sends the transition's undelivered events, oldest first, stopping at the first failure (so a
/// receiver sees them in order); each attempt's outcome is recorded. Returns the failure.
pub fn deliver_pending(
    store: &dyn Store,
    id: i64,
    plan: &TransitionPlan,
    wall: &dyn Fn() -> i64,
) -> Result<Vec<(i64, String, String)>, RunError> {
    let Some(hook) = &plan.webhook else {
        return Ok(Vec::new());
    };
    for p in pending(store, id, plan)? {
        match send(&hook.url, &p.request) {
            Ok(()) => store.record_delivery(p.event_id, wall(), None)?,
            Err(message) => {
                store.record_delivery(p.event_id, wall(), Some(&message))?;
                return Ok(vec![(p.event_id, p.kind, message)]);
            }
        }
    }
    Ok(Vec::new())
}

/// Writes the request and reads the response's status line; a 2xx status is a delivery.
pub fn send(url: &HttpUrl, request: &[u8]) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let timeout = Duration::from_secs(5);
    let addrs: Vec<_> = url
        .authority()
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", url.authority()))?
        .collect();
    let mut last = None;
    let mut stream = None;
    for a in addrs {
        match std::net::TcpStream::connect_timeout(&a, timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let mut stream = match (stream, last) {
        (Some(s), _) => s,
        (None, Some(e)) => return Err(format!("cannot connect to {}: {e}", url.authority())),
        (None, None) => return Err(format!("{} resolves to no address", url.authority())),
    };
    let io = |e: std::io::Error| e.to_string();
    stream.set_read_timeout(Some(timeout)).map_err(io)?;
    stream.set_write_timeout(Some(timeout)).map_err(io)?;
    stream
        .write_all(request)
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    // Read until the status line is complete (the receiver may keep the connection open).
    while !response.windows(2).any(|w| w == b"\r\n") && response.len() < 8192 {
        let n = stream
            .read(&mut buf)
            .map_err(|e| format!("no response: {e}"))?;
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&response);
    let status_line = text.lines().next().unwrap_or_default();
    let code: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("not an HTTP response: {status_line:?}"))?;
    if !(200..300).contains(&code) {
        return Err(format!("the receiver answered {status_line:?}"));
    }
    Ok(())
}

/// The transitions the background task evaluates: every one not yet at its last phase.
pub fn is_active(l: &Loaded) -> bool {
    !l.state.completed(&l.plan)
}

/// Whether the background evaluation at the interval boundary `now_ms` evaluates this
/// transition: active, and not evaluated at or after `now_ms` yet (a restart, or a second server
/// on the same database, does not evaluate the same boundary twice).
pub fn is_due(l: &Loaded, now_ms: i64) -> bool {
    is_active(l) && l.state.last_evaluated_ms.is_none_or(|t| t < now_ms)
}
