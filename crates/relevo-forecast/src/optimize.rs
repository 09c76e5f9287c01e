//! A small bounded Nelder–Mead minimiser, enough to fit a handful of smoothing parameters.
//!
//! Nelder & Mead (1965), "A simplex method for function minimization", Computer Journal 7(4),
//! with the standard coefficients of Lagarias et al. (1998, SIAM J. Optim. 9(1), §2):
//! reflection ρ = 1, expansion χ = 2, contraction γ = ½, shrink σ = ½. With the simplex
//! vertices sorted so that f(x_1) ≤ … ≤ f(x_{p+1}) and x̄ the centroid of the best p:
//!
//! ```text
//! x_r  = x̄ + ρ (x̄ − x_{p+1})          reflect
//! x_e  = x̄ + ρχ (x̄ − x_{p+1})         expand, if f(x_r) < f(x_1)
//! x_oc = x̄ + ργ (x̄ − x_{p+1})         outside contraction, if f(x_p) ≤ f(x_r) < f(x_{p+1})
//! x_ic = x̄ − γ (x̄ − x_{p+1})          inside contraction, if f(x_r) ≥ f(x_{p+1})
//! x_i  = x_1 + σ (x_i − x_1)           shrink, when the contraction fails
//! ```
//!
//! Bounds are handled by projecting every trial point onto the box `[lo, hi]` (clamping each
//! coordinate), which keeps the smoothing parameters in their admissible ranges. After the
//! simplex collapses the search restarts once from the best point with a fresh simplex, the usual
//! guard against Nelder–Mead's premature convergence. Deterministic: no random starts.
//!
//! Not a general optimisation library: no gradients, no constraints other than a box.

/// Stopping rules for [`minimize`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct NelderMead {
    /// Edge length of the initial simplex, in parameter units.
    pub step: f64,
    /// Stop when `f(worst) − f(best) ≤ f_tol · (|f(best)| + 1e-12)` and the simplex is smaller
    /// than `x_tol` in every coordinate.
    pub f_tol: f64,
    pub x_tol: f64,
    /// Evaluation budget per start.
    pub max_evals: usize,
    /// Extra starts from the best point found.
    pub restarts: usize,
}

impl Default for NelderMead {
    fn default() -> Self {
        NelderMead {
            step: 0.1,
            f_tol: 1e-9,
            x_tol: 1e-5,
            max_evals: 400,
            restarts: 1,
        }
    }
}

/// Minimises `f` over the box `[lo, hi]` starting from `x0`; returns the best point and value.
pub(crate) fn minimize(
    mut f: impl FnMut(&[f64]) -> f64,
    x0: &[f64],
    lo: &[f64],
    hi: &[f64],
    config: NelderMead,
) -> (Vec<f64>, f64) {
    let clamp = |x: &mut [f64]| {
        for ((v, l), h) in x.iter_mut().zip(lo).zip(hi) {
            *v = v.clamp(*l, *h);
        }
    };
    let mut best = x0.to_vec();
    clamp(&mut best);
    let mut best_f = f(&best);
    if x0.is_empty() {
        return (best, best_f);
    }
    for _ in 0..=config.restarts {
        let (x, fx) = one_start(&mut f, &best, hi, config, &clamp);
        if fx < best_f {
            best = x;
            best_f = fx;
        }
    }
    (best, best_f)
}

fn one_start(
    f: &mut impl FnMut(&[f64]) -> f64,
    x0: &[f64],
    hi: &[f64],
    config: NelderMead,
    clamp: &impl Fn(&mut [f64]),
) -> (Vec<f64>, f64) {
    let p = x0.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(p + 1);
    simplex.push((x0.to_vec(), f(x0)));
    for i in 0..p {
        let mut x = x0.to_vec();
        // Step inside the box: up if there is room, otherwise down.
        x[i] = if x0[i] + config.step <= hi[i] {
            x0[i] + config.step
        } else {
            x0[i] - config.step
        };
        clamp(&mut x);
        let fx = f(&x);
        simplex.push((x, fx));
    }
    let mut evals = p + 1;
    let point = |centroid: &[f64], worst: &[f64], t: f64| -> Vec<f64> {
        let mut x: Vec<f64> = centroid
            .iter()
            .zip(worst)
            .map(|(c, w)| c + t * (c - w))
            .collect();
        clamp(&mut x);
        x
    };
    while evals < config.max_evals {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (f_best, f_worst) = (simplex[0].1, simplex[p].1);
        let size = (0..p)
            .map(|i| {
                let (mn, mx) = simplex
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(mn, mx), v| {
                        (mn.min(v.0[i]), mx.max(v.0[i]))
                    });
                mx - mn
            })
            .fold(0.0, f64::max);
        if f_worst - f_best <= config.f_tol * (f_best.abs() + 1e-12) && size <= config.x_tol {
            break;
        }
        let centroid: Vec<f64> = (0..p)
            .map(|i| simplex[..p].iter().map(|v| v.0[i]).sum::<f64>() / p as f64)
            .collect();
        let worst = simplex[p].0.clone();
        let xr = point(&centroid, &worst, 1.0);
        let fr = f(&xr);
        evals += 1;
        if fr < f_best {
            let xe = point(&centroid, &worst, 2.0);
            let fe = f(&xe);
            evals += 1;
            simplex[p] = if fe < fr { (xe, fe) } else { (xr, fr) };
            continue;
        }
        if fr < simplex[p - 1].1 {
            simplex[p] = (xr, fr);
            continue;
        }
        let (xc, fc) = if fr < f_worst {
            let xc = point(&centroid, &worst, 0.5);
            let fc = f(&xc);
            (xc, fc)
        } else {
            let xc = point(&centroid, &worst, -0.5);
            let fc = f(&xc);
            (xc, fc)
        };
        evals += 1;
        if fc < fr.min(f_worst) {
            simplex[p] = (xc, fc);
            continue;
        }
        let x1 = simplex[0].0.clone();
        for vertex in simplex.iter_mut().skip(1) {
            let mut x: Vec<f64> = x1
                .iter()
                .zip(&vertex.0)
                .map(|(a, b)| a + 0.5 * (b - a))
                .collect();
            clamp(&mut x);
            let fx = f(&x);
            *vertex = (x, fx);
        }
        evals += p;
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0)
}

#[cfg(test)]
mod tests;
