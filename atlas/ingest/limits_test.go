package ingest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// Issue 15, item 5: bad uploads cost bounded work. A header of a million
// columns (10 MB on one line) is refused by every reader with a short
// message naming the line (it was 655 MB and 98 s for the canonical form);
// a line under the length cap but with 300,000 columns likewise.
func TestWideHeaderIsRefusedShort(t *testing.T) {
	for format, sep := range map[string]string{FormatCanonical: ",", FormatGENESIS: ";", FormatINKAR: ";", FormatFFCSV: ";", FormatKS: ","} {
		long := "key,indicator,period,value,flag" + strings.Repeat(sep+"c", 5<<20) + "\n09,x,2019,1,\n"
		wide := "key" + strings.Repeat(sep+"c", 300000) + "\n09,x,2019,1,\n"
		for data, want := range map[string]string{long: "line 1 is 10240 KiB long", wide: "line 1 has 300001 columns"} {
			_, err := readTableWith("wide.csv", []byte(data), TableSpec{ID: "tbl", File: "wide.csv", Format: format}, nil, formatInputs{})
			if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), want) || len(err.Error()) > 300 {
				t.Errorf("%s: %.300v (%d bytes), want %q", format, err, len(fmt.Sprint(err)), want)
			}
		}
	}
}

// A file with a thousand bad rows reports the first MaxProblems and the
// count of all (the real canonical excerpt with its values replaced).
func TestProblemsCappedWithCount(t *testing.T) {
	real, err := os.ReadFile(filepath.Join("..", "..", "testdata", "indicators", "canonical_unemployment_2019_excerpt.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(real), "\n")
	var b strings.Builder
	b.WriteString(lines[0] + lines[1])
	for i := 0; i < 1000; i++ {
		b.WriteString("09162,unemployment_rate," + fmt.Sprint(1000+i) + ",drei komma fünf,\n")
	}
	known := map[string]atlas.Indicator{"unemployment_rate": {ID: "unemployment_rate", Title: "Arbeitslosenquote", Unit: "%", Levels: []atlas.Level{atlas.LevelKreis}}}
	_, err = readTableWith("bad.csv", []byte(b.String()), TableSpec{ID: "tbl", File: "bad.csv", Format: FormatCanonical}, known, formatInputs{})
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("1000 bad rows: %v", err)
	}
	if len(ve.ProblemReport()) != MaxProblems || ve.Count() < 1000 || !strings.Contains(err.Error(), fmt.Sprintf("%d problem(s)", ve.Count())) {
		t.Fatalf("1000 bad rows: %d listed, %v", len(ve.ProblemReport()), err)
	}
	if len(err.Error()) > 4000 {
		t.Errorf("message of %d bytes", len(err.Error()))
	}
}

// A zip of 256 MiB of zeros (a few hundred KiB) is refused as a
// decompression bomb after the budget (64 MiB), not read whole; the
// import allocates far less than the inflated size.
func TestZipBombRefusedWithinBudget(t *testing.T) {
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, err := zw.Create("12531-0043_flat.csv")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for i := 0; i < 256; i++ {
		w.Write(zeros)
	}
	zw.Close()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	_, err = readTableWith("bomb.zip", zb.Bytes(), TableSpec{ID: "tbl", File: "bomb.zip", Format: FormatFFCSV}, nil, formatInputs{})
	runtime.ReadMemStats(&m1)
	if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "decompression bomb") {
		t.Fatalf("zip of zeros: %v", err)
	}
	if alloc := (m1.TotalAlloc - m0.TotalAlloc) >> 20; alloc > 150 {
		t.Errorf("reading the bomb allocated %d MiB", alloc)
	}
}

// The readers stop when the import's context ends: a cancelled context
// makes the real GENESIS excerpt's read fail with context.Canceled.
func TestReadersStopWithTheContext(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "indicators", "genesis_13211-02-05-4_excerpt_latin1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	canonical, err := os.ReadFile(filepath.Join("..", "..", "testdata", "indicators", "canonical_unemployment_2019_excerpt.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{FormatGENESIS, FormatCanonical, FormatKS, FormatINKAR, FormatFFCSV} {
		file := data
		if format == FormatCanonical {
			file = canonical
		}
		_, err := readTableWith("13211.csv", file, TableSpec{ID: "tbl", File: "13211.csv", Format: format}, nil, formatInputs{ctx: ctx})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v", format, err)
		}
	}
	gz := gzipped(t, data)
	if _, err := readTableWith("13211.csv.gz", gz, TableSpec{ID: "tbl", File: "13211.csv.gz", Format: FormatGENESIS}, nil, formatInputs{ctx: ctx}); !errors.Is(err, context.Canceled) {
		t.Errorf("gzip with a cancelled context: %v", err)
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
