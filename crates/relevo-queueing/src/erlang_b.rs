//! Erlang B (M/M/N/N, blocked calls lost): the blocking probability, which Erlang C and
//! Erlang A are built on.
//!
//! Not here: trunk sizing or retrials; callers wanting those compose on [`erlang_b`].
//!
//! # Formula
//!
//! ```text
//! B(0, A) = 1,     B(k, A) = A·B(k−1, A) / (k + A·B(k−1, A))         k = 1, 2, …, N
//! ```
//!
//! * `A` — offered load in erlangs, `A = λ·AHT` (arrival rate × average handle time);
//! * `N` — number of agents (servers); `B(N, A)` — probability that an arrival finds all
//!   `N` busy in the loss system.
//!
//! This is the textbook recurrence for `B = (A^N/N!) / Σ_{k=0}^{N} A^k/k!` (e.g. Gross &
//! Harris, *Fundamentals of Queueing Theory*, §2.5; anchors §4). Every step divides two
//! numbers of the same size, so it neither overflows nor loses precision for any `N`
//! (errors shrink step by step); the factorial form overflows at `N ≈ 170`. When `B`
//! underflows to zero for `N ≫ A` it stays zero, which is correct to double precision.
//!
//! Fractional agent counts use the continuous extension of Jagerman (1974),
//! `1/B(x, A) = e^A A^{-x} Γ(x+1, A)`: the same recurrence holds for real `x`, so
//! `B(x, A)` starts from `B(x − ⌊x⌋, A)`, given by the incomplete gamma function, and
//! steps up ⌊x⌋ times. It agrees with the recurrence at whole numbers and is smooth and
//! decreasing in between, unlike linear interpolation, which has kinks at every integer
//! and is not what the formula says for partial agents (for example part-time capacity).

use crate::error::{QueueingError, check, non_negative};
use crate::special::inv_erlang_b_fraction;

#[cfg(test)]
mod tests;

/// The largest agent count (and offered load) the crate accepts: the recurrence costs one
/// division per agent, and no contact center queue comes near it.
pub const MAX_AGENTS: f64 = 10_000_000.0;

/// Erlang B blocking probability `B(N, A)` for `agents = N > 0` (fractional allowed) and
/// `offered_load_erlangs = A ≥ 0`.
///
/// ```
/// // 10 erlangs on 14 trunks: 5.7 % of calls are blocked.
/// let b = relevo_queueing::erlang_b(10.0, 14.0).unwrap();
/// assert!((b - 0.056819).abs() < 1e-6);
/// ```
pub fn erlang_b(offered_load_erlangs: f64, agents: f64) -> Result<f64, QueueingError> {
    let load = checked_load(offered_load_erlangs)?;
    let agents = checked_agents(agents)?;
    Ok(blocking(load, agents))
}

pub(crate) fn checked_load(load: f64) -> Result<f64, QueueingError> {
    non_negative("offered_load_erlangs", load)?;
    check("offered_load_erlangs", load, "at most 1e7 erlangs", |v| {
        v <= MAX_AGENTS
    })
}

pub(crate) fn checked_agents(agents: f64) -> Result<f64, QueueingError> {
    check(
        "agents",
        agents,
        "a number of agents above 0 and at most 1e7",
        |v| v > 0.0 && v <= MAX_AGENTS,
    )
}

/// `B(agents, load)` for already validated inputs.
pub(crate) fn blocking(load: f64, agents: f64) -> f64 {
    let whole = agents.floor();
    let fraction = agents - whole;
    let mut b = 1.0 / inv_erlang_b_fraction(fraction, load);
    let mut j = 1.0;
    while j <= whole && b > 0.0 {
        b = step_up(b, load, fraction + j);
        j += 1.0;
    }
    b
}

/// One step of the recurrence: `B(k, A)` from `B(k − 1, A)`.
#[inline]
fn step_up(b_prev: f64, load: f64, k: f64) -> f64 {
    let ab = load * b_prev;
    ab / (k + ab)
}

/// The same recurrence for the odds `O = 1/B − 1` (what Erlang C and A consume), which needs
/// no division: `O(0) = 0`, `O(k) = (O(k−1) + 1) · k/A` (`k_over_load` = k/A). Stable for the
/// same reason, and infinite rather than NaN once `B` would underflow. This is the form
/// pyworkforce uses (its `erlang_b_inverse` is `1 + O`); it drives the staffing search.
#[inline]
pub(crate) fn odds_step(odds_prev: f64, k_over_load: f64) -> f64 {
    (odds_prev + 1.0) * k_over_load
}

/// `1/B − 1`, infinite when `B` underflowed to zero.
pub(crate) fn odds(b: f64) -> f64 {
    if b > 0.0 {
        (1.0 - b) / b
    } else {
        f64::INFINITY
    }
}
