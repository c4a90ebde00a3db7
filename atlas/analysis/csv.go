package analysis

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/standortatlas/standortatlas/atlas"
)

// CSV answers are UTF-8, comma-separated with a decimal point (machine
// readable), a header row, one row per value, and footer rows starting with
// "#" that name the sources, licences and data version (pandas:
// comment="#"; R: comment.char="#").

func csvFloat(v *float64) string {
	if v == nil || math.IsNaN(*v) {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func csvInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func csvFlag(f *atlas.Flag) string {
	if f == nil {
		return ""
	}
	return string(*f)
}

// writeFooter writes the source and licence lines as comment rows.
func writeFooter(w io.Writer, lines []string) error {
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "# %s\n", l); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSV writes the comparison in long form: one row per indicator and region.
func (c *Comparison) WriteCSV(w io.Writer) error {
	cw := atlas.NewCSVWriter(w)
	_ = cw.Write([]string{"indicator", "title", "unit", "key", "name", "level", "year", "value", "flag", "rank", "of", "year_rule"})
	names := map[string]string{}
	for _, r := range c.Regions {
		names[r.Key] = r.Name
	}
	var footer []string
	for _, ind := range c.Indicators {
		for _, v := range ind.Values {
			_ = cw.Write([]string{ind.ID, ind.Title, ind.Unit, v.Key, names[v.Key], v.Level.String(), csvInt(v.Year), csvFloat(v.Value), csvFlag(v.Flag), csvInt(v.Rank), csvInt(v.Of), ind.YearRule})
		}
		footer = append(footer, fmt.Sprintf("Quelle %s: %s; Lizenz: %s", ind.ID, ind.Source, ind.Licence))
		if n := ind.Normalization; n != nil {
			footer = append(footer, fmt.Sprintf("Normiert %s: %s; Bezugsgröße %s %d (%s)", ind.ID, n.Formula, n.Base, n.BaseYear, n.BaseSource))
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	for _, a := range c.Attribution {
		footer = append(footer, "Quellenvermerk: "+a)
	}
	footer = append(footer, fmt.Sprintf("Datenstand: data_version %d", c.DataVersion))
	return writeFooter(w, footer)
}

// WriteCSV writes the ranking: one row per region, unranked regions last.
func (r *Ranking) WriteCSV(w io.Writer) error {
	cw := atlas.NewCSVWriter(w)
	_ = cw.Write([]string{"rank", "key", "name", "type", "value", "flag"})
	for _, e := range r.Entries {
		_ = cw.Write([]string{csvInt(e.Rank), e.Key, e.Name, e.Type, csvFloat(e.Value), csvFlag(e.Flag)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	footer := []string{
		fmt.Sprintf("Rangfolge: %s (%s), %s, Ebene %s, %d, Reihenfolge %s; %s", r.Indicator.Title, r.Indicator.ID, r.Indicator.Unit, r.Level, r.Year, r.Order, r.TieRule),
		fmt.Sprintf("Quelle: %s; Tabelle: %s; Lizenz: %s %s", r.Indicator.Source, r.Indicator.TableID, r.Indicator.Licence, r.Indicator.LicenceURL),
	}
	if r.Normalization != nil {
		footer = append(footer, fmt.Sprintf("Normiert: %s; Bezugsgröße %s %d (%s)", r.Normalization.Formula, r.Normalization.Base, r.Normalization.BaseYear, r.Normalization.BaseSource))
	}
	for _, a := range r.Attribution {
		footer = append(footer, "Quellenvermerk: "+a)
	}
	footer = append(footer, fmt.Sprintf("Gebietsstand: %s (%s); Datenstand: data_version %d", r.Boundaries["gebietsstand"], r.Boundaries["name"], r.DataVersion))
	return writeFooter(w, footer)
}

// WriteCSV writes the index: one row per scored region with the
// contribution of each indicator, then the incomplete regions.
func (r *IndexResult) WriteCSV(w io.Writer) error {
	cw := atlas.NewCSVWriter(w)
	head := []string{"rank", "key", "name", "index"}
	for _, c := range r.Components {
		head = append(head, "contribution_"+c.Indicator, "value_"+c.Indicator)
	}
	_ = cw.Write(append(head, "missing"))
	for _, reg := range r.Regions {
		row := []string{strconv.Itoa(reg.Rank), reg.Key, reg.Name, strconv.FormatFloat(reg.Index, 'f', -1, 64)}
		for _, c := range r.Components {
			row = append(row, strconv.FormatFloat(reg.Contributions[c.Indicator], 'f', -1, 64), strconv.FormatFloat(reg.Values[c.Indicator], 'f', -1, 64))
		}
		_ = cw.Write(append(row, ""))
	}
	for _, inc := range r.Incomplete {
		row := []string{"", inc.Key, inc.Name, ""}
		for range r.Components {
			row = append(row, "", "")
		}
		_ = cw.Write(append(row, fmt.Sprint(inc.Missing)))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	footer := []string{"Formel: " + r.Formula, "Abfrage: " + r.Query}
	for _, c := range r.Components {
		footer = append(footer, fmt.Sprintf("%s (%d, Gewicht %g, Richtung %s): %s; Lizenz: %s", c.Indicator, c.Year, c.Weight, c.Direction, c.Source, c.Attribution))
	}
	for _, a := range r.Attribution {
		footer = append(footer, "Quellenvermerk: "+a)
	}
	footer = append(footer, fmt.Sprintf("Datenstand: data_version %d %s", r.DataVersion, r.SeedVersion))
	return writeFooter(w, footer)
}

// WriteCSV writes the distribution key: one row per region.
func (d *DistributionResult) WriteCSV(w io.Writer) error {
	cw := atlas.NewCSVWriter(w)
	_ = cw.Write([]string{"key", "name", "share_percent", "reference_percent", "diff_pp", "persons", "reference_persons", "diff_persons", "persons_rounded", "reference_persons_rounded", "band_min_percent", "band_max_percent"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, r := range d.Regions {
		_ = cw.Write([]string{r.Key, r.Name, f(r.Share), f(r.Reference), f(r.DiffPP), f(r.Persons), f(r.ReferencePersons), f(r.DiffPersons),
			strconv.Itoa(r.PersonsRounded), strconv.Itoa(r.ReferencePersonsRounded), f(r.Band.Min), f(r.Band.Max)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	footer := []string{"Formel: " + d.Formula, "Abfrage: " + d.Query, "Vergleich: " + d.Reference.Label + ". " + d.Reference.Note, "Sensitivität: " + d.Sensitivity.Method}
	for _, c := range d.Components {
		footer = append(footer, fmt.Sprintf("%s (%d, Gewicht %g, %s): %s; Tabelle %s; Lizenz: %s", c.Indicator, c.Year, c.Weight, c.Values, c.Source, c.TableID, c.Licence))
	}
	for _, a := range d.Attribution {
		footer = append(footer, "Quellenvermerk: "+a)
	}
	footer = append(footer, fmt.Sprintf("Datenstand: data_version %d %s", d.DataVersion, d.SeedVersion))
	return writeFooter(w, footer)
}
