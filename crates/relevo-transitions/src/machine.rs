//! The cut-over state machine: where a transition is (phase, since when, how long its gate has
//! passed or failed, held or rolled back) and what moves it — [`evaluate`] on measured KPIs, and
//! the people's operations [`advance`], [`hold`], [`rollback`] and [`resume`].
//!
//! Rules (docs/TRANSITIONS.md has the long form):
//!
//! - The gate passes when every guardrail holds with at least its minimum volume; it fails when any
//!   guardrail with enough volume is broken; otherwise it is *insufficient* (neither).
//! - A phase advances on its own only when the gate has passed at every evaluation since
//!   `gate_passing_since` for at least the phase's minimum duration, the next phase's earliest
//!   start has come, and the transition is neither held nor rolled back. The move from the
//!   baseline to phase 1 needs only its date (there is no incoming volume to judge yet) and a gate
//!   that is not failing.
//! - A failing gate triggers `on_fail.action` once per failing episode (hold, roll back one phase,
//!   or roll back to the baseline); while it keeps failing, `on_fail.escalate_to` is taken every
//!   `escalate_after`. A guardrail hold lifts by itself when the gate passes again; after any
//!   rollback the transition waits for a person (`advance` or `resume`).
//! - Every change is an [`Event`] carrying its reason and the gate numbers behind it.
//!
//! Not here: measuring KPIs, persisting state, sending webhooks, or the clock (`now_ms` is a
//! parameter everywhere).

use crate::TransitionError;
use crate::kpi::{Kpi, WindowKpis, measured_volume, serde_kpi};
use crate::plan::{Bound, FailAction, TransitionPlan, format_duration};
use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(test)]
mod tests;

/// Who made a change: the guardrails, or a person (as the audit log names them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Actor {
    Guardrail,
    Person(String),
}

impl From<Actor> for String {
    fn from(a: Actor) -> String {
        a.to_string()
    }
}

impl From<String> for Actor {
    fn from(s: String) -> Actor {
        if s == "guardrail" {
            Actor::Guardrail
        } else {
            Actor::Person(s)
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Guardrail => f.write_str("guardrail"),
            Actor::Person(p) => f.write_str(p),
        }
    }
}

/// Pass, fail, or not enough volume to tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateStatus {
    Pass,
    Fail,
    Insufficient,
}

impl GateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GateStatus::Pass => "pass",
            GateStatus::Fail => "fail",
            GateStatus::Insufficient => "insufficient",
        }
    }
}

/// One guardrail's verdict with its numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    #[serde(with = "serde_kpi")]
    pub kpi: Kpi,
    pub bound: Bound,
    pub value: Option<f64>,
    pub volume: i64,
    pub min_volume: i64,
    pub status: GateStatus,
}

impl Check {
    /// `service_level 37.3 % ≥ 75.0 %: fail (193 offered)`.
    pub fn describe(&self) -> String {
        let value = self
            .value
            .map_or_else(|| "no value".to_owned(), |v| self.kpi.format(v));
        let mut s = format!(
            "{} {} {} {}: {} ({} {}",
            self.kpi,
            value,
            self.bound.symbol(),
            self.kpi.format(self.bound.threshold()),
            self.status.as_str(),
            self.volume,
            measured_volume(self.kpi).noun()
        );
        if self.status == GateStatus::Insufficient {
            s.push_str(&format!(", needs {}", self.min_volume));
        }
        s.push(')');
        s
    }
}

/// The gate at one evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    pub at_ms: i64,
    pub window_from_ms: i64,
    pub window_to_ms: i64,
    pub status: GateStatus,
    pub checks: Vec<Check>,
}

impl GateResult {
    /// The checks that decided the status (the failing ones on a fail, the short ones when
    /// insufficient, all on a pass), joined with `; `.
    pub fn summary(&self) -> String {
        let decisive: Vec<String> = self
            .checks
            .iter()
            .filter(|c| self.status == GateStatus::Pass || c.status == self.status)
            .map(Check::describe)
            .collect();
        decisive.join("; ")
    }
}

/// Checks the plan's guardrails against measured KPIs.
pub fn check_gate(plan: &TransitionPlan, window: &WindowKpis, now_ms: i64) -> GateResult {
    let checks: Vec<Check> = plan
        .gate
        .guardrails
        .iter()
        .map(|g| {
            let sample = window.get(g.kpi);
            let value = sample.and_then(|s| s.value);
            let volume = sample.map_or(0, |s| s.volume);
            let status = match value {
                Some(v) if volume >= g.min_volume && volume > 0 => {
                    if g.bound.holds(v) {
                        GateStatus::Pass
                    } else {
                        GateStatus::Fail
                    }
                }
                _ => GateStatus::Insufficient,
            };
            Check {
                kpi: g.kpi,
                bound: g.bound,
                value,
                volume,
                min_volume: g.min_volume,
                status,
            }
        })
        .collect();
    let status = if checks.iter().any(|c| c.status == GateStatus::Fail) {
        GateStatus::Fail
    } else if checks.iter().any(|c| c.status == GateStatus::Insufficient) {
        GateStatus::Insufficient
    } else {
        GateStatus::Pass
    };
    GateResult {
        at_ms: now_ms,
        window_from_ms: window.from_ms,
        window_to_ms: window.to_ms,
        status,
        checks,
    }
}

/// A hold: no automatic advance until it is lifted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hold {
    pub since_ms: i64,
    pub by: Actor,
    pub reason: String,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Advanced,
    RolledBack,
    Held,
    Resumed,
    /// The gate started failing (the action taken, if any, is its own event).
    GateFailed,
    /// The gate passed again after failing.
    GateRecovered,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Advanced => "advanced",
            EventKind::RolledBack => "rolled_back",
            EventKind::Held => "held",
            EventKind::Resumed => "resumed",
            EventKind::GateFailed => "gate_failed",
            EventKind::GateRecovered => "gate_recovered",
        }
    }
}

/// One event, with the reason and the numbers behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at_ms: i64,
    pub kind: EventKind,
    pub actor: Actor,
    pub reason: String,
    pub from_phase: usize,
    pub to_phase: usize,
    /// The incoming provider's share before and after.
    pub from_share: f64,
    pub to_share: f64,
    /// The gate behind an automatic event (the last one known for a person's).
    pub gate: Option<GateResult>,
}

/// A phase change in the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseChange {
    pub at_ms: i64,
    pub from_phase: usize,
    pub to_phase: usize,
    pub kind: EventKind,
    pub actor: Actor,
    pub reason: String,
}

/// Where a transition is. Stored as JSON between evaluations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// 0 = baseline, k = the plan's k-th phase.
    pub phase: usize,
    pub phase_since_ms: i64,
    pub created_ms: i64,
    /// First evaluation of the current run of passing gates in this phase.
    pub gate_passing_since_ms: Option<i64>,
    /// First evaluation of the current failing episode.
    pub gate_failing_since_ms: Option<i64>,
    /// When the guardrails last acted in the current failing episode.
    pub guardrail_acted_ms: Option<i64>,
    pub held: Option<Hold>,
    /// The last phase change was a rollback: automatic advances wait for a person.
    pub rolled_back: bool,
    pub last_gate: Option<GateResult>,
    pub last_evaluated_ms: Option<i64>,
    pub history: Vec<PhaseChange>,
}

impl State {
    /// A new transition at its baseline.
    pub fn new(now_ms: i64) -> State {
        State {
            phase: 0,
            phase_since_ms: now_ms,
            created_ms: now_ms,
            gate_passing_since_ms: None,
            gate_failing_since_ms: None,
            guardrail_acted_ms: None,
            held: None,
            rolled_back: false,
            last_gate: None,
            last_evaluated_ms: None,
            history: Vec::new(),
        }
    }

    /// Whether the final phase has been reached.
    pub fn completed(&self, plan: &TransitionPlan) -> bool {
        self.phase >= plan.last_phase()
    }

    /// `running`, `held`, `rolled back`, `completed` (and combinations) for status lines.
    pub fn describe(&self, plan: &TransitionPlan) -> String {
        let mut parts = Vec::new();
        if self.completed(plan) {
            parts.push("completed".to_owned());
        }
        if self.rolled_back {
            parts.push("rolled back".to_owned());
        }
        if let Some(h) = &self.held {
            parts.push(format!("held by {}", h.by));
        }
        if parts.is_empty() {
            parts.push("running".to_owned());
        }
        parts.join(", ")
    }

    /// The window to measure the gate over at `now_ms`: the plan's window, never reaching back
    /// before the current phase started (each phase is judged on its own data).
    pub fn window(&self, plan: &TransitionPlan, now_ms: i64) -> (i64, i64) {
        let from = (now_ms - plan.gate.window_ms).max(self.phase_since_ms);
        (from.min(now_ms), now_ms)
    }

    fn change_phase(
        &mut self,
        plan: &TransitionPlan,
        to: usize,
        kind: EventKind,
        (actor, reason): (Actor, String),
        gate: Option<GateResult>,
        now_ms: i64,
    ) -> Event {
        let from = self.phase;
        self.phase = to;
        self.phase_since_ms = now_ms;
        self.gate_passing_since_ms = None;
        self.history.push(PhaseChange {
            at_ms: now_ms,
            from_phase: from,
            to_phase: to,
            kind,
            actor: actor.clone(),
            reason: reason.clone(),
        });
        Event {
            at_ms: now_ms,
            kind,
            actor,
            reason,
            from_phase: from,
            to_phase: to,
            from_share: plan.share(from),
            to_share: plan.share(to),
            gate,
        }
    }

    fn event(
        &self,
        plan: &TransitionPlan,
        kind: EventKind,
        actor: Actor,
        reason: String,
        gate: Option<GateResult>,
        now_ms: i64,
    ) -> Event {
        Event {
            at_ms: now_ms,
            kind,
            actor,
            reason,
            from_phase: self.phase,
            to_phase: self.phase,
            from_share: plan.share(self.phase),
            to_share: plan.share(self.phase),
            gate,
        }
    }

    /// The guardrails' action on a failing gate.
    fn act(
        &mut self,
        plan: &TransitionPlan,
        action: FailAction,
        why: &str,
        gate: &GateResult,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) {
        self.guardrail_acted_ms = Some(now_ms);
        let target = match action {
            FailAction::Hold => None,
            FailAction::RollbackOne => self.phase.checked_sub(1),
            FailAction::RollbackFull => (self.phase > 0).then_some(0),
        };
        match target {
            Some(to) => {
                let reason = format!(
                    "{why}: rolled back from {} to {}: {}",
                    plan.phase_label(self.phase),
                    plan.phase_label(to),
                    gate.summary()
                );
                self.rolled_back = true;
                if self.held.is_none() {
                    self.held = Some(Hold {
                        since_ms: now_ms,
                        by: Actor::Guardrail,
                        reason: reason.clone(),
                    });
                }
                events.push(self.change_phase(
                    plan,
                    to,
                    EventKind::RolledBack,
                    (Actor::Guardrail, reason),
                    Some(gate.clone()),
                    now_ms,
                ));
            }
            None if self.held.is_none() => {
                let reason = format!(
                    "{why}: holding at {}: {}",
                    plan.phase_label(self.phase),
                    gate.summary()
                );
                self.held = Some(Hold {
                    since_ms: now_ms,
                    by: Actor::Guardrail,
                    reason: reason.clone(),
                });
                events.push(self.event(
                    plan,
                    EventKind::Held,
                    Actor::Guardrail,
                    reason,
                    Some(gate.clone()),
                    now_ms,
                ));
            }
            None => {}
        }
    }
}

/// One evaluation: checks the gate on `window` (measured over [`State::window`]) and moves the
/// state as the rules say. Returns the new state and what happened.
pub fn evaluate(
    plan: &TransitionPlan,
    state: &State,
    window: &WindowKpis,
    now_ms: i64,
) -> (State, Vec<Event>) {
    let gate = check_gate(plan, window, now_ms);
    let mut s = state.clone();
    let mut events = Vec::new();
    s.last_evaluated_ms = Some(now_ms);
    match gate.status {
        GateStatus::Fail => {
            s.gate_passing_since_ms = None;
            if s.gate_failing_since_ms.is_none() {
                s.gate_failing_since_ms = Some(now_ms);
                s.guardrail_acted_ms = None;
                events.push(s.event(
                    plan,
                    EventKind::GateFailed,
                    Actor::Guardrail,
                    format!("gate failed: {}", gate.summary()),
                    Some(gate.clone()),
                    now_ms,
                ));
            }
            match (s.guardrail_acted_ms, plan.on_fail.escalate) {
                (None, _) => s.act(
                    plan,
                    plan.on_fail.action,
                    "gate failed",
                    &gate,
                    now_ms,
                    &mut events,
                ),
                (Some(acted), Some(esc)) if now_ms - acted >= esc.after_ms => {
                    let failing_for = now_ms - s.gate_failing_since_ms.unwrap_or(now_ms);
                    let why = format!("gate still failing after {}", format_duration(failing_for));
                    s.act(plan, esc.action, &why, &gate, now_ms, &mut events);
                }
                _ => {}
            }
        }
        GateStatus::Pass => {
            if let Some(since) = s.gate_failing_since_ms.take() {
                s.guardrail_acted_ms = None;
                events.push(s.event(
                    plan,
                    EventKind::GateRecovered,
                    Actor::Guardrail,
                    format!(
                        "gate passes again after failing for {}: {}",
                        format_duration(now_ms - since),
                        gate.summary()
                    ),
                    Some(gate.clone()),
                    now_ms,
                ));
            }
            if !s.rolled_back && s.held.as_ref().is_some_and(|h| h.by == Actor::Guardrail) {
                s.held = None;
                events.push(s.event(
                    plan,
                    EventKind::Resumed,
                    Actor::Guardrail,
                    format!(
                        "guardrail hold lifted: the gate passes again: {}",
                        gate.summary()
                    ),
                    Some(gate.clone()),
                    now_ms,
                ));
            }
            if s.gate_passing_since_ms.is_none() {
                s.gate_passing_since_ms = Some(now_ms);
            }
            try_advance(plan, &mut s, &gate, now_ms, &mut events);
        }
        GateStatus::Insufficient => {
            s.gate_passing_since_ms = None;
            if s.phase == 0 {
                try_advance(plan, &mut s, &gate, now_ms, &mut events);
            }
        }
    }
    s.last_gate = Some(gate);
    (s, events)
}

fn try_advance(
    plan: &TransitionPlan,
    s: &mut State,
    gate: &GateResult,
    now_ms: i64,
    events: &mut Vec<Event>,
) {
    if s.held.is_some() || s.rolled_back || s.completed(plan) {
        return;
    }
    let next = s.phase + 1;
    if let Some(e) = plan.earliest_ms(next)
        && now_ms < e
    {
        return;
    }
    let date = plan
        .earliest_ms(next)
        .map(|e| format!("; earliest start {} reached", plan.format_instant(e)))
        .unwrap_or_default();
    let reason = if s.phase == 0 {
        format!("transition starts: {}{date}", plan.phase_label(next))
    } else {
        let Some(since) = s.gate_passing_since_ms else {
            return;
        };
        let need = plan.min_duration_ms(s.phase);
        if now_ms - since < need {
            return;
        }
        format!(
            "gate passed for {} (minimum {}){date}: {}",
            format_duration(now_ms - since),
            format_duration(need),
            gate.summary()
        )
    };
    events.push(s.change_phase(
        plan,
        next,
        EventKind::Advanced,
        (Actor::Guardrail, reason),
        Some(gate.clone()),
        now_ms,
    ));
}

fn person(actor: &str, reason: &str) -> Result<(Actor, String), TransitionError> {
    let actor = actor.trim();
    if actor.is_empty() || actor == "guardrail" {
        return Err(TransitionError::Refused(format!(
            "a person's operation needs the person's name, not {actor:?}"
        )));
    }
    if reason.trim().is_empty() {
        return Err(TransitionError::Refused("give a reason".to_owned()));
    }
    Ok((Actor::Person(actor.to_owned()), reason.trim().to_owned()))
}

fn clear_timers(s: &mut State) {
    s.gate_passing_since_ms = None;
    s.gate_failing_since_ms = None;
    s.guardrail_acted_ms = None;
}

/// A person moves the transition to its next phase, whatever the gate and dates say; lifts any
/// hold and the rolled-back flag.
pub fn advance(
    plan: &TransitionPlan,
    state: &State,
    actor: &str,
    reason: &str,
    now_ms: i64,
) -> Result<(State, Vec<Event>), TransitionError> {
    let (actor, reason) = person(actor, reason)?;
    if state.completed(plan) {
        return Err(TransitionError::Refused(format!(
            "already at the last phase ({})",
            plan.phase_name(state.phase)
        )));
    }
    let mut s = state.clone();
    s.held = None;
    s.rolled_back = false;
    clear_timers(&mut s);
    let gate = s.last_gate.clone();
    let next = s.phase + 1;
    let ev = s.change_phase(
        plan,
        next,
        EventKind::Advanced,
        (actor, reason),
        gate,
        now_ms,
    );
    Ok((s, vec![ev]))
}

/// A person holds the transition at its current split (no automatic advance until they, or
/// someone, resume or advance it). Refused when a person already holds it.
pub fn hold(
    plan: &TransitionPlan,
    state: &State,
    actor: &str,
    reason: &str,
    now_ms: i64,
) -> Result<(State, Vec<Event>), TransitionError> {
    let (actor, reason) = person(actor, reason)?;
    if let Some(h) = &state.held
        && h.by != Actor::Guardrail
    {
        return Err(TransitionError::Refused(format!(
            "already held by {} since {}: {}",
            h.by,
            plan.format_instant(h.since_ms),
            h.reason
        )));
    }
    let mut s = state.clone();
    s.held = Some(Hold {
        since_ms: now_ms,
        by: actor.clone(),
        reason: reason.clone(),
    });
    let ev = s.event(
        plan,
        EventKind::Held,
        actor,
        reason,
        s.last_gate.clone(),
        now_ms,
    );
    Ok((s, vec![ev]))
}

/// A person rolls the transition back one phase (or to the baseline with `full`); it then waits
/// for a person to advance or resume it.
pub fn rollback(
    plan: &TransitionPlan,
    state: &State,
    full: bool,
    actor: &str,
    reason: &str,
    now_ms: i64,
) -> Result<(State, Vec<Event>), TransitionError> {
    let (actor, reason) = person(actor, reason)?;
    if state.phase == 0 {
        return Err(TransitionError::Refused(
            "already at the baseline: nothing to roll back".to_owned(),
        ));
    }
    let mut s = state.clone();
    s.rolled_back = true;
    clear_timers(&mut s);
    let to = if full { 0 } else { s.phase - 1 };
    let gate = s.last_gate.clone();
    let ev = s.change_phase(
        plan,
        to,
        EventKind::RolledBack,
        (actor, reason),
        gate,
        now_ms,
    );
    Ok((s, vec![ev]))
}

/// A person lifts a hold and the rolled-back flag without changing the phase: automatic advances
/// start again from the next passing evaluation.
pub fn resume(
    plan: &TransitionPlan,
    state: &State,
    actor: &str,
    reason: &str,
    now_ms: i64,
) -> Result<(State, Vec<Event>), TransitionError> {
    let (actor, reason) = person(actor, reason)?;
    if state.held.is_none() && !state.rolled_back {
        return Err(TransitionError::Refused(
            "neither held nor rolled back: nothing to resume".to_owned(),
        ));
    }
    let mut s = state.clone();
    s.held = None;
    s.rolled_back = false;
    clear_timers(&mut s);
    let ev = s.event(
        plan,
        EventKind::Resumed,
        actor,
        reason,
        s.last_gate.clone(),
        now_ms,
    );
    Ok((s, vec![ev]))
}
