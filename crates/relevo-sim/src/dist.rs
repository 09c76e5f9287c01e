//! Distributions of handle times and patience, in seconds, and their samplers.
//!
//! Constructors validate and return [`SimError`]; sampling is then infallible and always
//! returns a finite, non-negative number of seconds.
//!
//! Not here: fitting by maximum likelihood beyond the log-normal, discrete distributions,
//! or correlation between handle time and patience (they are drawn independently).
//!
//! # Samplers (U, U₁, U₂ independent uniforms on (0, 1))
//!
//! ```text
//! Exponential(mean m):      X = −m · ln U                                   (inversion)
//! Log-normal(mean m, sd s): σ² = ln(1 + s²/m²),  μ = ln m − σ²/2
//!                           Z = √(−2 ln U₁) · cos(2π U₂)                    (Box–Muller 1958)
//!                           X = exp(μ + σ Z)         so E[X] = m, SD[X] = s
//! Log-normal fitted:        μ̂ = mean(ln xᵢ),  σ̂² = Σ (ln xᵢ − μ̂)² / n       (maximum likelihood)
//! Empirical(x₍₁₎ ≤ … ≤ x₍ₙ₎): p = U (n − 1),  i = ⌊p⌋
//!                           X = x₍ᵢ₊₁₎ + (p − i)(x₍ᵢ₊₂₎ − x₍ᵢ₊₁₎)   (piecewise-linear inverse CDF,
//!                           Law & Kelton, "Simulation Modeling and Analysis", 5th ed., §6.2.4)
//! Constant(c):              X = c
//! ```
//!
//! The log-normal moments are the standard ones (Johnson, Kotz & Balakrishnan, "Continuous
//! Univariate Distributions", vol. 1, ch. 14): `E[X] = e^{μ+σ²/2}`, `Var[X] = (e^{σ²} − 1) e^{2μ+σ²}`.

use std::f64::consts::TAU;

use crate::SimError;
use crate::rng::Rng;

#[cfg(test)]
mod tests;

/// A distribution of a duration in seconds.
///
/// ```
/// use relevo_sim::{Distribution, Rng};
/// let aht = Distribution::lognormal(300.0, 150.0).unwrap(); // mean 300 s, sd 150 s
/// let mut rng = Rng::seed_from(1);
/// let x = aht.sample(&mut rng);
/// assert!(x > 0.0 && x.is_finite());
/// assert!((aht.mean_s() - 300.0).abs() < 1e-9);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Exponential { mean_s: f64 },
    LogNormal { mu: f64, sigma: f64 },
    Empirical { sorted_s: Vec<f64> },
    Constant { value_s: f64 },
}

fn positive(name: &'static str, value: f64) -> Result<f64, SimError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(SimError::Invalid { name, value })
    }
}

fn non_negative(name: &'static str, value: f64) -> Result<f64, SimError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(SimError::Invalid { name, value })
    }
}

impl Distribution {
    /// Exponential with mean `mean_s` (> 0): the Erlang C / Erlang A assumption.
    pub fn exponential(mean_s: f64) -> Result<Self, SimError> {
        let mean_s = positive("exponential mean_s", mean_s)?;
        Ok(Self {
            kind: Kind::Exponential { mean_s },
        })
    }

    /// Log-normal with mean `mean_s` (> 0) and standard deviation `sd_s` (≥ 0), the usual
    /// shape of real handle times (Brown et al. 2005, "Statistical analysis of a telephone
    /// call center", §4.3). `sd_s = 0` is a constant.
    pub fn lognormal(mean_s: f64, sd_s: f64) -> Result<Self, SimError> {
        let mean_s = positive("log-normal mean_s", mean_s)?;
        let sd_s = non_negative("log-normal sd_s", sd_s)?;
        let cv = sd_s / mean_s;
        let sigma_sq = cv.mul_add(cv, 1.0).ln();
        Ok(Self {
            kind: Kind::LogNormal {
                mu: mean_s.ln() - sigma_sq / 2.0,
                sigma: sigma_sq.sqrt(),
            },
        })
    }

    /// Log-normal fitted to observed durations by maximum likelihood on their logarithms.
    /// Needs at least two positive, finite samples.
    pub fn fit_lognormal(samples_s: &[f64]) -> Result<Self, SimError> {
        if samples_s.len() < 2 {
            return Err(SimError::TooFewSamples {
                needed: 2,
                got: samples_s.len(),
            });
        }
        let mut logs = Vec::with_capacity(samples_s.len());
        for &x in samples_s {
            logs.push(positive("log-normal sample", x)?.ln());
        }
        let n = logs.len() as f64;
        let mu = logs.iter().sum::<f64>() / n;
        let var = logs.iter().map(|l| (l - mu) * (l - mu)).sum::<f64>() / n;
        Ok(Self {
            kind: Kind::LogNormal {
                mu,
                sigma: var.sqrt(),
            },
        })
    }

    /// The observed durations themselves, interpolated linearly between order statistics
    /// (so samples stay within `[min, max]`). Needs at least one non-negative, finite sample.
    pub fn empirical(samples_s: &[f64]) -> Result<Self, SimError> {
        if samples_s.is_empty() {
            return Err(SimError::TooFewSamples { needed: 1, got: 0 });
        }
        let mut sorted_s = Vec::with_capacity(samples_s.len());
        for &x in samples_s {
            sorted_s.push(non_negative("empirical sample", x)?);
        }
        sorted_s.sort_by(f64::total_cmp);
        Ok(Self {
            kind: Kind::Empirical { sorted_s },
        })
    }

    /// Always `value_s` (≥ 0).
    pub fn constant(value_s: f64) -> Result<Self, SimError> {
        let value_s = non_negative("constant value_s", value_s)?;
        Ok(Self {
            kind: Kind::Constant { value_s },
        })
    }

    /// The distribution's mean in seconds.
    pub fn mean_s(&self) -> f64 {
        match &self.kind {
            Kind::Exponential { mean_s } => *mean_s,
            Kind::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Kind::Empirical { sorted_s } => {
                // Mean of the piecewise-linear distribution: trapezoids of equal weight.
                let n = sorted_s.len();
                if n == 1 {
                    return sorted_s[0];
                }
                let pairs: f64 = sorted_s.windows(2).map(|w| (w[0] + w[1]) / 2.0).sum();
                pairs / (n - 1) as f64
            }
            Kind::Constant { value_s } => *value_s,
        }
    }

    /// One draw, in seconds.
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match &self.kind {
            Kind::Exponential { mean_s } => -mean_s * rng.uniform().ln(),
            Kind::LogNormal { mu, sigma } => {
                let z = (-2.0 * rng.uniform().ln()).sqrt() * (TAU * rng.uniform()).cos();
                sigma.mul_add(z, *mu).exp()
            }
            Kind::Empirical { sorted_s } => {
                let n = sorted_s.len();
                if n == 1 {
                    return sorted_s[0];
                }
                let p = rng.uniform() * (n - 1) as f64;
                let i = (p as usize).min(n - 2);
                let frac = p - i as f64;
                frac.mul_add(sorted_s[i + 1] - sorted_s[i], sorted_s[i])
            }
            Kind::Constant { value_s } => *value_s,
        }
    }
}
