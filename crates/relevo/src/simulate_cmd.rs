//! `relevo simulate --plan FILE`: what each phase of a transition plan would do to service, by
//! discrete-event simulation (`relevo-sim`) of a typical week of the queue built from the store.
//!
//! Per phase, one scenario of 672 quarter hours (Monday to Sunday in the plan's zone):
//! - arrivals: the mean offered contacts of each local quarter hour of the week over the last
//!   `--weeks` whole weeks of history (all providers, the plan's channels);
//! - shares: the phase's target split between the outgoing and the incoming provider, counted like
//!   the router splits; a provider without agents in an interval overflows to the other;
//! - agents: from the provider hours table when the provider has hours and history on the queue —
//!   its typical staffed agents, times the plan channels' part of its handled work, scaled by
//!   (phase share / historical share) — otherwise the fewest agents that reach `--target-sl` by
//!   Erlang C for the phase's arrivals;
//! - handle times: log-normal with each provider's AHT on the queue (the queue's AHT for a provider
//!   new to it) and `--aht-cv`;
//! - patience: exponential with mean (total waiting time of answered and abandoned contacts) /
//!   abandons (anchors §4), or `--patience`.
//!
//! Replications are seeded like `relevo_sim::run` (splitmix64 from `--seed`), the same seeds for
//! every phase, so phases differ only by their plan: the same seed gives the same output.
//! Not modelled: chat concurrency, multi-skill agents, retrials, forecast growth.

use crate::cli_util::{open_store, thousands};
use crate::transition_cmd::read_plan;
use anyhow::{Result, bail};
use relevo_core::{Channel, interval_start_ms};
use relevo_metrics::Cell;
use relevo_queueing::{
    Model, ServiceLevelTarget, StaffingOutcome, StaffingProblem, required_agents,
};
use relevo_sim::{Distribution, Measures, Phase, Provider, Scenario, Simulation, Splitting};
use relevo_store::{Scope, Store};
use relevo_transitions::TransitionPlan;
use std::path::PathBuf;
use std::process::ExitCode;

/// Quarter hours in a week.
const WEEK: usize = 7 * 96;

#[derive(clap::Args, Debug)]
pub struct SimulateArgs {
    /// Transition plan file (TOML)
    #[arg(long)]
    pub plan: PathBuf,
    /// Independent replications per phase (each one a typical week)
    #[arg(long, default_value_t = 20)]
    pub replications: u32,
    /// Random seed: the same seed and data give the same output
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Whole weeks of history for the typical week (the latest ones with data)
    #[arg(long, default_value_t = 8)]
    pub weeks: u32,
    /// Staffing: auto (provider hours, else Erlang C), hours, or erlang
    #[arg(long, default_value = "auto")]
    pub staffing: String,
    /// Erlang C staffing target: service level (fraction) within the threshold
    #[arg(long, default_value_t = 0.8)]
    pub target_sl: f64,
    /// Mean customer patience in seconds (default: estimated from the abandon data)
    #[arg(long)]
    pub patience: Option<f64>,
    /// Coefficient of variation of handle times (log-normal)
    #[arg(long, default_value_t = 1.0)]
    pub aht_cv: f64,
    /// Service-level threshold T in seconds (default: the channel's, 20 s for voice)
    #[arg(long)]
    pub sl_threshold: Option<u32>,
    /// table or json
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Database file (default: $XDG_DATA_HOME/relevo/relevo.db)
    #[arg(long, env = "RELEVO_DB")]
    pub db: Option<PathBuf>,
}

/// What the history says about the queue, per quarter hour of a typical week.
struct History {
    from_ms: i64,
    to_ms: i64,
    weeks: u32,
    /// Mean offered contacts per quarter hour of the week.
    offered: Vec<f64>,
    /// Per plan provider (from, to): offered contacts, handle-time sum and answered on the plan's
    /// channels; handled work on all the queue's channels; typical staffed agents per quarter hour.
    providers: [ProviderHistory; 2],
    queue_aht_s: Option<f64>,
    patience_s: Option<f64>,
}

#[derive(Default)]
struct ProviderHistory {
    offered: i64,
    answered: i64,
    handle_ms: i64,
    handle_ms_all_channels: i64,
    agents: Option<Vec<f64>>,
}

impl ProviderHistory {
    fn aht_s(&self) -> Option<f64> {
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

fn history(store: &dyn Store, plan: &TransitionPlan, weeks: u32) -> Result<History> {
    if weeks == 0 {
        bail!("--weeks must be at least 1");
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
    let midnight = |d: jiff::civil::Date| -> Result<i64> {
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
    Ok(History {
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
fn erlang_agents(arrivals_per_s: f64, aht_s: f64, t_s: f64, target: f64) -> Result<u32> {
    let mut problem = StaffingProblem::new(arrivals_per_s, aht_s, Model::ErlangC);
    problem.targets.service_level = Some(ServiceLevelTarget {
        fraction: target,
        threshold_s: t_s,
    });
    Ok(match required_agents(&problem)? {
        StaffingOutcome::Staffed(p) => p.raw_agents,
        StaffingOutcome::Overloaded { max_agents, .. }
        | StaffingOutcome::Unreachable { max_agents, .. } => max_agents,
    })
}

/// How each provider is staffed in the scenarios.
#[derive(Clone, Copy, PartialEq)]
enum Staffing {
    Hours,
    Erlang,
}

struct Built {
    scenarios: Vec<Scenario>,
    staffing: [Staffing; 2],
    aht_s: [f64; 2],
    patience_s: f64,
    sl_threshold_s: f64,
}

fn build(plan: &TransitionPlan, h: &History, args: &SimulateArgs) -> Result<Built> {
    let aht_s: [f64; 2] =
        std::array::from_fn(|p| h.providers[p].aht_s().or(h.queue_aht_s).unwrap_or(300.0));
    let patience_s = match (args.patience, h.patience_s) {
        (Some(p), _) => p,
        (None, Some(p)) => p,
        (None, None) => bail!(
            "no abandoned contacts in the history to estimate patience from: give --patience SECONDS"
        ),
    };
    if !(args.aht_cv.is_finite() && args.aht_cv > 0.0) {
        bail!("--aht-cv must be a positive number");
    }
    if !(args.target_sl > 0.0 && args.target_sl < 1.0) {
        bail!("--target-sl must be a fraction in (0, 1), e.g. 0.8");
    }
    let channel = plan.channels.first().copied().unwrap_or(Channel::Voice);
    let sl_threshold_s = f64::from(
        args.sl_threshold
            .unwrap_or_else(|| channel.default_sl_threshold_s()),
    );
    let total_offered: i64 = h.providers.iter().map(|p| p.offered).sum::<i64>().max(1);
    let staffing: [Staffing; 2] = std::array::from_fn(|p| {
        let has_hours = h.providers[p].agents.is_some() && h.providers[p].offered > 0;
        match args.staffing.as_str() {
            "erlang" => Staffing::Erlang,
            _ if has_hours => Staffing::Hours,
            _ => Staffing::Erlang,
        }
    });
    match args.staffing.as_str() {
        "auto" | "erlang" => {}
        "hours" => {
            if let Some(p) = staffing.iter().position(|s| *s != Staffing::Hours) {
                bail!(
                    "--staffing hours: {} has no hours or no history on {}",
                    [&plan.from, &plan.to][p],
                    plan.queue
                );
            }
        }
        other => bail!("unknown --staffing {other:?} (expected auto, hours or erlang)"),
    }
    let arrivals_per_s: Vec<f64> = h.offered.iter().map(|v| v / 900.0).collect();
    let mut scenarios = Vec::new();
    for k in 0..=plan.last_phase() {
        let shares = [1.0 - plan.share(k), plan.share(k)];
        let mut providers = Vec::new();
        for p in 0..2 {
            let agents: Vec<u32> = match staffing[p] {
                Staffing::Hours => {
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
                Staffing::Erlang => arrivals_per_s
                    .iter()
                    .map(|l| erlang_agents(l * shares[p], aht_s[p], sl_threshold_s, args.target_sl))
                    .collect::<Result<_>>()?,
            };
            providers.push(Provider {
                name: [&plan.from, &plan.to][p].clone(),
                agents,
                handle_time: Distribution::lognormal(aht_s[p], args.aht_cv * aht_s[p])
                    .map_err(|e| anyhow::anyhow!("handle time: {e}"))?,
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
                Distribution::exponential(patience_s)
                    .map_err(|e| anyhow::anyhow!("patience: {e}"))?,
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

fn pct(e: &relevo_sim::Estimate) -> String {
    if e.mean.is_nan() {
        return "–".to_owned();
    }
    format!("{:5.1} % ± {:4.1}", 100.0 * e.mean, 100.0 * e.half_width)
}

fn secs(e: &relevo_sim::Estimate) -> String {
    if e.mean.is_nan() {
        return "–".to_owned();
    }
    format!("{:5.1} s ± {:4.1}", e.mean, e.half_width)
}

fn estimate_json(e: &relevo_sim::Estimate) -> serde_json::Value {
    if e.mean.is_nan() {
        serde_json::Value::Null
    } else {
        serde_json::json!({ "mean": e.mean, "half_width": e.half_width })
    }
}

fn measures_json(name: &str, m: &Measures) -> serde_json::Value {
    serde_json::json!({
        "provider": name,
        "offered": estimate_json(&m.offered),
        "answered": estimate_json(&m.answered),
        "abandoned": estimate_json(&m.abandoned),
        "service_level": estimate_json(&m.service_level),
        "asa_s": estimate_json(&m.asa_s),
        "abandonment": estimate_json(&m.abandonment),
    })
}

pub fn run(args: &SimulateArgs) -> Result<ExitCode> {
    if args.replications < 2 {
        bail!("--replications must be at least 2 (confidence intervals need two)");
    }
    let plan = read_plan(&args.plan)?;
    let (store, _) = open_store(args.db.as_ref())?;
    let h = history(&*store, &plan, args.weeks)?;
    let built = build(&plan, &h, args)?;
    let total = u64::from(args.replications) * built.scenarios.len() as u64;
    let mut progress = crate::progress::Progress::new("simulating");
    let mut done = 0u64;
    let mut contacts = 0u64;
    let mut results = Vec::new();
    for scenario in &built.scenarios {
        let mut seeds = relevo_sim::SplitMix64::new(args.seed);
        let mut outcomes = Vec::with_capacity(args.replications as usize);
        for _ in 0..args.replications {
            let mut sim = Simulation::new(scenario, seeds.next_u64())
                .map_err(|e| anyhow::anyhow!("scenario: {e}"))?;
            while sim.step() != relevo_sim::Step::Finished {}
            let outcome = sim.into_outcome();
            contacts += outcome.arrivals;
            outcomes.push(outcome);
            done += 1;
            progress.update(done, total, contacts);
        }
        results.push(relevo_sim::report(scenario, &outcomes));
    }
    progress.finish();
    let names = [plan.from.as_str(), plan.to.as_str()];
    let staffing_text = |p: usize| match built.staffing[p] {
        Staffing::Hours => "provider hours scaled to the phase's share".to_owned(),
        Staffing::Erlang => format!(
            "Erlang C for {} % within {} s",
            relevo_transitions::plan::fmt_share(args.target_sl),
            built.sl_threshold_s
        ),
    };
    if args.format == "json" {
        let phases: Vec<serde_json::Value> = results
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let s = &r.phases[0];
                serde_json::json!({
                    "phase": k,
                    "name": s.name,
                    "share": plan.share(k),
                    "all": measures_json("all", &s.all),
                    "providers": s.providers.iter().zip(names).map(|(m, n)| measures_json(n, m)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let v = serde_json::json!({
            "plan": plan.name,
            "queue": plan.queue,
            "replications": args.replications,
            "seed": args.seed,
            "history": { "from": plan.format_instant(h.from_ms), "to": plan.format_instant(h.to_ms), "weeks": h.weeks,
                          "offered_per_week": h.offered.iter().sum::<f64>() },
            "aht_s": { names[0]: built.aht_s[0], names[1]: built.aht_s[1] },
            "patience_s": built.patience_s,
            "sl_threshold_s": built.sl_threshold_s,
            "staffing": { names[0]: staffing_text(0), names[1]: staffing_text(1) },
            "phases": phases,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: {} on {}, {} → {}; {} replications of a typical week per phase, seed {}",
        plan.name,
        plan.queue,
        plan.channels
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(","),
        plan.from,
        plan.to,
        args.replications,
        args.seed
    );
    println!(
        "  typical week from {} .. {} ({} weeks): {} contacts offered per week",
        plan.format_instant(h.from_ms),
        plan.format_instant(h.to_ms),
        h.weeks,
        thousands(h.offered.iter().sum::<f64>().round() as u64)
    );
    for (p, name) in names.iter().enumerate() {
        println!(
            "  {}: AHT {:.0} s (log-normal, cv {}); staffing: {}",
            name,
            built.aht_s[p],
            args.aht_cv,
            staffing_text(p)
        );
    }
    println!(
        "  patience {:.0} s (exponential{}); service level within {} s; 95 % confidence intervals",
        built.patience_s,
        if args.patience.is_some() {
            ", --patience"
        } else {
            ", from the abandon data"
        },
        built.sl_threshold_s
    );
    println!();
    println!(
        "{:<24} {:<16} {:>14} {:>16} {:>16} {:>16}",
        "phase", "provider", "offered", "service level", "ASA", "abandoned"
    );
    for r in &results {
        let s = &r.phases[0];
        let rows = s
            .providers
            .iter()
            .zip(names)
            .chain(std::iter::once((&s.all, "all")));
        for (i, (m, name)) in rows.enumerate() {
            println!(
                "{:<24} {:<16} {:>14} {:>16} {:>16} {:>16}",
                if i == 0 { s.name.as_str() } else { "" },
                name,
                format!("{:.0} ± {:.0}", m.offered.mean, m.offered.half_width),
                pct(&m.service_level),
                secs(&m.asa_s),
                pct(&m.abandonment)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
