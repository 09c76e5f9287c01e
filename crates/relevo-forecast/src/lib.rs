//! Interval volume and handle-time forecasting for contact centres, with rolling-origin backtests.
//!
//! Plain numbers in and out: a day-aligned [`Series`] of offered counts per 5/15/30/60-minute
//! interval (plus optional mean handle time), a set of [`Exceptions`] (holidays and other
//! abnormal days, each forecast from a named [`DayProfile`]), and a [`Method`]:
//!
//! * [`Method::SeasonalNaive`] — the same interval one week earlier;
//! * [`Method::WeekdayMean`] — the mean of the same interval over the last `k` same weekdays;
//! * [`Method::Taylor`] — double seasonal (daily + weekly) Holt–Winters after Taylor (2003), with
//!   parameters fitted by minimising in-sample one-step squared error and an optional AR(1)
//!   error adjustment ([`taylor`]).
//!
//! [`forecast()`] runs one method; [`backtest()`] compares methods by rolling-origin evaluation
//! (MAE, RMSE, wMAPE, MASE; [`metrics`]) and picks the one with the lowest wMAPE. Handle time is
//! forecast as the volume-weighted mean of the same interval over the last `k` same weekdays
//! ([`averaging`]).
//!
//! **What this crate does not do**: no IO, no clock, no environment, no random numbers, no time
//! zones or calendars. The caller maps timestamps to (day, slot) — see [`series`] for the
//! alignment rule — and decides which days are exceptions. No prediction intervals.

pub mod averaging;
pub mod backtest;
mod error;
pub mod exceptions;
pub mod method;
pub mod metrics;
mod optimize;
pub mod series;
pub mod taylor;

#[cfg(test)]
mod test_util;

pub use backtest::{Backtest, BacktestConfig, MethodScore, backtest};
pub use error::ForecastError;
pub use exceptions::{DayProfile, Exceptions};
pub use method::{Forecast, ForecastConfig, Method, forecast};
pub use metrics::Accuracy;
pub use series::{Interval, Series, Weekday};
pub use taylor::{TaylorConfig, TaylorFit, TaylorParams, fit_taylor, run_taylor};
