//! Routing decisions across an in-house team and outsourced contact centers: an allocation
//! plan per queue and channel (phases of target shares for a phased cut-over, opening hours
//! in each provider's own time zone, capacity caps per interval, languages, an overflow
//! order) and, for each contact, the chosen provider and the reason.
//!
//! Splitting is counted (smooth weighted round robin), not drawn, so actual shares track the
//! targets within a contact or two; customers stick to their provider within a phase while
//! it can take them. Every decision is a pure function of the plan, the contact and the
//! [`RouterState`], which encodes to bytes for a server to persist; decisions are logged in
//! the state for the caller to drain and audit ([`Router::tally`]).
//!
//! What this crate deliberately does not do: IO, clocks, randomness, parsing plan files,
//! resolving time-zone names (the caller passes `jiff::tz::TimeZone` values), or moving a
//! cut-over to its next phase (KPI guardrails decide that and edit the plan). Times are
//! milliseconds since the epoch (UTC), shares fractions (or any non-negative weights).

mod hours;
mod log;
mod plan;
mod router;
mod state;

pub use hours::{LocalRange, WeeklyHours};
pub use log::{LoggedDecision, ShareRow};
pub use plan::{Cap, Phase, Plan, PlanError, Provider, Route};
pub use router::{BUSY_HOUR_CONTACTS, Contact, Decision, ProviderId, Reason, RouteId, Router};
pub use state::{RouterState, StateError};
