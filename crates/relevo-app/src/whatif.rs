//! What-if of a transition plan: a typical week of the queue from the store, one scenario per phase
//! for `relevo-sim`, and the replications that estimate each phase's service. `relevo simulate`
//! renders it; the dashboard's transition page will show the same numbers.
//!
//! Per phase, one scenario of 672 quarter hours (Monday to Sunday in the plan's zone):
//! - arrivals: the mean offered contacts of each local quarter hour of the week over the last
//!   whole weeks of history (all providers, the plan's channels);
//! - shares: the phase's target split between the outgoing and the incoming provider, counted like
//!   the router splits; a provider without agents in an interval overflows to the other;
//! - agents: from the provider hours table when the provider has hours and history on the queue —
//!   its typical staffed agents, times the plan channels' part of its handled work, scaled by
//!   (phase share / historical share) — otherwise the fewest agents that reach the target service
//!   level by Erlang C for the phase's arrivals (relevo-queueing's staffing search);
//! - handle times: log-normal with each provider's AHT on the queue (the queue's AHT for a provider
//!   new to it) and the given coefficient of variation;
//! - patience: exponential with mean (total waiting time of answered and abandoned contacts) /
//!   abandons (anchors §4), or the given one.
//!
//! Replications are seeded like `relevo_sim::run` (splitmix64 from the seed), the same seeds for
//! every phase, so phases differ only by their plan: the same seed gives the same output.
//! Not modelled: chat concurrency, multi-skill agents, retrials, forecast growth. Error messages
//! name the command line's options.

use crate::Error;
use relevo_core::{Channel, interval_start_ms};
use relevo_metrics::Cell;
use relevo_queueing::{
    Model, ServiceLevelTarget, StaffingOutcome, StaffingProblem, required_agents,
};
use relevo_sim::{Distribution, Phase, Provider, Scenario, Simulation, Splitting};
use relevo_store::{Scope, Store};
use relevo_transitions::TransitionPlan;

macro_rules! bail {
    ($($t:tt)*) => {
        return Err(Error::Invalid { field: None, message: format!($($t)*) })
    };
}

/// Quarter hours in a week.
const WEEK: usize = 7 * 96;

/// How the what-if staffs each provider and what it assumes.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIfSettings {
    /// `auto` (provider hours, else Erlang C), `hours` or `erlang`.
    pub staffing: String,
    /// Erlang C staffing target: service level (fraction) within the threshold.
    pub target_sl: f64,
    /// Mean customer patience in seconds (default: estimated from the abandon data).
    pub patience_s: Option<f64>,
    /// Coefficient of variation of handle times (log-normal).
    pub aht_cv: f64,
    /// Service-level threshold in seconds (default: the channel's).
    pub sl_threshold_s: Option<u32>,
}

/// What the history says about the queue, per quarter hour of a typical week.
pub struct TypicalWeek {
    pub from_ms: i64,
    pub to_ms: i64,
    pub weeks: u32,
    /// Mean offered contacts per quarter hour of the week.
    pub offered: Vec<f64>,
    /// Per plan provider (from, to): offered contacts, handle-time sum and answered on the plan's
    /// channels; handled work on all the queue's channels; typical staffed agents per quarter hour.
    pub providers: [ProviderHistory; 2],
    pub queue_aht_s: Option<f64>,
    pub patience_s: Option<f64>,
}

/// One provider's history on the queue.
#[derive(Default)]
pub struct ProviderHistory {
    pub offered: i64,
    pub answered: i64,
    pub handle_ms: i64,
    pub handle_ms_all_channels: i64,
    pub agents: Option<Vec<f64>>,
}

impl ProviderHistory {
    pub fn aht_s(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.handle_ms as f64 / self.answered as f64 / 1000.0)
    }
}

/// The quarter hour of the week (Monday 00:00 = 0) an interval starts in, in `zone`.
fn slot_of(interval: i64, zone: &jiff::tz::TimeZone) -> Option<usize> {
    let z = jiff::Timestamp::from_millisecond(interval_start_ms(interval))
        .ok()?
        .to_zoned(zone.clone());
    let day = z.weekday().to_monday_zero_offset() as usize;
    Some(day * 96 + z.hour() as usize * 4 + z.minute() as usize / 15)
}

pub fn typical_week(
    store: &dyn Store,
    plan: &TransitionPlan,
    weeks: u32,
) -> Result<TypicalWeek, Error> {
    if weeks == 0 {
        return Err(Error::invalid("weeks", "weeks must be at least 1"));
    }
    let groups = store.groups(i64::MIN / 2, i64::MAX / 2, &Scope::All)?;
    let last = groups
        .iter()
        .filter(|(_, q, c)| *q == plan.queue && plan.channels.contains(c))
        .count();
    if last == 0 {
        bail!(
            "queue {:?} has no contacts on {} in the store: nothing to build a typical week from",
            plan.queue,
            plan.channels
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    let summary = store.summary(&Scope::All)?;
    let last_ms = summary.last_arrived_ms.unwrap_or(0);
    // The latest whole weeks (Monday to Sunday in the plan's zone) that end by the last data day.
    let last_day = jiff::Timestamp::from_millisecond(last_ms)?
        .to_zoned(plan.zone.clone())
        .date();
    let end_day = if last_day.weekday() == jiff::civil::Weekday::Sunday {
        last_day.tomorrow()?
    } else {
        last_day.checked_sub(
            jiff::Span::new().days(i64::from(last_day.weekday().to_monday_zero_offset())),
        )?
    };
    let start_day = end_day.checked_sub(jiff::Span::new().weeks(i64::from(weeks)))?;
    let midnight = |d: jiff::civil::Date| -> Result<i64, Error> {
        Ok(d.to_zoned(plan.zone.clone())?
            .start_of_day()?
            .timestamp()
            .as_millisecond())
    };
    let (from_ms, to_ms) = (midnight(start_day)?, midnight(end_day)?);
    let (from_i, to_i) = (
        relevo_core::interval_of(from_ms),
        relevo_core::interval_of(to_ms),
    );
    let mut offered = vec![0.0; WEEK];
    let mut providers: [ProviderHistory; 2] = Default::default();
    let mut queue = Cell::default();
    let (mut waits_ms, mut abandons) = (0.0f64, 0i64);
    let names = [plan.from.as_str(), plan.to.as_str()];
    store.for_each_cell(from_i, to_i, &Scope::All, &mut |c, cell| {
        if c.queue != plan.queue {
            return;
        }
        let who = names.iter().position(|n| *n == c.provider);
        if let Some(p) = who {
            providers[p].handle_ms_all_channels += cell.handle_ms();
        }
        if !plan.channels.contains(&c.channel) {
            return;
        }
        if let Some(slot) = slot_of(c.interval, &plan.zone) {
            offered[slot] += cell.offered as f64;
        }
        queue.merge_scalars(cell);
        waits_ms += cell.answered_wait_ms as f64;
        for &(bin, n) in cell.abandoned_waits.bins() {
            let upper_s = relevo_metrics::WaitHistogram::bin_upper_s(bin).min(3600);
            waits_ms += n as f64 * upper_s as f64 * 1000.0;
        }
        abandons += cell.abandoned;
        if let Some(p) = who {
            let h = &mut providers[p];
            h.offered += cell.offered;
            h.answered += cell.answered;
            h.handle_ms += cell.handle_ms();
        }
    })?;
    for v in &mut offered {
        *v /= f64::from(weeks);
    }
    for (p, name) in names.iter().enumerate() {
        let hours = store.hours(from_i, to_i, &Scope::Provider((*name).to_owned()))?;
        let mut agents = vec![0.0; WEEK];
        let mut any = false;
        for h in hours.iter().filter(|h| h.queue == plan.queue) {
            if let Some(slot) = slot_of(h.interval, &plan.zone) {
                agents[slot] += h.staffed_ms as f64 / 900_000.0 / f64::from(weeks);
                any |= h.staffed_ms > 0;
            }
        }
        providers[p].agents = any.then_some(agents);
    }
    Ok(TypicalWeek {
        from_ms,
        to_ms,
        weeks,
        offered,
        providers,
        queue_aht_s: (queue.answered > 0)
            .then(|| queue.handle_ms() as f64 / queue.answered as f64 / 1000.0),
        patience_s: (abandons > 0).then(|| waits_ms / abandons as f64 / 1000.0),
    })
}

/// The fewest agents whose Erlang C service level within `t_s` reaches `target` (0 without
/// arrivals), from relevo-queueing's staffing search.
fn erlang_agents(arrivals_per_s: f64, aht_s: f64, t_s: f64, target: f64) -> Result<u32, Error> {
    let mut problem = StaffingProblem::new(arrivals_per_s, aht_s, Model::ErlangC);
    problem.targets.service_level = Some(ServiceLevelTarget {
        fraction: target,
        threshold_s: t_s,
    });
    let outcome = required_agents(&problem).map_err(|e| Error::Invalid {
        field: None,
        message: e.to_string(),
    })?;
    Ok(match outcome {
        StaffingOutcome::Staffed(p) => p.raw_agents,
        StaffingOutcome::Overloaded { max_agents, .. }
        | StaffingOutcome::Unreachable { max_agents, .. } => max_agents,
    })
}

/// How each provider is staffed in the scenarios.
#[derive(Clone, Copy, PartialEq)]
pub enum StaffingChoice {
    Hours,
    Erlang,
}

pub struct Built {
    pub scenarios: Vec<Scenario>,
    pub staffing: [StaffingChoice; 2],
    pub aht_s: [f64; 2],
    pub patience_s: f64,
    pub sl_threshold_s: f64,
}

pub fn build(
    plan: &TransitionPlan,
    h: &TypicalWeek,
    args: &WhatIfSettings,
) -> Result<Built, Error> {
    let aht_s: [f64; 2] =
        std::array::from_fn(|p| h.providers[p].aht_s().or(h.queue_aht_s).unwrap_or(300.0));
    let patience_s = match (args.patience_s, h.patience_s) {
        (Some(p), _) => p,
        (None, Some(p)) => p,
        (None, None) => {
            return Err(Error::invalid(
                "patience",
                "patience: no abandoned contacts in the history to estimate it from; give it in seconds",
            ));
        }
    };
    if !(args.aht_cv.is_finite() && args.aht_cv > 0.0) {
        return Err(Error::invalid("aht_cv", "aht_cv must be a positive number"));
    }
    if !(args.target_sl > 0.0 && args.target_sl < 1.0) {
        return Err(Error::invalid(
            "target_sl",
            "target_sl must be a fraction in (0, 1), e.g. 0.8",
        ));
    }
    let channel = plan.channels.first().copied().unwrap_or(Channel::Voice);
    let sl_threshold_s = f64::from(
        args.sl_threshold_s
            .unwrap_or_else(|| channel.default_sl_threshold_s()),
    );
    let total_offered: i64 = h.providers.iter().map(|p| p.offered).sum::<i64>().max(1);
    let staffing: [StaffingChoice; 2] = std::array::from_fn(|p| {
        let has_hours = h.providers[p].agents.is_some() && h.providers[p].offered > 0;
        match args.staffing.as_str() {
            "erlang" => StaffingChoice::Erlang,
            _ if has_hours => StaffingChoice::Hours,
            _ => StaffingChoice::Erlang,
        }
    });
    match args.staffing.as_str() {
        "auto" | "erlang" => {}
        "hours" => {
            if let Some(p) = staffing.iter().position(|s| *s != StaffingChoice::Hours) {
                return Err(Error::invalid(
                    "staffing",
                    format!(
                        "staffing hours: {} has no hours or no history on {}",
                        [&plan.from, &plan.to][p],
                        plan.queue
                    ),
                ));
            }
        }
        other => {
            return Err(Error::invalid(
                "staffing",
                format!("staffing {other:?}: expected auto, hours or erlang"),
            ));
        }
    }
    let arrivals_per_s: Vec<f64> = h.offered.iter().map(|v| v / 900.0).collect();
    let mut scenarios = Vec::new();
    for k in 0..=plan.last_phase() {
        let shares = [1.0 - plan.share(k), plan.share(k)];
        let mut providers = Vec::new();
        for p in 0..2 {
            let agents: Vec<u32> = match staffing[p] {
                StaffingChoice::Hours => {
                    let ph = &h.providers[p];
                    let hist_share = ph.offered as f64 / total_offered as f64;
                    let channel_part = if ph.handle_ms_all_channels > 0 {
                        ph.handle_ms as f64 / ph.handle_ms_all_channels as f64
                    } else {
                        1.0
                    };
                    let scale = channel_part * shares[p] / hist_share;
                    ph.agents
                        .as_ref()
                        .expect("hours staffing has agents")
                        .iter()
                        .map(|a| (a * scale).ceil() as u32)
                        .collect()
                }
                StaffingChoice::Erlang => arrivals_per_s
                    .iter()
                    .map(|l| erlang_agents(l * shares[p], aht_s[p], sl_threshold_s, args.target_sl))
                    .collect::<Result<_, Error>>()?,
            };
            providers.push(Provider {
                name: [&plan.from, &plan.to][p].clone(),
                agents,
                handle_time: Distribution::lognormal(aht_s[p], args.aht_cv * aht_s[p]).map_err(
                    |e| Error::Invalid {
                        field: None,
                        message: format!("handle time: {e}"),
                    },
                )?,
                max_contacts_per_interval: None,
            });
        }
        scenarios.push(Scenario {
            interval_s: 900.0,
            arrivals_per_s: arrivals_per_s.clone(),
            providers,
            phases: vec![Phase {
                name: plan.phase_label(k),
                intervals: 0..WEEK,
                shares: shares.to_vec(),
            }],
            overflow_order: vec![0, 1],
            patience: Some(
                Distribution::exponential(patience_s).map_err(|e| Error::Invalid {
                    field: None,
                    message: format!("patience: {e}"),
                })?,
            ),
            sl_threshold_s,
            splitting: Splitting::Counted,
        });
    }
    Ok(Built {
        scenarios,
        staffing,
        aht_s,
        patience_s,
        sl_threshold_s,
    })
}

/// Runs `replications` of every phase's scenario from `seed`, reporting `(done, total, contacts)`
/// after each replication.
pub fn simulate(
    built: &Built,
    replications: u32,
    seed: u64,
    on_progress: &mut dyn FnMut(u64, u64, u64),
) -> Result<Vec<relevo_sim::Report>, Error> {
    if replications < 2 {
        return Err(Error::invalid(
            "replications",
            "replications must be at least 2 (confidence intervals need two)",
        ));
    }
    let total = u64::from(replications) * built.scenarios.len() as u64;
    let mut done = 0u64;
    let mut contacts = 0u64;
    let mut results = Vec::new();
    for scenario in &built.scenarios {
        let mut seeds = relevo_sim::SplitMix64::new(seed);
        let mut outcomes = Vec::with_capacity(replications as usize);
        for _ in 0..replications {
            let mut sim =
                Simulation::new(scenario, seeds.next_u64()).map_err(|e| Error::Invalid {
                    field: None,
                    message: format!("scenario: {e}"),
                })?;
            while sim.step() != relevo_sim::Step::Finished {}
            let outcome = sim.into_outcome();
            contacts += outcome.arrivals;
            outcomes.push(outcome);
            done += 1;
            on_progress(done, total, contacts);
        }
        results.push(relevo_sim::report(scenario, &outcomes));
    }
    Ok(results)
}
