-- Sessions of the web form (atlas.SessionStore), schema version 6. Not
-- data: written outside Store.Write, they never raise the data version nor
-- create a release. Only the SHA-256 of the session id is stored.
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    token   INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
    csrf    TEXT NOT NULL,
    expires INTEGER NOT NULL              -- Unix seconds
);
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires);
CREATE INDEX IF NOT EXISTS sessions_token ON sessions(token);
