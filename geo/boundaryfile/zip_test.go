package boundaryfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// zipEntry is one file of a test archive; raw entries are written with the
// given header unchanged (for forged sizes).
type zipEntry struct {
	name string
	data []byte
	raw  *zip.FileHeader
}

func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		var err error
		if e.raw != nil {
			fw, err := w.CreateRaw(e.raw)
			if err == nil {
				_, err = fw.Write(e.data)
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		fw, err := w.Create(e.name)
		if err == nil {
			_, err = fw.Write(e.data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func shapefileEntries(t testing.TB, stem, dir string) []zipEntry {
	var es []zipEntry
	for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
		es = append(es, zipEntry{name: dir + stem + ext, data: readTestdata(t, stem+ext)})
	}
	return es
}

const smallGeoJSON = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"AGS":"01"},
	"geometry":{"type":"Polygon","coordinates":[[[9,54],[10,54],[10,55],[9,54]]]}}]}`

func TestZip(t *testing.T) {
	inner := buildZip(t, append(shapefileEntries(t, "gemeinden_vg5000_extract", "ebenen/"),
		zipEntry{name: "ebenen/gemeinden_vg5000_extract.gpkg", data: readTestdata(t, "gemeinden_vg5000_extract.gpkg")})...)
	outer := buildZip(t, append(shapefileEntries(t, "laender_vg1000", "vg1000/"),
		zipEntry{name: "vg1000/metadata.json", data: []byte(`{"type":"Dataset","name":"VG1000"}`)},
		zipEntry{name: "vg1000/README.txt", data: []byte("BKG")},
		zipEntry{name: "__MACOSX/vg1000/._laender_vg1000.shp", data: []byte("junk")},
		zipEntry{name: "vg1000/._laender_vg1000.shp", data: []byte("junk")},
		zipEntry{name: "a.geojson", data: []byte(smallGeoJSON)},
		zipEntry{name: "inner.zip", data: inner},
	)...)
	path := filepath.Join(t.TempDir(), "bkg.zip")
	if err := os.WriteFile(path, outer, 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, layers []Layer, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"a", "gemeinden_vg5000_extract", "gemeinden_vg5000_extract", "laender_vg1000"}
		wantN := []int{1, 36, 36, 33}
		wantSRID := []int{4326, 31467, 31467, 25832}
		var names []string
		var n, srid []int
		for _, l := range layers {
			names = append(names, l.Name)
			n = append(n, len(l.Features))
			srid = append(srid, l.SRID)
		}
		if !slices.Equal(names, want) || !slices.Equal(n, wantN) || !slices.Equal(srid, wantSRID) {
			t.Errorf("layers %v %v %v, want %v %v %v", names, n, srid, want, wantN, wantSRID)
		}
		for _, l := range layers {
			checkRings(t, l.Name, l.Features)
		}
	}
	t.Run("Read", func(t *testing.T) {
		layers, err := Read(path)
		check(t, layers, err)
	})
	t.Run("ReadFS", func(t *testing.T) {
		layers, err := ReadFS(fstest.MapFS{"dl/bkg.zip": {Data: outer}}, "dl/bkg.zip")
		check(t, layers, err)
	})
}

func TestZipErrors(t *testing.T) {
	zeros := make([]byte, 2<<20) // deflates about 1000:1
	nested := buildZip(t, zipEntry{name: "a.geojson", data: []byte(smallGeoJSON)})
	for range maxZipDepth {
		nested = buildZip(t, zipEntry{name: "n.zip", data: nested})
	}
	shpSet := shapefileEntries(t, "gemeinden_vg5000_extract", "")
	tests := []struct {
		name    string
		data    []byte
		is      error
		wantErr string
	}{
		{
			name:    "compression ratio",
			data:    buildZip(t, zipEntry{name: "dir/bomb.geojson", data: zeros}),
			is:      ErrTooLarge,
			wantErr: "x.zip: dir/bomb.geojson",
		},
		{
			name: "declared size over 1 GiB",
			data: buildZip(t, zipEntry{
				raw:  &zip.FileHeader{Name: "big.geojson", Method: zip.Store, CompressedSize64: 3 << 30, UncompressedSize64: 3 << 30},
				data: []byte("{}"),
			}),
			is:      ErrTooLarge,
			wantErr: "3221225472 bytes uncompressed",
		},
		{
			name:    "lying size",
			data:    buildZip(t, zipEntry{raw: &zip.FileHeader{Name: "a.geojson", Method: zip.Store, CompressedSize64: 10, UncompressedSize64: 10}, data: []byte(smallGeoJSON)}),
			wantErr: "x.zip: a.geojson",
		},
		{
			name:    "corrupt deflate data",
			data:    buildZip(t, zipEntry{raw: &zip.FileHeader{Name: "a.geojson", Method: zip.Deflate, CompressedSize64: 10, UncompressedSize64: 10}, data: []byte(smallGeoJSON)}),
			wantErr: "x.zip: a.geojson: flate: corrupt input",
		},
		{
			name:    "nested too deep",
			data:    nested,
			is:      ErrTooLarge,
			wantErr: "nested more than 4 deep",
		},
		{
			name:    "no layers",
			data:    buildZip(t, zipEntry{name: "readme.txt", data: []byte("x")}, zipEntry{name: "m.json", data: []byte("[1]")}),
			wantErr: "x.zip: no .shp, .gpkg or GeoJSON file in the zip",
		},
		{
			name:    "truncated",
			data:    buildZip(t, zipEntry{name: "a.geojson", data: []byte(smallGeoJSON)})[:40],
			wantErr: "x.zip: zip: not a valid zip file",
		},
		{
			name:    "shapefile without prj inside",
			data:    buildZip(t, shpSet[0], shpSet[2]),
			is:      ErrMissingFile,
			wantErr: "x.zip: gemeinden_vg5000_extract.shp: missing file",
		},
		{
			name:    "bad GeoJSON inside",
			data:    buildZip(t, zipEntry{name: "d/bad.geojson", data: []byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3035"}}}`)}),
			is:      ErrUnsupportedFormat,
			wantErr: "x.zip: d/bad.geojson: unsupported format",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFS(fstest.MapFS{"x.zip": {Data: tt.data}}, "x.zip")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
		})
	}
}
