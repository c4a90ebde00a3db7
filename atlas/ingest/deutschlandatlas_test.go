package ingest

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/xuri/excelize/v2"
)

const daSeed = "../../seeds/indicators/deutschlandatlas_daten_stand_2026-04-22_kreise_gemeinden.xlsx"

// Every cell of every Deutschlandatlas data sheet the reader accepts equals
// an independent read of the workbook with excelize: the key with its
// leading zero restored (Kreise ×1000), the number as stored, -9999 as no
// value; text classes are left out and reported.
func TestDeutschlandatlasEveryCellEqualsIndependentRead(t *testing.T) {
	data, err := os.ReadFile(daSeed)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ReadTable(daSeed, data, TableSpec{ID: "da", Format: FormatDeutschlandatlas}, nil)
	if err != nil {
		t.Fatal(err)
	}
	type k struct {
		ind, key string
	}
	got := map[k]atlas.Observation{}
	for _, o := range res.Observations {
		got[k{o.Indicator, o.Key}] = o
	}
	f, err := excelize.OpenFile(daSeed)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	report := strings.Join(res.Report, "\n")
	checked := map[string]int{}
	for _, sheet := range f.GetSheetList() {
		if !strings.HasPrefix(sheet, "Deutschlandatlas_") {
			continue
		}
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		// Row 4 is the header; the last row says "Ende der Tabelle.".
		if !strings.HasPrefix(rows[len(rows)-1][0], "Ende der Tabelle") {
			t.Fatalf("%s: last row %q", sheet, rows[len(rows)-1])
		}
		head := rows[3]
		if strings.HasPrefix(sheet, "Deutschlandatlas_VBGEM1219") {
			// 8-digit keys with a leading zero ("01001000"): not the 9-digit ARS prefix.
			if !strings.Contains(report, sheet) {
				t.Errorf("%s: refused sheet not named in the report", sheet)
			}
			continue
		}
		for c := 2; c < len(head); c++ {
			code := strings.Fields(strings.TrimPrefix(head[c], "Indikatorkürzel:"))[0]
			id := "da_" + strings.ToLower(code)
			for _, r := range rows[4 : len(rows)-1] {
				key := r[0]
				switch {
				case strings.Contains(sheet, "_KRS"):
					key = strings.Repeat("0", 8-len(key)) + key
					key = key[:5]
				case strings.Contains(sheet, "_VBGEM"):
					key = strings.Repeat("0", 9-len(key)) + key
				default:
					key = strings.Repeat("0", 8-len(key)) + key
				}
				cell := ""
				if c < len(r) {
					cell = strings.TrimSpace(r[c])
				}
				o, ok := got[k{id, key}]
				want, err := strconv.ParseFloat(cell, 64)
				switch {
				case strings.HasPrefix(cell, "#") && ok:
					if !math.IsNaN(o.Value) || !strings.Contains(report, code+" "+cell) {
						t.Errorf("%s %s %s: spreadsheet error %q imported as %v or not reported", sheet, code, key, cell, o.Value)
					}
				case err != nil && cell != "" && cell != "-9999":
					if !strings.Contains(report, code+" holds text classes") {
						t.Errorf("%s %s: text cell %q, but the column is not reported as text classes", sheet, code, cell)
					}
					continue
				case !ok:
					t.Errorf("%s %s %s: no observation for %q", sheet, code, key, cell)
				case cell == "-9999" || cell == "":
					if !math.IsNaN(o.Value) {
						t.Errorf("%s %s %s: missing value (%q) imported as %v", sheet, code, key, cell, o.Value)
					}
				case o.Value != want:
					t.Errorf("%s %s %s: %v, workbook %q", sheet, code, key, o.Value, cell)
				}
				checked[sheet]++
			}
		}
	}
	for s, n := range checked {
		t.Logf("%s: %d cells equal", s, n)
	}
	if checked["Deutschlandatlas_KRS1224"] < 400*23 || checked["Deutschlandatlas_GEM1222"] < 10000*13 {
		t.Errorf("too few cells compared: %v", checked)
	}
	// Samples of the provenance notes.
	for _, c := range []struct {
		ind, key string
		want     float64
	}{{"da_kbetr_u3", "01001", 43.26}, {"da_bev_ausl", "11000", 22.5}, {"da_mitgl_sportv", "09162", 36.47}, {"da_ew_sportv", "09162", 35.24}} {
		if o := got[k{c.ind, c.key}]; o.Value != c.want {
			t.Errorf("%s %s = %+v, want %v", c.ind, c.key, o, c.want)
		}
	}
}

// Header cells give code, year (the last of a range) and the unit the
// definition states; a definition without a unit says so.
func TestDeutschlandatlasHeaderCells(t *testing.T) {
	for _, c := range []struct {
		cell, code, ref, unit string
		year                  int
	}{
		{"kbetr_u3\n\nAnteil der betreuten Kinder unter 3 Jahren in Kindertageseinrichtungen/-tagespflege an der Altersgruppe\nim Jahr 2024 in %", "kbetr_u3", "2024", "%", 2024},
		{"p_grunds  \n\nPkw-Fahrzeit zur nächsten Grundschule in den Jahren 2021-24 in Minuten", "p_grunds", "2021–2024", "Minuten", 2024},
		{"ew_sportv \n\nSportvereine je 100.000 Einwohner/-innen im Jahr 2023", "ew_sportv", "2023", "je 100.000 Einwohner", 2023},
		{"kbtr_pers \n\nPlätze in Kindertageseinrichtungen je pädagogisch tätige Person im Jahr 2024", "kbtr_pers", "2024", "je pädagogisch tätige Person", 2024},
		{"st_einnkr \n\nSteuereinnahmekraft je Einwohner/-in im Jahr 2023 in €", "st_einnkr", "2023", "€ je Einwohner", 2023},
		{"p_notfall  \n\nPkw-Fahrzeit zum nächsten Krankenhaus mit zentraler Notaufnahme oder Notfallambulanz im Jahr 2024 in Mi-\nnuten", "p_notfall", "2024", "Minuten", 2024},
		{"wahl_beteil \n\nBundestagswahlbeteiligung 2025 in Kreisen in %", "wahl_beteil", "2025", "%", 2025},
		{"p_harzt \n\nMittlere Pkw-Fahrzeit zur nächsten hausärztlichen Praxis im Jahr 2021", "p_harzt", "2021", "k. A.", 2021},
	} {
		code, def, _ := strings.Cut(c.cell, "\n")
		col, err := parseDAHeader(code, def)
		if err != nil {
			t.Errorf("%s: %v", c.code, err)
			continue
		}
		if col.code != c.code || col.period != c.year || col.refDate != c.ref || col.unit != c.unit {
			t.Errorf("%s: code %q year %d ref %q unit %q, want %q %d %q %q", c.code, col.code, col.period, col.refDate, col.unit, c.code, c.year, c.ref, c.unit)
		}
	}
}
