//! A transition as `relevo-routing` input: one route per channel whose phases are the
//! transition's timeline (the baseline from its creation, then each phase change at the time it
//! happened), so a router following the state splits contacts at the current target share and a
//! tally of its decision log compares each applied phase with its target.
//!
//! Not here: merging with the rest of a server's allocation plan (the caller adds these routes to
//! its plan, or uses [`routing_plan`] for a plan of this queue alone).

use crate::machine::State;
use crate::plan::TransitionPlan;
use relevo_routing::{Cap, LocalRange, Phase, Plan, Provider, Route, WeeklyHours};

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

/// One route per channel of the plan, with its overflow order (by default the outgoing provider
/// first, the team that knows the work, then the incoming one) and the providers' caps.
pub fn routing_routes(plan: &TransitionPlan, state: &State) -> Vec<Route> {
    let phases = routing_phases(plan, state);
    plan.channels
        .iter()
        .map(|c| Route {
            queue: plan.queue.clone(),
            channel: c.as_str().to_owned(),
            phases: phases.clone(),
            overflow_order: plan.overflow.clone(),
            caps: plan
                .providers
                .iter()
                .filter_map(|p| {
                    p.cap_per_interval.map(|max| Cap {
                        provider: p.id.clone(),
                        starts_at_ms: i64::MIN,
                        max_per_interval: max,
                    })
                })
                .collect(),
        })
        .collect()
}

/// A complete plan for this queue alone, 15-minute capacity intervals: each provider with its
/// `[providers]` setup (hours in its own zone, closed dates, languages), or always open.
pub fn routing_plan(plan: &TransitionPlan, state: &State) -> Plan {
    let provider = |id: &str| match plan.providers.iter().find(|p| p.id == id) {
        Some(p) => Provider {
            id: id.to_owned(),
            time_zone: p.zone.clone(),
            hours: match &p.hours {
                None => WeeklyHours::always(),
                Some(blocks) => {
                    let mut h = WeeklyHours::default();
                    for (days, open, close) in blocks {
                        for &d in days {
                            h.days[d].push(LocalRange {
                                open_min: *open,
                                close_min: *close,
                            });
                        }
                    }
                    h
                }
            },
            closed_dates: p.closed_dates.clone(),
            languages: p.languages.clone(),
        },
        None => Provider {
            id: id.to_owned(),
            time_zone: plan.zone.clone(),
            hours: WeeklyHours::always(),
            closed_dates: Vec::new(),
            languages: None,
        },
    };
    let mut ids = vec![plan.from.clone(), plan.to.clone()];
    for p in &plan.providers {
        if !ids.contains(&p.id) {
            ids.push(p.id.clone());
        }
    }
    Plan {
        providers: ids.iter().map(|id| provider(id)).collect(),
        routes: routing_routes(plan, state),
        interval_ms: 900_000,
    }
}
