//! Benchmark: simulated arrivals per second on M/M/50+M (48 erlangs: λ = 48/180 per second,
//! AHT 180 s exponential, mean patience 120 s exponential, 50 agents, SL threshold 20 s).
//! `bench/sim/run.sh` runs it side by side with SimPy and Ciw models of the same queue.
//!
//! Usage: `cargo run --release -p relevo-sim --example bench_mmn -- [ARRIVALS] [SEED] [RUNS]`
//! (defaults 1,000,000, 1, 5). Prints one `key=value` line with the best run's speed and
//! the measures, then the Erlang A values they should agree with.

use relevo_queueing::ErlangA;
use relevo_sim::{Distribution, Scenario, Simulation, Step};

const ARRIVALS_PER_S: f64 = 48.0 / 180.0;
const AHT_S: f64 = 180.0;
const PATIENCE_S: f64 = 120.0;
const AGENTS: u32 = 50;
const THRESHOLD_S: f64 = 20.0;

#[allow(clippy::disallowed_methods)] // a benchmark reads the clock, like the binary's edge
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arrivals: f64 = args
        .get(1)
        .map_or(1_000_000.0, |a| a.parse().expect("ARRIVALS is a number"));
    let seed: u64 = args
        .get(2)
        .map_or(1, |a| a.parse().expect("SEED is an integer"));
    let runs: u32 = args
        .get(3)
        .map_or(5, |a| a.parse().expect("RUNS is an integer"));

    // One interval long enough for `arrivals` contacts on average.
    let horizon_s = arrivals / ARRIVALS_PER_S;
    let scenario = Scenario::single_queue(
        ARRIVALS_PER_S,
        horizon_s,
        1,
        AGENTS,
        Distribution::exponential(AHT_S).unwrap(),
        Some(Distribution::exponential(PATIENCE_S).unwrap()),
        THRESHOLD_S,
    );

    let mut best_s = f64::INFINITY;
    let mut outcome = None;
    for run in 0..runs {
        let start = now();
        let mut sim = Simulation::new(&scenario, seed + u64::from(run)).unwrap();
        let mut events = 0u64;
        while sim.step() != Step::Finished {
            events += 1;
        }
        let elapsed_s = start.elapsed().as_secs_f64();
        std::hint::black_box(events);
        if elapsed_s < best_s {
            best_s = elapsed_s;
        }
        if run == 0 {
            outcome = Some(sim.into_outcome());
        }
    }
    let t = outcome.unwrap().total();
    println!(
        "relevo arrivals={} seconds={:.6} arrivals_per_s={:.0} service_level={:.5} abandonment={:.5} asa_s={:.4} mean_wait_s={:.4}",
        t.offered,
        best_s,
        t.offered as f64 / best_s,
        t.service_level().unwrap(),
        t.abandonment().unwrap(),
        t.asa_s().unwrap(),
        t.mean_wait_s().unwrap(),
    );
    let exact = ErlangA::new(ARRIVALS_PER_S, AHT_S, PATIENCE_S, f64::from(AGENTS)).unwrap();
    println!(
        "erlang_a service_level={:.5} abandonment={:.5} mean_wait_s={:.4}",
        exact.service_level(THRESHOLD_S),
        exact.prob_abandon(),
        exact.asa_s(),
    );
}
