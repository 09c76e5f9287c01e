//! Transitions (phased cut-overs between providers): each plan with its TOML text and its current
//! state (JSON), every event it produced with its webhook delivery outcome, and an audit-log line
//! for every change, written in the same transaction as the change.
//!
//! This module stores text; it does not parse plans or run the state machine (that is
//! `relevo-transitions`). Saves are optimistic: a caller passes the version it read, and a save
//! over a newer version is refused, so two evaluations at once cannot both apply.

use crate::{SqliteStore, StoreError};
use rusqlite::{OptionalExtension, params};

#[cfg(test)]
mod tests;

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

fn target(id: i64) -> String {
    format!("transition:{id}")
}

fn transition_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredTransition> {
    Ok(StoredTransition {
        id: r.get(0)?,
        name: r.get(1)?,
        queue: r.get(2)?,
        from_provider: r.get(3)?,
        to_provider: r.get(4)?,
        plan: r.get(5)?,
        state: r.get(6)?,
        version: r.get(7)?,
        created_at_ms: r.get(8)?,
        created_by: r.get(9)?,
        updated_at_ms: r.get(10)?,
    })
}

const TRANSITION_COLUMNS: &str = "id, name, queue, from_provider, to_provider, plan, state, version, \
     created_at, created_by, updated_at";

impl SqliteStore {
    /// Stores a new transition and its audit line; returns its id.
    pub fn create_transition(
        &mut self,
        t: &NewTransition<'_>,
        actor: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO transitions (name, queue, from_provider, to_provider, plan, state, version, \
             created_at, created_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?7)",
            params![
                t.name,
                t.queue,
                t.from_provider,
                t.to_provider,
                t.plan,
                t.state,
                now_ms,
                actor
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, 'transition.create', ?3, ?4)",
            params![
                now_ms,
                actor,
                target(id),
                format!(
                    "{}: {} from {} to {}",
                    t.name, t.queue, t.from_provider, t.to_provider
                )
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// One transition by id.
    pub fn transition(&self, id: i64) -> Result<Option<StoredTransition>, StoreError> {
        Ok(self
            .connection()
            .query_row(
                &format!("SELECT {TRANSITION_COLUMNS} FROM transitions WHERE id = ?1"),
                [id],
                transition_row,
            )
            .optional()?)
    }

    /// Every transition, oldest first.
    pub fn transitions(&self) -> Result<Vec<StoredTransition>, StoreError> {
        let mut st = self.connection().prepare(&format!(
            "SELECT {TRANSITION_COLUMNS} FROM transitions ORDER BY id"
        ))?;
        let rows = st.query_map([], transition_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Saves a new state with its events in one transaction, with an audit line for the change and
    /// one per event. Refused when the transition changed since `expected_version` was read.
    /// Returns the new events' ids, in order.
    pub fn save_transition(
        &mut self,
        id: i64,
        save: &TransitionSave<'_>,
    ) -> Result<Vec<i64>, StoreError> {
        let tx = self.conn_mut().transaction()?;
        let n = tx.execute(
            "UPDATE transitions SET state = ?1, version = version + 1, updated_at = ?2 \
             WHERE id = ?3 AND version = ?4",
            params![save.state, save.now_ms, id, save.expected_version],
        )?;
        if n != 1 {
            let exists: Option<i64> = tx
                .query_row("SELECT version FROM transitions WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            return Err(StoreError::Unsupported(match exists {
                None => format!("no transition {id}"),
                Some(v) => format!(
                    "transition {id} changed meanwhile (version {v}, expected {}): read it again",
                    save.expected_version
                ),
            }));
        }
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                save.now_ms,
                save.actor,
                save.action,
                target(id),
                save.detail
            ],
        )?;
        let mut ids = Vec::with_capacity(save.events.len());
        for e in save.events {
            tx.execute(
                "INSERT INTO transition_events (transition_id, at, kind, actor, reason, event, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, e.at_ms, e.kind, e.actor, e.reason, e.event, save.now_ms],
            )?;
            ids.push(tx.last_insert_rowid());
            tx.execute(
                "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    save.now_ms,
                    e.actor,
                    format!("transition.{}", e.kind),
                    target(id),
                    e.reason
                ],
            )?;
        }
        tx.commit()?;
        Ok(ids)
    }

    /// A transition's events, oldest first.
    pub fn transition_events(
        &self,
        transition_id: i64,
    ) -> Result<Vec<StoredTransitionEvent>, StoreError> {
        let mut st = self.connection().prepare(
            "SELECT id, transition_id, at, kind, actor, reason, event, recorded_at, delivered_at, \
             delivery_error FROM transition_events WHERE transition_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([transition_id], |r| {
            Ok(StoredTransitionEvent {
                id: r.get(0)?,
                transition_id: r.get(1)?,
                at_ms: r.get(2)?,
                kind: r.get(3)?,
                actor: r.get(4)?,
                reason: r.get(5)?,
                event: r.get(6)?,
                recorded_at_ms: r.get(7)?,
                delivered_at_ms: r.get(8)?,
                delivery_error: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a webhook delivery attempt: success clears the error, a failure keeps it.
    pub fn record_delivery(
        &self,
        event_id: i64,
        now_ms: i64,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        match error {
            None => self.connection().execute(
                "UPDATE transition_events SET delivered_at = ?2, delivery_error = NULL WHERE id = ?1",
                params![event_id, now_ms],
            )?,
            Some(e) => self.connection().execute(
                "UPDATE transition_events SET delivery_error = ?2 WHERE id = ?1",
                params![event_id, e],
            )?,
        };
        Ok(())
    }
}
