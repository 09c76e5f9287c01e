//! The discrete-event simulation of one replication: a state machine advanced one event at a
//! time by [`Simulation::step`], and [`run`], which runs independent replications and turns
//! them into confidence intervals.
//!
//! Not here: progress output, threads or wall-clock limits (the caller owns the loop), and
//! warm-up deletion (put a warm-up phase in the plan and read the later phases).
//!
//! # Model
//!
//! ```text
//! Arrivals: a non-homogeneous Poisson process with rate λₖ (per second) constant in
//!   interval k = [kΔ, (k+1)Δ). Gaps are Exp(λₖ); a gap that crosses the end of interval k
//!   is discarded and drawn again from (k+1)Δ with λₖ₊₁. By memorylessness this is exact
//!   (Law & Kelton, "Simulation Modeling and Analysis", 5th ed., §8.6.2: generating a
//!   piecewise-constant-rate NHPP interval by interval).
//! Routing, per contact arriving in interval k of phase p with shares wᵢ:
//!   eligible E = { i : wᵢ > 0, agentsᵢ,ₖ > 0, routedᵢ,ₖ < capᵢ,ₖ }
//!   Counted (smooth weighted round robin): cᵢ += wᵢ for i ∈ E; pick j = argmax cᵢ
//!     (lowest index on ties); c_j −= Σ_{i∈E} wᵢ. Credits cᵢ start at 0 in each phase.
//!   Random: pick i ∈ E with probability wᵢ / Σ_E w.
//!   E empty → the first provider in the overflow order that is open and below its cap;
//!   none → the contact is unrouted (counted as lost).
//! Each provider: one first-come-first-served queue and agentsᵢ,ₖ agents. A contact is
//!   answered when an agent is free and it is first in line; it abandons when its patience
//!   (drawn at arrival) runs out first. Handle time is drawn when service starts.
//! Agent counts change at interval starts; busy agents above a lowered count finish their
//!   contact. After the last interval no more contacts arrive and the last staffing stays
//!   until every queue is empty, so every contact gets an outcome.
//! Outcomes are attributed to the phase and provider of the contact's arrival.
//! ```
//!
//! Abandonment is resolved lazily: a waiting contact is only looked at when an agent could
//! take it; if its patience ran out by then it is counted as abandoned at the moment it ran
//! out. Under first come, first served this is exactly equivalent to scheduling an
//! abandonment event per contact, and it keeps the event set small (one pending arrival,
//! one interval start, and the agents' completions).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::SimError;
use crate::rng::{Rng, SplitMix64};
use crate::scenario::{Scenario, Splitting};
use crate::stats::{Counters, Measures};

#[cfg(test)]
mod tests;

/// What one call of [`Simulation::step`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// A contact arrived and was routed to this provider (`None`: no provider could take it).
    Arrival { at_s: f64, provider: Option<usize> },
    /// An agent of this provider finished a contact.
    Completion { at_s: f64, provider: usize },
    /// An interval started (agent counts and caps changed).
    IntervalStart { at_s: f64, interval: usize },
    /// Nothing is left to happen; [`Simulation::outcome`] is final.
    Finished,
}

#[derive(Debug, Clone, Copy)]
struct Waiting {
    arrived_s: f64,
    gives_up_s: f64,
    slot: u32,
}

#[derive(Debug, Clone)]
struct ProviderState {
    agents: u32,
    busy: u32,
    routed_in_interval: u32,
    /// Completion times as bit patterns: for non-negative floats they order like the values.
    completions: BinaryHeap<Reverse<u64>>,
    queue: VecDeque<Waiting>,
}

/// One replication in progress.
///
/// ```
/// use relevo_sim::{Distribution, Scenario, Simulation, Step};
/// let s = Scenario::single_queue(
///     0.05, 900.0, 8, 12,
///     Distribution::exponential(180.0).unwrap(),
///     Some(Distribution::exponential(120.0).unwrap()),
///     20.0,
/// );
/// let mut sim = Simulation::new(&s, 7).unwrap();
/// while sim.step() != Step::Finished {}
/// let all = sim.outcome().phase_total(0);
/// assert_eq!(all.offered, all.answered + all.abandoned);
/// ```
#[derive(Debug, Clone)]
pub struct Simulation<'a> {
    scenario: &'a Scenario,
    phase_of_interval: Vec<u32>,
    rng: Rng,
    now_s: f64,
    /// The interval the pending arrival falls in.
    arrival_interval: usize,
    next_arrival_s: f64,
    /// The next interval to start (≥ 1), and when.
    next_interval: usize,
    next_interval_s: f64,
    providers: Vec<ProviderState>,
    credits: Vec<f64>,
    credits_phase: u32,
    outcome: Outcome,
    finished: bool,
}

/// Counts of one replication, per phase and provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    providers: usize,
    /// `[phase * providers + provider]`.
    counters: Vec<Counters>,
    /// Per phase: contacts no provider could take.
    unrouted: Vec<u64>,
    pub arrivals: u64,
}

impl Outcome {
    /// The counts of one provider in one phase.
    pub fn provider(&self, phase: usize, provider: usize) -> &Counters {
        &self.counters[phase * self.providers + provider]
    }

    /// The counts of all providers in one phase, unrouted contacts included.
    pub fn phase_total(&self, phase: usize) -> Counters {
        let mut total = Counters::default();
        for c in &self.counters[phase * self.providers..(phase + 1) * self.providers] {
            total.add(c);
        }
        total.offered += self.unrouted[phase];
        total.unrouted += self.unrouted[phase];
        total
    }

    /// The counts of one provider over all phases.
    pub fn provider_total(&self, provider: usize) -> Counters {
        let mut total = Counters::default();
        for c in self.counters.iter().skip(provider).step_by(self.providers) {
            total.add(c);
        }
        total
    }

    /// All contacts of the replication.
    pub fn total(&self) -> Counters {
        let mut total = Counters::default();
        for phase in 0..self.unrouted.len() {
            total.add(&self.phase_total(phase));
        }
        total
    }
}

impl<'a> Simulation<'a> {
    /// Validates the scenario and sets up a replication at time 0 with empty queues.
    pub fn new(scenario: &'a Scenario, seed: u64) -> Result<Self, SimError> {
        let phase_of_interval = scenario.validate()?;
        let n_providers = scenario.providers.len();
        let providers = scenario
            .providers
            .iter()
            .map(|p| ProviderState {
                agents: p.agents[0],
                busy: 0,
                routed_in_interval: 0,
                completions: BinaryHeap::with_capacity(
                    p.agents.iter().copied().max().unwrap_or(0) as usize
                ),
                queue: VecDeque::new(),
            })
            .collect();
        let mut sim = Self {
            scenario,
            phase_of_interval,
            rng: Rng::seed_from(seed),
            now_s: 0.0,
            arrival_interval: 0,
            next_arrival_s: f64::INFINITY,
            next_interval: 1,
            next_interval_s: if scenario.intervals() > 1 {
                scenario.interval_s
            } else {
                f64::INFINITY
            },
            providers,
            credits: vec![0.0; n_providers],
            credits_phase: u32::MAX,
            outcome: Outcome {
                providers: n_providers,
                counters: vec![Counters::default(); scenario.phases.len() * n_providers],
                unrouted: vec![0; scenario.phases.len()],
                arrivals: 0,
            },
            finished: false,
        };
        sim.schedule_arrival(0.0);
        Ok(sim)
    }

    /// Simulated time of the last event, seconds since the start of the first interval.
    pub fn now_s(&self) -> f64 {
        self.now_s
    }

    /// The counts so far (final once `step` returned [`Step::Finished`]).
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    pub fn into_outcome(self) -> Outcome {
        self.outcome
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Draws the next arrival at or after `from_s`, interval by interval.
    fn schedule_arrival(&mut self, from_s: f64) {
        let sc = self.scenario;
        let mut t = from_s;
        let mut k = self.arrival_interval;
        while k < sc.intervals() {
            let rate = sc.arrivals_per_s[k];
            let end_s = (k + 1) as f64 * sc.interval_s;
            if rate > 0.0 {
                let candidate = t - self.rng.uniform().ln() / rate;
                if candidate < end_s {
                    self.arrival_interval = k;
                    self.next_arrival_s = candidate;
                    return;
                }
            }
            k += 1;
            t = end_s;
        }
        self.arrival_interval = k;
        self.next_arrival_s = f64::INFINITY;
    }

    /// Processes the next event.
    pub fn step(&mut self) -> Step {
        if self.finished {
            return Step::Finished;
        }
        // The earliest completion over providers (few providers: a linear scan).
        let mut completion_s = f64::INFINITY;
        let mut completion_provider = usize::MAX;
        for (i, p) in self.providers.iter().enumerate() {
            if let Some(Reverse(bits)) = p.completions.peek() {
                let t = f64::from_bits(*bits);
                if t < completion_s {
                    completion_s = t;
                    completion_provider = i;
                }
            }
        }
        // Ties: completions, then interval starts, then arrivals.
        if completion_s <= self.next_interval_s && completion_s <= self.next_arrival_s {
            if completion_provider == usize::MAX {
                self.finish();
                return Step::Finished;
            }
            self.now_s = completion_s;
            let p = &mut self.providers[completion_provider];
            p.completions.pop();
            p.busy -= 1;
            self.start_service(completion_provider);
            Step::Completion {
                at_s: completion_s,
                provider: completion_provider,
            }
        } else if self.next_interval_s <= self.next_arrival_s {
            let at_s = self.next_interval_s;
            let k = self.next_interval;
            self.now_s = at_s;
            for i in 0..self.providers.len() {
                let p = &mut self.providers[i];
                p.agents = self.scenario.providers[i].agents[k];
                p.routed_in_interval = 0;
                self.start_service(i);
            }
            self.next_interval += 1;
            self.next_interval_s = if self.next_interval < self.scenario.intervals() {
                self.next_interval as f64 * self.scenario.interval_s
            } else {
                f64::INFINITY
            };
            Step::IntervalStart { at_s, interval: k }
        } else {
            let at_s = self.next_arrival_s;
            self.now_s = at_s;
            let provider = self.arrive(at_s);
            self.schedule_arrival(at_s);
            Step::Arrival { at_s, provider }
        }
    }

    /// Routes and queues (or answers) a contact arriving at `at_s`.
    fn arrive(&mut self, at_s: f64) -> Option<usize> {
        let sc = self.scenario;
        let k = self.arrival_interval;
        let phase = self.phase_of_interval[k];
        self.outcome.arrivals += 1;
        let open_and_free = |i: usize, p: &ProviderState| {
            p.agents > 0
                && sc.providers[i]
                    .max_contacts_per_interval
                    .as_ref()
                    .is_none_or(|caps| p.routed_in_interval < caps[k])
        };
        let shares = &sc.phases[phase as usize].shares;
        let mut total = 0.0;
        for (i, p) in self.providers.iter().enumerate() {
            if shares[i] > 0.0 && open_and_free(i, p) {
                total += shares[i];
            }
        }
        let mut overflowed = false;
        let chosen = if total > 0.0 {
            Some(match sc.splitting {
                Splitting::Counted => {
                    if self.credits_phase != phase {
                        self.credits.fill(0.0);
                        self.credits_phase = phase;
                    }
                    let mut best = usize::MAX;
                    let mut best_credit = f64::NEG_INFINITY;
                    for (i, p) in self.providers.iter().enumerate() {
                        if shares[i] > 0.0 && open_and_free(i, p) {
                            self.credits[i] += shares[i];
                            if self.credits[i] > best_credit {
                                best_credit = self.credits[i];
                                best = i;
                            }
                        }
                    }
                    self.credits[best] -= total;
                    best
                }
                Splitting::Random => {
                    let mut u = self.rng.uniform() * total;
                    let mut last = usize::MAX;
                    for (i, p) in self.providers.iter().enumerate() {
                        if shares[i] > 0.0 && open_and_free(i, p) {
                            last = i;
                            u -= shares[i];
                            if u <= 0.0 {
                                break;
                            }
                        }
                    }
                    last
                }
            })
        } else {
            overflowed = true;
            sc.overflow_order
                .iter()
                .copied()
                .find(|&i| open_and_free(i, &self.providers[i]))
        };
        let Some(i) = chosen else {
            self.outcome.unrouted[phase as usize] += 1;
            return None;
        };
        let slot = phase * self.outcome.providers as u32 + i as u32;
        let counters = &mut self.outcome.counters[slot as usize];
        counters.offered += 1;
        counters.overflowed += u64::from(overflowed);
        let gives_up_s = match &sc.patience {
            Some(d) => at_s + d.sample(&mut self.rng),
            None => f64::INFINITY,
        };
        let p = &mut self.providers[i];
        p.routed_in_interval += 1;
        p.queue.push_back(Waiting {
            arrived_s: at_s,
            gives_up_s,
            slot,
        });
        self.start_service(i);
        Some(i)
    }

    /// Gives free agents of provider `i` the contacts first in line whose patience lasts.
    #[inline]
    fn start_service(&mut self, i: usize) {
        let now_s = self.now_s;
        let threshold_s = self.scenario.sl_threshold_s;
        let p = &mut self.providers[i];
        while p.busy < p.agents {
            let Some(w) = p.queue.pop_front() else { break };
            let counters = &mut self.outcome.counters[w.slot as usize];
            if w.gives_up_s <= now_s {
                counters.abandoned += 1;
                counters.wait_all_s += w.gives_up_s - w.arrived_s;
                continue;
            }
            let wait_s = now_s - w.arrived_s;
            counters.answered += 1;
            counters.answered_within_t += u64::from(wait_s <= threshold_s);
            counters.wait_answered_s += wait_s;
            counters.wait_all_s += wait_s;
            let handle_s = self.scenario.providers[i].handle_time.sample(&mut self.rng);
            p.busy += 1;
            p.completions.push(Reverse((now_s + handle_s).to_bits()));
        }
    }

    /// No event is left: contacts still waiting abandon when their patience runs out, or
    /// stay unresolved if they would wait forever.
    fn finish(&mut self) {
        for p in &mut self.providers {
            for w in p.queue.drain(..) {
                let counters = &mut self.outcome.counters[w.slot as usize];
                if w.gives_up_s.is_finite() {
                    counters.abandoned += 1;
                    counters.wait_all_s += w.gives_up_s - w.arrived_s;
                } else {
                    counters.unresolved += 1;
                }
            }
        }
        self.finished = true;
    }

    /// Steps until finished and returns the counts.
    pub fn run_to_end(mut self) -> Outcome {
        while self.step() != Step::Finished {}
        self.outcome
    }
}

/// How many replications and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunConfig {
    /// Independent replications `R` (at least 2 for a confidence interval).
    pub replications: u32,
    /// Replication `r` is seeded with the `r`-th output of splitmix64 started at `seed`.
    pub seed: u64,
}

/// The measures of one slice of time (a phase, or the whole horizon), per provider and for
/// all providers together.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub name: String,
    /// All contacts of the slice, unrouted ones included.
    pub all: Measures,
    /// One entry per provider, in the scenario's order.
    pub providers: Vec<Measures>,
}

/// The result of [`run`]: 95 % confidence intervals over the replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub replications: u32,
    pub overall: Slice,
    pub phases: Vec<Slice>,
}

/// Runs `config.replications` independent replications and reports every measure with its
/// 95 % confidence interval, per phase and overall, per provider and for all.
///
/// ```
/// use relevo_sim::{Distribution, RunConfig, Scenario, run};
/// let s = Scenario::single_queue(
///     100.0 / 1800.0, 1800.0, 16, 14,
///     Distribution::exponential(180.0).unwrap(),
///     Some(Distribution::exponential(300.0).unwrap()),
///     20.0,
/// );
/// let report = run(&s, &RunConfig { replications: 10, seed: 1 }).unwrap();
/// let sl = report.overall.all.service_level;
/// assert!(sl.mean > 0.85 && sl.mean < 0.97, "Erlang A says 0.917: {sl:?}");
/// ```
pub fn run(scenario: &Scenario, config: &RunConfig) -> Result<Report, SimError> {
    if config.replications == 0 {
        return Err(SimError::Plan(
            "at least one replication is needed".to_owned(),
        ));
    }
    let mut seeds = SplitMix64::new(config.seed);
    let mut outcomes = Vec::with_capacity(config.replications as usize);
    for _ in 0..config.replications {
        outcomes.push(Simulation::new(scenario, seeds.next_u64())?.run_to_end());
    }
    Ok(report(scenario, &outcomes))
}

/// Turns the outcomes of independent replications into a [`Report`].
pub fn report(scenario: &Scenario, outcomes: &[Outcome]) -> Report {
    let n_providers = scenario.providers.len();
    let slice = |name: &str,
                 all: &dyn Fn(&Outcome) -> Counters,
                 one: &dyn Fn(&Outcome, usize) -> Counters| Slice {
        name: name.to_owned(),
        all: Measures::from_replications(&outcomes.iter().map(all).collect::<Vec<_>>()),
        providers: (0..n_providers)
            .map(|i| {
                Measures::from_replications(&outcomes.iter().map(|o| one(o, i)).collect::<Vec<_>>())
            })
            .collect(),
    };
    Report {
        replications: outcomes.len() as u32,
        overall: slice("overall", &|o| o.total(), &|o, i| o.provider_total(i)),
        phases: scenario
            .phases
            .iter()
            .enumerate()
            .map(|(p, phase)| {
                slice(&phase.name, &|o| o.phase_total(p), &|o, i| {
                    *o.provider(p, i)
                })
            })
            .collect(),
    }
}
