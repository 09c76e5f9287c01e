//! `relevo contract add|list|show`, `relevo scorecard`, `relevo invoice`, `relevo costs`: contracts
//! stored with who and when, judged on the measured data with their own pinned KPI definitions.
//!
//! Measuring is here (the cube through `relevo-metrics`, raw response times for business-hours
//! terms, provider hours for hour-based prices); judging and pricing are `relevo-contracts`.

use crate::cli_util::{open_store, thousands};
use anyhow::{Context, Result, bail};
use relevo_contracts::{
    Contract, Metric, Month, MonthInput, PeriodMeasure, PeriodSpan, Quantity, Scorecard, Tolerance,
    Usage, contract_for_month, evaluate, expected_invoice, inhouse_cost, parse_billed_csv,
    reconcile, tally_responses,
};
use relevo_core::{AbandonTreatment, Channel, interval_of, interval_start_ms};
use relevo_metrics::{Acc, Kpis};
use relevo_store::{NewContract, Scope, SqliteStore, Store};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Hours in one FTE-month, for per-FTE prices: FTEs billed = scheduled hours / 160.
const FTE_MONTH_HOURS: i64 = 160;
/// How many months before the requested one are evaluated for escalation and earn-back history.
const HISTORY_MONTHS: i32 = 12;

#[derive(clap::Args, Debug)]
pub struct ContractArgs {
    #[command(subcommand)]
    pub command: ContractCommand,
    /// Database file (default: $XDG_DATA_HOME/relevo/relevo.db)
    #[arg(long, env = "RELEVO_DB", global = true)]
    pub db: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum ContractCommand {
    /// Store a contract file as a new version (checked against stored versions and known queues)
    Add {
        file: PathBuf,
        /// Who adds it (default: $USER)
        #[arg(long)]
        by: Option<String>,
    },
    /// List stored versions
    List {
        #[arg(long)]
        provider: Option<String>,
    },
    /// Show a provider's contract (the latest version, or --version N)
    Show {
        provider: String,
        #[arg(long)]
        version: Option<u32>,
    },
}

fn now_ms() -> i64 {
    #[allow(clippy::disallowed_methods)] // the binary is the edge that reads the clock
    let now = jiff::Timestamp::now();
    now.as_millisecond()
}

/// Every stored version, parsed.
fn load(store: &SqliteStore, provider: Option<&str>) -> Result<Vec<Contract>> {
    store
        .contracts(provider)?
        .into_iter()
        .map(|c| {
            Contract::parse(&c.source).map_err(|e| {
                anyhow::anyhow!(
                    "stored contract {} v{} no longer parses: {e}",
                    c.provider,
                    c.version
                )
            })
        })
        .collect()
}

pub fn run(args: &ContractArgs) -> Result<ExitCode> {
    let (mut store, _) = open_store(args.db.as_ref())?;
    match &args.command {
        ContractCommand::Add { file, by } => {
            let name = file.display().to_string();
            let text =
                std::fs::read_to_string(file).with_context(|| format!("cannot read {name}"))?;
            let contract = Contract::parse(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            let known: Vec<String> = relevo_store::auth::scoped_queues(&store, &Scope::All)?;
            relevo_contracts::check_queues(&contract, &known)
                .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            let mut all = load(&store, Some(&contract.provider))?;
            all.push(contract.clone());
            relevo_contracts::check_versions(&all).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            #[allow(clippy::disallowed_methods)]
            // the binary is the edge that reads the environment
            let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
            let by = by.clone().unwrap_or(user);
            let (from, to) = (
                contract.valid_from.to_string(),
                contract.valid_to.to_string(),
            );
            store.add_contract(&NewContract {
                provider: &contract.provider,
                version: i64::from(contract.version),
                valid_from: &from,
                valid_to: Some(&to),
                source: &text,
                added_at_ms: now_ms(),
                added_by: &by,
            })?;
            println!(
                "added {} v{} (valid {from} to {to}), by {by}",
                contract.provider, contract.version
            );
        }
        ContractCommand::List { provider } => {
            let stored = store.contracts(provider.as_deref())?;
            if stored.is_empty() {
                println!("no contracts stored (add one with: relevo contract add FILE)");
            }
            println!(
                "{:<16} {:>7}  {:<10}  {:<10}  {:<20}  added by",
                "provider", "version", "from", "to", "added at"
            );
            for c in stored {
                let at = jiff::Timestamp::from_millisecond(c.added_at_ms)
                    .map(|t| t.to_string())
                    .unwrap_or_default();
                println!(
                    "{:<16} {:>7}  {:<10}  {:<10}  {:<20}  {}",
                    c.provider,
                    c.version,
                    c.valid_from,
                    c.valid_to.unwrap_or_default(),
                    &at[..at.len().min(19)],
                    c.added_by
                );
            }
        }
        ContractCommand::Show { provider, version } => {
            let all = load(&store, Some(provider))?;
            let c = match version {
                Some(v) => all.iter().find(|c| c.version == *v),
                None => all.iter().max_by_key(|c| c.version),
            }
            .with_context(|| format!("no contract stored for {provider:?}"))?;
            print!("{}", c.describe());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn term_scope<'a>(
    contract: &'a Contract,
    queues: &'a [String],
    channels: &'a [Channel],
) -> (&'a [String], &'a [Channel]) {
    (
        if queues.is_empty() {
            &contract.queues
        } else {
            queues
        },
        if channels.is_empty() {
            &contract.channels
        } else {
            channels
        },
    )
}

fn in_scope(queues: &[String], channels: &[Channel], queue: &str, channel: Channel) -> bool {
    (queues.is_empty() || queues.iter().any(|q| q == queue))
        && (channels.is_empty() || channels.contains(&channel))
}

/// The cube roll-up of a provider over `[from_ms, to_ms)` on some queues and channels, with FCR.
fn roll_up(
    store: &SqliteStore,
    contract: &Contract,
    scope: (&[String], &[Channel]),
    (from_ms, to_ms): (i64, i64),
    with_fcr: bool,
    as_of_ms: i64,
) -> Result<Acc> {
    let provider = Scope::Provider(contract.provider.clone());
    let mut acc = Acc::default();
    store.for_each_cell(
        interval_of(from_ms),
        interval_of(to_ms - 1) + 1,
        &provider,
        &mut |c, cell| {
            let t = interval_start_ms(c.interval);
            if t >= from_ms && t < to_ms && in_scope(scope.0, scope.1, c.queue, c.channel) {
                acc.add_cell(cell, c.channel, &contract.kpi);
            }
        },
    )?;
    if with_fcr {
        for (k, f) in store.fcr(
            from_ms,
            to_ms,
            contract.kpi.fcr_window_days,
            as_of_ms,
            &provider,
        )? {
            if in_scope(scope.0, scope.1, &k.queue, k.channel) {
                acc.fcr_eligible += f.eligible;
                acc.fcr_resolved += f.resolved;
            }
        }
    }
    Ok(acc)
}

/// A term's measured value and sample over one period (CONTRACTS.md §2 says which denominator).
fn measure(
    store: &SqliteStore,
    contract: &Contract,
    term: &relevo_contracts::Term,
    span: &PeriodSpan,
    as_of_ms: i64,
) -> Result<PeriodMeasure> {
    let bounds = span.bounds_ms(contract.zone());
    let scope = term_scope(contract, &term.queues, &term.channels);
    if term.metric == Metric::BusinessResponseWithin {
        let name = term
            .calendar
            .as_deref()
            .context("a business-hours term names no calendar")?;
        let cal = contract
            .calendars
            .get(name)
            .with_context(|| format!("unknown calendar {name:?}"))?;
        let within = term
            .within_business_s
            .context("a business-hours term has no within time")?;
        let pairs =
            store.response_times(&contract.provider, scope.0, scope.1, bounds.0, bounds.1)?;
        let offered = pairs.len() as u64;
        let tally = tally_responses(cal, within, as_of_ms, pairs);
        return Ok(PeriodMeasure {
            first: span.first,
            value: tally.share(),
            sample: tally.judged(),
            offered,
            forecast_offered: None,
        });
    }
    let acc = roll_up(
        store,
        contract,
        scope,
        bounds,
        term.metric == Metric::Fcr,
        as_of_ms,
    )?;
    let k = Kpis::compute(&acc, &contract.kpi);
    let c = &acc.cell;
    let mut sl_base = c.answered + c.abandoned - acc.short_abandoned;
    if contract.kpi.include_flowouts {
        sl_base += c.flowout;
    }
    if contract.kpi.abandon_treatment == AbandonTreatment::ExcludedWithinT {
        sl_base -= acc.abandoned_within_t;
    }
    let (value, sample) = match term.metric {
        Metric::ServiceLevel => (k.service_level, sl_base),
        Metric::AbandonRate => (k.abandon_rate, c.offered - acc.short_abandoned),
        Metric::AsaS => (k.asa_s, c.answered),
        Metric::AhtS => (k.aht_s, c.answered),
        Metric::P90AnswerS => (k.p90_answer_s.map(|v| v as f64), c.answered),
        Metric::TransferRate => (k.transfer_rate, c.answered),
        Metric::CsatTop2 => (k.csat_top2, k.csat_responses),
        Metric::CsatMean => (k.csat_mean, k.csat_responses),
        Metric::Nps => (k.nps, k.nps_responses),
        Metric::QaMean => (k.qa_mean, c.qa_n),
        Metric::Fcr => (k.fcr, acc.fcr_eligible),
        Metric::BusinessResponseWithin => unreachable!("handled above"),
    };
    Ok(PeriodMeasure {
        first: span.first,
        value,
        sample: sample.max(0) as u64,
        offered: c.offered.max(0) as u64,
        forecast_offered: None,
    })
}

/// A month's billable usage of the contract's provider on the contract's scope.
fn usage(
    store: &SqliteStore,
    contract: &Contract,
    month: Month,
    pricing: Option<&relevo_contracts::Pricing>,
) -> Result<Usage> {
    let span = PeriodSpan {
        first: month.first_day(),
        last: month.last_day(),
    };
    let (from_ms, to_ms) = span.bounds_ms(contract.zone());
    let provider = Scope::Provider(contract.provider.clone());
    let holidays = pricing
        .and_then(|p| p.holiday_surcharge.as_ref())
        .and_then(|h| {
            contract
                .calendars
                .get(&h.calendar)
                .map(|c| (c.zone().clone(), c.holidays().clone()))
        });
    let mut u = Usage::empty(month);
    let mut handle_ms = 0i64;
    let mut err = None;
    store.for_each_cell(
        interval_of(from_ms),
        interval_of(to_ms - 1) + 1,
        &provider,
        &mut |c, cell| {
            let t = interval_start_ms(c.interval);
            if t < from_ms
                || t >= to_ms
                || !in_scope(&contract.queues, &contract.channels, c.queue, c.channel)
            {
                return;
            }
            *u.handled_contacts.entry(c.channel).or_default() += cell.answered.max(0) as u64;
            handle_ms += cell.talk_ms + cell.hold_ms + cell.acw_ms;
            if let Some((zone, days)) = &holidays {
                match jiff::Timestamp::from_millisecond(t) {
                    Ok(ts) if days.contains(&ts.to_zoned(zone.clone()).date()) => {
                        *u.holiday_contacts.entry(c.channel).or_default() +=
                            cell.answered.max(0) as u64;
                    }
                    Ok(_) => {}
                    Err(e) => err = Some(e),
                }
            }
        },
    )?;
    if let Some(e) = err {
        bail!("timestamp out of range: {e}");
    }
    u.handled_s = handle_ms / 1000;
    let (mut productive_ms, mut scheduled_ms) = (0i64, 0i64);
    for h in store.hours(interval_of(from_ms), interval_of(to_ms - 1) + 1, &provider)? {
        if contract.queues.is_empty() || contract.queues.contains(&h.queue) {
            productive_ms += h.productive_ms;
            scheduled_ms += h.scheduled_ms;
        }
    }
    u.productive_s = productive_ms / 1000;
    u.fte = Quantity::from_seconds(scheduled_ms / 1000, FTE_MONTH_HOURS * 3600);
    Ok(u)
}

fn month_input(
    store: &SqliteStore,
    contract: &Contract,
    month: Month,
    as_of_ms: i64,
) -> Result<MonthInput> {
    let fees = match &contract.pricing {
        Some(_) => expected_invoice(
            contract,
            &usage(store, contract, month, contract.pricing.as_ref())?,
        )?
        .fees(),
        None => relevo_contracts::Money::default(),
    };
    let mut measures = BTreeMap::new();
    for term in &contract.terms {
        let mut list = Vec::new();
        for span in contract.periods(term, month) {
            list.push(measure(store, contract, term, &span, as_of_ms)?);
        }
        measures.insert(term.id.clone(), list);
    }
    Ok(MonthInput {
        month,
        fees,
        measures,
    })
}

/// The scorecard of `month`, after evaluating up to twelve earlier months in order for escalation
/// and earn-back (each under the contract version in force then).
fn scorecard(
    store: &SqliteStore,
    provider: &str,
    month: Month,
    as_of_ms: i64,
) -> Result<(Contract, Scorecard)> {
    let contracts = load(store, Some(provider))?;
    let contract = contract_for_month(&contracts, provider, month)
        .with_context(|| {
            format!(
                "no contract of {provider:?} is in force in {month} (see: relevo contract list)"
            )
        })?
        .clone();
    let mut history: Vec<Scorecard> = Vec::new();
    for back in (1..=HISTORY_MONTHS).rev() {
        let m = month.plus(-back);
        if let Some(c) = contract_for_month(&contracts, provider, m) {
            let input = month_input(store, c, m, as_of_ms)?;
            history.push(evaluate(c, &input, &history)?);
        }
    }
    let input = month_input(store, &contract, month, as_of_ms)?;
    let card = evaluate(&contract, &input, &history)?;
    Ok((contract, card))
}

/// One line for a provider's month: verdict counts, credits (and whether the cap binds), invoice total.
pub fn summary_line(
    store: &SqliteStore,
    provider: &str,
    month: Month,
    as_of_ms: i64,
) -> Result<String> {
    let (contract, card) = scorecard(store, provider, month, as_of_ms)?;
    let missed = card
        .terms
        .iter()
        .filter(|t| t.verdict.as_str() == "missed")
        .count();
    let met = card
        .terms
        .iter()
        .filter(|t| t.verdict.as_str() == "met")
        .count();
    let mut line = format!(
        "{provider} v{}: {met} terms met, {missed} missed; credits {}{}",
        contract.version,
        card.credits,
        if card.cap_binds {
            " (at-risk cap binds)"
        } else {
            ""
        }
    );
    if !card.stabilisation.is_empty() {
        line.push_str("; in its stabilisation window");
    }
    if let Some(pricing) = &contract.pricing {
        let mut inv = expected_invoice(&contract, &usage(store, &contract, month, Some(pricing))?)?;
        inv.add_scorecard(&card);
        line.push_str(&format!("; invoice {} {}", inv.total(), contract.currency));
    }
    Ok(line)
}

#[derive(clap::Args, Debug)]
pub struct ScorecardArgs {
    #[arg(long)]
    pub provider: String,
    /// Month, YYYY-MM
    #[arg(long)]
    pub period: Month,
    /// table, csv or json
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Judge as known at this instant (default: now): unanswered contacts not yet due are pending
    #[arg(long)]
    pub as_of: Option<jiff::Timestamp>,
    #[arg(long, env = "RELEVO_DB")]
    pub db: Option<PathBuf>,
}

pub fn run_scorecard(args: &ScorecardArgs) -> Result<ExitCode> {
    let (store, _) = open_store(args.db.as_ref())?;
    let as_of = args.as_of.map_or_else(now_ms, |t| t.as_millisecond());
    let (_, card) = scorecard(&store, &args.provider, args.period, as_of)?;
    match args.format.as_str() {
        "table" => print!("{}", card.render()),
        "csv" => {
            println!("term,name,metric,critical,period,target,actual,sample,verdict,credit,bonus");
            for t in &card.terms {
                println!(
                    "{},{},{},{},{},{},{},{},{},{},{}",
                    t.id,
                    csv_field(&t.name),
                    t.metric.as_str(),
                    t.critical,
                    t.period,
                    t.target,
                    t.actual.map_or(String::new(), |v| v.to_string()),
                    t.sample,
                    t.verdict.as_str(),
                    t.credit,
                    t.bonus
                );
            }
        }
        "json" => {
            let terms: Vec<serde_json::Value> = card
                .terms
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "term": t.id, "name": t.name, "metric": t.metric.as_str(), "critical": t.critical,
                        "period": t.period.to_string(), "target": t.target, "relaxed_target": t.relaxed_target,
                        "actual": t.actual, "sample": t.sample, "verdict": t.verdict.as_str(), "note": t.note,
                        "misses_in_window": t.misses_in_window, "credit": t.credit.to_string(), "bonus": t.bonus.to_string(),
                    })
                })
                .collect();
            let v = serde_json::json!({
                "provider": card.provider, "version": card.version, "month": card.month.to_string(),
                "currency": card.currency, "fees": card.fees.to_string(), "at_risk": card.at_risk.to_string(),
                "credits": card.credits.to_string(), "cap_binds": card.cap_binds, "bonuses": card.bonuses.to_string(),
                "earned_back": card.earned_back.to_string(), "terms": terms,
            });
            println!("{v}");
        }
        other => bail!("unknown --format {other:?} (expected table, csv or json)"),
    }
    Ok(ExitCode::SUCCESS)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[derive(clap::Args, Debug)]
pub struct InvoiceArgs {
    #[arg(long)]
    pub provider: String,
    /// Month, YYYY-MM
    #[arg(long)]
    pub month: Month,
    /// The provider's invoice (CSV: description,quantity,unit_price,amount) to reconcile
    #[arg(long)]
    pub vendor_invoice: Option<PathBuf>,
    /// table or csv
    #[arg(long, default_value = "table")]
    pub format: String,
    #[arg(long)]
    pub as_of: Option<jiff::Timestamp>,
    #[arg(long, env = "RELEVO_DB")]
    pub db: Option<PathBuf>,
}

pub fn run_invoice(args: &InvoiceArgs) -> Result<ExitCode> {
    let (store, _) = open_store(args.db.as_ref())?;
    let as_of = args.as_of.map_or_else(now_ms, |t| t.as_millisecond());
    let (contract, card) = scorecard(&store, &args.provider, args.month, as_of)?;
    let pricing = contract.pricing.as_ref().with_context(|| {
        format!(
            "{} v{} has no [pricing]",
            contract.provider, contract.version
        )
    })?;
    let mut invoice = expected_invoice(
        &contract,
        &usage(&store, &contract, args.month, Some(pricing))?,
    )?;
    invoice.add_scorecard(&card);
    match args.format.as_str() {
        "table" => print!("{}", invoice.render()),
        "csv" => print!("{}", invoice.to_csv()),
        other => bail!("unknown --format {other:?} (expected table or csv)"),
    }
    if let Some(path) = &args.vendor_invoice {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
        let billed = parse_billed_csv(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        let rec = reconcile(&invoice, &billed, &Tolerance::default());
        println!();
        println!(
            "reconciliation with {name}: {} difference{}",
            rec.differences.len(),
            if rec.differences.len() == 1 { "" } else { "s" }
        );
        print!("{}", rec.render());
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args, Debug)]
pub struct CostsArgs {
    /// Month, YYYY-MM
    #[arg(long)]
    pub period: Month,
    #[arg(long)]
    pub as_of: Option<jiff::Timestamp>,
    #[arg(long, env = "RELEVO_DB")]
    pub db: Option<PathBuf>,
}

/// Cost per handled contact and per handled minute for every provider with a contract (BPOs: the
/// invoice after credits and bonuses; the in-house team: its cost model), side by side.
pub fn run_costs(args: &CostsArgs) -> Result<ExitCode> {
    let (store, _) = open_store(args.db.as_ref())?;
    let as_of = args.as_of.map_or_else(now_ms, |t| t.as_millisecond());
    let providers: std::collections::BTreeSet<String> = store
        .contracts(None)?
        .into_iter()
        .map(|c| c.provider)
        .collect();
    println!(
        "{:<16} {:<8} {:>10} {:>12} {:>14} {:>12} {:>12}",
        "provider", "model", "handled", "minutes", "total", "per contact", "per minute"
    );
    for p in providers {
        let contracts = load(&store, Some(&p))?;
        let Some(contract) = contract_for_month(&contracts, &p, args.period) else {
            continue;
        };
        let (model, total, u) = if let Some(pricing) = &contract.pricing {
            let (_, card) = scorecard(&store, &p, args.period, as_of)?;
            let u = usage(&store, contract, args.period, Some(pricing))?;
            let mut inv = expected_invoice(contract, &u)?;
            inv.add_scorecard(&card);
            ("invoice", inv.total(), u)
        } else if contract.inhouse_cost.is_some() {
            let u = usage(
                &store,
                contract,
                args.period,
                contract.inhouse_cost.as_ref(),
            )?;
            ("in-house", inhouse_cost(contract, &u)?.total(), u)
        } else {
            continue;
        };
        let handled = u.handled_total();
        let minutes = u.handled_s as f64 / 60.0;
        let cents = total.cents() as f64 / 100.0;
        println!(
            "{:<16} {:<8} {:>10} {:>12} {:>14} {:>12} {:>12}",
            p,
            model,
            thousands(handled),
            thousands(minutes.round() as u64),
            format!("{total} {}", contract.currency),
            if handled > 0 {
                format!("{:.2}", cents / handled as f64)
            } else {
                "–".into()
            },
            if minutes > 0.0 {
                format!("{:.3}", cents / minutes)
            } else {
                "–".into()
            },
        );
    }
    Ok(ExitCode::SUCCESS)
}
