//! `relevo transition`: phased cut-overs between providers — create a plan, show its status (phase
//! timeline, target vs actual shares, guardrails vs thresholds), let people advance, hold, roll
//! back or resume it, and evaluate it on the store's numbers (persisting the state and sending the
//! signed webhooks).
//!
//! The state machine is `relevo-transitions`; this module measures, stores and sends. Webhooks go
//! over a minimal HTTP/1.1 client on `std::net::TcpStream` (http:// only, no TLS, 5 s timeouts);
//! a failed delivery is recorded on the event and retried by the next command on that transition.

use crate::cli_util::open_store;
use crate::report_cmd::{ReportArgs, spec_of};
use anyhow::{Context, Result, anyhow, bail};
use relevo_core::{Channel, interval_of, interval_start_ms};
use relevo_metrics::{Acc, Granularity, Kpis};
use relevo_store::{
    NewTransition, NewTransitionEvent, Scope, SqliteStore, Store, StoredTransition, TransitionSave,
};
use relevo_transitions::webhook::{self, HttpUrl};
use relevo_transitions::{Event, State, TransitionPlan, WindowKpis, plan::format_duration};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct TransitionArgs {
    #[command(subcommand)]
    pub command: TransitionCommand,
    /// Database file (default: $XDG_DATA_HOME/relevo/relevo.db)
    #[arg(long, env = "RELEVO_DB", global = true)]
    pub db: Option<PathBuf>,
    /// Who acts, as the audit log records it (default: cli:$USER)
    #[arg(long, global = true)]
    pub actor: Option<String>,
}

#[derive(clap::Subcommand, Debug)]
pub enum TransitionCommand {
    /// Store a transition plan (TOML) and start it at its baseline
    Create {
        file: PathBuf,
        /// When it was created (date or RFC 3339; default: now), for replays
        #[arg(long)]
        at: Option<String>,
    },
    /// All transitions, or one in detail: phases, target vs actual shares, guardrails, events
    Status {
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
        id: i64,
        /// Evaluate as of this instant (date = its midnight in the plan's zone, or RFC 3339;
        /// default: now)
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
pub struct OpArgs {
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
    jiff::tz::TimeZone::get(name).ok()
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

struct Loaded {
    row: StoredTransition,
    plan: TransitionPlan,
    state: State,
}

fn load(store: &SqliteStore, id: i64) -> Result<Loaded> {
    let row = store
        .transition(id)?
        .ok_or_else(|| anyhow!("no transition {id} (relevo transition status lists them)"))?;
    let plan = TransitionPlan::parse(&row.plan, &zones)
        .map_err(|e| anyhow!("stored plan of transition {id} no longer parses: {e}"))?;
    let state: State = serde_json::from_str(&row.state)
        .with_context(|| format!("stored state of transition {id} is not readable"))?;
    Ok(Loaded { row, plan, state })
}

/// The incoming provider's KPIs over `[from_ms, to_ms)` on the plan's queue and channels, with
/// the report's settings and formulas (`spec_of`, `Acc`, `Kpis::compute`): the same numbers as a
/// `relevo report` row covering exactly that span.
pub fn measure(
    store: &SqliteStore,
    plan: &TransitionPlan,
    provider: &str,
    from_ms: i64,
    to_ms: i64,
    as_of_ms: i64,
) -> Result<Kpis> {
    let args = report_args(plan, provider, from_ms, to_ms.max(from_ms + 1), as_of_ms);
    let spec = spec_of(&args)?;
    let mut acc = Acc::default();
    if to_ms > from_ms {
        let scope = Scope::Provider(provider.to_owned());
        let keep = |q: &str, c: Channel| q == plan.queue && plan.channels.contains(&c);
        for (k, f) in store.fcr(from_ms, to_ms, args.fcr_window_days, as_of_ms, &scope)? {
            if keep(&k.queue, k.channel) {
                acc.fcr_eligible += f.eligible;
                acc.fcr_resolved += f.resolved;
            }
        }
        store.for_each_cell(
            interval_of(from_ms),
            interval_of(to_ms - 1) + 1,
            &scope,
            &mut |c, cell| {
                let t = interval_start_ms(c.interval);
                if t >= from_ms && t < to_ms && keep(c.queue, c.channel) {
                    acc.add_cell(cell, c.channel, &spec.settings);
                }
            },
        )?;
    }
    Ok(Kpis::compute(&acc, &spec.settings))
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Report arguments for one provider's window on the plan's queue and channels (default KPI
/// settings: per-channel service-level thresholds, short abandons under 5 s, 7-day FCR).
fn report_args(
    plan: &TransitionPlan,
    provider: &str,
    from_ms: i64,
    to_ms: i64,
    as_of_ms: i64,
) -> ReportArgs {
    ReportArgs {
        from: rfc3339(from_ms),
        to: rfc3339(to_ms),
        by: Granularity::Day,
        group: relevo_metrics::report::GroupBy::default(),
        tz: plan.time_zone.clone(),
        sl_threshold: None,
        short_abandon: 5,
        abandon_treatment: relevo_core::AbandonTreatment::Counted,
        include_flowouts: false,
        fcr_window_days: 7,
        as_of: Some(rfc3339(as_of_ms)),
        provider: Some(provider.to_owned()),
        queue: vec![plan.queue.clone()],
        channel: plan.channels.clone(),
        format: "table".into(),
        output: None,
        db: None,
    }
}

/// The gate's window for `state` at `now_ms`, measured.
fn window_kpis(
    store: &SqliteStore,
    plan: &TransitionPlan,
    state: &State,
    now_ms: i64,
) -> Result<WindowKpis> {
    let (from, to) = state.window(plan, now_ms);
    let kpis = measure(store, plan, &plan.to, from, to, now_ms)?;
    Ok(WindowKpis::from_kpis(from, to, &kpis))
}

/// Saves the new state with its events, then sends every undelivered event of the transition.
fn save_and_notify(
    store: &mut SqliteStore,
    loaded: &Loaded,
    state: &State,
    events: &[Event],
    who: &str,
    action: &str,
    detail: &str,
) -> Result<()> {
    let jsons: Vec<String> = events
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<_, _>>()?;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    let actors: Vec<String> = events.iter().map(|e| e.actor.to_string()).collect();
    let new: Vec<NewTransitionEvent<'_>> = events
        .iter()
        .enumerate()
        .map(|(i, e)| NewTransitionEvent {
            at_ms: e.at_ms,
            kind: kinds[i],
            actor: &actors[i],
            reason: &e.reason,
            event: &jsons[i],
        })
        .collect();
    let state_json = serde_json::to_string(state)?;
    store.save_transition(
        loaded.row.id,
        &TransitionSave {
            expected_version: loaded.row.version,
            state: &state_json,
            events: &new,
            actor: who,
            action,
            detail,
            now_ms: now_ms(),
        },
    )?;
    deliver_pending(store, loaded.row.id, &loaded.plan)
}

/// Sends the transition's undelivered events, oldest first, stopping at the first failure (so a
/// receiver sees them in order); each attempt's outcome is recorded.
fn deliver_pending(store: &SqliteStore, id: i64, plan: &TransitionPlan) -> Result<()> {
    let Some(hook) = &plan.webhook else {
        return Ok(());
    };
    for stored in store
        .transition_events(id)?
        .into_iter()
        .filter(|e| e.delivered_at_ms.is_none())
    {
        let event: Event = serde_json::from_str(&stored.event)
            .with_context(|| format!("stored event {} is not readable", stored.id))?;
        let body = webhook::payload(id, stored.id, plan, &event);
        let request = webhook::request(&hook.url, &hook.secret, event.kind.as_str(), &body);
        match send(&hook.url, &request) {
            Ok(()) => store.record_delivery(stored.id, now_ms(), None)?,
            Err(e) => {
                let message = format!("{e:#}");
                store.record_delivery(stored.id, now_ms(), Some(&message))?;
                eprintln!(
                    "warning: webhook {} for event {} ({}) not delivered: {message}; the next command on this transition retries",
                    hook.url,
                    stored.id,
                    event.kind.as_str()
                );
                break;
            }
        }
    }
    Ok(())
}

/// Writes the request and reads the response's status line; a 2xx status is a delivery.
fn send(url: &HttpUrl, request: &[u8]) -> Result<()> {
    use std::net::ToSocketAddrs;
    let timeout = Duration::from_secs(5);
    let addrs: Vec<_> = url
        .authority()
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {}", url.authority()))?
        .collect();
    let mut last = None;
    let mut stream = None;
    for a in addrs {
        match std::net::TcpStream::connect_timeout(&a, timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let mut stream = match (stream, last) {
        (Some(s), _) => s,
        (None, Some(e)) => {
            return Err(
                anyhow::Error::new(e).context(format!("cannot connect to {}", url.authority()))
            );
        }
        (None, None) => bail!("{} resolves to no address", url.authority()),
    };
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream
        .write_all(request)
        .context("cannot send the request")?;
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    // Read until the status line is complete (the receiver may keep the connection open).
    while !response.windows(2).any(|w| w == b"\r\n") && response.len() < 8192 {
        let n = stream.read(&mut buf).context("no response")?;
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&response);
    let status_line = text.lines().next().unwrap_or_default();
    let code: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| anyhow!("not an HTTP response: {status_line:?}"))?;
    if !(200..300).contains(&code) {
        bail!("the receiver answered {status_line:?}");
    }
    Ok(())
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
            let state = State::new(at);
            let id = store.create_transition(
                &NewTransition {
                    name: &plan.name,
                    queue: &plan.queue,
                    from_provider: &plan.from,
                    to_provider: &plan.to,
                    plan: &plan.source,
                    state: &serde_json::to_string(&state)?,
                },
                &who,
                now_ms(),
            )?;
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
                let l = load(&store, row.id)?;
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
            let l = load(&store, *id)?;
            let now = instant(as_of.as_ref(), &l.plan.zone, "--as-of")?;
            status(&store, &l, now)?;
            Ok(ExitCode::SUCCESS)
        }
        TransitionCommand::Evaluate { id, as_of } => {
            let l = load(&store, *id)?;
            let now = instant(as_of.as_ref(), &l.plan.zone, "--as-of")?;
            let window = window_kpis(&store, &l.plan, &l.state, now)?;
            let (state, events) = relevo_transitions::evaluate(&l.plan, &l.state, &window, now);
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
            print_events(&l.plan, &events);
            print_now(&l.plan, &state);
            let detail = format!(
                "as of {}: gate {}: {}",
                rfc3339(now),
                gate.status.as_str(),
                gate.summary()
            );
            save_and_notify(
                &mut store,
                &l,
                &state,
                &events,
                &who,
                "transition.evaluate",
                &detail,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        TransitionCommand::Advance(op)
        | TransitionCommand::Hold(op)
        | TransitionCommand::Rollback { op, .. }
        | TransitionCommand::Resume(op) => {
            let l = load(&store, op.id)?;
            let now = instant(op.at.as_ref(), &l.plan.zone, "--at")?;
            let (name, result) = match &args.command {
                TransitionCommand::Advance(_) => (
                    "advance",
                    relevo_transitions::advance(&l.plan, &l.state, &who, &op.reason, now),
                ),
                TransitionCommand::Hold(_) => (
                    "hold",
                    relevo_transitions::hold(&l.plan, &l.state, &who, &op.reason, now),
                ),
                TransitionCommand::Rollback { full, .. } => (
                    "rollback",
                    relevo_transitions::rollback(&l.plan, &l.state, *full, &who, &op.reason, now),
                ),
                _ => (
                    "resume",
                    relevo_transitions::resume(&l.plan, &l.state, &who, &op.reason, now),
                ),
            };
            let (state, events) =
                result.map_err(|e| anyhow!("transition {}: cannot {name}: {e}", op.id))?;
            println!("transition {}: {}", op.id, l.plan.name);
            print_events(&l.plan, &events);
            print_now(&l.plan, &state);
            save_and_notify(
                &mut store,
                &l,
                &state,
                &events,
                &who,
                &format!("transition.{name}"),
                &op.reason,
            )?;
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

/// Offered contacts per provider on the plan's queue and channels in `[from_ms, to_ms)`.
fn offered_by_provider(
    store: &SqliteStore,
    plan: &TransitionPlan,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<(String, i64)>> {
    let mut per: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    if to_ms > from_ms {
        store.for_each_cell(
            interval_of(from_ms),
            interval_of(to_ms - 1) + 1,
            &Scope::All,
            &mut |c, cell| {
                let t = interval_start_ms(c.interval);
                if t >= from_ms
                    && t < to_ms
                    && c.queue == plan.queue
                    && plan.channels.contains(&c.channel)
                {
                    *per.entry(c.provider.to_owned()).or_default() += cell.offered;
                }
            },
        )?;
    }
    Ok(per.into_iter().collect())
}

fn status(store: &SqliteStore, l: &Loaded, now: i64) -> Result<()> {
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
