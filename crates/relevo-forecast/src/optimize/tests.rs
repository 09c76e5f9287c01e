use super::*;

#[test]
fn finds_an_interior_minimum() {
    let f = |x: &[f64]| (x[0] - 0.3).powi(2) + 10.0 * (x[1] - 0.7).powi(2) + 1.0;
    let (x, fx) = minimize(
        f,
        &[0.1, 0.1],
        &[0.0, 0.0],
        &[1.0, 1.0],
        NelderMead::default(),
    );
    assert!(
        (x[0] - 0.3).abs() < 1e-3 && (x[1] - 0.7).abs() < 1e-3,
        "{x:?}"
    );
    assert!((fx - 1.0).abs() < 1e-6);
}

#[test]
fn stays_in_the_box_for_a_minimum_outside_it() {
    let f = |x: &[f64]| (x[0] - 2.0).powi(2) + (x[1] + 1.0).powi(2);
    let (x, _) = minimize(
        f,
        &[0.5, 0.5],
        &[0.0, 0.0],
        &[1.0, 1.0],
        NelderMead::default(),
    );
    assert!((x[0] - 1.0).abs() < 1e-6 && x[1].abs() < 1e-6, "{x:?}");
}

#[test]
fn rosenbrock_in_a_box() {
    let f = |x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2);
    let config = NelderMead {
        max_evals: 2000,
        restarts: 2,
        ..NelderMead::default()
    };
    let (x, _) = minimize(f, &[-1.0, 1.5], &[-2.0, -2.0], &[2.0, 2.0], config);
    assert!(
        (x[0] - 1.0).abs() < 1e-2 && (x[1] - 1.0).abs() < 2e-2,
        "{x:?}"
    );
}
