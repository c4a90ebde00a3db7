// Command extract copies selected records of a real polygon shapefile,
// byte for byte, into a new small shapefile set (.shp .shx .dbf, plus the
// .prj and .cpg copied unchanged). It makes the test extracts under
// testdata/boundaries from BKG's files without altering any geometry or
// attribute:
//
//	go run ./geo/boundaryfile/internal/extract \
//	    -src /work/shared/data/boundaries/gemeinden_vg5000.shp \
//	    -dst testdata/boundaries/gemeinden_vg5000_extract \
//	    -field AGS -keep '09162*,09184*,09677452,16071004,16076039'
//
// Each kept shape record gets a new record header (record number 1..n, the
// content length unchanged) followed by its original content bytes; the
// .shp/.shx headers are copied with the file length and bounding box
// recomputed; the .dbf header and field descriptors are copied with the
// record count set to n, followed by the kept records' original bytes and
// the 0x1A end marker.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/standortatlas/standortatlas/geo/boundaryfile"
)

func main() {
	src := flag.String("src", "", "source .shp (siblings .dbf .prj .cpg are used)")
	dst := flag.String("dst", "", "destination path without extension")
	field := flag.String("field", "AGS", "dBASE field to select on")
	keep := flag.String("keep", "", "comma-separated values to keep; a trailing * matches a prefix")
	flag.Parse()
	if *src == "" || *dst == "" || *keep == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*src, *dst, *field, strings.Split(*keep, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
}

func run(src, dst, field string, keep []string) error {
	stem := strings.TrimSuffix(src, ".shp")
	shp, err := os.ReadFile(stem + ".shp")
	if err != nil {
		return err
	}
	dbf, err := os.ReadFile(stem + ".dbf")
	if err != nil {
		return err
	}
	records, err := shapeRecords(shp)
	if err != nil {
		return fmt.Errorf("%s.shp: %w", stem, err)
	}
	table, err := parseDBF(dbf)
	if err != nil {
		return fmt.Errorf("%s.dbf: %w", stem, err)
	}
	if table.n != len(records) {
		return fmt.Errorf("%d shapes but %d dBASE records", len(records), table.n)
	}
	off, length, err := table.field(field)
	if err != nil {
		return err
	}
	var kept []int
	for i := range table.n {
		rec := table.record(i)
		if rec[0] == '*' {
			continue
		}
		if matches(strings.TrimSpace(string(rec[off:off+length])), keep) {
			kept = append(kept, i)
		}
	}
	if len(kept) == 0 {
		return errors.New("no record matches")
	}

	// .shp and .shx
	outShp := append([]byte(nil), shp[:100]...)
	outShx := append([]byte(nil), shp[:100]...)
	bbox := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for n, i := range kept {
		content := records[i]
		outShx = binary.BigEndian.AppendUint32(outShx, uint32(len(outShp)/2))
		outShx = binary.BigEndian.AppendUint32(outShx, uint32(len(content)/2))
		outShp = binary.BigEndian.AppendUint32(outShp, uint32(n+1))
		outShp = binary.BigEndian.AppendUint32(outShp, uint32(len(content)/2))
		outShp = append(outShp, content...)
		if len(content) >= 36 && binary.LittleEndian.Uint32(content) != 0 {
			for k := range 4 {
				v := math.Float64frombits(binary.LittleEndian.Uint64(content[4+8*k:]))
				if k < 2 {
					bbox[k] = math.Min(bbox[k], v)
				} else {
					bbox[k] = math.Max(bbox[k], v)
				}
			}
		}
	}
	for _, out := range [][]byte{outShp, outShx} {
		binary.BigEndian.PutUint32(out[24:28], uint32(len(out)/2))
		for k := range 4 {
			binary.LittleEndian.PutUint64(out[36+8*k:], math.Float64bits(bbox[k]))
		}
	}

	// .dbf
	outDbf := append([]byte(nil), dbf[:table.headerLen]...)
	binary.LittleEndian.PutUint32(outDbf[4:8], uint32(len(kept)))
	for _, i := range kept {
		outDbf = append(outDbf, table.record(i)...)
	}
	outDbf = append(outDbf, 0x1A)

	files := map[string][]byte{".shp": outShp, ".shx": outShx, ".dbf": outDbf}
	for _, ext := range []string{".prj", ".cpg"} {
		b, err := os.ReadFile(stem + ext)
		if err != nil {
			return err
		}
		files[ext] = b
	}
	for ext, b := range files {
		if err := os.WriteFile(dst+ext, b, 0o644); err != nil {
			return err
		}
	}

	// Read the result back as a check.
	layers, err := boundaryfile.Read(dst + ".shp")
	if err != nil {
		return fmt.Errorf("reading the extract back: %w", err)
	}
	fmt.Printf("%s.shp: %d of %d records, %d bytes; read back: %d features\n",
		dst, len(kept), table.n, len(outShp), len(layers[0].Features))
	return nil
}

func matches(v string, keep []string) bool {
	for _, k := range keep {
		k = strings.TrimSpace(k)
		if p, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(v, p) || v == k {
			return true
		}
	}
	return false
}

// shapeRecords returns the content bytes of every record of a .shp.
func shapeRecords(b []byte) ([][]byte, error) {
	if len(b) < 100 || binary.BigEndian.Uint32(b) != 9994 {
		return nil, errors.New("not a shapefile")
	}
	end := int(binary.BigEndian.Uint32(b[24:28])) * 2
	if end > len(b) {
		return nil, errors.New("truncated")
	}
	var recs [][]byte
	for off := 100; off < end; {
		if off+8 > end {
			return nil, errors.New("truncated record header")
		}
		n := int(binary.BigEndian.Uint32(b[off+4:])) * 2
		if off+8+n > end {
			return nil, errors.New("truncated record")
		}
		recs = append(recs, b[off+8:off+8+n])
		off += 8 + n
	}
	return recs, nil
}

type dbfTable struct {
	b                          []byte
	n, headerLen, recordLen    int
	fieldNames                 []string
	fieldOffsets, fieldLengths []int
}

func parseDBF(b []byte) (*dbfTable, error) {
	if len(b) < 32 {
		return nil, errors.New("truncated header")
	}
	t := &dbfTable{
		b:         b,
		n:         int(binary.LittleEndian.Uint32(b[4:8])),
		headerLen: int(binary.LittleEndian.Uint16(b[8:10])),
		recordLen: int(binary.LittleEndian.Uint16(b[10:12])),
	}
	if t.headerLen > len(b) || t.headerLen+t.n*t.recordLen > len(b) {
		return nil, errors.New("truncated")
	}
	off := 1
	for p := 32; p+32 <= t.headerLen && b[p] != 0x0D; p += 32 {
		name := strings.TrimRight(string(b[p:p+11]), "\x00 ")
		t.fieldNames = append(t.fieldNames, name)
		t.fieldOffsets = append(t.fieldOffsets, off)
		t.fieldLengths = append(t.fieldLengths, int(b[p+16]))
		off += int(b[p+16])
	}
	return t, nil
}

func (t *dbfTable) field(name string) (offset, length int, err error) {
	for i, n := range t.fieldNames {
		if strings.EqualFold(n, name) {
			return t.fieldOffsets[i], t.fieldLengths[i], nil
		}
	}
	return 0, 0, fmt.Errorf("no field %s", name)
}

func (t *dbfTable) record(i int) []byte {
	start := t.headerLen + i*t.recordLen
	return t.b[start : start+t.recordLen]
}
