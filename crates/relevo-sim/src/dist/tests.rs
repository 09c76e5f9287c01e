//! Unit tests: validation, and sample means and spreads against the documented moments.

use super::*;

fn moments(d: &Distribution, n: u32, seed: u64) -> (f64, f64) {
    let mut rng = Rng::seed_from(seed);
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for _ in 0..n {
        let x = d.sample(&mut rng);
        assert!(x.is_finite() && x >= 0.0);
        sum += x;
        sum_sq += x * x;
    }
    let mean = sum / f64::from(n);
    (mean, (sum_sq / f64::from(n) - mean * mean).sqrt())
}

#[test]
fn exponential_mean_and_sd() {
    let d = Distribution::exponential(180.0).unwrap();
    let (mean, sd) = moments(&d, 400_000, 1);
    // Standard error of the mean: 180/√400000 ≈ 0.28 s.
    assert!((mean - 180.0).abs() < 1.5, "mean {mean}");
    assert!((sd - 180.0).abs() < 3.0, "sd {sd}");
}

#[test]
fn lognormal_mean_and_sd() {
    let d = Distribution::lognormal(300.0, 150.0).unwrap();
    assert!((d.mean_s() - 300.0).abs() < 1e-9);
    let (mean, sd) = moments(&d, 400_000, 2);
    assert!((mean - 300.0).abs() < 2.0, "mean {mean}");
    assert!((sd - 150.0).abs() < 3.0, "sd {sd}");
}

#[test]
fn fitted_lognormal_recovers_parameters() {
    let truth = Distribution::lognormal(240.0, 120.0).unwrap();
    let mut rng = Rng::seed_from(3);
    let samples: Vec<f64> = (0..100_000).map(|_| truth.sample(&mut rng)).collect();
    let fitted = Distribution::fit_lognormal(&samples).unwrap();
    assert!((fitted.mean_s() - 240.0).abs() < 2.0, "{}", fitted.mean_s());
    let (_, sd) = moments(&fitted, 200_000, 4);
    assert!((sd - 120.0).abs() < 3.0, "sd {sd}");
}

#[test]
fn empirical_stays_in_range_and_matches_its_mean() {
    let d = Distribution::empirical(&[30.0, 10.0, 20.0, 100.0]).unwrap();
    // Trapezoids: (10+20)/2, (20+30)/2, (30+100)/2 → mean (15 + 25 + 65)/3 = 35.
    assert!((d.mean_s() - 35.0).abs() < 1e-12);
    let mut rng = Rng::seed_from(5);
    for _ in 0..10_000 {
        let x = d.sample(&mut rng);
        assert!((10.0..=100.0).contains(&x));
    }
    let (mean, _) = moments(&d, 200_000, 6);
    assert!((mean - 35.0).abs() < 0.3, "mean {mean}");
    let one = Distribution::empirical(&[42.0]).unwrap();
    assert_eq!(one.sample(&mut rng), 42.0);
}

#[test]
fn invalid_parameters_are_rejected() {
    assert!(Distribution::exponential(0.0).is_err());
    assert!(Distribution::exponential(f64::NAN).is_err());
    assert!(Distribution::lognormal(100.0, -1.0).is_err());
    assert!(Distribution::fit_lognormal(&[1.0]).is_err());
    assert!(Distribution::fit_lognormal(&[1.0, 0.0]).is_err());
    assert!(Distribution::empirical(&[]).is_err());
    assert!(Distribution::empirical(&[-1.0]).is_err());
    assert!(Distribution::constant(f64::INFINITY).is_err());
    assert_eq!(
        Distribution::lognormal(100.0, 0.0)
            .unwrap()
            .sample(&mut Rng::seed_from(1))
            .round(),
        100.0
    );
}
