//! `relevo plan`: a queue's forecast turned into required agents and scheduled FTE per interval
//! (Erlang C, or Erlang A with `--patience`), in total and split across providers by shares.
//!
//! A provider that takes a share of the volume staffs its own pool for that share, so the split
//! needs at least as many agents as the pooled total: both are shown.

use crate::cli_util::{bound_ms, open_store, zone};
use crate::forecast_cmd::{ForecastArgs, ForecastPoint, IntervalArg, MethodArg};
use anyhow::{Context, Result, bail};
use relevo_queueing::{
    Model, ServiceLevelTarget, StaffingOutcome, StaffingProblem, Targets, required_agents,
};
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
    /// Database file (default: $XDG_DATA_HOME/relevo/relevo.db)
    #[arg(long, env = "RELEVO_DB")]
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

/// One planned interval.
#[derive(Debug, Clone)]
struct Row {
    start: String,
    offered: f64,
    aht_s: f64,
    /// Pooled requirement: raw agents, scheduled (with shrinkage), achieved service level.
    agents: u32,
    scheduled: u32,
    service_level: Option<f64>,
    occupancy: f64,
    /// Scheduled agents per provider for its share.
    per_provider: Vec<u32>,
    note: Option<String>,
}

/// The staffing of one interval (pooled, or one provider's share).
struct Staffed {
    agents: u32,
    scheduled: u32,
    service_level: Option<f64>,
    occupancy: f64,
    note: Option<String>,
}

fn staff(args: &PlanArgs, offered: f64, aht_s: f64, interval_s: u32) -> Result<Staffed> {
    let done = |agents, scheduled, service_level, occupancy, note| Staffed {
        agents,
        scheduled,
        service_level,
        occupancy,
        note,
    };
    if offered <= 0.0 {
        return Ok(done(0, 0, None, 0.0, None));
    }
    let problem = StaffingProblem {
        arrivals_per_s: offered / f64::from(interval_s),
        aht_s,
        model: match args.patience {
            Some(p) => Model::ErlangA { patience_s: p },
            None => Model::ErlangC,
        },
        targets: Targets {
            service_level: Some(ServiceLevelTarget {
                fraction: args.target_sl,
                threshold_s: args.sl_threshold,
            }),
            max_asa_s: args.target_asa,
            max_abandon: args.max_abandon,
            max_occupancy: Some(args.max_occupancy),
        },
        shrinkage: args.shrinkage,
        min_agents: 0,
        max_agents: None,
    };
    Ok(match required_agents(&problem)? {
        StaffingOutcome::Staffed(p) => done(
            p.raw_agents,
            p.agents_with_shrinkage,
            p.achieved.service_level,
            p.achieved.occupancy,
            None,
        ),
        StaffingOutcome::Overloaded { max_agents, .. } => {
            done(max_agents, max_agents, None, 1.0, Some("overloaded".into()))
        }
        StaffingOutcome::Unreachable { max_agents, .. } => done(
            max_agents,
            max_agents,
            None,
            1.0,
            Some("targets unreachable".into()),
        ),
    })
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
    let (store, _) = open_store(args.db.as_ref())?;
    let history = relevo_app::history::queue_history(&*store, &args.queue)?;
    let last_ms = history
        .rows
        .last()
        .map_or(0, |r| r.period_start.as_millisecond());
    if to_ms <= last_ms {
        bail!(
            "--to {} is inside the history of queue {:?}: plan future days",
            args.to,
            args.queue
        );
    }
    // Forecast from the end of history up to --to.
    let hours = ((to_ms - last_ms) / 3_600_000 + 24).max(24);
    let fargs = ForecastArgs {
        input: None,
        queue: Some(args.queue.clone()),
        tz: args.tz.clone(),
        interval: Some(args.interval),
        horizon: format!("{hours}h"),
        method: MethodArg::Auto,
        k: 4,
        backtest: None,
        exceptions: None,
        format: None,
    };
    let (points, method) = crate::forecast_cmd::forecast_points(&fargs, &history)?;
    let mean_aht = {
        let (mut w, mut s) = (0.0, 0.0);
        for r in &history.rows {
            if let Some(a) = r.aht_s {
                w += r.offered;
                s += a * r.offered;
            }
        }
        if w > 0.0 { s / w } else { 300.0 }
    };
    let in_range: Vec<&ForecastPoint> = points
        .iter()
        .filter(|p| (from_ms..to_ms).contains(&p.start.timestamp().as_millisecond()))
        .collect();
    if in_range.is_empty() {
        bail!(
            "the forecast does not reach {}..{}: history ends too long before",
            args.from,
            args.to
        );
    }
    let mut rows = Vec::with_capacity(in_range.len());
    for p in in_range {
        let aht = p.aht_s.filter(|a| *a > 0.0).unwrap_or(mean_aht);
        let pooled = staff(args, p.offered, aht, p.interval_s)?;
        let mut per_provider = Vec::with_capacity(split.len());
        for (_, share) in &split {
            per_provider.push(staff(args, p.offered * share, aht, p.interval_s)?.scheduled);
        }
        rows.push(Row {
            start: p
                .start
                .timestamp()
                .display_with_offset(p.start.offset())
                .to_string(),
            offered: p.offered,
            aht_s: aht,
            agents: pooled.agents,
            scheduled: pooled.scheduled,
            service_level: pooled.service_level,
            occupancy: pooled.occupancy,
            per_provider,
            note: pooled.note,
        });
    }
    let interval_h = f64::from(points[0].interval_s) / 3600.0;
    print!("{}", render(args, &split, &rows, &method, interval_h)?);
    Ok(ExitCode::SUCCESS)
}

fn render(
    args: &PlanArgs,
    split: &[(String, f64)],
    rows: &[Row],
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
                    r.start,
                    r.offered,
                    r.aht_s,
                    r.agents,
                    r.scheduled,
                    r.service_level.map_or(String::new(), |v| format!("{v:.4}")),
                    r.occupancy
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
                        "period_start": r.start, "offered_forecast": r.offered, "aht_s": r.aht_s,
                        "agents": r.agents, "scheduled": r.scheduled, "service_level": r.service_level,
                        "occupancy": r.occupancy, "scheduled_by_provider": providers, "note": r.note,
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
                "{:<25} {:>8} {:>6} {:>6} {:>9} {:>6} {:>6}",
                "period", "offered", "AHT", "agents", "scheduled", "SL", "occ"
            );
            for (p, s) in split {
                header.push_str(&format!(" {:>14}", format!("{p} {:.0}%", s * 100.0)));
            }
            let _ = writeln!(out, "{header}");
            let _ = writeln!(out, "{}", "─".repeat(header.chars().count()));
            for r in rows {
                let mut line = format!(
                    "{:<25} {:>8.1} {:>5.0}s {:>6} {:>9} {:>6} {:>5.0}%",
                    r.start,
                    r.offered,
                    r.aht_s,
                    r.agents,
                    r.scheduled,
                    r.service_level
                        .map_or("–".into(), |v| format!("{:.0}%", v * 100.0)),
                    r.occupancy * 100.0
                );
                for n in &r.per_provider {
                    line.push_str(&format!(" {n:>14}"));
                }
                if let Some(note) = &r.note {
                    line.push_str(&format!("  {note}"));
                }
                let _ = writeln!(out, "{line}");
            }
            let pooled: f64 = rows.iter().map(|r| f64::from(r.scheduled)).sum::<f64>() * interval_h;
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
