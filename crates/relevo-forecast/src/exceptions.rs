//! Exception days (holidays, outages, campaigns): left out of fitting, forecast from a named profile.
//!
//! A day index `d` refers to the same day numbering as [`crate::Series`] (day 0 starts at index 0),
//! and may lie beyond the end of the history, in the forecast horizon.
//!
//! * **In the history** an exception day is left out of fitting: the averaging methods skip it
//!   (they take the previous non-exception day of the same weekday instead), the Taylor model
//!   replaces its observations by the model's own one-step forecast (so its states pass through
//!   the day unchanged and its errors are not in the fitted sum of squares), and the backtest does
//!   not score it.
//! * **In the horizon** the method first forecasts the day as a normal day, `ŷ_normal`, then the
//!   day's [`DayProfile`] turns that into the final forecast:
//!
//! ```text
//! Scale { factor: f }                ŷ_j = f · ŷ_normal_j
//! ShapeOf { day: r, volume_factor: f } ŷ_j = f · (Σ_i ŷ_normal_i) · y_{r,j} / Σ_i y_{r,i}
//! ```
//!
//! where `j` and `i` run over the slots of the day and `y_{r,j}` is the observed volume of
//! reference day `r` (e.g. the same holiday last year, or the last half-day) at slot `j`: its
//! *shape*, scaled to `f` times a normal day's total. A day excluded without a profile is
//! forecast as a normal day. Handle time is not changed by profiles.
//!
//! This module does not know calendars: the caller decides which days are exceptions.

use std::collections::BTreeMap;

use crate::{ForecastError, Series};

/// How the forecast of an exception day is derived from a normal-day forecast. See the module
/// docs for the formulas.
#[derive(Debug, Clone, PartialEq)]
pub enum DayProfile {
    /// `factor` times the normal-day forecast (0 = closed, 0.5 = half the usual volume).
    Scale { factor: f64 },
    /// The intraday shape of history day `day`, with a daily total of `volume_factor` times the
    /// normal-day forecast total.
    ShapeOf { day: usize, volume_factor: f64 },
}

/// The set of exception days and the named profiles they use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exceptions {
    profiles: BTreeMap<String, DayProfile>,
    days: BTreeMap<usize, Option<String>>,
}

impl Exceptions {
    /// No exceptions.
    pub fn new() -> Exceptions {
        Exceptions::default()
    }

    /// Defines (or redefines) the profile `name`. Factors must be finite and not negative.
    pub fn define_profile(&mut self, name: &str, profile: DayProfile) -> Result<(), ForecastError> {
        let factor = match profile {
            DayProfile::Scale { factor } => factor,
            DayProfile::ShapeOf { volume_factor, .. } => volume_factor,
        };
        if !factor.is_finite() || factor < 0.0 {
            return Err(ForecastError::BadConfig {
                what: "day profile factor",
                detail: format!("{name:?} has factor {factor}; must be finite and not negative"),
            });
        }
        self.profiles.insert(name.to_owned(), profile);
        Ok(())
    }

    /// Marks `day` as an exception without a profile: left out of fitting, forecast as normal.
    pub fn exclude_day(&mut self, day: usize) {
        self.days.insert(day, None);
    }

    /// Marks `day` as an exception forecast with profile `profile` (which must be defined).
    pub fn mark_day(&mut self, day: usize, profile: &str) -> Result<(), ForecastError> {
        if !self.profiles.contains_key(profile) {
            return Err(ForecastError::UnknownProfile {
                name: profile.to_owned(),
            });
        }
        self.days.insert(day, Some(profile.to_owned()));
        Ok(())
    }

    /// Whether `day` is an exception.
    pub fn is_exception(&self, day: usize) -> bool {
        self.days.contains_key(&day)
    }

    /// The exception days, ascending.
    pub fn days(&self) -> impl Iterator<Item = usize> + '_ {
        self.days.keys().copied()
    }

    /// The profile of `day`, if it is an exception with a profile.
    pub fn profile_for(&self, day: usize) -> Option<&DayProfile> {
        self.days
            .get(&day)?
            .as_ref()
            .and_then(|name| self.profiles.get(name))
    }

    /// One flag per day of `series` (and of `extra_days` beyond it): true = exception.
    pub(crate) fn day_flags(&self, days: usize) -> Vec<bool> {
        (0..days).map(|d| self.is_exception(d)).collect()
    }
}

/// Applies the profiles of the exception days in the horizon to `normal`, the normal-day
/// forecast of intervals `start .. start + normal.len()` of `history`'s index space. `normal` must
/// start and end on day boundaries.
pub(crate) fn apply_profiles(
    history: &Series,
    exceptions: &Exceptions,
    start: usize,
    normal: &mut [f64],
) -> Result<(), ForecastError> {
    let s1 = history.slots_per_day();
    debug_assert!(start.is_multiple_of(s1) && normal.len().is_multiple_of(s1));
    for (k, day_values) in normal.chunks_mut(s1).enumerate() {
        let day = start / s1 + k;
        match exceptions.profile_for(day) {
            None => {}
            Some(DayProfile::Scale { factor }) => day_values.iter_mut().for_each(|v| *v *= factor),
            Some(DayProfile::ShapeOf {
                day: reference,
                volume_factor,
            }) => {
                let y = history.offered();
                let range = reference * s1..(reference + 1) * s1;
                let shape = y
                    .get(range)
                    .ok_or(ForecastError::BadShapeDay { day: *reference })?;
                let shape_total: f64 = shape.iter().sum();
                if shape_total <= 0.0 {
                    return Err(ForecastError::BadShapeDay { day: *reference });
                }
                let normal_total: f64 = day_values.iter().sum();
                for (v, s) in day_values.iter_mut().zip(shape) {
                    *v = volume_factor * normal_total * s / shape_total;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
