package ingest

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// The wrong-number cases of GENESIS flat files, each on a real file of the
// Regionaldatenbank web service (testdata/README.md): the zips are the
// service's answers byte for byte.

// `-` (nothing there) is never the number 0: 11111-02-01-4 lists dissolved
// Kreise (03152 Göttingen, 16056 Eisenach) with "Zahl der Gemeinden" `-`,
// and Berlin's Bezirke with `.` (secret).
func TestFFCSVDashIsNeverZero(t *testing.T) {
	name := "regionalstatistik_ws_11111-02-01-4_kreise_2023_ffcsv.zip"
	res := readFormatFixture(t, name, TableSpec{Format: FormatFFCSV}, catalogue())
	id := "ffcsv_11111_02_01_4_gem001"
	for _, key := range []string{"03152", "16056", "13055"} {
		o, ok := find(res.Observations, id, key, 2023)
		if !ok {
			t.Fatalf("%s: no observation (want flag zero)", key)
		}
		if o.Flag != atlas.FlagZero || !math.IsNaN(o.Value) {
			t.Errorf("%s Zahl der Gemeinden = %v flag %q; the file says `-`: want no number, flag zero", key, o.Value, o.Flag)
		}
	}
	// Raw: "…;09162;München, kreisfreie Stadt;1;Anzahl;…", "…;16063;Wartburgkreis;…".
	if o, _ := find(res.Observations, id, "09162", 2023); o.Value != 1 || o.Flag != "" {
		t.Errorf("München = %+v, want 1", o)
	}
	for _, o := range res.Observations {
		if o.Valued() && o.Value == 0 {
			t.Errorf("%s %s: 0 stored; the file has no 0", o.Key, o.Indicator)
		}
	}
}

var bauland = "regionalstatistik_ws_61511-01-03-4_kreise_2023_ffcsv.zip"

// A sum over a variable never adds its Insgesamt category to its parts:
// 61511-01-03-4 has BAUNW2 = Insgesamt (empty code) and "baureifes Land",
// a part of it. München raw: Kaufsumme Insgesamt 510487, baureifes Land
// 467635 (Tsd. EUR); the doubled 978122 is the wrong number of -ffcsv-sum.
func TestFFCSVSumNeverAddsTheTotal(t *testing.T) {
	res := readFormatFixture(t, bauland, TableSpec{Format: FormatFFCSV, FFCSV: &FFCSVSpec{Sum: []string{"BAUNW2"}}}, catalogue())
	want := map[string]float64{"bau003": 510487, "bau001": 269, "bau002": 204, "bau004": 2496.76}
	for m, v := range want {
		o, ok := find(res.Observations, "ffcsv_61511_01_03_4_"+m, "09162", 2023)
		if !ok || o.Value != v {
			t.Errorf("München %s = %+v (found %v), want the Insgesamt value %v", m, o, ok, v)
		}
	}
	if !strings.Contains(strings.Join(res.Report, "\n"), "Insgesamt") {
		t.Errorf("report does not say the total category was used: %v", res.Report)
	}
}

// Without a declaration, a variable whose Insgesamt category has an empty
// code (the Regionaldatenbank web service writes it so) is filtered to it.
func TestFFCSVInsgesamtWithEmptyCode(t *testing.T) {
	res := readFormatFixture(t, bauland, TableSpec{Format: FormatFFCSV}, catalogue())
	if o, _ := find(res.Observations, "ffcsv_61511_01_03_4_bau001", "09162", 2023); o.Value != 269 {
		t.Errorf("München Veräußerungsfälle = %+v, want 269 (Insgesamt)", o)
	}
	// Speyer: every value of 2023 is `-`.
	if o, _ := find(res.Observations, "ffcsv_61511_01_03_4_bau003", "07318", 2023); o.Flag != atlas.FlagZero || o.Valued() {
		t.Errorf("Speyer Kaufsumme = %+v, want flag zero", o)
	}
}

// Naming Insgesamt and one of its parts as the total's top-level
// categories would add the total to its part: refused, with the reason.
func TestFFCSVTotalListWithInsgesamtRefused(t *testing.T) {
	ff := &FFCSVSpec{Split: "BAUNW2", Total: []string{"", "BAUNW101"}}
	_, err := ReadTable(bauland, readFixture(t, bauland), TableSpec{ID: "x1", Format: FormatFFCSV, FFCSV: ff}, catalogue())
	if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(err.Error(), "Insgesamt") {
		t.Errorf("total list with Insgesamt: %v", err)
	}
}
