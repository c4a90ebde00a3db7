-- 0010_sessions: sessions of the web form (atlas.SessionStore), kept in the
-- database so that every instance behind a load balancer accepts a session
-- any of them opened (no sticky sessions). Sessions are not data: the table
-- has no data-version trigger, and opening or ending a session creates no
-- release. Only the hex SHA-256 of the session id is stored; revoking a
-- token deletes its sessions (pgstore.RevokeToken).
CREATE TABLE sessions (
    id_hash text PRIMARY KEY,
    token   bigint NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
    csrf    text NOT NULL,
    expires timestamptz NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires);
CREATE INDEX sessions_token ON sessions (token);
