//! Confidence intervals across independent replications, and the per-replication measures
//! they are built from.
//!
//! Not here: batch means within one long run, variance reduction, or any test of normality;
//! the interval assumes the replication means are roughly normal, which holds for the
//! counts and ratios reported here once a replication has a few hundred contacts.
//!
//! # Formulas
//!
//! ```text
//! R replications give values x₁ … x_R of a measure (a count, or a ratio of sums within
//! one replication, such as answered within T / resolved):
//!   x̄ = Σ xᵣ / R,   s² = Σ (xᵣ − x̄)² / (R − 1)
//!   95 % interval: x̄ ± t₀.₉₇₅,R−1 · s / √R        (Student t; Law & Kelton, "Simulation
//!                                                 Modeling and Analysis", 5th ed., §9.4.1)
//! t₀.₉₇₅,ν: exact table for ν ≤ 30 (Abramowitz & Stegun, table 26.10), beyond that the
//! Cornish–Fisher expansion in 1/ν (A&S 26.7.5) around z = 1.959963984540054:
//!   t ≈ z + g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴
//!   g₁ = (z³ + z)/4,  g₂ = (5z⁵ + 16z³ + 3z)/96,  g₃ = (3z⁷ + 19z⁵ + 17z³ − 15z)/384,
//!   g₄ = (79z⁹ + 776z⁷ + 1482z⁵ − 1920z³ − 945z)/92160      (error < 1e-6 for ν > 30)
//! ```
//!
//! A ratio whose denominator is zero in a replication (no contacts in that phase for that
//! provider) is left out of that measure's interval, so `Estimate::replications` can be
//! smaller than the number of runs.

#[cfg(test)]
mod tests;

/// A mean over replications with the half width of its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    /// `t₀.₉₇₅,R−1 · s/√R`; infinite with one replication, `NaN` with none.
    pub half_width: f64,
    /// How many replications had a value for this measure.
    pub replications: u32,
}

impl Estimate {
    /// The 95 % confidence interval of the mean of `values` (one per replication).
    ///
    /// ```
    /// use relevo_sim::Estimate;
    /// let e = Estimate::from_values(&[0.80, 0.82, 0.78, 0.81]);
    /// assert!((e.mean - 0.8025).abs() < 1e-12);
    /// assert!((e.half_width - 0.027175).abs() < 1e-5); // 3.1824 · 0.017078 / √4
    /// ```
    pub fn from_values(values: &[f64]) -> Self {
        let n = values.len();
        if n == 0 {
            return Self {
                mean: f64::NAN,
                half_width: f64::NAN,
                replications: 0,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let half_width = if n == 1 {
            f64::INFINITY
        } else {
            let var = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
            t_975(n as u32 - 1) * (var / n as f64).sqrt()
        };
        Self {
            mean,
            half_width,
            replications: n as u32,
        }
    }

    /// Whether `value` lies within `mean ± half_width · widen`.
    pub fn covers(&self, value: f64, widen: f64) -> bool {
        (self.mean - value).abs() <= self.half_width * widen
    }
}

/// `t₀.₉₇₅,ν`, the two-sided 95 % quantile of Student's t with `ν ≥ 1` degrees of freedom.
pub fn t_975(df: u32) -> f64 {
    const TABLE: [f64; 30] = [
        12.706_204_736,
        4.302_652_730,
        3.182_446_305,
        2.776_445_105,
        2.570_581_836,
        2.446_911_851,
        2.364_624_252,
        2.306_004_135,
        2.262_157_163,
        2.228_138_852,
        2.200_985_160,
        2.178_812_830,
        2.160_368_656,
        2.144_786_688,
        2.131_449_546,
        2.119_905_299,
        2.109_815_578,
        2.100_922_040,
        2.093_024_054,
        2.085_963_447,
        2.079_613_845,
        2.073_873_068,
        2.068_657_610,
        2.063_898_562,
        2.059_538_553,
        2.055_529_439,
        2.051_830_516,
        2.048_407_142,
        2.045_229_642,
        2.042_272_456,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z: f64 = 1.959_963_984_540_054;
            let nu = f64::from(df);
            let z2 = z * z;
            let g1 = (z2 + 1.0) * z / 4.0;
            let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
            let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
            let g4 =
                ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92_160.0;
            z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
        }
    }
}

/// What one replication counted for one provider in one phase (by the contacts' arrival
/// times), or for a whole phase.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counters {
    /// Contacts routed here (for a provider) or arriving (for a whole phase).
    pub offered: u64,
    /// Of `offered`, those that reached this provider through the overflow order.
    pub overflowed: u64,
    /// Contacts no provider could take (closed, full or no share everywhere); phase totals only.
    pub unrouted: u64,
    pub answered: u64,
    pub answered_within_t: u64,
    pub abandoned: u64,
    /// Infinitely patient contacts still waiting when the run ended with no agent left.
    pub unresolved: u64,
    /// Sum of the waits of answered contacts, seconds.
    pub wait_answered_s: f64,
    /// Sum of the waits of answered and abandoned contacts, seconds.
    pub wait_all_s: f64,
}

impl Counters {
    pub fn add(&mut self, other: &Counters) {
        self.offered += other.offered;
        self.overflowed += other.overflowed;
        self.unrouted += other.unrouted;
        self.answered += other.answered;
        self.answered_within_t += other.answered_within_t;
        self.abandoned += other.abandoned;
        self.unresolved += other.unresolved;
        self.wait_answered_s += other.wait_answered_s;
        self.wait_all_s += other.wait_all_s;
    }

    /// Contacts with an outcome: answered, abandoned, or lost for want of a provider.
    fn resolved(&self) -> u64 {
        self.answered + self.abandoned + self.unrouted
    }

    /// Answered within T over resolved contacts (docs/DEFINITIONS.md §4.3 `counted`, no short
    /// abandons).
    pub fn service_level(&self) -> Option<f64> {
        ratio(self.answered_within_t as f64, self.resolved())
    }

    /// Average speed of answer: mean wait of answered contacts, seconds.
    pub fn asa_s(&self) -> Option<f64> {
        ratio(self.wait_answered_s, self.answered)
    }

    /// Abandoned (and unrouted) over offered.
    pub fn abandonment(&self) -> Option<f64> {
        ratio((self.abandoned + self.unrouted) as f64, self.offered)
    }

    /// Mean wait of answered and abandoned contacts, seconds (Erlang A's `E[W]`).
    pub fn mean_wait_s(&self) -> Option<f64> {
        ratio(self.wait_all_s, self.answered + self.abandoned)
    }
}

fn ratio(num: f64, den: u64) -> Option<f64> {
    (den > 0).then(|| num / den as f64)
}

/// The measures of one provider (or of all providers) in one slice of time, over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    pub offered: Estimate,
    pub overflowed: Estimate,
    pub unrouted: Estimate,
    pub answered: Estimate,
    pub abandoned: Estimate,
    /// Fraction of resolved contacts answered within the scenario's threshold, in [0, 1].
    pub service_level: Estimate,
    /// Mean wait of answered contacts, seconds.
    pub asa_s: Estimate,
    /// Fraction of offered contacts abandoned (or unrouted), in [0, 1].
    pub abandonment: Estimate,
    /// Mean wait of answered and abandoned contacts, seconds.
    pub mean_wait_s: Estimate,
}

impl Measures {
    /// Intervals from one `Counters` per replication.
    pub fn from_replications(runs: &[Counters]) -> Self {
        let count = |f: fn(&Counters) -> u64| {
            Estimate::from_values(&runs.iter().map(|c| f(c) as f64).collect::<Vec<_>>())
        };
        let ratio = |f: fn(&Counters) -> Option<f64>| {
            Estimate::from_values(&runs.iter().filter_map(f).collect::<Vec<_>>())
        };
        Self {
            offered: count(|c| c.offered),
            overflowed: count(|c| c.overflowed),
            unrouted: count(|c| c.unrouted),
            answered: count(|c| c.answered),
            abandoned: count(|c| c.abandoned),
            service_level: ratio(Counters::service_level),
            asa_s: ratio(Counters::asa_s),
            abandonment: ratio(Counters::abandonment),
            mean_wait_s: ratio(Counters::mean_wait_s),
        }
    }
}
