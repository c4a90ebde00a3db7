package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// A store whose boundaries were written before the tiles' zoom pyramid was
// stored with them (here: its pyramid removed) gets it from `prebuild`,
// byte for byte what the boundary import stores, through the one write path
// (a release and an audit entry), the regions unchanged.
func TestPrebuildStoresThePyramidOfOlderStores(t *testing.T) {
	db := filepath.Join(t.TempDir(), "atlas.db")
	runCLI(t, "import", "boundaries", "-db", db, "-init", "-level", "kreis", "-layer", "kreise_vg1000", "-gebietsstand", "31.12.2024", "../../seeds/boundaries/bkg_vg1000_31122024_laender_kreise.zip")
	sdb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	ctx := context.Background()
	parts := func() map[string]string {
		t.Helper()
		rows, err := sdb.QueryContext(ctx, `SELECT name, data FROM derived WHERE level = 'kreis'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var name string
			var data []byte
			if err := rows.Scan(&name, &data); err != nil {
				t.Fatal(err)
			}
			out[name] = string(data)
		}
		return out
	}
	imported := parts()
	if len(imported) == 0 {
		t.Fatal("the boundary import stored no pyramid")
	}
	if _, err := sdb.ExecContext(ctx, `DELETE FROM derived`); err != nil {
		t.Fatal(err)
	}
	out := runCLI(t, "prebuild", "-db", db)
	if !strings.Contains(out, "level kreis: 400 regions, zoom pyramid stored (release 2)") {
		t.Errorf("prebuild:\n%s", out)
	}
	got := parts()
	if len(got) != len(imported) {
		t.Fatalf("prebuild stored %d parts, the import %d", len(got), len(imported))
	}
	for name, data := range imported {
		if got[name] != data {
			t.Errorf("part %s differs from the import's", name)
		}
	}
	var n int
	if err := sdb.QueryRowContext(ctx, `SELECT count(*) FROM regions WHERE level = 'kreis'`).Scan(&n); err != nil || n != 400 {
		t.Errorf("regions after prebuild: %d, %v", n, err)
	}
	if rels := runCLI(t, "release", "list", "-db", db); strings.Count(rels, "boundaries_kreis") != 2 {
		t.Errorf("release list:\n%s", rels)
	}
	if audit := runCLI(t, "audit", "-db", db, "-json"); !strings.Contains(audit, `"action":"boundaries","outcome":"ok"`) || !strings.Contains(audit, `"release":2`) {
		t.Errorf("audit:\n%s", audit)
	}
}
