package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb/geojson"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/ingest"
)

// Issue 15, item 4: a boundary file that removes more regions of a level
// than a territorial reform (here: one real Land, Bayern from VG1000, as
// the whole Land level) is refused and names what would disappear; with
// ReplaceAll it is written and its report lists them.
func TestBoundaryImportThatDropsALevelNeedsConfirmation(t *testing.T) {
	ctx := context.Background()
	in, s := newIntake(t)
	laender := ingest.BoundarySpec{Level: atlas.LevelLand, File: "laender_vg1000.shp", Name: "BKG VG1000 Länder", Gebietsstand: "31.12.2024",
		Licence: "dl-de/by-2-0", Attribution: "© GeoBasis-DE / BKG (2025), dl-de/by-2-0 (Daten verändert)"}
	dir := os.DirFS(filepath.Join("..", "..", "testdata", "boundaries"))
	if _, err := in.ImportManifest(ctx, dir, &ingest.Manifest{Boundaries: []ingest.BoundarySpec{laender}}, ingest.ManifestRequest{Actor: "cli:test"}); err != nil {
		t.Fatal(err)
	}
	regions, _ := s.Regions(ctx, atlas.LevelLand)
	if len(regions) != 16 {
		t.Fatalf("%d Länder", len(regions))
	}
	fc := geojson.NewFeatureCollection()
	for _, r := range regions {
		if r.Key == "09" {
			f := geojson.NewFeature(r.Geom)
			f.Properties = geojson.Properties{"AGS": "09", "GEN": r.Name, "BEZ": r.Type}
			fc.Append(f)
		}
	}
	one, err := fc.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	bayern := laender
	bayern.File, bayern.Name = "bayern.geojson", "nur Bayern"
	m := &ingest.Manifest{Boundaries: []ingest.BoundarySpec{bayern}}
	fsys := fstest.MapFS{"bayern.geojson": {Data: one}}

	_, err = in.ImportManifest(ctx, fsys, m, ingest.ManifestRequest{Actor: "cli:test"})
	if !errors.Is(err, atlas.ErrConflict) || !strings.Contains(err.Error(), "15 of the 16 regions of level land disappear (1 remain, 0 new)") ||
		!strings.Contains(err.Error(), "01 Schleswig-Holstein") || !strings.Contains(err.Error(), "-replace-all") {
		t.Fatalf("one Land for the whole level: %v", err)
	}
	if after, _ := s.Regions(ctx, atlas.LevelLand); len(after) != 16 {
		t.Errorf("refused import left %d Länder", len(after))
	}
	if a := audit(t, s)[0]; a.Outcome != "refused" || a.Action != atlas.AuditBoundaries || !strings.Contains(a.Detail, "disappear") {
		t.Errorf("audit of the refusal: %+v", a)
	}

	// Confirmed: a dry run reports what disappears, the import writes it.
	res, err := in.ImportManifest(ctx, fsys, m, ingest.ManifestRequest{Actor: "cli:test", ReplaceAll: true, DryRun: true})
	if err != nil || !strings.Contains(strings.Join(res.Summary, "\n"), "15 of the 16 regions of level land disappear") {
		t.Fatalf("dry run with ReplaceAll: %v %v", res, err)
	}
	if a := audit(t, s)[0]; a.Outcome != "dry-run" || a.Action != atlas.AuditBoundaries || !strings.Contains(a.Detail, "disappear") {
		t.Errorf("audit of the dry run: %+v", a)
	}
	if _, err := in.ImportManifest(ctx, fsys, m, ingest.ManifestRequest{Actor: "cli:test", ReplaceAll: true}); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.Regions(ctx, atlas.LevelLand); len(after) != 1 {
		t.Errorf("confirmed import left %d Länder", len(after))
	}
	// Back to all 16: nothing disappears, no confirmation needed.
	if _, err := in.ImportManifest(ctx, dir, &ingest.Manifest{Boundaries: []ingest.BoundarySpec{laender}}, ingest.ManifestRequest{Actor: "cli:test", Force: true}); err != nil {
		t.Errorf("the full level again: %v", err)
	}
}
