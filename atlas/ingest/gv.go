package ingest

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/standortatlas/standortatlas/atlas"
)

// The Gemeindeverzeichnis (GV-ISys, Destatis) xlsx: one sheet with all
// levels ("Satzart" 10 Land … 60 Gemeinde), the ARS in the columns Land,
// RB, Kreis, VB, Gem, then Gemeindename, Fläche km², Bevölkerung
// (insgesamt, männlich, weiblich, je km²) …; the Gebietsstand and the dates
// of area and population in the fifth header line; a © footer. The reader
// finds the sheet and the columns by their header text, keeps the Satzart
// 60 rows (Gemeinden and gemeindefreie Gebiete), sums area and population
// to Kreise and Länder and derives the density — ids population, area and
// density for a population on the Zensus-2011 basis, population_base2022
// and density_base2022 on the Zensus-2022 basis (never the same series).

var (
	gvDate      = regexp.MustCompile(`(\d{2}\.\d{2}\.(\d{4}))`)
	gvCopyright = regexp.MustCompile(`Statistisches Bundesamt \(Destatis\), \d{4}`)
)

type gvColumns struct {
	satzart, text, land, rb, kreis, vb, gem, name, area, pop int
}

// gvFile is one Gemeindeverzeichnis sheet with what its header says.
type gvFile struct {
	name, sheet                     string
	all                             [][]string
	h                               int // the "Satzart" header row
	cols                            gvColumns
	gebietsstand, popDate, areaDate string
	period                          int
	basis, basisNote                string
	ids                             map[string]string // area, population, density → indicator
}

func readGV(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	g, err := openGV(name, data, spec.Sheet)
	if err != nil {
		return nil, err
	}
	if err := g.dates(); err != nil {
		return nil, err
	}
	if err := g.chooseIDs(spec, known); err != nil {
		return nil, err
	}
	res, gemeindefrei, err := g.rows(in)
	if err != nil {
		return nil, err
	}
	res.Observations = append(res.Observations, aggregate(res.Observations, []AggregateSpec{
		{Indicator: g.ids["area"], To: []atlas.Level{atlas.LevelKreis, atlas.LevelLand}},
		{Indicator: g.ids["population"], To: []atlas.Level{atlas.LevelKreis, atlas.LevelLand}},
	})...)
	res.Observations = append(res.Observations, derive(res.Observations, []DeriveSpec{{Indicator: g.ids["density"], Numerator: g.ids["population"], Denominator: g.ids["area"], Decimals: 1}})...)
	res.Indicators = g.indicators()
	res.Report = append(res.Report, fmt.Sprintf("%s: Gemeindeverzeichnis sheet %s, Gebietsstand %s, %d Gemeinden (%d gemeindefreie Gebiete), area and population %d (%s)%s; summed to Kreise and Länder",
		path.Base(name), g.sheet, g.gebietsstand, res.Rows, gemeindefrei, g.period, g.baseText(), g.basisNote))
	res.Observations = append(res.Observations, cityStates(res.Observations)...)
	return res, nil
}

// openGV finds the sheet with the "Satzart" header and its columns.
func openGV(name string, data []byte, sheet string) (*gvFile, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxTableBytes, UnzipXMLSizeLimit: MaxTableBytes})
	if err != nil {
		return nil, fmt.Errorf("%s: %w: open xlsx: %w", name, atlas.ErrInvalidData, err)
	}
	defer f.Close()
	g := &gvFile{name: name}
	for _, s := range f.GetSheetList() {
		if sheet != "" && s != sheet {
			continue
		}
		r, err := f.GetRows(s, excelize.Options{RawCellValue: true})
		if err == nil && gvHeaderRow(r) >= 0 {
			g.all, g.sheet = r, s
			break
		}
	}
	if g.all == nil {
		return nil, fmt.Errorf("%s: %w: not a Gemeindeverzeichnis: no sheet with a \"Satzart\" header (sheets: %s). %s", name, atlas.ErrInvalidData, strings.Join(f.GetSheetList(), ", "), explainWorkbook(f.GetSheetList()))
	}
	g.h = gvHeaderRow(g.all)
	if g.cols, err = gvFindColumns(g.all, g.h); err != nil {
		return nil, fmt.Errorf("%s: %w: sheet %s: %w", name, atlas.ErrInvalidData, g.sheet, err)
	}
	return g, nil
}

// dates reads the Gebietsstand, the reference days of area and population
// and the population's Zensus basis from the header lines.
func (g *gvFile) dates() error {
	all, h, cols := g.all, g.h, g.cols
	for i := h; i < min(h+4, len(all)); i++ {
		if c := cellAt(all[i], cols.land); strings.Contains(c, "Gebietsstand") {
			if m := gvDate.FindString(c); m != "" {
				g.gebietsstand = m
			}
		}
		if m := gvDate.FindString(cellAt(all[i], cols.pop)); m != "" {
			g.popDate = m
		}
		if m := gvDate.FindString(cellAt(all[i], cols.area)); m != "" {
			g.areaDate = m
		}
	}
	if g.popDate == "" {
		// Some editions date only the area column (both refer to the same
		// reference day then) or only the title line ("… am 31.12.2023 (Jahr)").
		g.popDate = g.areaDate
		if g.popDate == "" && len(all) > 0 && len(all[0]) > 0 {
			g.popDate = gvDate.FindString(all[0][0])
		}
	}
	if g.popDate == "" {
		return fmt.Errorf("%s: %w: no date for the population in the header lines", g.name, atlas.ErrInvalidData)
	}
	g.period, _ = strconv.Atoi(g.popDate[6:])
	popHeader := clean(cellAt(all[h], cols.pop))
	switch {
	case strings.Contains(popHeader, "Zensus 2011"):
		g.basis = "2011"
	case strings.Contains(popHeader, "Zensus 2022"):
		g.basis = "2022"
	case g.period <= 2023:
		// Editions up to the reference date 31.12.2023 do not always name
		// the basis; they were all published on the Zensus-2011 basis (the
		// 31.12.2023 edition sums to 84,669,326, Destatis' 2011-based figure).
		g.basis = "2011"
		g.basisNote = "; the header names no Zensus basis: Zensus 2011 assumed for reference year " + strconv.Itoa(g.period)
	default:
		return fmt.Errorf("%s: %w: the population header %q names no Zensus basis (2011 or 2022); the atlas never mixes the two", g.name, atlas.ErrInvalidData, popHeader)
	}
	return nil
}

// chooseIDs names the indicators: area, population and density (on the
// Zensus-2022 basis separate series), or the mapped ones.
func (g *gvFile) chooseIDs(spec TableSpec, known map[string]atlas.Indicator) error {
	g.ids = map[string]string{"area": "area", "population": "population", "density": "density"}
	if g.basis == "2022" {
		g.ids["population"], g.ids["density"] = "population_base2022", "density_base2022"
	}
	for k := range g.ids {
		if id, ok := spec.Map[k]; ok {
			if _, ok := known[id]; !ok {
				return fmt.Errorf("%s: map %s=%s: %w", g.name, k, id, atlas.ErrUnknownIndicator)
			}
			g.ids[k] = id
		}
	}
	return nil
}

// rows reads the Satzart-60 rows (Gemeinden).
func (g *gvFile) rows(in formatInputs) (*TableResult, int, error) {
	res := &TableResult{}
	verr := &ValidationError{File: g.name}
	problem := func(row, col int, reason string) {
		verr.add(&CellError{File: g.name, Row: row, Column: excelColumn(col), Reason: reason})
	}
	cols := g.cols
	seen := map[string]int{}
	gemeindefrei := 0
	for i := g.h + 1; i < len(g.all); i++ {
		in.progress(i-g.h, len(g.all)-g.h-1)
		rec := g.all[i]
		if cellAt(rec, cols.satzart) != "60" {
			continue
		}
		key := cellAt(rec, cols.land) + cellAt(rec, cols.rb) + cellAt(rec, cols.kreis) + cellAt(rec, cols.gem)
		if !atlas.ValidKey(atlas.LevelGemeinde, key) {
			problem(i+1, cols.land, fmt.Sprintf("Land+RB+Kreis+Gem = %q is not an 8-digit AGS", key))
			continue
		}
		if prev, dup := seen[key]; dup {
			problem(i+1, cols.land, fmt.Sprintf("AGS %s twice (first in row %d)", key, prev))
			continue
		}
		seen[key] = i + 1
		if tk := cellAt(rec, cols.text); tk == "65" || tk == "66" {
			gemeindefrei++ // Textkennzeichen of gemeindefreie Gebiete
		}
		res.Rows++
		for _, v := range [][2]any{{cols.area, g.ids["area"]}, {cols.pop, g.ids["population"]}} {
			col, id := v[0].(int), v[1].(string)
			x, flag, err := ParseValue(cellAt(rec, col), ".")
			if err != nil {
				problem(i+1, col, err.Error())
				continue
			}
			res.Observations = append(res.Observations, atlas.Observation{Indicator: id, Level: atlas.LevelGemeinde, Key: key, Period: g.period, Value: x, Flag: flag})
		}
	}
	if len(verr.Problems) > 0 {
		return nil, 0, verr
	}
	if res.Rows == 0 {
		return nil, 0, fmt.Errorf("%s: %w: no Satzart-60 rows", g.name, atlas.ErrInvalidData)
	}
	return res, gemeindefrei, nil
}

func (g *gvFile) baseText() string {
	if g.basis == "2022" {
		return "Fortschreibung auf Grundlage des Zensus 2022"
	}
	return "Fortschreibung auf Grundlage des Zensus 2011"
}

// copyright finds the © line of the footer.
func (g *gvFile) copyright() string {
	all := g.all
	for i := len(all) - 1; i > g.h && i > len(all)-15; i-- {
		if c := strings.TrimSpace(cellAt(all[i], 0)); strings.HasPrefix(c, "©") {
			next := ""
			if i+1 < len(all) {
				next = strings.TrimSpace(cellAt(all[i+1], 0))
			}
			if m := gvCopyright.FindString(c + " " + next); m != "" {
				return "© " + m
			}
		}
	}
	return "© Statistisches Bundesamt (Destatis)"
}

// indicators are the catalogue entries of area, population and density.
func (g *gvFile) indicators() []atlas.Indicator {
	src := "Gemeindeverzeichnis GV-ISys: " + clean(cellAt(g.all[0], 0))
	attr := g.copyright() + " (Gemeindeverzeichnis GV-ISys), dl-de/by-2-0; Kreis- und Landeswerte: Summe der Gemeinden, eigene Berechnung"
	base := g.baseText()
	common := atlas.Indicator{Topic: "bevoelkerung", TopicTitle: "Bevölkerung und Fläche", Direction: atlas.DirectionContext, Source: src,
		Publisher: "Statistisches Bundesamt (Destatis)", TableID: "GV-ISys " + g.gebietsstand, Licence: "dl-de/by-2-0",
		LicenceURL: "https://www.govdata.de/dl-de/by-2-0", Attribution: attr, ReferenceDate: "31.12.", Gebietsstand: g.gebietsstand}
	area, pop, dens := common, common, common
	area.ID, area.Title, area.TitleEN, area.Unit, area.Decimals, area.Aggregation = g.ids["area"], "Fläche", "Area", "km²", 2, "sum"
	area.Definition = "Bodenfläche in km² am " + g.areaDate + " (Gemeindeverzeichnis); Kreis- und Landeswerte: Summe der Gemeinden."
	pop.ID, pop.Title, pop.TitleEN, pop.Unit, pop.Aggregation, pop.PopulationBase = g.ids["population"], "Bevölkerung", "Population", "Personen", "sum", base
	pop.Definition = "Einwohnerinnen und Einwohner am " + g.popDate + " (" + base + "); Kreis- und Landeswerte: Summe der Gemeinden."
	dens.ID, dens.Title, dens.TitleEN, dens.Unit, dens.Decimals, dens.Aggregation, dens.PopulationBase = g.ids["density"], "Bevölkerungsdichte", "Population density", "Einw. je km²", 1, "ratio", base
	dens.Definition = "Einwohner je km² Bodenfläche am " + g.popDate + " (Bevölkerung ÷ Fläche, eigene Berechnung)."
	if g.basis == "2022" {
		pop.Title, dens.Title = "Bevölkerung (Basis Zensus 2022)", "Bevölkerungsdichte (Basis Zensus 2022)"
	}
	return []atlas.Indicator{area, pop, dens}
}

// gvHeaderRow returns the row (0-based) whose first cell is the "Satzart"
// header, or -1.
func gvHeaderRow(rows [][]string) int {
	for i := 0; i < min(12, len(rows)); i++ {
		if strings.HasPrefix(gvNorm(cellAt(rows[i], 0)), "satzart") {
			return i
		}
	}
	return -1
}

func gvNorm(s string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "", "\n", "", "\u00ad", "").Replace(s))
}

// gvFindColumns finds the columns by the header text of the first two
// header lines.
func gvFindColumns(rows [][]string, h int) (gvColumns, error) {
	c := gvColumns{satzart: 0, text: -1, land: -1, rb: -1, kreis: -1, vb: -1, gem: -1, name: -1, area: -1, pop: -1}
	top := rows[h]
	var sub []string
	if h+1 < len(rows) {
		sub = rows[h+1]
	}
	for j := range max(len(top), len(sub)) {
		t, s := gvNorm(cellAt(top, j)), gvNorm(cellAt(sub, j))
		switch {
		case s == "land" && c.land < 0:
			c.land = j
		case s == "rb" && c.rb < 0:
			c.rb = j
		case s == "kreis" && c.kreis < 0:
			c.kreis = j
		case s == "vb" && c.vb < 0:
			c.vb = j
		case s == "gem" && c.gem < 0:
			c.gem = j
		}
		switch {
		case strings.HasPrefix(t, "textkennzeichen") && c.text < 0:
			c.text = j
		case strings.HasPrefix(t, "gemeindename") && c.name < 0:
			c.name = j
		case strings.HasPrefix(t, "fläche") && c.area < 0:
			c.area = j
		case strings.HasPrefix(t, "bevölkerung") && c.pop < 0:
			c.pop = j
		}
	}
	var miss []string
	for n, v := range map[string]int{"Land": c.land, "RB": c.rb, "Kreis": c.kreis, "Gem": c.gem, "Gemeindename": c.name, "Fläche": c.area, "Bevölkerung": c.pop} {
		if v < 0 {
			miss = append(miss, n)
		}
	}
	if len(miss) > 0 {
		return c, fmt.Errorf("header columns not found: %s", strings.Join(miss, ", "))
	}
	return c, nil
}

// excelColumn names a 0-based column as in Excel (A, B, … AA).
func excelColumn(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return "#" + strconv.Itoa(i+1)
	}
	return name
}
