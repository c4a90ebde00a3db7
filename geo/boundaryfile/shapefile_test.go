package boundaryfile

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
	"github.com/standortatlas/standortatlas/geo/crs"
)

func readOneLayer(t *testing.T, path string) Layer {
	t.Helper()
	layers, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("%s: %d layers, want 1", path, len(layers))
	}
	return layers[0]
}

// TestLaender checks facts of BKG's VG1000 Länder file (see
// testdata/boundaries/README.md).
func TestLaender(t *testing.T) {
	l := readOneLayer(t, filepath.Join(testdataDir, "laender_vg1000.shp"))
	if l.Name != "laender_vg1000" || l.SRID != 25832 {
		t.Errorf("layer %q SRID %d, want laender_vg1000 25832", l.Name, l.SRID)
	}
	if len(l.Features) != 33 {
		t.Fatalf("%d features, want 33", len(l.Features))
	}
	names := map[string]string{}
	var keys []string
	var area float64
	for _, f := range l.Features {
		if len(f.Props) != 26 {
			t.Errorf("feature %s has %d attributes, want 26", f.Props["AGS"], len(f.Props))
		}
		if f.Props["GF"] != "4" {
			continue
		}
		keys = append(keys, f.Props["AGS"])
		names[f.Props["AGS"]] = f.Props["GEN"]
		area += geo.Area(f.Geom)
		b := f.Geom.Bound()
		if b.Min[0] < 5.8 || b.Max[0] > 15.1 || b.Min[1] < 47.2 || b.Max[1] > 55.1 {
			t.Errorf("%s: bound %v outside Germany", f.Props["GEN"], b)
		}
	}
	slices.Sort(keys)
	want := []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16"}
	if !slices.Equal(keys, want) {
		t.Errorf("AGS of GF=4 features: %v, want %v", keys, want)
	}
	for ags, name := range map[string]string{
		"01": "Schleswig-Holstein", "08": "Baden-Württemberg", "09": "Bayern",
		"11": "Berlin", "16": "Thüringen",
	} {
		if names[ags] != name {
			t.Errorf("GEN of %s = %q, want %q", ags, names[ags], name)
		}
	}
	// Germany covers 357,600 km²; VG1000 is generalised to 1:1,000,000.
	if km2 := area / 1e6; math.Abs(km2-357600) > 3000 {
		t.Errorf("area of the 16 Länder %.0f km², want about 357,600", km2)
	}
	checkRings(t, "laender", l.Features)
}

// TestGemeindenExtract checks the DHDN (EPSG:31467) extract of VG5000.
func TestGemeindenExtract(t *testing.T) {
	l := readOneLayer(t, filepath.Join(testdataDir, "gemeinden_vg5000_extract.shp"))
	if l.SRID != 31467 || len(l.Features) != 36 {
		t.Fatalf("SRID %d with %d features, want 31467 with 36", l.SRID, len(l.Features))
	}
	byAGS := map[string]Feature{}
	for _, f := range l.Features {
		byAGS[f.Props["AGS"]] = f
	}
	muc, ok := byAGS["09162000"]
	if !ok || muc.Props["GEN"] != "München" || muc.Props["BEZ"] != "Stadt" {
		t.Fatalf("09162000: %v", muc.Props)
	}
	c, _ := planar.CentroidArea(muc.Geom)
	// Munich's area centroid lies about 1.4 km north of lon 11.55 lat 48.14.
	if d := geo.Distance(c, orb.Point{11.55, 48.14}); d > 2000 {
		t.Errorf("München centroid %v is %.0f m from 11.55 48.14", c, d)
	}
	// Centroid of Kreis 09162 in BKG VG1000 (31.12.2024, EPSG:25832, so no
	// datum shift involved), as read by this package. VG5000 is coarser:
	// PROVENANCE.md reports about 60 m between them.
	if d := geo.Distance(c, orb.Point{11.547544, 48.153121}); d > 100 {
		t.Errorf("München centroid %v is %.0f m from the VG1000 centroid", c, d)
	}
	for ags, name := range map[string]string{
		"09184135": "Oberschleißheim", "09184147": "Unterföhring", "09677452": "Burgjoß",
		"16071004": "Bad Sulza", "16076039": "Langenwetzendorf", "09184454": "Grünwalder Forst",
	} {
		f := byAGS[ags]
		if f.Props["GEN"] != name || len(f.Geom) == 0 {
			t.Errorf("%s: GEN %q with %d polygons, want %q", ags, f.Props["GEN"], len(f.Geom), name)
		}
	}
	if n := len(byAGS["09184135"].Geom); n != 2 {
		t.Errorf("Oberschleißheim has %d polygons, want 2", n)
	}
	if got := byAGS["09162000"].Props["ARS"]; got != "091620000000" {
		t.Errorf("ARS of München = %q", got)
	}
	checkRings(t, "gemeinden", l.Features)
}

// TestGemeindenAgainstGDAL compares every vertex with GDAL 3.6 / PROJ 9.1
// (BETA2007 grid) output: the DHDN→WGS84 shift must agree within 5 m, and
// the polygon structure exactly.
func TestGemeindenAgainstGDAL(t *testing.T) {
	mine := readOneLayer(t, filepath.Join(testdataDir, "gemeinden_vg5000_extract.shp"))
	ref := readOneLayer(t, filepath.Join(testdataDir, "gemeinden_vg5000_extract_gdal.geojson"))
	if len(mine.Features) != len(ref.Features) {
		t.Fatalf("%d features, GDAL %d", len(mine.Features), len(ref.Features))
	}
	var maxDist float64
	for i, f := range mine.Features {
		g := ref.Features[i]
		if f.Props["AGS"] != g.Props["AGS"] || f.Props["GEN"] != g.Props["GEN"] {
			t.Fatalf("feature %d: %s %s, GDAL %s %s", i, f.Props["AGS"], f.Props["GEN"], g.Props["AGS"], g.Props["GEN"])
		}
		if len(f.Geom) != len(g.Geom) {
			t.Errorf("%s: %d polygons, GDAL %d", f.Props["AGS"], len(f.Geom), len(g.Geom))
			continue
		}
		for j := range f.Geom {
			if len(f.Geom[j]) != len(g.Geom[j]) {
				t.Errorf("%s polygon %d: %d rings, GDAL %d", f.Props["AGS"], j, len(f.Geom[j]), len(g.Geom[j]))
				continue
			}
			for k, r := range f.Geom[j] {
				if len(r) != len(g.Geom[j][k]) {
					t.Errorf("%s polygon %d ring %d: %d points, GDAL %d", f.Props["AGS"], j, k, len(r), len(g.Geom[j][k]))
					continue
				}
				for n, p := range r {
					maxDist = math.Max(maxDist, geo.Distance(p, g.Geom[j][k][n]))
				}
			}
		}
	}
	t.Logf("max vertex distance to GDAL/PROJ: %.2f m", maxDist)
	if maxDist > 5 {
		t.Errorf("max vertex distance to GDAL/PROJ %.2f m, want <= 5 m", maxDist)
	}
}

func TestReadFS(t *testing.T) {
	fsys := os.DirFS(testdataDir)
	layers, err := ReadFS(fsys, "gemeinden_vg5000_extract.shp")
	if err != nil {
		t.Fatal(err)
	}
	direct := readOneLayer(t, filepath.Join(testdataDir, "gemeinden_vg5000_extract.shp"))
	if len(layers) != 1 || len(layers[0].Features) != len(direct.Features) {
		t.Fatalf("ReadFS: %d layers", len(layers))
	}
	for i, f := range layers[0].Features {
		if !orb.Equal(f.Geom, direct.Features[i].Geom) {
			t.Errorf("feature %d differs between Read and ReadFS", i)
		}
	}
	// Upper-case extensions, as some tools write them.
	upper := shapefileFS(t, "gemeinden_vg5000_extract", "dir/GEM")
	for _, ext := range []string{".shp", ".dbf", ".prj"} {
		upper["dir/GEM"+strings.ToUpper(ext)] = upper["dir/GEM"+ext]
		delete(upper, "dir/GEM"+ext)
	}
	layers, err = ReadFS(upper, "dir/GEM.SHP")
	if err != nil || len(layers[0].Features) != 36 || layers[0].Name != "GEM" {
		t.Errorf("upper-case extensions: %v", err)
	}
}

func TestShapefileErrors(t *testing.T) {
	const stem = "gemeinden_vg5000_extract"
	shp := readTestdata(t, stem+".shp")
	tests := []struct {
		name    string
		modify  func(m fstest.MapFS)
		opts    Options
		is      error
		message []string
	}{
		{
			name:    "no prj",
			modify:  func(m fstest.MapFS) { delete(m, "x.prj") },
			is:      ErrMissingFile,
			message: []string{"x.shp", ".prj"},
		},
		{
			name:    "no dbf",
			modify:  func(m fstest.MapFS) { delete(m, "x.dbf") },
			is:      ErrMissingFile,
			message: []string{"x.shp", ".dbf"},
		},
		{
			name:    "unknown prj",
			modify:  func(m fstest.MapFS) { m["x.prj"] = &fstest.MapFile{Data: []byte(`PROJCS["Custom_Lambert"]`)} },
			is:      crs.ErrUnknownPRJ,
			message: []string{"x.prj", "Custom_Lambert"},
		},
		{
			name: "unsupported CRS",
			modify: func(m fstest.MapFS) {
				m["x.prj"] = &fstest.MapFile{Data: []byte(`PROJCS["RGF93",AUTHORITY["EPSG",2154]]`)}
			},
			is:      crs.ErrUnsupportedCRS,
			message: []string{"x.shp", "2154"},
		},
		{
			name:    "truncated shp",
			modify:  func(m fstest.MapFS) { m["x.shp"] = &fstest.MapFile{Data: shp[:len(shp)/2]} },
			is:      io.ErrUnexpectedEOF,
			message: []string{"x.shp", "file length"},
		},
		{
			name: "truncated shp with fixed header length",
			modify: func(m fstest.MapFS) {
				b := append([]byte(nil), shp[:5000]...)
				b[24], b[25], b[26], b[27] = 0, 0, byte(5000/2>>8), byte(5000/2&0xff)
				m["x.shp"] = &fstest.MapFile{Data: b}
			},
			is:      io.ErrUnexpectedEOF,
			message: []string{"x.shp: record "},
		},
		{
			name: "fewer dbf records",
			modify: func(m fstest.MapFS) {
				m["x.dbf"] = &fstest.MapFile{Data: buildDBF(0, []testField{{"AGS", 'C', 8, 0}}, [][]string{{"01"}})}
			},
			message: []string{"x.shp: 36 shapes", "x.dbf has 1 records"},
		},
		{
			name:    "unknown code page",
			modify:  func(m fstest.MapFS) { m["x.cpg"] = &fstest.MapFile{Data: []byte("KOI8-Q")} },
			is:      ErrUnsupportedFormat,
			message: []string{"x.cpg", "KOI8-Q"},
		},
		{
			name:    "override without prj",
			modify:  func(m fstest.MapFS) { delete(m, "x.prj") },
			opts:    Options{SRIDOverride: 31467},
			message: nil, // no error
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := shapefileFS(t, stem, "x")
			tt.modify(m)
			layers, err := tt.opts.ReadFS(m, "x.shp")
			if tt.message == nil {
				if err != nil || len(layers[0].Features) != 36 || layers[0].SRID != 31467 {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			for _, s := range tt.message {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

// TestShapefileRecords reads crafted records: null shapes, deleted
// records, PolygonZ/M, and ring errors that must name the record.
func TestShapefileRecords(t *testing.T) {
	prj := readTestdata(t, "laender_vg1000.prj")
	fields := []testField{{"AGS", 'C', 8, 0}}
	outer := square(500000, 5500000, 1000, true)
	tests := []struct {
		name      string
		shapeType int
		records   [][]byte
		dbf       [][]string
		wantAGS   []string
		wantPolys []int
		wantErr   string
	}{
		{
			name:      "null shape kept with attributes",
			shapeType: shpPolygon,
			records:   [][]byte{polygonRecord(shpPolygon, outer), nil},
			dbf:       [][]string{{"01"}, {"02"}},
			wantAGS:   []string{"01", "02"},
			wantPolys: []int{1, 0},
		},
		{
			name:      "deleted record skipped",
			shapeType: shpPolygon,
			records:   [][]byte{polygonRecord(shpPolygon, outer), polygonRecord(shpPolygon, outer)},
			dbf:       [][]string{{"*DELETED*01"}, {"02"}},
			wantAGS:   []string{"02"},
			wantPolys: []int{1},
		},
		{
			name:      "polygonZ",
			shapeType: shpPolygonZ,
			records:   [][]byte{polygonRecord(shpPolygonZ, outer, square(500100, 5500100, 10, false))},
			dbf:       [][]string{{"03"}},
			wantAGS:   []string{"03"},
			wantPolys: []int{1},
		},
		{
			name:      "polygonM",
			shapeType: shpPolygonM,
			records:   [][]byte{polygonRecord(shpPolygonM, outer)},
			dbf:       [][]string{{"04"}},
			wantAGS:   []string{"04"},
			wantPolys: []int{1},
		},
		{
			name:      "ring with 2 points",
			shapeType: shpPolygon,
			records:   [][]byte{polygonRecord(shpPolygon, outer), polygonRecord(shpPolygon, outer, []orb.Point{{1, 1}, {2, 2}})},
			dbf:       [][]string{{"01"}, {"02"}},
			wantErr:   "x.shp: record 2: ring 2 with 2 points",
		},
		{
			name:      "not finite",
			shapeType: shpPolygon,
			records:   [][]byte{polygonRecord(shpPolygon, []orb.Point{{1, 1}, {math.NaN(), 2}, {3, 1}, {1, 1}})},
			dbf:       [][]string{{"01"}},
			wantErr:   "x.shp: record 1: ring 1: point 2 is not finite",
		},
		{
			name:      "outside the projection",
			shapeType: shpPolygon,
			records:   [][]byte{polygonRecord(shpPolygon, square(500000, 1e12, 1000, true))},
			dbf:       [][]string{{"01"}},
			wantErr:   "x.shp: record 1: ring 1: point 1",
		},
		{
			name:      "shape type mismatch",
			shapeType: shpPolygon,
			records:   [][]byte{polygonRecord(shpPolygonZ, outer)},
			dbf:       [][]string{{"01"}},
			wantErr:   "x.shp: record 1: shape type 15 (polygon) in a file of type 5 (polygon)",
		},
		{
			name:      "points",
			shapeType: 1,
			records:   nil,
			dbf:       nil,
			wantErr:   "x.shp: unsupported format: shape type 1 (point)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fstest.MapFS{
				"x.shp": {Data: buildSHP(tt.shapeType, tt.records...)},
				"x.dbf": {Data: buildDBF(0, fields, tt.dbf)},
				"x.prj": {Data: prj},
			}
			layers, err := ReadFS(m, "x.shp")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ags []string
			var polys []int
			for _, f := range layers[0].Features {
				ags = append(ags, f.Props["AGS"])
				polys = append(polys, len(f.Geom))
			}
			if !slices.Equal(ags, tt.wantAGS) || !slices.Equal(polys, tt.wantPolys) {
				t.Errorf("AGS %v polygons %v, want %v %v", ags, polys, tt.wantAGS, tt.wantPolys)
			}
			checkRings(t, tt.name, layers[0].Features)
		})
	}
}

func TestReadUnsupported(t *testing.T) {
	_, err := ReadFS(fstest.MapFS{"a.kml": {Data: []byte("<kml/>")}}, "a.kml")
	if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), "a.kml") {
		t.Errorf("error %v", err)
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing.shp")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFS(os.DirFS("."), "../x.shp"); err == nil {
		t.Error("invalid fs path accepted")
	}
}
