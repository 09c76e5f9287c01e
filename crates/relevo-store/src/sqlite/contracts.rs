//! Contract versions and response times in SQLite.

use super::SqliteStore;
use crate::StoreError;
use crate::contracts::{ContractStore, NewContract, StoredContract};
use relevo_core::{Channel, Direction};
use rusqlite::params;

impl ContractStore for SqliteStore {
    fn add_contract(&mut self, c: &NewContract<'_>) -> Result<i64, StoreError> {
        let tx = super::write_tx(self.conn_mut())?;
        let exists: i64 = tx.query_row(
            "SELECT count(*) FROM contracts WHERE provider = ?1 AND version = ?2",
            params![c.provider, c.version],
            |r| r.get(0),
        )?;
        if exists > 0 {
            return Err(StoreError::Unsupported(format!(
                "{} version {} is stored already; contract versions are never rewritten: add version {}",
                c.provider,
                c.version,
                c.version + 1
            )));
        }
        tx.execute(
            "INSERT INTO contracts (provider, version, valid_from, valid_to, source, added_at, added_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![c.provider, c.version, c.valid_from, c.valid_to, c.source, c.added_at_ms, c.added_by],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, 'contract.add', ?3, ?4)",
            params![c.added_at_ms, c.added_by, format!("{} v{}", c.provider, c.version), format!("valid {}..{}", c.valid_from, c.valid_to.unwrap_or(""))],
        )?;
        tx.commit()?;
        Ok(id)
    }
    fn contracts(&self, provider: Option<&str>) -> Result<Vec<StoredContract>, StoreError> {
        let mut st = self.connection().prepare(
            "SELECT id, provider, version, valid_from, valid_to, source, added_at, added_by FROM contracts \
             WHERE ?1 IS NULL OR provider = ?1 ORDER BY provider, version",
        )?;
        let rows = st.query_map(params![provider], |r| {
            Ok(StoredContract {
                id: r.get(0)?,
                provider: r.get(1)?,
                version: r.get(2)?,
                valid_from: r.get(3)?,
                valid_to: r.get(4)?,
                source: r.get(5)?,
                added_at_ms: r.get(6)?,
                added_by: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
    fn response_times(
        &self,
        provider: &str,
        queues: &[String],
        channels: &[Channel],
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
        let mut st = self.connection().prepare_cached(
            "SELECT c.arrived_at, c.answered_at, q.key, c.channel FROM contacts c \
             JOIN providers p ON p.id = c.provider_id JOIN queues q ON q.id = c.queue_id \
             WHERE p.key = ?1 AND c.direction = ?2 AND c.arrived_at >= ?3 AND c.arrived_at < ?4",
        )?;
        let mut rows = st.query(params![provider, Direction::Inbound.code(), from_ms, to_ms])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let queue: String = r.get(2)?;
            let ch = Channel::from_code(r.get::<_, i64>(3)? as u8);
            let keep = (queues.is_empty() || queues.contains(&queue))
                && (channels.is_empty() || ch.is_some_and(|c| channels.contains(&c)));
            if keep {
                out.push((r.get(0)?, r.get(1)?));
            }
        }
        Ok(out)
    }
}
