package boundaryfile

import (
	"database/sql"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/geo/crs"
)

// Issue 15, item 3: a coordinate that is not finite or lies outside the
// area of use of the file's CRS is refused by every reader, naming the
// feature and the point (before, a WGS84 GeoJSON with 1e308 was read and
// later encoded as +Inf).
func TestCoordinatesOutsideTheAreaOfUse(t *testing.T) {
	geojson := func(coords string) fstest.MapFS {
		return fstest.MapFS{"x.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{"AGS":"09"},"geometry":{"type":"Polygon","coordinates":[[[11,48],[12,48],[12,49],[11,48]]]}},
			{"type":"Feature","properties":{"AGS":"08"},"geometry":{"type":"Polygon","coordinates":[[` + coords + `,[9,48],[9,49],[8,48]]]}}]}`)}}
	}
	for coords, want := range map[string]string{
		"[1e308,48]":  "feature 2: ring 1: point 1 (1e+308, 48) lies outside the area of use",
		"[8,-91]":     "feature 2: ring 1: point 1 (8, -91) lies outside the area of use",
		"[-180.5,48]": "lies outside the area of use",
	} {
		_, err := ReadFS(geojson(coords), "x.geojson")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("GeoJSON %s: %v, want %q", coords, err, want)
		}
	}
	// A GeoJSON read as EPSG:25832 (override) with an easting of 1e308.
	if _, err := (Options{SRIDOverride: 25832}).ReadFS(geojson("[1e308,5334000]"), "x.geojson"); err == nil || !strings.Contains(err.Error(), "point 1") {
		t.Errorf("25832 easting 1e308: %v", err)
	}

	// The real VG5000 extract's .prj (EPSG:25832) with a record far outside Europe.
	m := shapefileFS(t, "gemeinden_vg5000_extract", "x", ".prj")
	m["x.shp"] = &fstest.MapFile{Data: buildSHP(shpPolygon, polygonRecord(shpPolygon, []orb.Point{{691000, 5334000}, {691000, 5335000}, {1e308, 5335000}, {691000, 5334000}}), polygonRecord(shpPolygon, square(-4e7, 5334000, 1000, true)))}
	m["x.dbf"] = &fstest.MapFile{Data: buildDBF(0x57, []testField{{"AGS", 'C', 8, 0}}, [][]string{{"09162000"}, {"09184000"}})}
	if _, err := ReadFS(m, "x.shp"); err == nil || !strings.Contains(err.Error(), "record 1") || !strings.Contains(err.Error(), "point 1") {
		t.Errorf("shapefile with 1e308: %v", err)
	}

	// A GeoPackage row in EPSG:25832 with an easting of 1e308.
	path, _ := buildTestGPKG(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	bad := orb.MultiPolygon{{{{1e308, 5334000}, {692000, 5334000}, {692000, 5335000}, {1e308, 5334000}}}}
	if _, err := db.Exec(`UPDATE "Länder 25832" SET geom = ? WHERE fid = 1`, gpkgBlob(t, 25832, bad)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "area of use") {
		t.Errorf("GeoPackage with 1e308: %v", err)
	}
}

// Every supported CRS has an area of use, and Germany (a real point, the
// Frauenkirche in München, converted by ToWGS84 from itself in WGS84) lies
// in each.
func TestEveryCRSHasAnAreaOfUse(t *testing.T) {
	for _, srid := range crs.SupportedSRIDs() {
		a, err := crs.AreaOfUse(srid)
		if err != nil {
			t.Errorf("EPSG:%d: %v", srid, err)
			continue
		}
		if !a.Contains(11.5736, 48.1386) || a.Contains(11.5736, 1e308) {
			t.Errorf("EPSG:%d area %+v", srid, a)
		}
	}
	if _, err := crs.AreaOfUse(2154); err == nil {
		t.Error("area of an unsupported CRS")
	}
}
