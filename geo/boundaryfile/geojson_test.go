package boundaryfile

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

func TestGeoJSON(t *testing.T) {
	// A clockwise, unclosed outer ring and a counter-clockwise hole: the
	// reader closes and re-orients them.
	const poly = `{"type":"Polygon","coordinates":[[[9,50],[9,51],[10,51],[10,50]],[[9.2,50.2],[9.8,50.2],[9.8,50.8],[9.2,50.8],[9.2,50.2]]]}`
	const multi = `{"type":"MultiPolygon","coordinates":[[[[11,48],[12,48],[12,49],[11,48]]],[[[13,48],[14,48],[14,49],[13,48]]]]}`
	tests := []struct {
		name      string
		doc       string
		wantProps []map[string]string
		wantPolys []int
		wantErr   string
		is        error
	}{
		{
			name: "feature collection",
			doc: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[
				{"type":"Feature","properties":{"AGS":"01001","EWZ":1001,"KFL":56.73,"big":12345678901234567890,"exp":1e3,"ok":true,"none":null,"GEN":" Flensburg ","arr":[1, 2]},"geometry":` + poly + `},
				{"type":"Feature","properties":{"AGS":"09"},"geometry":` + multi + `},
				{"type":"Feature","properties":null,"geometry":null}]}`,
			wantProps: []map[string]string{
				{"AGS": "01001", "EWZ": "1001", "KFL": "56.73", "big": "12345678901234567890", "exp": "1000", "ok": "true", "none": "", "GEN": "Flensburg", "arr": "[1,2]"},
				{"AGS": "09"},
				{},
			},
			wantPolys: []int{1, 2, 0},
		},
		{
			name:      "single feature, EPSG:4326 crs",
			doc:       `{"type":"Feature","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"properties":{"a":"b"},"geometry":` + poly + `}`,
			wantProps: []map[string]string{{"a": "b"}},
			wantPolys: []int{1},
		},
		{
			name:      "geometry collection of polygons",
			doc:       `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[` + poly + `,` + multi + `]}}]}`,
			wantProps: []map[string]string{{}},
			wantPolys: []int{3},
		},
		{
			name:    "projected crs",
			doc:     `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[]}`,
			wantErr: `x.geojson: unsupported format: crs "urn:ogc:def:crs:EPSG::25832"`,
			is:      ErrUnsupportedFormat,
		},
		{
			name:    "point",
			doc:     `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":` + poly + `},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}`,
			wantErr: "x.geojson: feature 2: unsupported format: geometry type Point is not polygonal",
			is:      ErrUnsupportedFormat,
		},
		{
			name:    "ring too short",
			doc:     `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[1,2],[3,4]]]}}]}`,
			wantErr: "x.geojson: feature 1: ring 1 with 2 points",
		},
		{
			name:    "geometry only",
			doc:     poly,
			wantErr: `x.geojson: unsupported format: GeoJSON type "Polygon"`,
		},
		{
			name:    "not JSON",
			doc:     `{"type":`,
			wantErr: "x.geojson: not GeoJSON",
		},
		{
			name:    "bad coordinates",
			doc:     `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":"x"}}]}`,
			wantErr: "x.geojson: feature collection",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			layers, err := ReadFS(fstest.MapFS{"x.geojson": {Data: []byte(tt.doc)}}, "x.geojson")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("error %q is not %v", err, tt.is)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			l := layers[0]
			if l.Name != "x" || l.SRID != 4326 || len(l.Features) != len(tt.wantProps) {
				t.Fatalf("layer %q SRID %d with %d features", l.Name, l.SRID, len(l.Features))
			}
			for i, f := range l.Features {
				if !maps.Equal(f.Props, tt.wantProps[i]) {
					t.Errorf("feature %d props %v, want %v", i, f.Props, tt.wantProps[i])
				}
				if len(f.Geom) != tt.wantPolys[i] {
					t.Errorf("feature %d: %d polygons, want %d", i, len(f.Geom), tt.wantPolys[i])
				}
			}
			checkRings(t, tt.name, l.Features)
		})
	}
}

func TestGeoJSONOverride(t *testing.T) {
	doc := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[
		{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[691000,5334000],[692000,5334000],[692000,5335000],[691000,5334000]]]}}]}`
	layers, err := Options{SRIDOverride: 25832}.ReadFS(fstest.MapFS{"m.json": {Data: []byte(doc)}}, "m.json")
	if err != nil {
		t.Fatal(err)
	}
	p := layers[0].Features[0].Geom[0][0][0]
	// EPSG:25832 691000 5334000 is lon 11.567053, lat 48.130570 (cs2cs).
	if layers[0].SRID != 25832 || geo.Distance(p, orb.Point{11.567053, 48.130570}) > 1 {
		t.Errorf("SRID %d, first point %v", layers[0].SRID, p)
	}
}
