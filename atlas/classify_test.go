package atlas

import (
	"math"
	"testing"
)

func TestCkmeansKnownClusters(t *testing.T) {
	// The example of Wang & Song's Ckmeans.1d.dp and simple-statistics:
	// ckmeans([-1, 2, -1, 2, 4, 5, 6, -1, 2, -1], 3) = [[-1,-1,-1,-1],[2,2,2],[4,5,6]].
	got := ckmeansBreaks([]float64{-1, -1, -1, -1, 2, 2, 2, 4, 5, 6}, 3)
	if len(got) != 2 || got[0] != 2 || got[1] != 4 {
		t.Fatalf("ckmeans breaks = %v, want [2 4]", got)
	}
}

func TestClassifyLastClassHoldsMaximum(t *testing.T) {
	values := []float64{1.3, 2.2, 2.8, 3.5, 3.8, 4.4, 4.9, 5.5, 6.3, 12.8, math.NaN()}
	for _, m := range []Method{MethodQuantile, MethodEqual, MethodJenks} {
		c, err := Classify(values, 5, m, 1)
		if err != nil {
			t.Fatal(err)
		}
		last := c.Classes[len(c.Classes)-1]
		if last.Upper != 12.8 || c.ClassOf(12.8) != len(c.Classes)-1 {
			t.Errorf("%s: maximum 12.8 not inside the last class %+v", m, c.Classes)
		}
		total := 0
		for i, cl := range c.Classes {
			total += cl.Count
			if i > 0 && cl.Lower != c.Classes[i-1].Upper {
				t.Errorf("%s: class %d starts at %v, previous ends at %v", m, i, cl.Lower, c.Classes[i-1].Upper)
			}
		}
		if total != 10 {
			t.Errorf("%s: %d values counted, want 10 (NaN excluded)", m, total)
		}
		if c.ClassOf(math.NaN()) != -1 {
			t.Errorf("%s: NaN must be in no class", m)
		}
	}
}

func TestClassifyHalfOpenIntervals(t *testing.T) {
	// Equal intervals over 0..10 in 5 classes: [0,2) [2,4) [4,6) [6,8) [8,10].
	c, err := Classify([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5, MethodEqual, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		v    float64
		want int
	}{{0, 0}, {1.99, 0}, {2, 1}, {7.99, 3}, {8, 4}, {10, 4}}
	for _, tt := range tests {
		if got := c.ClassOf(tt.v); got != tt.want {
			t.Errorf("ClassOf(%v) = %d, want %d (classes %+v)", tt.v, got, tt.want, c.Classes)
		}
	}
}

func TestClassifyFewDistinctValues(t *testing.T) {
	c, err := Classify([]float64{5, 5, 5, 7}, 5, MethodQuantile, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Classes) > 2 {
		t.Errorf("two distinct values gave %d classes", len(c.Classes))
	}
	if _, err := Classify([]float64{1, 2}, 12, MethodQuantile, 0); err == nil {
		t.Error("12 classes accepted")
	}
}

func TestFormatDE(t *testing.T) {
	tests := []struct {
		v    float64
		d    int
		want string
	}{{1633, 0, "1.633"}, {1234567.891, 2, "1.234.567,89"}, {-3.5, 1, "-3,5"}, {0.5, 2, "0,50"}}
	for _, tt := range tests {
		if got := FormatDE(tt.v, tt.d); got != tt.want {
			t.Errorf("FormatDE(%v, %d) = %q, want %q", tt.v, tt.d, got, tt.want)
		}
	}
	if got := FormatEN(1234567.891, 2); got != "1,234,567.89" {
		t.Errorf("FormatEN = %q, want 1,234,567.89", got)
	}
}

func TestFillCoverageDefaultYear(t *testing.T) {
	inds := []Indicator{{ID: "a"}}
	FillCoverage(inds, []CoverageRow{
		{"a", LevelKreis, 2019, 400}, {"a", LevelKreis, 2020, 398}, {"a", LevelKreis, 2021, 12}, {"a", LevelLand, 2019, 16},
	})
	if got := inds[0].DefaultYear; got != 2020 {
		t.Errorf("default year = %d, want 2020 (2021 covers only 12 Kreise)", got)
	}
	if len(inds[0].Levels) != 2 || len(inds[0].Years) != 3 {
		t.Errorf("levels %v years %v", inds[0].Levels, inds[0].Years)
	}
}

func TestParseKeyLevels(t *testing.T) {
	for _, tt := range []struct {
		key  string
		want Level
	}{{"09", LevelLand}, {"09162", LevelKreis}, {"09162000", LevelGemeinde}, {"065310014", LevelVWG}} {
		got, ok := LevelOfKey(tt.key)
		if !ok || got != tt.want || !ValidKey(got, tt.key) {
			t.Errorf("LevelOfKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
	if ValidKey(LevelKreis, "0916a") || ValidKey(LevelKreis, "9162") {
		t.Error("malformed Kreis keys accepted")
	}
	if ParentKey("09162000", LevelKreis) != "09162" || ParentKey("09162000", LevelLand) != "09" {
		t.Error("ParentKey")
	}
}

// Differences are classed symmetrically around 0: seven classes of width
// 2m/7 with m the largest |x| rounded up to a nice number; the middle class
// is "about equal"; labels carry signs.
func TestClassifySymmetric(t *testing.T) {
	// Differences of the distribution key to the Königsteiner Schlüssel, in
	// percentage points (the largest |x| 1.3 → m = 1.5, s = 1.5/7).
	diffs := []float64{-1.3, -0.5, -0.02, 0, 0.2, 0.31, 1.29, math.NaN()}
	cl, lg, err := ClassifyColumn(diffs, ColumnClasses{Method: MethodSymmetric, Decimals: 2, Scheme: "PuOr", Unit: "pp"})
	if err != nil {
		t.Fatal(err)
	}
	s := 1.5 / 7
	if len(cl.Classes) != 7 || cl.Classes[0].Lower != -1.5 || cl.Classes[6].Upper != 1.5 || math.Abs(cl.Classes[3].Lower+s) > 1e-12 || math.Abs(cl.Classes[3].Upper-s) > 1e-12 {
		t.Fatalf("classes %+v", cl.Classes)
	}
	want := []int{0, 2, 3, 3, 3, 4, 6, -1}
	for i, x := range diffs {
		if got := cl.ClassOf(x); got != want[i] {
			t.Errorf("class of %v = %d, want %d", x, got, want[i])
		}
	}
	counts := []int{1, 0, 1, 3, 1, 0, 1}
	for i, c := range lg.Classes {
		if c.Count != counts[i] {
			t.Errorf("class %d counts %d, want %d", i, c.Count, counts[i])
		}
	}
	if lg.NoData.Count != 1 || lg.Classes[0].Label != "< −1,07" || lg.Classes[3].Label != "−0,21 – < +0,21" || lg.Classes[6].Label != "≥ +1,07" || lg.Colors[3] != "#f7f7f7" {
		t.Errorf("legend: no data %d, labels %q %q %q, colours %v", lg.NoData.Count, lg.Classes[0].Label, lg.Classes[3].Label, lg.Classes[6].Label, lg.Colors)
	}
	if c := ClassifySymmetric([]float64{math.NaN()}); len(c.Classes) != 0 {
		t.Errorf("no values: %+v", c.Classes)
	}
}
