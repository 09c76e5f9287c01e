//! The `relevo` binary: argument parsing, configuration and wiring. The libraries do the work.

mod admin_cmd;
mod cli_util;
mod contract_cmd;
mod demo;
mod erlang_cmd;
mod forecast_cmd;
mod import_cmd;
mod plan_cmd;
mod progress;
mod report_cmd;
mod serve_cmd;
mod simulate_cmd;
mod transition_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// relevo — one set of numbers for customer service across your in-house team and your BPO providers.
#[derive(Parser, Debug)]
#[command(name = "relevo", version, about, long_about = None)]
struct Cli {
    /// Database: a SQLite file or sqlite://PATH (default: $XDG_DATA_HOME/relevo/relevo.db); before
    /// or after the command
    #[arg(long, env = "RELEVO_DB", global = true)]
    db: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

impl Command {
    /// Hands the global `--db` to the command's options.
    fn set_db(&mut self, db: Option<std::path::PathBuf>) {
        match self {
            Command::Import(a) => a.db = db,
            Command::Report(a) => a.db = db,
            Command::Check(a) => a.db = db,
            Command::Demo(_) | Command::Erlang(_) => {}
            Command::Contract(a) => a.db = db,
            Command::Scorecard(a) => a.db = db,
            Command::Invoice(a) => a.db = db,
            Command::Costs(a) => a.db = db,
            Command::Serve(a) => a.db = db,
            Command::Token(a) => a.db = db,
            Command::User(a) => a.db = db,
            Command::Transition(a) => a.db = db,
            Command::Simulate(a) => a.db = db,
            Command::Plan(a) => a.db = db,
            Command::Forecast(a) => a.db = db,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Import contact records (canonical CSV/JSONL, mapped CSV, Amazon Connect CTRs)
    Import(import_cmd::ImportArgs),
    /// KPIs per period and group from the interval cube (docs/DEFINITIONS.md §4 columns)
    Report(report_cmd::ReportArgs),
    /// Verify that the interval cube equals a recomputation from the raw records
    Check(report_cmd::CheckArgs),
    /// Write a realistic seeded demo data set, import it and print a report
    Demo(demo::DemoArgs),
    /// Contracts: add a version, list, show
    Contract(contract_cmd::ContractArgs),
    /// A provider's month judged against its contract: verdicts, credits, bonuses, earn-back
    Scorecard(contract_cmd::ScorecardArgs),
    /// A provider's expected invoice for a month, and reconciliation with the one it sent
    Invoice(contract_cmd::InvoiceArgs),
    /// Cost per contact and per handled minute for every provider side by side
    Costs(contract_cmd::CostsArgs),
    /// Serve the HTTP API and the dashboard
    Serve(serve_cmd::ServeArgs),
    /// API tokens: create (shown once), list, revoke
    Token(admin_cmd::TokenArgs),
    /// Dashboard accounts: add, set a password, list
    User(admin_cmd::UserArgs),
    /// Phased cut-over of a queue to another provider, gated on the incoming provider's KPIs
    Transition(transition_cmd::TransitionArgs),
    /// What-if: each phase of a transition plan simulated on a typical week, with confidence intervals
    Simulate(simulate_cmd::SimulateArgs),
    /// Erlang C / Erlang A: measures for a number of agents, or the agents needed for targets
    Erlang(erlang_cmd::ErlangArgs),
    /// Required agents and scheduled FTE per interval from a queue's forecast, split across providers
    Plan(plan_cmd::PlanArgs),
    /// Forecast offered volume and handle time per interval (from the store or a CSV)
    Forecast(ForecastCmd),
}

#[derive(clap::Args, Debug)]
struct ForecastCmd {
    #[command(flatten)]
    args: forecast_cmd::ForecastArgs,
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    db: Option<std::path::PathBuf>,
}

fn forecast(cmd: &ForecastCmd) -> anyhow::Result<ExitCode> {
    match &cmd.args.queue {
        None => forecast_cmd::run_csv(&cmd.args)?,
        Some(q) => {
            let (store, _) = cli_util::open_existing(cmd.db.as_ref())?;
            let history =
                relevo_app::history::queue_history(&*store, &relevo_store::Scope::All, q)?;
            forecast_cmd::run_with_history(&cmd.args, &history)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    cli.command.set_db(cli.db.take());
    let result = match &cli.command {
        Command::Import(a) => import_cmd::run(a),
        Command::Report(a) => report_cmd::run(a),
        Command::Check(a) => report_cmd::check(a),
        Command::Demo(a) => demo::run(a),
        Command::Forecast(a) => forecast(a),
        Command::Plan(a) => plan_cmd::run(a),
        Command::Contract(a) => contract_cmd::run(a),
        Command::Scorecard(a) => contract_cmd::run_scorecard(a),
        Command::Invoice(a) => contract_cmd::run_invoice(a),
        Command::Costs(a) => contract_cmd::run_costs(a),
        Command::Serve(a) => serve_cmd::run(a),
        Command::Token(a) => admin_cmd::token(a),
        Command::User(a) => admin_cmd::user(a),
        Command::Transition(a) => transition_cmd::run(a),
        Command::Simulate(a) => simulate_cmd::run(a),
        Command::Erlang(a) => erlang_cmd::run(a).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", cli_util::describe(&err));
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every option and argument of every command says what it is for.
    #[test]
    fn every_option_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "relevo", &mut missing);
        assert!(missing.is_empty(), "options without help: {missing:?}");
    }
}
