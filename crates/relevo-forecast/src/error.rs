//! The one error type of the crate.
//!
//! Inputs are validated where they enter ([`crate::Series::new`], [`crate::Exceptions`], the
//! config structs) so the numeric code after that point cannot fail on bad numbers; what is left
//! are "not enough history" errors. Hand-written, so the crate needs no proc-macro dependency.

use std::fmt;

/// Everything that can go wrong when building a series or forecasting from it.
#[derive(Debug, Clone, PartialEq)]
pub enum ForecastError {
    /// An interval length other than 5, 15, 30 or 60 minutes.
    UnsupportedInterval { seconds: u32 },
    /// A weekday index outside 0–6 (0 = Monday).
    BadWeekday { index: u8 },
    /// A value that is negative, NaN or infinite; `what` names the field.
    BadValue {
        what: &'static str,
        index: usize,
        value: f64,
    },
    /// Two parallel arrays of different lengths.
    LengthMismatch {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// A day marked with a profile name that was never defined.
    UnknownProfile { name: String },
    /// A profile that copies the shape of a day the history does not have (or that had no volume).
    BadShapeDay { day: usize },
    /// Too little history for the method or the backtest.
    InsufficientHistory {
        what: String,
        needed_days: usize,
        have_days: usize,
    },
    /// A config value out of range; `what` names it.
    BadConfig { what: &'static str, detail: String },
}

impl fmt::Display for ForecastError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedInterval { seconds } => {
                write!(
                    f,
                    "unsupported interval of {seconds} s: use 5, 15, 30 or 60 minutes"
                )
            }
            Self::BadWeekday { index } => {
                write!(
                    f,
                    "weekday index {index} is out of range 0..=6 (0 = Monday)"
                )
            }
            Self::BadValue { what, index, value } => {
                write!(
                    f,
                    "{what}[{index}] = {value}: must be finite and not negative"
                )
            }
            Self::LengthMismatch {
                what,
                expected,
                got,
            } => {
                write!(f, "{what} has {got} values, expected {expected}")
            }
            Self::UnknownProfile { name } => write!(f, "unknown day profile {name:?}"),
            Self::BadShapeDay { day } => {
                write!(
                    f,
                    "day profile copies day {day}, which the history lacks or has no volume"
                )
            }
            Self::InsufficientHistory {
                what,
                needed_days,
                have_days,
            } => write!(
                f,
                "{what} needs at least {needed_days} days of history, the series has {have_days}"
            ),
            Self::BadConfig { what, detail } => write!(f, "bad {what}: {detail}"),
        }
    }
}

impl std::error::Error for ForecastError {}
