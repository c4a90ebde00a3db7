package boundaryfile

import (
	"database/sql"
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// Run the fuzz targets with a bounded minimisation, for example
//
//	go test -run '^$' -fuzz '^FuzzReadDBF$' -fuzztime 30s -fuzzminimizetime 10x ./geo/boundaryfile
//
// With the default (60s per new input) the fuzzer spends nearly all its time
// minimising inputs of a few kilobytes. The seeds are small for the same
// reason: real records cut out of the test files.

// firstRecordsSHP cuts a real .shp down to its header and first n records.
func firstRecordsSHP(shp []byte, n int) []byte {
	end := shpHeaderLen
	for range n {
		end += int(binary.BigEndian.Uint32(shp[end+4:end+8]))*2 + 8
	}
	b := append([]byte(nil), shp[:end]...)
	binary.BigEndian.PutUint32(b[24:], uint32(len(b)/2))
	return b
}

// firstRecordsDBF cuts a real .dbf down to its header and first n records.
func firstRecordsDBF(dbf []byte, n int) []byte {
	headerLen := int(binary.LittleEndian.Uint16(dbf[8:10]))
	recordLen := int(binary.LittleEndian.Uint16(dbf[10:12]))
	b := append([]byte(nil), dbf[:headerLen+n*recordLen]...)
	binary.LittleEndian.PutUint32(b[4:], uint32(n))
	return append(b, 0x1A)
}

func FuzzReadSHP(f *testing.F) {
	extract := readTestdata(f, "gemeinden_vg5000_extract.shp")
	f.Add(firstRecordsSHP(extract, 1)) // München, 1 ring
	f.Add(firstRecordsSHP(extract, 3))
	f.Add(buildSHP(shpPolygonZ, polygonRecord(shpPolygonZ, square(0, 0, 10, true), square(2, 2, 2, false)), nil))
	f.Add(buildSHP(shpPolygonM, polygonRecord(shpPolygonM, square(0, 0, 10, true))))
	toWGS84, area, err := projection(31467)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		shp, err := parseSHP(b)
		if err != nil {
			return
		}
		for _, r := range shp.records {
			mp, err := assembleESRI(r.rings)
			if err != nil {
				continue
			}
			if transform(mp, toWGS84, area) == nil {
				orient(mp)
				for _, p := range mp {
					for _, r := range p {
						for _, pt := range r {
							if !area.Contains(pt[0], pt[1]) {
								t.Fatalf("point %v outside the area of use after transform", pt)
							}
						}
					}
				}
			}
		}
	})
}

func FuzzReadDBF(f *testing.F) {
	f.Add(firstRecordsDBF(readTestdata(f, "laender_vg1000.dbf"), 2))
	f.Add(firstRecordsDBF(readTestdata(f, "gemeinden_vg5000_extract.dbf"), 1))
	f.Add(buildDBF(0x57, []testField{{"AGS", 'C', 8, 0}, {"N", 'N', 4, 1}, {"D", 'D', 8, 0}, {"L", 'L', 1, 0}},
		[][]string{{"01", "1.5", "20240101", "T"}, {"*DELETED*02", "", "", "?"}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		dec, err := chooseDecoder("", "", false, b)
		if err != nil {
			return
		}
		d, err := parseDBF(b, dec)
		if err != nil {
			return
		}
		for i := range d.n {
			if !d.deleted(i) {
				if _, err := d.record(i, dec); err != nil {
					return
				}
			}
		}
	})
}

// gpkgBlobs returns the first geometry blobs of the GDAL-written test
// GeoPackage.
func gpkgBlobs(tb testing.TB, n int) [][]byte {
	db, err := sql.Open("sqlite", sqliteURI(filepath.Join(testdataDir, "gemeinden_vg5000_extract.gpkg")))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT geom FROM gemeinden_vg5000_extract ORDER BY length(geom) LIMIT ?`, n)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var blobs [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			tb.Fatal(err)
		}
		blobs = append(blobs, b)
	}
	return blobs
}

func FuzzGPKGHeader(f *testing.F) {
	for _, b := range gpkgBlobs(f, 3) {
		f.Add(b)
	}
	f.Add(append([]byte{'G', 'P', 0, 0x00, 0, 0, 0x10, 0xE6}, isoPolygonZBigEndian(orb.Polygon{square(0, 0, 1, false)})...))
	f.Add([]byte{'G', 'P', 0, 0x11, 0xE8, 0x64, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := parseGPKGHeader(b)
		if err == nil && (h.size < 8 || h.size > len(b)) {
			t.Fatalf("header size %d for a %d-byte blob", h.size, len(b))
		}
		mp, err := parseGPKGGeometry(b)
		if err != nil {
			return
		}
		for _, p := range mp {
			for _, r := range p {
				if !r.Closed() {
					t.Fatalf("ring not closed: %v", r)
				}
			}
		}
		orient(mp)
	})
}

func FuzzReadGeoJSON(f *testing.F) {
	f.Add([]byte(smallGeoJSON))
	doc := readTestdata(f, "gemeinden_vg5000_extract_gdal.geojson")
	f.Add(doc[:2000]) // cut: invalid JSON
	f.Add([]byte(`{"type":"Feature","properties":{"AGS":"09162000","EWZ":1488202},"geometry":{"type":"MultiPolygon","coordinates":[[[[11.36,48.06],[11.72,48.06],[11.72,48.25],[11.36,48.06]]]]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Options{}.parseGeoJSON(b, "f")
	})
}
