package analysis_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/analysis"
	"github.com/standortatlas/standortatlas/atlas/ingest"
	"github.com/standortatlas/standortatlas/atlas/sqlitestore"
)

// The tests run against the real seeds (../../seeds), imported once into a
// temporary embedded store, and recompute the numbers by hand from the raw
// files or from the stored values.

var (
	testSvc *atlas.Service
	testAn  *analysis.Analyzer
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "analysis-test")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	store, err := sqlitestore.Open(ctx, filepath.Join(dir, "atlas.db"))
	if err != nil {
		return 0, err
	}
	defer store.Close()
	fsys := os.DirFS("../../seeds")
	man, err := ingest.ReadManifest(fsys, "manifest.json")
	if err != nil {
		return 0, err
	}
	if _, err := ingest.LoadManifest(ctx, fsys, man, store, nil); err != nil {
		return 0, err
	}
	testSvc = atlas.NewService(store, atlas.Options{})
	testAn = analysis.New(testSvc)
	return m.Run(), nil
}

// rawUnemployment reads the Kreis and Land unemployment rates (all civilian
// labour force, column 12) of one year from the raw GENESIS file with plain
// string handling, independent of the importer.
func rawUnemployment(t *testing.T, year int) map[string]float64 {
	t.Helper()
	f, err := os.Open("../../seeds/indicators/regionalstatistik_13211-02-05-4_kreise_2015-2020.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(charmap.ISO8859_1.NewDecoder().Reader(zr))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ";")
		if len(fields) < 16 || fields[0] != strconv.Itoa(year) {
			continue
		}
		if v, err := strconv.ParseFloat(strings.Replace(fields[11], ",", ".", 1), 64); err == nil {
			out[fields[1]] = v
		}
	}
	return out
}

func kreisKeys(t *testing.T) []string {
	t.Helper()
	_, kreise, err := testSvc.Level(context.Background(), atlas.LevelKreis)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range kreise.Regions {
		keys = append(keys, r.Key)
	}
	return keys
}

func TestRankingMuenchenUnemployment2019FromRawFile(t *testing.T) {
	raw := rawUnemployment(t, 2019)
	keys := kreisKeys(t)
	if len(keys) != 400 {
		t.Fatalf("%d Kreise, want 400", len(keys))
	}
	// The raw file lists Berlin and Hamburg as Land rows only.
	raw["11000"], raw["02000"] = raw["11"], raw["02"]
	muc := raw["09162"]
	if muc != 3.5 {
		t.Fatalf("raw München 2019 = %v, want 3.5", muc)
	}
	higher, withValue := 0, 0
	for _, k := range keys {
		v, ok := raw[k]
		if !ok {
			continue
		}
		withValue++
		if v > muc {
			higher++
		}
	}
	r, err := testAn.Ranking(context.Background(), analysis.RankingQuery{Level: atlas.LevelKreis, Indicator: "unemployment_rate", Year: 2019})
	if err != nil {
		t.Fatal(err)
	}
	if r.Ranked != withValue {
		t.Errorf("%d ranked, raw file has %d Kreise with a value", r.Ranked, withValue)
	}
	var got *analysis.RankEntry
	for i := range r.Entries {
		if r.Entries[i].Key == "09162" {
			got = &r.Entries[i]
		}
	}
	if got == nil || got.Rank == nil || *got.Rank != higher+1 || *got.Value != 3.5 {
		t.Fatalf("München: %+v, want rank %d (1 + %d Kreise with a higher rate in the raw file)", got, higher+1, higher)
	}
	t.Logf("München 2019: rank %d of %d", *got.Rank, withValue)
	// Ascending order: 1 = lowest.
	asc, err := testAn.Ranking(context.Background(), analysis.RankingQuery{Level: atlas.LevelKreis, Indicator: "unemployment_rate", Year: 2019, Order: "asc"})
	if err != nil {
		t.Fatal(err)
	}
	lower := 0
	for _, k := range keys {
		if v, ok := raw[k]; ok && v < muc {
			lower++
		}
	}
	for _, e := range asc.Entries {
		if e.Key == "09162" && *e.Rank != lower+1 {
			t.Errorf("ascending rank %d, want %d", *e.Rank, lower+1)
		}
	}
	// Entries are ordered by rank, the top one has the highest raw value.
	top := r.Entries[0]
	for _, k := range keys {
		if v, ok := raw[k]; ok && v > *top.Value {
			t.Errorf("%s has %v > top %v", k, v, *top.Value)
		}
	}
	// CSV: header, one row per Kreis, footer with source and licence.
	var b strings.Builder
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(strings.NewReader(b.String()))
	cr.Comment = '#'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 401 || rows[0][0] != "rank" {
		t.Errorf("csv: %d rows, header %v", len(rows), rows[0])
	}
	if !strings.Contains(b.String(), "# Quelle: Regionaldatenbank") || !strings.Contains(b.String(), "dl-de/by-2-0") {
		t.Errorf("csv footer lacks source or licence:\n%s", b.String()[len(b.String())-600:])
	}
}

func TestProfileMuenchen(t *testing.T) {
	ctx := context.Background()
	p, err := testAn.Profile(ctx, "09162", 5)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "München" || p.Level != atlas.LevelKreis || len(p.Parents) != 1 || p.Parents[0].Key != "09" || p.Parents[0].Name != "Bayern" {
		t.Errorf("profile head: %+v parents %+v", p.RegionRef, p.Parents)
	}
	if p.Children == nil || p.Children.Level != atlas.LevelGemeinde || p.Children.Count != 1 || p.Children.Regions[0].Key != "09162000" {
		t.Errorf("children: %+v", p.Children)
	}
	byID := map[string]analysis.ProfileIndicator{}
	for _, pi := range p.Indicators {
		byID[pi.ID] = pi
	}
	ur := byID["unemployment_rate"]
	raw := rawUnemployment(t, 2020)
	if ur.Latest == nil || ur.Latest.Year != 2020 || ur.Latest.Value != raw["09162"] {
		t.Fatalf("unemployment_rate latest: %+v, raw 2020 %v", ur.Latest, raw["09162"])
	}
	if len(ur.Series) != 6 || ur.Series[0].Year != 2015 {
		t.Errorf("series: %+v", ur.Series)
	}
	if ur.Land == nil || ur.Land.Value == nil || *ur.Land.Value != raw["09"] {
		t.Errorf("Land reference: %+v, raw Bayern %v", ur.Land, raw["09"])
	}
	if ur.Land.Basis != analysis.BasisOfficial {
		t.Errorf("Land reference basis %q, want amtlich (the Land row of the raw file)", ur.Land.Basis)
	}
	// The raw file's own Germany row (DG), marked official; 2019 of the
	// series with Bayern and Germany as in the raw file (2.8 and 5.0).
	if ur.Germany == nil || ur.Germany.Value == nil || *ur.Germany.Value != raw["DG"] || ur.Germany.Basis != analysis.BasisOfficial {
		t.Errorf("Germany reference: %+v, raw DG %v (amtlich)", ur.Germany, raw["DG"])
	}
	raw19 := rawUnemployment(t, 2019)
	for _, pt := range ur.Series {
		if pt.Year == 2019 && (pt.Land == nil || pt.Land.Value != raw19["09"] || pt.Germany == nil || pt.Germany.Value != raw19["DG"] || pt.Germany.Basis != analysis.BasisOfficial) {
			t.Errorf("2019: land %+v germany %+v, raw Bayern %v Germany %v", pt.Land, pt.Germany, raw19["09"], raw19["DG"])
		}
	}
	// A rate without a Germany row gets no value (a mean of rates is not
	// Germany's rate): the GISD score has no DG row.
	if g := byID["gisd_score"].Germany; g == nil || g.Value != nil || g.Note == "" {
		t.Errorf("Germany reference of gisd_score must be empty with a note: %+v", g)
	}
	// Percentile: mid-rank among the Kreise with a value, recomputed.
	keys := kreisKeys(t)
	raw["11000"], raw["02000"] = raw["11"], raw["02"]
	below, equal, n := 0, 0, 0
	for _, k := range keys {
		if v, ok := raw[k]; ok {
			n++
			switch {
			case v < raw["09162"]:
				below++
			case v == raw["09162"]:
				equal++
			}
		}
	}
	want := math.Round(1000*(float64(below)+0.5*float64(equal))/float64(n)) / 10
	if ur.Latest.Percentile != want || ur.Latest.Of != n {
		t.Errorf("percentile %v of %d, want %v of %d", ur.Latest.Percentile, ur.Latest.Of, want, n)
	}
	// Population: the Germany value is the sum of the Länder, marked as own calculation.
	pop := byID["population"]
	if pop.Latest == nil || pop.Germany == nil || pop.Germany.Value == nil || !strings.Contains(pop.Germany.Note, "eigene Berechnung") {
		t.Fatalf("population Germany reference: %+v", pop.Germany)
	}
	vals, err := testSvc.Store().Values(ctx, "population", atlas.LevelLand, pop.Latest.Year)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, v := range vals {
		sum += v.Value
	}
	if len(vals) != 16 || *pop.Germany.Value != sum {
		t.Errorf("Germany %v, sum of %d Länder %v", *pop.Germany.Value, len(vals), sum)
	}
	// Similar regions: named indicators of one year, München itself excluded.
	if p.Similar == nil || len(p.Similar.Regions) != 5 || len(p.Similar.Indicators) < 5 {
		t.Fatalf("similar: %+v", p.Similar)
	}
	for _, r := range p.Similar.Regions {
		if r.Key == "09162" {
			t.Error("München listed as similar to itself")
		}
	}
	for _, id := range p.Similar.Indicators {
		if id == "population" || strings.HasPrefix(id, "koenigsteiner") {
			t.Errorf("size-dependent indicator %s used for similarity", id)
		}
	}
	t.Logf("similar to München (%d): %+v", p.Similar.Year, p.Similar.Regions)
}

func TestProfileGemeindeParents(t *testing.T) {
	// Eisenach (Gemeinde key of Gebietsstand 2021) lies in Kreis 16056, which
	// the 2024 Kreis boundaries no longer have: the profile says so.
	p, err := testAn.Profile(context.Background(), "16056000", 3)
	if err != nil {
		t.Fatal(err)
	}
	var kreis *analysis.RegionRef
	for i := range p.Parents {
		if p.Parents[i].Level == atlas.LevelKreis {
			kreis = &p.Parents[i]
		}
	}
	if kreis == nil || kreis.Key != "16056" || kreis.Name != "" || kreis.Note == "" {
		t.Errorf("Eisenach's Kreis: %+v", kreis)
	}
	if _, err := testAn.Profile(context.Background(), "99999", 3); !errors.Is(err, atlas.ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestKoenigsteinerSchluesselSeeds(t *testing.T) {
	ctx := context.Background()
	// The seed file read with plain string handling.
	b, err := os.ReadFile("../../seeds/indicators/koenigsteiner_schluessel.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]float64{}
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[5], 64)
		if err != nil {
			t.Fatal(err)
		}
		sums[r[2]] += v
	}
	for basis, s := range sums {
		if math.Abs(s-100) > 1e-9 {
			t.Errorf("%s sums to %.6f, want 100", basis, s)
		}
	}
	for _, y := range []int{2014, 2015, 2016} {
		vals, err := testSvc.Store().Values(ctx, analysis.KSIndicator, atlas.LevelLand, y)
		if err != nil {
			t.Fatal(err)
		}
		use, err := testSvc.Store().Values(ctx, analysis.KSYearOfUseIndicator, atlas.LevelLand, y)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for k, v := range vals {
			sum += v.Value
			if use[k].Value != float64(y+1) {
				t.Errorf("KS %d, Land %s: year of use %v, want %d", y, k, use[k].Value, y+1)
			}
		}
		if len(vals) != 16 || math.Abs(sum-100) > 1e-9 {
			t.Errorf("KS %d: %d Länder, sum %.6f", y, len(vals), sum)
		}
	}
	// Spot checks against ../shared/docs/domain.md §6: NW 2016, BB 2014.
	nw, _ := testSvc.Store().Values(ctx, analysis.KSIndicator, atlas.LevelLand, 2016)
	bb, _ := testSvc.Store().Values(ctx, analysis.KSIndicator, atlas.LevelLand, 2014)
	law, _ := testSvc.Store().Values(ctx, analysis.KSLuKIFGIndicator, atlas.LevelLand, 2025)
	if nw["05"].Value != 21.14424 || bb["12"].Value != 3.08092 || law["09"].Value != 15.70230 || len(law) != 16 {
		t.Errorf("NW 2016 %v, BB 2014 %v, BY LuKIFG %v (%d)", nw["05"].Value, bb["12"].Value, law["09"].Value, len(law))
	}
}

// storedShares returns the shares (0…1) of a count per Land from the store.
func storedShares(t *testing.T, id string, year int) map[string]float64 {
	t.Helper()
	vals, err := testSvc.Store().Values(context.Background(), id, atlas.LevelLand, year)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, v := range vals {
		sum += v.Value
	}
	out := map[string]float64{}
	for k, v := range vals {
		out[k] = v.Value / sum
	}
	return out
}

func TestDistributionEqualsFormulaOnStoredValues(t *testing.T) {
	ctx := context.Background()
	res, err := testAn.Distribution(ctx, analysis.DistributionQuery{Level: atlas.LevelLand,
		Weights: []analysis.Weight{{Indicator: "population", Weight: 1}, {Indicator: "vacancy_rate_zensus2022", Weight: 1}}, Arrivals: 100000, KS: "2016"})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: population shares (31.12.2023) and, per Land, the Zensus
	// vacancy rate as the dwelling-weighted mean of its Gemeinden × all
	// dwellings (= vacant dwellings), as shares; the model is their mean.
	pop := storedShares(t, "population", 2023)
	rate, _ := testSvc.Store().Values(ctx, "vacancy_rate_zensus2022", atlas.LevelGemeinde, 2022)
	dw, _ := testSvc.Store().Values(ctx, "dwellings_zensus2022", atlas.LevelGemeinde, 2022)
	num, cov, all := map[string]float64{}, map[string]float64{}, map[string]float64{}
	for k, d := range dw {
		all[k[:2]] += d.Value
		if r, ok := rate[k]; ok && !math.IsNaN(r.Value) {
			num[k[:2]] += d.Value * r.Value
			cov[k[:2]] += d.Value
		}
	}
	vacant, total := map[string]float64{}, 0.0
	for l := range all {
		vacant[l] = num[l] / cov[l] * all[l]
		total += vacant[l]
	}
	ks := map[string]float64{}
	b, _ := os.ReadFile("../../seeds/indicators/koenigsteiner_schluessel.csv")
	rows, _ := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	for _, r := range rows[1:] {
		if r[2] == "KS 2016" {
			ks[r[0]], _ = strconv.ParseFloat(r[5], 64)
		}
	}
	if len(res.Regions) != 16 {
		t.Fatalf("%d Länder", len(res.Regions))
	}
	sumShare, sumPersons, sumDiff := 0.0, 0, 0.0
	for _, r := range res.Regions {
		want := 100 * (pop[r.Key] + vacant[r.Key]/total) / 2
		if math.Abs(r.Share-want) > 1e-9 {
			t.Errorf("%s: share %.9f, formula %.9f", r.Key, r.Share, want)
		}
		if r.Reference != ks[r.Key] || math.Abs(r.DiffPP-(r.Share-ks[r.Key])) > 1e-12 {
			t.Errorf("%s: reference %v diff %v, KS 2016 %v", r.Key, r.Reference, r.DiffPP, ks[r.Key])
		}
		if math.Abs(r.Persons-1000*r.Share) > 1e-6 || math.Abs(r.DiffPersons-1000*r.DiffPP) > 1e-6 {
			t.Errorf("%s: persons %v for share %v of 100000", r.Key, r.Persons, r.Share)
		}
		if r.Band.Min > r.Share+1e-12 || r.Band.Max < r.Share-1e-12 || r.Band.Max-r.Band.Min <= 0 {
			t.Errorf("%s: band %+v around %v", r.Key, r.Band, r.Share)
		}
		sumShare += r.Share
		sumPersons += r.PersonsRounded
		sumDiff += r.DiffPP
	}
	if math.Abs(sumShare-100) > 1e-9 || sumPersons != 100000 || math.Abs(sumDiff) > 1e-9 {
		t.Errorf("shares sum %v, rounded persons %d, differences %v", sumShare, sumPersons, sumDiff)
	}
	if res.KS.KeyYear == nil || *res.KS.KeyYear != 2016 || res.KS.YearOfUse == nil || *res.KS.YearOfUse != 2017 {
		t.Errorf("ks: %+v", res.KS)
	}
	if res.DataVersion == 0 || !strings.Contains(res.Query, "weights=population:1,vacancy_rate_zensus2022:1") || !strings.Contains(res.Query, "years=population:2023,vacancy_rate_zensus2022:2022") {
		t.Errorf("reproducibility: version %d query %q", res.DataVersion, res.Query)
	}
	if res.Sensitivity.Combinations != 9 {
		t.Errorf("sensitivity %+v", res.Sensitivity)
	}
	// Population alone is the population share.
	only, err := testAn.Distribution(ctx, analysis.DistributionQuery{Level: atlas.LevelLand, Weights: []analysis.Weight{{Indicator: "population", Weight: 3}}, Arrivals: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range only.Regions {
		if math.Abs(r.Share-100*pop[r.Key]) > 1e-9 || r.Band.Min != r.Band.Max && math.Abs(r.Band.Max-r.Band.Min) > 1e-12 {
			t.Errorf("%s: %v vs population share %v, band %+v", r.Key, r.Share, 100*pop[r.Key], r.Band)
		}
	}
	// Need indicators and unknown key years are refused.
	if _, err := testAn.Distribution(ctx, analysis.DistributionQuery{Level: atlas.LevelLand, Weights: []analysis.Weight{{Indicator: "unemployment_rate", Weight: 1}}}); !isParam(err, "weights") {
		t.Errorf("need indicator: %v", err)
	}
	if _, err := testAn.Distribution(ctx, analysis.DistributionQuery{Level: atlas.LevelLand, Weights: []analysis.Weight{{Indicator: "population", Weight: 1}}, KS: "2019"}); !isParam(err, "ks_year") {
		t.Errorf("ks 2019: %v", err)
	}
}

func isParam(err error, name string) bool {
	var pe *atlas.ParamError
	return errors.As(err, &pe) && pe.Param == name
}

func TestDistributionKreiseOfBayernWithKreisRate(t *testing.T) {
	ctx := context.Background()
	res, err := testAn.Distribution(ctx, analysis.DistributionQuery{Level: atlas.LevelKreis, Land: "09",
		Weights: []analysis.Weight{{Indicator: "population", Weight: 2}, {Indicator: "childcare_under3", Weight: 1}}, Arrivals: 100000, KS: "2016"})
	if err != nil {
		t.Fatal(err)
	}
	// childcare_under3: latest year 2020; weight population of the nearest year (2021).
	c := res.Components[1]
	if c.Year != 2020 || c.Base == nil || c.Base.Indicator != "population" || c.Base.Year != 2021 || c.Base.Note == "" {
		t.Fatalf("component %+v base %+v", c, c.Base)
	}
	care, _ := testSvc.Store().Values(ctx, "childcare_under3", atlas.LevelKreis, 2020)
	p21, _ := testSvc.Store().Values(ctx, "population", atlas.LevelKreis, 2021)
	p23, _ := testSvc.Store().Values(ctx, "population", atlas.LevelKreis, 2023)
	var massSum, popSum float64
	for k := range care {
		if strings.HasPrefix(k, "09") && len(p21) > 0 {
			massSum += care[k].Value * p21[k].Value
			popSum += p23[k].Value
		}
	}
	if len(res.Regions) != 96 {
		t.Errorf("%d Kreise of Bayern, want 96", len(res.Regions))
	}
	for _, r := range res.Regions {
		want := 100 * (2*p23[r.Key].Value/popSum + care[r.Key].Value*p21[r.Key].Value/massSum) / 3
		if math.Abs(r.Share-want) > 1e-9 {
			t.Errorf("%s: %v, formula %v", r.Key, r.Share, want)
		}
		if math.Abs(r.Reference-100*p23[r.Key].Value/popSum) > 1e-9 {
			t.Errorf("%s: reference %v", r.Key, r.Reference)
		}
	}
	// Bayern receives its KS 2016 share of the arrivals.
	if math.Abs(res.ArrivalsInScope-100000*15.53327/100) > 1e-6 {
		t.Errorf("arrivals in Bayern %v", res.ArrivalsInScope)
	}
}

func TestIndexByHand(t *testing.T) {
	ctx := context.Background()
	res, err := testAn.Index(ctx, analysis.IndexQuery{Level: atlas.LevelKreis,
		Weights: []analysis.Weight{{Indicator: "childcare_under3", Weight: 2}, {Indicator: "vacancy_rate_zensus2022", Weight: 1}, {Indicator: "unemployment_rate", Weight: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	years := map[string]int{}
	for _, c := range res.Components {
		years[c.Indicator] = c.Year
	}
	if years["childcare_under3"] != 2020 || years["vacancy_rate_zensus2022"] != 2022 || years["unemployment_rate"] != 2020 {
		t.Fatalf("years %v", years)
	}
	// Kreis vacancy rate by hand: Σ(dwellings × rate) ÷ Σ dwellings over the
	// Gemeinden of 09162 (München has one Gemeinde) and of 03241 (Region Hannover).
	rate, _ := testSvc.Store().Values(ctx, "vacancy_rate_zensus2022", atlas.LevelGemeinde, 2022)
	dw, _ := testSvc.Store().Values(ctx, "dwellings_zensus2022", atlas.LevelGemeinde, 2022)
	kreisRate := func(kreis string) float64 {
		var num, den float64
		for k, d := range dw {
			if r, ok := rate[k]; ok && strings.HasPrefix(k, kreis) && !math.IsNaN(r.Value) {
				num += d.Value * r.Value
				den += d.Value
			}
		}
		return num / den
	}
	care, _ := testSvc.Store().Values(ctx, "childcare_under3", atlas.LevelKreis, 2020)
	ur, _ := testSvc.Store().Values(ctx, "unemployment_rate", atlas.LevelKreis, 2020)
	keys := kreisKeys(t)
	minmax := func(f func(k string) float64) (float64, float64) {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, k := range keys {
			if v := f(k); !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		return lo, hi
	}
	val := func(m map[string]atlas.Value) func(string) float64 {
		return func(k string) float64 {
			if v, ok := m[k]; ok {
				return v.Value
			}
			return math.NaN()
		}
	}
	cLo, cHi := minmax(val(care))
	uLo, uHi := minmax(val(ur))
	vLo, vHi := math.Inf(1), math.Inf(-1)
	for _, k := range keys {
		v := kreisRate(k)
		vLo, vHi = math.Min(vLo, v), math.Max(vHi, v)
	}
	for _, key := range []string{"09162", "03241", "16063"} {
		var got *analysis.IndexRegion
		for i := range res.Regions {
			if res.Regions[i].Key == key {
				got = &res.Regions[i]
			}
		}
		if got == nil {
			t.Fatalf("%s not scored", key)
		}
		n1 := (care[key].Value - cLo) / (cHi - cLo)
		n2 := (kreisRate(key) - vLo) / (vHi - vLo)
		n3 := (uHi - ur[key].Value) / (uHi - uLo) // need: inverted
		want := 100 * (2*n1 + n2 + n3) / 4
		if math.Abs(got.Index-want) > 1e-9 || math.Abs(got.Contributions["unemployment_rate"]-100*n3/4) > 1e-9 {
			t.Errorf("%s: index %v, by hand %v (contributions %v)", key, got.Index, want, got.Contributions)
		}
		if math.Abs(got.Values["vacancy_rate_zensus2022"]-kreisRate(key)) > 1e-12 {
			t.Errorf("%s: vacancy rate %v, by hand %v", key, got.Values["vacancy_rate_zensus2022"], kreisRate(key))
		}
	}
	for i := 1; i < len(res.Regions); i++ {
		if res.Regions[i].Index > res.Regions[i-1].Index {
			t.Fatalf("regions not ordered by index at %d", i)
		}
	}
	if res.Scored+len(res.Incomplete) != 400 {
		t.Errorf("scored %d + incomplete %d != 400", res.Scored, len(res.Incomplete))
	}
	// Counts and context indicators are refused.
	for _, w := range []string{"population", "share_foreign"} {
		if _, err := testAn.Index(ctx, analysis.IndexQuery{Level: atlas.LevelKreis, Weights: []analysis.Weight{{Indicator: w, Weight: 1}}}); !isParam(err, "weights") {
			t.Errorf("%s accepted: %v", w, err)
		}
	}
	// Rent per m² cannot be aggregated from Gemeinden (no floor-area weight).
	if _, err := testAn.Index(ctx, analysis.IndexQuery{Level: atlas.LevelKreis, Weights: []analysis.Weight{{Indicator: "rent_zensus2022", Weight: 1}}}); !isParam(err, "weights") {
		t.Errorf("rent_zensus2022 at Kreis level: %v", err)
	}
	// z-scores: the index of the mean region is 0; contributions sum to the index.
	z, err := testAn.Index(ctx, analysis.IndexQuery{Level: atlas.LevelKreis, Method: "zscore", Weights: []analysis.Weight{{Indicator: "gp_density", Weight: 1}}, Year: 2019})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, r := range z.Regions {
		sum += r.Index
	}
	if math.Abs(sum) > 1e-9 {
		t.Errorf("z-scores of one indicator sum to %v, want 0", sum)
	}
}

func TestHeadroom(t *testing.T) {
	ctx := context.Background()
	res, err := testAn.Headroom(ctx, analysis.HeadroomQuery{Level: atlas.LevelLand, Arrivals: 100000, KS: "2016"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Capacity.Indicator != analysis.VacantDwellings || res.Capacity.Year != 2022 || len(res.MissingCapacities) == 0 {
		t.Errorf("capacity %+v missing %v", res.Capacity, res.MissingCapacities)
	}
	sum := 0.0
	for _, r := range res.Regions {
		if r.Capacity == nil || r.CapacityPerArrival == nil {
			t.Fatalf("%s: %+v", r.Key, r)
		}
		want := *r.Capacity / (1000 * r.Share)
		if math.Abs(*r.CapacityPerArrival-want) > 1e-9 {
			t.Errorf("%s: %v, want %v", r.Key, *r.CapacityPerArrival, want)
		}
		sum += r.ExpectedArrivals
	}
	if math.Abs(sum-100000) > 1e-6 {
		t.Errorf("expected arrivals sum to %v", sum)
	}
	// The map is classified as every map: 5 quantile classes of capacity
	// per arrival whose counts add up to the 16 Länder, classes rising
	// with the value.
	if len(res.Legend.Classes) != 5 {
		t.Fatalf("legend %+v", res.Legend)
	}
	counted := 0
	for _, c := range res.Legend.Classes {
		counted += c.Count
	}
	if counted != len(res.Regions) || counted != 16 {
		t.Errorf("legend counts %d regions of %d", counted, len(res.Regions))
	}
	for _, a := range res.Regions {
		for _, b := range res.Regions {
			if *a.CapacityPerArrival < *b.CapacityPerArrival && a.Class > b.Class {
				t.Errorf("%s (%v) in class %d above %s (%v) in class %d", a.Key, *a.CapacityPerArrival, a.Class, b.Key, *b.CapacityPerArrival, b.Class)
			}
		}
	}
	_, err = testAn.Headroom(ctx, analysis.HeadroomQuery{Level: atlas.LevelLand, Arrivals: 1000, Capacity: "kita_places"})
	if !isParam(err, "capacity") || !strings.Contains(err.Error(), "nicht in den Daten") {
		t.Errorf("kita_places: %v", err)
	}
}

func TestCompareCSV(t *testing.T) {
	c, err := testAn.Compare(context.Background(), analysis.CompareQuery{Keys: []string{"09162", "09184", "11000"}, Indicators: []string{"unemployment_rate", "childcare_under3", "population"}})
	if err != nil {
		t.Fatal(err)
	}
	raw := rawUnemployment(t, 2020)
	for _, ind := range c.Indicators {
		if ind.ID != "unemployment_rate" {
			continue
		}
		if ind.YearRule != "common" {
			t.Errorf("year rule %q", ind.YearRule)
		}
		for _, v := range ind.Values {
			want := raw[v.Key]
			if v.Key == "11000" {
				want = raw["11"]
			}
			if v.Year == nil || *v.Year != 2020 || v.Value == nil || *v.Value != want {
				t.Errorf("%s: %+v, raw %v", v.Key, v, want)
			}
		}
	}
	var b strings.Builder
	if err := c.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(strings.NewReader(b.String()))
	cr.Comment = '#'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+3*3 {
		t.Errorf("%d csv rows", len(rows))
	}
	if !strings.Contains(b.String(), "# Quellenvermerk: © GeoBasis-DE / BKG") || !strings.Contains(b.String(), "Lizenz: dl-de/by-2-0") {
		t.Errorf("csv footer:\n%s", b.String())
	}
	if _, err := testAn.Compare(context.Background(), analysis.CompareQuery{Keys: slices.Repeat([]string{"09162"}, 11)}); !isParam(err, "keys") {
		t.Errorf("11 keys: %v", err)
	}
}

// Issue 15, item 6: the analyses check their own numbers too (for callers
// other than the HTTP parser): a weight of NaN, Inf, 1e308 or 0, NaN
// arrivals or perturbation are a *ParamError naming the parameter, never
// NaN in an answer.
func TestAnalysesRefuseNonFiniteNumbers(t *testing.T) {
	ctx := context.Background()
	for _, w := range []float64{math.NaN(), math.Inf(1), 1e308, 0, -1} {
		ws := []analysis.Weight{{Indicator: "childcare_under3", Weight: 1}, {Indicator: "unemployment_rate", Weight: w}}
		if _, err := testAn.Index(ctx, analysis.IndexQuery{Level: atlas.LevelKreis, Weights: ws}); !isParam(err, "weights") {
			t.Errorf("index weight %g: %v", w, err)
		}
		if _, err := testAn.Distribution(ctx, analysis.DistributionQuery{Level: atlas.LevelLand, Weights: ws, Arrivals: 1000}); !isParam(err, "weights") {
			t.Errorf("distribution weight %g: %v", w, err)
		}
	}
	ws := []analysis.Weight{{Indicator: "population", Weight: 1}}
	for _, q := range []analysis.DistributionQuery{{Perturb: math.NaN()}, {Perturb: 1}, {Arrivals: math.NaN(), Perturb: 0.2}, {Arrivals: math.Inf(1)}} {
		q.Level, q.Weights = atlas.LevelLand, ws
		if _, err := testAn.Distribution(ctx, q); !isParam(err, "perturb") && !isParam(err, "arrivals") {
			t.Errorf("distribution %+v: %v", q, err)
		}
	}
}

func TestRanksAgreeWithRankOf(t *testing.T) {
	vals := []float64{3, math.NaN(), 5, 5, 1, 3, 7}
	want := []int{4, 0, 2, 2, 6, 4, 1}
	if got := analysis.RanksForTest(vals); !slices.Equal(got, want) {
		t.Errorf("ranks %v, want %v", got, want)
	}
}

// Issue 15, item 8: the analyses' CSV answers escape cells a spreadsheet
// would run as formulas (a region name from a crafted boundary file).
func TestCSVAnswersEscapeFormulas(t *testing.T) {
	v := 3.5
	r := &analysis.Ranking{Entries: []analysis.RankEntry{{Key: "09162", Name: `=HYPERLINK("http://evil.example","München")`, Type: "@x", Value: &v}}}
	var b strings.Builder
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `,"'=HYPERLINK(""http://evil.example"",""München"")",'@x,3.5,`) {
		t.Errorf("ranking CSV:\n%s", b.String())
	}
}
