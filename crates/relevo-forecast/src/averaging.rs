//! The two averaging methods (seasonal naive, weekday mean) and the handle-time forecast.
//!
//! All three look at the *same interval of the same weekday* in earlier weeks. For a target
//! interval `τ` (0-based in the series' index space, `τ ≥ n` for a forecast) let
//!
//! ```text
//! s1      slots per day, s2 = 7·s1 slots per week
//! n       number of observed intervals (the history is y_0 … y_{n−1})
//! M_τ     the lags m = 1, 2, 3, … (in weeks), ascending, for which τ − m·s2 is observed
//!         (0 ≤ τ − m·s2 < n) and its day is not an exception day
//! M_τ(k)  the first min(k, |M_τ|) elements of M_τ: the last k usable same weekdays
//! ```
//!
//! **Weekday mean** (the classic "average of the last k same weekdays", e.g. Gans, Koole &
//! Mandelbaum 2003, "Telephone call centers: tutorial, review, and research prospects", §3.1):
//!
//! ```text
//! ŷ_τ = (1/|M_τ(k)|) · Σ_{m ∈ M_τ(k)} y_{τ − m·s2}
//! ```
//!
//! **Seasonal naive** is the weekday mean with `k = 1`: the same interval one week earlier
//! (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.2,
//! `ŷ_{T+h|T} = y_{T+h−m(k+1)}` with season `m = s2`); when that day is an exception day it
//! reaches back one more week.
//!
//! **Handle time**, the volume-weighted mean handle time of the same interval over the last `k`
//! usable same weekdays, with `a_t` the mean handle time (seconds) observed in interval `t`:
//!
//! ```text
//! â_τ = Σ_{m ∈ M_τ(k)} y_{τ−m·s2} · a_{τ−m·s2}  /  Σ_{m ∈ M_τ(k)} y_{τ−m·s2}
//! ```
//!
//! Weighting by volume makes `â` the mean over *contacts*, not over intervals: an interval with
//! one long call does not count as much as one with fifty. Where those weekdays had no volume at
//! that slot the forecast falls back to the volume-weighted mean of the same slot of day over all
//! non-exception days of the history, then to the volume-weighted mean of the whole history.
//!
//! These methods fit nothing, so there is nothing to optimise; they do not extrapolate trends.

use crate::ForecastError;

/// The observed history as the averaging methods see it.
pub(crate) struct Window<'a> {
    pub offered: &'a [f64],
    pub aht_s: Option<&'a [f64]>,
    pub s1: usize,
    /// One flag per day, covering at least every day of history and horizon: true = exception.
    pub exception_days: &'a [bool],
}

impl Window<'_> {
    fn is_exception_day(&self, day: usize) -> bool {
        self.exception_days.get(day).copied().unwrap_or(false)
    }

    /// The indices `τ − m·s2` for `m ∈ M_τ(k)` (see module docs), most recent first.
    fn same_weekday_sources(&self, tau: usize, k: usize) -> impl Iterator<Item = usize> + '_ {
        let s2 = 7 * self.s1;
        (1..=tau / s2)
            .map(move |m| tau - m * s2)
            .filter(move |&src| src < self.offered.len() && !self.is_exception_day(src / self.s1))
            .take(k)
    }

    /// The weekday mean forecast of intervals `start .. start + len` over the last `k` weeks.
    pub(crate) fn weekday_mean(
        &self,
        k: usize,
        start: usize,
        len: usize,
    ) -> Result<Vec<f64>, ForecastError> {
        (start..start + len)
            .map(|tau| {
                let (sum, count) = self
                    .same_weekday_sources(tau, k)
                    .fold((0.0, 0usize), |(s, c), src| (s + self.offered[src], c + 1));
                if count == 0 {
                    Err(ForecastError::InsufficientHistory {
                        what: format!("an averaging forecast of interval {tau}"),
                        needed_days: 7,
                        have_days: self.offered.len() / self.s1,
                    })
                } else {
                    Ok(sum / count as f64)
                }
            })
            .collect()
    }

    /// The handle-time forecast of intervals `start .. start + len`, or `None` when the history
    /// has no handle time or no volume at all.
    pub(crate) fn aht_s(&self, k: usize, start: usize, len: usize) -> Option<Vec<f64>> {
        let aht = self.aht_s?;
        let y = self.offered;
        let usable = |t: &usize| !self.is_exception_day(t / self.s1) && y[*t] > 0.0;
        let weighted = |ts: &mut dyn Iterator<Item = usize>| {
            let (num, den) = ts.fold((0.0, 0.0), |(num, den), t| {
                (num + y[t] * aht[t], den + y[t])
            });
            (den > 0.0).then(|| num / den)
        };
        let overall = weighted(&mut (0..y.len()).filter(usable))?;
        let mut by_slot: Vec<Option<f64>> = vec![None; self.s1];
        for (slot, value) in by_slot.iter_mut().enumerate() {
            *value = weighted(&mut (slot..y.len()).step_by(self.s1).filter(usable));
        }
        let forecast = (start..start + len)
            .map(|tau| {
                weighted(&mut self.same_weekday_sources(tau, k))
                    .or(by_slot[tau % self.s1])
                    .unwrap_or(overall)
            })
            .collect();
        Some(forecast)
    }
}

#[cfg(test)]
mod tests;
