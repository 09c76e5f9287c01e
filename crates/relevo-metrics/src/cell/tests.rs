use super::*;
use proptest::prelude::*;

#[test]
fn bins_are_exact_on_whole_seconds() {
    // (wait ms, expected bin)
    for (w, b) in [
        (0, 0),
        (1, 1),
        (999, 1),
        (1000, 2),
        (1001, 3),
        (20_000, 40),
        (20_001, 41),
        (3_600_000, 7200),
    ] {
        assert_eq!(WaitHistogram::bin_of(w), b, "wait {w} ms");
    }
    assert_eq!(WaitHistogram::bin_of(3_600_001), 7201);
    assert_eq!(WaitHistogram::bin_of(3_660_000), 7201);
    assert_eq!(WaitHistogram::bin_of(3_660_001), 7202);
    assert_eq!(WaitHistogram::bin_of(8 * 86_400_000), OVERFLOW_BIN);
}

#[test]
fn threshold_counts() {
    let mut h = WaitHistogram::default();
    for w in [0, 4_999, 5_000, 19_500, 20_000, 20_001, 90_000_000] {
        h.add(w, 1);
    }
    assert_eq!(h.count_lt(5), 2); // 0 and 4.999 s
    assert_eq!(h.count_le(20), 5); // up to exactly 20 s
    assert_eq!(h.count_between(5, 20), 3); // 5, 19.5, 20
    assert_eq!(h.count_le(86_400), 6);
    assert_eq!(h.count_le(90_000), 7);
    assert_eq!(h.count_lt(0), 0);
    assert_eq!(h.quantile_s(0.5), Some(20)); // rank 4 of 7 → 19.5 s, rounded up
    assert_eq!(h.quantile_s(0.9), Some(90_000));
}

#[test]
fn quantile_of_empty_is_none() {
    assert_eq!(WaitHistogram::default().quantile_s(0.9), None);
}

proptest! {
    #[test]
    fn threshold_counts_match_direct_counting(waits in proptest::collection::vec(0i64..4_000_000, 0..60), t in 0u32..3600, s in 0u32..60) {
        let mut h = WaitHistogram::default();
        for &w in &waits { h.add(w, 1); }
        let le = waits.iter().filter(|&&w| w <= i64::from(t) * 1000).count() as i64;
        let lt = waits.iter().filter(|&&w| w < i64::from(s) * 1000).count() as i64;
        prop_assert_eq!(h.count_le(t), le);
        prop_assert_eq!(h.count_lt(s), lt);
    }

    #[test]
    fn encode_decode_round_trip(vals in proptest::collection::vec(-1_000_000i64..1_000_000, 27), waits in proptest::collection::vec((0i64..700_000_000, -3i64..4), 0..40)) {
        let mut c = Cell {
            offered: vals[0], answered: vals[1], abandoned: vals[2], flowout: vals[3], transferred: vals[4],
            answered_wait_ms: vals[5], talk_ms: vals[6], hold_ms: vals[7], acw_ms: vals[8], qa_n: vals[9],
            qa_milli_sum: vals[10], ..Cell::default()
        };
        c.csat.copy_from_slice(&vals[11..16]);
        c.nps.copy_from_slice(&vals[16..27]);
        for &(w, n) in &waits { c.answered_waits.add(w, n); c.abandoned_waits.add(w / 3, -n); }
        prop_assert_eq!(Cell::decode(&c.encode()).unwrap(), c);
    }
}

#[test]
fn decode_rejects_garbage() {
    assert_eq!(
        Cell::decode(&[]).unwrap_err().to_string(),
        "corrupt cube cell: truncated"
    );
    assert_eq!(
        Cell::decode(&[9]).unwrap_err().to_string(),
        "corrupt cube cell: unknown cell version"
    );
    let mut b = Cell::default().encode();
    b.push(0);
    assert_eq!(
        Cell::decode(&b).unwrap_err().to_string(),
        "corrupt cube cell: trailing bytes"
    );
}

proptest! {
    #[test]
    fn merge_equals_adding_bin_by_bin(a in proptest::collection::vec((0i64..5_000_000, -3i64..4), 0..30), b in proptest::collection::vec((0i64..5_000_000, -3i64..4), 0..30)) {
        let (mut x, mut y, mut expected) = (WaitHistogram::default(), WaitHistogram::default(), WaitHistogram::default());
        for &(w, n) in &a { x.add(w, n); expected.add(w, n); }
        for &(w, n) in &b { y.add(w, n); expected.add(w, n); }
        x.merge(&y);
        prop_assert_eq!(x, expected);
    }
}

fn answered(talk_ms: i64) -> ContactRecord {
    ContactRecord {
        answered_at_ms: Some(1_010_000),
        ended_at_ms: Some(1_100_000),
        talk_ms: Some(talk_ms),
        ..ContactRecord::new(
            "c",
            "p",
            "q",
            relevo_core::Channel::Voice,
            1_000_000,
            Outcome::Answered,
        )
    }
}

#[test]
fn cells_of_valid_records_are_possible_and_broken_ones_are_named() {
    let mut c = Cell::default();
    c.apply(&answered(300_000), 1);
    c.apply(&answered(relevo_core::limits::MAX_PART_MS), 1);
    assert_eq!(c.impossible(), None);
    // What two records with talk_s = 9e15 (9e18 ms) once left behind: a sum wrapped past i64::MAX.
    let mut wrapped = c.clone();
    wrapped.talk_ms = 9_000_000_000_000_000_000_i64.wrapping_mul(2);
    assert_eq!(
        wrapped.impossible().as_deref(),
        Some("talk sums to -446744073709551616 ms over 2 answered contacts")
    );
    let mut past = c.clone();
    past.talk_ms = 2 * relevo_core::limits::MAX_PART_MS + 1;
    assert!(past.impossible().unwrap().starts_with("talk sums to"));
    let mut uneven = c.clone();
    uneven.offered = 3;
    assert_eq!(
        uneven.impossible().as_deref(),
        Some("answered + abandoned + flowout = 2 but offered = 3")
    );
    let mut negative = c;
    negative.abandoned = -1;
    assert_eq!(negative.impossible().as_deref(), Some("abandoned = -1"));
}
