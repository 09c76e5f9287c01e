//! Embedded migrations, applied in order; `PRAGMA user_version` records how many ran.

pub const MIGRATIONS: &[&str] = &[
    // 1: contacts, dimensions, cube, import log, configuration.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE providers (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
    CREATE TABLE queues (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        provider_id INTEGER NOT NULL REFERENCES providers(id),
        contact_id TEXT NOT NULL,
        queue_id INTEGER NOT NULL REFERENCES queues(id),
        channel INTEGER NOT NULL,
        direction INTEGER NOT NULL,
        arrived_at INTEGER NOT NULL,
        answered_at INTEGER,
        abandoned_at INTEGER,
        ended_at INTEGER,
        outcome INTEGER NOT NULL,
        talk_ms INTEGER,
        hold_ms INTEGER,
        acw_ms INTEGER,
        agent TEXT,
        customer_hash INTEGER,
        reason TEXT,
        resolved INTEGER,
        transferred INTEGER,
        csat INTEGER,
        nps INTEGER,
        qa_milli INTEGER,
        language TEXT,
        updated_at INTEGER NOT NULL,
        UNIQUE (provider_id, contact_id)
    );
    CREATE TABLE cube (
        interval INTEGER NOT NULL,
        provider_id INTEGER NOT NULL,
        queue_id INTEGER NOT NULL,
        channel INTEGER NOT NULL,
        cell BLOB NOT NULL,
        PRIMARY KEY (interval, provider_id, queue_id, channel)
    ) WITHOUT ROWID;
    CREATE TABLE cube_groups (
        provider_id INTEGER NOT NULL,
        queue_id INTEGER NOT NULL,
        channel INTEGER NOT NULL,
        first_interval INTEGER NOT NULL,
        last_interval INTEGER NOT NULL,
        PRIMARY KEY (provider_id, queue_id, channel)
    ) WITHOUT ROWID;
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        inserted INTEGER NOT NULL,
        replaced INTEGER NOT NULL,
        ignored INTEGER NOT NULL
    );
    "#,
    // 2: access control (people, dashboard sessions, API tokens, login attempts) and the audit log.
    // Secrets are stored only as hashes: BLAKE3 of a random token or session id, argon2 of a password.
    r#"
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        provider TEXT,
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE sessions (
        id_hash BLOB PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        secret_hash BLOB NOT NULL UNIQUE,
        role TEXT NOT NULL,
        provider TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER
    );
    CREATE TABLE login_attempts (key TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX login_attempts_key ON login_attempts (key, at);
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT
    );
    "#,
    // 3: provider hours per interval, and contract versions (kept forever, with who and when).
    r#"
    CREATE TABLE hours (
        provider_id INTEGER NOT NULL REFERENCES providers(id),
        queue_id INTEGER NOT NULL REFERENCES queues(id),
        interval INTEGER NOT NULL,
        staffed_ms INTEGER NOT NULL,
        productive_ms INTEGER NOT NULL,
        scheduled_ms INTEGER NOT NULL,
        PRIMARY KEY (provider_id, queue_id, interval)
    ) WITHOUT ROWID;
    CREATE TABLE contracts (
        id INTEGER PRIMARY KEY,
        provider TEXT NOT NULL,
        version INTEGER NOT NULL,
        valid_from TEXT NOT NULL,
        valid_to TEXT,
        source TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        added_by TEXT NOT NULL,
        UNIQUE (provider, version)
    );
    "#,
    // 4: transitions (phased cut-overs between providers): the plan's text, the state machine's state
    // as JSON with a version for optimistic saves, and every event with its webhook delivery outcome.
    r#"
    CREATE TABLE transitions (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        queue TEXT NOT NULL,
        from_provider TEXT NOT NULL,
        to_provider TEXT NOT NULL,
        plan TEXT NOT NULL,
        state TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE transition_events (
        id INTEGER PRIMARY KEY,
        transition_id INTEGER NOT NULL REFERENCES transitions(id),
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT NOT NULL,
        event TEXT NOT NULL,
        recorded_at INTEGER NOT NULL,
        delivered_at INTEGER,
        delivery_error TEXT
    );
    CREATE INDEX transition_events_transition ON transition_events (transition_id, id);
    "#,
    // 5: the customer index is now keyed by arrival day (see SECONDARY_INDEXES); drop the old one.
    r#"
    DROP INDEX IF EXISTS contacts_customer;
    "#,
    // 6: routing: each transition's router state (split credits, sticky customers; bytes from
    // relevo-routing) and decision counts per route, phase, hour, provider and reason.
    r#"
    CREATE TABLE router_states (
        transition_id INTEGER PRIMARY KEY REFERENCES transitions(id),
        state BLOB NOT NULL,
        decisions INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE routing_counts (
        transition_id INTEGER NOT NULL REFERENCES transitions(id),
        channel TEXT NOT NULL,
        phase_start INTEGER NOT NULL,
        phase_name TEXT NOT NULL,
        hour INTEGER NOT NULL,
        provider TEXT NOT NULL,
        reason TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (transition_id, channel, phase_start, hour, provider, reason)
    ) WITHOUT ROWID;
    "#,
    // 7: the customer index is keyed by arrival hour (see SECONDARY_INDEXES); drop the day-keyed one.
    r#"
    DROP INDEX IF EXISTS contacts_customer_day;
    "#,
    // 8: hour and UTC-day roll-ups of the cube (grain 1 = hour, 2 = day; `bucket` is the first
    // 15-minute interval), kept in the same transaction; filled from the cube when this runs.
    r#"
    CREATE TABLE cube_rollup (
        grain INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        provider_id INTEGER NOT NULL,
        queue_id INTEGER NOT NULL,
        channel INTEGER NOT NULL,
        cell BLOB NOT NULL,
        PRIMARY KEY (grain, bucket, provider_id, queue_id, channel)
    ) WITHOUT ROWID;
    "#,
    // 9: failed logins are pruned by age.
    r#"
    CREATE INDEX IF NOT EXISTS login_attempts_at ON login_attempts (at);
    "#,
];

/// The migration that adds `cube_rollup`: stores from before it get their roll-ups built once.
pub const ROLLUP_MIGRATION: usize = 8;

/// Secondary indexes on contacts, created when the store is opened. Name, then the statement.
///
/// The customer index is keyed by arrival hour first: contacts pushed as they happen land in the
/// newest pages (a key led by the customer hash puts every new contact on a random page, one page
/// written per record; a day bucket still spreads a day's contacts over its ~50 pages), and
/// first-contact resolution reads the range's hours in one scan.
pub const SECONDARY_INDEXES: &[(&str, &str)] = &[(
    "contacts_customer_hour",
    "CREATE INDEX IF NOT EXISTS contacts_customer_hour ON contacts (arrived_at / 3600000, customer_hash, arrived_at) \
     WHERE customer_hash IS NOT NULL AND direction = 0",
)];

/// Loads expected to be at least this large run with a rollback journal when they can (see
/// `BulkJournal` in sqlite.rs).
pub const BULK_MIN_RECORDS: u64 = 200_000;
