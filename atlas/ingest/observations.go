package ingest

import (
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// CellError reports a bad cell: file, row (1-based line or sheet row), column and reason.
type CellError struct {
	File   string
	Row    int
	Column string
	Reason string
}

// maxReason bounds the reason of one problem (it may quote a cell: a
// 60 KB cell is not echoed back).
const maxReason = 300

func (e *CellError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s: row %d: %s", e.File, e.Row, atlas.Shorten(e.Reason, maxReason))
	}
	return fmt.Sprintf("%s: row %d, column %s: %s", e.File, e.Row, atlas.Shorten(e.Column, 80), atlas.Shorten(e.Reason, maxReason))
}

// ValidationError collects every problem found in a file; nothing is imported.
type ValidationError struct {
	File     string
	Problems []error // the first MaxProblems
	// Total counts every problem found, also those beyond MaxProblems (0:
	// len(Problems)).
	Total int
}

// Count is the number of problems found.
func (e *ValidationError) Count() int { return max(e.Total, len(e.Problems)) }

// MaxProblems bounds how many problems one ValidationError lists.
const MaxProblems = 100

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s), nothing imported", e.File, e.Count())
	for i, p := range e.Problems {
		if i == 10 {
			fmt.Fprintf(&b, "\n  … and %d more", e.Count()-10)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// add records a problem, up to MaxProblems.
func (e *ValidationError) add(p error) {
	e.Total = e.Count() + 1
	if len(e.Problems) < MaxProblems {
		e.Problems = append(e.Problems, p)
	}
}

// Unwrap exposes the individual problems to errors.As.
func (e *ValidationError) Unwrap() []error { return e.Problems }

// Is makes a validation error an atlas.ErrInvalidData (HTTP 422).
func (e *ValidationError) Is(target error) bool { return target == atlas.ErrInvalidData }

// ProblemReport implements atlas.ProblemReporter.
func (e *ValidationError) ProblemReport() []atlas.Problem {
	var out []atlas.Problem
	for _, p := range e.Problems {
		if ce, ok := p.(*CellError); ok {
			out = append(out, atlas.Problem{File: ce.File, Row: ce.Row, Column: atlas.Shorten(ce.Column, 80), Reason: atlas.Shorten(ce.Reason, maxReason)})
			continue
		}
		out = append(out, atlas.Problem{File: e.File, Reason: atlas.Shorten(p.Error(), maxReason)})
	}
	return out
}

// StoreError marks a failure of the store (not of the file) while preparing
// an import, so that callers answer it as a server error.
type StoreError struct{ Err error }

func (e *StoreError) Error() string { return "read store: " + e.Err.Error() }

// Unwrap returns the store's error.
func (e *StoreError) Unwrap() error { return e.Err }

// TableResult is what reading one table produced.
type TableResult struct {
	Observations []atlas.Observation
	Rows         int      // data rows read
	Report       []string // notes: skipped rows, aggregations
	// Indicators are catalogue entries the format-aware readers derive from
	// the file for columns that are not mapped to catalogue indicators; the
	// catalogue's own entries take precedence over them.
	Indicators []atlas.Indicator
	// Catalogue are catalogue entries the file declares explicitly
	// (canonical form); they replace the catalogue's entries.
	Catalogue []atlas.Indicator
	// Dates are the dates the file states (time columns, header and title
	// lines), checked against a -period.
	Dates *dateSet
	// decimals per derived indicator, as printed in the file.
	decimals map[string]int
}

// ReadTable reads observations from one table file according to spec.
// Indicators that values map to must be in known. It returns a
// *ValidationError listing every bad cell when anything is wrong.
func ReadTable(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator) (*TableResult, error) {
	return readTableWith(name, data, spec, known, formatInputs{})
}

func readTableWith(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	data, err := gunzipIfNamed(in.context(), name, data)
	if err != nil {
		return nil, err
	}
	var res *TableResult
	if spec.formatAware() {
		res, err = readFormat(name, data, spec, known, in)
	} else {
		res, err = readColumns(in.context(), name, data, spec, known)
	}
	if err != nil {
		return nil, err
	}
	keepPeriods(name, spec.Periods, res)
	return res, nil
}

// keepPeriods drops observations outside periods (when given) and says so.
func keepPeriods(name string, periods []int, res *TableResult) {
	if len(periods) == 0 {
		return
	}
	kept := res.Observations[:0]
	dropped := map[int]int{}
	for _, o := range res.Observations {
		if slices.Contains(periods, o.Period) {
			kept = append(kept, o)
		} else {
			dropped[o.Period]++
		}
	}
	res.Observations = kept
	if len(dropped) > 0 {
		ys := slices.Sorted(maps.Keys(dropped))
		res.Report = append(res.Report, fmt.Sprintf("%s: only the periods %s imported (spec \"periods\"); %d observation(s) of %s left out", path.Base(name), joinInts(periods), sumCounts(dropped), joinInts(ys)))
	}
}

func sumCounts(m map[int]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

func containsLevel(ls []atlas.Level, l atlas.Level) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// cityStateKeys are the keys of Hamburg and Berlin, which are Land, Kreis and
// Gemeinde at once.
var cityStateKeys = [][]string{{"02", "02000", "02000000"}, {"11", "11000", "11000000"}}

// cityStates fills, for the levels a table has, missing city-state values
// from the same city state's value at another level.
func cityStates(obs []atlas.Observation) []atlas.Observation {
	has := map[atlas.Level]bool{}
	type id struct {
		ind, key string
		period   int
	}
	idx := map[id]atlas.Observation{}
	for _, o := range obs {
		has[o.Level] = true
		idx[id{o.Indicator, o.Key, o.Period}] = o
	}
	var out []atlas.Observation
	for _, o := range obs {
		for _, keys := range cityStateKeys {
			if !contains(keys, o.Key) {
				continue
			}
			for _, k := range keys {
				l, _ := atlas.LevelOfKey(k)
				if k == o.Key || !has[l] {
					continue
				}
				if _, ok := idx[id{o.Indicator, k, o.Period}]; ok {
					continue
				}
				c := o
				c.Key, c.Level = k, l
				idx[id{o.Indicator, k, o.Period}] = c
				out = append(out, c)
			}
		}
	}
	return out
}

func isBlank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// aggregate sums valued observations into coarser levels by key prefix. A
// parent whose children include a suppressed or missing value gets no value
// (a partial sum would understate it) but the flag of the gap.
func aggregate(obs []atlas.Observation, specs []AggregateSpec) []atlas.Observation {
	var out []atlas.Observation
	for _, a := range specs {
		for _, to := range a.To {
			type acc struct {
				sum  float64
				flag atlas.Flag
			}
			sums := map[[2]string]*acc{}
			var order [][2]string
			for _, o := range obs {
				if o.Indicator != a.Indicator || o.Level.KeyLength() <= to.KeyLength() {
					continue
				}
				pk := atlas.ParentKey(o.Key, to)
				if pk == "" {
					continue
				}
				id := [2]string{pk, strconv.Itoa(o.Period)}
				s := sums[id]
				if s == nil {
					s = &acc{}
					sums[id] = s
					order = append(order, id)
				}
				if o.Valued() {
					s.sum += o.Value
				} else if s.flag == atlas.FlagNone {
					s.flag = o.Flag
				}
			}
			sort.Slice(order, func(i, j int) bool { return order[i][0]+order[i][1] < order[j][0]+order[j][1] })
			for _, id := range order {
				s := sums[id]
				p, _ := strconv.Atoi(id[1])
				o := atlas.Observation{Indicator: a.Indicator, Level: to, Key: id[0], Period: p, Value: s.sum}
				if s.flag != atlas.FlagNone && s.flag != atlas.FlagZero {
					o.Value, o.Flag = math.NaN(), s.flag
				}
				out = append(out, o)
			}
		}
	}
	return out
}

// derive computes ratio indicators for every region and period that has both parts.
func derive(obs []atlas.Observation, specs []DeriveSpec) []atlas.Observation {
	if len(specs) == 0 {
		return nil
	}
	type id struct {
		ind, key string
		level    atlas.Level
		period   int
	}
	idx := make(map[id]atlas.Observation, len(obs))
	for _, o := range obs {
		idx[id{o.Indicator, o.Key, o.Level, o.Period}] = o
	}
	var out []atlas.Observation
	for _, d := range specs {
		f := d.Factor
		if f == 0 {
			f = 1
		}
		p := math.Pow(10, float64(d.Decimals))
		for _, n := range obs {
			if n.Indicator != d.Numerator {
				continue
			}
			den, ok := idx[id{d.Denominator, n.Key, n.Level, n.Period}]
			if !ok {
				continue
			}
			o := atlas.Observation{Indicator: d.Indicator, Level: n.Level, Key: n.Key, Period: n.Period, Value: math.NaN(), Flag: atlas.FlagMissing}
			if n.Valued() && den.Valued() && den.Value != 0 {
				o.Value, o.Flag = math.Round(n.Value/den.Value*f*p)/p, atlas.FlagNone
			} else if den.Valued() && den.Value == 0 {
				o.Flag = atlas.FlagNotMeaningful
			}
			out = append(out, o)
		}
	}
	return out
}
