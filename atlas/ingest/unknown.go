package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path"
	"strings"
)

// explainUnknown says, for a file no reader recognises, what it is and
// what to do instead: every refusal of import auto names the reason and
// the fix.
func explainUnknown(s Sniff) (why, fix string) {
	ext := strings.TrimPrefix(path.Ext(s.Name), ".")
	head := strings.TrimSpace(s.Head)
	switch {
	case contains([]string{"shp", "shx", "dbf", "prj", "cpg", "geojson", "topojson", "gpkg", "kml"}, ext) ||
		strings.Contains(head[:min(len(head), 400)], `"Topology"`) || strings.Contains(head[:min(len(head), 400)], `"FeatureCollection"`):
		return "a boundary file (geometry, part of a shapefile or TopoJSON/GeoJSON), not a table of values",
			"import boundaries with: standortatlas import boundaries -level land|kreis|vwg|gemeinde FILE (a shapefile as .shp with its .dbf, .shx and .prj beside it, or as .zip)"
	case contains([]string{"md", "txt", "pdf", "html", "htm", "doc", "docx"}, ext) || strings.HasPrefix(s.Head, "%PDF"):
		return "a document (" + ext + "), not a table of values",
			"nothing to import from it; import the data files it describes"
	case s.BIFF:
		return "an .xls workbook of no known layout",
			"a Gebietsänderungen list is used with -crosswalk FILE -crosswalk-year Y; any other sheet: describe its columns in a table spec (standortatlas import table -spec SPEC.json FILE, \"sheet\")"
	}
	header, rows := sniffRecords(s.Head)
	lower := strings.ToLower(strings.Join(header, " "))
	if top := strings.ToLower(s.Head[:min(len(s.Head), 600)]); strings.Contains(top, "erlaeuterung") || strings.Contains(top, "erläuterung") {
		return "a codebook (descriptions of the variables of a data file), not values",
			"nothing to import from it; use its labels and units for the catalogue entries of a table spec for the data file"
	}
	switch {
	case len(header) == 0:
		return "no table in the file", "import a CSV, xlsx or .xls table"
	case hasAll(header, "lat") && (hasAll(header, "lon") || hasAll(header, "long") || hasAll(header, "lng")):
		return "a list of places (coordinates in columns lat/lon), not values per region",
			"import it with: standortatlas import places FILE (they are counted per region on publish)"
	case hasAll(header, "variable") && (hasAll(header, "label") || strings.Contains(lower, "beschreibung") || hasAll(header, "description")):
		return "a codebook (descriptions of the variables of a data file), not values",
			"nothing to import from it; use its labels and units for the catalogue entries of a table spec for the data file"
	}
	col := keyColumn(header, rows)
	if col < 0 {
		return "no column of regional keys (AGS: 2-digit Land, 5-digit Kreis, 8-digit Gemeinde): the table is not broken down by region",
			"the atlas maps values per Land, Kreis or Gemeinde; download a regional table (e.g. from the Regionaldatenbank: -4 tables) instead"
	}
	return fmt.Sprintf("a table with regional keys in column %d (%q) and %d other columns, but in no layout a reader knows (GENESIS, INKAR, flat file, canonical, Königsteiner Schlüssel), and it names no source and licence that new indicators need", col+1, header[col], len(header)-1),
		"describe its key, period and value columns in a table spec (catalogue entries with source and licence may go in its \"indicators\") and run standortatlas import table -spec SPEC.json FILE — seeds/manifest.json \"tables\" has examples — or convert it to the canonical form (key,indicator,period,value)"
}

// sniffRecords reads the first lines of a delimited text.
func sniffRecords(head string) ([]string, [][]string) {
	if i := strings.LastIndexByte(head, '\n'); i > 0 {
		head = head[:i] // a cut last line
	}
	cr := csv.NewReader(bytes.NewReader([]byte(head)))
	cr.Comma = rune(detectDelimiter([]byte(head))[0])
	cr.FieldsPerRecord, cr.LazyQuotes = -1, true
	var recs [][]string
	for len(recs) < 50 {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err == nil {
			recs = append(recs, rec)
		}
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], recs[1:]
}

func hasAll(header []string, name string) bool {
	for _, h := range header {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), name) {
			return true
		}
	}
	return false
}

// keyColumn is the column whose cells are mostly regional keys, or -1.
func keyColumn(header []string, rows [][]string) int {
	for c := range header {
		n, keys := 0, 0
		for _, r := range rows {
			if cell := cellAt(r, c); cell != "" {
				n++
				if isKeyCell(cell) && cell != "DG" && len(cell) != 3 {
					keys++
				}
			}
		}
		if n >= 2 && keys*10 >= n*9 {
			return c
		}
	}
	return -1
}

// explainWorkbook says what an xlsx workbook that is no Gemeindeverzeichnis
// is, by its sheet names, and what to do with it.
func explainWorkbook(sheets []string) string {
	joined := strings.Join(sheets, " ")
	switch {
	case len(sheets) > 0 && rangePattern.MatchString(sheets[0]):
		return "It is a BBSR Umsteigeschlüssel (a crosswalk between Gebietsstände), not values. Fix: use it with -crosswalk FILE -crosswalk-year Y when importing a table of an older Gebietsstand"
	case strings.Contains(joined, "Deutschlandatlas_"):
		return "It looks like a Deutschlandatlas workbook, but not in the layout the deutschlandatlas reader knows (sheets Deutschlandatlas_KRS1224 … with a header row \"Indikatorkürzel: …\"). Fix: standortatlas import deutschlandatlas -sheet NAME FILE, or describe the sheet in a table spec and run standortatlas import table -spec SPEC.json FILE"
	case strings.Contains(joined, "Kreisfreie Städte u. Landkreise"):
		return "It is the Kreise list of the Gemeindeverzeichnis; gv reads the Gemeinden list (sheet Onlineprodukt_Gemeinden…), whose area and population it sums to Kreise and Länder. Fix: import the Gemeinden list of the same date, or describe this sheet in a table spec (standortatlas import table -spec SPEC.json FILE)"
	}
	return "Fix: describe the sheet's key and value columns in a table spec (standortatlas import table -spec SPEC.json FILE, \"sheet\")"
}
