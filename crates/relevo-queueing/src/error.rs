//! The one error type of the crate.
//!
//! Every input is checked where it enters (`ErlangC::new`, `ErlangA::new`, `erlang_b`,
//! [`crate::required_agents`], the workload helpers), so the numeric code after that point
//! cannot fail and never returns NaN. Hand-written, so the crate needs no dependency.

use std::fmt;

/// Everything that can go wrong when building a queue model or a staffing problem.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueingError {
    /// A number outside its domain; `name` is the parameter (with its unit suffix),
    /// `expected` says what the domain is.
    InvalidParameter {
        name: &'static str,
        value: f64,
        expected: &'static str,
    },
    /// Erlang C with an offered load at or above the number of agents: the queue grows
    /// without bound, so waiting probability, service level and ASA do not exist.
    Overloaded {
        offered_load_erlangs: f64,
        agents: f64,
    },
}

impl fmt::Display for QueueingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidParameter {
                name,
                value,
                expected,
            } => {
                write!(f, "{name} must be {expected}, got {value}")
            }
            Self::Overloaded {
                offered_load_erlangs,
                agents,
            } => write!(
                f,
                "overloaded: offered load of {offered_load_erlangs:.4} erlangs needs more than \
                 {agents} agents, the Erlang C queue grows without bound"
            ),
        }
    }
}

impl std::error::Error for QueueingError {}

/// Checks `value` with `ok` and names it in the error otherwise.
pub(crate) fn check(
    name: &'static str,
    value: f64,
    expected: &'static str,
    ok: impl FnOnce(f64) -> bool,
) -> Result<f64, QueueingError> {
    if ok(value) {
        Ok(value)
    } else {
        Err(QueueingError::InvalidParameter {
            name,
            value,
            expected,
        })
    }
}

pub(crate) const POSITIVE: &str = "a positive finite number";
pub(crate) const NON_NEGATIVE: &str = "a finite number, zero or more";
pub(crate) const FRACTION: &str = "a fraction in [0, 1]";

pub(crate) fn positive(name: &'static str, value: f64) -> Result<f64, QueueingError> {
    check(name, value, POSITIVE, |v| v.is_finite() && v > 0.0)
}

pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<f64, QueueingError> {
    check(name, value, NON_NEGATIVE, |v| v.is_finite() && v >= 0.0)
}

pub(crate) fn fraction(name: &'static str, value: f64) -> Result<f64, QueueingError> {
    check(name, value, FRACTION, |v| (0.0..=1.0).contains(&v))
}
