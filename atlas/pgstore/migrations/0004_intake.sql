-- 0004_intake: the write side of the atlas ("intake") — release history for
-- rollbacks (atlas.ReleaseStore), write tokens (atlas.TokenStore) and the
-- audit log (atlas.AuditStore), with the semantics of the embedded store
-- (atlas/sqlitestore/intake.sql).
--
-- History is kept by row triggers, not by Import: every UPDATE of an
-- observation or catalogue entry records the row as it was, whoever makes it
-- (Import's upsert, or an edit in QGIS or psql), exactly as the embedded
-- store's triggers do. Plain inserts (a first import, the seed) cost nothing;
-- an overwritten observation costs one history row. A rollback sets the
-- transaction-local setting standortatlas.history_paused = 'on' so that its
-- own restoring updates are not recorded.

-- Releases undone by a rollback stay listed, with the time and the release
-- that was rolled back to. (The UPDATE raises the data version through the
-- releases_changed trigger of 0001, so every rollback that undoes something
-- changes it.)
ALTER TABLE releases
    ADD COLUMN rolled_back_at timestamptz,
    ADD COLUMN rolled_back_to bigint REFERENCES releases (id),
    ADD CONSTRAINT releases_rolled_back_check CHECK ((rolled_back_at IS NULL) = (rolled_back_to IS NULL));

-- Every observation a release overwrote, with the value, flag and release it
-- had before. seq orders the writes: the first row of a release for a cell
-- holds the cell's state before that release. (No foreign keys: a lookup per
-- row would double the cost of re-imports, and releases are never deleted.)
CREATE TABLE observation_history (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    release      bigint NOT NULL,           -- the release that overwrote the row
    indicator    text COLLATE "C" NOT NULL,
    level        text COLLATE "C" NOT NULL,
    key          text COLLATE "C" NOT NULL,
    period       integer NOT NULL,
    value        double precision,
    flag         text NOT NULL,
    prev_release bigint NOT NULL            -- the release that had written the old row
);
CREATE INDEX observation_history_release_idx
    ON observation_history (release, indicator, level, period, key, seq);

-- Catalogue entries a release created (entry NULL) or overwrote (the old entry).
CREATE TABLE indicator_history (
    seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    release bigint NOT NULL,                -- 0: written outside any release
    id      text COLLATE "C" NOT NULL,
    entry   jsonb                           -- NULL: the release created the entry
);
CREATE INDEX indicator_history_release_idx ON indicator_history (release, id, seq);

CREATE FUNCTION standortatlas_keep_observation_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO observation_history (release, indicator, level, key, period, value, flag, prev_release)
    VALUES (NEW.release, OLD.indicator, OLD.level, OLD.key, OLD.period, OLD.value, OLD.flag, OLD.release);
    RETURN NEW;
END
$$;

CREATE TRIGGER observations_keep_history BEFORE UPDATE ON observations
    FOR EACH ROW WHEN (coalesce(current_setting('standortatlas.history_paused', true), '') <> 'on')
    EXECUTE FUNCTION standortatlas_keep_observation_history();

-- Import inserts the release row before the catalogue entries (holding the
-- store's write lock), so the newest release is the one writing them.
CREATE FUNCTION standortatlas_keep_indicator_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO indicator_history (release, id, entry)
        VALUES ((SELECT coalesce(max(r.id), 0) FROM releases r), OLD.id, OLD.entry);
        RETURN NEW;
    END IF;
    INSERT INTO indicator_history (release, id, entry)
    VALUES ((SELECT coalesce(max(r.id), 0) FROM releases r), NEW.id, NULL);
    RETURN NULL;
END
$$;

CREATE TRIGGER indicators_keep_history_update BEFORE UPDATE ON indicators
    FOR EACH ROW WHEN (coalesce(current_setting('standortatlas.history_paused', true), '') <> 'on')
    EXECUTE FUNCTION standortatlas_keep_indicator_history();
CREATE TRIGGER indicators_keep_history_insert AFTER INSERT ON indicators
    FOR EACH ROW WHEN (coalesce(current_setting('standortatlas.history_paused', true), '') <> 'on')
    EXECUTE FUNCTION standortatlas_keep_indicator_history();

-- History is kept from the first release written after this migration on:
-- rollbacks never reach below it (the earlier releases left no history).
INSERT INTO meta (key, value)
SELECT 'history_since', (coalesce(max(id), 0) + 1)::text FROM releases
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- Write tokens of data suppliers: only the hex SHA-256 of the secret is stored.
CREATE TABLE tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL,
    hash       text COLLATE "C" NOT NULL UNIQUE CHECK (length(hash) = 64),
    keys       text[] NOT NULL,             -- regional-key prefixes, '*' = all
    indicators text[] NOT NULL,             -- indicator ids, prefixes ending in '*', '*' = all
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

-- The audit log: one row per write attempt, append-only.
CREATE TABLE audit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor        text NOT NULL,             -- 'token:3 (…)', 'cli:alice'
    action       text NOT NULL,             -- import, rollback, token-create, token-revoke
    outcome      text NOT NULL,             -- ok, unchanged, refused, dry-run
    format       text NOT NULL DEFAULT '',
    file         text NOT NULL DEFAULT '',
    sha256       text NOT NULL DEFAULT '',
    release      bigint,                    -- NULL: none (no foreign key: refused writes name none)
    observations integer NOT NULL DEFAULT 0,
    indicators   integer NOT NULL DEFAULT 0,
    detail       text NOT NULL DEFAULT ''
);

CREATE FUNCTION standortatlas_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_audit_append_only();
