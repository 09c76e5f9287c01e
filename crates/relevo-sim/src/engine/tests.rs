//! Unit tests: determinism, routing (closed providers, caps, overflow, phases, splitting),
//! time-varying arrivals and staffing, and the end-of-run rules. The comparisons with
//! Erlang C and Erlang A are in tests/sim.

use super::*;
use crate::dist::Distribution;
use crate::scenario::{Phase, Provider};

fn exp(mean_s: f64) -> Distribution {
    Distribution::exponential(mean_s).unwrap()
}

fn provider(name: &str, agents: Vec<u32>) -> Provider {
    Provider {
        name: name.to_owned(),
        agents,
        handle_time: exp(180.0),
        max_contacts_per_interval: None,
    }
}

/// Two providers over `n` 15-minute intervals at 360 contacts per hour, 60/40.
fn two_providers(n: usize) -> Scenario {
    Scenario {
        interval_s: 900.0,
        arrivals_per_s: vec![0.1; n],
        providers: vec![provider("a", vec![15; n]), provider("b", vec![10; n])],
        phases: vec![Phase {
            name: "p".into(),
            intervals: 0..n,
            shares: vec![0.6, 0.4],
        }],
        overflow_order: vec![],
        patience: Some(exp(120.0)),
        sl_threshold_s: 20.0,
        splitting: Splitting::Counted,
    }
}

fn totals(s: &Scenario, seed: u64) -> Outcome {
    Simulation::new(s, seed).unwrap().run_to_end()
}

#[test]
fn same_seed_same_outcome_other_seed_other_outcome() {
    let s = two_providers(16);
    let a = totals(&s, 1);
    assert_eq!(a, totals(&s, 1));
    assert_ne!(a, totals(&s, 2));
    let r1 = run(
        &s,
        &RunConfig {
            replications: 5,
            seed: 9,
        },
    )
    .unwrap();
    let r2 = run(
        &s,
        &RunConfig {
            replications: 5,
            seed: 9,
        },
    )
    .unwrap();
    let r3 = run(
        &s,
        &RunConfig {
            replications: 5,
            seed: 10,
        },
    )
    .unwrap();
    assert_eq!(r1, r2);
    assert_ne!(r1.overall.all.service_level, r3.overall.all.service_level);
}

#[test]
fn every_contact_gets_one_outcome() {
    let s = two_providers(16);
    for seed in 0..5 {
        let o = totals(&s, seed);
        let t = o.total();
        assert_eq!(t.offered, o.arrivals);
        assert_eq!(
            t.offered,
            t.answered + t.abandoned + t.unrouted + t.unresolved
        );
        assert!(t.answered_within_t <= t.answered);
        // 4 hours at 360 per hour: 1440 expected, Poisson sd 38.
        assert!((1300..1600).contains(&t.offered), "{}", t.offered);
    }
}

#[test]
fn counted_splitting_hits_the_shares_exactly() {
    let s = two_providers(16);
    let o = totals(&s, 3);
    let (a, b) = (o.provider_total(0).offered, o.provider_total(1).offered);
    let share = a as f64 / (a + b) as f64;
    assert!(
        (share - 0.6).abs() < 1.0 / (a + b) as f64 + 1e-12,
        "{a} / {b}"
    );
    let mut random = s.clone();
    random.splitting = Splitting::Random;
    let o = totals(&random, 3);
    let (a, b) = (o.provider_total(0).offered, o.provider_total(1).offered);
    let share = a as f64 / (a + b) as f64;
    // Binomial sd √(0.24/1440) ≈ 0.013.
    assert!((share - 0.6).abs() < 0.05, "{a} / {b}");
}

#[test]
fn a_closed_provider_gets_nothing_and_its_share_moves() {
    let mut s = two_providers(8);
    s.providers[1].agents = vec![10, 10, 0, 0, 0, 0, 10, 10];
    let mut sim = Simulation::new(&s, 4).unwrap();
    loop {
        match sim.step() {
            Step::Finished => break,
            Step::Arrival { at_s, provider } => {
                let interval = (at_s / 900.0) as usize;
                if (2..6).contains(&interval) {
                    assert_eq!(provider, Some(0), "at {at_s}");
                }
                assert!(provider.is_some());
            }
            _ => {}
        }
    }
}

#[test]
fn caps_overflow_in_order_and_the_rest_is_unrouted() {
    let mut s = two_providers(4);
    s.phases[0].shares = vec![1.0, 0.0];
    s.providers[0].max_contacts_per_interval = Some(vec![20; 4]);
    s.providers[1].max_contacts_per_interval = Some(vec![30; 4]);
    s.overflow_order = vec![1];
    let o = totals(&s, 5);
    let (a, b) = (o.provider_total(0), o.provider_total(1));
    // 90 expected per interval: 20 to a, 30 overflow to b, ~40 unrouted.
    assert_eq!(a.offered, 80);
    assert_eq!(b.offered, 120);
    assert_eq!(b.overflowed, 120);
    assert_eq!(a.overflowed, 0);
    let t = o.total();
    assert_eq!(t.unrouted, o.arrivals - 200);
    assert!(t.abandonment().unwrap() > 0.3);
}

#[test]
fn outcomes_belong_to_the_arrival_phase() {
    let mut s = two_providers(8);
    s.phases = vec![
        Phase {
            name: "before".into(),
            intervals: 0..4,
            shares: vec![1.0, 0.0],
        },
        Phase {
            name: "after".into(),
            intervals: 4..8,
            shares: vec![0.0, 1.0],
        },
    ];
    let r = run(
        &s,
        &RunConfig {
            replications: 3,
            seed: 6,
        },
    )
    .unwrap();
    assert_eq!(r.phases[0].name, "before");
    assert_eq!(r.phases[0].providers[1].offered.mean, 0.0);
    assert_eq!(r.phases[1].providers[0].offered.mean, 0.0);
    assert!(r.phases[1].providers[1].offered.mean > 300.0);
    let sum = r.phases[0].all.offered.mean + r.phases[1].all.offered.mean;
    assert!((sum - r.overall.all.offered.mean).abs() < 1e-9);
}

#[test]
fn arrival_rates_follow_the_intervals() {
    let mut s = two_providers(4);
    s.arrivals_per_s = vec![0.0, 0.2, 0.0, 0.05];
    let mut per_interval = [0u32; 4];
    let mut sim = Simulation::new(&s, 8).unwrap();
    loop {
        match sim.step() {
            Step::Finished => break,
            Step::Arrival { at_s, .. } => per_interval[(at_s / 900.0) as usize] += 1,
            _ => {}
        }
    }
    assert_eq!(per_interval[0], 0);
    assert_eq!(per_interval[2], 0);
    // 180 and 45 expected.
    assert!((140..220).contains(&per_interval[1]), "{per_interval:?}");
    assert!((25..70).contains(&per_interval[3]), "{per_interval:?}");
}

#[test]
fn patient_contacts_with_nobody_left_stay_unresolved() {
    let mut s = two_providers(2);
    s.patience = None;
    s.phases[0].shares = vec![1.0, 0.0];
    s.providers[0].agents = vec![1, 0];
    let o = totals(&s, 9);
    let t = o.total();
    assert!(t.unresolved > 0);
    assert_eq!(t.abandoned, 0);
    assert!(t.unrouted > 0, "interval 1 is closed");
    assert_eq!(t.offered, t.answered + t.unresolved + t.unrouted);
}

#[test]
fn plenty_of_agents_means_no_wait() {
    let mut s = two_providers(4);
    s.providers[0].agents = vec![500; 4];
    s.providers[1].agents = vec![500; 4];
    s.providers[0].handle_time = Distribution::lognormal(300.0, 200.0).unwrap();
    let t = totals(&s, 10).total();
    assert_eq!(t.answered, t.offered);
    assert_eq!(t.answered_within_t, t.answered);
    assert_eq!(t.wait_all_s, 0.0);
}

#[test]
fn zero_replications_is_an_error() {
    let s = two_providers(2);
    assert!(
        run(
            &s,
            &RunConfig {
                replications: 0,
                seed: 1
            }
        )
        .is_err()
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    prop_compose! {
        /// Up to 3 providers over up to 6 intervals, with closures (0 agents), caps, shares
        /// that may be zero, an overflow order and finite or infinite patience.
        fn scenarios()(n in 1usize..4, k in 1usize..7)(
            rates in prop::collection::vec(0.0f64..0.3, k),
            agents in prop::collection::vec(prop::collection::vec(0u32..6, k), n),
            caps in prop::collection::vec(prop::option::of(prop::collection::vec(0u32..40, k)), n),
            mut shares in prop::collection::vec(0.0f64..1.0, n),
            overflow in Just((0..n).rev().collect::<Vec<_>>()),
            patience in prop::option::of(1.0f64..300.0),
            lognormal in any::<bool>(),
            random in any::<bool>(),
        ) -> Scenario {
            shares[0] += 0.01;
            let handle_time = if lognormal {
                Distribution::lognormal(120.0, 90.0).unwrap()
            } else {
                exp(120.0)
            };
            Scenario {
                interval_s: 600.0,
                arrivals_per_s: rates.clone(),
                providers: agents
                    .into_iter()
                    .zip(caps)
                    .enumerate()
                    .map(|(i, (agents, caps))| Provider {
                        name: format!("p{i}"),
                        agents,
                        handle_time: handle_time.clone(),
                        max_contacts_per_interval: caps,
                    })
                    .collect(),
                phases: vec![Phase { name: "all".into(), intervals: 0..rates.len(), shares }],
                overflow_order: overflow,
                patience: patience.map(exp),
                sl_threshold_s: 20.0,
                splitting: if random { Splitting::Random } else { Splitting::Counted },
            }
        }
    }

    proptest! {
        #[test]
        fn every_contact_is_counted_once_and_routing_obeys_the_plan(s in scenarios(), seed in any::<u64>()) {
            let mut sim = Simulation::new(&s, seed).unwrap();
            let mut routed = vec![vec![0u32; s.intervals()]; s.providers.len()];
            loop {
                match sim.step() {
                    Step::Finished => break,
                    Step::Arrival { at_s, provider: Some(i) } => {
                        let k = (at_s / s.interval_s) as usize;
                        prop_assert!(s.providers[i].agents[k] > 0, "closed provider {i} got a contact");
                        routed[i][k] += 1;
                    }
                    _ => {}
                }
            }
            for (i, p) in s.providers.iter().enumerate() {
                if let Some(caps) = &p.max_contacts_per_interval {
                    for (k, &cap) in caps.iter().enumerate() {
                        prop_assert!(routed[i][k] <= cap);
                    }
                }
            }
            let o = sim.outcome().clone();
            let t = o.total();
            prop_assert_eq!(t.offered, o.arrivals);
            prop_assert_eq!(t.offered, t.answered + t.abandoned + t.unrouted + t.unresolved);
            prop_assert!(t.answered_within_t <= t.answered);
            prop_assert!(s.patience.is_some() || t.abandoned == 0);
            prop_assert_eq!(o, Simulation::new(&s, seed).unwrap().run_to_end());
        }
    }
}
