//! Transitions (phased cut-overs between providers): each plan with its TOML text and its current
//! state (JSON), every event it produced with its webhook delivery outcome, and an audit-log line
//! for every change, written in the same transaction as the change.
//!
//! This module stores text; it does not parse plans or run the state machine (that is
//! `relevo-transitions`). Saves are optimistic: a caller passes the version it read, and a save
//! over a newer version is refused, so two evaluations at once cannot both apply.

use crate::StoreError;

/// One stored transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTransition {
    pub id: i64,
    pub name: String,
    pub queue: String,
    pub from_provider: String,
    pub to_provider: String,
    /// The plan file's text.
    pub plan: String,
    /// The state machine's state, as JSON.
    pub state: String,
    /// Increases with every save.
    pub version: i64,
    pub created_at_ms: i64,
    pub created_by: String,
    pub updated_at_ms: i64,
}

/// A transition to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransition<'a> {
    pub name: &'a str,
    pub queue: &'a str,
    pub from_provider: &'a str,
    pub to_provider: &'a str,
    pub plan: &'a str,
    pub state: &'a str,
}

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransitionEvent<'a> {
    /// When it happened (the state machine's time, which a replay may set in the past).
    pub at_ms: i64,
    /// `advanced`, `held`, `rolled_back`, …
    pub kind: &'a str,
    pub actor: &'a str,
    pub reason: &'a str,
    /// The whole event (with its gate numbers), as JSON.
    pub event: &'a str,
}

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTransitionEvent {
    pub id: i64,
    pub transition_id: i64,
    pub at_ms: i64,
    pub kind: String,
    pub actor: String,
    pub reason: String,
    pub event: String,
    pub recorded_at_ms: i64,
    /// When the webhook receiver acknowledged it (2xx).
    pub delivered_at_ms: Option<i64>,
    /// The last delivery failure, if any.
    pub delivery_error: Option<String>,
}

/// What a save records in the audit log besides one line per event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionSave<'a> {
    /// The version read before the change.
    pub expected_version: i64,
    pub state: &'a str,
    pub events: &'a [NewTransitionEvent<'a>],
    /// Who made the change (`user:…`, `token:…`, `cli:…`, or `guardrail` for evaluations).
    pub actor: &'a str,
    /// `transition.evaluate`, `transition.advance`, …
    pub action: &'a str,
    pub detail: &'a str,
    /// The wall-clock time of the save (audit time).
    pub now_ms: i64,
}

/// Transitions: plans, states, events and their webhook deliveries.
pub trait TransitionStore {
    /// Stores a new transition and its audit line; returns its id.
    fn create_transition(
        &mut self,
        t: &NewTransition<'_>,
        actor: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError>;

    /// One transition by id.
    fn transition(&self, id: i64) -> Result<Option<StoredTransition>, StoreError>;

    /// Every transition, oldest first.
    fn transitions(&self) -> Result<Vec<StoredTransition>, StoreError>;

    /// Saves a new state with its events in one transaction, with an audit line for the change and
    /// one per event. Refused when the transition changed since `expected_version` was read.
    /// Returns the new events' ids, in order.
    fn save_transition(
        &mut self,
        id: i64,
        save: &TransitionSave<'_>,
    ) -> Result<Vec<i64>, StoreError>;

    /// A transition's events, oldest first.
    fn transition_events(
        &self,
        transition_id: i64,
    ) -> Result<Vec<StoredTransitionEvent>, StoreError>;

    /// Records a webhook delivery attempt: success clears the error, a failure keeps it.
    fn record_delivery(
        &self,
        event_id: i64,
        now_ms: i64,
        error: Option<&str>,
    ) -> Result<(), StoreError>;
}
