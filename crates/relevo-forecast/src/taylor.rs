//! Double seasonal (daily + weekly) Holt–Winters exponential smoothing, after Taylor (2003).
//!
//! Taylor, J. W. (2003), "Short-term electricity demand forecasting using double seasonal
//! exponential smoothing", *Journal of the Operational Research Society* 54(8), 799–805. Taylor
//! writes the method with multiplicative seasonal indices; this module uses its **additive
//! analogue** (every division by an index becomes a subtraction, every product a sum), because
//! contact-centre series have intervals with zero volume (nights, closed days) where
//! multiplicative indices collapse to zero and the level update divides by them.
//!
//! ```text
//! y_t    observed volume of interval t (t = 0 … n−1)
//! s1     slots per day, s2 = 7·s1 slots per week
//! S_t    level            T_t   trend (held at 0 unless the trend is enabled)
//! D_t    daily index      W_t   weekly index (the slot-of-week effect on top of D)
//! α, γ, δ, ω ∈ [0, 1]     smoothing parameters of S, T, D, W
//! λ ∈ [0, 0.99]           AR(1) coefficient of the one-step errors (0 when disabled)
//!
//! S_t = α (y_t − D_{t−s1} − W_{t−s2}) + (1 − α)(S_{t−1} + T_{t−1})
//! T_t = γ (S_t − S_{t−1}) + (1 − γ) T_{t−1}
//! D_t = δ (y_t − S_t − W_{t−s2}) + (1 − δ) D_{t−s1}
//! W_t = ω (y_t − S_t − D_{t−s1}) + (1 − ω) W_{t−s2}
//! e_t = y_t − (S_{t−1} + T_{t−1} + D_{t−s1} + W_{t−s2})
//! ŷ_t(k) = S_t + k T_t + D_{t−s1+k} + W_{t−s2+k} + λ^k e_t        (k ≤ s1; indices repeat beyond)
//! ```
//!
//! The parameters minimise the in-sample sum of squared one-step errors
//! `Σ_t (y_t − ŷ_{t−1}(1))²` (Taylor 2003 fits the same criterion), found with the bounded
//! Nelder–Mead of the private `optimize` module. Forecasts below zero are clamped to zero.
//!
//! **Initial states** come from the first `init_weeks` complete weeks (non-exception days only):
//! `S_0` is their mean, `D` the mean of each slot of day minus `S_0`, `W` the mean of each slot
//! of week minus `S_0` and `D`; `T_0` is the week-on-week change of the mean divided by `s2`
//! (0 with one init week or without trend). The recursion then runs from `t = 0`.
//!
//! **Exception days** are left out of fitting: their observations are replaced by the model's
//! own forecast `S_{t−1} + T_{t−1} + D_{t−s1} + W_{t−s2}`, so `e_t = 0`, every state passes
//! through the day unchanged, and nothing of the day reaches the squared-error sum.
//!
//! Not included: the multiplicative form, prediction intervals, Box–Cox transforms.

use crate::ForecastError;
use crate::optimize::{self, NelderMead};

/// Options of the Taylor method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaylorConfig {
    /// Fit a trend `T` (smoothing parameter γ). Off by default: over the one-day to one-week
    /// horizons of contact-centre planning a fitted trend mostly extrapolates noise.
    pub trend: bool,
    /// Add the AR(1) adjustment `λ^k e_t` of Taylor (2003).
    pub ar1: bool,
    /// Number of complete weeks used for the initial states (at least 1; fewer if the history is
    /// shorter).
    pub init_weeks: usize,
}

impl Default for TaylorConfig {
    fn default() -> Self {
        TaylorConfig {
            trend: false,
            ar1: false,
            init_weeks: 2,
        }
    }
}

/// Fitted smoothing parameters, in Taylor's (2003) notation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaylorParams {
    /// α, level.
    pub alpha: f64,
    /// γ, trend (0 when the trend is disabled).
    pub gamma: f64,
    /// δ, daily seasonal index.
    pub delta: f64,
    /// ω, weekly seasonal index.
    pub omega: f64,
    /// λ, AR(1) coefficient of the errors (0 when disabled).
    pub lambda: f64,
}

/// A fitted model: parameters, fit quality and the states at the end of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct TaylorFit {
    pub params: TaylorParams,
    /// In-sample sum of squared one-step errors at `params`.
    pub sse: f64,
    /// Number of intervals in that sum (exception days excluded).
    pub fitted_points: usize,
    state: State,
}

#[derive(Debug, Clone, PartialEq)]
struct State {
    level: f64,
    trend: f64,
    daily: Vec<f64>,
    weekly: Vec<f64>,
    last_error: f64,
    n: usize,
}

impl TaylorFit {
    /// `ŷ_{n−1}(k)` for `k = 1 … horizon`: the forecast of the `horizon` intervals after the
    /// history, clamped at zero.
    pub fn forecast(&self, horizon: usize) -> Vec<f64> {
        let s = &self.state;
        let (s1, s2) = (s.daily.len(), s.weekly.len());
        let mut ar = s.last_error;
        (1..=horizon)
            .map(|k| {
                let tau = s.n - 1 + k;
                ar *= self.params.lambda;
                let y = s.level + k as f64 * s.trend + s.daily[tau % s1] + s.weekly[tau % s2] + ar;
                y.max(0.0)
            })
            .collect()
    }
}

/// Fits the model to `y` (`s1` slots per day, `exception_days[d]` true for days left out).
///
/// ```
/// use relevo_forecast::{TaylorConfig, fit_taylor};
/// // Four weeks of hourly data: busy 08:00–18:00, weekends at a third.
/// let y: Vec<f64> = (0..4 * 168)
///     .map(|t| {
///         let (day, hour) = ((t / 24) % 7, t % 24);
///         let daytime = if (8..18).contains(&hour) { 30.0 } else { 3.0 };
///         if day >= 5 { daytime / 3.0 } else { daytime }
///     })
///     .collect();
/// let fit = fit_taylor(&y, 24, &vec![false; 28], TaylorConfig::default()).unwrap();
/// let next_day = fit.forecast(24);
/// assert!((next_day[10] - 30.0).abs() < 1e-6 && (next_day[3] - 3.0).abs() < 1e-6);
/// ```
pub fn fit_taylor(
    y: &[f64],
    s1: usize,
    exception_days: &[bool],
    config: TaylorConfig,
) -> Result<TaylorFit, ForecastError> {
    let init = initial_states(y, s1, exception_days, config)?;
    let unpack = |x: &[f64]| {
        let mut p = TaylorParams {
            alpha: x[0],
            delta: x[1],
            omega: x[2],
            gamma: 0.0,
            lambda: 0.0,
        };
        let mut rest = x[3..].iter();
        if config.trend {
            p.gamma = *rest.next().unwrap_or(&0.0);
        }
        if config.ar1 {
            p.lambda = *rest.next().unwrap_or(&0.0);
        }
        p
    };
    let (mut x0, mut lo, mut hi) = (vec![0.1, 0.05, 0.05], vec![0.0; 3], vec![1.0; 3]);
    if config.trend {
        x0.push(0.01);
        lo.push(0.0);
        hi.push(1.0);
    }
    if config.ar1 {
        x0.push(0.2);
        lo.push(0.0);
        hi.push(0.99);
    }
    let objective = |x: &[f64]| filter(y, s1, exception_days, &init, &unpack(x)).1;
    let (x, _) = optimize::minimize(objective, &x0, &lo, &hi, NelderMead::default());
    let params = unpack(&x);
    let (state, sse, fitted_points) = filter(y, s1, exception_days, &init, &params);
    Ok(TaylorFit {
        params,
        sse,
        fitted_points,
        state,
    })
}

/// Runs the model with fixed `params` (no fitting), e.g. to reuse parameters fitted earlier.
pub fn run_taylor(
    y: &[f64],
    s1: usize,
    exception_days: &[bool],
    config: TaylorConfig,
    params: TaylorParams,
) -> Result<TaylorFit, ForecastError> {
    let init = initial_states(y, s1, exception_days, config)?;
    let params = TaylorParams {
        gamma: if config.trend { params.gamma } else { 0.0 },
        lambda: if config.ar1 { params.lambda } else { 0.0 },
        ..params
    };
    let (state, sse, fitted_points) = filter(y, s1, exception_days, &init, &params);
    Ok(TaylorFit {
        params,
        sse,
        fitted_points,
        state,
    })
}

fn is_exception(exception_days: &[bool], day: usize) -> bool {
    exception_days.get(day).copied().unwrap_or(false)
}

/// The initial states (see module docs).
fn initial_states(
    y: &[f64],
    s1: usize,
    exception_days: &[bool],
    config: TaylorConfig,
) -> Result<State, ForecastError> {
    let s2 = 7 * s1;
    let weeks = config.init_weeks.max(1).min(y.len() / s2);
    let have_days = y.len() / s1;
    let insufficient = || ForecastError::InsufficientHistory {
        what: "the Taylor method (one complete week without exception days for initial states)"
            .into(),
        needed_days: 7,
        have_days,
    };
    if weeks == 0 {
        return Err(insufficient());
    }
    let usable_days: Vec<usize> = (0..weeks * 7)
        .filter(|&d| !is_exception(exception_days, d))
        .collect();
    let day_values = |d: usize| &y[d * s1..(d + 1) * s1];
    let mean_of = |days: &mut dyn Iterator<Item = &usize>| {
        let (sum, count) = days.fold((0.0, 0usize), |(s, c), &d| {
            (s + day_values(d).iter().sum::<f64>(), c + 1)
        });
        (count > 0).then(|| sum / (count * s1) as f64)
    };
    let level = mean_of(&mut usable_days.iter()).ok_or_else(insufficient)?;
    let mut daily = vec![0.0; s1];
    for (j, dj) in daily.iter_mut().enumerate() {
        *dj = usable_days.iter().map(|&d| y[d * s1 + j]).sum::<f64>() / usable_days.len() as f64
            - level;
    }
    let mut weekly = vec![0.0; s2];
    for (i, wi) in weekly.iter_mut().enumerate() {
        let (weekday, j) = (i / s1, i % s1);
        let values: Vec<f64> = usable_days
            .iter()
            .filter(|&&d| d % 7 == weekday)
            .map(|&d| y[d * s1 + j])
            .collect();
        if !values.is_empty() {
            *wi = values.iter().sum::<f64>() / values.len() as f64 - level - daily[j];
        }
    }
    let mut trend = 0.0;
    if config.trend && weeks >= 2 {
        let first = mean_of(&mut usable_days.iter().filter(|&&d| d < 7));
        let last = mean_of(&mut usable_days.iter().filter(|&&d| d >= (weeks - 1) * 7));
        if let (Some(first), Some(last)) = (first, last) {
            trend = (last - first) / ((weeks - 1) * s2) as f64;
        }
    }
    // The level at t = −1: the init mean sits at the middle of the init weeks.
    let level = level - trend * (weeks * s2 + 1) as f64 / 2.0;
    Ok(State {
        level,
        trend,
        daily,
        weekly,
        last_error: 0.0,
        n: 0,
    })
}

/// Runs the recursions over all of `y`; returns the final state, the sum of squared one-step
/// errors (AR-adjusted) over non-exception intervals, and their count.
fn filter(
    y: &[f64],
    s1: usize,
    exception_days: &[bool],
    init: &State,
    p: &TaylorParams,
) -> (State, f64, usize) {
    let mut s = init.clone();
    let s2 = s.weekly.len();
    let (mut sse, mut count) = (0.0, 0usize);
    for (t, &observed) in y.iter().enumerate() {
        let (j, i) = (t % s1, t % s2);
        let (d_old, w_old) = (s.daily[j], s.weekly[i]);
        let base = s.level + s.trend + d_old + w_old;
        let yt = if is_exception(exception_days, t / s1) {
            base
        } else {
            observed
        };
        if !is_exception(exception_days, t / s1) {
            let one_step = base + p.lambda * s.last_error;
            sse += (yt - one_step) * (yt - one_step);
            count += 1;
        }
        let level = p.alpha * (yt - d_old - w_old) + (1.0 - p.alpha) * (s.level + s.trend);
        s.trend = p.gamma * (level - s.level) + (1.0 - p.gamma) * s.trend;
        s.daily[j] = p.delta * (yt - level - w_old) + (1.0 - p.delta) * d_old;
        s.weekly[i] = p.omega * (yt - level - d_old) + (1.0 - p.omega) * w_old;
        s.level = level;
        s.last_error = yt - base;
    }
    s.n = y.len();
    (s, sse, count)
}

#[cfg(test)]
mod tests;
