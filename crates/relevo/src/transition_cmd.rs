//! `relevo transition`: phased cut-overs between providers — create a plan, show its status (phase
//! timeline, target vs actual shares, guardrails vs thresholds), let people advance, hold, roll
//! back or resume it, and evaluate it on the store's numbers (persisting the state and sending the
//! signed webhooks).
//!
//! The state machine is `relevo-transitions`; measuring, saving and sending the webhooks is
//! `relevo_app::transitions`, the same functions the server's background evaluation runs.
//! Webhooks go over a minimal HTTP/1.1 client (http:// only, no TLS, 5 s timeouts); a failed
//! delivery is recorded on the event and retried by the next command on that transition.

use crate::cli_util::open_store;
use anyhow::{Context, Result, anyhow};
use relevo_app::transitions::{Loaded, Op, Outcome, offered_by_provider, window_kpis};
use relevo_store::Store;
use relevo_transitions::{Event, State, TransitionPlan, plan::format_duration};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct TransitionArgs {
    #[command(subcommand)]
    pub command: TransitionCommand,
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
    /// Who acts, as the audit log records it (default: cli:$USER)
    #[arg(long, global = true)]
    pub actor: Option<String>,
}

#[derive(clap::Subcommand, Debug)]
pub enum TransitionCommand {
    /// Store a transition plan (TOML) and start it at its baseline
    Create {
        /// The transition plan file (TOML; see examples/transitions/)
        file: PathBuf,
        /// When it was created (date or RFC 3339; default: now), for replays
        #[arg(long)]
        at: Option<String>,
    },
    /// All transitions, or one in detail: phases, target vs actual shares, guardrails, events
    Status {
        /// A transition's id (default: all of them, one line each)
        id: Option<i64>,
        /// Measure as of this instant (date or RFC 3339; default: now)
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Move to the next phase now, whatever the gate and dates say
    Advance(OpArgs),
    /// Hold at the current split: no automatic advance until resumed or advanced
    Hold(OpArgs),
    /// Roll back one phase (or to the baseline with --full)
    Rollback {
        #[command(flatten)]
        op: OpArgs,
        /// Back to the baseline
        #[arg(long)]
        full: bool,
    },
    /// Lift a hold and the rolled-back flag without changing the phase
    Resume(OpArgs),
    /// Measure the incoming provider's KPIs, run the state machine, save, notify
    Evaluate {
        /// The transition's id (from `relevo transition status`)
        id: i64,
        /// Evaluate as of this instant (date = its midnight in the plan's zone, or RFC 3339;
        /// default: now)
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
pub struct OpArgs {
    /// The transition's id (from `relevo transition status`)
    pub id: i64,
    /// Why (recorded in the event, the webhook and the audit log)
    #[arg(long)]
    pub reason: String,
    /// When (date or RFC 3339; default: now), for replays
    #[arg(long)]
    pub at: Option<String>,
}

fn now_ms() -> i64 {
    #[allow(clippy::disallowed_methods)] // the binary is the edge that reads the clock
    let now = jiff::Timestamp::now();
    now.as_millisecond()
}

fn actor(arg: Option<&String>) -> String {
    match arg {
        Some(a) => a.clone(),
        None => {
            #[allow(clippy::disallowed_methods)]
            // the binary is the edge that reads the environment
            let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
            format!("cli:{user}")
        }
    }
}

/// Resolves IANA names for plan files.
pub fn zones(name: &str) -> Option<jiff::tz::TimeZone> {
    relevo_app::transitions::zones(name)
}

/// Reads and validates a plan file.
pub fn read_plan(file: &PathBuf) -> Result<TransitionPlan> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {name}"))?;
    TransitionPlan::parse(&text, &zones).map_err(|e| anyhow!("{name}: {e}"))
}

fn instant(text: Option<&String>, plan_zone: &jiff::tz::TimeZone, flag: &str) -> Result<i64> {
    match text {
        Some(t) => relevo_transitions::plan::parse_instant(t, plan_zone)
            .map_err(|e| anyhow!("{flag}: {e}")),
        None => Ok(now_ms()),
    }
}

fn load(store: &dyn Store, id: i64) -> Result<Loaded> {
    Ok(relevo_app::transitions::load(store, id)?)
}

/// Warns about a webhook delivery that failed (the next command on the transition retries).
fn warn_undelivered(plan: &TransitionPlan, o: &Outcome) {
    if let Some(hook) = &plan.webhook {
        for (event, kind, message) in &o.undelivered {
            eprintln!(
                "warning: webhook {} for event {event} ({kind}) not delivered: {message}; the next command on this transition retries",
                hook.url
            );
        }
    }
}

fn print_events(plan: &TransitionPlan, events: &[Event]) {
    if events.is_empty() {
        println!("  no change");
    }
    for e in events {
        println!(
            "  {} {} by {}: {}",
            plan.format_instant(e.at_ms),
            e.kind.as_str(),
            e.actor,
            e.reason
        );
    }
}

fn print_now(plan: &TransitionPlan, state: &State) {
    println!(
        "  now: phase {}/{} {} since {} ({})",
        state.phase,
        plan.last_phase(),
        plan.phase_label(state.phase),
        plan.format_instant(state.phase_since_ms),
        state.describe(plan)
    );
}

pub fn run(args: &TransitionArgs) -> Result<ExitCode> {
    let (mut store, _) = open_store(args.db.as_ref())?;
    let who = actor(args.actor.as_ref());
    match &args.command {
        TransitionCommand::Create { file, at } => {
            let plan = read_plan(file)?;
            let at = instant(at.as_ref(), &plan.zone, "--at")?;
            let id = relevo_app::transitions::create(&mut *store, &plan, at, &who, now_ms())?;
            println!(
                "created transition {id}: {} ({} on {} from {} to {}, {} phases)",
                plan.name,
                plan.queue,
                channels(&plan),
                plan.from,
                plan.to,
                plan.last_phase()
            );
            Ok(ExitCode::SUCCESS)
        }
        TransitionCommand::Status { id: None, .. } => {
            let rows = store.transitions()?;
            if rows.is_empty() {
                println!("no transitions (relevo transition create FILE adds one)");
            }
            for row in rows {
                let l = load(&*store, row.id)?;
                println!(
                    "{:>3}  {}  {} {} → {}  phase {}/{} {}  {}",
                    row.id,
                    l.plan.name,
                    l.plan.queue,
                    l.plan.from,
                    l.plan.to,
                    l.state.phase,
                    l.plan.last_phase(),
                    l.plan.phase_label(l.state.phase),
                    l.state.describe(&l.plan)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        TransitionCommand::Status {
            id: Some(id),
            as_of,
        } => {
            let l = load(&*store, *id)?;
            let now = instant(as_of.as_ref(), &l.plan.zone, "--as-of")?;
            status(&*store, &l, now)?;
            Ok(ExitCode::SUCCESS)
        }
        TransitionCommand::Evaluate { id, as_of } => {
            let l = load(&*store, *id)?;
            let now = instant(as_of.as_ref(), &l.plan.zone, "--as-of")?;
            let o = relevo_app::transitions::evaluate_loaded(&mut *store, l, now, &who, &now_ms)?;
            let (l, state, events) = (&o.loaded, &o.state, &o.events);
            let gate = state
                .last_gate
                .as_ref()
                .expect("an evaluation records its gate");
            println!(
                "transition {id}: {} evaluated as of {}",
                l.plan.name,
                l.plan.format_instant(now)
            );
            println!(
                "  gate {} over {} .. {}",
                gate.status.as_str(),
                l.plan.format_instant(gate.window_from_ms),
                l.plan.format_instant(gate.window_to_ms)
            );
            for c in &gate.checks {
                println!("    {}", c.describe());
            }
            print_events(&l.plan, events);
            print_now(&l.plan, state);
            warn_undelivered(&l.plan, &o);
            Ok(ExitCode::SUCCESS)
        }
        TransitionCommand::Advance(op)
        | TransitionCommand::Hold(op)
        | TransitionCommand::Rollback { op, .. }
        | TransitionCommand::Resume(op) => {
            let l = load(&*store, op.id)?;
            let now = instant(op.at.as_ref(), &l.plan.zone, "--at")?;
            let which = match &args.command {
                TransitionCommand::Advance(_) => Op::Advance,
                TransitionCommand::Hold(_) => Op::Hold,
                TransitionCommand::Rollback { full, .. } => Op::Rollback { full: *full },
                _ => Op::Resume,
            };
            let o = relevo_app::transitions::operate(
                &mut *store,
                op.id,
                which,
                &who,
                &op.reason,
                now,
                &now_ms,
            )
            .map_err(|e| anyhow!("{e}"))?;
            println!("transition {}: {}", op.id, o.loaded.plan.name);
            print_events(&o.loaded.plan, &o.events);
            print_now(&o.loaded.plan, &o.state);
            warn_undelivered(&o.loaded.plan, &o);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn channels(plan: &TransitionPlan) -> String {
    plan.channels
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn status(store: &dyn Store, l: &Loaded, now: i64) -> Result<()> {
    let (plan, state) = (&l.plan, &l.state);
    println!("transition {}: {}", l.row.id, plan.name);
    println!(
        "  {} on {}: {} → {} (dates in {})",
        plan.queue,
        channels(plan),
        plan.from,
        plan.to,
        plan.time_zone
    );
    print_now(plan, state);
    if let Some(h) = &state.held {
        println!(
            "  held since {} by {}: {}",
            plan.format_instant(h.since_ms),
            h.by,
            h.reason
        );
    }
    println!();
    println!("phases (target share of {}):", plan.to);
    for k in 0..=plan.last_phase() {
        let entered = state
            .history
            .iter()
            .rev()
            .find(|c| c.to_phase == k)
            .map(|c| c.at_ms)
            .or((k == 0).then_some(state.created_ms));
        let marker = if k == state.phase { "▶" } else { " " };
        let mut line = format!(
            "  {marker} {k}  {:<24} {:>6}",
            plan.phase_name(k),
            format!("{} %", relevo_transitions::plan::fmt_share(plan.share(k)))
        );
        if let Some(e) = plan.earliest_ms(k) {
            line.push_str(&format!("  from {}", plan.format_instant(e)));
        }
        if k > 0 && plan.min_duration_ms(k) > 0 {
            line.push_str(&format!(
                "  min {}",
                format_duration(plan.min_duration_ms(k))
            ));
        }
        if let Some(at) = entered {
            line.push_str(&format!("  last entered {}", plan.format_instant(at)));
        }
        println!("{line}");
    }
    println!();
    let since = state.phase_since_ms.min(now);
    let offered = offered_by_provider(store, plan, since, now)?;
    let total: i64 = offered.iter().map(|(_, n)| n).sum();
    println!(
        "actual shares since the phase started ({} .. {}, {} contacts offered):",
        plan.format_instant(since),
        plan.format_instant(now),
        total
    );
    let targets = plan.shares(state.phase);
    let mut names: Vec<String> = targets.iter().map(|(p, _)| p.clone()).collect();
    for (p, _) in &offered {
        if !names.contains(p) {
            names.push(p.clone());
        }
    }
    for p in names {
        let n = offered.iter().find(|(q, _)| *q == p).map_or(0, |(_, n)| *n);
        let target = targets
            .iter()
            .find(|(q, _)| *q == p)
            .map_or(0.0, |(_, s)| *s);
        let actual = if total > 0 {
            format!("{:5.1} %", 100.0 * n as f64 / total as f64)
        } else {
            "    – ".to_owned()
        };
        println!(
            "  {p:<20} target {:5.1} %  actual {actual}  ({n} offered)",
            100.0 * target
        );
    }
    println!();
    let window = window_kpis(store, plan, state, now)?;
    let gate = relevo_transitions::check_gate(plan, &window, now);
    println!(
        "guardrails on {} over {} .. {} (window {}): {}",
        plan.to,
        plan.format_instant(gate.window_from_ms),
        plan.format_instant(gate.window_to_ms),
        format_duration(plan.gate.window_ms),
        gate.status.as_str()
    );
    for c in &gate.checks {
        println!("  {}", c.describe());
    }
    if let Some(since) = state.gate_passing_since_ms {
        println!(
            "  passing since {} ({})",
            plan.format_instant(since),
            format_duration(now - since)
        );
    }
    if let Some(since) = state.gate_failing_since_ms {
        println!(
            "  failing since {} ({})",
            plan.format_instant(since),
            format_duration(now - since)
        );
    }
    if let Some(at) = state.last_evaluated_ms {
        println!("  last evaluated {}", plan.format_instant(at));
    }
    let events = store.transition_events(l.row.id)?;
    if !events.is_empty() {
        println!();
        println!("events (latest 10):");
        for e in events.iter().rev().take(10).rev() {
            let delivery = match (&plan.webhook, e.delivered_at_ms, &e.delivery_error) {
                (None, _, _) => String::new(),
                (Some(_), Some(_), _) => "  [delivered]".to_owned(),
                (Some(_), None, Some(err)) => format!("  [not delivered: {err}]"),
                (Some(_), None, None) => "  [pending]".to_owned(),
            };
            println!(
                "  {:>4} {} {} by {}: {}{delivery}",
                e.id,
                plan.format_instant(e.at_ms),
                e.kind,
                e.actor,
                e.reason
            );
        }
    }
    Ok(())
}
