//! Properties of routing over long random contact streams: counted splitting keeps every
//! provider close to its target share in every busy hour — less than two contacts over it
//! beyond what returning customers bunched at the end of the hour put on the provider, and
//! a bounded number under (the router docs give the bounds and why no split can do better) —
//! customers stick to one provider within a phase, and decisions are deterministic,
//! including across a save and restore of the state.
//!
//! 32 random plans and streams by default; 256 with `RELEVO_SLOW_TESTS=1` (CI sets it), or
//! `RELEVO_TEST_CASES=n`.

use std::collections::{BTreeMap, HashMap};

use jiff::tz::TimeZone;
use proptest::prelude::*;
use relevo_routing::{
    BUSY_HOUR_CONTACTS, Contact, LoggedDecision, Phase, Plan, Provider, ProviderId, Reason, Route,
    RouteId, Router, WeeklyHours,
};

const HOUR_MS: i64 = 3_600_000;

#[allow(clippy::disallowed_methods)] // the test's reads of the environment
fn cases() -> u32 {
    if let Some(n) = std::env::var("RELEVO_TEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        n
    } else if std::env::var("RELEVO_SLOW_TESTS").is_ok_and(|v| v == "1") {
        256
    } else {
        32
    }
}

fn plan(weights: &[u32], phase_starts_h: &[i64]) -> Plan {
    let ids: Vec<String> = (0..weights.len()).map(|i| format!("p{i}")).collect();
    Plan {
        providers: ids
            .iter()
            .map(|id| Provider {
                id: id.clone(),
                time_zone: TimeZone::UTC,
                hours: WeeklyHours::always(),
                closed_dates: vec![],
                languages: None,
            })
            .collect(),
        routes: vec![Route {
            queue: "q".into(),
            channel: "voice".into(),
            phases: phase_starts_h
                .iter()
                .enumerate()
                .map(|(k, &h)| Phase {
                    name: format!("phase{k}"),
                    starts_at_ms: h * HOUR_MS,
                    // Each phase rotates the weights, so targets change between phases.
                    shares: ids
                        .iter()
                        .enumerate()
                        .map(|(i, id)| (id.clone(), f64::from(weights[(i + k) % weights.len()])))
                        .collect(),
                })
                .collect(),
            overflow_order: vec![],
            caps: vec![],
        }],
        interval_ms: 900_000,
    }
}

/// A stream of `(at_ms, customer)`: `per_hour` contacts an hour for `hours` hours, evenly
/// jittered; each customer is a returning one with probability `repeat` (in percent).
fn stream(seed: u64, hours: i64, per_hour: i64, repeat: u64) -> Vec<(i64, u64)> {
    let mut x = seed | 1;
    let mut next = move || {
        // xorshift64*: enough to scatter test inputs.
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut out = Vec::new();
    let mut customers = 0u64;
    let step = HOUR_MS / per_hour;
    for i in 0..hours * per_hour {
        let at_ms = i * step + (next() % step as u64) as i64;
        let customer = if customers > 0 && next() % 100 < repeat {
            next() % customers
        } else {
            customers += 1;
            customers - 1
        };
        out.push((at_ms, customer.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    }
    out
}

fn decide(router: &Router, stream: &[(i64, u64)]) -> Vec<LoggedDecision> {
    let mut state = router.new_state();
    for &(at_ms, key) in stream {
        router.decide(
            &mut state,
            &Contact {
                route: RouteId(0),
                at_ms,
                language: None,
                customer_key_hash: Some(key),
            },
        );
    }
    state.take_log()
}

/// Checks the hourly bound of the router docs on every hour of a stream (each one is busy,
/// in one phase, with every provider eligible, after a busy hour or its phase's start):
/// with `Bⱼ` provider j's sticky surplus — the most its sticky picks exceed its share over a
/// closing stretch of the hour — it is less than `2 + Bⱼ` contacts over target and less than
/// `|E| + Σ_{k≠j} Bₖ` under (|E| providers). Hence never more than one percentage point over
/// while its surplus is at most `N/100 − 2` contacts; a late run of returning customers can
/// take a provider past it, and no split decided contact by contact could prevent that.
fn check_busy_hours(
    weights: &[u32],
    seed: u64,
    hours: i64,
    per_hour: i64,
    repeat: u64,
    second_phase_h: i64,
) -> Result<(), TestCaseError> {
    let router = Router::new(&plan(weights, &[0, second_phase_h])).unwrap();
    let log = decide(&router, &stream(seed, hours, per_hour, repeat));
    let mut by_hour: BTreeMap<i64, Vec<LoggedDecision>> = BTreeMap::new();
    for d in &log {
        by_hour
            .entry(d.at_ms.div_euclid(HOUR_MS))
            .or_default()
            .push(*d);
    }
    let busy = |hour: i64| by_hour.get(&hour).map_or(0, Vec::len) >= BUSY_HOUR_CONTACTS as usize;
    let mut checked = 0;
    for (&hour, decisions) in &by_hour {
        let phase = decisions[0].phase.unwrap();
        let first_of_phase = log
            .iter()
            .find(|d| d.phase == Some(phase))
            .is_some_and(|d| d.at_ms.div_euclid(HOUR_MS) == hour);
        prop_assert!(decisions.iter().all(|d| d.phase == Some(phase)));
        prop_assert!(
            busy(hour) && (busy(hour - 1) || first_of_phase),
            "hour {hour} is not covered"
        );
        checked += 1;
        let n = decisions.len() as f64;
        let providers: Vec<ProviderId> = (0..weights.len() as u16).map(ProviderId).collect();
        let share = |p| router.target_share(RouteId(0), phase, p);
        let surplus: Vec<f64> = providers
            .iter()
            .map(|&p| {
                let (mut stretch, mut most) = (0.0f64, 0.0f64);
                for d in decisions.iter().rev() {
                    let sticky = d.provider == Some(p) && d.reason == Reason::Sticky;
                    stretch += f64::from(u8::from(sticky)) - share(p);
                    most = most.max(stretch);
                }
                most
            })
            .collect();
        let total_surplus: f64 = surplus.iter().sum();
        for (j, &p) in providers.iter().enumerate() {
            let count = decisions.iter().filter(|d| d.provider == Some(p)).count() as f64;
            let over = count - n * share(p);
            let others = total_surplus - surplus[j];
            prop_assert!(
                over < 2.0 + surplus[j] + 1e-9 && -over < providers.len() as f64 + others + 1e-9,
                "hour {hour}, provider {p:?}: {count} of {n} contacts, {over:+.2} against target \
                 {:.4}; sticky surplus {:.2}, the others' {others:.2}",
                share(p),
                surplus[j]
            );
        }
    }
    prop_assert_eq!(checked, hours as usize);
    Ok(())
}

/// The counterexample that showed the hourly one-point bound cannot hold with returning
/// customers: in hour 4 provider 1 (target 15.36 %) gets 8 returning customers in the last
/// 30 of 330 contacts and ends 3.3 contacts (1.0 point) over, within its bound of 2 + 3.16.
#[test]
fn a_late_run_of_returning_customers_is_within_the_bound() {
    check_busy_hours(&[86, 41, 41, 99], 9_863_194_280_033_997_058, 5, 330, 30, 1).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_busy_hour_is_within_the_bounds_its_sticky_surplus_allows(
        weights in prop::collection::vec(1u32..100, 2..6),
        seed in any::<u64>(),
        hours in 3i64..12,
        per_hour in 300i64..1500,
        repeat in 0u64..40,
        second_phase_h in 1i64..3,
    ) {
        check_busy_hours(&weights, seed, hours, per_hour, repeat, second_phase_h)?;
    }

    #[test]
    fn customers_stick_within_a_phase(
        weights in prop::collection::vec(1u32..100, 2..6),
        seed in any::<u64>(),
        repeat in 10u64..80,
    ) {
        let router = Router::new(&plan(&weights, &[0, 2])).unwrap();
        let log = decide(&router, &stream(seed, 4, 600, repeat));
        let mut seen: HashMap<(Option<u32>, u64), _> = HashMap::new();
        for d in &log {
            let key = (d.phase, d.customer_key_hash.unwrap());
            let first = *seen.entry(key).or_insert(d.provider);
            prop_assert_eq!(first, d.provider, "customer moved within phase {:?}", d.phase);
        }
    }

    #[test]
    fn deterministic_and_restartable(
        weights in prop::collection::vec(1u32..100, 2..5),
        seed in any::<u64>(),
        cut in 1usize..2000,
    ) {
        let router = Router::new(&plan(&weights, &[0, 1])).unwrap();
        let contacts = stream(seed, 2, 1000, 30);
        let whole = decide(&router, &contacts);
        prop_assert_eq!(&whole, &decide(&router, &contacts));
        // Save after `cut` contacts, restore into a new state, carry on: same decisions.
        let mut state = router.new_state();
        let mut resumed = Vec::new();
        for (i, &(at_ms, key)) in contacts.iter().enumerate() {
            if i == cut {
                resumed.extend(state.take_log());
                state = router.state_from_bytes(&state.to_bytes()).unwrap();
            }
            router.decide(&mut state, &Contact { route: RouteId(0), at_ms, language: None, customer_key_hash: Some(key) });
        }
        resumed.extend(state.take_log());
        prop_assert_eq!(whole, resumed);
    }
}
