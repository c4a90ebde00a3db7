package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

var schutzsuchende = FFCSVSpec{Sum: []string{"GES", "STAAG5"}, Split: "SCHST2", Total: []string{"SCHUTZST-OF", "SCHUTZST-AK-1", "SCHUTZST-X"}}

// rawFlatSums adds up the flat file by hand: per Kreis, the sum of each
// protection-status category and the sum over all rows.
func rawFlatSums(t *testing.T, data []byte) (byCat map[string]map[string]float64, allRows map[string]float64) {
	t.Helper()
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	head := strings.Split(strings.TrimRight(lines[0], "\r"), ";")
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	byCat, allRows = map[string]map[string]float64{}, map[string]float64{}
	for _, l := range lines[1:] {
		f := strings.Split(strings.TrimRight(l, "\r"), ";")
		if len(f) < len(head) {
			continue
		}
		v, err := strconv.ParseFloat(f[col["value"]], 64)
		if err != nil {
			t.Fatalf("raw value %q", f[col["value"]])
		}
		key, cat := f[col["1_variable_attribute_code"]], f[col["2_variable_attribute_code"]]
		if byCat[key] == nil {
			byCat[key] = map[string]float64{}
		}
		byCat[key][cat] += v
		allRows[key] += v
	}
	return byCat, allRows
}

func TestFFCSVNeedsDeclaredVariables(t *testing.T) {
	_, err := ReadTable("flat.csv", readFixture(t, "genesis_12531-0043_ffcsv_excerpt.csv"), TableSpec{ID: "x1", Format: FormatFFCSV}, catalogue())
	if !errors.Is(err, atlas.ErrInvalidData) {
		t.Fatalf("undeclared variables: %v", err)
	}
	for _, want := range []string{"SCHST2 (Schutzstatuskategorie", "GES (Geschlecht", "STAAG5 (Staatsangehörigkeit", "top-level"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %q: %v", want, err)
		}
	}
}

func TestFFCSVTotalOfTopLevelCategories(t *testing.T) {
	name := "genesis_12531-0043_ffcsv_excerpt.csv"
	ff := schutzsuchende
	res := readFormatFixture(t, name, TableSpec{Format: FormatFFCSV, FFCSV: &ff}, catalogue())
	byCat, all := rawFlatSums(t, readFixture(t, name))
	if len(byCat) != 2 || res.Rows != 2 {
		t.Fatalf("%d Kreise in the excerpt, %d read", len(byCat), res.Rows)
	}
	for key, cats := range byCat {
		total := cats["SCHUTZST-OF"] + cats["SCHUTZST-AK-1"] + cats["SCHUTZST-X"]
		if o, _ := find(res.Observations, "ffcsv_12531_0043_bev030", key, 2023); o.Value != total || o.Level != atlas.LevelKreis {
			t.Errorf("%s total = %+v, raw top-level sum %v", key, o, total)
		}
		for _, c := range ff.Total {
			if o, _ := find(res.Observations, makeID("ffcsv_12531_0043_bev030", c), key, 2023); o.Value != cats[c] {
				t.Errorf("%s %s = %v, raw %v", key, c, o.Value, cats[c])
			}
		}
		// Adding every row would count the sub-categories twice.
		if all[key] <= total {
			t.Errorf("%s: all rows %v ≤ total %v — the excerpt should show the double counting", key, all[key], total)
		}
		t.Logf("%s: total %v (all rows would give %v)", key, total, all[key])
	}
	ind, _ := indicatorByID(res.Indicators, "ffcsv_12531_0043_bev030")
	if ind.Title != "Schutzsuchende insgesamt" || ind.Unit != "Anzahl" || ind.ReferenceDate != "31.12." || !strings.Contains(ind.Definition, "Offener Schutzstatus, Anerkannter Schutzstatus, Ohne Schutzsstatus") ||
		!strings.Contains(ind.Notes, "Vielfache von 5") {
		t.Errorf("total indicator %+v", ind)
	}
	report := strings.Join(res.Report, "\n")
	if !strings.Contains(report, "SCHUTZST-AK-2 Befristet anerkannter Schutzstatus") || !strings.Contains(report, "sub-categories would count twice") {
		t.Errorf("report: %s", report)
	}
	// Women only.
	ffw := schutzsuchende
	ffw.Sum, ffw.Filter = []string{"STAAG5"}, map[string]string{"GES": "GESW"}
	w := readFormatFixture(t, name, TableSpec{Format: FormatFFCSV, FFCSV: &ffw}, catalogue())
	o, _ := find(w.Observations, "ffcsv_12531_0043_bev030", "01001", 2023)
	if o.Value <= 0 || o.Value >= byCat["01001"]["SCHUTZST-OF"]+byCat["01001"]["SCHUTZST-AK-1"]+byCat["01001"]["SCHUTZST-X"] {
		t.Errorf("women in Flensburg = %v", o.Value)
	}
}

// The seeds' zip, read directly: 393 Kreise; München by hand.
func TestFFCSVZip(t *testing.T) {
	data, err := os.ReadFile("../../seeds/indicators/destatis_genesis_12531-0043_kreise_2023_ffcsv.zip")
	if err != nil {
		t.Fatal(err)
	}
	ff := schutzsuchende
	res, err := ReadTable("destatis_genesis_12531-0043_kreise_2023_ffcsv.zip", data, TableSpec{ID: "x1", Format: FormatFFCSV, FFCSV: &ff}, catalogue())
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := zr.File[0].Open()
	inner, _ := io.ReadAll(rc)
	rc.Close()
	byCat, _ := rawFlatSums(t, inner)
	if res.Rows != 393 || len(byCat) != 393 {
		t.Errorf("%d Kreise read, %d in the file", res.Rows, len(byCat))
	}
	for key, cats := range byCat {
		want := cats["SCHUTZST-OF"] + cats["SCHUTZST-AK-1"] + cats["SCHUTZST-X"]
		if o, _ := find(res.Observations, "ffcsv_12531_0043_bev030", key, 2023); o.Value != want {
			t.Errorf("%s = %v, by hand %v", key, o.Value, want)
		}
	}
	if byCat["09162"]["SCHUTZST-OF"]+byCat["09162"]["SCHUTZST-AK-1"]+byCat["09162"]["SCHUTZST-X"] != 50560 {
		t.Errorf("München by hand ≠ 50560")
	}
	for _, key := range []string{"06633", "10041", "12071"} {
		if _, ok := find(res.Observations, "ffcsv_12531_0043_bev030", key, 2023); ok {
			t.Errorf("%s has no rows in the file but got a value", key)
		}
	}
	ind, _ := indicatorByID(res.Indicators, "ffcsv_12531_0043_bev030")
	if !strings.Contains(ind.Attribution, "Abruf 11.06.2025") {
		t.Errorf("attribution %q should carry the download date of the zip entry", ind.Attribution)
	}
}
