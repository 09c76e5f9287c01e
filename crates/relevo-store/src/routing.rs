//! Routing persistence: each transition's router state (the bytes `relevo-routing` encodes: split
//! credits, capacity counters, sticky customers) and decision counts per transition, channel,
//! phase, hour, provider and reason — enough to show and audit actual shares without a row per
//! decision.
//!
//! This module stores bytes and counts; it does not decide anything. A flush writes every state
//! and count delta it is given in one transaction, so counts and states never disagree after a
//! crash (both are as of the last flush).

use crate::StoreError;

/// Decisions of one transition's route in one hour, to one provider (`""`: none), for one reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RoutingCount {
    pub transition_id: i64,
    pub channel: String,
    /// When the routing phase started (ms): with the name, identifies the applied phase.
    pub phase_start_ms: i64,
    pub phase_name: String,
    /// Start of the UTC hour (ms).
    pub hour_ms: i64,
    pub provider: String,
    pub reason: String,
    pub count: i64,
}

/// A transition's router state to save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouterStateSave<'a> {
    pub transition_id: i64,
    pub state: &'a [u8],
    /// Decisions made with this state so far (for operators).
    pub decisions: i64,
}

/// Routers' saved states and decision counts.
pub trait RoutingStore {
    /// A transition's saved router state and its decision count.
    fn router_state(&self, transition_id: i64) -> Result<Option<(Vec<u8>, i64)>, StoreError>;

    /// Saves router states and adds count deltas, in one transaction.
    fn save_routing(
        &mut self,
        states: &[RouterStateSave<'_>],
        deltas: &[RoutingCount],
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// A transition's decision counts, in key order.
    fn routing_counts(&self, transition_id: i64) -> Result<Vec<RoutingCount>, StoreError>;
}
