package atlas

import (
	"fmt"
	"math"
	"sort"
)

// Legend describes the classes of a choropleth.
type Legend struct {
	Method  Method        `json:"method"`
	Scheme  string        `json:"scheme"`
	Unit    string        `json:"unit"`
	Breaks  []float64     `json:"breaks"` // interior class bounds
	Colors  []string      `json:"colors"`
	Classes []LegendClass `json:"classes"`
	NoData  LegendClass   `json:"no_data"`
}

// LegendClass is one legend entry. The interval is [Lower, Upper), the last
// class is closed so that the maximum is inside it.
type LegendClass struct {
	Class  int      `json:"class"`
	Lower  *float64 `json:"lower,omitempty"`
	Upper  *float64 `json:"upper,omitempty"`
	Closed bool     `json:"closed,omitempty"`
	Label  string   `json:"label"`
	Color  string   `json:"color"`
	Count  int      `json:"count"`
}

// Stats summarises the values of a choropleth: statistics of its regions'
// values as mapped. Mean is their plain mean — for a rate not the rate of
// the whole country (that is the official Germany value beside it), so the
// map's legend shows the median.
type Stats struct {
	Count   int      `json:"count"`
	Missing int      `json:"missing"`
	Flagged int      `json:"flagged"`
	Min     *float64 `json:"min"`
	Max     *float64 `json:"max"`
	Mean    *float64 `json:"mean"`
	Median  *float64 `json:"median"`
	// Unmatched are keys with values that are not regions of the boundary set
	// (another Gebietsstand); they are not shown on the map.
	Unmatched     []string `json:"unmatched,omitempty"`
	UnmatchedMore int      `json:"unmatched_more,omitempty"`
}

// MapLegend is a Legend with what the extended classes add.
type MapLegend struct {
	Legend
	// Fixed describes breaks computed over all years.
	Fixed *FixedBreaks `json:"fixed,omitempty"`
	// StdDev gives the mean and standard deviation behind stddev classes.
	StdDev *StdDevInfo `json:"stddev,omitempty"`
	// Flags counts the flagged values: those with a value are drawn in their
	// class and marked; the others are in the "no data" class.
	Flags []FlagCount `json:"flags"`
}

// FixedBreaks says which years' values were pooled for the breaks.
type FixedBreaks struct {
	Years  []int  `json:"years"`
	Values int    `json:"values"`
	Note   string `json:"note"`
}

// StdDevInfo is the centre and unit of standard deviation classes
// (population standard deviation of the classified values).
type StdDevInfo struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

// FlagCount counts one flag in a map.
type FlagCount struct {
	Flag     Flag   `json:"flag"`
	Label    string `json:"label"`
	Count    int    `json:"count"`
	HasValue bool   `json:"has_value"`
}

// FlagLabel is the German legend text of a flag (GENESIS symbols where they exist).
func FlagLabel(f Flag) string {
	switch f {
	case FlagZero:
		return "– nichts vorhanden"
	case FlagSecret:
		return ". Zahlenwert unbekannt oder geheim zu halten"
	case FlagNotYet:
		return "… Angabe fällt später an"
	case FlagNotMeaningful:
		return "x Tabellenfach gesperrt, weil Aussage nicht sinnvoll"
	case FlagUnreliable:
		return "/ keine Angaben, da Zahlenwert nicht sicher genug"
	case FlagLimited:
		return "() Aussagewert eingeschränkt"
	case FlagEstimated:
		return "geschätzt"
	case FlagMissing:
		return "keine Angabe in der Quelle"
	case FlagNotReported:
		return "keine Meldung"
	}
	return string(f)
}

// Histogram counts the values of a map in equal-width bins, with the class
// breaks for drawing them on top. Bins are [Lower, Upper), the last closed.
type Histogram struct {
	Bins    []HistogramBin `json:"bins"`
	Breaks  []float64      `json:"breaks"`
	Lower   *float64       `json:"lower"`
	Upper   *float64       `json:"upper"`
	Count   int            `json:"count"`
	NoData  int            `json:"no_data"`
	Flagged int            `json:"flagged"`
	Note    string         `json:"note"`
}

// HistogramBin is one bin of a histogram.
type HistogramBin struct {
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	Count int     `json:"count"`
}

// legendOf describes the classes of cl for a legend in scheme.
func legendOf(unit string, decimals int, cl Classification, m Method, scheme string) Legend {
	colors := SchemeColors(scheme, len(cl.Classes))
	lg := Legend{Method: m, Scheme: scheme, Unit: unit, Colors: colors, Breaks: []float64{}, Classes: []LegendClass{}}
	bounds := make([]float64, 0, len(cl.Classes)+1)
	for i, c := range cl.Classes {
		if i == 0 {
			bounds = append(bounds, c.Lower)
		} else {
			lg.Breaks = append(lg.Breaks, c.Lower)
		}
		bounds = append(bounds, c.Upper)
	}
	dec := labelDecimals(bounds, decimals)
	for i, c := range cl.Classes {
		last := i == len(cl.Classes)-1
		label := FormatDE(c.Lower, dec) + " – < " + FormatDE(c.Upper, dec)
		switch {
		case m == MethodSymmetric && i == 0:
			label = "< " + formatSignedDE(c.Upper, dec)
		case m == MethodSymmetric && last:
			label = "≥ " + formatSignedDE(c.Lower, dec)
		case m == MethodSymmetric:
			label = formatSignedDE(c.Lower, dec) + " – < " + formatSignedDE(c.Upper, dec)
		case cl.OpenBelow && len(cl.Classes) > 1 && i == 0:
			// a bound beyond the data is a step of the classification, not a
			// value (a rate's lowest class would read "−1,6 – < 0,5")
			label = "< " + FormatDE(c.Upper, dec)
		case cl.OpenAbove && len(cl.Classes) > 1 && last:
			label = "≥ " + FormatDE(c.Lower, dec)
		case last:
			label = FormatDE(c.Lower, dec) + " – " + FormatDE(c.Upper, dec)
		}
		lg.Classes = append(lg.Classes, LegendClass{Class: i, Lower: ptr(c.Lower), Upper: ptr(c.Upper), Closed: last, Label: label, Color: colors[i], Count: c.Count})
	}
	lg.NoData = LegendClass{Class: -1, Label: "keine Daten", Color: NoDataColor}
	return lg
}

// histogram counts vals in n equal bins over the range of basis (the pooled
// values for fixed breaks, so that histograms of different years line up).
func histogram(vals, basis []float64, n int, breaks []float64, fixed bool) Histogram {
	h := Histogram{Bins: []HistogramBin{}, Breaks: breaks}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range basis {
		if !math.IsNaN(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if math.IsInf(lo, 1) {
		h.Note = "keine Werte"
		return h
	}
	h.Lower, h.Upper = ptr(lo), ptr(hi)
	if hi == lo {
		n = 1
	}
	w := (hi - lo) / float64(n)
	for i := 0; i < n; i++ {
		b := HistogramBin{Lower: lo + float64(i)*w, Upper: lo + float64(i+1)*w}
		if i == n-1 {
			b.Upper = hi
		}
		h.Bins = append(h.Bins, b)
	}
	for _, x := range vals {
		if math.IsNaN(x) {
			continue
		}
		i := n - 1
		if w > 0 {
			i = min(max(int((x-lo)/w), 0), n-1)
		}
		h.Bins[i].Count++
		h.Count++
	}
	h.Note = fmt.Sprintf("%d gleich breite Klassen über den Wertebereich, [untere, obere), die letzte geschlossen; breaks sind die Grenzen der Kartenklassen.", n)
	if fixed {
		h.Note += " Wertebereich aller Jahre (feste Klassengrenzen)."
	}
	return h
}

// ComputeStats summarises valued observations.
func ComputeStats(values []float64) Stats {
	xs := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	st := Stats{Count: len(xs)}
	if len(xs) == 0 {
		return st
	}
	sort.Float64s(xs)
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	st.Min, st.Max, st.Mean = ptr(xs[0]), ptr(xs[len(xs)-1]), ptr(sum/float64(len(xs)))
	if n := len(xs); n%2 == 1 {
		st.Median = ptr(xs[n/2])
	} else {
		st.Median = ptr((xs[n/2-1] + xs[n/2]) / 2)
	}
	return st
}

func ptr(f float64) *float64 { return &f }
