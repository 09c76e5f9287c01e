//! Test helpers: a seeded PRNG, synthetic series with known structure, and the tolerances.
//!
//! The PRNG is SplitMix64 (Steele, Lea & Flood 2014), seeded explicitly: tests never touch a
//! global RNG.

/// Floating-point noise of exact computations.
pub(crate) const EXACT: f64 = 1e-9;

pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// The mean volume of slot `j` of weekday `weekday` (0 = day 0 of the series) with `s1` slots a
/// day: a two-peaked business day, quieter on the sixth day and near zero on the seventh.
pub(crate) fn daily_weekly_mean(s1: usize, weekday: usize, j: usize) -> f64 {
    let hour = 24.0 * (j as f64 + 0.5) / s1 as f64;
    let bump = |centre: f64, width: f64| (-((hour - centre) / width).powi(2)).exp();
    let shape = 2.0 + 60.0 * bump(10.5, 2.5) + 45.0 * bump(15.5, 2.5);
    let day = [1.0, 0.95, 0.9, 0.92, 1.05, 0.45, 0.08][weekday % 7];
    shape * day * 60.0 / s1 as f64 * 24.0 / 60.0 * 10.0
}

/// `weeks` weeks of a pure weekly pattern (no noise).
pub(crate) fn weekly_pattern(s1: usize, weeks: usize) -> Vec<f64> {
    (0..weeks * 7 * s1)
        .map(|t| daily_weekly_mean(s1, t / s1, t % s1).round())
        .collect()
}

/// `weeks` weeks of the daily + weekly pattern plus Gaussian noise whose standard deviation is
/// `noise` times the square root of the mean (Poisson-like), clamped at zero.
pub(crate) fn noisy_pattern(s1: usize, weeks: usize, noise: f64, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    (0..weeks * 7 * s1)
        .map(|t| {
            let mean = daily_weekly_mean(s1, t / s1, t % s1);
            (mean + noise * mean.sqrt() * rng.normal()).max(0.0)
        })
        .collect()
}
