//! Erlang C (M/M/N, callers wait as long as it takes): probability of waiting, service
//! level, average speed of answer and occupancy for a fixed number of agents.
//!
//! Not here: abandonment (see [`crate::ErlangA`]) or the search for an agent count
//! (see [`crate::required_agents`]).
//!
//! # Formulas
//!
//! ```text
//! A    = λ · AHT                                   offered load (erlangs)
//! ρ    = A / N                                     occupancy, must be < 1
//! C    = N·B / (N − A·(1 − B))
//!      = 1 / (1 + (1 − ρ)·(1/B − 1))               probability of waiting, P(W > 0)
//! SL(T) = 1 − C · e^{−(N − A)·T / AHT}             P(W ≤ T), the service level
//! ASA  = C · AHT / (N − A)                         E[W] over all contacts (seconds)
//! ```
//!
//! * `λ` — arrival rate (contacts per second); `AHT` — mean handle time (seconds),
//!   exponential; `N` — agents; `T` — service-level threshold (seconds);
//! * `B = B(N, A)` — Erlang B from the stable recurrence in [`crate::erlang_b()`].
//!
//! Source: Gross & Harris, *Fundamentals of Queueing Theory*, §2.3 (M/M/c), with the
//! Erlang B form of C (anchors §4; identical to pyworkforce `queuing/erlang.py`). The
//! second form of `C` keeps `1/B − 1` apart so that an underflowed `B` (many agents, little
//! load) gives `C = 0` rather than NaN. Fractional `N` uses the continuous Erlang B.

use crate::erlang_b::{blocking, checked_agents, odds};
use crate::error::QueueingError;

#[cfg(test)]
mod tests;

/// An M/M/N queue with validated inputs; every measure is then infallible and finite.
///
/// ```
/// use relevo_queueing::ErlangC;
/// // 100 calls per 30 minutes, 3-minute handle time, 14 agents (anchors §4, V1).
/// let q = ErlangC::new(100.0 / 1800.0, 180.0, 14.0).unwrap();
/// assert!((q.prob_wait() - 0.174132).abs() < 1e-6);
/// assert!((q.service_level(20.0) - 0.888350).abs() < 1e-6);
/// assert!((q.asa_s() - 7.8359).abs() < 1e-4);
/// assert!((q.occupancy() - 10.0 / 14.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangC {
    arrivals_per_s: f64,
    aht_s: f64,
    agents: f64,
    load: f64,
    prob_wait: f64,
}

impl ErlangC {
    /// `arrivals_per_s` ≥ 0, `aht_s` > 0, `agents` > 0 (fractional allowed, at most 1e7).
    /// Fails with [`QueueingError::Overloaded`] when the offered load `λ·AHT` is not below
    /// `agents`.
    pub fn new(arrivals_per_s: f64, aht_s: f64, agents: f64) -> Result<Self, QueueingError> {
        let (arrivals_per_s, aht_s, load) = crate::checked_traffic(arrivals_per_s, aht_s)?;
        let agents = checked_agents(agents)?;
        if load >= agents {
            return Err(QueueingError::Overloaded {
                offered_load_erlangs: load,
                agents,
            });
        }
        Ok(Self::with_odds(
            arrivals_per_s,
            aht_s,
            agents,
            odds(blocking(load, agents)),
        ))
    }

    /// Builds from the Erlang B odds `1/B(agents, λ·AHT) − 1` the caller already has (the
    /// staffing search steps the recurrence itself). Inputs must already be valid and
    /// `load < agents`.
    pub(crate) fn with_odds(arrivals_per_s: f64, aht_s: f64, agents: f64, odds: f64) -> Self {
        let load = arrivals_per_s * aht_s;
        let rho = load / agents;
        let prob_wait = 1.0 / (1.0 + (1.0 - rho) * odds);
        Self {
            arrivals_per_s,
            aht_s,
            agents,
            load,
            prob_wait,
        }
    }

    /// `C`, the probability that a contact waits at all, in [0, 1].
    pub fn prob_wait(&self) -> f64 {
        self.prob_wait
    }

    /// The fraction of contacts answered within `threshold_s` seconds, in [0, 1].
    /// A negative or NaN threshold counts as 0.
    pub fn service_level(&self, threshold_s: f64) -> f64 {
        let t = threshold_s.max(0.0);
        let sl = 1.0 - self.prob_wait * (-(self.agents - self.load) * t / self.aht_s).exp();
        sl.clamp(0.0, 1.0)
    }

    /// Average speed of answer in seconds: the mean wait over all contacts, those answered
    /// at once included.
    pub fn asa_s(&self) -> f64 {
        self.prob_wait * self.aht_s / (self.agents - self.load)
    }

    /// Fraction of agent time spent handling contacts, `A / N`.
    pub fn occupancy(&self) -> f64 {
        self.load / self.agents
    }

    /// Offered load `A = λ·AHT` in erlangs.
    pub fn offered_load_erlangs(&self) -> f64 {
        self.load
    }

    /// The number of agents the measures are for.
    pub fn agents(&self) -> f64 {
        self.agents
    }

    /// Arrival rate in contacts per second.
    pub fn arrivals_per_s(&self) -> f64 {
        self.arrivals_per_s
    }

    /// Average handle time in seconds.
    pub fn aht_s(&self) -> f64 {
        self.aht_s
    }
}
