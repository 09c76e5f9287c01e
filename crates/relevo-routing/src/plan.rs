//! The allocation plan as plain data — providers (time zone, opening hours, languages) and,
//! per queue and channel, phases of target shares, capacity caps and an overflow order — and
//! its validation into a [`Router`](crate::Router).
//!
//! Not here: parsing a plan file or resolving time-zone names (the caller does both), or
//! deciding when to move to the next phase (KPI guardrails live with the metrics).

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::hours::{Hours, WeeklyHours};
use crate::router::{CompiledPhase, CompiledProvider, CompiledRoute, Router};

#[cfg(test)]
mod tests;

/// Weights are shares scaled to integers so that splitting is exact integer arithmetic.
pub(crate) const WEIGHT_SCALE: f64 = 1_000_000.0;

/// Everything the router needs to know.
#[derive(Debug, Clone)]
pub struct Plan {
    pub providers: Vec<Provider>,
    pub routes: Vec<Route>,
    /// Length of a capacity interval in milliseconds, aligned to the epoch (900,000 for the
    /// 15-minute intervals relevo reports in; they align with local quarter hours everywhere).
    pub interval_ms: i64,
}

/// A provider: an in-house team or a BPO site.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Unique, as used in shares, caps and overflow orders.
    pub id: String,
    /// The zone its opening hours are in (resolved by the caller, e.g. `TimeZone::get("Asia/Manila")`).
    pub time_zone: TimeZone,
    pub hours: WeeklyHours,
    /// Local dates on which it is closed all day (public holidays).
    pub closed_dates: Vec<Date>,
    /// Languages it serves (exact tags, e.g. `"en"`, `"pt-BR"`); `None` serves all.
    pub languages: Option<Vec<String>>,
}

/// The plan of one queue on one channel.
#[derive(Debug, Clone)]
pub struct Route {
    pub queue: String,
    pub channel: String,
    /// In time order; each applies from its start until the next one starts.
    pub phases: Vec<Phase>,
    /// Provider ids tried in order when no provider with a share can take a contact.
    pub overflow_order: Vec<String>,
    pub caps: Vec<Cap>,
}

/// A time range of the plan with its target shares (a step of a phased cut-over).
#[derive(Debug, Clone)]
pub struct Phase {
    pub name: String,
    /// Milliseconds since the epoch (UTC).
    pub starts_at_ms: i64,
    /// `(provider id, share)`; shares are non-negative and normalised by their sum, so
    /// `70/30` and `0.7/0.3` mean the same. Providers not listed get no share.
    pub shares: Vec<(String, f64)>,
}

/// At most `max_per_interval` contacts of this route go to `provider` in each capacity
/// interval, from `starts_at_ms` until the provider's next cap entry starts.
#[derive(Debug, Clone)]
pub struct Cap {
    pub provider: String,
    pub starts_at_ms: i64,
    pub max_per_interval: u32,
}

/// Why a plan was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError(pub String);

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlanError {}

fn err<T>(message: String) -> Result<T, PlanError> {
    Err(PlanError(message))
}

pub(crate) fn compile(plan: &Plan) -> Result<Router, PlanError> {
    if plan.interval_ms <= 0 {
        return err(format!(
            "interval_ms must be positive, got {}",
            plan.interval_ms
        ));
    }
    if plan.providers.len() >= usize::from(u16::MAX) {
        return err(format!("too many providers: {}", plan.providers.len()));
    }
    let mut provider_index: HashMap<&str, u16> = HashMap::new();
    let mut providers = Vec::with_capacity(plan.providers.len());
    for (i, p) in plan.providers.iter().enumerate() {
        if provider_index.insert(p.id.as_str(), i as u16).is_some() {
            return err(format!("provider {:?} is defined twice", p.id));
        }
        let hours = Hours::new(p.time_zone.clone(), &p.hours, &p.closed_dates)
            .map_err(|m| PlanError(format!("provider {:?}: {m}", p.id)))?;
        providers.push(CompiledProvider {
            id: p.id.clone(),
            hours,
            languages: p.languages.clone(),
        });
    }
    let mut routes = Vec::with_capacity(plan.routes.len());
    let mut by_name: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for (r, route) in plan.routes.iter().enumerate() {
        let what = format!("route {:?}/{:?}", route.queue, route.channel);
        let slot = by_name.entry(route.queue.clone()).or_default();
        if slot.insert(route.channel.clone(), r as u32).is_some() {
            return err(format!("{what} is defined twice"));
        }
        let lookup = |id: &str| match provider_index.get(id) {
            Some(&i) => Ok(i),
            None => err(format!("{what}: unknown provider {id:?}")),
        };
        // Members: every provider the route mentions, in order of first mention.
        let mut members: Vec<u16> = Vec::new();
        let mut member_of = |global: u16| match members.iter().position(|&m| m == global) {
            Some(m) => m as u16,
            None => {
                members.push(global);
                (members.len() - 1) as u16
            }
        };
        if route.phases.is_empty() {
            return err(format!("{what} has no phases"));
        }
        let mut phase_shares = Vec::with_capacity(route.phases.len());
        for (k, phase) in route.phases.iter().enumerate() {
            if k > 0 && phase.starts_at_ms <= route.phases[k - 1].starts_at_ms {
                return err(format!(
                    "{what}: phase {:?} does not start after the one before",
                    phase.name
                ));
            }
            let mut shares = Vec::new();
            for (id, share) in &phase.shares {
                if !(share.is_finite() && *share >= 0.0) {
                    return err(format!(
                        "{what}, phase {:?}: share of {id:?} must be a non-negative number, got {share}",
                        phase.name
                    ));
                }
                let m = member_of(lookup(id)?);
                if shares.iter().any(|&(other, _)| other == m) {
                    return err(format!(
                        "{what}, phase {:?}: {id:?} is listed twice",
                        phase.name
                    ));
                }
                shares.push((m, *share));
            }
            let total: f64 = shares.iter().map(|s| s.1).sum();
            if total <= 0.0 {
                return err(format!(
                    "{what}, phase {:?}: shares are all zero",
                    phase.name
                ));
            }
            phase_shares.push(shares);
        }
        let mut overflow = Vec::with_capacity(route.overflow_order.len());
        for id in &route.overflow_order {
            let m = member_of(lookup(id)?);
            if overflow.contains(&m) {
                return err(format!("{what}: {id:?} is twice in the overflow order"));
            }
            overflow.push(m);
        }
        let mut caps_by_member: Vec<(u16, i64, u32)> = Vec::new();
        for cap in &route.caps {
            caps_by_member.push((
                member_of(lookup(&cap.provider)?),
                cap.starts_at_ms,
                cap.max_per_interval,
            ));
        }
        let n = members.len();
        let phases = route
            .phases
            .iter()
            .zip(phase_shares)
            .map(|(phase, shares)| {
                let total: f64 = shares.iter().map(|s| s.1).sum();
                let mut weights = vec![0i64; n];
                for (m, share) in shares {
                    // At least 1 for a positive share, so a tiny share is never silently dropped.
                    let w = (share / total * WEIGHT_SCALE).round() as i64;
                    weights[usize::from(m)] = if share > 0.0 { w.max(1) } else { 0 };
                }
                let mut by_weight: Vec<u16> = (0..n as u16)
                    .filter(|&m| weights[usize::from(m)] > 0)
                    .collect();
                by_weight.sort_by_key(|&m| (std::cmp::Reverse(weights[usize::from(m)]), m));
                CompiledPhase {
                    name: phase.name.clone(),
                    starts_at_ms: phase.starts_at_ms,
                    weights,
                    by_weight,
                }
            })
            .collect();
        let mut caps = vec![Vec::new(); n];
        for (m, starts_at_ms, max) in caps_by_member {
            caps[usize::from(m)].push((starts_at_ms, max));
        }
        for (m, list) in caps.iter_mut().enumerate() {
            list.sort_unstable();
            if list.windows(2).any(|w| w[0].0 == w[1].0) {
                let id = &plan.providers[usize::from(members[m])].id;
                return err(format!(
                    "{what}: two caps for {id:?} start at the same time"
                ));
            }
        }
        routes.push(CompiledRoute {
            queue: route.queue.clone(),
            channel: route.channel.clone(),
            members,
            phases,
            overflow,
            caps,
        });
    }
    Ok(Router {
        providers,
        routes,
        by_name,
        interval_ms: plan.interval_ms,
    })
}
