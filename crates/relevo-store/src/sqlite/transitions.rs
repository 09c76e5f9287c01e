//! Transitions, their events and deliveries in SQLite (each change audited in its transaction).

use super::SqliteStore;
use crate::StoreError;
use crate::transitions::{
    NewTransition, StoredTransition, StoredTransitionEvent, TransitionSave, TransitionStore,
};
use rusqlite::{OptionalExtension, params};

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

impl TransitionStore for SqliteStore {
    fn create_transition(
        &mut self,
        t: &NewTransition<'_>,
        actor: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let tx = super::write_tx(self.conn_mut())?;
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
    fn transition(&self, id: i64) -> Result<Option<StoredTransition>, StoreError> {
        Ok(self
            .connection()
            .query_row(
                &format!("SELECT {TRANSITION_COLUMNS} FROM transitions WHERE id = ?1"),
                [id],
                transition_row,
            )
            .optional()?)
    }
    fn transitions(&self) -> Result<Vec<StoredTransition>, StoreError> {
        let mut st = self.connection().prepare(&format!(
            "SELECT {TRANSITION_COLUMNS} FROM transitions ORDER BY id"
        ))?;
        let rows = st.query_map([], transition_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
    fn save_transition(
        &mut self,
        id: i64,
        save: &TransitionSave<'_>,
    ) -> Result<Vec<i64>, StoreError> {
        let tx = super::write_tx(self.conn_mut())?;
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
    fn transition_events(
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
    fn record_delivery(
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
