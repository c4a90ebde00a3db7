package atlas

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Method is a classification method for choropleth classes.
type Method string

// Classification methods.
const (
	MethodQuantile Method = "quantile" // equal counts per class
	MethodEqual    Method = "equal"    // equal interval widths
	MethodJenks    Method = "jenks"    // natural breaks (Ckmeans, optimal 1-D k-means)
	MethodStdDev   Method = "stddev"   // classes one standard deviation wide around the mean
	MethodManual   Method = "manual"   // breaks given by the user (ClassifyBreaks)
	// MethodSymmetric is seven classes symmetric around 0 for differences
	// (ClassifySymmetric); analyses use it, map queries do not offer it.
	MethodSymmetric Method = "symmetric"
)

// ParseMethod parses a classification method name.
func ParseMethod(s string) (Method, error) {
	switch strings.ToLower(s) {
	case "", "quantile", "quantil":
		return MethodQuantile, nil
	case "equal", "equal_interval", "interval":
		return MethodEqual, nil
	case "jenks", "ckmeans", "natural", "natural_breaks":
		return MethodJenks, nil
	case "stddev", "std", "standard_deviation":
		return MethodStdDev, nil
	case "manual":
		return MethodManual, nil
	}
	return "", &ParamError{Param: "method", Value: s, Reason: "must be quantile, equal, jenks, stddev or manual"}
}

// Class is one choropleth class: the interval [Lower, Upper), the last class
// closed [Lower, Upper] so that the maximum lies inside it.
type Class struct {
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	Count int     `json:"count"`
}

// Classification is the result of classifying a set of values.
type Classification struct {
	Method  Method  `json:"method"`
	Classes []Class `json:"classes"`
	// OpenBelow and OpenAbove mark an outer bound that is a step of the
	// classification beyond the data (standard deviations), not a value:
	// the legend labels such a class "< b" or "≥ b".
	OpenBelow bool `json:"-"`
	OpenAbove bool `json:"-"`
}

// MinClasses and MaxClasses bound the number of classes.
const (
	MinClasses = 2
	MaxClasses = 9
)

// Classify puts values (NaN ignored) into at most k classes. Breaks are
// rounded to the given number of decimals for quantile and equal-interval
// classes, so that the legend shows exactly the boundaries that were used.
// Fewer classes result when there are fewer distinct values.
func Classify(values []float64, k int, m Method, decimals int) (Classification, error) {
	if k < MinClasses || k > MaxClasses {
		return Classification{}, &ParamError{Param: "classes", Value: fmt.Sprint(k), Reason: fmt.Sprintf("must be between %d and %d", MinClasses, MaxClasses)}
	}
	xs := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs = append(xs, v)
		}
	}
	c := Classification{Method: m}
	if len(xs) == 0 {
		return c, nil
	}
	sort.Float64s(xs)
	if m == MethodStdDev {
		if sc, ok := stddevClasses(xs, k, decimals); ok {
			return sc, nil
		}
	}
	distinct := 1
	for i := 1; i < len(xs); i++ {
		if xs[i] != xs[i-1] {
			distinct++
		}
	}
	if k > distinct {
		k = distinct
	}
	var lowers []float64 // lower bound of each class after the first
	switch m {
	case MethodManual:
		return Classification{}, &ParamError{Param: "breaks", Value: "", Reason: "manual classes need breaks (e.g. breaks=1,2.5,4)"}
	case MethodStdDev:
		lowers = stddevBreaks(xs, k, decimals)
	case MethodEqual:
		lowers = equalBreaks(xs, k, decimals)
	case MethodJenks:
		lowers = ckmeansBreaks(xs, k)
	default:
		lowers = quantileBreaks(xs, k, decimals)
	}
	bounds := append([]float64{xs[0]}, lowers...)
	bounds = append(bounds, xs[len(xs)-1])
	// Keep strictly increasing interior bounds.
	clean := bounds[:1]
	for _, b := range bounds[1 : len(bounds)-1] {
		if b > clean[len(clean)-1] && b < xs[len(xs)-1] {
			clean = append(clean, b)
		}
	}
	clean = append(clean, xs[len(xs)-1])
	if len(clean) == 2 && clean[0] == clean[1] {
		c.Classes = []Class{{Lower: clean[0], Upper: clean[1], Count: len(xs)}}
		return c, nil
	}
	for i := 0; i+1 < len(clean); i++ {
		c.Classes = append(c.Classes, Class{Lower: clean[i], Upper: clean[i+1]})
	}
	for _, v := range xs {
		c.Classes[c.ClassOf(v)].Count++
	}
	return c, nil
}

// ClassOf returns the index of the class holding v, or -1 for NaN or no classes.
func (c Classification) ClassOf(v float64) int {
	if math.IsNaN(v) || len(c.Classes) == 0 {
		return -1
	}
	for i, cl := range c.Classes[:len(c.Classes)-1] {
		if v < cl.Upper {
			return i
		}
	}
	return len(c.Classes) - 1
}

func roundTo(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

func quantileBreaks(xs []float64, k, decimals int) []float64 {
	out := make([]float64, 0, k-1)
	n := len(xs)
	for i := 1; i < k; i++ {
		// Type-7 quantile (linear interpolation), as R and numpy default.
		h := float64(n-1) * float64(i) / float64(k)
		lo := int(math.Floor(h))
		q := xs[lo]
		if lo+1 < n {
			q += (h - float64(lo)) * (xs[lo+1] - xs[lo])
		}
		out = append(out, roundTo(q, decimals))
	}
	return out
}

func equalBreaks(xs []float64, k, decimals int) []float64 {
	lo, hi := xs[0], xs[len(xs)-1]
	out := make([]float64, 0, k-1)
	for i := 1; i < k; i++ {
		out = append(out, roundTo(lo+(hi-lo)*float64(i)/float64(k), decimals))
	}
	return out
}

// ckmeansBreaks returns the lower bound of clusters 2..k of the optimal
// univariate k-means clustering of sorted xs (Wang & Song 2011, Ckmeans.1d.dp),
// computed with the divide-and-conquer row filling of O(k·n·log n).
func ckmeansBreaks(xs []float64, k int) []float64 {
	n := len(xs)
	if k <= 1 || n == 0 {
		return nil
	}
	// Shift by the median for numerical stability of the running sums.
	shift := xs[n/2]
	sum := make([]float64, n)
	sumSq := make([]float64, n)
	for i, x := range xs {
		d := x - shift
		if i == 0 {
			sum[i], sumSq[i] = d, d*d
			continue
		}
		sum[i], sumSq[i] = sum[i-1]+d, sumSq[i-1]+d*d
	}
	// ssq(j, i): within-cluster sum of squares of xs[j..i].
	ssq := func(j, i int) float64 {
		var s, s2 float64
		if j > 0 {
			s, s2 = sum[i]-sum[j-1], sumSq[i]-sumSq[j-1]
		} else {
			s, s2 = sum[i], sumSq[i]
		}
		cnt := float64(i - j + 1)
		v := s2 - s*s/cnt
		if v < 0 {
			return 0
		}
		return v
	}
	cost := make([][]float64, k)
	back := make([][]int, k)
	for c := range cost {
		cost[c] = make([]float64, n)
		back[c] = make([]int, n)
	}
	for i := 0; i < n; i++ {
		cost[0][i] = ssq(0, i)
	}
	var fill func(c, imin, imax, jlo, jhi int)
	fill = func(c, imin, imax, jlo, jhi int) {
		if imin > imax {
			return
		}
		i := (imin + imax) / 2
		best := math.Inf(1)
		bestJ := jlo
		lo := jlo
		if lo < c {
			lo = c
		}
		hi := jhi
		if hi > i {
			hi = i
		}
		for j := lo; j <= hi; j++ {
			v := cost[c-1][j-1] + ssq(j, i)
			if v < best {
				best, bestJ = v, j
			}
		}
		cost[c][i], back[c][i] = best, bestJ
		fill(c, imin, i-1, jlo, bestJ)
		fill(c, i+1, imax, bestJ, jhi)
	}
	for c := 1; c < k; c++ {
		fill(c, c, n-1, c, n-1)
	}
	starts := make([]float64, k-1)
	i := n - 1
	for c := k - 1; c >= 1; c-- {
		j := back[c][i]
		starts[c-1] = xs[j]
		i = j - 1
	}
	return starts
}

// stddevClasses classifies sorted values by their distance from the mean in
// standard deviations: the mean is a break and the breaks lie symmetric
// around it, one standard deviation apart (mean ± 1 sd, ± 2 sd, …). Classes
// come in pairs around the mean, so an odd k is raised by one (3 → 4, 5 → 6,
// 7 → 8), and lowered by one where that would exceed MaxClasses (9 → 8).
// Every class is drawn, the outer ones also when no value
// lies that far out (count 0, bounded one standard deviation beyond the
// last break), so that the colours stay centred on the mean. ok is false
// when the values do not vary.
func stddevClasses(xs []float64, k, decimals int) (Classification, bool) {
	mean, sd := MeanSD(xs)
	if sd == 0 || len(xs) < 2 {
		return Classification{}, false
	}
	if k%2 == 1 {
		if k+1 <= MaxClasses {
			k++
		} else {
			k--
		}
	}
	half := k/2 - 1
	breaks := make([]float64, 0, k-1)
	for j := -half; j <= half; j++ {
		b := roundTo(mean+float64(j)*sd, decimals)
		if j == 0 {
			b = mean // the mean itself, not rounded: it is a break exactly
		}
		if len(breaks) > 0 && b <= breaks[len(breaks)-1] {
			return Classification{}, false // steps below the rounding: not enough spread
		}
		breaks = append(breaks, b)
	}
	lo := math.Min(xs[0], breaks[0]-sd)
	hi := math.Max(xs[len(xs)-1], breaks[len(breaks)-1]+sd)
	bounds := append(append([]float64{lo}, breaks...), hi)
	c := Classification{Method: MethodStdDev, OpenBelow: lo < xs[0], OpenAbove: hi > xs[len(xs)-1]}
	for i := 0; i+1 < len(bounds); i++ {
		c.Classes = append(c.Classes, Class{Lower: bounds[i], Upper: bounds[i+1]})
	}
	return c.Recount(xs), true
}

// stddevBreaks returns breaks one standard deviation apart, centred on the
// mean: for an odd k the middle class is [mean−½sd, mean+½sd), for an even k
// the mean is a break. Breaks outside the data range are dropped by Classify,
// so skewed data yield fewer classes on one side.
func stddevBreaks(xs []float64, k, decimals int) []float64 {
	mean, sd := MeanSD(xs)
	if sd == 0 {
		return nil
	}
	out := make([]float64, 0, k-1)
	for i := 1; i < k; i++ {
		// Break i sits (i − k/2) standard deviations from the mean.
		z := float64(i) - float64(k)/2
		out = append(out, roundTo(mean+z*sd, decimals))
	}
	return out
}

// MeanSD returns the mean and the population standard deviation of the
// values that are not NaN (0, 0 when there are none).
func MeanSD(values []float64) (mean, sd float64) {
	n := 0
	for _, v := range values {
		if !math.IsNaN(v) {
			mean += v
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	mean /= float64(n)
	for _, v := range values {
		if !math.IsNaN(v) {
			sd += (v - mean) * (v - mean)
		}
	}
	return mean, math.Sqrt(sd / float64(n))
}

// ClassifyBreaks puts values (NaN ignored) into the classes given by
// strictly increasing interior breaks: [min, b1), [b1, b2), …, [bn, max].
// The classes between two breaks always exist, also when empty, so that a
// legend with the same breaks means the same in every year; the class below
// the first break exists only when values lie below it, the class above the
// last break only when values lie above it (else the outer bound is the
// break, and the last class is closed).
func ClassifyBreaks(values []float64, breaks []float64) (Classification, error) {
	if len(breaks) < MinClasses-1 || len(breaks) > MaxClasses-1 {
		return Classification{}, &ParamError{Param: "breaks", Value: fmt.Sprint(breaks), Reason: fmt.Sprintf("give 1 to %d breaks", MaxClasses-1)}
	}
	for i, b := range breaks {
		if math.IsNaN(b) || math.IsInf(b, 0) || (i > 0 && b <= breaks[i-1]) {
			return Classification{}, &ParamError{Param: "breaks", Value: fmt.Sprint(breaks), Reason: "breaks must be finite and strictly increasing"}
		}
	}
	lo, hi := breaks[0], breaks[len(breaks)-1]
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	c := Classification{Method: MethodManual}
	bounds := append(append([]float64{lo}, breaks...), hi)
	for i := 0; i+1 < len(bounds); i++ {
		if bounds[i+1] > bounds[i] {
			c.Classes = append(c.Classes, Class{Lower: bounds[i], Upper: bounds[i+1]})
		}
	}
	if len(c.Classes) == 0 {
		c.Classes = []Class{{Lower: lo, Upper: hi}}
	}
	return c.Recount(values), nil
}

// Recount returns the classification with the same bounds and the counts of
// values (NaN ignored): used for fixed breaks, where the classes come from the
// pooled values of all years and the counts from one year.
func (c Classification) Recount(values []float64) Classification {
	out := Classification{Method: c.Method, Classes: make([]Class, len(c.Classes)), OpenBelow: c.OpenBelow, OpenAbove: c.OpenAbove}
	for i, cl := range c.Classes {
		out.Classes[i] = Class{Lower: cl.Lower, Upper: cl.Upper}
	}
	for _, v := range values {
		if i := out.ClassOf(v); i >= 0 && !math.IsInf(v, 0) {
			out.Classes[i].Count++
		}
	}
	return out
}

// ClassifySymmetric puts differences (NaN ignored) into seven classes
// symmetric around 0: with m the largest |x| rounded up to a nice number
// (1, 1.5, 2, 2.5, 3, 4, 5, 7 or 10 times a power of ten) and s = m/7, the
// breaks are ±s, ±3s and ±5s, so the middle class [−s, s) is "about
// equal", and the outer bounds are ±m. No values: no classes.
func ClassifySymmetric(values []float64) Classification {
	c := Classification{Method: MethodSymmetric}
	top := 0.0
	n := 0
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			top = math.Max(top, math.Abs(v))
			n++
		}
	}
	if n == 0 {
		return c
	}
	if top == 0 {
		top = 1
	}
	m := niceCeil(top)
	s := m / 7
	bounds := []float64{-m, -5 * s, -3 * s, -s, s, 3 * s, 5 * s, m}
	for i := 0; i+1 < len(bounds); i++ {
		c.Classes = append(c.Classes, Class{Lower: bounds[i], Upper: bounds[i+1]})
	}
	return c.Recount(values)
}

// niceCeil rounds x > 0 up to 1, 1.5, 2, 2.5, 3, 4, 5, 7 or 10 times a power of ten.
func niceCeil(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, f := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 7, 10} {
		if f*p >= x {
			return f * p
		}
	}
	return 10 * p
}

// ColumnClasses says how to classify a column of values that is not an
// indicator of the catalogue (a composite index, a difference of shares).
type ColumnClasses struct {
	Method   Method // MethodQuantile, MethodEqual, MethodJenks or MethodSymmetric
	Classes  int    // for the methods other than MethodSymmetric (0 = 5)
	Decimals int    // of the breaks and labels
	Scheme   string // colour scheme (Schemes())
	Unit     string
}

// ClassifyColumn classifies values (NaN = no value) and describes the
// classes as a legend, as the maps of indicators are classified: the
// server classifies every map, the browser only draws the classes.
func ClassifyColumn(values []float64, cc ColumnClasses) (Classification, Legend, error) {
	var cl Classification
	var err error
	if cc.Method == MethodSymmetric {
		cl = ClassifySymmetric(values)
	} else if cl, err = Classify(values, cmp(cc.Classes, 5), cc.Method, cc.Decimals); err != nil {
		return cl, Legend{}, err
	}
	lg := legendOf(cc.Unit, cc.Decimals, cl, cl.Method, cc.Scheme)
	for _, v := range values {
		if cl.ClassOf(v) < 0 {
			lg.NoData.Count++
		}
	}
	return cl, lg, nil
}
