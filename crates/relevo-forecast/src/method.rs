//! The forecasting methods and the one entry point that runs any of them: [`forecast`].
//!
//! Every method forecasts the `horizon_intervals` intervals that follow the history. Days in
//! that horizon marked in [`Exceptions`] are first forecast as normal days, then reshaped by
//! their [`crate::DayProfile`]; handle time comes from [`crate::averaging`]'s volume-weighted
//! weekday mean whatever the volume method. This module does not choose between methods; the
//! backtest does ([`crate::backtest()`]).

use crate::averaging::Window;
use crate::exceptions::apply_profiles;
use crate::taylor::{TaylorConfig, TaylorParams, fit_taylor};
use crate::{Exceptions, ForecastError, Series};

/// A volume forecasting method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// The same interval one week earlier (the last non-exception same weekday).
    SeasonalNaive,
    /// The mean of the same interval over the last `weeks` non-exception same weekdays.
    WeekdayMean { weeks: usize },
    /// Double seasonal Holt–Winters after Taylor (2003); see [`crate::taylor`].
    Taylor(TaylorConfig),
}

impl Method {
    /// A short stable name: `seasonal-naive`, `weekday-mean(k=4)`, `taylor`, `taylor+ar1`,
    /// `taylor+trend`, `taylor+trend+ar1`.
    pub fn name(&self) -> String {
        match self {
            Method::SeasonalNaive => "seasonal-naive".to_owned(),
            Method::WeekdayMean { weeks } => format!("weekday-mean(k={weeks})"),
            Method::Taylor(c) => {
                let mut name = "taylor".to_owned();
                if c.trend {
                    name.push_str("+trend");
                }
                if c.ar1 {
                    name.push_str("+ar1");
                }
                name
            }
        }
    }

    /// The candidates of the automatic choice, simplest first (the order breaks ties):
    /// seasonal naive, weekday mean over `weeks` weeks, Taylor, Taylor with AR(1).
    pub fn candidates(weeks: usize) -> Vec<Method> {
        vec![
            Method::SeasonalNaive,
            Method::WeekdayMean { weeks },
            Method::Taylor(TaylorConfig::default()),
            Method::Taylor(TaylorConfig {
                ar1: true,
                ..TaylorConfig::default()
            }),
        ]
    }
}

/// What to forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForecastConfig {
    /// Number of intervals after the history to forecast.
    pub horizon_intervals: usize,
    /// `k` of the handle-time forecast: how many same weekdays to average over.
    pub aht_weeks: usize,
}

/// A forecast of the intervals `start .. start + offered.len()` of the history's index space.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub method: Method,
    /// Index of the first forecast interval (= the history's length).
    pub start: usize,
    /// Offered volume per interval, never negative.
    pub offered: Vec<f64>,
    /// Mean handle time in seconds per interval, when the history has handle times.
    pub aht_s: Option<Vec<f64>>,
    /// The fitted parameters, for the Taylor method.
    pub taylor: Option<TaylorParams>,
}

/// Forecasts the `config.horizon_intervals` intervals after `history` with `method`.
///
/// ```
/// use relevo_forecast::{Exceptions, ForecastConfig, Interval, Method, Series, Weekday, forecast};
/// // Two weeks of hourly data where every hour has 10 contacts, except 20 on Mondays.
/// let y: Vec<f64> = (0..336).map(|t| if (t / 24) % 7 == 0 { 20.0 } else { 10.0 }).collect();
/// let history = Series::new(Interval::Min60, Weekday::Monday, y).unwrap();
/// let config = ForecastConfig { horizon_intervals: 48, aht_weeks: 4 };
/// let f = forecast(&history, &Exceptions::new(), &Method::SeasonalNaive, &config).unwrap();
/// assert_eq!((f.offered[0], f.offered[30]), (20.0, 10.0)); // Monday, then Tuesday
/// ```
pub fn forecast(
    history: &Series,
    exceptions: &Exceptions,
    method: &Method,
    config: &ForecastConfig,
) -> Result<Forecast, ForecastError> {
    let s1 = history.slots_per_day();
    let n = history.len();
    let end = n + config.horizon_intervals;
    // Forecast whole days so that day profiles see a whole day; the observed part of a day the
    // history ends in stands in for its forecast.
    let (first_day, last_day) = (n / s1, end.div_ceil(s1));
    let flags = exceptions.day_flags(last_day.max(history.days()));
    let window = Window {
        offered: history.offered(),
        aht_s: history.aht_s(),
        s1,
        exception_days: &flags,
    };
    let tail = last_day * s1 - n;
    let (normal_tail, taylor) = match method {
        Method::SeasonalNaive => (window.weekday_mean(1, n, tail)?, None),
        Method::WeekdayMean { weeks } => {
            if *weeks == 0 {
                return Err(ForecastError::BadConfig {
                    what: "weekday-mean weeks",
                    detail: "must be at least 1".into(),
                });
            }
            (window.weekday_mean(*weeks, n, tail)?, None)
        }
        Method::Taylor(c) => {
            let fit = fit_taylor(history.offered(), s1, &flags, *c)?;
            (fit.forecast(tail), Some(fit.params))
        }
    };
    let mut whole_days = history.offered()[first_day * s1..].to_vec();
    whole_days.extend(normal_tail);
    apply_profiles(history, exceptions, first_day * s1, &mut whole_days)?;
    let skip = n - first_day * s1;
    let offered = whole_days[skip..skip + config.horizon_intervals].to_vec();
    let aht_s = window.aht_s(config.aht_weeks.max(1), n, config.horizon_intervals);
    Ok(Forecast {
        method: *method,
        start: n,
        offered,
        aht_s,
        taylor,
    })
}

#[cfg(test)]
mod tests;
