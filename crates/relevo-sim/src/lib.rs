//! What-if simulation of a queue served by several providers (an in-house team and BPOs):
//! contacts arrive as a Poisson process whose rate changes per interval (a forecast), are
//! split over providers by an allocation plan in phases (shares, opening hours as agent
//! counts, capacity caps, an overflow order), wait for an agent, and abandon when their
//! patience runs out. The output is offered, answered, abandoned, service level, ASA and
//! abandonment per provider and per phase, with 95 % confidence intervals from independent
//! replications.
//!
//! Seeded and deterministic: the same scenario and seed give the same numbers, bit for bit.
//! The simulator is a state machine ([`Simulation::step`]); [`run`] is the loop most callers
//! want.
//!
//! What this crate deliberately does not do: IO, clocks, a global random generator, threads,
//! parsing, or multi-skill agents; it depends on nothing. Times are seconds from the start of
//! the first interval, rates are per second, ratios are fractions in [0, 1].
//!
//! ```
//! use relevo_sim::{Distribution, Phase, Provider, RunConfig, Scenario, Splitting, run};
//! // Eight 15-minute intervals at 200 contacts per hour; 70 / 30 between two providers,
//! // then 50 / 50 after the first hour is cut over.
//! let aht = Distribution::lognormal(240.0, 120.0).unwrap();
//! let s = Scenario {
//!     interval_s: 900.0,
//!     arrivals_per_s: vec![200.0 / 3600.0; 8],
//!     providers: vec![
//!         Provider { name: "in-house".into(), agents: vec![12; 8], handle_time: aht.clone(),
//!                    max_contacts_per_interval: None },
//!         Provider { name: "bpo".into(), agents: vec![6, 6, 6, 6, 9, 9, 9, 9], handle_time: aht,
//!                    max_contacts_per_interval: None },
//!     ],
//!     phases: vec![
//!         Phase { name: "70/30".into(), intervals: 0..4, shares: vec![0.7, 0.3] },
//!         Phase { name: "50/50".into(), intervals: 4..8, shares: vec![0.5, 0.5] },
//!     ],
//!     overflow_order: vec![0, 1],
//!     patience: Some(Distribution::exponential(120.0).unwrap()),
//!     sl_threshold_s: 20.0,
//!     splitting: Splitting::Counted,
//! };
//! let report = run(&s, &RunConfig { replications: 20, seed: 42 }).unwrap();
//! let bpo_after = &report.phases[1].providers[1];
//! assert!((bpo_after.offered.mean - 100.0).abs() < 10.0); // half of ~200 contacts
//! println!("BPO service level after cut-over: {:.3} ± {:.3}",
//!          bpo_after.service_level.mean, bpo_after.service_level.half_width);
//! ```

mod dist;
mod engine;
mod rng;
mod scenario;
mod stats;

pub use dist::Distribution;
pub use engine::{Outcome, Report, RunConfig, Simulation, Slice, Step, report, run};
pub use rng::{Rng, SplitMix64};
pub use scenario::{Phase, Provider, Scenario, Splitting};
pub use stats::{Counters, Estimate, Measures, t_975};

/// Why a scenario or distribution was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum SimError {
    /// A number outside its domain (negative rate, non-positive mean, NaN…).
    Invalid { name: &'static str, value: f64 },
    /// Too few samples to build a distribution from.
    TooFewSamples { needed: usize, got: usize },
    /// The plan's shape is inconsistent (lengths, phases, indexes).
    Plan(String),
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid { name, value } => {
                write!(f, "{name} must be a finite number in range, got {value}")
            }
            Self::TooFewSamples { needed, got } => {
                write!(f, "need at least {needed} samples, got {got}")
            }
            Self::Plan(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for SimError {}
