//! Erlang A (M/M/N+M, Palm's queue with exponential patience): probability of waiting,
//! of abandoning, service level, average speed of answer and occupancy for a fixed number
//! of agents. Stable for any load, overloaded included, because impatient callers leave.
//!
//! Not here: non-exponential patience (M/M/N+G), retrials, or the staffing search
//! (see [`crate::required_agents`]).
//!
//! # Formulas (Mandelbaum & Zeltyn, "The Palm/Erlang-A queue, with applications to call
//! centers", 2007, §3; Garnett, Mandelbaum & Reiman 2002)
//!
//! ```text
//! μ = 1/AHT,  θ = 1/patience,  A = λ/μ,  ρ = λ/(Nμ)
//! x = Nμ/θ,   y = λ/θ,         E = B(N, A)                       (Erlang B)
//! 𝒜 = A(x, y) = x e^y y^{−x} γ(x, y) = T(x, y)                    (γ: lower incomplete gamma)
//!
//! P(W > 0)        = 𝒜E / (1 + (𝒜 − 1)E) = 1 / (1 + (1/E − 1)/𝒜)
//! P(Ab | W > 0)   = 1/(ρ𝒜) + 1 − 1/ρ     = m / y
//! P(Ab)           = P(Ab | W > 0) · P(W > 0)
//! ASA = E[W]      = P(Ab) / θ                 (mean wait of all callers, abandoners too)
//! occupancy       = A (1 − P(Ab)) / N         (carried load per agent)
//! ```
//!
//! * `λ` arrivals per second, `AHT` mean handle time (s), patience mean time a caller is
//!   willing to wait (s), both exponential; `N` agents (fractional allowed);
//! * `T(a, z) = Σ_{n≥0} Π_{k=1..n} z/(a+k)` and `m = Σ n t_n / Σ t_n` are computed in
//!   log form by `special::tail_sum` (no overflow, no cancellation). `t_j` is the
//!   stationary probability of `j` callers waiting relative to `j = 0` with all agents
//!   busy, so `m / y = θ E[queue | W > 0] / λ` is the abandonment ratio computed directly
//!   instead of by the cancelling difference `1/(ρ𝒜) + 1 − 1/ρ`.
//!
//! # Service level
//!
//! `SL(T)` is the fraction of **all** arrivals that are **answered** within `T`: callers who
//! abandon count as failures, whether they hang up before or after `T`, and stay in the
//! denominator. This is pyworkforce's definition (`queuing/abandonment.py`, the "tagged
//! customer" chain solved by uniformization; CCOptim's "SL1"). Here it is exact and closed:
//! the offered wait `V` (time until an agent would take the caller) has density
//! `P(W>0) · e^{λH(v) − Nμv} / J` on `v > 0` with `H(v) = (1 − e^{−θv})/θ` (Baccelli &
//! Hébuterne 1981; Zeltyn & Mandelbaum 2005, §2), and a waiting caller is answered iff
//! its patience exceeds `V`. Integrating with `u = e^{−θt}`:
//!
//! ```text
//! P(answered after T | W > 0) = x/(x+1) · u^{x+1} e^{y(1−u)} · T(x+1, y·u) / T(x, y)
//! SL(T) = 1 − P(W > 0) · [ P(Ab | W > 0) + P(answered after T | W > 0) ]
//! ```
//!
//! Every bracketed term is a non-negative probability, so `SL` is computed without
//! subtracting nearly equal numbers. At `T = 0` it reduces to `1 − P(W > 0)`; as patience
//! grows it tends to the Erlang C value.

use crate::erlang_b::{blocking, checked_agents, odds};
use crate::error::{QueueingError, positive};
use crate::special::tail_sum;

#[cfg(test)]
mod tests;

/// An M/M/N+M queue with validated inputs; every measure is then infallible and finite.
///
/// ```
/// use relevo_queueing::ErlangA;
/// // 100 calls per 30 min, AHT 3 min, mean patience 5 min, 14 agents (anchors §4).
/// let q = ErlangA::new(100.0 / 1800.0, 180.0, 300.0, 14.0).unwrap();
/// assert!((q.prob_wait() - 0.145260).abs() < 1e-6);
/// assert!((q.prob_abandon() - 0.013984).abs() < 1e-6);
/// assert!((q.service_level(20.0) - 0.916792).abs() < 1e-6);
/// assert!((q.asa_s() / 60.0 - 0.069919).abs() < 1e-6);
/// assert!((q.occupancy() - 0.704297).abs() < 1e-6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    arrivals_per_s: f64,
    aht_s: f64,
    patience_s: f64,
    agents: f64,
    load: f64,
    prob_wait: f64,
    abandon_given_wait: f64,
    /// `ln T(x, y)`; unused (0) when there are no arrivals.
    ln_tail: f64,
}

/// `agents · patience / AHT` (the model's `a`) must be a positive finite number: a patience so
/// short against the handle time that it underflows to zero has no Erlang A queue.
pub(crate) fn checked_patience_ratio(ratio: f64, patience_s: f64) -> Result<(), QueueingError> {
    crate::error::check(
        "patience_s",
        patience_s,
        "a patience that is not vanishingly small against the handle time",
        |_| ratio > 0.0 && ratio.is_finite(),
    )
    .map(|_| ())
}

impl ErlangA {
    /// `arrivals_per_s` ≥ 0, `aht_s` > 0, `patience_s` > 0 (mean time to abandon), `agents`
    /// > 0 (fractional allowed, at most 1e7). Any load is accepted.
    pub fn new(
        arrivals_per_s: f64,
        aht_s: f64,
        patience_s: f64,
        agents: f64,
    ) -> Result<Self, QueueingError> {
        let (arrivals_per_s, aht_s, load) = crate::checked_traffic(arrivals_per_s, aht_s)?;
        let patience_s = positive("patience_s", patience_s)?;
        let agents = checked_agents(agents)?;
        checked_patience_ratio(agents * patience_s / aht_s, patience_s)?;
        let odds = odds(blocking(load, agents));
        Ok(Self::with_odds(
            arrivals_per_s,
            aht_s,
            patience_s,
            agents,
            odds,
        ))
    }

    /// Builds from the Erlang B odds `1/B(agents, λ·AHT) − 1` the caller already has. Inputs
    /// must already be valid.
    pub(crate) fn with_odds(
        arrivals_per_s: f64,
        aht_s: f64,
        patience_s: f64,
        agents: f64,
        odds: f64,
    ) -> Self {
        let load = arrivals_per_s * aht_s;
        let mut q = Self {
            arrivals_per_s,
            aht_s,
            patience_s,
            agents,
            load,
            prob_wait: 0.0,
            abandon_given_wait: 0.0,
            ln_tail: 0.0,
        };
        if arrivals_per_s == 0.0 {
            return q;
        }
        let (x, y) = q.xy();
        let tail = tail_sum(x, y);
        // P(W>0) = 1 / (1 + (1/E − 1)/𝒜), the ratio taken in logs: 𝒜 may be astronomically
        // large (heavy overload) and 1/E − 1 infinite (B underflowed) but never both.
        let ratio = (odds.ln() - tail.ln_sum).exp();
        q.prob_wait = 1.0 / (1.0 + ratio);
        q.abandon_given_wait = (tail.mean_index / y).min(1.0);
        q.ln_tail = tail.ln_sum;
        q
    }

    /// `x = Nμ/θ` and `y = λ/θ` of the module docs.
    fn xy(&self) -> (f64, f64) {
        (
            self.agents * self.patience_s / self.aht_s,
            self.arrivals_per_s * self.patience_s,
        )
    }

    /// `P(W > 0)`: the probability that a caller finds every agent busy and has to wait.
    pub fn prob_wait(&self) -> f64 {
        self.prob_wait
    }

    /// `P(Ab)`: the fraction of callers who hang up before being answered, in [0, 1].
    pub fn prob_abandon(&self) -> f64 {
        self.prob_wait * self.abandon_given_wait
    }

    /// `P(Ab | W > 0)`: the fraction of waiting callers who hang up.
    pub fn prob_abandon_given_wait(&self) -> f64 {
        self.abandon_given_wait
    }

    /// Fraction of all callers answered within `threshold_s` seconds (abandoners count as
    /// not answered; see the module docs), in [0, 1]. A negative or NaN threshold counts
    /// as 0.
    pub fn service_level(&self, threshold_s: f64) -> f64 {
        if self.arrivals_per_s == 0.0 {
            return 1.0;
        }
        let t = threshold_s.max(0.0);
        let (x, y) = self.xy();
        let theta_t = t / self.patience_s;
        let answered_after = if theta_t.is_finite() {
            let u = (-theta_t).exp();
            let tail = tail_sum(x + 1.0, y * u);
            let ln = (x + 1.0) * -theta_t - y * (-theta_t).exp_m1() + tail.ln_sum - self.ln_tail;
            x / (x + 1.0) * ln.exp()
        } else {
            0.0
        };
        let sl = 1.0 - self.prob_wait * (self.abandon_given_wait + answered_after);
        sl.clamp(0.0, 1.0)
    }

    /// Average speed of answer in seconds, as pyworkforce and Mandelbaum–Zeltyn define it
    /// for Erlang A: `E[W]`, the mean time in queue over all callers, including the time
    /// abandoners waited before hanging up (`= P(Ab)·patience`).
    pub fn asa_s(&self) -> f64 {
        self.prob_abandon() * self.patience_s
    }

    /// Fraction of agent time spent handling contacts: the carried (answered) load per
    /// agent, `A (1 − P(Ab)) / N`.
    pub fn occupancy(&self) -> f64 {
        (self.load * (1.0 - self.prob_abandon()) / self.agents).min(1.0)
    }

    /// Offered load `A = λ·AHT` in erlangs (may exceed the agents).
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

    /// Mean patience (time to abandon) in seconds.
    pub fn patience_s(&self) -> f64 {
        self.patience_s
    }
}
