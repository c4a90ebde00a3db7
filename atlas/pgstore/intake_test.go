package pgstore_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/pgstore"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

// TestAuditIsAppendOnly: the audit table refuses updates, deletes and
// truncation, also from SQL.
func TestAuditIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	s, url := newStore(t, pgstore.Options{})
	if _, err := s.AppendAudit(ctx, atlas.AuditEntry{Actor: "cli:test", Action: atlas.AuditImport, Outcome: "ok"}); err != nil {
		t.Fatal(err)
	}
	db := sqlPool(t, url)
	for _, q := range []string{`UPDATE audit SET actor = 'someone else'`, `DELETE FROM audit`, `TRUNCATE audit`} {
		if _, err := db.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	if all, err := s.Audit(ctx, 0); err != nil || len(all) != 1 || all[0].Actor != "cli:test" || all[0].Release != 0 {
		t.Errorf("audit log = %+v, %v", all, err)
	}
}

// TestTokensStoredHashed: the database holds the token's SHA-256, never
// the secret.
func TestTokensStoredHashed(t *testing.T) {
	ctx := context.Background()
	s, url := newStore(t, pgstore.Options{})
	secret, hash, err := atlas.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.CreateToken(ctx, atlas.Token{Name: "IT.NRW", Keys: []string{"05"}, Indicators: []string{"rdb_*"}}, hash)
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	var found bool
	db := sqlPool(t, url)
	if err := db.QueryRow(ctx, `SELECT hash, position($2 IN t::text) > 0 FROM tokens t WHERE id = $1`, tok.ID, secret).Scan(&stored, &found); err != nil {
		t.Fatal(err)
	}
	if stored != atlas.HashToken(secret) || found {
		t.Errorf("stored hash %q (secret in the row: %v), want %q", stored, found, atlas.HashToken(secret))
	}
	if _, err := s.CreateToken(ctx, atlas.Token{Name: "again", Keys: []string{"*"}, Indicators: []string{"*"}}, hash); err == nil {
		t.Error("a second token with the same hash was accepted")
	}
}

// TestRollbackIsAllOrNothing makes the rollback fail half-way (a trigger
// refuses deleting the observations of release 2, after release 3 was
// undone) and expects the store as it was.
func TestRollbackIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s, url := newStore(t, pgstore.Options{})
	ind, obs := storetest.Unemployment(t)
	r1, err := storetest.Import(ctx, s, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs)
	if err != nil {
		t.Fatal(err)
	}
	// Release 2 overwrites one value and adds one (deleted by its undo).
	secret := []atlas.Observation{
		{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: math.NaN(), Flag: atlas.FlagSecret},
		{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2030, Value: math.NaN(), Flag: atlas.FlagNotYet},
	}
	r2, err := storetest.Import(ctx, s, atlas.Release{Source: "b"}, []atlas.Indicator{ind}, secret)
	if err != nil {
		t.Fatal(err)
	}
	upd := []atlas.Observation{{Indicator: ind.ID, Level: atlas.LevelLand, Key: "09", Period: 2019, Value: 9.9}}
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "c"}, []atlas.Indicator{ind}, upd); err != nil {
		t.Fatal(err)
	}
	db := sqlPool(t, url)
	if _, err := db.Exec(ctx, `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF OLD.release = `+strconv.FormatInt(r2.ID, 10)+` THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN OLD; END $$;
		CREATE TRIGGER refuse BEFORE DELETE ON observations FOR EACH ROW EXECUTE FUNCTION refuse()`); err != nil {
		t.Fatal(err)
	}
	v0, _ := s.DataVersion(ctx)
	if _, err := atlas.Rollback(ctx, s, r1.ID, nil); err == nil || !strings.Contains(err.Error(), "refused by test") {
		t.Fatalf("rollback with a refusing trigger: %v", err)
	}
	if v, _ := s.DataVersion(ctx); v != v0 {
		t.Errorf("a failed rollback changed the data version %d → %d", v0, v)
	}
	list, err := s.Releases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if !r.Active() {
			t.Errorf("release %d marked rolled back by a failed rollback", r.ID)
		}
	}
	land, _ := s.Values(ctx, ind.ID, atlas.LevelLand, 2019)
	kreis, _ := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if land["09"].Value != 9.9 || kreis["09162"].Flag != atlas.FlagSecret {
		t.Errorf("after a failed rollback: Land 09 = %+v, 09162 = %+v; want release 3's and 2's values", land["09"], kreis["09162"])
	}
	var hist int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM observation_history`).Scan(&hist); err != nil || hist != 2 {
		t.Errorf("%d history rows (%v), want 2", hist, err)
	}
	if _, err := db.Exec(ctx, `DROP TRIGGER refuse ON observations`); err != nil {
		t.Fatal(err)
	}
	undone, err := atlas.Rollback(ctx, s, r1.ID, nil)
	if err != nil || len(undone) != 2 {
		t.Fatalf("rollback = %+v, %v", undone, err)
	}
	land, _ = s.Values(ctx, ind.ID, atlas.LevelLand, 2019)
	kreis, _ = s.Values(ctx, ind.ID, atlas.LevelKreis, 2019)
	if land["09"].Value != 2.8 || kreis["09162"].Value != 3.5 {
		t.Errorf("after rollback: Land 09 = %+v, 09162 = %+v; want 2.8 and 3.5", land["09"], kreis["09162"])
	}
	if v, _ := s.Values(ctx, ind.ID, atlas.LevelKreis, 2030); len(v) != 0 {
		t.Errorf("after rollback: the value release 2 added survived: %+v", v)
	}
	// The restoring updates were not recorded as history.
	if err := db.QueryRow(ctx, `SELECT count(*) FROM observation_history`).Scan(&hist); err != nil || hist != 2 {
		t.Errorf("%d history rows after the rollback (%v), want still 2", hist, err)
	}
}

// TestRollbackUndoesSQLEdits: an edit made in SQL (as in QGIS) of a value
// that release 2 wrote is recorded by the trigger; rolling back to release 1
// restores release 1's value, and the edit does not count as replaced.
func TestRollbackUndoesSQLEdits(t *testing.T) {
	ctx := context.Background()
	s, url := newStore(t, pgstore.Options{})
	ind, obs := storetest.Unemployment(t)
	r1, err := storetest.Import(ctx, s, atlas.Release{Source: "a"}, []atlas.Indicator{ind}, obs)
	if err != nil {
		t.Fatal(err)
	}
	secret := []atlas.Observation{{Indicator: ind.ID, Level: atlas.LevelKreis, Key: "09162", Period: 2019, Value: math.NaN(), Flag: atlas.FlagSecret}}
	if _, err := storetest.Import(ctx, s, atlas.Release{Source: "b"}, []atlas.Indicator{ind}, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlPool(t, url).Exec(ctx, `UPDATE observations SET value = 4.0, flag = '' WHERE key = '09162' AND period = 2019`); err != nil {
		t.Fatal(err)
	}
	list, err := s.Releases(ctx)
	if err != nil || len(list) != 2 || list[1].Replaced != 1 {
		t.Fatalf("releases = %+v, %v; want release 2 with 1 replaced", list, err)
	}
	if _, err := atlas.Rollback(ctx, s, r1.ID, nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Values(ctx, ind.ID, atlas.LevelKreis, 2019); v["09162"].Value != 3.5 || v["09162"].Flag != "" {
		t.Errorf("after rollback: 09162 = %+v, want 3.5", v["09162"])
	}
}
