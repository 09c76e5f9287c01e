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
//! raw   = min { N ∈ ℕ, N ≥ max(1, N₀) : SL(N, T) ≥ s*, ASA(N) ≤ a*, P(Ab)(N) ≤ p*, occ(N) ≤ o* }
//! staff = ⌈raw / (1 − shrinkage)⌉
//! ```
//!
//! * `s*`, `T` — target service level (fraction) and its threshold in seconds; `a*` — the
//!   largest acceptable ASA (s); `p*` — the largest acceptable abandonment fraction (Erlang A
//!   only: Erlang C has none, so the target always holds); `o*` — the largest acceptable
//!   occupancy. Missing targets always hold. `N₀` is an optional floor (`min_agents`: a
//!   minimum-staffing rule, or `⌈A⌉` to reproduce pyworkforce's Erlang A search).
//! * Erlang C also needs `N > A` (a stable queue). Its occupancy `A/N` is capped by starting
//!   at `N ≥ ⌈A / o*⌉`, as pyworkforce does ("occupancy cap recomputes raw = ceil(A/max_occ)",
//!   anchors §2); Erlang A uses its own occupancy `A(1 − P(Ab))/N`.
//! * Shrinkage is the fraction of paid time agents are unavailable (breaks, training,
//!   absence): `staff = ⌈raw/(1 − s)⌉`, the pyworkforce rule (anchors §2).
//!
//! Every measure is monotone in `N` (more agents never hurt), so the smallest feasible `N`
//! is found by stepping: Erlang C scans up from `max(⌊A⌋ + 1, ⌈A/o*⌉, N₀)` with the Erlang B
//! recurrence (in its division-free odds form) advanced one step per candidate: O(1) per
//! candidate, O(N) in all. Erlang A,
//! whose measures cost a series each, starts at `round(A)`, gallops (1, 2, 4, … agents) to
//! bracket the answer and bisects, reading Erlang B values from one recurrence run.
//!
//! Agent counts equal pyworkforce's `required_positions` except where pyworkforce starts
//! its scan above the true minimum and the targets are already met below its start: Erlang
//! C starts at `round(A + 1)` (differs only for service-level targets so loose that
//! `⌈A⌉` agents meet them), Erlang A at `⌈A⌉` (differs when abandonment lets fewer agents
//! than the load meet the targets). `min_agents = ⌈A⌉` reproduces the latter exactly.

use crate::erlang_a::ErlangA;
use crate::erlang_b::{MAX_AGENTS, blocking, odds, odds_step};
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
    /// Never answer fewer raw agents than this (0: no floor beyond one agent for any
    /// arrivals).
    pub min_agents: u32,
    /// Give up above this many (raw) agents; `None` picks a bound far beyond any target that
    /// can be met in floating point: `max(⌈A/o*⌉, ⌈A + 60√A⌉, N₀) + 200`, at most 1e7.
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
            min_agents: 0,
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
    /// The search floor: one agent (the least that serves anyone), or `min_agents`.
    Minimum,
    ServiceLevel,
    Asa,
    Abandonment,
    Occupancy,
}

impl Binding {
    /// The binding constraint's name in machine-readable output (JSON of the CLI and the API).
    pub fn key(self) -> &'static str {
        match self {
            Binding::NoArrivals => "no_arrivals",
            Binding::Stability => "stability",
            Binding::Minimum => "minimum",
            Binding::ServiceLevel => "service_level",
            Binding::Asa => "asa",
            Binding::Abandonment => "abandonment",
            Binding::Occupancy => "occupancy",
        }
    }
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
            agents: search.min_agents,
            offered_load_erlangs: 0.0,
            prob_wait: 0.0,
            prob_abandon: 0.0,
            service_level: search.targets.service_level.map(|_| 1.0),
            asa_s: 0.0,
            occupancy: 0.0,
        };
        Found::Agents {
            n: search.min_agents,
            binding: if search.min_agents == 0 {
                Binding::NoArrivals
            } else {
                Binding::Minimum
            },
            achieved,
        }
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
    min_agents: u32,
    cap: u32,
}

impl Search {
    fn new(p: &StaffingProblem) -> Result<Self, QueueingError> {
        let (arrivals_per_s, aht_s, load) = checked_traffic(p.arrivals_per_s, p.aht_s)?;
        if let Model::ErlangA { patience_s } = p.model {
            positive("patience_s", patience_s)?;
            // At one agent and above (the search's counts).
            crate::erlang_a::checked_patience_ratio(patience_s / aht_s, patience_s)?;
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
                let floor = f64::from(p.min_agents);
                (by_occupancy.max(by_load).max(floor) + 200.0).min(MAX_AGENTS) as u32
            }
        };
        Ok(Self {
            arrivals_per_s,
            aht_s,
            load,
            model: p.model,
            targets: p.targets,
            shrinkage,
            min_agents: p.min_agents,
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
        let floor = f64::from(self.min_agents);
        let start = stable.max(by_occupancy).max(floor);
        let queue = |n: u32, odds: f64| {
            ErlangC::with_odds(self.arrivals_per_s, self.aht_s, f64::from(n), odds)
        };
        if start > f64::from(self.cap) {
            let q = queue(self.cap, odds(blocking(self.load, f64::from(self.cap))));
            return Found::Unreachable(self.measures(&crate::Queue::ErlangC(q), self.cap));
        }
        let start = start as u32;
        let mut binding = if f64::from(start) == stable {
            Binding::Stability
        } else if f64::from(start) == by_occupancy {
            Binding::Occupancy
        } else {
            Binding::Minimum
        };
        // The odds 1/B − 1 at start − 1 by the recurrence, then one step per candidate. The
        // occupancy cap holds from `start` on; only service level and ASA are left to check.
        let inv_load = 1.0 / self.load;
        let mut odds = 0.0;
        for k in 1..start {
            odds = odds_step(odds, f64::from(k) * inv_load);
        }
        let sl = self.targets.service_level;
        let max_asa_s = self.targets.max_asa_s;
        for n in start..=self.cap {
            odds = odds_step(odds, f64::from(n) * inv_load);
            let q = queue(n, odds);
            let service_level = sl.map(|sl| q.service_level(sl.threshold_s));
            if let (Some(target), Some(achieved)) = (sl, service_level)
                && achieved < target.fraction
            {
                binding = Binding::ServiceLevel;
                continue;
            }
            let asa_s = q.asa_s();
            if max_asa_s.is_some_and(|max| asa_s > max) {
                binding = Binding::Asa;
                continue;
            }
            let achieved = Measures {
                agents: n,
                offered_load_erlangs: self.load,
                prob_wait: q.prob_wait(),
                prob_abandon: 0.0,
                service_level,
                asa_s,
                occupancy: q.occupancy(),
            };
            return Found::Agents {
                n,
                binding,
                achieved,
            };
        }
        Found::Unreachable(self.measures(&crate::Queue::ErlangC(queue(self.cap, odds)), self.cap))
    }

    fn erlang_a(&self, patience_s: f64) -> Found {
        let mut table = OddsTable::new(self.load);
        let mut eval = |n: u32| {
            let odds = table.at(n);
            let q = crate::Queue::ErlangA(ErlangA::with_odds(
                self.arrivals_per_s,
                self.aht_s,
                patience_s,
                f64::from(n),
                odds,
            ));
            (self.judge(&q, n), q)
        };
        let floor = self.min_agents.max(1);
        let cap = self.cap.max(floor);
        let guess = (self.load.round() as u32).clamp(floor, cap);
        // Bracket: `lo` misses (or is below the floor), `hi` meets every target.
        let (mut lo, mut hi, mut hi_measures);
        match eval(guess) {
            (Ok(m), _) => {
                hi = guess;
                hi_measures = m;
                let mut step = 1;
                loop {
                    let n = hi.saturating_sub(step);
                    if n < floor {
                        lo = floor - 1;
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
        let binding = if lo < floor {
            Binding::Minimum
        } else {
            eval(lo).0.err().unwrap_or(Binding::Minimum)
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

/// The Erlang B odds `1/B(k, A) − 1` for k = 0, 1, 2, …, extended by the recurrence as the
/// search asks for more.
struct OddsTable {
    inv_load: f64,
    values: Vec<f64>,
}

impl OddsTable {
    fn new(load: f64) -> Self {
        Self {
            inv_load: 1.0 / load,
            values: vec![0.0],
        }
    }

    fn at(&mut self, n: u32) -> f64 {
        let n = n as usize;
        while self.values.len() <= n {
            let k = self.values.len();
            let prev = self.values[k - 1];
            self.values.push(odds_step(prev, k as f64 * self.inv_load));
        }
        self.values[n]
    }
}
