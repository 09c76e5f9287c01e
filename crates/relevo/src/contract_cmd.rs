//! `relevo contract add|list|show`, `relevo scorecard`, `relevo invoice`, `relevo costs`: contracts
//! stored with who and when, judged on the measured data with their own pinned KPI definitions.
//!
//! Measuring is here (the cube through `relevo-metrics`, raw response times for business-hours
//! terms, provider hours for hour-based prices); judging and pricing are `relevo-contracts`.

use crate::cli_util::{open_existing, open_store, thousands};
use anyhow::{Context, Result, bail};
use relevo_app::evaluation::{load_contracts, scorecard, usage};
use relevo_contracts::{Contract, Month, Tolerance, expected_invoice, parse_billed_csv, reconcile};
use relevo_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

/// Every stored version of a provider (or all), parsed.
fn load(store: &dyn Store, provider: Option<&str>) -> Result<Vec<Contract>> {
    Ok(load_contracts(store, provider)?)
}

#[derive(clap::Args, Debug)]
pub struct ContractArgs {
    #[command(subcommand)]
    pub command: ContractCommand,
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum ContractCommand {
    /// Store a contract file as a new version (checked against stored versions and known queues)
    Add {
        /// The contract file (TOML; see examples/contracts/)
        file: PathBuf,
        /// Who adds it (default: $USER)
        #[arg(long)]
        by: Option<String>,
    },
    /// List stored versions
    List {
        /// Only this provider's versions
        #[arg(long)]
        provider: Option<String>,
    },
    /// Show a provider's contract (the latest version, or --version N)
    Show {
        /// Provider key
        provider: String,
        /// The version to show (default: the latest)
        #[arg(long)]
        version: Option<u32>,
    },
}

fn now_ms() -> i64 {
    #[allow(clippy::disallowed_methods)] // the binary is the edge that reads the clock
    let now = jiff::Timestamp::now();
    now.as_millisecond()
}

pub fn run(args: &ContractArgs) -> Result<ExitCode> {
    let (mut store, _) = open_store(args.db.as_ref())?;
    match &args.command {
        ContractCommand::Add { file, by } => {
            let name = file.display().to_string();
            let text =
                std::fs::read_to_string(file).with_context(|| format!("cannot read {name}"))?;
            #[allow(clippy::disallowed_methods)]
            // the binary is the edge that reads the environment
            let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
            let by = by.clone().unwrap_or(user);
            let added =
                relevo_app::contracts::add_version(&mut *store, &text, &name, &by, now_ms())?;
            let contract = &added.contract;
            match &added.already_stored {
                None => println!(
                    "added {} v{} (valid {} to {}), by {by}",
                    contract.provider, contract.version, contract.valid_from, contract.valid_to
                ),
                Some((at, who)) => println!(
                    "{} v{} is stored already with this very text (added {} by {who}): nothing to add",
                    contract.provider,
                    contract.version,
                    jiff::Timestamp::from_millisecond(*at)
                        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_default()
                ),
            }
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
            let all = load(&*store, Some(provider))?;
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

pub fn summary_line(
    store: &dyn Store,
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
    /// Provider key (as in its contract file)
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
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
}

pub fn run_scorecard(args: &ScorecardArgs) -> Result<ExitCode> {
    let (store, _) = open_existing(args.db.as_ref())?;
    let as_of = args.as_of.map_or_else(now_ms, |t| t.as_millisecond());
    let (_, card) = scorecard(&*store, &args.provider, args.period, as_of)?;
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
        "json" => println!("{}", relevo_app::evaluation::scorecard_json(&card)),
        other => bail!("unknown --format {other:?} (expected table, csv or json)"),
    }
    Ok(ExitCode::SUCCESS)
}

fn csv_field(s: &str) -> String {
    let mut out = String::new();
    relevo_core::push_csv_text(&mut out, s);
    out
}

#[derive(clap::Args, Debug)]
pub struct InvoiceArgs {
    /// Provider key (as in its contract file)
    #[arg(long)]
    pub provider: String,
    /// Month, YYYY-MM (the same option as scorecard's and costs'; `--month` is accepted too)
    #[arg(long, alias = "month")]
    pub period: Month,
    /// The provider's invoice (CSV: description,quantity,unit_price,amount) to reconcile
    #[arg(long)]
    pub vendor_invoice: Option<PathBuf>,
    /// table or csv
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Judge as known at this instant (RFC 3339; default: now)
    #[arg(long)]
    pub as_of: Option<jiff::Timestamp>,
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
}

pub fn run_invoice(args: &InvoiceArgs) -> Result<ExitCode> {
    if !matches!(args.format.as_str(), "table" | "csv") {
        bail!("unknown --format {:?} (expected table or csv)", args.format);
    }
    // Every input is read and checked before anything is printed.
    let billed = match &args.vendor_invoice {
        Some(path) => {
            let name = path.display().to_string();
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
            let billed = parse_billed_csv(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            Some((name, billed))
        }
        None => None,
    };
    let (store, _) = open_existing(args.db.as_ref())?;
    let as_of = args.as_of.map_or_else(now_ms, |t| t.as_millisecond());
    let (contract, card) = scorecard(&*store, &args.provider, args.period, as_of)?;
    let pricing = contract.pricing.as_ref().with_context(|| {
        format!(
            "{} v{} has no [pricing]",
            contract.provider, contract.version
        )
    })?;
    let mut invoice = expected_invoice(
        &contract,
        &usage(&*store, &contract, args.period, Some(pricing))?,
    )?;
    invoice.add_scorecard(&card);
    if args.format == "csv" {
        print!("{}", invoice.to_csv());
    } else {
        print!("{}", invoice.render());
    }
    if let Some((name, billed)) = &billed {
        let rec = reconcile(&invoice, billed, &Tolerance::default());
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
    /// Judge as known at this instant (RFC 3339; default: now)
    #[arg(long)]
    pub as_of: Option<jiff::Timestamp>,
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
}

/// Cost per handled contact and per handled minute for every provider with a contract (BPOs: the
/// invoice after credits and bonuses; the in-house team: its cost model), side by side.
pub fn run_costs(args: &CostsArgs) -> Result<ExitCode> {
    let (store, _) = open_existing(args.db.as_ref())?;
    let as_of = args.as_of.map_or_else(now_ms, |t| t.as_millisecond());
    println!(
        "{:<16} {:<8} {:>10} {:>12} {:>14} {:>12} {:>12}",
        "provider", "model", "handled", "minutes", "total", "per contact", "per minute"
    );
    for c in relevo_app::contracts::costs(&*store, args.period, as_of)? {
        let minutes = c.handled_s as f64 / 60.0;
        println!(
            "{:<16} {:<8} {:>10} {:>12} {:>14} {:>12} {:>12}",
            c.provider,
            c.model,
            thousands(c.handled),
            thousands(minutes.round() as u64),
            format!("{} {}", c.total, c.currency),
            c.per_contact()
                .map_or_else(|| "–".into(), |v| format!("{v:.2}")),
            c.per_minute()
                .map_or_else(|| "–".into(), |v| format!("{v:.3}")),
        );
    }
    Ok(ExitCode::SUCCESS)
}
