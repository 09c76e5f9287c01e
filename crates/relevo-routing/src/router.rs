//! Routing decisions: for one contact (route, time, language, customer key) and the router's
//! state, the provider it goes to and why.
//!
//! Not here: IO, clocks or randomness (the contact's time is an input, and the same inputs
//! and state always give the same decision), queue selection (the caller knows the queue and
//! channel), or agent-level routing inside a provider.
//!
//! # Decision
//!
//! ```text
//! phase      = the route's last phase with starts_at ≤ t (none → NoPhase); a new phase
//!              starts with fresh split credits and an empty sticky table
//! hour       = the UTC hour of t; the first decision of a later hour after a busy one
//!              (≥ BUSY_HOUR_CONTACTS decisions) restarts the credits at 0 if any cᵢ is
//!              outside (−Σw, Σw), Σw over the phase's weights
//! eligible i ⇔ open(i, t) ∧ serves(i, language) ∧ routed(i, interval(t)) < cap(i, t)
//!              (reported as Closed, Language or Full, checked in that order)
//! E          = { i eligible : wᵢ > 0 }                wᵢ: the phase's integer weight
//! 1. sticky:  key seen in this phase on provider j ∈ E → j                      (Sticky)
//! 2. split:   E ≠ ∅ → smooth weighted round robin over E:                       (Share,
//!               cᵢ += wᵢ for i ∈ E;  j = argmax cᵢ (lowest index on ties);      OnlyOption
//!               c_j −= Σ_{i∈E} wᵢ                                                if |E| = 1)
//!             a sticky pick updates the credits the same way, so it counts toward the split
//! 3. overflow: E = ∅ → the first eligible provider in the overflow order      (Overflow…
//!             with the reason the phase's largest-share provider was not eligible)
//! 4. none:    nobody eligible                                              (NoneAvailable)
//! ```
//!
//! # How close to target
//!
//! With all providers eligible, cᵢ = n·wᵢ − Σw·countᵢ since the credits last started at 0,
//! so a provider's count is `−cᵢ/Σw` contacts off its target `n·wᵢ/Σw`, and Σ cᵢ = 0.
//!
//! *The split alone* (smooth weighted round robin, the nginx upstream algorithm): with all
//! providers eligible a split pick takes the largest of |E| credits summing to Σw, so the
//! picked provider is left above −Σw: no provider is ever a whole contact ahead of its
//! target. The other side has no such one-line bound: with four or more providers one can
//! fall a little over a contact behind (1.14 at most in a search over weights for up to
//! eight providers). Over any hour the deviation stays below 2 contacts per provider (1.8 at
//! most in that search), within one percentage point from 200 contacts.
//!
//! *Returning customers* go to their provider whatever its credit, and the split then gives
//! that provider nothing until it is back within its share, the fastest any split can pay
//! it back; still, each contact too many takes `1/share` further contacts to even out. So
//! returning customers who bunch up at the end of an hour leave their provider over target
//! for that hour, with this or any other split decided one contact at a time (a customer who
//! calls five times in the hour's last minutes goes to one provider five times). For
//! provider `j` and the hour's contacts in order, its *sticky surplus* is
//! `Bⱼ = max over closing stretches S of the hour of (sticky picks of j in S − |S|·shareⱼ)`,
//! ≥ 0 (the empty stretch). In a busy hour in one phase, with every provider eligible
//! throughout and a busy hour (or the phase's start) before it:
//!
//! ```text
//! countⱼ − N·shareⱼ  <  2 + Bⱼ              over target
//! N·shareⱼ − countⱼ  <  |E| + Σ_{k≠j} Bₖ     under it (2 + Bₖ with two providers)
//! ```
//!
//! So a provider is never more than one percentage point over target while its surplus is
//! at most `N/100 − 2` contacts (1 at 300 contacts). Proof: the hour starts with every
//! |cᵢ| < Σw (the restart rule), so each provider starts less than a contact off; after its
//! last split pick of the hour it is less than a contact ahead, and from then on only its
//! sticky picks (a closing stretch) move it further ahead, so every provider ends the hour
//! less than `1 + Bₖ` ahead. Provider j ends behind by what the others are ahead (Σ cᵢ = 0),
//! and it may have started almost a contact ahead. The under-target bound is loose for
//! three or more providers: in simulations of 100,000 random streams no provider ended more
//! than `1.8 + Σ_{k≠j} Bₖ` behind, but nothing rules out more than 2 (a provider can start
//! an hour almost a contact ahead, and the split alone can leave one 1.14 behind), so no
//! tighter bound is claimed.
//!
//! Returning customers of earlier hours are why a busy hour restarts the credits: an hour
//! that ended more than a contact off has counted that already, and paying it back would put
//! the next hour off by as much the other way. Quiet hours carry the credits on, so a small
//! share on a quiet route still comes out exact over time.
//!
//! When a provider is not eligible its credit is frozen rather than accumulated, so it does
//! not get a burst when it comes back.

use std::collections::HashMap;

use crate::hours::Hours;
use crate::log::LoggedDecision;
use crate::plan::{Plan, PlanError, compile};
use crate::state::{RouteState, RouterState};

/// Routing hours are UTC hours from the epoch, as relevo counts routing decisions.
pub(crate) const HOUR_MS: i64 = 3_600_000;

/// An hour with at least this many decisions on a route is a busy hour: the hourly accuracy
/// bound is stated for it, and the next hour does not pay back its returning-customer debts
/// (see the module docs).
pub const BUSY_HOUR_CONTACTS: u32 = 300;

#[cfg(test)]
mod tests;

/// A provider, by its position in [`Plan::providers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderId(pub u16);

/// A queue × channel route, by its position in [`Plan::routes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteId(pub u32);

/// What the router needs to know about a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contact<'a> {
    pub route: RouteId,
    /// When the contact arrived, milliseconds since the epoch (UTC).
    pub at_ms: i64,
    /// The language it needs (`None`: any provider will do).
    pub language: Option<&'a str>,
    /// A keyed hash of the customer (the store's customer hash), for stickiness.
    pub customer_key_hash: Option<u64>,
}

/// Why a provider was chosen (or none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The counted split among two or more eligible providers with a share.
    Share,
    /// The customer was routed to this provider before in this phase.
    Sticky,
    /// Only one provider with a share was eligible (or the phase has only one).
    OnlyOption,
    /// No provider with a share was eligible; the largest one was closed.
    OverflowClosed,
    /// … was at its capacity cap for the interval.
    OverflowFull,
    /// … does not serve the contact's language.
    OverflowLanguage,
    /// The contact is earlier than the route's first phase.
    NoPhase,
    /// No provider with a share and none in the overflow order was eligible.
    NoneAvailable,
}

impl Reason {
    pub const ALL: [Reason; 8] = [
        Reason::Share,
        Reason::Sticky,
        Reason::OnlyOption,
        Reason::OverflowClosed,
        Reason::OverflowFull,
        Reason::OverflowLanguage,
        Reason::NoPhase,
        Reason::NoneAvailable,
    ];

    /// The snake_case name used in logs and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Share => "share",
            Reason::Sticky => "sticky",
            Reason::OnlyOption => "only_option",
            Reason::OverflowClosed => "overflow_closed",
            Reason::OverflowFull => "overflow_full",
            Reason::OverflowLanguage => "overflow_language",
            Reason::NoPhase => "no_phase",
            Reason::NoneAvailable => "none_available",
        }
    }

    pub(crate) fn index(self) -> u8 {
        Self::ALL.iter().position(|&r| r == self).unwrap_or(0) as u8
    }
}

/// Why a provider could not take a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exclusion {
    Closed,
    Language,
    Full,
}

/// The router's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub provider: Option<ProviderId>,
    pub reason: Reason,
    /// Index of the route's phase in force (`None` before the first).
    pub phase: Option<u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledProvider {
    pub(crate) id: String,
    pub(crate) hours: Hours,
    pub(crate) languages: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledPhase {
    pub(crate) name: String,
    pub(crate) starts_at_ms: i64,
    /// Per route member; 0 for no share.
    pub(crate) weights: Vec<i64>,
    /// Members with a share, largest weight first (lowest index on ties).
    pub(crate) by_weight: Vec<u16>,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledRoute {
    pub(crate) queue: String,
    pub(crate) channel: String,
    /// Global provider index of each route member.
    pub(crate) members: Vec<u16>,
    pub(crate) phases: Vec<CompiledPhase>,
    /// Member indexes.
    pub(crate) overflow: Vec<u16>,
    /// Per member: `(starts_at_ms, max_per_interval)`, sorted.
    pub(crate) caps: Vec<Vec<(i64, u32)>>,
}

/// A validated plan, ready to decide. Immutable: everything that changes is in
/// [`RouterState`], so one router can serve many states (e.g. one per tenant).
///
/// ```
/// use jiff::tz::TimeZone;
/// use relevo_routing::{Contact, Phase, Plan, Provider, Reason, Route, Router, WeeklyHours};
/// let provider = |id: &str| Provider {
///     id: id.into(), time_zone: TimeZone::UTC, hours: WeeklyHours::always(),
///     closed_dates: vec![], languages: None,
/// };
/// let plan = Plan {
///     providers: vec![provider("in-house"), provider("bpo")],
///     routes: vec![Route {
///         queue: "billing".into(), channel: "voice".into(),
///         phases: vec![Phase { name: "pilot".into(), starts_at_ms: 0,
///                              shares: vec![("in-house".into(), 90.0), ("bpo".into(), 10.0)] }],
///         overflow_order: vec![], caps: vec![],
///     }],
///     interval_ms: 900_000,
/// };
/// let router = Router::new(&plan).unwrap();
/// let mut state = router.new_state();
/// let route = router.route_id("billing", "voice").unwrap();
/// let mut to_bpo = 0;
/// for i in 0..100 {
///     let contact = Contact { route, at_ms: i * 1000, language: None, customer_key_hash: None };
///     let d = router.decide(&mut state, &contact);
///     assert_eq!(d.reason, Reason::Share);
///     to_bpo += usize::from(d.provider == router.provider_id("bpo"));
/// }
/// assert_eq!(to_bpo, 10); // counted, not drawn
/// assert_eq!(state.take_log().len(), 100);
/// ```
#[derive(Debug, Clone)]
pub struct Router {
    pub(crate) providers: Vec<CompiledProvider>,
    pub(crate) routes: Vec<CompiledRoute>,
    pub(crate) by_name: HashMap<String, HashMap<String, u32>>,
    pub(crate) interval_ms: i64,
}

impl Router {
    /// Validates the plan.
    pub fn new(plan: &Plan) -> Result<Self, PlanError> {
        compile(plan)
    }

    /// A fresh state: no phase seen, no credits, no sticky customers, empty caps and log.
    pub fn new_state(&self) -> RouterState {
        RouterState {
            routes: self
                .routes
                .iter()
                .map(|r| RouteState::new(r.members.len()))
                .collect(),
            log: Vec::new(),
            scratch: Vec::new(),
        }
    }

    pub fn route_id(&self, queue: &str, channel: &str) -> Option<RouteId> {
        self.by_name.get(queue)?.get(channel).copied().map(RouteId)
    }

    /// The `(queue, channel)` of a route.
    pub fn route_name(&self, route: RouteId) -> (&str, &str) {
        let r = &self.routes[route.0 as usize];
        (&r.queue, &r.channel)
    }

    pub fn provider_id(&self, id: &str) -> Option<ProviderId> {
        self.providers
            .iter()
            .position(|p| p.id == id)
            .map(|i| ProviderId(i as u16))
    }

    pub fn provider_name(&self, provider: ProviderId) -> &str {
        &self.providers[usize::from(provider.0)].id
    }

    pub fn routes(&self) -> impl Iterator<Item = RouteId> + '_ {
        (0..self.routes.len() as u32).map(RouteId)
    }

    /// The number of phases of a route.
    pub fn phase_count(&self, route: RouteId) -> usize {
        self.routes[route.0 as usize].phases.len()
    }

    pub fn phase_name(&self, route: RouteId, phase: u32) -> &str {
        &self.routes[route.0 as usize].phases[phase as usize].name
    }

    /// The phase in force at `at_ms`.
    pub fn phase_at(&self, route: RouteId, at_ms: i64) -> Option<u32> {
        let phases = &self.routes[route.0 as usize].phases;
        phases
            .partition_point(|p| p.starts_at_ms <= at_ms)
            .checked_sub(1)
            .map(|p| p as u32)
    }

    /// A provider's target share in a phase of a route, a fraction in [0, 1].
    pub fn target_share(&self, route: RouteId, phase: u32, provider: ProviderId) -> f64 {
        let r = &self.routes[route.0 as usize];
        let weights = &r.phases[phase as usize].weights;
        let total: i64 = weights.iter().sum();
        match r.members.iter().position(|&g| g == provider.0) {
            Some(m) => weights[m] as f64 / total as f64,
            None => 0.0,
        }
    }

    /// Whether a provider is open at `at_ms` by its opening hours.
    pub fn is_open(&self, provider: ProviderId, at_ms: i64) -> bool {
        self.providers[usize::from(provider.0)].hours.is_open(at_ms)
    }

    fn exclusion(
        &self,
        route: &CompiledRoute,
        rs: &RouteState,
        m: usize,
        contact: &Contact,
        interval: i64,
    ) -> Option<Exclusion> {
        let p = &self.providers[usize::from(route.members[m])];
        if !p.hours.is_open(contact.at_ms) {
            return Some(Exclusion::Closed);
        }
        if let (Some(languages), Some(language)) = (&p.languages, contact.language)
            && !languages.iter().any(|l| l == language)
        {
            return Some(Exclusion::Language);
        }
        let caps = &route.caps[m];
        if !caps.is_empty() {
            let k = caps.partition_point(|c| c.0 <= contact.at_ms);
            if k > 0 {
                let used = if rs.cap_interval[m] >= interval {
                    rs.cap_count[m]
                } else {
                    0
                };
                if used >= caps[k - 1].1 {
                    return Some(Exclusion::Full);
                }
            }
        }
        None
    }

    /// Decides one contact, updates the state and appends the decision to the state's log.
    ///
    /// Contacts are expected in non-decreasing time per route; an earlier contact is still
    /// decided (with the phase of its own time, which resets the split and sticky table if it
    /// differs from the last one) and counts against the latest capacity interval.
    ///
    /// Panics if `contact.route` is not a route of this router or `state` was made by
    /// another plan's router (use [`Router::state_from_bytes`], which checks).
    pub fn decide(&self, state: &mut RouterState, contact: &Contact) -> Decision {
        let decision = self.decide_inner(state, contact);
        state.log.push(LoggedDecision {
            at_ms: contact.at_ms,
            route: contact.route,
            phase: decision.phase,
            provider: decision.provider,
            reason: decision.reason,
            customer_key_hash: contact.customer_key_hash,
        });
        decision
    }

    fn decide_inner(&self, state: &mut RouterState, contact: &Contact) -> Decision {
        let r = contact.route.0 as usize;
        let route = &self.routes[r];
        let Some(phase_index) = self.phase_at(contact.route, contact.at_ms) else {
            return Decision {
                provider: None,
                reason: Reason::NoPhase,
                phase: None,
            };
        };
        let phase = &route.phases[phase_index as usize];
        let rs = &mut state.routes[r];
        if rs.phase != phase_index {
            rs.enter_phase(phase_index);
        }
        let hour = contact.at_ms.div_euclid(HOUR_MS);
        if hour > rs.hour {
            rs.enter_hour(hour, phase.weights.iter().sum());
        }
        rs.hour_decisions = rs.hour_decisions.saturating_add(1);
        let interval = contact.at_ms.div_euclid(self.interval_ms);
        let n = route.members.len();
        let scratch = &mut state.scratch;
        scratch.clear();
        scratch.resize(n, None);
        // Eligibility of the members with a share, and the split's total over them.
        let mut total: i64 = 0;
        let mut eligible_count = 0;
        for &m in &phase.by_weight {
            let m = usize::from(m);
            let ex = self.exclusion(route, rs, m, contact, interval);
            scratch[m] = ex;
            if ex.is_none() {
                total += phase.weights[m];
                eligible_count += 1;
            }
        }
        let mut chosen = None;
        let mut reason = Reason::Share;
        if total > 0 {
            let sticky = contact
                .customer_key_hash
                .and_then(|key| rs.sticky.get(&key).copied())
                .map(usize::from)
                .filter(|&m| phase.weights[m] > 0 && scratch[m].is_none());
            let mut best = usize::MAX;
            let mut best_credit = i64::MIN;
            let members = rs
                .credits
                .iter_mut()
                .zip(&phase.weights)
                .zip(scratch.iter());
            for (m, ((credit, &weight), exclusion)) in members.enumerate() {
                if weight > 0 && exclusion.is_none() {
                    *credit += weight;
                    if *credit > best_credit {
                        best_credit = *credit;
                        best = m;
                    }
                }
            }
            let pick = match sticky {
                Some(m) => {
                    reason = Reason::Sticky;
                    m
                }
                None => {
                    if eligible_count == 1 {
                        reason = Reason::OnlyOption;
                    }
                    best
                }
            };
            rs.credits[pick] -= total;
            if let Some(key) = contact.customer_key_hash {
                rs.sticky.insert(key, pick as u16);
            }
            chosen = Some(pick);
        } else {
            let primary = usize::from(phase.by_weight[0]);
            reason = match scratch[primary] {
                Some(Exclusion::Closed) => Reason::OverflowClosed,
                Some(Exclusion::Language) => Reason::OverflowLanguage,
                _ => Reason::OverflowFull,
            };
            for &m in &route.overflow {
                let m = usize::from(m);
                let ex = if phase.weights[m] > 0 {
                    scratch[m]
                } else {
                    self.exclusion(route, rs, m, contact, interval)
                };
                if ex.is_none() {
                    chosen = Some(m);
                    break;
                }
            }
            if chosen.is_none() {
                reason = Reason::NoneAvailable;
            }
        }
        let provider = chosen.map(|m| {
            if rs.cap_interval[m] < interval {
                rs.cap_interval[m] = interval;
                rs.cap_count[m] = 0;
            }
            rs.cap_count[m] += 1;
            ProviderId(route.members[m])
        });
        Decision {
            provider,
            reason,
            phase: Some(phase_index),
        }
    }
}
