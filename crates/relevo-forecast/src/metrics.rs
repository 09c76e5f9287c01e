//! Point-forecast accuracy: MAE, RMSE, wMAPE and MASE.
//!
//! For actuals `y_i` and forecasts `ŷ_i`, `i = 1 … m`, errors `e_i = y_i − ŷ_i`:
//!
//! ```text
//! MAE   = (1/m) Σ |e_i|
//! RMSE  = √( (1/m) Σ e_i² )
//! wMAPE = Σ |e_i| / Σ |y_i|                          (a fraction, 0.10 = 10 %; undefined if Σ|y| = 0)
//! MASE  = (1/m) Σ |e_i| / q_i                        (Hyndman & Koehler 2006, eq. for q_t, §3)
//! q     = (1/(n−s2)) Σ_{t=s2}^{n−1} |y_t − y_{t−s2}|  in-sample MAE of the weekly seasonal naive
//! ```
//!
//! Hyndman, R. J. & Koehler, A. B. (2006), "Another look at measures of forecast accuracy",
//! *International Journal of Forecasting* 22(4), 679–688. The scale `q` is computed on the
//! training data of each forecast origin (so every error `e_i` carries the `q_i` of its origin),
//! with season `s2` = one week of intervals, over pairs where neither day is an exception day.
//! MASE < 1 means the method beat the in-sample one-week-ago forecast; it is undefined when some
//! scale is 0 (a perfectly weekly-periodic history).
//!
//! wMAPE rather than MAPE because interval volumes are often 0 or tiny (nights), where MAPE
//! divides by zero. This module does not choose methods; see [`mod@crate::backtest`].

/// Accuracy of a set of point forecasts. See the module docs for the formulas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    /// Number of scored intervals `m`.
    pub points: usize,
    pub mae: f64,
    pub rmse: f64,
    /// A fraction; `None` when every actual is 0.
    pub wmape: Option<f64>,
    /// `None` when some scale `q` was 0 or undefined.
    pub mase: Option<f64>,
}

/// Adds up errors one at a time; [`AccuracySums::finish`] turns the sums into [`Accuracy`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AccuracySums {
    points: usize,
    sum_abs_error: f64,
    sum_sq_error: f64,
    sum_abs_actual: f64,
    sum_scaled_abs_error: f64,
    scale_undefined: bool,
}

impl AccuracySums {
    /// Adds one pair, with `scale` the MASE denominator `q` of its origin (`None` if undefined).
    pub fn add(&mut self, actual: f64, forecast: f64, scale: Option<f64>) {
        let e = actual - forecast;
        self.points += 1;
        self.sum_abs_error += e.abs();
        self.sum_sq_error += e * e;
        self.sum_abs_actual += actual.abs();
        match scale {
            Some(q) if q > 0.0 => self.sum_scaled_abs_error += e.abs() / q,
            _ => self.scale_undefined = true,
        }
    }

    /// The metrics, or `None` if nothing was added.
    pub fn finish(&self) -> Option<Accuracy> {
        if self.points == 0 {
            return None;
        }
        let m = self.points as f64;
        Some(Accuracy {
            points: self.points,
            mae: self.sum_abs_error / m,
            rmse: (self.sum_sq_error / m).sqrt(),
            wmape: (self.sum_abs_actual > 0.0).then(|| self.sum_abs_error / self.sum_abs_actual),
            mase: (!self.scale_undefined).then(|| self.sum_scaled_abs_error / m),
        })
    }
}

/// Accuracy of `forecast` against `actual` (same length) with one MASE scale `q` for all pairs.
///
/// ```
/// use relevo_forecast::metrics::accuracy;
/// // errors 1, −1, 2, 0 ; Σ|e| = 4 ; Σe² = 6 ; Σ|y| = 20 ; q = 2
/// let a = accuracy(&[4.0, 5.0, 6.0, 5.0], &[3.0, 6.0, 4.0, 5.0], Some(2.0)).unwrap();
/// assert_eq!(a.mae, 1.0);
/// assert_eq!(a.rmse, 1.5f64.sqrt());
/// assert_eq!(a.wmape, Some(0.2));
/// assert_eq!(a.mase, Some(0.5));
/// ```
pub fn accuracy(actual: &[f64], forecast: &[f64], scale: Option<f64>) -> Option<Accuracy> {
    let mut sums = AccuracySums::default();
    for (y, f) in actual.iter().zip(forecast) {
        sums.add(*y, *f, scale);
    }
    sums.finish()
}

/// `q`, the in-sample MAE of the seasonal naive with season `s2 = 7·s1` on `y`, over pairs where
/// neither interval's day is an exception; `None` if there is no such pair.
pub fn seasonal_naive_scale(y: &[f64], s1: usize, exception_days: &[bool]) -> Option<f64> {
    let s2 = 7 * s1;
    let excluded = |t: usize| exception_days.get(t / s1).copied().unwrap_or(false);
    let (sum, count) = (s2..y.len())
        .filter(|&t| !excluded(t) && !excluded(t - s2))
        .fold((0.0, 0usize), |(s, c), t| {
            (s + (y[t] - y[t - s2]).abs(), c + 1)
        });
    (count > 0).then(|| sum / count as f64)
}

#[cfg(test)]
mod tests;
