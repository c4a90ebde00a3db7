package atlas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// ExportQuery selects the observations of one indicator, level and year in
// the data standard's long form.
type ExportQuery struct {
	Indicator string
	Level     Level
	Year      int    // 0 = the indicator's default year
	Format    string // csv (default), csv-de or json
}

// exportRow is one exported observation.
type exportRow struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Level     string   `json:"level"`
	Indicator string   `json:"indicator"`
	Period    int      `json:"period"`
	Value     *float64 `json:"value"`
	Flag      string   `json:"flag"`
}

// Export answers an ExportQuery: format csv (UTF-8, ",", decimal point),
// csv-de (German Excel: UTF-8 BOM, ";", decimal comma) or json. Source,
// licence and attribution travel with every export: as leading "# " lines
// in CSV (pandas: read_csv(…, comment="#"); Excel shows them above the
// header) and as members in JSON. It returns the query with the defaults
// filled in (the year, for the file name).
func (s *Service) Export(ctx context.Context, q ExportQuery) (*Encoded, ExportQuery, error) {
	switch q.Format {
	case "":
		q.Format = "csv"
	case "csv", "csv-de", "json":
	default:
		return nil, q, &ParamError{Param: "format", Value: q.Format, Reason: "must be csv, csv-de or json"}
	}
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, q, err
	}
	ind, err := snap.Indicator(ctx, q.Indicator)
	if err != nil {
		return nil, q, err
	}
	if q.Year == 0 {
		q.Year = ind.DefaultYear
	}
	if err := ind.Available(q.Level, q.Year); err != nil {
		return nil, q, err
	}
	name := fmt.Sprintf("export|%s|%s|%d|%s", q.Indicator, q.Level, q.Year, q.Format)
	enc, err := snap.cached(ctx, name, func(ctx context.Context) ([]byte, error) { return snap.encodeExport(ctx, ind, q) })
	return enc, q, err
}

func (snap *Snapshot) encodeExport(ctx context.Context, ind Indicator, q ExportQuery) ([]byte, error) {
	vals, err := snap.Values(ctx, ind.ID, q.Level, q.Year)
	if err != nil {
		return nil, err
	}
	if len(vals) == 0 {
		return nil, &ParamError{Param: "year", Value: strconv.Itoa(q.Year), Reason: fmt.Sprintf("no values of %s for level %s in %d (years: %v)", ind.ID, q.Level, q.Year, ind.Years)}
	}
	d, err := snap.Level(ctx, q.Level)
	if err != nil {
		return nil, err
	}
	rows := make([]exportRow, 0, len(vals))
	for k, v := range vals {
		r := exportRow{Key: k, Level: q.Level.String(), Indicator: ind.ID, Period: q.Year, Flag: string(v.Flag)}
		if reg, ok := d.Region(k); ok {
			r.Name = reg.Name
		}
		if !math.IsNaN(v.Value) {
			x := v.Value
			r.Value = &x
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Key < rows[j].Key })
	set := d.Set
	attribution := Attribution(ind, set)
	if q.Format == "json" {
		cat := ind.Entry()
		cat.Levels = ind.Levels
		return json.Marshal(map[string]any{
			"source": ind.Source, "licence": ind.Licence, "licence_url": ind.LicenceURL, "attribution": attribution,
			"boundaries":   map[string]any{"name": set.Name, "gebietsstand": set.Gebietsstand, "attribution": set.Attribution},
			"indicators":   []Indicator{cat},
			"observations": rows,
		})
	}
	var b bytes.Buffer
	comment := func(k, v string) {
		if v != "" {
			b.WriteString("# " + k + ": " + strings.ReplaceAll(v, "\n", " ") + "\n")
		}
	}
	comment("Standortatlas", fmt.Sprintf("%s (%s), %s, %d", ind.Title, ind.ID, q.Level.Title(), q.Year))
	comment("Quelle", ind.Source)
	comment("Lizenz", strings.TrimSpace(ind.Licence+" "+ind.LicenceURL))
	comment("Namensnennung", strings.Join(attribution, " | "))
	comment("Einheit", ind.Unit)
	comment("Stichtag", ind.ReferenceDate)
	comment("Gebietsstand der Namen", set.Name+", "+set.Gebietsstand)
	withValue := 0
	for _, r := range rows {
		if r.Value != nil {
			if _, ok := d.Region(r.Key); ok {
				withValue++
			}
		}
	}
	cv := CaveatOf(ind, q.Level, q.Year, withValue, len(d.Regions), snap.svc.opts.Now())
	comment("Datenstand", strings.TrimSpace(fmt.Sprintf("%d %s", q.Year, cv.Stand)))
	comment("Abdeckung", cv.Coverage)
	comment("Hinweise", cv.Notes)
	w := NewCSVWriter(&b)
	if err := w.Write([]string{"key", "name", "level", "indicator", "period", "value", "flag"}); err != nil {
		return nil, err
	}
	for _, r := range rows {
		v := ""
		if r.Value != nil {
			v = strconv.FormatFloat(*r.Value, 'f', -1, 64)
		}
		if err := w.Write([]string{r.Key, r.Name, r.Level, r.Indicator, strconv.Itoa(r.Period), v, r.Flag}); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	if q.Format == "csv-de" {
		return GermanExcelCSV(b.Bytes())
	}
	return b.Bytes(), nil
}
