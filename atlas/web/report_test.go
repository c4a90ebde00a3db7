package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// TestRegionReport renders München's report in both languages and checks
// it against the API's own answers: the Germany reference of the population
// is the sum of the 16 Länder the values route gives, the rank is the
// profile's, and every source of the profile is cited.
func TestRegionReport(t *testing.T) {
	e, _ := seededEcho(t)
	var prof struct {
		DataVersion int64    `json:"data_version"`
		Attribution []string `json:"attribution"`
		Indicators  []struct {
			ID     string `json:"id"`
			Latest *struct {
				Year int `json:"year"`
				Rank int `json:"rank"`
				Of   int `json:"of"`
			} `json:"latest"`
		} `json:"indicators"`
	}
	getJSONOK(t, e, "/api/v1/regions/09162", &prof)
	popYear := 0
	for _, pi := range prof.Indicators {
		if pi.ID == "population" && pi.Latest != nil {
			popYear = pi.Latest.Year
		}
	}
	if popYear == 0 {
		t.Fatal("profile of 09162 has no population")
	}
	var vals struct {
		Values map[string]struct {
			Value *float64 `json:"value"`
		} `json:"values"`
	}
	rec := getJSONOK(t, e, "/api/v1/values?level=land&indicator=population&year="+strconv.Itoa(popYear), nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &vals); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, v := range vals.Values {
		if v.Value == nil {
			t.Fatal("a Land without population")
		}
		sum += *v.Value
	}
	if len(vals.Values) != 16 {
		t.Fatalf("%d Länder with population values", len(vals.Values))
	}

	de := get(t, e, "/region/09162", nil)
	if de.Code != http.StatusOK || !strings.HasPrefix(de.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /region/09162 = %d %s", de.Code, de.Header().Get("Content-Type"))
	}
	page := de.Body.String()
	popRow := rowOf(t, page, "population")
	for _, want := range []string{atlas.FormatDE(sum, 0) + "\u00a0Personen", "Deutschland", "München"} {
		if !strings.Contains(popRow+page, want) {
			t.Errorf("German report lacks %q", want)
		}
	}
	if !strings.Contains(popRow, atlas.FormatDE(sum, 0)) {
		t.Errorf("population row lacks the Germany reference %s: %s", atlas.FormatDE(sum, 0), popRow)
	}
	for _, pi := range prof.Indicators {
		if pi.Latest == nil {
			continue
		}
		if r := rowOf(t, page, pi.ID); !strings.Contains(r, strconv.Itoa(pi.Latest.Rank)+" von "+strconv.Itoa(pi.Latest.Of)) {
			t.Errorf("row %s lacks rank %d von %d", pi.ID, pi.Latest.Rank, pi.Latest.Of)
		}
	}
	for _, a := range prof.Attribution {
		if !strings.Contains(page, htmlText(a)) {
			t.Errorf("source %q not cited", a)
		}
	}
	if !strings.Contains(page, "Datenstand "+strconv.Itoa(int(prof.DataVersion))) || !strings.Contains(page, "http://example.com/region/09162") {
		t.Errorf("no citation with the data version and the address")
	}
	if strings.Contains(page, "<script") {
		t.Errorf("the report carries a script")
	}
	if n := strings.Count(page, `class="locator__region"`); n != 2 {
		t.Errorf("%d locator maps highlight the region, want 2", n)
	}
	if n := strings.Count(page, "<polyline"); n < 20 {
		t.Errorf("%d time-series charts", n)
	}

	en := get(t, e, "/en/region/09162", nil)
	if en.Code != http.StatusOK {
		t.Fatalf("GET /en/region/09162 = %d", en.Code)
	}
	enPage := en.Body.String()
	if !strings.Contains(enPage, `<html lang="en">`) || !strings.Contains(rowOf(t, enPage, "population"), atlas.FormatEN(sum, 0)+"\u00a0persons") {
		t.Errorf("English report: no lang=en or no Germany reference %s persons", atlas.FormatEN(sum, 0))
	}
	// No German UI text on the English page outside data (names, sources
	// and notes from the data are marked lang="de").
	visible := regexp.MustCompile(`(?s)<span lang="de">.*?</span>|<[^>]*>`).ReplaceAllString(enPage, " ")
	for key, s := range reportStrings {
		if s[0] == "" || s[0] == s[1] || strings.Contains(s[1], s[0]) || len(s[0]) < 5 {
			continue
		}
		// whole words: "Deutschland" in the source name "Deutschlandatlas" is a name
		if regexp.MustCompile(`(^|\PL)` + regexp.QuoteMeta(s[0]) + `($|\PL)`).MatchString(visible) {
			t.Errorf("English page shows the German string %s %q", key, s[0])
		}
	}
	for _, german := range []string{"Personen", "Kreisfreie Stadt", "von 400", "Arbeitslosenquote"} {
		if strings.Contains(visible, german) {
			t.Errorf("English page shows German %q", german)
		}
	}

	for _, key := range []string{"09", "09162000"} {
		if rec := get(t, e, "/region/"+key, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "locator__region") && key != "09" {
			t.Errorf("GET /region/%s = %d", key, rec.Code)
		}
	}
}

func TestRegionReportNotFound(t *testing.T) {
	e, _ := seededEcho(t)
	for path, want := range map[string]string{
		"/region/09999":      "Gebiet nicht gefunden",
		"/en/region/09999":   "Area not found",
		"/region/abc":        "Gebiet nicht gefunden",
		"/en/region/%3Cb%3E": "Area not found",
	} {
		rec := get(t, e, path, nil)
		body := rec.Body.String()
		if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(body, want) {
			t.Errorf("GET %s = %d %s, want a 404 page with %q", path, rec.Code, rec.Header().Get("Content-Type"), want)
		}
		if strings.Contains(body, "<b>") {
			t.Errorf("GET %s echoes the key unescaped", path)
		}
	}
}

// rowOf returns the report's table row of an indicator.
func rowOf(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<tr id="ind-`+id+`"`)
	if i < 0 {
		t.Fatalf("no row for %s", id)
	}
	j := strings.Index(page[i:], "</tr>")
	return page[i : i+j]
}

// htmlText is how html/template writes a text (the characters it escapes).
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

// The report says how an own Land or Germany value came about from the
// reference's structured fields (SumOf, Aggregation), in the page's
// language, not by matching the German words of its note: on the real
// seeds, every such reference of München's profile is footnoted with the
// right text in German and in English, and the English page marks none of
// them as German data text.
func TestRegionReportReferenceNotes(t *testing.T) {
	e, _ := seededEcho(t)
	type ref struct {
		Key         string `json:"key"`
		Basis       string `json:"basis"`
		Aggregation string `json:"aggregation"`
		SumOf       *struct {
			Level string `json:"level"`
			Count int    `json:"count"`
		} `json:"sum_of"`
	}
	var prof struct {
		Indicators []struct {
			ID      string `json:"id"`
			Land    *ref   `json:"land"`
			Germany *ref   `json:"germany"`
		} `json:"indicators"`
	}
	getJSONOK(t, e, "/api/v1/regions/09162", &prof)
	pages := map[reportLang]string{langDE: get(t, e, "/region/09162", nil).Body.String(), langEN: get(t, e, "/en/region/09162", nil).Body.String()}
	caveat := regexp.MustCompile(`<li id="caveat-(\d+)" value="\d+"><span( lang="de")?>([^<]*)</span>`)
	link := regexp.MustCompile(`href="#caveat-(\d+)"`)
	kinds := map[string]int{}
	for _, pi := range prof.Indicators {
		for _, r := range []*ref{pi.Land, pi.Germany} {
			if r == nil || r.Basis != "eigene Berechnung" {
				continue
			}
			for lang, page := range pages {
				var want string
				switch {
				case r.SumOf != nil && r.Key != atlas.GermanyKey:
					want, kinds["in land"] = fmt.Sprintf(lang.t("ref_sum_in_land"), r.SumOf.Count), kinds["in land"]+1
				case r.SumOf != nil:
					want, kinds[r.SumOf.Level+" sum"] = fmt.Sprintf(lang.t("ref_sum_"+r.SumOf.Level), r.SumOf.Count), kinds[r.SumOf.Level+" sum"]+1
				case r.Aggregation != "":
					want, kinds["aggregation"] = lang.t("m_aggregation_"+r.Aggregation)+".", kinds["aggregation"]+1
				default:
					t.Errorf("%s: own reference %s without SumOf or Aggregation", pi.ID, r.Key)
					continue
				}
				found := false
				for _, m := range link.FindAllStringSubmatch(rowOf(t, page, pi.ID), -1) {
					for _, c := range caveat.FindAllStringSubmatch(page, -1) {
						if c[1] == m[1] && c[3] == htmlText(want) {
							found = true
							if c[2] != "" {
								t.Errorf("%s %s: the note %q is marked as German data text", lang, pi.ID, want)
							}
						}
					}
				}
				if !found {
					t.Errorf("%s row %s (reference %s): no footnote %q", lang, pi.ID, r.Key, want)
				}
			}
		}
	}
	t.Logf("own references checked (per language ×2): %v", kinds)
	if kinds["in land"] == 0 || kinds["aggregation"] == 0 || kinds["land sum"]+kinds["kreis sum"] == 0 {
		t.Errorf("the seeds no longer reach every kind of own reference: %v", kinds)
	}
}
