package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// update rewrites the golden files from the current answers:
//
//	go test ./atlas/web -run TestGoldenAnswers -update
var update = flag.Bool("update", false, "rewrite the golden files of TestGoldenAnswers")

// goldenQueries are real queries on the seed data whose answers must not
// change unnoticed. The answers are compared semantically (decoded JSON,
// floats with a relative tolerance of 1e-9), with each GeoJSON geometry
// summarised by its type, number of positions and bounding box, so that the
// files stay small and readable.
var goldenQueries = []struct{ name, url string }{
	{"choropleth_kreis_unemployment_2019", "/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019"},
	{"choropleth_kreis_jenks_6", "/api/v1/choropleth?level=kreis&indicator=unemployment_rate&year=2019&method=jenks&classes=6"},
	{"choropleth_kreis_protection_seekers_per1000_stddev", "/api/v1/choropleth?level=kreis&indicator=protection_seekers&normalize=per1000&method=stddev"},
	{"choropleth_land_manual_fixed", "/api/v1/choropleth?level=land&indicator=unemployment_rate&year=2019&breaks=5,6.5&fixed=1&scheme=PuOr"},
	{"values_kreis_unemployment_2019", "/api/v1/values?level=kreis&indicator=unemployment_rate&year=2019"},
	{"values_land_unemployment_foreigners", "/api/v1/values?level=land&indicator=unemployment_rate_foreigners"},
	{"histogram_kreis_unemployment_2019", "/api/v1/histogram?level=kreis&indicator=unemployment_rate&year=2019&bins=24"},
	{"region_profile_muenchen", "/api/v1/regions/09162"},
	{"ranking_land_unemployment_2019", "/api/v1/ranking?level=land&indicator=unemployment_rate&year=2019"},
	{"index_kreis", "/api/v1/index?level=kreis&weights=childcare_under3:2,unemployment_rate:1"},
	{"distribution_land", "/api/v1/distribution?level=land&weights=population:1,vacancy_rate_zensus2022:1&arrivals=100000&ks_year=2016"},
	{"distribution_kreise_bayern", "/api/v1/distribution?level=kreis&land=09&weights=population:1&arrivals=100000"},
	{"boundaries_land", "/api/v1/boundaries?level=land"},
	{"tilejson_kreis_unemployment", "/tiles/kreis.json?indicator=unemployment_rate&year=2019"},
	{"export_land_unemployment_json", "/api/v1/export?indicator=unemployment_rate&level=land&year=2019&format=json"},
}

func TestGoldenAnswers(t *testing.T) {
	e, _ := seededEcho(t)
	dir := filepath.Join("testdata", "golden")
	for _, q := range goldenQueries {
		t.Run(q.name, func(t *testing.T) {
			rec := get(t, e, q.url, map[string]string{"Host": "atlas.example"})
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", q.url, rec.Code, rec.Body.String())
			}
			var got any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("%s: %v", q.url, err)
			}
			got = summarizeGeometry(got)
			file := filepath.Join(dir, q.name+".json")
			if *update {
				b, err := json.MarshalIndent(map[string]any{"query": q.url, "answer": got}, "", " ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (create it with go test ./atlas/web -run TestGoldenAnswers -update)", err)
			}
			var want struct {
				Query  string `json:"query"`
				Answer any    `json:"answer"`
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if want.Query != q.url {
				t.Fatalf("%s was written for %s, the test asks %s: run with -update", file, want.Query, q.url)
			}
			var diffs []string
			compareJSON("$", want.Answer, got, &diffs)
			if len(diffs) > 0 {
				if len(diffs) > 20 {
					diffs = append(diffs[:20], fmt.Sprintf("… and %d more", len(diffs)-20))
				}
				t.Errorf("%s differs from %s:\n%s", q.url, file, strings.Join(diffs, "\n"))
			}
		})
	}
}

// summarizeGeometry replaces every GeoJSON geometry object (a map with
// "type" and "coordinates") by its type, number of positions and bounds.
func summarizeGeometry(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if coords, ok := x["coordinates"]; ok {
			if _, ok := x["type"].(string); ok {
				n := 0
				b := []float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
				walkPositions(coords, func(lon, lat float64) {
					n++
					b[0], b[1], b[2], b[3] = math.Min(b[0], lon), math.Min(b[1], lat), math.Max(b[2], lon), math.Max(b[3], lat)
				})
				return map[string]any{"type": x["type"], "positions": float64(n), "bbox": []any{b[0], b[1], b[2], b[3]}}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = summarizeGeometry(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = summarizeGeometry(e)
		}
		return out
	}
	return v
}

func walkPositions(v any, f func(lon, lat float64)) {
	xs, ok := v.([]any)
	if !ok {
		return
	}
	if len(xs) >= 2 {
		lon, ok1 := xs[0].(float64)
		lat, ok2 := xs[1].(float64)
		if ok1 && ok2 {
			f(lon, lat)
			return
		}
	}
	for _, x := range xs {
		walkPositions(x, f)
	}
}

var volatile = regexp.MustCompile(`^(imported_at|created_at)$`)

// compareJSON appends to diffs every place where got differs from want:
// missing or extra members, other types, strings, booleans, lengths, and
// numbers that differ by more than 1e-9 relative.
func compareJSON(path string, want, got any, diffs *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: want an object, got %s", path, short(got)))
			return
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if volatile.MatchString(k) {
				continue
			}
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case !inG:
				*diffs = append(*diffs, fmt.Sprintf("%s.%s: missing (want %s)", path, k, short(wv)))
			case !inW:
				*diffs = append(*diffs, fmt.Sprintf("%s.%s: unexpected member %s", path, k, short(gv)))
			default:
				compareJSON(path+"."+k, wv, gv, diffs)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: want an array, got %s", path, short(got)))
			return
		}
		if len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %d elements, want %d", path, len(g), len(w)))
			return
		}
		for i := range w {
			compareJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], diffs)
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Max(math.Abs(w), math.Abs(g))) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %s, want %v", path, short(got), w))
		}
	default:
		if fmt.Sprint(want) != fmt.Sprint(got) || (want == nil) != (got == nil) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %s, want %s", path, short(got), short(want)))
		}
	}
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		b = append(bytes.Clone(b[:117]), "..."...)
	}
	return string(b)
}
