-- 0006_token_scopes: capabilities of a write token beyond writing
-- observations (atlas.Token.Scopes): 'catalogue' (create or change catalogue
-- entries outside the token's namespace) and 'admin' (read the audit log,
-- manage tokens). Tokens created before have none: they keep writing
-- observations in their keys and indicators, nothing more.
ALTER TABLE tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{}';
