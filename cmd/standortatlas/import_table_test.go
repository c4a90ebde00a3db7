package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 14 on the command line, on real files: `import table -spec` may
// carry catalogue entries (item 9); -crosswalk FILE -crosswalk-year Y works
// without -merge and messages name the user's file (item 7); a
// contradicting -period is refused (item 4); category columns import
// without a manifest, or the one category named (item 5).
func TestImportTableSpecCrosswalkPeriodCategory(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "atlas.db")
	runCLI(t, "import", "boundaries", "-db", db, "-init", "-level", "kreis", "-layer", "kreise_vg1000", "-gebietsstand", "31.12.2024", "../../seeds/boundaries/bkg_vg1000_31122024_laender_kreise.zip")

	// The npm package's Kreise of 31.12.2018 (real excerpt) with a spec that
	// brings its own catalogue entry.
	spec := filepath.Join(dir, "npm.json")
	if err := os.WriteFile(spec, []byte(`{"id": "npm_kreise_2018", "delimiter": ";", "header_row": 1, "key": ["AGS"], "level": "kreis", "period_value": 2018,
 "values": [{"column": "area_km2", "indicator": "area_npm_2018"}],
 "indicators": [{"id": "area_npm_2018", "title": "Fläche (npm landkreise-deutschland)", "unit": "km²", "decimals": 2, "topic": "flaeche",
   "topic_title": "Fläche", "direction": "context", "definition": "Katasterfläche der Kreise, Gebietsstand 31.12.2018.",
   "source": "npm landkreise-deutschland 3.0.0 (Destatis GV-ISys 04-kreise.xlsx)", "licence": "CC-BY-4.0", "attribution": "npm landkreise-deutschland 3.0.0, CC-BY-4.0; Daten: © Statistisches Bundesamt (Destatis)", "measure": "extensive"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cw := "../../seeds/indicators/bbsr_ref-kreise-umrech-2020-1990-2019.xlsx"
	out := runCLI(t, "import", "table", "-db", db, "-spec", spec, "-crosswalk", cw, "-crosswalk-year", "2018", "../../testdata/indicators/npm_landkreise_kreise_31122018_excerpt.csv")
	if !strings.Contains(out, "area_npm_2018") || !strings.Contains(out, "release 2:") {
		t.Errorf("import table with its own catalogue entry and a crosswalk without -merge:\n%s", out)
	}
	_, err := runErr("import", "table", "-db", db, "-spec", spec, "-crosswalk", cw, "-crosswalk-year", "1985", "-force", "../../testdata/indicators/npm_landkreise_kreise_31122018_excerpt.csv")
	if err == nil || !strings.Contains(err.Error(), "bbsr_ref-kreise-umrech-2020-1990-2019.xlsx") || strings.Contains(err.Error(), "crosswalk.xlsx") {
		t.Errorf("crosswalk year 1985: %v (want the user's file named)", err)
	}

	_, err = runErr("import", "genesis", "-db", db, "-period", "2019", "../../testdata/indicators/genesis_22411-01-01-4-B_excerpt_latin1.csv")
	if err == nil || !strings.Contains(err.Error(), "contradicts the file") {
		t.Errorf("-period 2019 on a file of 31.12.2017: %v", err)
	}
	out = runCLI(t, "import", "auto", "-db", db, "-category", "Tagespflege", "../../testdata/indicators/regionalstatistik_22543-01-02-4_excerpt.csv")
	if !strings.Contains(out, "only category \"Tagespflege\" imported") || !strings.Contains(out, "6 indicator(s)") {
		t.Errorf("-category:\n%s", out)
	}
	out = runCLI(t, "import", "auto", "-db", db, "../../testdata/indicators/regionalstatistik_22543-01-02-4_excerpt.csv")
	if !strings.Contains(out, "18 indicator(s)") {
		t.Errorf("category columns without a manifest:\n%s", out)
	}
	rels := runCLI(t, "release", "list", "-db", db)
	audit := runCLI(t, "audit", "-db", db)
	if !strings.Contains(rels, "npm_kreise_2018") || !strings.Contains(audit, "npm_landkreise_kreise_31122018_excerpt.csv") {
		t.Errorf("release list / audit:\n%s\n%s", rels, audit)
	}
}
