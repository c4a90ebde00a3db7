package ingest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// The BIFF8 (.xls) path on a real .xls file: the test workbook shipped in
// the module github.com/extrame/xls v0.0.1 (Apache-2.0, testdata/README.md).
// No official .xls (a Destatis Gebietsänderungen list or an old
// Gemeindeverzeichnis) was available to this repository; the reader of
// those lists is tested on a workbook in their layout with real rows
// (gebietsaenderungen_test.go).
func TestReadXLSWorkbook(t *testing.T) {
	data, err := os.ReadFile("testdata/extrame_xls_Table.xls")
	if err != nil {
		t.Fatal(err)
	}
	w, err := readWorkbook("Table.xls", data)
	if err != nil {
		t.Fatal(err)
	}
	if w.format != "xls" || len(w.names) != 1 || w.names[0] != "Table" {
		t.Fatalf("sheets %v (%s)", w.names, w.format)
	}
	rows := w.rows("Table")
	if len(rows) < 3 || strings.Join(rows[0], "|") != "Code|Name|Description" || strings.Join(rows[2], "|") != "code2|name2|description2" {
		t.Errorf("rows %q", rows[:min(3, len(rows))])
	}
	// Not a crosswalk: refused, naming what the atlas reads.
	if _, err := ReadCrosswalk("Table.xls", data, 2019); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "Gebietsänderungen") {
		t.Errorf("a workbook that is no crosswalk: %v", err)
	}
	// Not a spreadsheet at all.
	if _, err := readWorkbook("x.xls", []byte("GENESIS-Tabelle: 1")); !errors.Is(err, atlas.ErrInvalidData) {
		t.Errorf("text as xls: %v", err)
	}
	// A truncated compound file is an error, not a panic.
	if _, err := readWorkbook("cut.xls", data[:600]); err == nil {
		t.Error("a truncated xls was read")
	}
}

// The BBSR workbook is recognised as such through the generic crosswalk entry.
func TestReadCrosswalkDetectsBBSR(t *testing.T) {
	data, err := os.ReadFile("../../seeds/indicators/bbsr_ref-kreise-umrech-2020-1990-2019.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	cw, err := ReadCrosswalk("my-umsteigeschluessel.xlsx", data, 2018)
	if err != nil || cw.FromYear != 2018 || !strings.Contains(cw.Source, "my-umsteigeschluessel.xlsx") {
		t.Fatalf("%+v, %v", cw, err)
	}
}
