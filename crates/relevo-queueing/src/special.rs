//! Special functions the Erlang formulas need, in forms that neither overflow nor lose
//! precision for thousands of agents: `ln Γ`, the scaled upper incomplete gamma function
//! for shapes in [1, 2), and the "queue tail" series behind Erlang A.
//!
//! Crate-private: callers see only the Erlang types. Nothing here allocates.
//!
//! # The queue tail series
//!
//! ```text
//! T(a, z) = Σ_{n≥0} t_n,   t_0 = 1,   t_n = t_{n-1} · z / (a + n)       (a > 0, z ≥ 0)
//! ```
//!
//! `T` is the lower incomplete gamma function in disguise (Abramowitz & Stegun 6.5.29):
//! `γ(a, z) = e^{-z} z^a Σ_{n≥0} z^n / (a (a+1) ⋯ (a+n)) = e^{-z} z^a T(a, z) / a`, so the
//! Mandelbaum–Zeltyn quantity `A(x, y) = x e^y y^{-x} γ(x, y)` is exactly `T(x, y)`.
//! In Erlang A, `t_j` is also the stationary probability of `j` waiting customers
//! relative to "all agents busy, nobody waiting", which is why the series appears.
//!
//! The terms rise while `z > a + n` and fall after that, so the sum is taken outwards from
//! the largest term `t_{n*}`, `n* = max(0, ⌊z − a⌋)`, with the scale `ln t_{n*}` kept apart:
//! no term overflows however overloaded the queue, and the loop stops once the geometric
//! bound on the remaining terms is below 1e-17 of the sum.

#[cfg(test)]
mod tests;

/// `ln Γ(x)` for `x > 0`: Stirling's series (A&S 6.1.41) after shifting `x` up to 15 or more
/// with `Γ(x+1) = x Γ(x)`; relative error about 1e-15.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    debug_assert!(x > 0.0);
    let mut shift = 0.0_f64;
    let mut product = 1.0_f64;
    let mut y = x;
    while y < 15.0 {
        product *= y;
        y += 1.0;
        if product > 1e250 {
            shift += product.ln();
            product = 1.0;
        }
    }
    shift += product.ln();
    let inv = 1.0 / y;
    let inv2 = inv * inv;
    // 1/(12y) − 1/(360y³) + 1/(1260y⁵) − 1/(1680y⁷) + 1/(1188y⁹)
    let series = inv
        * (1.0 / 12.0
            - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0 - inv2 / 1188.0))));
    (y - 0.5) * y.ln() - y + 0.5 * (2.0 * std::f64::consts::PI).ln() + series - shift
}

/// `1 / B(f, A)` for a fractional agent count `f` in [0, 1) by the continuous extension of
/// Erlang B (Jagerman 1974, "Some properties of the Erlang loss function", eq. 8):
///
/// ```text
/// 1 / B(x, A) = A ∫_0^∞ e^{-A t} (1 + t)^x dt = e^A A^{-x} Γ(x + 1, A)
/// ```
///
/// where `Γ(s, A) = ∫_A^∞ u^{s-1} e^{-u} du` is the upper incomplete gamma function. The
/// shape `s = f + 1` lies in [1, 2), where the classical pair is accurate: the series
/// `Γ(s, A) = Γ(s) − γ(s, A)` for `A < s + 1` and the Legendre continued fraction
/// (Lentz's method, Numerical Recipes §6.2) otherwise, which gives
/// `Γ(s, A) = e^{-A} A^s h` and so `1 / B = A h` with no overflow for any load.
pub(crate) fn inv_erlang_b_fraction(f: f64, load: f64) -> f64 {
    debug_assert!((0.0..1.0).contains(&f));
    if f == 0.0 {
        return 1.0;
    }
    if load == 0.0 {
        return f64::INFINITY;
    }
    let s = f + 1.0;
    if load < s + 1.0 {
        // e^A A^{-f} Γ(s) − e^A A^{-f} γ(s, A), with e^A A^{-f} γ(s, A) = A T(s, A) / s.
        let gamma_s = ln_gamma(s).exp();
        let lower = load * tail_sum(s, load).ln_sum.exp() / s;
        (load.exp() * load.powf(-f) * gamma_s - lower).max(1.0)
    } else {
        const TINY: f64 = 1e-300;
        let mut b = load + 1.0 - s;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let i = f64::from(i);
            let an = -i * (i - s);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (load * h).max(1.0)
    }
}

/// The sum `T(a, z)` of the module docs, in log form, with the mean index of its terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TailSum {
    /// `ln T(a, z)`.
    pub(crate) ln_sum: f64,
    /// `Σ n t_n / Σ t_n`: in Erlang A, the mean number of waiting customers seen by an
    /// arrival that has to wait.
    pub(crate) mean_index: f64,
}

/// `T(a, z)` for `a > 0`, `z ≥ 0`; see the module docs.
pub(crate) fn tail_sum(a: f64, z: f64) -> TailSum {
    debug_assert!(a > 0.0 && z >= 0.0);
    const EPS: f64 = 1e-17;
    const MAX_TERMS: u32 = 50_000_000;
    if z == 0.0 {
        return TailSum {
            ln_sum: 0.0,
            mean_index: 0.0,
        };
    }
    let peak = if z > a + 1.0 { (z - a).floor() } else { 0.0 };
    let ln_peak = if peak == 0.0 {
        0.0
    } else if peak <= 4096.0 {
        let mut acc = 0.0;
        let mut k = 1.0;
        while k <= peak {
            acc += (z / (a + k)).ln();
            k += 1.0;
        }
        acc
    } else {
        peak * z.ln() - (ln_gamma(a + peak + 1.0) - ln_gamma(a + 1.0))
    };

    // Terms relative to t_{n*} = 1.
    let mut sum = 1.0;
    let mut weighted = peak;

    // Upwards: every ratio is below one and they keep falling.
    let mut term = 1.0;
    let mut n = peak;
    for _ in 0..MAX_TERMS {
        n += 1.0;
        let ratio = z / (a + n);
        term *= ratio;
        sum += term;
        weighted += n * term;
        // Remaining terms ≤ term·r/(1−r); their weights ≤ (n + 1/(1−r)) times that.
        let rest = term * ratio / (1.0 - ratio);
        if rest <= EPS * sum && rest * (n + 1.0 / (1.0 - ratio)) <= EPS * weighted.max(sum) {
            break;
        }
    }

    // Downwards to n = 0: the ratios (a + n)/z are below one and keep falling.
    let mut term = 1.0;
    let mut n = peak;
    while n > 0.0 {
        term *= (a + n) / z;
        n -= 1.0;
        sum += term;
        weighted += n * term;
        let ratio = (a + n) / z;
        if n > 0.0 && term * ratio / (1.0 - ratio) <= EPS * sum {
            break;
        }
    }

    TailSum {
        ln_sum: ln_peak + sum.ln(),
        mean_index: weighted / sum,
    }
}
