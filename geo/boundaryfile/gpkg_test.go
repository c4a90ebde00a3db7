package boundaryfile

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// gpkgBlob wraps WKB in a GeoPackage binary header with an xy envelope.
func gpkgBlob(t testing.TB, srsID int32, g orb.Geometry) []byte {
	t.Helper()
	w, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		t.Fatal(err)
	}
	b := []byte{'G', 'P', 0, 0x03} // version 0, little endian, envelope [minx, maxx, miny, maxy]
	b = binary.LittleEndian.AppendUint32(b, uint32(srsID))
	bound := g.Bound()
	for _, v := range []float64{bound.Min[0], bound.Max[0], bound.Min[1], bound.Max[1]} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return append(b, w...)
}

const gpkgSchema = `
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
	organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
	definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
	identifier TEXT UNIQUE, description TEXT DEFAULT '',
	last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
	min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
	geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
	CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
INSERT INTO gpkg_spatial_ref_sys VALUES
	('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
	('WGS 84', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84"]', NULL),
	('ETRS89 / UTM zone 32N', 25832, 'EPSG', 25832, 'PROJCS["ETRS89 / UTM zone 32N"]', NULL);
CREATE TABLE "Länder 25832" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON,
	AGS TEXT(8), GEN TEXT, area REAL, gf INTEGER, wsk DATE, flag BOOLEAN);
INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('Länder 25832', 'features', 'Länder', 25832);
INSERT INTO gpkg_geometry_columns VALUES ('Länder 25832', 'geom', 'MULTIPOLYGON', 25832, 0, 0);
CREATE TABLE other (id INTEGER PRIMARY KEY, shape POLYGON, name TEXT);
INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('other', 'features', 'other', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('other', 'shape', 'POLYGON', 4326, 1, 0);
CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);
INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('notes', 'attributes', 'notes');
`

// isoPolygonZBigEndian encodes a polygon as ISO WKB type 1003 (PolygonZ),
// big-endian, with z = 100.
func isoPolygonZBigEndian(p orb.Polygon) []byte {
	b := []byte{0}
	b = binary.BigEndian.AppendUint32(b, 1003)
	b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
	for _, r := range p {
		b = binary.BigEndian.AppendUint32(b, uint32(len(r)))
		for _, pt := range r {
			for _, v := range []float64{pt[0], pt[1], 100} {
				b = binary.BigEndian.AppendUint64(b, math.Float64bits(v))
			}
		}
	}
	return b
}

// buildTestGPKG writes a GeoPackage with two real Länder polygons (Bayern,
// Hessen) from the test shapefile, in EPSG:25832 source coordinates, plus
// null and empty geometries and a second table with a big-endian header and
// PolygonZ WKB. It returns the file and the Länder as Read returns them from
// the shapefile.
func buildTestGPKG(t *testing.T) (string, []Feature) {
	t.Helper()
	shpLayer := readOneLayer(t, filepath.Join(testdataDir, "laender_vg1000.shp"))
	shp, err := parseSHP(readTestdata(t, "laender_vg1000.shp"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "test.gpkg")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(gpkgSchema); err != nil {
		t.Fatal(err)
	}
	var want []Feature
	for i, f := range shpLayer.Features {
		if f.Props["GF"] != "4" || (f.Props["AGS"] != "09" && f.Props["AGS"] != "06") {
			continue
		}
		src, err := assembleESRI(shp.records[i].rings)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(`INSERT INTO "Länder 25832" (geom, AGS, GEN, area, gf, wsk, flag) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			gpkgBlob(t, 25832, src), f.Props["AGS"], f.Props["GEN"], 1234.5, 4, "2024-10-12", 1)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, f)
	}
	emptyBlob := append([]byte{'G', 'P', 0, 0x11}, 0xE8, 0x64, 0, 0) // little endian, empty, srs 25832
	emptyBlob = append(emptyBlob, wkb.MustMarshal(orb.MultiPolygon{}, binary.LittleEndian)...)
	if _, err := db.Exec(`INSERT INTO "Länder 25832" (geom, AGS, GEN) VALUES (NULL, '99', 'null'), (?, '98', 'empty')`, emptyBlob); err != nil {
		t.Fatal(err)
	}
	hdr := []byte{'G', 'P', 0, 0x00, 0, 0, 0x10, 0xE6}                      // big endian, no envelope, srs 4326
	poly := orb.Polygon{{{10, 50}, {11, 50}, {11, 51}, {10, 51}, {10, 50}}} // CCW
	if _, err := db.Exec(`INSERT INTO other (shape, name) VALUES (?, 'z')`, append(hdr, isoPolygonZBigEndian(poly)...)); err != nil {
		t.Fatal(err)
	}
	return path, want
}

func TestGPKG(t *testing.T) {
	path, want := buildTestGPKG(t)
	if len(want) != 2 {
		t.Fatalf("found %d Länder in the shapefile", len(want))
	}
	layers, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 2 || layers[0].Name != "Länder 25832" || layers[1].Name != "other" {
		t.Fatalf("layers %v", layerNames(layers))
	}
	l := layers[0]
	if l.SRID != 25832 || len(l.Features) != 4 {
		t.Fatalf("SRID %d with %d features", l.SRID, len(l.Features))
	}
	for i, w := range want {
		f := l.Features[i]
		wantProps := map[string]string{"AGS": w.Props["AGS"], "GEN": w.Props["GEN"], "area": "1234.5", "gf": "4", "wsk": "2024-10-12", "flag": "true"}
		if !maps.Equal(f.Props, wantProps) {
			t.Errorf("feature %d props %v, want %v", i, f.Props, wantProps)
		}
		if !orb.Equal(f.Geom, w.Geom) {
			t.Errorf("feature %d (%s): geometry differs from the shapefile's", i, w.Props["GEN"])
		}
	}
	for i, ags := range []string{"99", "98"} {
		f := l.Features[2+i]
		if f.Props["AGS"] != ags || f.Geom != nil || f.Props["area"] != "" {
			t.Errorf("feature %d: %v with %d polygons", 2+i, f.Props, len(f.Geom))
		}
	}
	checkRings(t, "gpkg", l.Features)
	o := layers[1]
	if o.SRID != 4326 || len(o.Features) != 1 || o.Features[0].Props["name"] != "z" {
		t.Fatalf("other: %+v", o)
	}
	if got := o.Features[0].Geom; len(got) != 1 || got[0][0][2] != (orb.Point{11, 51}) {
		t.Errorf("other: geometry %v", got)
	}

	// The same file through an fs.FS (copied to a temporary file).
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fsLayers, err := ReadFS(fstest.MapFS{"sub/t.gpkg": {Data: b}}, "sub/t.gpkg")
	if err != nil || len(fsLayers) != 2 || !orb.Equal(fsLayers[0].Features[0].Geom, l.Features[0].Geom) {
		t.Errorf("ReadFS: %v", err)
	}
}

func layerNames(ls []Layer) []string {
	var n []string
	for _, l := range ls {
		n = append(n, l.Name)
	}
	return n
}

// TestGPKGFromGDAL reads a GeoPackage written by GDAL's ogr2ogr from the
// Gemeinden extract; it must give the same features as the shapefile.
func TestGPKGFromGDAL(t *testing.T) {
	layers, err := Read(filepath.Join(testdataDir, "gemeinden_vg5000_extract.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("%d layers", len(layers))
	}
	g := layers[0]
	s := readOneLayer(t, filepath.Join(testdataDir, "gemeinden_vg5000_extract.shp"))
	if g.Name != "gemeinden_vg5000_extract" || g.SRID != 31467 || len(g.Features) != len(s.Features) {
		t.Fatalf("layer %q SRID %d with %d features", g.Name, g.SRID, len(g.Features))
	}
	for i, f := range g.Features {
		sf := s.Features[i]
		if !maps.Equal(f.Props, sf.Props) {
			t.Errorf("feature %d: props %v, shapefile %v", i, f.Props, sf.Props)
		}
		if !orb.Equal(f.Geom, sf.Geom) {
			t.Errorf("feature %d (%s): geometry differs from the shapefile's", i, sf.Props["GEN"])
		}
	}
}

func TestGPKGErrors(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.gpkg")
	db, err := sql.Open("sqlite", plain)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Read(plain); err == nil || !strings.Contains(err.Error(), "plain.gpkg: not a GeoPackage") {
		t.Errorf("plain SQLite: %v", err)
	}

	path, _ := buildTestGPKG(t)
	db, err = sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE "Länder 25832" SET geom = X'47500003E8640000' WHERE fid = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Read(path)
	if err == nil || !strings.Contains(err.Error(), "test.gpkg: table Länder 25832: row 2 (fid 2): column geom: geometry header of 40 bytes") {
		t.Errorf("bad geometry: %v", err)
	}

	db, _ = sql.Open("sqlite", path)
	if _, err := db.Exec(`UPDATE gpkg_geometry_columns SET srs_id = -1 WHERE table_name = 'other'`); err != nil {
		t.Fatal(err)
	}
	db.Exec(`UPDATE "Länder 25832" SET geom = NULL WHERE fid = 2`)
	db.Close()
	_, err = Read(path)
	if err == nil || !strings.Contains(err.Error(), "table other: srs_id -1 (NONE -1) is not an EPSG CRS") {
		t.Errorf("undefined srs: %v", err)
	}
	// The override applies to every table; keep only "other".
	db, _ = sql.Open("sqlite", path)
	db.Exec(`DELETE FROM gpkg_contents WHERE table_name <> 'other'`)
	db.Close()
	if ls, err := (Options{SRIDOverride: 4326}).Read(path); err != nil || len(ls) != 1 || ls[0].SRID != 4326 {
		t.Errorf("undefined srs with override: %v", err)
	}
	if _, err := Read(filepath.Join(dir, "missing.gpkg")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestGPKGHeader(t *testing.T) {
	le := func(flags byte, env int) []byte {
		b := []byte{'G', 'P', 0, flags, 0xE8, 0x64, 0, 0}
		return append(b, make([]byte, 8*env)...)
	}
	tests := []struct {
		name    string
		blob    []byte
		size    int
		srs     int32
		empty   bool
		wantErr string
	}{
		{"no envelope", le(0x01, 0), 8, 25832, false, ""},
		{"xy envelope", le(0x03, 4), 40, 25832, false, ""},
		{"xyz envelope", le(0x05, 6), 56, 25832, false, ""},
		{"xym envelope", le(0x07, 6), 56, 25832, false, ""},
		{"xyzm envelope", le(0x09, 8), 72, 25832, false, ""},
		{"empty", le(0x11, 0), 8, 25832, true, ""},
		{"big endian", []byte{'G', 'P', 0, 0x00, 0, 0, 0x10, 0xE6}, 8, 4326, false, ""},
		{"bad envelope indicator", le(0x0B, 8), 0, 0, false, "invalid envelope indicator 5"},
		{"envelope cut off", le(0x09, 7), 0, 0, false, "geometry header of 72 bytes"},
		{"bad magic", []byte("XP\x00\x01\x00\x00\x00\x00"), 0, 0, false, `does not start with "GP"`},
		{"version 1", []byte("GP\x01\x01\x00\x00\x00\x00"), 0, 0, false, "GeoPackage binary version 1"},
		{"short", []byte("GP\x00"), 0, 0, false, "geometry blob of 3 bytes"},
	}
	for _, tt := range tests {
		h, err := parseGPKGHeader(tt.blob)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || h.size != tt.size || h.srsID != tt.srs || h.empty != tt.empty {
			t.Errorf("%s: %+v, %v", tt.name, h, err)
		}
	}
}

func TestWKBTo2D(t *testing.T) {
	poly := orb.Polygon{{{1, 2}, {3, 2}, {3, 4}, {1, 2}}}
	ewkbZ := []byte{1}
	ewkbZ = binary.LittleEndian.AppendUint32(ewkbZ, 0x80000000|0x20000000|6) // EWKB MultiPolygonZ with SRID
	ewkbZ = binary.LittleEndian.AppendUint32(ewkbZ, 4326)
	ewkbZ = binary.LittleEndian.AppendUint32(ewkbZ, 1)
	ewkbZ = append(ewkbZ, isoPolygonZBigEndian(poly)...)
	tests := []struct {
		name    string
		in      []byte
		want    orb.Geometry
		wantErr string
	}{
		{"2D", wkb.MustMarshal(poly, binary.BigEndian), poly, ""},
		{"ISO Z", isoPolygonZBigEndian(poly), poly, ""},
		{"EWKB Z with SRID", ewkbZ, orb.MultiPolygon{poly}, ""},
		{"trailing bytes", append(wkb.MustMarshal(poly), 0), nil, "trailing bytes"},
		{"huge count", []byte{1, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f}, nil, "count 2147483647 exceeds the data"},
		{"bad type", []byte{1, 99, 0, 0, 0}, nil, "wkb geometry type 99"},
		{"bad byte order", []byte{7, 3, 0, 0, 0}, nil, "byte order marker 7"},
		{"cut", wkb.MustMarshal(poly)[:30], nil, "unexpected EOF"},
	}
	for _, tt := range tests {
		out, err := wkbTo2D(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
			if tt.name == "cut" && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%s: %v is not io.ErrUnexpectedEOF", tt.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		g, err := wkb.Unmarshal(out)
		if err != nil || !orb.Equal(g, tt.want) {
			t.Errorf("%s: got %v, %v; want %v", tt.name, g, err, tt.want)
		}
	}
}
