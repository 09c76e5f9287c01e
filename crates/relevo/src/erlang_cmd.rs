//! `relevo erlang`: Erlang C / Erlang A measures for a given number of agents, or the agents
//! needed to meet targets. Flag checking and rendering only; the math is relevo-queueing.
//!
//! ```text
//! relevo erlang --arrivals 100 --per 30m --aht 180 --agents 14
//! relevo erlang --arrivals 100 --per 30m --aht 180 --target-sl 0.8 --max-occupancy 0.85 --shrinkage 0.3
//! relevo erlang --arrivals 100 --per 30m --aht 180 --patience 300 --target-sl 0.8 --max-abandon 0.05 --json
//! ```

use anyhow::{Result, bail};
use relevo_app::erlang::Staffing;
use relevo_queueing::{Binding, Model, Queue, QueueingError, ServiceLevelTarget, Targets};
use serde_json::{Value, json};

/// Erlang C (callers wait) or, with --patience, Erlang A (callers hang up).
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct ErlangArgs {
    /// Contacts arriving per --per period
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub arrivals: f64,
    /// The period --arrivals are counted over: 15m, 30m, 1h, 900s, 1h30m
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_s, allow_hyphen_values = true)]
    pub per: f64,
    /// Average handle time, seconds
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub aht: f64,
    /// Agents on the queue: report P(wait), service level, ASA and occupancy (fractions allowed)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub agents: Option<f64>,
    /// Mean patience before hanging up, seconds: selects Erlang A (abandonment)
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub patience: Option<f64>,
    /// Target service level as a fraction (0.8 = 80 % answered within --sl-threshold): report the agents needed
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub target_sl: Option<f64>,
    /// Service-level threshold, seconds
    #[arg(
        long,
        value_name = "S",
        default_value_t = 20.0,
        allow_negative_numbers = true
    )]
    pub sl_threshold: f64,
    /// Largest acceptable average speed of answer, seconds
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub target_asa: Option<f64>,
    /// Largest acceptable fraction of callers abandoning (needs --patience)
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub max_abandon: Option<f64>,
    /// Largest acceptable occupancy, a fraction
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub max_occupancy: Option<f64>,
    /// Fraction of paid time agents are unavailable; agents to schedule = ceil(raw / (1 - shrinkage))
    #[arg(
        long,
        value_name = "F",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    pub shrinkage: f64,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Runs `relevo erlang` and prints its report.
pub fn run(args: &ErlangArgs) -> Result<()> {
    print!("{}", render(args)?);
    Ok(())
}

/// The report `run` prints.
fn render(args: &ErlangArgs) -> Result<String> {
    let input = Input::checked(args)?;
    let report = match input.agents {
        Some(agents) => measures_report(&input, agents),
        None => staffing_report(&input)?,
    };
    Ok(if args.json {
        let mut text = serde_json::to_string_pretty(&report.json)?;
        text.push('\n');
        text
    } else {
        table(&report.rows)
    })
}

/// `15m`, `30m`, `1h`, `900s`, `1h30m`, `1.5h` → seconds (> 0).
pub fn parse_duration_s(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration: use e.g. 15m, 30m, 1h or 900s".into());
    }
    if text.starts_with('-') {
        return Err(format!(
            "{text:?} is negative: a period must be longer than zero"
        ));
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!(
                "{text:?} is not a duration: use e.g. 15m, 30m, 1h or 900s"
            ));
        }
        let number: f64 = rest[..digits].parse().map_err(|_| {
            format!(
                "{text:?} is not a duration: bad number {:?}",
                &rest[..digits]
            )
        })?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "" => {
                return Err(format!(
                    "{text:?} has no unit: use s, m or h (e.g. 900s, 15m, 1h)"
                ));
            }
            unit => return Err(format!("unknown unit {unit:?} in {text:?}: use s, m or h")),
        };
        rest = &rest[unit_len..];
        total += number * seconds;
    }
    if total > 0.0 && total.is_finite() {
        Ok(total)
    } else {
        Err(format!(
            "{text:?} is zero: a period must be longer than zero"
        ))
    }
}

/// Seconds back to the shortest of `45s`, `15m`, `1h`, `1h30m`.
fn format_duration(seconds: f64) -> String {
    let whole = seconds.round();
    if (seconds - whole).abs() > 1e-9 || whole <= 0.0 {
        return format!("{seconds} s");
    }
    let whole = whole as u64;
    let (h, m, s) = (whole / 3600, whole % 3600 / 60, whole % 60);
    let mut out = String::new();
    for (value, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if value > 0 {
            out.push_str(&format!("{value}{unit}"));
        }
    }
    out
}

/// The flags after checking, with the flag names in every error.
struct Input {
    arrivals: f64,
    per_s: f64,
    aht_s: f64,
    model: Model,
    agents: Option<f64>,
    targets: Targets,
    sl_threshold_s: f64,
    shrinkage: f64,
}

impl Input {
    fn checked(a: &ErlangArgs) -> Result<Self> {
        fn need(ok: bool, flag: &str, what: &str, value: f64) -> Result<()> {
            if ok {
                Ok(())
            } else {
                bail!("{flag} must be {what}, got {value}")
            }
        }
        let fraction = |v: f64| (0.0..=1.0).contains(&v);
        need(
            a.arrivals.is_finite() && a.arrivals >= 0.0,
            "--arrivals",
            "a number of contacts, 0 or more",
            a.arrivals,
        )?;
        need(
            a.aht.is_finite() && a.aht > 0.0,
            "--aht",
            "a positive number of seconds",
            a.aht,
        )?;
        need(
            a.sl_threshold.is_finite() && a.sl_threshold >= 0.0,
            "--sl-threshold",
            "a number of seconds, 0 or more",
            a.sl_threshold,
        )?;
        need(
            a.shrinkage.is_finite() && (0.0..1.0).contains(&a.shrinkage),
            "--shrinkage",
            "a fraction in [0, 1) (0.3 = 30 %)",
            a.shrinkage,
        )?;
        if let Some(v) = a.agents {
            need(v.is_finite() && v > 0.0, "--agents", "a positive number", v)?;
        }
        if let Some(v) = a.patience {
            need(
                v.is_finite() && v > 0.0,
                "--patience",
                "a positive number of seconds",
                v,
            )?;
        }
        if let Some(v) = a.target_sl {
            need(
                fraction(v),
                "--target-sl",
                "a fraction in [0, 1] (0.8 = 80 %)",
                v,
            )?;
        }
        if let Some(v) = a.target_asa {
            need(
                v.is_finite() && v > 0.0,
                "--target-asa",
                "a positive number of seconds",
                v,
            )?;
        }
        if let Some(v) = a.max_abandon {
            need(
                fraction(v),
                "--max-abandon",
                "a fraction in [0, 1] (0.05 = 5 %)",
                v,
            )?;
        }
        if let Some(v) = a.max_occupancy {
            need(
                v > 0.0 && v <= 1.0,
                "--max-occupancy",
                "a fraction in (0, 1] (0.85 = 85 %)",
                v,
            )?;
        }
        let has_target = a.target_sl.is_some()
            || a.target_asa.is_some()
            || a.max_abandon.is_some()
            || a.max_occupancy.is_some();
        match (a.agents, has_target) {
            (Some(_), true) => bail!(
                "--agents asks for the measures of a given staffing, targets (--target-sl, \
                 --target-asa, --max-abandon, --max-occupancy) ask for the agents: give one or the other"
            ),
            (None, false) => bail!(
                "nothing to compute: give --agents N for the measures, or a target (--target-sl, \
                 --target-asa, --max-abandon, --max-occupancy) for the agents needed"
            ),
            (Some(_), false) if a.shrinkage != 0.0 => {
                bail!("--shrinkage applies to staffing with targets, not to --agents")
            }
            _ => {}
        }
        if a.max_abandon.is_some() && a.patience.is_none() {
            bail!("--max-abandon needs --patience: Erlang C assumes nobody hangs up");
        }
        let model = match a.patience {
            Some(patience_s) => Model::ErlangA { patience_s },
            None => Model::ErlangC,
        };
        Ok(Self {
            arrivals: a.arrivals,
            per_s: a.per,
            aht_s: a.aht,
            model,
            agents: a.agents,
            targets: Targets {
                service_level: a.target_sl.map(|fraction| ServiceLevelTarget {
                    fraction,
                    threshold_s: a.sl_threshold,
                }),
                max_asa_s: a.target_asa,
                max_abandon: a.max_abandon,
                max_occupancy: a.max_occupancy,
            },
            sl_threshold_s: a.sl_threshold,
            shrinkage: a.shrinkage,
        })
    }

    fn arrivals_per_s(&self) -> f64 {
        self.arrivals / self.per_s
    }

    /// The application layer's input.
    fn app(&self) -> relevo_app::erlang::ErlangInput {
        relevo_app::erlang::ErlangInput {
            arrivals_per_s: self.arrivals_per_s(),
            aht_s: self.aht_s,
            model: self.model,
            targets: self.targets,
            shrinkage: self.shrinkage,
        }
    }

    fn load(&self) -> f64 {
        self.arrivals_per_s() * self.aht_s
    }

    /// The rows and JSON fields every report starts with.
    fn header(&self) -> Report {
        let model = match self.model {
            Model::ErlangC => "Erlang C (callers wait, nobody hangs up)".to_string(),
            Model::ErlangA { patience_s } => {
                format!(
                    "Erlang A (callers hang up after {} s on average)",
                    num(patience_s)
                )
            }
        };
        let load = format!(
            "{:.2} erlangs ({} per {} × AHT {} s)",
            self.load(),
            num(self.arrivals),
            format_duration(self.per_s),
            num(self.aht_s)
        );
        let (model_name, patience) = match self.model {
            Model::ErlangC => ("erlang_c", Value::Null),
            Model::ErlangA { patience_s } => ("erlang_a", json!(patience_s)),
        };
        Report {
            rows: vec![("model".into(), model), ("offered load".into(), load)],
            json: json!({
                "model": model_name,
                "arrivals_per_s": self.arrivals_per_s(),
                "aht_s": self.aht_s,
                "patience_s": patience,
                "offered_load_erlangs": self.load(),
            }),
        }
    }
}

/// Table rows for people, a JSON object for machines.
struct Report {
    rows: Vec<(String, String)>,
    json: Value,
}

impl Report {
    fn row(&mut self, label: &str, value: String) {
        self.rows.push((label.to_string(), value));
    }

    fn set(&mut self, key: &str, value: Value) {
        if let Value::Object(map) = &mut self.json {
            map.insert(key.to_string(), value);
        }
    }
}

fn measures_report(input: &Input, agents: f64) -> Report {
    let mut report = input.header();
    report.row("agents", num(agents));
    report.set("agents", json!(agents));
    match relevo_app::erlang::measures(&input.app(), agents) {
        Ok(queue) => {
            report.set("status", json!("ok"));
            measure_rows(&mut report, &queue, input.sl_threshold_s);
        }
        Err(QueueingError::Overloaded {
            offered_load_erlangs,
            ..
        }) => {
            report.row(
                "status",
                format!(
                    "overloaded: {offered_load_erlangs:.2} erlangs need more than {} agents, the \
                     queue grows without bound (--patience models callers hanging up)",
                    num(agents)
                ),
            );
            report.set("status", json!("overloaded"));
        }
        // The flags were checked above; anything else is out of the library's range (1e7).
        Err(other) => {
            report.row("status", format!("error: {other}"));
            report.set("status", json!("error"));
            report.set("error", json!(other.to_string()));
        }
    }
    report
}

fn staffing_report(input: &Input) -> Result<Report> {
    let mut report = input.header();
    report.row("targets", describe_targets(input));
    match relevo_app::erlang::staffing(&input.app())? {
        Staffing::Staffed { plan, at } => {
            report.row(
                "agents (raw)",
                format!(
                    "{}  decided by {}",
                    plan.raw_agents,
                    binding_text(plan.binding)
                ),
            );
            report.row(
                "with shrinkage",
                format!(
                    "{}  (shrinkage {})",
                    plan.agents_with_shrinkage,
                    percent(input.shrinkage)
                ),
            );
            report.set("status", json!("staffed"));
            report.set("raw_agents", json!(plan.raw_agents));
            report.set("agents_with_shrinkage", json!(plan.agents_with_shrinkage));
            report.set("shrinkage", json!(input.shrinkage));
            report.set("binding", json!(plan.binding.key()));
            match at {
                Some(queue) => measure_rows(&mut report, &queue, input.sl_threshold_s),
                // No arrivals and no agents: nothing waits.
                None => report.set("achieved", Value::Null),
            }
        }
        Staffing::Overloaded {
            offered_load_erlangs,
            max_agents,
        } => {
            report.row(
                "status",
                format!("overloaded: {offered_load_erlangs:.2} erlangs need more than {max_agents} agents"),
            );
            report.set("status", json!("overloaded"));
        }
        Staffing::Unreachable { max_agents, at } => {
            report.row(
                "status",
                format!("unreachable: no count up to {max_agents} agents meets every target"),
            );
            report.set("status", json!("unreachable"));
            report.set("max_agents", json!(max_agents));
            if let Some(queue) = at {
                report.row("at", format!("{max_agents} agents:"));
                measure_rows(&mut report, &queue, input.sl_threshold_s);
            }
        }
    }
    Ok(report)
}

/// P(wait), P(abandon) (Erlang A), service level, ASA and occupancy.
fn measure_rows(report: &mut Report, queue: &Queue, sl_threshold_s: f64) {
    let erlang_a = matches!(queue, Queue::ErlangA(_));
    let service_level = queue.service_level(sl_threshold_s);
    report.row("P(wait)", percent(queue.prob_wait()));
    if erlang_a {
        report.row("P(abandon)", percent(queue.prob_abandon()));
    }
    report.row(
        "service level",
        format!(
            "{} within {} s",
            percent(service_level),
            num(sl_threshold_s)
        ),
    );
    let asa_note = if erlang_a {
        "  (mean wait, abandoners included)"
    } else {
        ""
    };
    report.row("ASA", format!("{:.2} s{asa_note}", queue.asa_s()));
    report.row("occupancy", percent(queue.occupancy()));
    report.set(
        "achieved",
        json!({
            "agents": queue.agents(),
            "prob_wait": queue.prob_wait(),
            "prob_abandon": if erlang_a { json!(queue.prob_abandon()) } else { Value::Null },
            "service_level": service_level,
            "sl_threshold_s": sl_threshold_s,
            "asa_s": queue.asa_s(),
            "occupancy": queue.occupancy(),
        }),
    );
}

fn describe_targets(input: &Input) -> String {
    let t = &input.targets;
    let mut parts = Vec::new();
    if let Some(sl) = t.service_level {
        parts.push(format!(
            "service level ≥ {} within {} s",
            percent(sl.fraction),
            num(sl.threshold_s)
        ));
    }
    if let Some(asa) = t.max_asa_s {
        parts.push(format!("ASA ≤ {} s", num(asa)));
    }
    if let Some(ab) = t.max_abandon {
        parts.push(format!("abandon ≤ {}", percent(ab)));
    }
    if let Some(occ) = t.max_occupancy {
        parts.push(format!("occupancy ≤ {}", percent(occ)));
    }
    parts.join(", ")
}

fn binding_text(binding: Binding) -> &'static str {
    match binding {
        Binding::NoArrivals => "no arrivals",
        Binding::Stability => "stability (one fewer could not keep up with the load)",
        Binding::Minimum => "the one-agent minimum",
        Binding::ServiceLevel => "the service-level target",
        Binding::Asa => "the ASA target",
        Binding::Abandonment => "the abandonment cap",
        Binding::Occupancy => "the occupancy cap",
    }
}

/// A fraction as a percentage with two decimals: `0.1741319` → `17.41 %`.
fn percent(fraction: f64) -> String {
    format!("{:.2} %", fraction * 100.0)
}

/// A number without trailing zeros: `14`, `14.5`, `0.25`.
fn num(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

/// Two aligned columns.
fn table(rows: &[(String, String)]) -> String {
    let width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|(label, value)| format!("{label:<width$}  {value}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        args: ErlangArgs,
    }

    fn args(line: &str) -> Result<ErlangArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("erlang").chain(line.split_whitespace()))
            .map(|c| c.args)
    }

    /// The rendered report, or the error message.
    fn check(line: &str) -> String {
        match args(line) {
            Ok(a) => render(&a).unwrap_or_else(|e| format!("error: {e:#}\n")),
            Err(e) => format!(
                "usage error: {}\n",
                e.render().to_string().lines().next().unwrap_or("")
            ),
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_s("30m"), Ok(1800.0));
        assert_eq!(parse_duration_s("1h"), Ok(3600.0));
        assert_eq!(parse_duration_s("900s"), Ok(900.0));
        assert_eq!(parse_duration_s("15m"), Ok(900.0));
        assert_eq!(parse_duration_s("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration_s("1.5h"), Ok(5400.0));
        assert_eq!(
            parse_duration_s("0m"),
            Err("\"0m\" is zero: a period must be longer than zero".into())
        );
        assert_eq!(
            parse_duration_s("900"),
            Err("\"900\" has no unit: use s, m or h (e.g. 900s, 15m, 1h)".into())
        );
        assert_eq!(
            parse_duration_s("5x"),
            Err("unknown unit \"x\" in \"5x\": use s, m or h".into())
        );
        assert!(parse_duration_s("").is_err());
        assert!(parse_duration_s("-5m").is_err());
        assert!(parse_duration_s("m").is_err());
        for (seconds, text) in [
            (1800.0, "30m"),
            (3600.0, "1h"),
            (5400.0, "1h30m"),
            (45.0, "45s"),
        ] {
            assert_eq!(format_duration(seconds), text);
        }
    }

    #[test]
    fn measures_erlang_c() {
        assert_eq!(
            check("--arrivals 100 --per 30m --aht 180 --agents 14"),
            "model          Erlang C (callers wait, nobody hangs up)\n\
             offered load   10.00 erlangs (100 per 30m × AHT 180 s)\n\
             agents         14\n\
             P(wait)        17.41 %\n\
             service level  88.84 % within 20 s\n\
             ASA            7.84 s\n\
             occupancy      71.43 %\n"
        );
    }

    #[test]
    fn measures_erlang_a() {
        let out = check("--arrivals 100 --per 30m --aht 180 --agents 14 --patience 300");
        assert!(out.contains("P(wait)        14.53 %\n"), "{out}");
        assert!(out.contains("P(abandon)     1.40 %\n"), "{out}");
        assert!(
            out.contains("service level  91.68 % within 20 s\n"),
            "{out}"
        );
        assert!(out.contains("occupancy      70.43 %\n"), "{out}");
    }

    #[test]
    fn staffing_matches_pyworkforce() {
        let out = check(
            "--arrivals 100 --per 30m --aht 180 --target-sl 0.8 --max-occupancy 0.85 --shrinkage 0.3",
        );
        assert!(
            out.contains("agents (raw)    14  decided by the service-level target\n"),
            "{out}"
        );
        assert!(
            out.contains("with shrinkage  20  (shrinkage 30.00 %)\n"),
            "{out}"
        );
        let out = check(
            "--arrivals 100 --per 30m --aht 180 --target-sl 0.8 --max-occupancy 0.7 --shrinkage 0.3 --json",
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["raw_agents"], 15);
        assert_eq!(v["agents_with_shrinkage"], 22);
        assert_eq!(v["binding"], "occupancy");
        assert_eq!(v["model"], "erlang_c");
        assert!((v["achieved"]["service_level"].as_f64().unwrap() - 0.941453).abs() < 1e-6);
    }

    #[test]
    fn staffing_erlang_a_json() {
        let out = check(
            "--arrivals 100 --per 30m --aht 180 --patience 300 --target-sl 0.8 --max-abandon 0.05 --json",
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            (v["status"].as_str(), v["raw_agents"].as_u64()),
            (Some("staffed"), Some(13))
        );
        assert_eq!(v["patience_s"], 300.0);
        assert!(v["achieved"]["prob_abandon"].as_f64().unwrap() <= 0.05);
    }

    #[test]
    fn overload_is_reported_not_an_error() {
        let out = check("--arrivals 100 --per 30m --aht 180 --agents 9");
        assert!(
            out.contains("\nstatus        overloaded: 10.00 erlangs need more than 9 agents, "),
            "{out}"
        );
        let v: Value = serde_json::from_str(&check(
            "--arrivals 100 --per 30m --aht 180 --agents 9 --json",
        ))
        .unwrap();
        assert_eq!(v["status"], "overloaded");
        // Erlang A has an answer for any load.
        let out = check("--arrivals 100 --per 30m --aht 180 --agents 9 --patience 120");
        assert!(out.contains("P(abandon)"), "{out}");
    }

    #[test]
    fn bad_input_gets_a_clear_message() {
        let cases = [
            (
                "--arrivals 100 --per 0m --aht 180 --agents 14",
                "usage error: error: invalid value '0m' for '--per <DURATION>': \"0m\" is zero: a period must be longer than zero",
            ),
            (
                "--arrivals -5 --per 30m --aht 180 --agents 14",
                "error: --arrivals must be a number of contacts, 0 or more, got -5",
            ),
            (
                "--arrivals 100 --per 30m --aht -180 --agents 14",
                "error: --aht must be a positive number of seconds, got -180",
            ),
            (
                "--arrivals 100 --per 30m --aht 180 --target-sl 1.5",
                "error: --target-sl must be a fraction in [0, 1] (0.8 = 80 %), got 1.5",
            ),
            (
                "--arrivals 100 --per 30m --aht 180 --target-sl 0.8 --shrinkage 1",
                "error: --shrinkage must be a fraction in [0, 1) (0.3 = 30 %), got 1",
            ),
            (
                "--arrivals 100 --per 30m --aht 180 --agents 0",
                "error: --agents must be a positive number, got 0",
            ),
            (
                "--arrivals 100 --per 30m --aht 180 --target-sl 0.8 --max-abandon 0.05",
                "error: --max-abandon needs --patience: Erlang C assumes nobody hangs up",
            ),
            (
                "--arrivals 100 --per 30m --aht 180 --agents 14 --target-sl 0.8",
                "error: --agents asks for the measures of a given staffing, targets",
            ),
            (
                "--arrivals 100 --per 30m --aht 180",
                "error: nothing to compute: give --agents N for the measures",
            ),
        ];
        for (line, expected) in cases {
            let out = check(line);
            assert!(
                out.starts_with(expected),
                "{line}\n got: {out}\nwant: {expected}"
            );
        }
    }

    #[test]
    fn no_arrivals_need_no_agents() {
        let out = check("--arrivals 0 --per 15m --aht 180 --target-sl 0.8");
        assert!(
            out.contains("agents (raw)    0  decided by no arrivals\n"),
            "{out}"
        );
    }
}
