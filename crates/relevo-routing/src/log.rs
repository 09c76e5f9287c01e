//! The decision log: one small record per decision, kept in the state until the caller
//! drains it, and the tally of actual against target shares it is audited with.
//!
//! Not here: storage of the log, or time bucketing beyond what the caller filters (tally the
//! records of one hour to see that hour's shares).

use std::collections::BTreeMap;

use crate::router::{ProviderId, Reason, RouteId, Router};

#[cfg(test)]
mod tests;

/// One routing decision, as logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedDecision {
    pub at_ms: i64,
    pub route: RouteId,
    pub phase: Option<u32>,
    pub provider: Option<ProviderId>,
    pub reason: Reason,
    pub customer_key_hash: Option<u64>,
}

/// Actual against target share of one provider in one phase of one route.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    pub route: RouteId,
    pub phase: u32,
    /// `None`: contacts no provider took.
    pub provider: Option<ProviderId>,
    /// The plan's share, a fraction in [0, 1] (0 for overflow-only providers).
    pub target_share: f64,
    /// Contacts decided to this provider.
    pub contacts: u64,
    /// `contacts` over all contacts of the route and phase, a fraction in [0, 1].
    pub actual_share: f64,
    /// Contacts by reason, in [`Reason::ALL`] order.
    pub by_reason: [u64; 8],
}

impl Router {
    /// Tallies logged decisions into actual shares per route, phase and provider, next to the
    /// targets. Rows are sorted by route, phase and provider (unrouted last).
    ///
    /// ```
    /// # use jiff::tz::TimeZone;
    /// # use relevo_routing::*;
    /// # let p = |id: &str| Provider { id: id.into(), time_zone: TimeZone::UTC,
    /// #     hours: WeeklyHours::always(), closed_dates: vec![], languages: None };
    /// # let plan = Plan { providers: vec![p("a"), p("b")], interval_ms: 900_000, routes: vec![Route {
    /// #     queue: "q".into(), channel: "chat".into(), overflow_order: vec![], caps: vec![],
    /// #     phases: vec![Phase { name: "p".into(), starts_at_ms: 0,
    /// #                          shares: vec![("a".into(), 2.0), ("b".into(), 1.0)] }] }] };
    /// let router = Router::new(&plan).unwrap();
    /// let mut state = router.new_state();
    /// let route = router.route_id("q", "chat").unwrap();
    /// for t in 0..300 {
    ///     router.decide(&mut state, &Contact { route, at_ms: t, language: None, customer_key_hash: None });
    /// }
    /// let rows = router.tally(&state.take_log());
    /// assert_eq!(rows.len(), 2);
    /// assert_eq!((rows[0].contacts, rows[1].contacts), (200, 100));
    /// assert!((rows[1].actual_share - rows[1].target_share).abs() < 1e-6); // weights are in millionths
    /// ```
    pub fn tally(&self, decisions: &[LoggedDecision]) -> Vec<ShareRow> {
        // (route, phase, provider or u16::MAX) → counts by reason.
        let mut counts: BTreeMap<(u32, u32, u16), [u64; 8]> = BTreeMap::new();
        let mut totals: BTreeMap<(u32, u32), u64> = BTreeMap::new();
        for d in decisions {
            let Some(phase) = d.phase else { continue };
            let provider = d.provider.map_or(u16::MAX, |p| p.0);
            counts.entry((d.route.0, phase, provider)).or_default()
                [usize::from(d.reason.index())] += 1;
            *totals.entry((d.route.0, phase)).or_default() += 1;
        }
        // Providers with a target share appear even with no contacts.
        for (r, route) in self.routes.iter().enumerate() {
            for (k, phase) in route.phases.iter().enumerate() {
                if !totals.contains_key(&(r as u32, k as u32)) {
                    continue;
                }
                for &m in &phase.by_weight {
                    counts
                        .entry((r as u32, k as u32, route.members[usize::from(m)]))
                        .or_default();
                }
            }
        }
        counts
            .into_iter()
            .map(|((route, phase, provider), by_reason)| {
                let contacts: u64 = by_reason.iter().sum();
                let total = totals[&(route, phase)];
                let provider = (provider != u16::MAX).then_some(ProviderId(provider));
                ShareRow {
                    route: RouteId(route),
                    phase,
                    provider,
                    target_share: provider
                        .map_or(0.0, |p| self.target_share(RouteId(route), phase, p)),
                    contacts,
                    actual_share: contacts as f64 / total as f64,
                    by_reason,
                }
            })
            .collect()
    }
}
