package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

func TestReleases(t *testing.T) { storetest.RunReleases(t, open) }

func TestTokensAndAudit(t *testing.T) { storetest.RunTokensAndAudit(t, open) }

// A file written by schema version 1 (before release history, tokens and
// audit) opens, is upgraded, keeps its data and never rolls back below the
// upgrade.
func TestMigratesVersion1File(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		t.Fatal(err)
	}
	v1 := &Store{db: db}
	ind, obs := storetest.Unemployment(t)
	r1, err := storetest.Import(ctx, v1, atlas.Release{Source: "old"}, []atlas.Indicator{ind}, obs)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Meta(ctx, "schema_version"); v != "7" {
		t.Errorf("schema_version = %q, want 7", v)
	}
	if v, _ := s.Meta(ctx, "history_since"); v != "2" {
		t.Errorf("history_since = %q, want 2 (first release after the upgrade)", v)
	}
	if vals, _ := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019); vals["09162"].Value != 3.5 {
		t.Errorf("data lost in the upgrade: 09162 = %+v", vals["09162"])
	}
	r2, err := storetest.Import(ctx, s, atlas.Release{Source: "new"}, []atlas.Indicator{ind}, obs[:3])
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Releases(ctx)
	if err != nil || len(list) != 2 || list[0].ID != r1.ID {
		t.Fatalf("releases after upgrade = %+v, %v", list, err)
	}
	if _, err := atlas.Rollback(ctx, s, r1.ID, nil); err != nil {
		t.Errorf("rollback to the last pre-upgrade release: %v", err)
	}
	if _, err := atlas.Rollback(ctx, s, r1.ID-1, nil); err == nil {
		t.Error("rollback below the upgrade accepted")
	}
	_ = r2
	// Opening again is a no-op.
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}

// A version-3 file (tokens without scopes) is upgraded to version 4: its
// tokens keep working and have no scopes; new tokens store theirs.
func TestMigratesVersion3Tokens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v3.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{schema, intakeSchema, placesSchema, `UPDATE meta SET value = '3' WHERE key = 'schema_version'`,
		`INSERT INTO tokens(name, hash, keys, indicators, created_at) VALUES ('IT.NRW', '` + atlas.HashToken("old") + `', '["05"]', '["*"]', '2025-01-02T03:04:05Z')`} {
		if _, err := db.ExecContext(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Meta(ctx, "schema_version"); v != "7" {
		t.Errorf("schema_version = %q, want 7 (current)", v)
	}
	tok, err := s.TokenByHash(ctx, atlas.HashToken("old"))
	if err != nil || tok.Name != "IT.NRW" || len(tok.Scopes) != 0 {
		t.Errorf("token of version 3 = %+v, %v", tok, err)
	}
	if _, err := s.CreateToken(ctx, atlas.Token{Name: "admin", Keys: []string{"*"}, Indicators: []string{"*"}, Scopes: []string{atlas.ScopeAdmin}}, atlas.HashToken("new")); err != nil {
		t.Fatal(err)
	}
	if tok, err := s.TokenByHash(ctx, atlas.HashToken("new")); err != nil || !tok.HasScope(atlas.ScopeAdmin) {
		t.Errorf("new token = %+v, %v", tok, err)
	}
	// The upgraded file keeps sessions (schema step 6) of its old tokens.
	now := time.Now()
	if err := s.CreateSession(ctx, atlas.HashToken("session"), tok.ID, "csrf", now.Add(time.Hour), now, 10); err != nil {
		t.Fatal(err)
	}
	if ss, err := s.SessionByHash(ctx, atlas.HashToken("session"), now); err != nil || ss.Token.Name != "IT.NRW" {
		t.Errorf("session of the upgraded file's token = %+v, %v", ss, err)
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	s := open(t).(*Store)
	if _, err := s.AppendAudit(ctx, atlas.AuditEntry{Actor: "cli:test", Action: atlas.AuditImport, Outcome: "ok"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit SET actor = 'someone else'`, `DELETE FROM audit`} {
		if _, err := s.db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	if _, err := s.TokenByHash(ctx, atlas.HashToken("nope")); !errors.Is(err, atlas.ErrUnauthenticated) {
		t.Errorf("unknown token: %v", err)
	}
}
