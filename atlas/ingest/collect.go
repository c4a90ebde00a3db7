package ingest

import (
	"fmt"
	"math"
	"strconv"

	"github.com/standortatlas/standortatlas/atlas"
)

// collector is the table core's sink for the values of a format-aware
// reader: one rule for special values (ParseValue), the printed decimals,
// duplicates, and every bad cell collected into one ValidationError.
type collector struct {
	file     string
	res      *TableResult
	verr     *ValidationError
	seen     map[string]int
	decimals map[string]int
}

func newCollector(file string) *collector {
	return &collector{file: file, res: &TableResult{}, verr: &ValidationError{File: file}, seen: map[string]int{}, decimals: map[string]int{}}
}

func (c *collector) problem(line, col int, reason string) {
	c.verr.add(&CellError{File: c.file, Row: line, Column: "#" + strconv.Itoa(col+1), Reason: reason})
}

// value reads one cell into an observation.
func (c *collector) value(line, col int, ind string, level atlas.Level, key string, period int, raw, decimal string) {
	v, flag, err := ParseValue(raw, decimal)
	if err != nil {
		c.problem(line, col, err.Error())
		return
	}
	if !math.IsNaN(v) {
		c.decimals[ind] = max(c.decimals[ind], decimalsOf(raw, decimal))
	}
	dk := ind + "|" + key + "|" + strconv.Itoa(period)
	if prev, dup := c.seen[dk]; dup {
		c.problem(line, col, fmt.Sprintf("duplicate value for %s, key %s, period %d (first in row %d)", ind, key, period, prev))
		return
	}
	c.seen[dk] = line
	c.res.Observations = append(c.res.Observations, atlas.Observation{Indicator: ind, Level: level, Key: key, Period: period, Value: v, Flag: flag})
}

// result is the collected table, or every problem found; derived entries
// get the decimals the file prints.
func (c *collector) result(derived []atlas.Indicator) (*TableResult, error) {
	if len(c.verr.Problems) > 0 {
		return nil, c.verr
	}
	if c.res.Rows == 0 {
		return nil, fmt.Errorf("%s: %w: no rows of Länder, Kreise or Gemeinden", c.file, atlas.ErrInvalidData)
	}
	for i := range derived {
		derived[i].Decimals = c.decimals[derived[i].ID]
	}
	c.res.decimals = c.decimals
	c.res.Indicators = derived
	return c.res, nil
}
