package ingest

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

func bbsr(t *testing.T, year int) *Crosswalk {
	t.Helper()
	data, err := os.ReadFile("../../seeds/indicators/bbsr_ref-kreise-umrech-2020-1990-2019.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	cw, err := ReadBBSRCrosswalk("bbsr.xlsx", data, year)
	if err != nil {
		t.Fatal(err)
	}
	return cw
}

func TestReadBBSRCrosswalk(t *testing.T) {
	cw := bbsr(t, 2015)
	if cw.FromYear != 2015 || cw.ToYear != 2020 || len(cw.Rows) != 405 {
		t.Fatalf("sheet 2015-2020: %d→%d, %d rows", cw.FromYear, cw.ToYear, len(cw.Rows))
	}
	rows := map[string][]CrosswalkRow{}
	for _, r := range cw.Rows {
		rows[r.Old] = append(rows[r.Old], r)
	}
	// Sheet rows 2 ("1001000 | KS Flensburg | … | 1001000"), 22 and 26
	// (Göttingen, Osterode → 3159000), 389/390 (Wartburgkreis split).
	if r := rows["01001"]; len(r) != 1 || r[0].New != "01001" {
		t.Errorf("01001 (stored as 1001000) = %+v", r)
	}
	if r := rows["03152"]; len(r) != 1 || r[0].New != "03159" || r[0].Population != 255.7 || r[0].PopShare != 1 {
		t.Errorf("03152 = %+v", r)
	}
	if r := rows["03156"]; len(r) != 1 || r[0].New != "03159" || r[0].Population != 73.9 {
		t.Errorf("03156 = %+v", r)
	}
	if r := rows["16063"]; len(r) != 2 || r[1].New != "16066" || math.Abs(r[1].PopShare-0.026501134057538497) > 1e-15 {
		t.Errorf("16063 = %+v", r)
	}
	if _, err := ReadBBSRCrosswalk("x.xlsx", []byte("not a zip"), 2015); !errors.Is(err, atlas.ErrInvalidData) {
		t.Errorf("not an xlsx: %v", err)
	}
	data, _ := os.ReadFile("../../seeds/indicators/bbsr_ref-kreise-umrech-2020-1990-2019.xlsx")
	if _, err := ReadBBSRCrosswalk("bbsr.xlsx", data, 1989); err == nil || !strings.Contains(err.Error(), "no sheet for 1989") {
		t.Errorf("unknown year: %v", err)
	}
}

// broadbandOnKeysOf2015 reads the real Breitbandatlas excerpt with the
// seed's spec but without its crosswalk: values on the Kreis keys of 2015.
func broadbandOnKeysOf2015(t *testing.T) (*TableResult, map[string]atlas.Indicator) {
	t.Helper()
	m, known := seedManifest(t)
	spec := seedSpec(t, m, "breitband_2021_kreise")
	spec.Crosswalk = nil
	res, err := ReadTable("breitband.csv", readFixture(t, "breitbandatlas_kreise_2021_excerpt.csv"), spec, known)
	if err != nil {
		t.Fatal(err)
	}
	return res, known
}

// The Breitbandatlas uses Kreis keys of 2015: recoded to the Kreise of
// 2020 with population weights, and Eisenach merged into the Wartburgkreis.
func TestCrosswalkBroadband(t *testing.T) {
	res, known := broadbandOnKeysOf2015(t)
	cw := bbsr(t, 2015)
	cw.Merges, _ = ParseMerges([]string{"16056=16063"})
	obs, report, err := cw.Apply("breitband.csv", res.Observations, known, nil)
	if err != nil {
		t.Fatal(err)
	}
	r4 := func(v float64) float64 { return math.Round(v*1e4) / 1e4 } // decimals 2 + 2
	// Raw "03152";…66.32, "03156";…56.30, "16056";…52.73, "16063";…8.30, "16066";…18.75;
	// populations (1000) of the pieces in sheet 2015-2020: 255.7, 73.9, 42.4, 122.3 (the part of 16063
	// that stays), 3.3 (the part that went to 16066), 124.6.
	w63, w63to66 := 122.3, 3.3
	want := map[string]float64{
		"03159": r4((66.32*255.7 + 56.30*73.9) / (255.7 + 73.9)),
		"16063": r4((52.73*42.4 + 8.30*w63) / (42.4 + w63)),
		"16066": r4((18.75*124.6 + 8.30*w63to66) / (124.6 + w63to66)),
		"03153": 69.66,
		"09162": 95.02,
	}
	got := map[string]float64{}
	for _, o := range obs {
		got[o.Key] = o.Value
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	for _, old := range []string{"03152", "03156", "16056"} {
		if _, ok := got[old]; ok {
			t.Errorf("old key %s still has a value", old)
		}
	}
	rep := strings.Join(report, "\n")
	if !strings.Contains(rep, "03152 → 03159") || !strings.Contains(rep, "16056 → 16063") || !strings.Contains(rep, "broadband_gigabit: population-weighted mean") {
		t.Errorf("report %s", rep)
	}
	if g := cw.Gebietsstand(); !strings.Contains(g, "31.12.2020") || !strings.Contains(g, "16056 → 16063") {
		t.Errorf("Gebietsstand %q", g)
	}
}

// Counts are split by population shares and summed; a merge of rates
// without populations is refused.
func TestCrosswalkCountsAndMerges(t *testing.T) {
	res := readFormatFixture(t, "genesis_22411-01-01-4-B_excerpt_latin1.csv", TableSpec{Format: FormatGENESIS}, catalogue())
	known := map[string]atlas.Indicator{}
	for _, ind := range res.Indicators {
		known[ind.ID] = ind
	}
	merge := &Crosswalk{Merges: [][2]string{{"16056", "16063"}}}
	obs, _, err := merge.Apply("pflege.csv", res.Observations, known, nil)
	if err != nil {
		t.Fatal(err)
	}
	// "16056;Eisenach…;10;…" + "16063;Wartburgkreis;20;…" Pflegedienste (Anzahl: a count).
	if o, _ := find(obs, "rdb_22411_01_01_4_b_c4", "16063", 2017); o.Value != 30 {
		t.Errorf("merged count = %+v, want 10 + 20", o)
	}
	if _, ok := find(obs, "rdb_22411_01_01_4_b_c4", "16056", 2017); ok {
		t.Error("16056 kept after the merge")
	}
	var c4 []atlas.Observation
	for _, o := range res.Observations {
		if o.Indicator == "rdb_22411_01_01_4_b_c4" {
			c4 = append(c4, o)
		}
	}
	rates := map[string]atlas.Indicator{"rdb_22411_01_01_4_b_c4": {ID: "rdb_22411_01_01_4_b_c4", Unit: "je 1.000 Einwohner", Decimals: 1}}
	if _, _, err := merge.Apply("pflege.csv", c4, rates, nil); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "needs their population") {
		t.Errorf("merging rates without populations: %v", err)
	}
	// A share whose base the catalogue does not name is not guessed.
	shares := map[string]atlas.Indicator{"rdb_22411_01_01_4_b_c4": {ID: "rdb_22411_01_01_4_b_c4", Unit: "%", Decimals: 1}}
	if _, _, err := merge.Apply("pflege.csv", c4, shares, nil); !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), `"weight"`) {
		t.Errorf("merging shares of an unnamed base: %v", err)
	}
	if _, err := ParseMerges([]string{"16056-16063"}); err == nil {
		t.Error("malformed merge accepted")
	}
}
