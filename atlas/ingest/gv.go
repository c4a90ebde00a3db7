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

func readGV(name string, data []byte, spec TableSpec, known map[string]atlas.Indicator, in formatInputs) (*TableResult, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxTableBytes, UnzipXMLSizeLimit: MaxTableBytes})
	if err != nil {
		return nil, fmt.Errorf("%s: %w: open xlsx: %w", name, atlas.ErrInvalidData, err)
	}
	defer f.Close()
	var all [][]string
	sheet := spec.Sheet
	for _, s := range f.GetSheetList() {
		if sheet != "" && s != sheet {
			continue
		}
		r, err := f.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			continue
		}
		if gvHeaderRow(r) >= 0 {
			all, sheet = r, s
			break
		}
	}
	if all == nil {
		return nil, fmt.Errorf("%s: %w: not a Gemeindeverzeichnis: no sheet with a \"Satzart\" header (sheets: %s). %s", name, atlas.ErrInvalidData, strings.Join(f.GetSheetList(), ", "), explainWorkbook(f.GetSheetList()))
	}
	h := gvHeaderRow(all)
	cols, err := gvFindColumns(all, h)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: sheet %s: %w", name, atlas.ErrInvalidData, sheet, err)
	}
	// Dates and the population basis from the header lines.
	gebietsstand, popDate, areaDate := "", "", ""
	for i := h; i < min(h+4, len(all)); i++ {
		if c := cellAt(all[i], cols.land); strings.Contains(c, "Gebietsstand") {
			if m := gvDate.FindString(c); m != "" {
				gebietsstand = m
			}
		}
		if m := gvDate.FindString(cellAt(all[i], cols.pop)); m != "" {
			popDate = m
		}
		if m := gvDate.FindString(cellAt(all[i], cols.area)); m != "" {
			areaDate = m
		}
	}
	if popDate == "" {
		// Some editions date only the area column (both refer to the same
		// reference day then) or only the title line ("… am 31.12.2023 (Jahr)").
		popDate = areaDate
		if popDate == "" && len(all) > 0 && len(all[0]) > 0 {
			popDate = gvDate.FindString(all[0][0])
		}
	}
	if popDate == "" {
		return nil, fmt.Errorf("%s: %w: no date for the population in the header lines", name, atlas.ErrInvalidData)
	}
	period, _ := strconv.Atoi(popDate[6:])
	basis, basisNote := "", ""
	popHeader := clean(cellAt(all[h], cols.pop))
	switch {
	case strings.Contains(popHeader, "Zensus 2011"):
		basis = "2011"
	case strings.Contains(popHeader, "Zensus 2022"):
		basis = "2022"
	case period <= 2023:
		// Editions up to the reference date 31.12.2023 do not always name
		// the basis; they were all published on the Zensus-2011 basis (the
		// 31.12.2023 edition sums to 84,669,326, Destatis' 2011-based figure).
		basis = "2011"
		basisNote = "; the header names no Zensus basis: Zensus 2011 assumed for reference year " + strconv.Itoa(period)
	default:
		return nil, fmt.Errorf("%s: %w: the population header %q names no Zensus basis (2011 or 2022); the atlas never mixes the two", name, atlas.ErrInvalidData, popHeader)
	}
	ids := map[string]string{"area": "area", "population": "population", "density": "density"}
	if basis == "2022" {
		ids["population"], ids["density"] = "population_base2022", "density_base2022"
	}
	for k := range ids {
		if id, ok := spec.Map[k]; ok {
			if _, ok := known[id]; !ok {
				return nil, fmt.Errorf("%s: map %s=%s: %w", name, k, id, atlas.ErrUnknownIndicator)
			}
			ids[k] = id
		}
	}
	copyright := ""
	for i := len(all) - 1; i > h && i > len(all)-15; i-- {
		if c := strings.TrimSpace(cellAt(all[i], 0)); strings.HasPrefix(c, "©") {
			next := ""
			if i+1 < len(all) {
				next = strings.TrimSpace(cellAt(all[i+1], 0))
			}
			if m := gvCopyright.FindString(c + " " + next); m != "" {
				copyright = "© " + m
			}
		}
	}
	if copyright == "" {
		copyright = "© Statistisches Bundesamt (Destatis)"
	}
	title := clean(cellAt(all[0], 0))

	res := &TableResult{}
	verr := &ValidationError{File: name}
	problem := func(row, col int, reason string) {
		if len(verr.Problems) < MaxProblems {
			verr.Problems = append(verr.Problems, &CellError{File: name, Row: row, Column: excelColumn(col), Reason: reason})
		}
	}
	seen := map[string]int{}
	gemeindefrei := 0
	for i := h + 1; i < len(all); i++ {
		in.progress(i-h, len(all)-h-1)
		rec := all[i]
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
		for _, v := range []struct {
			col int
			id  string
		}{{cols.area, ids["area"]}, {cols.pop, ids["population"]}} {
			x, flag, err := ParseValue(cellAt(rec, v.col), ".")
			if err != nil {
				problem(i+1, v.col, err.Error())
				continue
			}
			res.Observations = append(res.Observations, atlas.Observation{Indicator: v.id, Level: atlas.LevelGemeinde, Key: key, Period: period, Value: x, Flag: flag})
		}
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	if res.Rows == 0 {
		return nil, fmt.Errorf("%s: %w: no Satzart-60 rows", name, atlas.ErrInvalidData)
	}
	res.Observations = append(res.Observations, aggregate(res.Observations, []AggregateSpec{
		{Indicator: ids["area"], To: []atlas.Level{atlas.LevelKreis, atlas.LevelLand}},
		{Indicator: ids["population"], To: []atlas.Level{atlas.LevelKreis, atlas.LevelLand}},
	})...)
	res.Observations = append(res.Observations, derive(res.Observations, []DeriveSpec{{Indicator: ids["density"], Numerator: ids["population"], Denominator: ids["area"], Decimals: 1}})...)

	src := "Gemeindeverzeichnis GV-ISys: " + title
	attr := copyright + " (Gemeindeverzeichnis GV-ISys), dl-de/by-2-0; Kreis- und Landeswerte: Summe der Gemeinden, eigene Berechnung"
	base := "Fortschreibung auf Grundlage des Zensus 2011"
	if basis == "2022" {
		base = "Fortschreibung auf Grundlage des Zensus 2022"
	}
	common := atlas.Indicator{Topic: "bevoelkerung", TopicTitle: "Bevölkerung und Fläche", Direction: atlas.DirectionContext, Source: src,
		Publisher: "Statistisches Bundesamt (Destatis)", TableID: "GV-ISys " + gebietsstand, Licence: "dl-de/by-2-0",
		LicenceURL: "https://www.govdata.de/dl-de/by-2-0", Attribution: attr, ReferenceDate: "31.12.", Gebietsstand: gebietsstand}
	area, pop, dens := common, common, common
	area.ID, area.Title, area.TitleEN, area.Unit, area.Decimals, area.Aggregation = ids["area"], "Fläche", "Area", "km²", 2, "sum"
	area.Definition = "Bodenfläche in km² am " + areaDate + " (Gemeindeverzeichnis); Kreis- und Landeswerte: Summe der Gemeinden."
	pop.ID, pop.Title, pop.TitleEN, pop.Unit, pop.Aggregation, pop.PopulationBase = ids["population"], "Bevölkerung", "Population", "Personen", "sum", base
	pop.Definition = "Einwohnerinnen und Einwohner am " + popDate + " (" + base + "); Kreis- und Landeswerte: Summe der Gemeinden."
	dens.ID, dens.Title, dens.TitleEN, dens.Unit, dens.Decimals, dens.Aggregation, dens.PopulationBase = ids["density"], "Bevölkerungsdichte", "Population density", "Einw. je km²", 1, "ratio", base
	dens.Definition = "Einwohner je km² Bodenfläche am " + popDate + " (Bevölkerung ÷ Fläche, eigene Berechnung)."
	if basis == "2022" {
		pop.Title, dens.Title = "Bevölkerung (Basis Zensus 2022)", "Bevölkerungsdichte (Basis Zensus 2022)"
	}
	res.Indicators = []atlas.Indicator{area, pop, dens}
	res.Report = append(res.Report, fmt.Sprintf("%s: Gemeindeverzeichnis sheet %s, Gebietsstand %s, %d Gemeinden (%d gemeindefreie Gebiete), area and population %d (%s)%s; summed to Kreise and Länder",
		path.Base(name), sheet, gebietsstand, res.Rows, gemeindefrei, period, base, basisNote))
	if extra := cityStates(res.Observations); len(extra) > 0 {
		res.Observations = append(res.Observations, extra...)
	}
	return res, nil
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
