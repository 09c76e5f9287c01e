//! The staffing search: the smallest whole number of agents whose Erlang C or Erlang A
//! measures meet every target (service level within a threshold, ASA, abandonment,
//! occupancy), then scaled up for shrinkage.
//!
//! Not here: fractional requirements (build [`crate::ErlangC`] / [`crate::ErlangA`] with a
//! fractional agent count instead), schedules, or multi-skill routing.
//!
//! # Definitions
//!
//! ```text
//! raw   = min { N ∈ ℕ, N ≥ 1 : SL(N, T) ≥ s*,  ASA(N) ≤ a*,  P(Ab)(N) ≤ p*,  occ(N) ≤ o* }
//! staff = ⌈raw / (1 − shrinkage)⌉
//! ```
//!
//! * `s*`, `T` — target service level (fraction) and its threshold in seconds; `a*` — the
//!   largest acceptable ASA (s); `p*` — the largest acceptable abandonment fraction (Erlang A
//!   only: Erlang C has none, so the target always holds); `o*` — the largest acceptable
//!   occupancy. Missing targets always hold.
//! * Erlang C also needs `N > A` (a stable queue). Its occupancy `A/N` is capped by starting
//!   at `N ≥ ⌈A / o*⌉`, as pyworkforce does ("occupancy cap recomputes raw = ceil(A/max_occ)",
//!   anchors §2); Erlang A uses its own occupancy `A(1 − P(Ab))/N`.
//! * Shrinkage is the fraction of paid time agents are unavailable (breaks, training,
//!   absence): `staff = ⌈raw/(1 − s)⌉`, the pyworkforce rule (anchors §2).
//!
//! Every measure is monotone in `N` (more agents never hurt), so the smallest feasible `N`
//! is found by stepping: Erlang C scans up from `max(⌊A⌋ + 1, ⌈A/o*⌉)` with the Erlang B
//! recurrence advanced one step per candidate (O(1) per candidate, O(N) in all). Erlang A,
//! whose measures cost a series each, starts at `round(A)`, gallops (1, 2, 4, … agents) to
//! bracket the answer and bisects, reading Erlang B values from one recurrence run. Agent
//! counts match pyworkforce's `required_positions` except where pyworkforce starts above
//! the true minimum (Erlang C at `round(A + 1)`, Erlang A at `⌈A⌉`) and a looser target is
//! already met below its start.

use crate::erlang_a::ErlangA;
use crate::erlang_b::{MAX_AGENTS, step_up};
use crate::erlang_c::ErlangC;
use crate::error::{QueueingError, check, fraction, positive};
use crate::{Model, checked_traffic};

#[cfg(test)]
mod tests;

/// "At least `fraction` of contacts answered within `threshold_s` seconds".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceLevelTarget {
    /// In [0, 1].
    pub fraction: f64,
    /// Seconds, zero or more.
    pub threshold_s: f64,
}

/// What the agent count must achieve; `None` means "no such target".
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Targets {
    pub service_level: Option<ServiceLevelTarget>,
    /// Largest acceptable average speed of answer, seconds (> 0).
    pub max_asa_s: Option<f64>,
    /// Largest acceptable abandonment fraction, in [0, 1]; always met under Erlang C.
    pub max_abandon: Option<f64>,
    /// Largest acceptable occupancy, in (0, 1].
    pub max_occupancy: Option<f64>,
}

/// One queue's staffing question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffingProblem {
    pub arrivals_per_s: f64,
    pub aht_s: f64,
    pub model: Model,
    pub targets: Targets,
    /// Fraction of paid time agents are unavailable, in [0, 1).
    pub shrinkage: f64,
    /// Give up above this many (raw) agents; `None` picks a bound far beyond any target that
    /// can be met in floating point: `max(⌈A/o*⌉, ⌈A + 60√A⌉) + 200`, at most 1e7.
    pub max_agents: Option<u32>,
}

impl StaffingProblem {
    /// A problem with no targets, no shrinkage and the default agent bound.
    pub fn new(arrivals_per_s: f64, aht_s: f64, model: Model) -> Self {
        Self {
            arrivals_per_s,
            aht_s,
            model,
            targets: Targets::default(),
            shrinkage: 0.0,
            max_agents: None,
        }
    }
}

/// Why the answer is not one agent fewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// No arrivals: nobody is needed.
    NoArrivals,
    /// Erlang C: one agent fewer would not exceed the offered load.
    Stability,
    /// Erlang A: the answer is one agent, the least that serves anyone.
    MinimumOneAgent,
    ServiceLevel,
    Asa,
    Abandonment,
    Occupancy,
}

/// The measures at one agent count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measures {
    pub agents: u32,
    pub offered_load_erlangs: f64,
    pub prob_wait: f64,
    /// 0 under Erlang C.
    pub prob_abandon: f64,
    /// At the target's threshold, when there is a service-level target.
    pub service_level: Option<f64>,
    pub asa_s: f64,
    pub occupancy: f64,
}

/// A met set of targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffingPlan {
    /// Agents needed on the phones.
    pub raw_agents: u32,
    /// Agents to schedule: `⌈raw / (1 − shrinkage)⌉` (saturating at `u32::MAX`).
    pub agents_with_shrinkage: u32,
    /// The target that one agent fewer would miss.
    pub binding: Binding,
    /// The measures at `raw_agents`.
    pub achieved: Measures,
}

/// The answer to a [`StaffingProblem`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StaffingOutcome {
    Staffed(StaffingPlan),
    /// Erlang C with an offered load at or above the agent bound: no allowed agent count
    /// gives a stable queue.
    Overloaded {
        offered_load_erlangs: f64,
        max_agents: u32,
    },
    /// Stable agent counts exist up to the bound but none meets every target (for
    /// example a 100 % service level, or an abandonment cap of 0).
    Unreachable {
        max_agents: u32,
        at_max_agents: Measures,
    },
}

/// Solves a [`StaffingProblem`]; fails only on invalid inputs.
///
/// ```
/// use relevo_queueing::{Model, ServiceLevelTarget, StaffingOutcome, StaffingProblem, Targets};
/// let mut problem = StaffingProblem::new(100.0 / 1800.0, 180.0, Model::ErlangA { patience_s: 300.0 });
/// problem.targets = Targets {
///     service_level: Some(ServiceLevelTarget { fraction: 0.8, threshold_s: 20.0 }),
///     max_abandon: Some(0.05),
///     ..Targets::default()
/// };
/// let StaffingOutcome::Staffed(plan) = relevo_queueing::required_agents(&problem).unwrap() else {
///     unreachable!()
/// };
/// assert_eq!(plan.raw_agents, 13); // pyworkforce 0.5.4 agrees
/// assert!(plan.achieved.service_level.unwrap() >= 0.8);
/// ```
pub fn required_agents(problem: &StaffingProblem) -> Result<StaffingOutcome, QueueingError> {
    let search = Search::new(problem)?;
    let raw = if search.load == 0.0 {
        let achieved = Measures {
            agents: 0,
            offered_load_erlangs: 0.0,
            prob_wait: 0.0,
            prob_abandon: 0.0,
            service_level: search.targets.service_level.map(|_| 1.0),
            asa_s: 0.0,
            occupancy: 0.0,
        };
        return Ok(StaffingOutcome::Staffed(StaffingPlan {
            raw_agents: 0,
            agents_with_shrinkage: 0,
            binding: Binding::NoArrivals,
            achieved,
        }));
    } else {
        match search.model {
            Model::ErlangC => search.erlang_c(),
            Model::ErlangA { patience_s } => search.erlang_a(patience_s),
        }
    };
    Ok(match raw {
        Found::Agents {
            n,
            binding,
            achieved,
        } => {
            let scaled = (f64::from(n) / (1.0 - search.shrinkage)).ceil();
            StaffingOutcome::Staffed(StaffingPlan {
                raw_agents: n,
                agents_with_shrinkage: if scaled >= f64::from(u32::MAX) {
                    u32::MAX
                } else {
                    scaled as u32
                },
                binding,
                achieved,
            })
        }
        Found::Overloaded => StaffingOutcome::Overloaded {
            offered_load_erlangs: search.load,
            max_agents: search.cap,
        },
        Found::Unreachable(at_max_agents) => StaffingOutcome::Unreachable {
            max_agents: search.cap,
            at_max_agents,
        },
    })
}

enum Found {
    Agents {
        n: u32,
        binding: Binding,
        achieved: Measures,
    },
    Overloaded,
    Unreachable(Measures),
}

/// A validated problem.
struct Search {
    arrivals_per_s: f64,
    aht_s: f64,
    load: f64,
    model: Model,
    targets: Targets,
    shrinkage: f64,
    cap: u32,
}

impl Search {
    fn new(p: &StaffingProblem) -> Result<Self, QueueingError> {
        let (arrivals_per_s, aht_s, load) = checked_traffic(p.arrivals_per_s, p.aht_s)?;
        if let Model::ErlangA { patience_s } = p.model {
            positive("patience_s", patience_s)?;
        }
        let t = &p.targets;
        if let Some(sl) = t.service_level {
            fraction("target service level", sl.fraction)?;
            check(
                "sl_threshold_s",
                sl.threshold_s,
                "a finite number, zero or more",
                |v| v.is_finite() && v >= 0.0,
            )?;
        }
        if let Some(asa) = t.max_asa_s {
            positive("max_asa_s", asa)?;
        }
        if let Some(ab) = t.max_abandon {
            fraction("max_abandon", ab)?;
        }
        if let Some(occ) = t.max_occupancy {
            check("max_occupancy", occ, "a fraction in (0, 1]", |v| {
                v > 0.0 && v <= 1.0
            })?;
        }
        let shrinkage = check("shrinkage", p.shrinkage, "a fraction in [0, 1)", |v| {
            (0.0..1.0).contains(&v)
        })?;
        let cap = match p.max_agents {
            Some(cap) => cap,
            None => {
                let by_occupancy = t.max_occupancy.map_or(0.0, |o| (load / o).ceil());
                let by_load = (load + 60.0 * load.sqrt()).ceil();
                (by_occupancy.max(by_load) + 200.0).min(MAX_AGENTS) as u32
            }
        };
        Ok(Self {
            arrivals_per_s,
            aht_s,
            load,
            model: p.model,
            targets: p.targets,
            shrinkage,
            cap,
        })
    }

    /// The first target (in a fixed order) that `q` misses, or its measures.
    fn judge(&self, q: &crate::Queue, n: u32) -> Result<Measures, Binding> {
        let t = &self.targets;
        let service_level = t
            .service_level
            .map(|sl| (sl, q.service_level(sl.threshold_s)));
        if let Some((target, achieved)) = service_level
            && achieved < target.fraction
        {
            return Err(Binding::ServiceLevel);
        }
        let asa_s = q.asa_s();
        if t.max_asa_s.is_some_and(|max| asa_s > max) {
            return Err(Binding::Asa);
        }
        let prob_abandon = q.prob_abandon();
        if t.max_abandon.is_some_and(|max| prob_abandon > max) {
            return Err(Binding::Abandonment);
        }
        let occupancy = q.occupancy();
        let occupancy_ok = match (t.max_occupancy, q) {
            (None, _) => true,
            // Erlang C's cap is the start of the scan, see `erlang_c`.
            (Some(max), crate::Queue::ErlangC(_)) => f64::from(n) >= (self.load / max).ceil(),
            (Some(max), crate::Queue::ErlangA(_)) => occupancy <= max,
        };
        if !occupancy_ok {
            return Err(Binding::Occupancy);
        }
        Ok(Measures {
            agents: n,
            offered_load_erlangs: self.load,
            prob_wait: q.prob_wait(),
            prob_abandon,
            service_level: service_level.map(|(_, achieved)| achieved),
            asa_s,
            occupancy,
        })
    }

    fn erlang_c(&self) -> Found {
        let stable = self.load.floor() + 1.0;
        if stable > f64::from(self.cap) {
            return Found::Overloaded;
        }
        let by_occupancy = self
            .targets
            .max_occupancy
            .map_or(0.0, |o| (self.load / o).ceil());
        let start = stable.max(by_occupancy);
        let queue = |n: u32, b: f64| {
            crate::Queue::ErlangC(ErlangC::with_blocking(
                self.arrivals_per_s,
                self.aht_s,
                f64::from(n),
                b,
            ))
        };
        if start > f64::from(self.cap) {
            let b = crate::erlang_b::blocking(self.load, f64::from(self.cap));
            return Found::Unreachable(self.measures(&queue(self.cap, b), self.cap));
        }
        let start = start as u32;
        // B(start − 1) by the recurrence, then one step per candidate.
        let mut b = crate::erlang_b::blocking(self.load, f64::from(start - 1));
        let mut binding = if start as f64 == stable {
            Binding::Stability
        } else {
            Binding::Occupancy
        };
        let mut last = None;
        for n in start..=self.cap {
            b = step_up(b, self.load, f64::from(n));
            let q = queue(n, b);
            match self.judge(&q, n) {
                Ok(achieved) => {
                    return Found::Agents {
                        n,
                        binding,
                        achieved,
                    };
                }
                Err(missed) => {
                    binding = missed;
                    last = Some(q);
                }
            }
        }
        let q = last.unwrap_or_else(|| queue(self.cap, b));
        Found::Unreachable(self.measures(&q, self.cap))
    }

    fn erlang_a(&self, patience_s: f64) -> Found {
        let mut blocking = BlockingTable::new(self.load);
        let mut eval = |n: u32| {
            let b = blocking.at(n);
            let q = crate::Queue::ErlangA(ErlangA::with_blocking(
                self.arrivals_per_s,
                self.aht_s,
                patience_s,
                f64::from(n),
                b,
            ));
            (self.judge(&q, n), q)
        };
        let cap = self.cap.max(1);
        let guess = (self.load.round().max(1.0) as u32).min(cap);
        // Bracket: `lo` misses (or is 0, "no agents"), `hi` meets every target.
        let (mut lo, mut hi, mut hi_measures);
        match eval(guess) {
            (Ok(m), _) => {
                hi = guess;
                hi_measures = m;
                let mut step = 1;
                loop {
                    let n = hi.saturating_sub(step);
                    if n == 0 {
                        lo = 0;
                        break;
                    }
                    match eval(n).0 {
                        Ok(m) => {
                            hi = n;
                            hi_measures = m;
                            step *= 2;
                        }
                        Err(_) => {
                            lo = n;
                            break;
                        }
                    }
                }
            }
            (Err(_), q) => {
                lo = guess;
                let mut step = 1;
                let mut last = q;
                loop {
                    if lo == cap {
                        return Found::Unreachable(self.measures(&last, cap));
                    }
                    let n = lo.saturating_add(step).min(cap);
                    match eval(n) {
                        (Ok(m), _) => {
                            hi = n;
                            hi_measures = m;
                            break;
                        }
                        (Err(_), q) => {
                            lo = n;
                            last = q;
                            step *= 2;
                        }
                    }
                }
            }
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            match eval(mid).0 {
                Ok(m) => {
                    hi = mid;
                    hi_measures = m;
                }
                Err(_) => lo = mid,
            }
        }
        let binding = if lo == 0 {
            Binding::MinimumOneAgent
        } else {
            eval(lo).0.err().unwrap_or(Binding::MinimumOneAgent)
        };
        Found::Agents {
            n: hi,
            binding,
            achieved: hi_measures,
        }
    }

    /// Measures regardless of targets (for the "unreachable" report).
    fn measures(&self, q: &crate::Queue, n: u32) -> Measures {
        Measures {
            agents: n,
            offered_load_erlangs: self.load,
            prob_wait: q.prob_wait(),
            prob_abandon: q.prob_abandon(),
            service_level: self
                .targets
                .service_level
                .map(|sl| q.service_level(sl.threshold_s)),
            asa_s: q.asa_s(),
            occupancy: q.occupancy(),
        }
    }
}

/// `B(k, A)` for k = 0, 1, 2, …, extended by the recurrence as the search asks for more.
struct BlockingTable {
    load: f64,
    values: Vec<f64>,
}

impl BlockingTable {
    fn new(load: f64) -> Self {
        Self {
            load,
            values: vec![1.0],
        }
    }

    fn at(&mut self, n: u32) -> f64 {
        let n = n as usize;
        while self.values.len() <= n {
            let k = self.values.len();
            let prev = self.values[k - 1];
            self.values.push(step_up(prev, self.load, k as f64));
        }
        self.values[n]
    }
}
