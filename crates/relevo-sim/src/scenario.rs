//! The what-if input: arrival rates per interval, providers with agents and handle times,
//! an allocation plan in phases (shares per provider, capacity caps, an overflow order),
//! customer patience and the service-level threshold. Plain data with public fields;
//! [`Scenario::validate`] checks it and every simulation starts by calling it.
//!
//! Not here: parsing a plan file (the binary does), forecasting the rates (`relevo-forecast`
//! does), multi-skill agents shared between queues, or retrials of abandoned contacts.

use std::ops::Range;

use crate::SimError;
use crate::dist::Distribution;

#[cfg(test)]
mod tests;

/// One queue's what-if: `arrivals_per_s.len()` intervals of `interval_s` seconds each,
/// starting at time 0.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Interval length in seconds (900 for 15-minute intervals).
    pub interval_s: f64,
    /// Arrival rate in each interval, contacts per second (a forecast's volume / `interval_s`).
    /// Arrivals are Poisson with this rate, constant within the interval.
    pub arrivals_per_s: Vec<f64>,
    pub providers: Vec<Provider>,
    /// Time ranges (by interval) with their shares; together they cover every interval once.
    pub phases: Vec<Phase>,
    /// Provider indexes tried in this order when no provider with a share can take a contact
    /// (all closed or at their cap). Providers without a share may be listed.
    pub overflow_order: Vec<usize>,
    /// How long a customer waits before hanging up; `None` for infinitely patient customers.
    pub patience: Option<Distribution>,
    /// Service-level threshold `T` in seconds: answered within `T` counts as met.
    pub sl_threshold_s: f64,
    pub splitting: Splitting,
}

/// A provider (in-house team or BPO) serving this queue.
#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    /// Agents available in each interval (same length as `arrivals_per_s`); 0 means closed.
    /// When agents drop at an interval start, contacts in service finish first.
    pub agents: Vec<u32>,
    pub handle_time: Distribution,
    /// At most this many contacts routed to the provider in each interval (same length as
    /// `arrivals_per_s`); `None` for no cap.
    pub max_contacts_per_interval: Option<Vec<u32>>,
}

/// A time range of the plan with its target shares.
#[derive(Debug, Clone)]
pub struct Phase {
    pub name: String,
    /// Intervals `start..end` of the scenario.
    pub intervals: Range<usize>,
    /// Target share per provider (same order as `Scenario::providers`), non-negative, not all
    /// zero; normalised over the providers that are open and below their cap.
    pub shares: Vec<f64>,
}

/// How contacts are split over the eligible providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Splitting {
    /// Smooth weighted round robin, like `relevo-routing`: actual shares track the targets
    /// within a contact or two at any time.
    #[default]
    Counted,
    /// An independent random draw per contact with the share as probability.
    Random,
}

impl Scenario {
    /// A stationary single queue: one provider, one phase, a constant rate and staffing.
    ///
    /// ```
    /// use relevo_sim::{Distribution, Scenario};
    /// // 100 calls per 30 min, AHT 180 s exponential, patience 300 s, 14 agents, 8 hours.
    /// let s = Scenario::single_queue(
    ///     100.0 / 1800.0, 1800.0, 16, 14,
    ///     Distribution::exponential(180.0).unwrap(),
    ///     Some(Distribution::exponential(300.0).unwrap()),
    ///     20.0,
    /// );
    /// assert!(s.validate().is_ok());
    /// ```
    pub fn single_queue(
        arrivals_per_s: f64,
        interval_s: f64,
        intervals: usize,
        agents: u32,
        handle_time: Distribution,
        patience: Option<Distribution>,
        sl_threshold_s: f64,
    ) -> Self {
        Self {
            interval_s,
            arrivals_per_s: vec![arrivals_per_s; intervals],
            providers: vec![Provider {
                name: "provider".to_owned(),
                agents: vec![agents; intervals],
                handle_time,
                max_contacts_per_interval: None,
            }],
            phases: vec![Phase {
                name: "all".to_owned(),
                intervals: 0..intervals,
                shares: vec![1.0],
            }],
            overflow_order: Vec::new(),
            patience,
            sl_threshold_s,
            splitting: Splitting::Counted,
        }
    }

    /// Number of intervals.
    pub fn intervals(&self) -> usize {
        self.arrivals_per_s.len()
    }

    /// Checks every field; returns the phase index of each interval.
    pub fn validate(&self) -> Result<Vec<u32>, SimError> {
        if !(self.interval_s.is_finite() && self.interval_s > 0.0) {
            return Err(SimError::Invalid {
                name: "interval_s",
                value: self.interval_s,
            });
        }
        if !(self.sl_threshold_s.is_finite() && self.sl_threshold_s >= 0.0) {
            return Err(SimError::Invalid {
                name: "sl_threshold_s",
                value: self.sl_threshold_s,
            });
        }
        let n = self.intervals();
        if n == 0 {
            return Err(SimError::Plan("no intervals".to_owned()));
        }
        for &rate in &self.arrivals_per_s {
            if !(rate.is_finite() && rate >= 0.0) {
                return Err(SimError::Invalid {
                    name: "arrivals_per_s",
                    value: rate,
                });
            }
        }
        if self.providers.is_empty() {
            return Err(SimError::Plan("no providers".to_owned()));
        }
        for p in &self.providers {
            if p.agents.len() != n {
                return Err(SimError::Plan(format!(
                    "provider {:?}: {} agent counts for {n} intervals",
                    p.name,
                    p.agents.len()
                )));
            }
            if let Some(caps) = &p.max_contacts_per_interval
                && caps.len() != n
            {
                return Err(SimError::Plan(format!(
                    "provider {:?}: {} caps for {n} intervals",
                    p.name,
                    caps.len()
                )));
            }
        }
        for &i in &self.overflow_order {
            if i >= self.providers.len() {
                return Err(SimError::Plan(format!(
                    "overflow order names provider {i}, which does not exist"
                )));
            }
        }
        if self.phases.len() > u32::MAX as usize {
            return Err(SimError::Plan("too many phases".to_owned()));
        }
        let mut phase_of = vec![u32::MAX; n];
        for (index, phase) in self.phases.iter().enumerate() {
            if phase.shares.len() != self.providers.len() {
                return Err(SimError::Plan(format!(
                    "phase {:?}: {} shares for {} providers",
                    phase.name,
                    phase.shares.len(),
                    self.providers.len()
                )));
            }
            if phase.shares.iter().any(|s| !(s.is_finite() && *s >= 0.0))
                || phase.shares.iter().sum::<f64>() <= 0.0
            {
                return Err(SimError::Plan(format!(
                    "phase {:?}: shares must be non-negative and not all zero",
                    phase.name
                )));
            }
            if phase.intervals.start >= phase.intervals.end || phase.intervals.end > n {
                return Err(SimError::Plan(format!(
                    "phase {:?}: intervals {:?} outside 0..{n} or empty",
                    phase.name, phase.intervals
                )));
            }
            for slot in &mut phase_of[phase.intervals.clone()] {
                if *slot != u32::MAX {
                    return Err(SimError::Plan(format!(
                        "phase {:?} overlaps another phase",
                        phase.name
                    )));
                }
                *slot = index as u32;
            }
        }
        if let Some(k) = phase_of.iter().position(|&p| p == u32::MAX) {
            return Err(SimError::Plan(format!("interval {k} is in no phase")));
        }
        Ok(phase_of)
    }
}
