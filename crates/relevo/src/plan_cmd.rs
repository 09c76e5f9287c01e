//! `relevo plan`: a queue's forecast turned into required agents and scheduled FTE per interval
//! (Erlang C, or Erlang A with `--patience`), in total and split across providers by shares.
//!
//! A provider that takes a share of the volume staffs its own pool for that share, so the split
//! needs at least as many agents as the pooled total: both are shown.

use crate::cli_util::{bound_ms, open_existing, zone};
use crate::forecast_cmd::IntervalArg;
use anyhow::{Context, Result, bail};
use relevo_app::planning::{PlanRequest, PlanRow, StaffingSettings};
use relevo_store::Scope;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// Queue whose history is forecast
    #[arg(long)]
    pub queue: String,
    /// First day of the plan (inclusive, in --tz)
    #[arg(long)]
    pub from: String,
    /// Last day of the plan (inclusive)
    #[arg(long)]
    pub to: String,
    /// Time zone of the days and intervals
    #[arg(long, default_value = "UTC", env = "RELEVO_TZ")]
    pub tz: String,
    /// Interval length
    #[arg(long, value_enum, default_value = "60m")]
    pub interval: IntervalArg,
    /// Target service level, a fraction in (0, 1]
    #[arg(long, default_value_t = 0.8)]
    pub target_sl: f64,
    /// Service-level threshold in seconds
    #[arg(long, default_value_t = 20.0)]
    pub sl_threshold: f64,
    /// Largest acceptable ASA in seconds
    #[arg(long)]
    pub target_asa: Option<f64>,
    /// Largest acceptable abandonment fraction (Erlang A)
    #[arg(long)]
    pub max_abandon: Option<f64>,
    /// Mean patience in seconds: selects Erlang A
    #[arg(long)]
    pub patience: Option<f64>,
    /// Occupancy cap, a fraction (agents above 85% burn out)
    #[arg(long, default_value_t = 0.85)]
    pub max_occupancy: f64,
    /// Shrinkage: fraction of paid time agents are not available
    #[arg(long, default_value_t = 0.3)]
    pub shrinkage: f64,
    /// Provider shares, e.g. inhouse=0.6,sur-contact=0.4 (must sum to 1)
    #[arg(long)]
    pub split: Option<String>,
    /// table, csv or json
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
}

/// `provider=share,…` → shares that sum to 1 (within 0.001).
pub fn parse_split(text: &str) -> Result<Vec<(String, f64)>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, share) = part
            .split_once('=')
            .with_context(|| format!("--split {part:?}: expected PROVIDER=SHARE"))?;
        let share: f64 = share
            .trim()
            .parse()
            .ok()
            .filter(|s: &f64| (0.0..=1.0).contains(s))
            .with_context(|| {
                format!("--split {part:?}: the share must be a fraction between 0 and 1")
            })?;
        out.push((name.trim().to_string(), share));
    }
    let total: f64 = out.iter().map(|(_, s)| s).sum();
    if out.is_empty() || (total - 1.0).abs() > 1e-3 {
        bail!("--split: shares must sum to 1, they sum to {total}");
    }
    Ok(out)
}

/// The staffing targets and assumptions of the options.
fn settings(args: &PlanArgs) -> StaffingSettings {
    StaffingSettings {
        target_sl: args.target_sl,
        sl_threshold_s: args.sl_threshold,
        max_asa_s: args.target_asa,
        max_abandon: args.max_abandon,
        patience_s: args.patience,
        max_occupancy: args.max_occupancy,
        shrinkage: args.shrinkage,
    }
}

pub fn run(args: &PlanArgs) -> Result<ExitCode> {
    let tz = zone(&args.tz)?;
    let from_ms = bound_ms(&args.from, &tz, false, "--from")?;
    let to_ms = bound_ms(&args.to, &tz, true, "--to")?;
    if from_ms >= to_ms {
        bail!("--from {} is not before --to {}", args.from, args.to);
    }
    let split = match &args.split {
        Some(s) => parse_split(s)?,
        None => Vec::new(),
    };
    let (store, _) = open_existing(args.db.as_ref())?;
    let plan = relevo_app::planning::plan(
        &*store,
        &Scope::All,
        &PlanRequest {
            queue: args.queue.clone(),
            from_ms,
            to_ms,
            from_label: args.from.clone(),
            to_label: args.to.clone(),
            tz: args.tz.clone(),
            interval: args.interval.interval(),
            staffing: settings(args),
            split: split.clone(),
        },
    )?;
    let interval_h = f64::from(plan.interval_s) / 3600.0;
    print!(
        "{}",
        render(args, &split, &plan.rows, &plan.forecast_method, interval_h)?
    );
    Ok(ExitCode::SUCCESS)
}

/// An interval's start as RFC 3339 with its local offset.
fn start_text(r: &PlanRow) -> String {
    r.start
        .timestamp()
        .display_with_offset(r.start.offset())
        .to_string()
}

fn render(
    args: &PlanArgs,
    split: &[(String, f64)],
    rows: &[PlanRow],
    method: &str,
    interval_h: f64,
) -> Result<String> {
    let mut out = String::new();
    match args.format.as_str() {
        "csv" => {
            out.push_str(
                "period_start,offered_forecast,aht_s,agents,scheduled,service_level,occupancy",
            );
            for (p, _) in split {
                out.push_str(&format!(",scheduled_{p}"));
            }
            out.push('\n');
            for r in rows {
                let _ = write!(
                    out,
                    "{},{:.3},{:.1},{},{},{},{:.4}",
                    start_text(r),
                    r.offered,
                    r.aht_s,
                    r.pooled.agents,
                    r.pooled.scheduled,
                    r.pooled
                        .service_level
                        .map_or(String::new(), |v| format!("{v:.4}")),
                    r.pooled.occupancy
                );
                for n in &r.per_provider {
                    let _ = write!(out, ",{n}");
                }
                out.push('\n');
            }
        }
        "json" => {
            let rows: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let providers: serde_json::Map<String, serde_json::Value> =
                        split.iter().zip(&r.per_provider).map(|((p, _), n)| (p.clone(), (*n).into())).collect();
                    serde_json::json!({
                        "period_start": start_text(r), "offered_forecast": r.offered, "aht_s": r.aht_s,
                        "agents": r.pooled.agents, "scheduled": r.pooled.scheduled, "service_level": r.pooled.service_level,
                        "occupancy": r.pooled.occupancy, "scheduled_by_provider": providers, "note": r.pooled.note,
                    })
                })
                .collect();
            out =
                serde_json::json!({ "queue": args.queue, "forecast_method": method, "rows": rows })
                    .to_string();
            out.push('\n');
        }
        "table" => {
            let model = match args.patience {
                Some(p) => format!("Erlang A (patience {p:.0} s)"),
                None => "Erlang C".into(),
            };
            let _ = writeln!(
                out,
                "queue {} · forecast {method} · {model} · SL {:.0}% in {:.0} s · occupancy ≤ {:.0}% · shrinkage {:.0}%",
                args.queue,
                args.target_sl * 100.0,
                args.sl_threshold,
                args.max_occupancy * 100.0,
                args.shrinkage * 100.0
            );
            let mut header = format!(
                "{:<25} {:>8} {:>10} {:>6} {:>9} {:>6} {:>6}",
                "period", "offered", "AHT", "agents", "scheduled", "SL", "occ"
            );
            for (p, s) in split {
                header.push_str(&format!(" {:>14}", format!("{p} {:.0}%", s * 100.0)));
            }
            let _ = writeln!(out, "{header}");
            let _ = writeln!(out, "{}", "─".repeat(header.chars().count()));
            for r in rows {
                let mut line = format!(
                    "{:<25} {:>8.1} {:>10} {:>6} {:>9} {:>6} {:>5.0}%",
                    start_text(r),
                    r.offered,
                    relevo_core::format_duration(r.aht_s),
                    r.pooled.agents,
                    r.pooled.scheduled,
                    r.pooled
                        .service_level
                        .map_or("–".into(), |v| format!("{:.0}%", v * 100.0)),
                    r.pooled.occupancy * 100.0
                );
                for n in &r.per_provider {
                    line.push_str(&format!(" {n:>14}"));
                }
                if let Some(note) = &r.pooled.note {
                    line.push_str(&format!("  {note}"));
                }
                let _ = writeln!(out, "{line}");
            }
            let pooled: f64 = rows
                .iter()
                .map(|r| f64::from(r.pooled.scheduled))
                .sum::<f64>()
                * interval_h;
            let _ = write!(out, "scheduled hours: pooled {pooled:.0}");
            for (i, (p, _)) in split.iter().enumerate() {
                let h: f64 = rows
                    .iter()
                    .map(|r| f64::from(r.per_provider[i]))
                    .sum::<f64>()
                    * interval_h;
                let _ = write!(out, ", {p} {h:.0}");
            }
            out.push('\n');
        }
        other => bail!("unknown --format {other:?} (expected table, csv or json)"),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_shares_must_sum_to_one() {
        assert_eq!(
            parse_split("a=0.6, b=0.4").unwrap(),
            vec![("a".into(), 0.6), ("b".into(), 0.4)]
        );
        assert_eq!(
            parse_split("a=0.6,b=0.3").unwrap_err().to_string(),
            "--split: shares must sum to 1, they sum to 0.8999999999999999"
        );
        assert_eq!(
            parse_split("a").unwrap_err().to_string(),
            "--split \"a\": expected PROVIDER=SHARE"
        );
        assert_eq!(
            parse_split("a=2").unwrap_err().to_string(),
            "--split \"a=2\": the share must be a fraction between 0 and 1"
        );
    }
}
