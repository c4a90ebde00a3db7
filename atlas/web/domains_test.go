package web

import (
	"compress/gzip"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// The done criteria on the seeded atlas: the new indicators in the
// catalogue with source, licence and years; four choropleths colour at
// least 95 % of their level with the raw files' values; the domain overview
// lists all eight domains with values and, for gaps, the missing table.
func TestIntegrationDomainsDone(t *testing.T) {
	e, _ := seededEcho(t)
	var cat []struct {
		ID, Source, Licence, Attribution, Domain string
		Years                                    []int
		Levels                                   []string
	}
	getJSONOK(t, e, "/api/v1/indicators", &cat)
	want := map[string][2]int{"naturalisations": {2011, 2016}, "kita_places": {2007, 2016}, "share_children_daycare_foreign_origin": {2011, 2016},
		"integration_course_participants": {2017, 2017}, "foreigners_duldung": {2019, 2019}, "da_kbetr_u3": {2024, 2024}, "da_ew_sportv": {2023, 2023}, "da_p_grunds": {2024, 2024}}
	for _, ind := range cat {
		w, ok := want[ind.ID]
		if !ok {
			continue
		}
		delete(want, ind.ID)
		if ind.Source == "" || ind.Licence != "dl-de/by-2-0" || ind.Attribution == "" || ind.Domain == "" || len(ind.Years) == 0 || ind.Years[0] != w[0] || ind.Years[len(ind.Years)-1] != w[1] {
			t.Errorf("%s: source %q licence %q domain %q years %v, want %v", ind.ID, ind.Source, ind.Licence, ind.Domain, ind.Years, w)
		}
	}
	if len(want) > 0 {
		t.Errorf("catalogue lacks %v", want)
	}

	// Raw 12511: "2016;09162;      München, Landeshauptstadt;3442;…", Flensburg 161.
	rawNat := map[string]string{}
	f, err := os.Open("../../seeds/indicators/regionalstatistik_12511-01-01-4_einbuergerungen_kreise_2011-2016_latin1.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, _ := gzip.NewReader(f)
	b, _ := io.ReadAll(charmap.ISO8859_1.NewDecoder().Reader(zr))
	for _, line := range strings.Split(string(b), "\n") {
		if c := strings.Split(line, ";"); len(c) > 3 && c[0] == "2016" && len(c[1]) == 5 {
			rawNat[c[1]] = c[3]
		}
	}
	type values struct {
		Values map[string]struct {
			Value *float64 `json:"value"`
			Class *int     `json:"class"`
		} `json:"values"`
		Stats struct{ Count, Missing int } `json:"stats"`
	}
	for _, m := range []struct {
		q       string
		samples map[string]float64
	}{
		{"level=kreis&indicator=naturalisations&year=2016", map[string]float64{"09162": 3442, "01001": 161}},
		{"level=kreis&indicator=da_kbetr_u3&year=2024", map[string]float64{"01001": 43.26, "16077": 65.48}},
		{"level=kreis&indicator=integration_course_participants&year=2017", map[string]float64{"01001": 498, "11000": 17343, "09162": 5566}},
		{"level=gemeinde&indicator=da_p_grunds&year=2024", map[string]float64{"01001000": 3.18, "16077052": 4.59}},
	} {
		var v values
		getJSONOK(t, e, "/api/v1/values?"+m.q, &v)
		coloured := 0
		for _, x := range v.Values {
			if x.Value != nil && x.Class != nil {
				coloured++
			}
		}
		if n := len(v.Values); coloured*100 < n*95 {
			t.Errorf("%s: %d of %d regions coloured (< 95 %%)", m.q, coloured, n)
		}
		for k, w := range m.samples {
			if x := v.Values[k]; x.Value == nil || *x.Value != w {
				t.Errorf("%s: %s = %v, raw file %v", m.q, k, x.Value, w)
			}
		}
		if strings.Contains(m.q, "naturalisations") {
			for k, raw := range rawNat {
				x, ok := v.Values[k]
				if !ok || k == "16063" || k == "03159" || strings.HasPrefix(k, "16") { // recoded Kreise (Eisenach, Göttingen, Thüringen's 2019 pieces)
					continue
				}
				if x.Value == nil || strings.TrimSpace(raw) != trimFloat(*x.Value) {
					t.Errorf("naturalisations 2016 %s: %v, raw %q", k, x.Value, raw)
				}
			}
		}
		t.Logf("%s: %d of %d coloured", m.q, coloured, len(v.Values))
	}

	var o struct {
		Domains []struct {
			ID, Missing string
			FillWith    string `json:"fill_with"`
			Import      string
			Gap         bool
			Indicators  []struct {
				ID      string
				Year    int
				Value   float64
				Germany *struct {
					Value *float64
					Basis string
				}
			}
		} `json:"domains"`
	}
	getJSONOK(t, e, "/api/v1/regions/09162/domains", &o)
	if len(o.Domains) != 8 {
		t.Fatalf("%d domains, want the motion's 8", len(o.Domains))
	}
	for _, d := range o.Domains {
		if d.Gap && (d.Missing == "" || d.FillWith == "" || d.Import == "") {
			t.Errorf("domain %s without data but without what is missing, the table and the import: %+v", d.ID, d)
		}
		for _, i := range d.Indicators {
			if i.ID == "unemployment_rate" && (i.Germany == nil || i.Germany.Value == nil || i.Germany.Basis != "amtlich") {
				t.Errorf("unemployment_rate in %s: Germany %+v, want the official DG row", d.ID, i.Germany)
			}
		}
	}
	gaps := map[string]bool{}
	for _, d := range o.Domains {
		gaps[d.ID] = d.Gap
	}
	if !gaps["digitale_aufnahme"] || gaps["daseinsvorsorge"] || gaps["zivilgesellschaft"] {
		t.Errorf("gaps %v: digital intake has no open data; public services and civil society (sports clubs) have", gaps)
	}
}

func trimFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
