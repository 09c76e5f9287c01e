//! A seeded discrete-event simulation of M/M/N+M, checked against Erlang A. Slow: runs only
//! when `RELEVO_SLOW_TESTS=1` (CI sets it) and otherwise returns early with a note.
//!
//! Callers are simulated one by one (first come, first served; each with its own
//! exponential patience, leaving the queue when it runs out), so the check covers the
//! service-level definition too: answered within T over all arrivals, abandoners counted
//! as not answered. Estimates are batch means with a normal confidence interval.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use relevo_queueing::ErlangA;

use crate::tolerance::SIMULATION_SIGMAS;

#[allow(clippy::disallowed_methods)] // the test's one read of the environment
fn slow_tests_enabled() -> bool {
    std::env::var("RELEVO_SLOW_TESTS").is_ok_and(|v| v == "1")
}

/// splitmix64 (Steele, Lea & Flood 2014): tiny, fast, seeded, good enough for this.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * self.uniform().ln()
    }
}

/// Event times are positive, so their bit patterns order like the numbers.
fn key(t: f64) -> Reverse<u64> {
    Reverse(t.to_bits())
}

struct Scenario {
    arrivals_per_s: f64,
    aht_s: f64,
    patience_s: f64,
    agents: usize,
    threshold_s: f64,
}

/// Per batch: fraction waited, fraction abandoned, fraction answered within the threshold.
fn simulate(s: &Scenario, seed: u64, batches: usize, batch_size: usize) -> Vec<[f64; 3]> {
    let mut rng = SplitMix64(seed);
    let warm_up = batch_size; // one batch, thrown away
    let total = warm_up + batches * batch_size;
    let mut counts = vec![[0u32; 3]; batches];
    let mut record = |customer: usize, outcome: usize| {
        if customer >= warm_up {
            counts[(customer - warm_up) / batch_size][outcome] += 1;
        }
    };
    let mut busy: BinaryHeap<Reverse<u64>> = BinaryHeap::new(); // completion times
    let mut queue: VecDeque<(usize, f64, f64)> = VecDeque::new(); // (id, arrived, gives up)
    let mut next_arrival = rng.exponential(1.0 / s.arrivals_per_s);
    let mut arrived = 0;
    while arrived < total || !queue.is_empty() {
        let next_completion = busy.peek().map(|Reverse(bits)| f64::from_bits(*bits));
        let completion_first =
            next_completion.is_some_and(|c| arrived >= total || c < next_arrival);
        if completion_first {
            let now = next_completion.unwrap_or_default();
            busy.pop();
            while let Some((id, at, gives_up)) = queue.pop_front() {
                if gives_up <= now {
                    record(id, 1);
                    continue;
                }
                if now - at <= s.threshold_s {
                    record(id, 2);
                }
                busy.push(key(now + rng.exponential(s.aht_s)));
                break;
            }
        } else {
            let now = next_arrival;
            let id = arrived;
            arrived += 1;
            next_arrival = now + rng.exponential(1.0 / s.arrivals_per_s);
            if busy.len() < s.agents {
                record(id, 2);
                busy.push(key(now + rng.exponential(s.aht_s)));
            } else {
                record(id, 0);
                queue.push_back((id, now, now + rng.exponential(s.patience_s)));
            }
        }
    }
    let n = batch_size as f64;
    counts
        .iter()
        .map(|c| {
            [
                f64::from(c[0]) / n,
                f64::from(c[1]) / n,
                f64::from(c[2]) / n,
            ]
        })
        .collect()
}

fn check(name: &str, s: &Scenario, seed: u64) {
    let exact = ErlangA::new(s.arrivals_per_s, s.aht_s, s.patience_s, s.agents as f64).unwrap();
    let batches = simulate(s, seed, 20, 100_000);
    let expected = [
        exact.prob_wait(),
        exact.prob_abandon(),
        exact.service_level(s.threshold_s),
    ];
    for (i, label) in ["P(wait)", "P(abandon)", "SL"].iter().enumerate() {
        let values: Vec<f64> = batches.iter().map(|b| b[i]).collect();
        let k = values.len() as f64;
        let mean = values.iter().sum::<f64>() / k;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1.0);
        let se = (var / k).sqrt();
        println!(
            "{name} {label}: simulated {mean:.5} ± {se:.5}, Erlang A {:.5}",
            expected[i]
        );
        assert!(
            (mean - expected[i]).abs() <= SIMULATION_SIGMAS * se + 1e-9,
            "{name} {label}: simulated {mean} ± {se}, Erlang A {}",
            expected[i]
        );
    }
}

#[test]
fn simulation_agrees_with_erlang_a() {
    if !slow_tests_enabled() {
        println!("skipped: the M/M/N+M simulation runs only with RELEVO_SLOW_TESTS=1");
        return;
    }
    // The anchors §4 case: 100 calls per 30 min, AHT 3 min, patience 5 min, 14 agents.
    let anchors = Scenario {
        arrivals_per_s: 100.0 / 1800.0,
        aht_s: 180.0,
        patience_s: 300.0,
        agents: 14,
        threshold_s: 20.0,
    };
    check("anchors case", &anchors, 0x5EED_0001);
    // Overloaded: 20 erlangs on 14 agents with impatient callers.
    let overloaded = Scenario {
        arrivals_per_s: 1.0 / 9.0,
        aht_s: 180.0,
        patience_s: 60.0,
        agents: 14,
        threshold_s: 30.0,
    };
    check("overloaded", &overloaded, 0x5EED_0002);
}
