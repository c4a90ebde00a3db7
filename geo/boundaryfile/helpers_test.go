package boundaryfile

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
)

// testdataDir holds the real BKG files (see its README.md).
const testdataDir = "../../testdata/boundaries"

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shapefileFS returns an fstest.MapFS holding the shapefile set stem.* of
// testdata under the name newStem.*.
func shapefileFS(t testing.TB, stem, newStem string, exts ...string) fstest.MapFS {
	t.Helper()
	if len(exts) == 0 {
		exts = []string{".shp", ".shx", ".dbf", ".prj", ".cpg"}
	}
	m := fstest.MapFS{}
	for _, ext := range exts {
		m[newStem+ext] = &fstest.MapFile{Data: readTestdata(t, stem+ext)}
	}
	return m
}

// testField describes one dBASE field for buildDBF.
type testField struct {
	name     string
	typ      byte
	length   int
	decimals int
}

// buildDBF writes a dBASE III file. Values are raw bytes, padded with
// blanks; a record whose first value starts with "*DELETED*" is written
// with the deletion flag and the rest of that value.
func buildDBF(ldid byte, fields []testField, records [][]string) []byte {
	recLen := 1
	for _, f := range fields {
		recLen += f.length
	}
	headerLen := 32 + 32*len(fields) + 1
	var b bytes.Buffer
	h := make([]byte, 32)
	h[0] = 0x03
	h[1], h[2], h[3] = 125, 3, 11
	binary.LittleEndian.PutUint32(h[4:], uint32(len(records)))
	binary.LittleEndian.PutUint16(h[8:], uint16(headerLen))
	binary.LittleEndian.PutUint16(h[10:], uint16(recLen))
	h[29] = ldid
	b.Write(h)
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d, f.name)
		d[11] = f.typ
		d[16] = byte(f.length)
		d[17] = byte(f.decimals)
		b.Write(d)
	}
	b.WriteByte(0x0D)
	for _, rec := range records {
		flag := byte(' ')
		for i, f := range fields {
			v := rec[i]
			if i == 0 {
				if rest, ok := strings.CutPrefix(v, "*DELETED*"); ok {
					flag, v = '*', rest
				}
				b.WriteByte(flag)
			}
			cell := bytes.Repeat([]byte{' '}, f.length)
			copy(cell, v)
			b.Write(cell)
		}
	}
	b.WriteByte(0x1A)
	return b.Bytes()
}

// polygonRecord returns the content of a Polygon (5), PolygonZ (15) or
// PolygonM (25) shape record with the given rings.
func polygonRecord(shapeType int, rings ...[]orb.Point) []byte {
	var pts []orb.Point
	var parts []int32
	for _, r := range rings {
		parts = append(parts, int32(len(pts)))
		pts = append(pts, r...)
	}
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, uint32(shapeType))
	bound := orb.MultiPoint(pts).Bound()
	for _, v := range []float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(parts)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(pts)))
	for _, p := range parts {
		b = binary.LittleEndian.AppendUint32(b, uint32(p))
	}
	for _, p := range pts {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[0]))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[1]))
	}
	if shapeType == shpPolygonZ || shapeType == shpPolygonM {
		// range and one measure (Z or M) per point
		for range 2 + len(pts) {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(7))
		}
	}
	return b
}

// buildSHP writes a .shp with the given record contents (nil: null shape).
func buildSHP(shapeType int, records ...[]byte) []byte {
	b := make([]byte, shpHeaderLen)
	binary.BigEndian.PutUint32(b[0:], 9994)
	binary.LittleEndian.PutUint32(b[28:], 1000)
	binary.LittleEndian.PutUint32(b[32:], uint32(shapeType))
	for i, rec := range records {
		if rec == nil {
			rec = []byte{0, 0, 0, 0}
		}
		b = binary.BigEndian.AppendUint32(b, uint32(i+1))
		b = binary.BigEndian.AppendUint32(b, uint32(len(rec)/2))
		b = append(b, rec...)
	}
	binary.BigEndian.PutUint32(b[24:], uint32(len(b)/2))
	return b
}

// square returns a closed axis-parallel square ring, clockwise (ESRI
// outer ring) when cw is true.
func square(x0, y0, size float64, cw bool) []orb.Point {
	r := []orb.Point{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}
	if cw {
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
	}
	return r
}

// checkRings asserts the RFC 7946 ring rules on every feature.
func checkRings(t *testing.T, name string, features []Feature) {
	t.Helper()
	for i, f := range features {
		for j, p := range f.Geom {
			for k, r := range p {
				if !r.Closed() {
					t.Errorf("%s: feature %d polygon %d ring %d not closed", name, i, j, k)
				}
				want := orb.CW
				if k == 0 {
					want = orb.CCW
				}
				if o := r.Orientation(); o != want {
					t.Errorf("%s: feature %d polygon %d ring %d orientation %d, want %d", name, i, j, k, o, want)
				}
			}
		}
	}
}
