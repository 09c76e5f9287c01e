//! The Erlang calculator as `relevo erlang` and `GET /api/v1/erlang` offer it: the measures of a
//! queue with a given number of agents, or the agents that meet targets together with the measures
//! at that count. The math is relevo-queueing's; each front end checks its own inputs (flags,
//! parameters) and renders.

use crate::Error;
use relevo_queueing::{
    Model, Queue, QueueingError, StaffingOutcome, StaffingPlan, StaffingProblem, Targets,
    required_agents,
};

/// One queue's load and what is asked of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangInput {
    pub arrivals_per_s: f64,
    pub aht_s: f64,
    pub model: Model,
    pub targets: Targets,
    /// Fraction of paid time agents are unavailable, in [0, 1).
    pub shrinkage: f64,
}

impl ErlangInput {
    /// The offered load in erlangs.
    pub fn load_erlangs(&self) -> f64 {
        self.arrivals_per_s * self.aht_s
    }
}

/// The queue with `agents` on it (fractional agents allowed), or why it cannot be measured
/// (overloaded: the load exceeds the agents under Erlang C).
pub fn measures(input: &ErlangInput, agents: f64) -> Result<Queue, QueueingError> {
    Queue::new(input.model, input.arrivals_per_s, input.aht_s, agents)
}

/// The agents the targets need.
#[derive(Debug, Clone)]
pub enum Staffing {
    /// The plan, and the queue at its raw agent count (`None` when nothing arrives).
    Staffed {
        plan: StaffingPlan,
        at: Option<Queue>,
    },
    /// The load needs more agents than the search goes to.
    Overloaded {
        offered_load_erlangs: f64,
        max_agents: u32,
    },
    /// No count up to `max_agents` meets every target; the queue at `max_agents`.
    Unreachable { max_agents: u32, at: Option<Queue> },
}

/// The fewest agents that meet `input`'s targets.
pub fn staffing(input: &ErlangInput) -> Result<Staffing, Error> {
    let problem = StaffingProblem {
        targets: input.targets,
        shrinkage: input.shrinkage,
        ..StaffingProblem::new(input.arrivals_per_s, input.aht_s, input.model)
    };
    let outcome = required_agents(&problem).map_err(|e| Error::Invalid {
        field: None,
        message: e.to_string(),
    })?;
    Ok(match outcome {
        StaffingOutcome::Staffed(plan) => Staffing::Staffed {
            at: measures(input, f64::from(plan.raw_agents)).ok(),
            plan,
        },
        StaffingOutcome::Overloaded {
            offered_load_erlangs,
            max_agents,
        } => Staffing::Overloaded {
            offered_load_erlangs,
            max_agents,
        },
        StaffingOutcome::Unreachable { max_agents, .. } => Staffing::Unreachable {
            max_agents,
            at: measures(input, f64::from(max_agents)).ok(),
        },
    })
}
