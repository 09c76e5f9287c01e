//! Router states and decision counts in SQLite.

use super::SqliteStore;
use crate::StoreError;
use crate::routing::{RouterStateSave, RoutingCount, RoutingStore};
use rusqlite::{OptionalExtension, params};

impl RoutingStore for SqliteStore {
    fn router_state(&self, transition_id: i64) -> Result<Option<(Vec<u8>, i64)>, StoreError> {
        Ok(self
            .connection()
            .query_row(
                "SELECT state, decisions FROM router_states WHERE transition_id = ?1",
                [transition_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
    fn save_routing(
        &mut self,
        states: &[RouterStateSave<'_>],
        deltas: &[RoutingCount],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let tx = super::write_tx(self.conn_mut())?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO router_states (transition_id, state, decisions, updated_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (transition_id) DO UPDATE SET state = excluded.state, \
                 decisions = excluded.decisions, updated_at = excluded.updated_at",
            )?;
            for s in states {
                st.execute(params![s.transition_id, s.state, s.decisions, now_ms])?;
            }
            let mut st = tx.prepare_cached(
                "INSERT INTO routing_counts (transition_id, channel, phase_start, phase_name, hour, provider, reason, count) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (transition_id, channel, phase_start, hour, provider, reason) \
                 DO UPDATE SET count = count + excluded.count",
            )?;
            for d in deltas {
                st.execute(params![
                    d.transition_id,
                    d.channel,
                    d.phase_start_ms,
                    d.phase_name,
                    d.hour_ms,
                    d.provider,
                    d.reason,
                    d.count
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
    fn routing_counts(&self, transition_id: i64) -> Result<Vec<RoutingCount>, StoreError> {
        let mut st = self.connection().prepare(
            "SELECT transition_id, channel, phase_start, phase_name, hour, provider, reason, count \
             FROM routing_counts WHERE transition_id = ?1 \
             ORDER BY channel, phase_start, hour, provider, reason",
        )?;
        let rows = st.query_map([transition_id], |r| {
            Ok(RoutingCount {
                transition_id: r.get(0)?,
                channel: r.get(1)?,
                phase_start_ms: r.get(2)?,
                phase_name: r.get(3)?,
                hour_ms: r.get(4)?,
                provider: r.get(5)?,
                reason: r.get(6)?,
                count: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
