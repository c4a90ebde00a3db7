package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas/pgstore/pgtest"
)

// TestEveryWriteIsAReleaseWithAudit: a boundary import, a manifest import,
// a places import and a place publish each show up in `release list` and
// in `audit`, on the embedded store and on PostGIS, all written through
// the one intake. Real files only: the BKG Länder and Kreise, the
// Regionaldatenbank excerpt and the Münchner Flüchtlingsrat places.
func TestEveryWriteIsAReleaseWithAudit(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "atlas.db")
		testEveryWrite(t, []string{"-db", db})
	})
	t.Run("postgis", func(t *testing.T) {
		if testing.Short() {
			t.Skip("needs PostGIS")
		}
		url := pgtest.NewDB(t)
		runCLI(t, "migrate", "-database-url", url)
		testEveryWrite(t, []string{"-database-url", url})
	})
}

func testEveryWrite(t *testing.T, store []string) {
	cmd := func(args ...string) string {
		t.Helper()
		n := 2
		if args[0] == "audit" {
			n = 1
		}
		return runCLI(t, append(append(args[:n:n], store...), args[n:]...)...)
	}
	dir := t.TempDir()
	if out, err := runErr(append([]string{"import", "boundaries"}, append(store, "-level", "land", "../../testdata/boundaries/laender_vg1000.shp")...)...); err == nil || !strings.Contains(err.Error(), "-init") {
		t.Fatalf("boundary import into a new store without -init: %v\n%s", err, out)
	}
	if db := store[1]; store[0] == "-db" {
		if _, err := os.Stat(db); err == nil {
			t.Fatalf("the refused import created %s", db)
		}
	}
	out := cmd("import", "boundaries", "-init", "-level", "land", "-gebietsstand", "31.12.2024", "../../testdata/boundaries/laender_vg1000.shp")
	if !strings.Contains(out, "16 regions of level land") || !strings.Contains(out, "release 1:") {
		t.Errorf("boundary import:\n%s", out)
	}
	cmd("import", "boundaries", "-level", "kreis", "-layer", "kreise_vg1000", "-gebietsstand", "31.12.2024", "../../seeds/boundaries/bkg_vg1000_31122024_laender_kreise.zip")
	if out := cmd("import", "boundaries", "-level", "land", "-gebietsstand", "31.12.2024", "../../testdata/boundaries/laender_vg1000.shp"); !strings.Contains(out, "already imported as release 1") {
		t.Errorf("the same boundary file again:\n%s", out)
	}
	writeExcerptManifest(t, dir)
	if out := cmd("import", "manifest", filepath.Join(dir, "manifest.json")); !strings.Contains(out, "release 3: excerpt.csv") {
		t.Errorf("manifest import:\n%s", out)
	}
	raw, err := os.ReadFile("../../seeds/places/points_helferkreise_fluechtlingshilfe_muenchen_2020.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	part := filepath.Join(dir, "helferkreise_part.csv")
	if err := os.WriteFile(part, []byte(strings.Join(lines[:4], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	out = cmd("import", "places", "-source", "muc_test", "-category", "initiative", "-status", "pending", "-licence", "ODbL 1.0",
		"-attribution", "© Münchner Flüchtlingsrat, ODbL 1.0", "-coverage", "09162,09184", part)
	if !strings.Contains(out, "3 places of source muc_test imported (release 4)") {
		t.Fatalf("places import:\n%s", out)
	}
	pending := cmd("places", "list")
	i := strings.Index(pending, `"id": "muc_test:`)
	if i < 0 {
		t.Fatalf("no pending place:\n%s", pending)
	}
	id := strings.Trim(strings.Fields(pending[i:])[1], `",`)
	if out := cmd("places", "publish", id); !strings.Contains(out, "is now published (release 5)") {
		t.Errorf("publish:\n%s", out)
	}
	rels := cmd("release", "list")
	for _, want := range []string{"boundaries_land", "boundaries_kreis", "rdb_13211_check", "places_muc_test", "place_status"} {
		if !strings.Contains(rels, want) {
			t.Errorf("release list lacks %s:\n%s", want, rels)
		}
	}
	audit := cmd("audit", "-json")
	for _, want := range []string{`"action":"boundaries","outcome":"ok"`, `"action":"boundaries","outcome":"unchanged"`,
		`"action":"import","outcome":"ok"`, `"action":"places","outcome":"ok"`, `"action":"place-status","outcome":"ok"`} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %s:\n%s", want, audit)
		}
	}
	for n, action := range map[int]string{1: "boundaries", 3: "import", 4: "places", 5: "place-status"} {
		if !strings.Contains(audit, `"action":"`+action+`","outcome":"ok"`) || !strings.Contains(audit, `"release":`+string(rune('0'+n))) {
			t.Errorf("audit lacks release %d (%s):\n%s", n, action, audit)
		}
	}
	// The releases that changed boundaries or places cannot be rolled back.
	if _, err := runErr(append([]string{"release", "rollback"}, append(store, "3")...)...); err == nil || !strings.Contains(err.Error(), "not versioned") {
		t.Errorf("rollback across a place release: %v", err)
	}
}

func runErr(args ...string) (string, error) {
	var out strings.Builder
	err := run(context.Background(), args, func(string) string { return "" }, &out, &out)
	return out.String(), err
}

// writeExcerptManifest writes a manifest with one curated indicator read
// from the real Regionaldatenbank excerpt (table 13211-02-05-4).
func writeExcerptManifest(t *testing.T, dir string) {
	t.Helper()
	csv, err := os.ReadFile("../../testdata/indicators/genesis_13211-02-05-4_excerpt_latin1.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "excerpt.csv"), csv, 0o644); err != nil {
		t.Fatal(err)
	}
	m := `{"version": "test",
 "indicators": [{"id": "unemployment_rate_check", "title": "Arbeitslosenquote (Prüfimport)", "unit": "%", "decimals": 1,
  "topic": "arbeitsmarkt", "topic_title": "Arbeitsmarkt", "direction": "need", "definition": "Arbeitslose in % aller zivilen Erwerbspersonen.",
  "source": "Regionaldatenbank 13211-02-05-4", "licence": "dl-de/by-2-0",
  "attribution": "© Statistische Ämter des Bundes und der Länder, Deutschland, 2021, dl-de/by-2-0"}],
 "tables": [{"id": "rdb_13211_check", "file": "excerpt.csv", "encoding": "latin1", "delimiter": ";", "decimal": ",",
  "first_data_row": 9, "key": [2], "period": 1, "stop_at": "__________", "skip_unknown_keys": true,
  "values": [{"column": 12, "indicator": "unemployment_rate_check"}], "levels": ["land", "kreis"]}]}`
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(m), 0o644); err != nil {
		t.Fatal(err)
	}
}
