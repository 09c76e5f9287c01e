//! A transition as `relevo-routing` input: one route per channel whose phases are the
//! transition's timeline (the baseline from its creation, then each phase change at the time it
//! happened), so a router following the state splits contacts at the current target share and a
//! tally of its decision log compares each applied phase with its target.
//!
//! Not here: merging with the rest of a server's allocation plan (the caller adds these routes to
//! its plan, or uses [`routing_plan`] for a plan of this queue alone).

use crate::machine::State;
use crate::plan::TransitionPlan;
use relevo_routing::{Phase, Plan, Provider, Route, WeeklyHours};

#[cfg(test)]
mod tests;

/// The phases the state has applied, in time order, as routing phases. Changes at the same
/// instant (or, after a replay, out of order) keep only the latest.
pub fn routing_phases(plan: &TransitionPlan, state: &State) -> Vec<Phase> {
    let mut out: Vec<Phase> = Vec::new();
    let mut push = |at_ms: i64, k: usize| {
        while out.last().is_some_and(|p| p.starts_at_ms >= at_ms) {
            out.pop();
        }
        out.push(Phase {
            name: plan.phase_name(k).to_owned(),
            starts_at_ms: at_ms,
            shares: plan.shares(k).to_vec(),
        });
    };
    push(state.created_ms, 0);
    for change in &state.history {
        push(change.at_ms, change.to_phase);
    }
    out
}

/// One route per channel of the plan; the overflow order tries the outgoing provider first
/// (the team that knows the work), then the incoming one.
pub fn routing_routes(plan: &TransitionPlan, state: &State) -> Vec<Route> {
    let phases = routing_phases(plan, state);
    plan.channels
        .iter()
        .map(|c| Route {
            queue: plan.queue.clone(),
            channel: c.as_str().to_owned(),
            phases: phases.clone(),
            overflow_order: vec![plan.from.clone(), plan.to.clone()],
            caps: Vec::new(),
        })
        .collect()
}

/// A complete plan for this queue alone: both providers always open in the plan's zone, 15-minute
/// capacity intervals.
pub fn routing_plan(plan: &TransitionPlan, state: &State) -> Plan {
    let provider = |id: &str| Provider {
        id: id.to_owned(),
        time_zone: plan.zone.clone(),
        hours: WeeklyHours::always(),
        closed_dates: Vec::new(),
        languages: None,
    };
    Plan {
        providers: vec![provider(&plan.from), provider(&plan.to)],
        routes: routing_routes(plan, state),
        interval_ms: 900_000,
    }
}
