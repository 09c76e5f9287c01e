//! Accounts, sessions, tokens, failed logins and the audit log in SQLite.

use super::SqliteStore;
use crate::StoreError;
use crate::auth::{
    AccountStore, AuditEntry, AuditStore, NewToken, Principal, Role, TokenInfo, UserInfo,
    check_role_provider, secret_hash,
};
use rusqlite::{OptionalExtension, params};

fn role_of(s: String) -> rusqlite::Result<Role> {
    s.parse().map_err(|e: String| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

impl AccountStore for SqliteStore {
    fn create_token(&self, secret: &str, token: &NewToken, now_ms: i64) -> Result<i64, StoreError> {
        check_role_provider(token.role, token.provider.as_deref())?;
        self.connection().execute(
            "INSERT INTO api_tokens (name, secret_hash, role, provider, created_at, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                token.name,
                &secret_hash(secret)[..],
                token.role.as_str(),
                token.provider,
                now_ms,
                token.expires_at_ms
            ],
        )?;
        Ok(self.connection().last_insert_rowid())
    }
    fn token_principal(&self, secret: &str, now_ms: i64) -> Result<Option<Principal>, StoreError> {
        type TokenRow = (i64, String, String, Option<String>, Option<i64>);
        let row: Option<TokenRow> = self
            .connection()
            .query_row(
                "SELECT id, name, role, provider, last_used_at FROM api_tokens WHERE secret_hash = ?1 \
                 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)",
                params![&secret_hash(secret)[..], now_ms],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((id, name, role, provider, last_used)) = row else {
            return Ok(None);
        };
        // Note the use at most once a minute: a busy ingest client must not write on every request.
        // The note is best effort: while another writer holds the database it is skipped (the
        // next request writes it), so that reading who is calling never waits for a writer.
        if last_used.is_none_or(|t| now_ms - t > 60_000) {
            let conn = self.connection();
            conn.busy_timeout(std::time::Duration::ZERO)?;
            let noted = conn.execute(
                "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
                params![id, now_ms],
            );
            conn.busy_timeout(self.write_wait)?;
            match noted.map_err(StoreError::from) {
                Ok(_) | Err(StoreError::Busy(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Some(Principal {
            actor: format!("token:{id}:{name}"),
            role: role_of(role)?,
            provider,
        }))
    }
    fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let mut st = self.connection().prepare(
            "SELECT id, name, role, provider, created_at, expires_at, revoked_at, last_used_at \
             FROM api_tokens ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(TokenInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                role: role_of(r.get(2)?)?,
                provider: r.get(3)?,
                created_at_ms: r.get(4)?,
                expires_at_ms: r.get(5)?,
                revoked_at_ms: r.get(6)?,
                last_used_at_ms: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
    fn revoke_token(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let n = self.connection().execute(
            "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now_ms],
        )?;
        Ok(n == 1)
    }
    fn add_user(
        &self,
        name: &str,
        password_hash: &str,
        role: Role,
        provider: Option<&str>,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        check_role_provider(role, provider)?;
        let exists: bool = self.connection().query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StoreError::Unsupported(format!(
                "a user named {name:?} already exists"
            )));
        }
        self.connection().execute(
            "INSERT INTO users (name, password_hash, role, provider, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, password_hash, role.as_str(), provider, now_ms],
        )?;
        Ok(self.connection().last_insert_rowid())
    }
    fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
        let conn = self.connection();
        let n = conn.execute(
            "UPDATE users SET password_hash = ?2 WHERE name = ?1",
            params![name, password_hash],
        )?;
        conn.execute(
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = ?1)",
            [name],
        )?;
        Ok(n == 1)
    }
    fn user_for_login(&self, name: &str) -> Result<Option<(UserInfo, String)>, StoreError> {
        let row = self
            .connection()
            .query_row(
                "SELECT id, name, role, provider, created_at, password_hash FROM users \
                 WHERE name = ?1 AND disabled = 0",
                [name],
                |r| {
                    Ok((
                        UserInfo {
                            id: r.get(0)?,
                            name: r.get(1)?,
                            role: role_of(r.get(2)?)?,
                            provider: r.get(3)?,
                            created_at_ms: r.get(4)?,
                        },
                        r.get(5)?,
                    ))
                },
            )
            .optional()?;
        Ok(row)
    }
    fn list_users(&self) -> Result<Vec<UserInfo>, StoreError> {
        let mut st = self.connection().prepare(
            "SELECT id, name, role, provider, created_at FROM users WHERE disabled = 0 ORDER BY name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(UserInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                role: role_of(r.get(2)?)?,
                provider: r.get(3)?,
                created_at_ms: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
    fn create_session(
        &self,
        session_id: &str,
        user_id: i64,
        csrf: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        let conn = self.connection();
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now_ms])?;
        conn.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![&secret_hash(session_id)[..], user_id, csrf, now_ms, expires_at_ms],
        )?;
        Ok(())
    }
    fn session_principal(
        &self,
        session_id: &str,
        now_ms: i64,
    ) -> Result<Option<(Principal, String)>, StoreError> {
        let row = self
            .connection()
            .query_row(
                "SELECT u.name, u.role, u.provider, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
                params![&secret_hash(session_id)[..], now_ms],
                |r| {
                    Ok((
                        Principal {
                            actor: format!("user:{}", r.get::<_, String>(0)?),
                            role: role_of(r.get(1)?)?,
                            provider: r.get(2)?,
                        },
                        r.get(3)?,
                    ))
                },
            )
            .optional()?;
        Ok(row)
    }
    fn delete_session(&self, session_id: &str) -> Result<(), StoreError> {
        self.connection().execute(
            "DELETE FROM sessions WHERE id_hash = ?1",
            [&secret_hash(session_id)[..]],
        )?;
        Ok(())
    }
    fn record_login_failure(&self, key: &str, now_ms: i64) -> Result<(), StoreError> {
        let conn = self.connection();
        // Failures older than a day count in no window: forget them, so the table stays small.
        conn.execute(
            "DELETE FROM login_attempts WHERE at < ?1",
            [now_ms - crate::auth::LOGIN_MEMORY_MS],
        )?;
        conn.execute(
            "INSERT INTO login_attempts (key, at) VALUES (?1, ?2)",
            params![key, now_ms],
        )?;
        Ok(())
    }
    fn login_failures_since(&self, key: &str, since_ms: i64) -> Result<i64, StoreError> {
        Ok(self.connection().query_row(
            "SELECT count(*) FROM login_attempts WHERE key = ?1 AND at >= ?2",
            params![key, since_ms],
            |r| r.get(0),
        )?)
    }
    fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        self.connection()
            .execute("DELETE FROM login_attempts WHERE key = ?1", [key])?;
        Ok(())
    }
}

impl AuditStore for SqliteStore {
    fn audit(
        &self,
        at_ms: i64,
        actor: &str,
        action: &str,
        target: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        self.connection().execute(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![at_ms, actor, action, target, detail],
        )?;
        Ok(())
    }
    fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let mut st = self.connection().prepare(
            "SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = st.query_map([limit], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at_ms: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                target: r.get(4)?,
                detail: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
