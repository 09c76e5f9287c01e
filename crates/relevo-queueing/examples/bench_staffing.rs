//! Staffing benchmark driver (see `bench/erlang/run.sh`): required agents for every cell of
//! the benchmark input with Erlang C and Erlang A, timed in-process.
//!
//! Usage: `bench_staffing INPUT OUTPUT ERLANG_A_EVERY [REPEATS]`. Prints one line of
//! `key=value` timings (the best of REPEATS runs, default 5) and writes, for every cell,
//! `cell,c_raw,c_positions,a_raw,a_positions,a_min_raw,a_min_positions`. The `a_` columns
//! search Erlang A from `⌈A⌉` up, as pyworkforce does (`min_agents = ⌈A⌉`); the `a_min_`
//! columns are relevo's default, the true minimum, which can be lower. `ERLANG_A_EVERY`
//! selects the cells pyworkforce's slower Erlang A also solves, so both sides are timed on
//! the same ones.
//! This is the crate's IO edge: it reads the clock and files, which the library never does.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use relevo_queueing::{
    Model, ServiceLevelTarget, StaffingOutcome, StaffingProblem, Targets, required_agents,
};

struct Cell {
    id: u64,
    calls: f64,
    aht_s: f64,
    patience_s: f64,
    sl_target: f64,
    sl_threshold_s: f64,
    max_occupancy: f64,
    max_abandon: f64,
    shrinkage: f64,
}

fn parse(text: &str) -> Result<Vec<Cell>, String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty input")?.split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("input has no column {name:?}"))
    };
    let idx = [
        col("cell")?,
        col("calls")?,
        col("aht_s")?,
        col("patience_s")?,
        col("sl_target")?,
        col("sl_threshold_s")?,
        col("max_occupancy")?,
        col("max_abandon")?,
        col("shrinkage")?,
    ];
    lines
        .enumerate()
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split(',').collect();
            let num = |k: usize| -> Result<f64, String> {
                let raw = fields
                    .get(idx[k])
                    .ok_or(format!("line {}: too few fields", i + 2))?;
                raw.parse()
                    .map_err(|_| format!("line {}: not a number: {raw:?}", i + 2))
            };
            Ok(Cell {
                id: num(0)? as u64,
                calls: num(1)?,
                aht_s: num(2)?,
                patience_s: num(3)?,
                sl_target: num(4)?,
                sl_threshold_s: num(5)?,
                max_occupancy: num(6)?,
                max_abandon: num(7)?,
                shrinkage: num(8)?,
            })
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    ErlangC,
    /// Erlang A searched from ⌈A⌉ up, like pyworkforce.
    ErlangAFromLoad,
    /// Erlang A, the true minimum.
    ErlangA,
}

fn solve(cell: &Cell, mode: Mode) -> (u32, u32) {
    let erlang_a = mode != Mode::ErlangC;
    let model = if erlang_a {
        Model::ErlangA {
            patience_s: cell.patience_s,
        }
    } else {
        Model::ErlangC
    };
    let arrivals_per_s = cell.calls / 900.0;
    let min_agents = if mode == Mode::ErlangAFromLoad {
        (arrivals_per_s * cell.aht_s).ceil() as u32
    } else {
        0
    };
    let problem = StaffingProblem {
        targets: Targets {
            service_level: Some(ServiceLevelTarget {
                fraction: cell.sl_target,
                threshold_s: cell.sl_threshold_s,
            }),
            max_occupancy: Some(cell.max_occupancy),
            max_abandon: erlang_a.then_some(cell.max_abandon),
            max_asa_s: None,
        },
        shrinkage: cell.shrinkage,
        min_agents,
        ..StaffingProblem::new(arrivals_per_s, cell.aht_s, model)
    };
    match required_agents(&problem) {
        Ok(StaffingOutcome::Staffed(plan)) => (plan.raw_agents, plan.agents_with_shrinkage),
        // Never in this input; a sentinel the comparison would report as a mismatch.
        _ => (u32::MAX, u32::MAX),
    }
}

/// Solves `cells` `repeats` times and returns the answers with the fastest run's time.
#[allow(clippy::disallowed_methods)] // the benchmark reads the clock
fn timed(cells: &[&Cell], mode: Mode, repeats: u32) -> (Vec<(u32, u32)>, Duration) {
    let mut best = Duration::MAX;
    let mut answers = Vec::new();
    for _ in 0..repeats {
        let start = Instant::now();
        answers = cells.iter().map(|c| solve(c, mode)).collect();
        best = best.min(start.elapsed());
    }
    (answers, best)
}

#[allow(clippy::disallowed_methods)] // the benchmark reads and writes files
fn run(args: &[String]) -> Result<(), String> {
    let [input, output, every, rest @ ..] = args else {
        return Err("usage: bench_staffing INPUT OUTPUT ERLANG_A_EVERY [REPEATS]".into());
    };
    let every: u64 = every
        .parse()
        .map_err(|_| format!("not a cell step: {every:?}"))?;
    let repeats: u32 = match rest.first() {
        Some(r) => r
            .parse()
            .map_err(|_| format!("not a repeat count: {r:?}"))?,
        None => 5,
    };
    let text = std::fs::read_to_string(input).map_err(|e| format!("reading {input}: {e}"))?;
    let cells = parse(&text).map_err(|e| format!("{input}: {e}"))?;
    let all: Vec<&Cell> = cells.iter().collect();
    let sampled: Vec<&Cell> = cells.iter().filter(|c| c.id % every.max(1) == 0).collect();

    let (c_answers, c_time) = timed(&all, Mode::ErlangC, repeats);
    let (a_answers, a_time_all) = timed(&all, Mode::ErlangAFromLoad, repeats);
    let (_, a_time_sampled) = timed(&sampled, Mode::ErlangAFromLoad, repeats);
    let (a_min_answers, a_min_time_all) = timed(&all, Mode::ErlangA, repeats);

    let mut out =
        String::from("cell,c_raw,c_positions,a_raw,a_positions,a_min_raw,a_min_positions\n");
    for (i, cell) in cells.iter().enumerate() {
        let (c, a, m) = (c_answers[i], a_answers[i], a_min_answers[i]);
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            cell.id, c.0, c.1, a.0, a.1, m.0, m.1
        ));
    }
    std::fs::write(output, out).map_err(|e| format!("writing {output}: {e}"))?;
    println!(
        "relevo erlang_c_cells={} erlang_c_s={:.6} erlang_a_all_cells={} erlang_a_all_s={:.6} \
         erlang_a_cells={} erlang_a_s={:.6} erlang_a_min_all_s={:.6}",
        all.len(),
        c_time.as_secs_f64(),
        all.len(),
        a_time_all.as_secs_f64(),
        sampled.len(),
        a_time_sampled.as_secs_f64(),
        a_min_time_all.as_secs_f64(),
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
