//! Queueing math for contact-center staffing: Erlang B, Erlang C (M/M/N) and Erlang A
//! (M/M/N+M, with abandonment) measures for a given number of agents, and the search for
//! the number of agents that meets service-level, ASA, abandonment and occupancy targets,
//! with shrinkage.
//!
//! Plain numbers in and out. Times are in seconds (`aht_s`, `patience_s`,
//! `threshold_s`), rates per second (`arrivals_per_s`), loads in erlangs, and every ratio
//! (service level, occupancy, shrinkage, probabilities) is a fraction in [0, 1].
//! Inputs are validated by the constructors; the measures after that are infallible and
//! never NaN, for any size (tested to 5,000 agents and beyond).
//!
//! What this crate deliberately does not do: IO, clocks, randomness, forecasting, multi-skill
//! routing or simulation (the tests carry a small simulator of their own to check the
//! formulas). It depends on nothing.
//!
//! ```
//! use relevo_queueing::{Model, ServiceLevelTarget, StaffingOutcome, StaffingProblem, Targets};
//! // 100 calls per 30 min, AHT 180 s, 80 % within 20 s, occupancy at most 85 %, 30 % shrinkage.
//! let problem = StaffingProblem {
//!     targets: Targets {
//!         service_level: Some(ServiceLevelTarget { fraction: 0.8, threshold_s: 20.0 }),
//!         max_occupancy: Some(0.85),
//!         ..Targets::default()
//!     },
//!     shrinkage: 0.3,
//!     ..StaffingProblem::new(100.0 / 1800.0, 180.0, Model::ErlangC)
//! };
//! let StaffingOutcome::Staffed(plan) = relevo_queueing::required_agents(&problem).unwrap() else {
//!     panic!("a stable answer exists");
//! };
//! assert_eq!((plan.raw_agents, plan.agents_with_shrinkage), (14, 20));
//! ```

mod erlang_a;
mod erlang_b;
mod erlang_c;
mod error;
mod special;
mod staffing;
mod workload;

pub use erlang_a::ErlangA;
pub use erlang_b::{MAX_AGENTS, erlang_b};
pub use erlang_c::ErlangC;
pub use error::QueueingError;
pub use staffing::{
    Binding, Measures, ServiceLevelTarget, StaffingOutcome, StaffingPlan, StaffingProblem, Targets,
    required_agents,
};
pub use workload::{backlog_agents, chat_effective_aht_s};

/// Which queue model a computation uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// M/M/N: callers wait as long as it takes.
    ErlangC,
    /// M/M/N+M: callers hang up after an exponential patience with this mean (seconds).
    ErlangA { patience_s: f64 },
}

/// An Erlang C or Erlang A queue behind one set of measure methods (for callers that
/// pick the model at run time, like the command line).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Queue {
    ErlangC(ErlangC),
    ErlangA(ErlangA),
}

impl Queue {
    /// Builds the model's queue; see [`ErlangC::new`] and [`ErlangA::new`] for the domains.
    pub fn new(
        model: Model,
        arrivals_per_s: f64,
        aht_s: f64,
        agents: f64,
    ) -> Result<Self, QueueingError> {
        Ok(match model {
            Model::ErlangC => Self::ErlangC(ErlangC::new(arrivals_per_s, aht_s, agents)?),
            Model::ErlangA { patience_s } => {
                Self::ErlangA(ErlangA::new(arrivals_per_s, aht_s, patience_s, agents)?)
            }
        })
    }

    /// Probability of waiting, `P(W > 0)`.
    pub fn prob_wait(&self) -> f64 {
        match self {
            Self::ErlangC(q) => q.prob_wait(),
            Self::ErlangA(q) => q.prob_wait(),
        }
    }

    /// Probability of abandoning; 0 for Erlang C, where nobody does.
    pub fn prob_abandon(&self) -> f64 {
        match self {
            Self::ErlangC(_) => 0.0,
            Self::ErlangA(q) => q.prob_abandon(),
        }
    }

    /// Fraction of all contacts answered within `threshold_s` seconds.
    pub fn service_level(&self, threshold_s: f64) -> f64 {
        match self {
            Self::ErlangC(q) => q.service_level(threshold_s),
            Self::ErlangA(q) => q.service_level(threshold_s),
        }
    }

    /// Average speed of answer in seconds (mean wait over all contacts).
    pub fn asa_s(&self) -> f64 {
        match self {
            Self::ErlangC(q) => q.asa_s(),
            Self::ErlangA(q) => q.asa_s(),
        }
    }

    /// Fraction of agent time spent handling contacts.
    pub fn occupancy(&self) -> f64 {
        match self {
            Self::ErlangC(q) => q.occupancy(),
            Self::ErlangA(q) => q.occupancy(),
        }
    }

    /// Offered load in erlangs.
    pub fn offered_load_erlangs(&self) -> f64 {
        match self {
            Self::ErlangC(q) => q.offered_load_erlangs(),
            Self::ErlangA(q) => q.offered_load_erlangs(),
        }
    }

    /// Number of agents.
    pub fn agents(&self) -> f64 {
        match self {
            Self::ErlangC(q) => q.agents(),
            Self::ErlangA(q) => q.agents(),
        }
    }
}

/// Validates arrival rate and handle time; returns them with the offered load `λ·AHT`.
pub(crate) fn checked_traffic(
    arrivals_per_s: f64,
    aht_s: f64,
) -> Result<(f64, f64, f64), QueueingError> {
    let arrivals_per_s = error::non_negative("arrivals_per_s", arrivals_per_s)?;
    let aht_s = error::positive("aht_s", aht_s)?;
    let load = erlang_b::checked_load(arrivals_per_s * aht_s)?;
    Ok((arrivals_per_s, aht_s, load))
}
