package sqlitestore

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strconv"
)

// Schema steps after schema.sql (version 1), each idempotent so that files
// of any earlier version open.
var (
	//go:embed intake.sql
	intakeSchema string // version 2: release history, tokens, audit log
	//go:embed places.sql
	placesSchema string // version 3: places (earlier created on first use)
	//go:embed reports.sql
	reportsSchema string // version 5: municipal reporting
	//go:embed sessions.sql
	sessionsSchema string // version 6: sessions of the web form
	//go:embed derived.sql
	derivedSchema string // version 7: data derived from the regions
)

// schemaVersion is the schema version this package writes.
const schemaVersion = 7

// migrate brings a store file of any earlier version to schemaVersion in one
// transaction. Version 2 adds release history, tokens and the audit log;
// history is kept from the first release written after the upgrade on
// (meta history_since), so rollbacks never reach below it. Version 3 adds
// the places tables. Version 4 adds the tokens' scopes (atlas.Token.Scopes;
// tokens of earlier versions have none). Version 5 adds the reporting tables.
// Version 6 adds the sessions of the web form (atlas.SessionStore).
// Version 7 adds the data derived from the regions (atlas.DerivedStore).
func migrate(ctx context.Context, db *sql.DB) error {
	var cur string
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&cur); err == nil && cur == strconv.Itoa(schemaVersion) {
		return nil // nothing to do: no write transaction on every open
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback()
	var s string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&s); err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("migrate: schema version %q: %w", s, err)
	}
	if v > schemaVersion {
		return fmt.Errorf("migrate: store schema version %d is newer than this program's (%d)", v, schemaVersion)
	}
	if _, err := tx.ExecContext(ctx, intakeSchema); err != nil {
		return fmt.Errorf("migrate: apply schema step 2: %w", err)
	}
	if v < 2 {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value)
			SELECT 'history_since', CAST(coalesce(max(id), 0) + 1 AS TEXT) FROM releases`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, placesSchema); err != nil {
		return fmt.Errorf("migrate: apply schema step 3: %w", err)
	}
	if err := addColumn(ctx, tx, "tokens", "scopes", `TEXT NOT NULL DEFAULT '[]'`); err != nil {
		return fmt.Errorf("migrate: apply schema step 4: %w", err)
	}
	if _, err := tx.ExecContext(ctx, reportsSchema); err != nil {
		return fmt.Errorf("migrate: apply schema step 5: %w", err)
	}
	if _, err := tx.ExecContext(ctx, sessionsSchema); err != nil {
		return fmt.Errorf("migrate: apply schema step 6: %w", err)
	}
	if _, err := tx.ExecContext(ctx, derivedSchema); err != nil {
		return fmt.Errorf("migrate: apply schema step 7: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = ? WHERE key = 'schema_version'`, strconv.Itoa(schemaVersion)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return tx.Commit()
}

// addColumn adds column (with its SQL type and default) to table unless the
// table has it: SQLite's ALTER TABLE ADD COLUMN is not idempotent. table
// and column are constants of this package, never input.
func addColumn(ctx context.Context, tx *sql.Tx, table, column, decl string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n); err != nil {
		return fmt.Errorf("columns of %s: %w", table, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `ALTER TABLE `+table+` ADD COLUMN `+column+` `+decl); err != nil {
		return fmt.Errorf("add column %s.%s: %w", table, column, err)
	}
	return nil
}
