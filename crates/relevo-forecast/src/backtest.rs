//! Rolling-origin evaluation and the automatic choice of method.
//!
//! For each origin day `o` among the last `origin_days` days of the series, every method is
//! fitted on the history before `o` (intervals `0 … o·s1 − 1`), forecasts the next
//! `horizon_intervals` intervals, and is scored against what happened (Tashman 2000, "Out-of-
//! sample tests of forecasting accuracy: an analysis and review", *Int. J. Forecasting* 16(4),
//! rolling-origin evaluation). Intervals on exception days are not scored. Errors of all
//! origins are pooled into one [`Accuracy`] per method; the MASE scale of each error is the
//! in-sample weekly seasonal-naive MAE of its own origin's history ([`crate::metrics`]).
//!
//! **Automatic choice**: the method with the lowest pooled wMAPE; a tie (within 1e-12) goes to
//! the simpler method, i.e. the one listed first ([`Method::candidates`] lists simplest first).
//!
//! Choosing on the same days one reports flatters the winner, so the backtest can also score an
//! honest **`auto (nested)`** row: at each origin `o` the choice is made by an inner backtest over
//! the `inner` days before `o` only, and the chosen method's forecast for `o` is scored.
//!
//! This module does no IO; [`Backtest::render_table`] returns text for the caller to print.

use std::fmt::Write as _;

use crate::method::{ForecastConfig, Method, forecast};
use crate::metrics::{Accuracy, AccuracySums, seasonal_naive_scale};
use crate::{Exceptions, ForecastError, Series};

/// What to backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestConfig {
    /// How many of the last days are forecast origins.
    pub origin_days: usize,
    /// Intervals forecast from each origin; `None` = one day.
    pub horizon_intervals: Option<usize>,
    /// The methods to compare, simplest first.
    pub methods: Vec<Method>,
    /// `k` of the handle-time forecast.
    pub aht_weeks: usize,
    /// Score the nested automatic choice with this many inner origin days (see module docs).
    pub nested_auto_days: Option<usize>,
}

impl BacktestConfig {
    /// The last `origin_days` days, one-day horizon, [`Method::candidates`] with `weeks` weeks.
    pub fn new(origin_days: usize, weeks: usize) -> BacktestConfig {
        BacktestConfig {
            origin_days,
            horizon_intervals: None,
            methods: Method::candidates(weeks),
            aht_weeks: weeks,
            nested_auto_days: None,
        }
    }
}

/// The pooled accuracy of one method over all origins.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodScore {
    pub method: Method,
    /// `None` when nothing was scored (every origin day an exception).
    pub accuracy: Option<Accuracy>,
}

/// The result of [`backtest()`].
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// The origin days, ascending.
    pub origin_days: Vec<usize>,
    /// One row per method, in the order of [`BacktestConfig::methods`].
    pub scores: Vec<MethodScore>,
    /// Index into `scores` of the automatic choice.
    pub chosen: usize,
    /// The nested automatic choice's accuracy and the method chosen at each origin, when asked for.
    pub nested_auto: Option<(Option<Accuracy>, Vec<Method>)>,
}

impl Backtest {
    /// The automatically chosen method.
    pub fn chosen_method(&self) -> Method {
        self.scores[self.chosen].method
    }

    /// A plain-text table: one row per method, then the nested auto row, then the choice.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<22} {:>7} {:>9} {:>9} {:>7} {:>6}",
            "method", "points", "MAE", "RMSE", "wMAPE", "MASE"
        );
        let mut row = |name: &str, a: &Option<Accuracy>| {
            let _ = match a {
                Some(a) => writeln!(
                    out,
                    "{:<22} {:>7} {:>9.3} {:>9.3} {:>7} {:>6}",
                    name,
                    a.points,
                    a.mae,
                    a.rmse,
                    a.wmape
                        .map_or("n/a".to_owned(), |w| format!("{:.2}%", 100.0 * w)),
                    a.mase.map_or("n/a".to_owned(), |m| format!("{m:.3}")),
                ),
                None => writeln!(out, "{name:<22} {:>7}", 0),
            };
        };
        for s in &self.scores {
            row(&s.method.name(), &s.accuracy);
        }
        if let Some((a, _)) = &self.nested_auto {
            row("auto (nested)", a);
        }
        let _ = writeln!(
            out,
            "chosen: {} (lowest wMAPE)",
            self.chosen_method().name()
        );
        out
    }
}

/// Rolling-origin backtest of `config.methods` on `series` (see module docs).
pub fn backtest(
    series: &Series,
    exceptions: &Exceptions,
    config: &BacktestConfig,
) -> Result<Backtest, ForecastError> {
    if config.methods.is_empty() || config.origin_days == 0 {
        return Err(ForecastError::BadConfig {
            what: "backtest",
            detail: "needs at least one method and one day".into(),
        });
    }
    let s1 = series.slots_per_day();
    let days = series.days();
    if days < config.origin_days + 7 {
        return Err(ForecastError::InsufficientHistory {
            what: format!("a backtest over {} days", config.origin_days),
            needed_days: config.origin_days + 7,
            have_days: days,
        });
    }
    let horizon = config.horizon_intervals.unwrap_or(s1);
    let origin_days: Vec<usize> = (days - config.origin_days..days).collect();
    let mut sums = vec![AccuracySums::default(); config.methods.len()];
    let mut nested = config
        .nested_auto_days
        .map(|_| (AccuracySums::default(), Vec::new()));
    let forecast_config = ForecastConfig {
        horizon_intervals: horizon,
        aht_weeks: config.aht_weeks,
    };
    for &o in &origin_days {
        let history = series.prefix(o * s1);
        let flags = exceptions.day_flags(o);
        let scale = seasonal_naive_scale(history.offered(), s1, &flags);
        let score = |sums: &mut AccuracySums, predicted: &[f64]| {
            for (k, f) in predicted.iter().enumerate() {
                let t = o * s1 + k;
                if t < series.len() && !exceptions.is_exception(t / s1) {
                    sums.add(series.offered()[t], *f, scale);
                }
            }
        };
        for (method, sums) in config.methods.iter().zip(&mut sums) {
            score(
                sums,
                &forecast(&history, exceptions, method, &forecast_config)?.offered,
            );
        }
        if let (Some(inner_days), Some((sums, chosen))) = (config.nested_auto_days, &mut nested) {
            let inner = BacktestConfig {
                origin_days: inner_days.min(o.saturating_sub(7)).max(1),
                nested_auto_days: None,
                ..config.clone()
            };
            let method = backtest(&history, exceptions, &inner)?.chosen_method();
            score(
                sums,
                &forecast(&history, exceptions, &method, &forecast_config)?.offered,
            );
            chosen.push(method);
        }
    }
    let scores: Vec<MethodScore> = config
        .methods
        .iter()
        .zip(&sums)
        .map(|(method, sums)| MethodScore {
            method: *method,
            accuracy: sums.finish(),
        })
        .collect();
    let chosen = choose(&scores);
    let nested_auto = nested.map(|(sums, chosen)| (sums.finish(), chosen));
    Ok(Backtest {
        origin_days,
        scores,
        chosen,
        nested_auto,
    })
}

/// The index of the lowest wMAPE; ties (within 1e-12) and undefined wMAPEs go to the earlier.
fn choose(scores: &[MethodScore]) -> usize {
    let wmape = |s: &MethodScore| s.accuracy.and_then(|a| a.wmape).unwrap_or(f64::INFINITY);
    let mut best = 0;
    for (i, s) in scores.iter().enumerate().skip(1) {
        if wmape(s) < wmape(&scores[best]) - 1e-12 {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests;
