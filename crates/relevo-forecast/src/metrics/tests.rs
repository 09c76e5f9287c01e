use super::*;

#[test]
fn hand_worked_metrics() {
    // y = [0, 10, 30], ŷ = [2, 7, 30]: e = [−2, 3, 0]; Σ|e| = 5, Σe² = 13, Σ|y| = 40.
    // Scales: the first pair has q = 4, the others q = 2: scaled |e| = [0.5, 1.5, 0].
    let mut sums = AccuracySums::default();
    sums.add(0.0, 2.0, Some(4.0));
    sums.add(10.0, 7.0, Some(2.0));
    sums.add(30.0, 30.0, Some(2.0));
    let a = sums.finish().unwrap();
    assert_eq!(a.points, 3);
    assert_eq!(a.mae, 5.0 / 3.0);
    assert_eq!(a.rmse, (13.0f64 / 3.0).sqrt());
    assert_eq!(a.wmape, Some(0.125));
    assert_eq!(a.mase, Some(2.0 / 3.0));
}

#[test]
fn undefined_cases() {
    assert_eq!(AccuracySums::default().finish(), None);
    let a = accuracy(&[0.0, 0.0], &[1.0, 0.0], Some(0.0)).unwrap();
    assert_eq!((a.mae, a.wmape, a.mase), (0.5, None, None));
}

#[test]
fn seasonal_naive_scale_hand_worked() {
    // s1 = 1 (one slot a day) so s2 = 7: y_7 − y_0 = 3, y_8 − y_1 = −1, y_9 − y_2 = 2.
    let y = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 0.0, 3.0];
    assert_eq!(seasonal_naive_scale(&y, 1, &[]), Some(2.0));
    // Day 8 is an exception: pairs (7, 0) and (9, 2) remain.
    let mut flags = vec![false; 10];
    flags[8] = true;
    assert_eq!(seasonal_naive_scale(&y, 1, &flags), Some(2.5));
    assert_eq!(seasonal_naive_scale(&y[..7], 1, &[]), None);
}
