-- Schema step 2 of the embedded store: release history (rollback), write
-- tokens and the audit log. Applied by migrate() after schema.sql; every
-- statement is idempotent so that files of any earlier version open.

-- Every observation a release overwrites, with the value, flag and release
-- it had before. Filled by the trigger below, so Import needs no extra work.
CREATE TABLE IF NOT EXISTS observation_history (
    seq          INTEGER PRIMARY KEY,   -- order of writes
    release      INTEGER NOT NULL,      -- the release that overwrote the row
    indicator    TEXT    NOT NULL,
    level        TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    period       INTEGER NOT NULL,
    value        REAL,
    flag         TEXT    NOT NULL,
    prev_release INTEGER NOT NULL       -- the release that had written the old row
);
CREATE INDEX IF NOT EXISTS observation_history_release
    ON observation_history (release, indicator, level, period, key, seq);

-- Catalogue entries a release created (info NULL) or overwrote (old info).
CREATE TABLE IF NOT EXISTS indicator_history (
    seq     INTEGER PRIMARY KEY,
    release INTEGER NOT NULL,
    id      TEXT    NOT NULL,
    info    TEXT                        -- NULL: the release created the entry
);
CREATE INDEX IF NOT EXISTS indicator_history_release ON indicator_history (release, id, seq);

-- Releases undone by a rollback (they stay listed).
CREATE TABLE IF NOT EXISTS release_state (
    release        INTEGER PRIMARY KEY REFERENCES releases (id),
    rolled_back_at TEXT    NOT NULL,
    target         INTEGER NOT NULL     -- the release rolled back to
);

-- A rollback sets meta 'history_paused' inside its transaction so that its
-- own restoring updates are not recorded as history.
CREATE TRIGGER IF NOT EXISTS observations_keep_history BEFORE UPDATE ON observations
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'history_paused')
BEGIN
    INSERT INTO observation_history (release, indicator, level, key, period, value, flag, prev_release)
    VALUES (NEW.release, OLD.indicator, OLD.level, OLD.key, OLD.period, OLD.value, OLD.flag, OLD.release);
END;
-- Import inserts the release row before the catalogue entries, so the
-- newest release is the one writing them.
CREATE TRIGGER IF NOT EXISTS indicators_keep_history_update BEFORE UPDATE ON indicators
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'history_paused')
BEGIN
    INSERT INTO indicator_history (release, id, info) VALUES ((SELECT max(id) FROM releases), OLD.id, OLD.info);
END;
CREATE TRIGGER IF NOT EXISTS indicators_keep_history_insert AFTER INSERT ON indicators
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'history_paused')
BEGIN
    INSERT INTO indicator_history (release, id, info) VALUES ((SELECT max(id) FROM releases), NEW.id, NULL);
END;

-- Write tokens: only the SHA-256 of the secret is stored.
CREATE TABLE IF NOT EXISTS tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,    -- hex SHA-256 of the secret
    keys       TEXT NOT NULL,           -- JSON array of key prefixes
    indicators TEXT NOT NULL,           -- JSON array of indicator ids / prefixes
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- The audit log: append-only.
CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    outcome TEXT NOT NULL,
    info    TEXT NOT NULL               -- JSON atlas.AuditEntry
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
