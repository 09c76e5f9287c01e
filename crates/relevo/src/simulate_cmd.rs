//! `relevo simulate --plan FILE`: what each phase of a transition plan would do to service, by
//! discrete-event simulation (`relevo-sim`) of a typical week of the queue built from the store.
//!
//! The typical week, the scenarios and the replications are `relevo_app::whatif` (documented
//! there); this module reads the options and the plan file and prints the result.

use crate::cli_util::{open_existing, thousands};
use crate::transition_cmd::read_plan;
use anyhow::{Result, bail};
use relevo_app::whatif::{StaffingChoice, WhatIfSettings, build, simulate, typical_week};
use relevo_sim::Measures;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
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

/// The what-if's settings from the options.
fn settings(args: &SimulateArgs) -> Result<WhatIfSettings> {
    Ok(WhatIfSettings {
        staffing: args.staffing.clone(),
        target_sl: args.target_sl,
        patience_s: args.patience,
        aht_cv: args.aht_cv,
        sl_threshold_s: args.sl_threshold,
    })
}

pub fn run(args: &SimulateArgs) -> Result<ExitCode> {
    if args.replications < 2 {
        bail!("--replications must be at least 2 (confidence intervals need two)");
    }
    let plan = read_plan(&args.plan)?;
    let (store, _) = open_existing(args.db.as_ref())?;
    let h = typical_week(&*store, &plan, args.weeks)?;
    let built = build(&plan, &h, &settings(args)?)?;
    let mut progress = crate::progress::Progress::new("simulating");
    let results = simulate(
        &built,
        args.replications,
        args.seed,
        &mut |done, total, contacts| progress.update(done, total, contacts),
    )?;
    progress.finish();
    let names = [plan.from.as_str(), plan.to.as_str()];
    let staffing_text = |p: usize| match built.staffing[p] {
        StaffingChoice::Hours => "provider hours scaled to the phase's share".to_owned(),
        StaffingChoice::Erlang => format!(
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
