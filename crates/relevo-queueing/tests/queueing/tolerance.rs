//! Every tolerance the integration tests use, in one place.

/// Published values are compared at the number of significant digits they were published
/// with: `actual` must round to `published` (half a unit in the last published digit), plus
/// 1e-12 relative for the decimal-to-binary conversion of the published figure.
pub fn assert_published(what: &str, actual: f64, published: f64, significant_digits: i32) {
    let exponent = published.abs().log10().floor() as i32;
    let half_unit = 0.5 * 10f64.powi(exponent - significant_digits + 1);
    let slack = 1e-12 * published.abs();
    assert!(
        (actual - published).abs() <= half_unit + slack,
        "{what}: computed {actual}, published {published} ({significant_digits} significant digits)"
    );
}

/// Monotonicity checks allow this much round-off between neighbouring agent counts.
pub const MONOTONE_SLACK: f64 = 1e-12;

/// A simulated mean must lie within this many standard errors (batch means) of the exact
/// value: 4 σ, so a correct formula fails one comparison in ~16,000 seeds.
pub const SIMULATION_SIGMAS: f64 = 4.0;

/// Cases per proptest property: enough to cover the parameter boxes, small enough for CI.
pub const PROPTEST_CASES: u32 = 256;
