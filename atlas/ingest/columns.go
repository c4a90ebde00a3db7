package ingest

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// The column reader: a table read by a hand-written spec (key, period and
// value columns by number or header), CSV or a workbook sheet.

// columnTable is a table and its spec's columns resolved to indexes.
type columnTable struct {
	name      string
	spec      TableSpec
	t         *rows
	header    []string
	keyCols   []int
	periodCol int
	filterCol int
	valCols   []int
	res       *TableResult
	verr      *ValidationError
	seen      map[string]int
	skipped   int
	other     int
}

func readColumns(ctx context.Context, name string, data []byte, spec TableSpec, known map[string]atlas.Indicator) (*TableResult, error) {
	for _, v := range spec.Values {
		if _, ok := known[v.Indicator]; !ok {
			return nil, fmt.Errorf("%s: column %s maps to indicator %q, which is not in the catalogue: %w", name, v.Column, v.Indicator, atlas.ErrUnknownIndicator)
		}
	}
	t, err := readTable(ctx, name, data, &spec)
	if err != nil {
		return nil, err
	}
	ct := &columnTable{name: name, spec: spec, t: t, res: &TableResult{}, verr: &ValidationError{File: name}, seen: map[string]int{}}
	if err := ct.resolveAll(); err != nil {
		return nil, err
	}
	first := spec.FirstDataRow
	if first == 0 {
		first = spec.HeaderRow + 1
	}
	for ri := first - 1; ri < len(t.cells); ri++ {
		rec := t.cells[ri]
		if spec.StopAt != "" && len(rec) > 0 && strings.HasPrefix(strings.TrimSpace(rec[0]), spec.StopAt) {
			break
		}
		ct.row(rec, t.line[ri])
	}
	if len(ct.verr.Problems) > 0 {
		return nil, ct.verr
	}
	if ct.res.Rows == 0 {
		return nil, fmt.Errorf("%s: no data rows found (check header_row, first_data_row, filter)", name)
	}
	return ct.finish()
}

// resolveAll finds the key, period, filter and value columns.
func (ct *columnTable) resolveAll() error {
	spec := ct.spec
	if spec.HeaderRow > 0 {
		if spec.HeaderRow > len(ct.t.cells) {
			return fmt.Errorf("%s: header row %d beyond the end of the file (%d rows)", ct.name, spec.HeaderRow, len(ct.t.cells))
		}
		ct.header = ct.t.cells[spec.HeaderRow-1]
	}
	var err error
	ct.keyCols = make([]int, len(spec.Key))
	for i, c := range spec.Key {
		if ct.keyCols[i], err = ct.resolve(c); err != nil {
			return err
		}
	}
	ct.periodCol, ct.filterCol = -1, -1
	if spec.Period != nil {
		if ct.periodCol, err = ct.resolve(*spec.Period); err != nil {
			return err
		}
	}
	if spec.Filter != nil {
		if ct.filterCol, err = ct.resolve(spec.Filter.Column); err != nil {
			return err
		}
	}
	ct.valCols = make([]int, len(spec.Values))
	for i, v := range spec.Values {
		if ct.valCols[i], err = ct.resolve(v.Column); err != nil {
			return err
		}
	}
	return nil
}

func (ct *columnTable) resolve(c Column) (int, error) {
	if c.Index > 0 {
		return c.Index - 1, nil
	}
	for i, h := range ct.header {
		if strings.TrimSpace(h) == c.Name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%s: column %s not found in header row %d", ct.name, c, ct.spec.HeaderRow)
}

func (ct *columnTable) colName(i int) string {
	if i < len(ct.header) && strings.TrimSpace(ct.header[i]) != "" {
		return strconv.Quote(strings.TrimSpace(ct.header[i]))
	}
	return "#" + strconv.Itoa(i+1)
}

func (ct *columnTable) problem(row int, col, reason string) {
	ct.verr.add(&CellError{File: ct.name, Row: row, Column: col, Reason: reason})
}

// row reads one data row.
func (ct *columnTable) row(rec []string, line int) {
	spec := ct.spec
	if isBlank(rec) || (ct.filterCol >= 0 && !contains(spec.Filter.Equals, cellAt(rec, ct.filterCol))) {
		return
	}
	level, key, ok := ct.key(rec, line)
	if !ok {
		return
	}
	period, ok := ct.period(rec, line)
	if !ok {
		return
	}
	ct.res.Rows++
	for i, vs := range spec.Values {
		raw := cellAt(rec, ct.valCols[i])
		v, flag, err := ParseValue(raw, spec.Decimal)
		if err != nil {
			ct.problem(line, ct.colName(ct.valCols[i]), err.Error())
			continue
		}
		if vs.Scale != 0 && !math.IsNaN(v) {
			v *= vs.Scale
		}
		dk := vs.Indicator + "|" + key + "|" + strconv.Itoa(period)
		if prev, dup := ct.seen[dk]; dup {
			ct.problem(line, ct.colName(ct.valCols[i]), fmt.Sprintf("duplicate value for key %s, period %d, indicator %s (first in row %d)", key, period, vs.Indicator, prev))
			continue
		}
		ct.seen[dk] = line
		ct.res.Observations = append(ct.res.Observations, atlas.Observation{Indicator: vs.Indicator, Level: level, Key: key, Period: period, Value: v, Flag: flag})
	}
}

// key joins the key columns and checks the key and its level.
func (ct *columnTable) key(rec []string, line int) (atlas.Level, string, bool) {
	spec := ct.spec
	var kb strings.Builder
	for _, c := range ct.keyCols {
		kb.WriteString(cellAt(rec, c))
	}
	key := kb.String()
	level := spec.Level
	if level == 0 {
		level, _ = atlas.LevelOfKey(key)
	}
	if level == 0 || !atlas.ValidKey(level, key) {
		if spec.SkipUnknownKeys {
			ct.skipped++
			return 0, "", false
		}
		want := "a 2-, 5-, 8- or 9-digit regional key"
		if spec.Level != 0 {
			want = fmt.Sprintf("a %d-digit %s key", spec.Level.KeyLength(), spec.Level)
		}
		ct.problem(line, ct.colName(ct.keyCols[0]), fmt.Sprintf("key %q is not %s", key, want))
		return 0, "", false
	}
	if len(spec.Levels) > 0 && !containsLevel(spec.Levels, level) {
		ct.other++
		return 0, "", false
	}
	return level, key, true
}

// period is the row's year ("2020", "31.12.2020", "2020-12-31", "2018/19")
// or the spec's fixed period.
func (ct *columnTable) period(rec []string, line int) (int, bool) {
	if ct.periodCol < 0 {
		return ct.spec.PeriodValue, true
	}
	p := cellAt(rec, ct.periodCol)
	d, ok := cellDate(p)
	if !ok {
		ct.problem(line, ct.colName(ct.periodCol), fmt.Sprintf("period %q is not a year", p))
		return 0, false
	}
	if ct.res.Dates == nil {
		ct.res.Dates = &dateSet{}
	}
	ct.res.Dates.add(d, "column "+ct.colName(ct.periodCol))
	return d.year, true
}

// finish adds the report, the city states, aggregates and derivations,
// and checks a -period against the dates of the period column.
func (ct *columnTable) finish() (*TableResult, error) {
	res, name, spec := ct.res, ct.name, ct.spec
	if ct.skipped > 0 {
		res.Report = append(res.Report, fmt.Sprintf("%s: %d rows with keys that are not regional keys skipped", name, ct.skipped))
	}
	if ct.other > 0 {
		res.Report = append(res.Report, fmt.Sprintf("%s: %d rows of levels other than %v skipped", name, ct.other, spec.Levels))
	}
	if extra := cityStates(res.Observations); len(extra) > 0 {
		res.Observations = append(res.Observations, extra...)
		res.Report = append(res.Report, fmt.Sprintf("%s: Berlin and Hamburg are Land, Kreis and Gemeinde at once: %d values copied between these levels", name, len(extra)))
	}
	res.Observations = append(res.Observations, aggregate(res.Observations, spec.Aggregate)...)
	res.Observations = append(res.Observations, derive(res.Observations, spec.Derive)...)
	for _, a := range spec.Aggregate {
		res.Report = append(res.Report, fmt.Sprintf("%s: %s summed to %v", name, a.Indicator, a.To))
	}
	if spec.Period != nil {
		if err := checkResultPeriod(name, spec.PeriodValue, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}
