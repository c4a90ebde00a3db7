package atlas

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestStdDevClassesCentredOnTheMean(t *testing.T) {
	if mean, sd := MeanSD([]float64{3, 3, 7, 7, math.NaN()}); mean != 5 || sd != 2 {
		t.Fatalf("mean %v sd %v, want 5 and 2", mean, sd)
	}
	// 1…9: mean 5, sd √(60/9) ≈ 2.582. Five classes asked: six drawn (they
	// come in pairs), the mean a break, the breaks symmetric one sd apart
	// (2.4, 5, 7.6 at one decimal; ±2 sd = −0.2 and 10.2), every class drawn,
	// the outer ones empty since no value lies 2 sd out.
	values := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, math.NaN()}
	for _, k := range []int{5, 6} {
		c, err := Classify(values, k, MethodStdDev, 1)
		if err != nil {
			t.Fatal(err)
		}
		var lowers []float64
		counts := 0
		for _, cl := range c.Classes {
			lowers = append(lowers, cl.Lower)
			counts += cl.Count
		}
		mean, sd := MeanSD(values)
		if len(c.Classes) != 6 || lowers[3] != mean || counts != 9 || c.Classes[0].Count != 0 || c.Classes[5].Count != 0 {
			t.Errorf("k=%d: classes %+v", k, c.Classes)
		}
		for i := 1; i <= 2; i++ { // symmetric: lowers[3±i] at mean ± i·sd (rounded)
			if math.Abs((lowers[3+i]-mean)+(lowers[3-i]-mean)) > 0.1 || math.Abs(lowers[3+i]-mean-float64(i)*sd) > 0.05 {
				t.Errorf("k=%d: breaks %v not symmetric around %v (sd %v)", k, lowers, mean, sd)
			}
		}
		// the mean's own value sits in the class starting at the mean, not in a class below it
		if c.ClassOf(mean) != 3 {
			t.Errorf("k=%d: the mean is in class %d", k, c.ClassOf(mean))
		}
	}
	// An odd count is raised to the next pair, and lowered where that would
	// exceed MaxClasses (as stddevClasses says).
	for k, want := range map[int]int{3: 4, 5: 6, 7: 8, 8: 8, 9: 8} {
		if c, err := Classify(values, k, MethodStdDev, 1); err != nil || len(c.Classes) != want {
			t.Errorf("k=%d: %d stddev classes (%v), want %d", k, len(c.Classes), err, want)
		}
	}
	// The legend's outer classes are open: their far bounds are steps of
	// the classification (−2.8 and 12.7 here), not values of the data.
	_, lg, err := ClassifyColumn(values, ColumnClasses{Method: MethodStdDev, Classes: 6, Decimals: 1})
	if err != nil || lg.Classes[0].Label != "< "+FormatDE(-0.2, 1) || lg.Classes[1].Label != FormatDE(-0.2, 1)+" – < 2,4" || lg.Classes[5].Label != "≥ 10,2" {
		t.Errorf("stddev legend %+v, %v", lg.Classes, err)
	}
	// Four classes: mean − sd, mean, mean + sd.
	c, _ := Classify([]float64{1, 3, 5, 7, 9}, 4, MethodStdDev, 3)
	if len(c.Classes) != 4 || c.Classes[2].Lower != 5 {
		t.Errorf("four stddev classes: %+v", c.Classes)
	}
}

func TestManualBreaksKeepEveryClass(t *testing.T) {
	values := []float64{1.3, 2.2, 2.8, 3.5, 3.8, 4.4, 4.9, 5.5, math.NaN()}
	c, err := ClassifyBreaks(values, []float64{1, 2.5, 4})
	if err != nil {
		t.Fatal(err)
	}
	// [1, 2.5) [2.5, 4) [4, 5.5]: the data minimum 1.3 lies above the first
	// break, so the first class starts at the break.
	want := []Class{{1, 2.5, 2}, {2.5, 4, 3}, {4, 5.5, 3}}
	if !slices.Equal(c.Classes, want) {
		t.Errorf("classes %+v, want %+v", c.Classes, want)
	}
	if c.ClassOf(2.5) != 1 || c.ClassOf(4) != 2 || c.ClassOf(5.5) != 2 {
		t.Errorf("half-open intervals violated")
	}
	// Classes between breaks exist also when empty: [2, 4) has no value.
	c, _ = ClassifyBreaks([]float64{5, 6, 7}, []float64{2, 4, 6})
	if len(c.Classes) != 3 || c.Classes[0].Count != 0 || c.Classes[0].Lower != 2 || c.Classes[2].Upper != 7 {
		t.Errorf("classes %+v", c.Classes)
	}
	var pe *ParamError
	for _, bad := range [][]float64{nil, {3, 2}, {1, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		if _, err := ClassifyBreaks(values, bad); !errors.As(err, &pe) {
			t.Errorf("breaks %v accepted", bad)
		}
	}
	if _, err := Classify(values, 3, MethodManual, 1); !errors.As(err, &pe) {
		t.Error("manual classes without breaks accepted")
	}
	if b, err := ValidBreaks("1,2.5,4"); err != nil || !slices.Equal(b, []float64{1, 2.5, 4}) {
		t.Errorf("ValidBreaks: %v %v", b, err)
	}
	for _, bad := range []string{"1,,2", "2,1", "1;2", "1,2,2", "a"} {
		if _, err := ValidBreaks(bad); err == nil {
			t.Errorf("ValidBreaks(%q) accepted", bad)
		}
	}
}

func TestRecountKeepsBoundsOfPooledClasses(t *testing.T) {
	pooled := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	c, err := Classify(pooled, 5, MethodEqual, 0)
	if err != nil {
		t.Fatal(err)
	}
	one := c.Recount([]float64{2, 3, 9, math.NaN()})
	counts := []int{}
	for i, cl := range one.Classes {
		if cl.Lower != c.Classes[i].Lower || cl.Upper != c.Classes[i].Upper {
			t.Errorf("bounds changed: %+v vs %+v", cl, c.Classes[i])
		}
		counts = append(counts, cl.Count)
	}
	if !slices.Equal(counts, []int{0, 2, 0, 0, 1}) {
		t.Errorf("counts %v", counts)
	}
}

func TestSchemes(t *testing.T) {
	for _, name := range []string{"RdBu", "PuOr", "Blues", "OrRd", "Purples"} {
		for n := 1; n <= 9; n++ {
			cs := SchemeColors(name, n)
			if len(cs) != n {
				t.Errorf("%s %d: %d colours", name, n, len(cs))
			}
			rev := SchemeColors(name+"_r", n)
			slices.Reverse(rev)
			if !slices.Equal(cs, rev) {
				t.Errorf("%s_r %d is not the reverse", name, n)
			}
		}
	}
	// ColorBrewer RdBu 5 classes: red to blue with a neutral middle.
	if got := SchemeColors("RdBu", 5); !slices.Equal(got, []string{"#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"}) {
		t.Errorf("RdBu 5 = %v", got)
	}
	if s, err := ParseScheme("rdbu_R"); err != nil || s != "RdBu_r" {
		t.Errorf("ParseScheme: %q %v", s, err)
	}
	if _, err := ParseScheme("Jet"); err == nil {
		t.Error("unknown scheme accepted")
	}
	if !IsDiverging("PuOr_r") || IsDiverging("Blues") {
		t.Error("IsDiverging")
	}
	// Capacity: high values blue; need: high values red.
	capHigh := SchemeColors(DivergingFor(DirectionCapacity), 5)[4]
	needHigh := SchemeColors(DivergingFor(DirectionNeed), 5)[4]
	if capHigh != "#0571b0" || needHigh != "#ca0020" {
		t.Errorf("diverging defaults: capacity high %s, need high %s", capHigh, needHigh)
	}
}

func TestHistogramBins(t *testing.T) {
	vals := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, math.NaN()}
	h := histogram(vals, vals, 5, []float64{5}, false)
	counts := []int{}
	for _, b := range h.Bins {
		counts = append(counts, b.Count)
	}
	// [0,2) [2,4) [4,6) [6,8) [8,10]: the maximum is inside the last bin.
	if !slices.Equal(counts, []int{2, 2, 2, 2, 3}) || h.Count != 11 || *h.Upper != 10 {
		t.Errorf("bins %v, count %d", counts, h.Count)
	}
	one := histogram([]float64{4, 4}, []float64{4, 4}, 20, nil, false)
	if len(one.Bins) != 1 || one.Bins[0].Count != 2 {
		t.Errorf("constant values: %+v", one.Bins)
	}
}
