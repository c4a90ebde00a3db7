package ingest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/standortatlas/standortatlas/atlas"
)

// `import auto` on every file of ../shared/data: it imports with values
// equal to an independent read, or refuses with a message naming the
// reason and the fix. The files are compact real excerpts in
// testdata/auto (same paths as in ../shared/data; provenance in
// testdata/auto/README.md); three large files are the byte-identical
// copies in seeds/indicators (the Deutschlandatlas workbook too). One large
// workbook is only in the hand run (README): the Gemeindeverzeichnis of
// 31.12.2023 (same layout as the seeds' one of 31.12.2024).
func TestImportAutoOnEverySharedFile(t *testing.T) {
	root := "../../testdata/auto"
	files := map[string]string{ // path in ../shared/data → file here
		"indicators/destatis_genesis_12531-0043_kreise_2023_ffcsv.zip":                         "../../seeds/indicators/destatis_genesis_12531-0043_kreise_2023_ffcsv.zip",
		"indicators/destatis_gv_gemeinden_gebietsstand_31122024_bevoelkerung_31122023.xlsx":    "../../seeds/indicators/destatis_gv_gemeinden_gebietsstand_31122024_bevoelkerung_31122023.xlsx",
		"indicators/crosswalks/bbsr_ref-kreise-umrech-2020-1990-2019.xlsx":                     "../../seeds/indicators/bbsr_ref-kreise-umrech-2020-1990-2019.xlsx",
		"indicators/integration/deutschlandatlas_daten_stand_2026-04-22_kreise_gemeinden.xlsx": "../../seeds/indicators/deutschlandatlas_daten_stand_2026-04-22_kreise_gemeinden.xlsx",
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == filepath.Join(root, "README.md") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	imported := 0
	for rel, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := importAuto(rel, data)
		want, ok := autoOutcome(rel)
		if !ok {
			t.Errorf("%s: no expected outcome", rel)
			continue
		}
		if want.verify == nil {
			if err == nil {
				t.Errorf("%s: imported %d values, want a refusal (%s)", rel, len(res.Observations), want.reason)
				continue
			}
			msg := err.Error()
			if !errors.Is(err, atlas.ErrInvalidData) || !strings.Contains(msg, want.reason) || !strings.Contains(msg, want.fix) {
				t.Errorf("%s: refusal %q\nwant reason %q and fix %q", rel, msg, want.reason, want.fix)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		imported++
		want.verify(t, rel, data, res)
	}
	if imported < 7 {
		t.Errorf("%d files imported", imported)
	}
}

// importAuto is what `import auto FILE` reads before it touches a store.
func importAuto(name string, data []byte) (*TableResult, error) {
	format, err := DetectFormat(name, data)
	if err != nil {
		return nil, err
	}
	spec, err := SpecFromOptions(format, filepath.Base(name), nil)
	if err != nil {
		return nil, err
	}
	return ReadTable(filepath.Base(name), data, spec, map[string]atlas.Indicator{})
}

type outcome struct {
	verify      func(t *testing.T, name string, data []byte, res *TableResult)
	reason, fix string
}

func autoOutcome(rel string) (outcome, bool) {
	ext := filepath.Ext(rel)
	base := filepath.Base(rel)
	boundary := outcome{reason: "a boundary file", fix: "standortatlas import boundaries -level"}
	document := outcome{reason: "a document", fix: "nothing to import"}
	spec := outcome{reason: "a table with regional keys in column 1", fix: "import table -spec SPEC.json"}
	codebook := outcome{reason: "a codebook", fix: "nothing to import"}
	switch {
	case strings.HasPrefix(rel, "boundaries/") && (ext == ".md" || ext == ".txt" || ext == ".pdf"):
		return document, true
	case strings.HasPrefix(rel, "boundaries/"):
		return boundary, true
	case ext == ".md":
		return document, true
	case strings.HasPrefix(rel, "points/"):
		return outcome{reason: "a list of places", fix: "standortatlas import places FILE"}, true
	case strings.Contains(base, "codebook"):
		return codebook, true
	case strings.HasPrefix(base, "regionalstatistik_") || strings.HasPrefix(base, "genesis_"):
		return outcome{verify: verifyGENESIS}, true
	case base == "inkar_kreise_2017_sozio_mixed.csv":
		return outcome{verify: verifyINKAR}, true
	case strings.HasPrefix(base, "destatis_gv_gemeinden"):
		return outcome{verify: verifyGV}, true
	}
	switch base {
	case "destatis_genesis_12531-0043_kreise_2023_ffcsv.zip":
		return outcome{reason: "declare how to combine the variable(s) SCHST2", fix: "-ffcsv-sum VAR"}, true
	case "destatis_genesis_12511-0003_einbuergerungen_nach_staatsangehoerigkeit_D_2000_2023_latin1.csv":
		return outcome{reason: "no column of regional keys", fix: "download a regional table"}, true
	case "bbsr_ref-kreise-umrech-2020-1990-2019.xlsx":
		return outcome{reason: "BBSR Umsteigeschlüssel", fix: "-crosswalk FILE -crosswalk-year Y"}, true
	case "deutschlandatlas_daten_stand_2026-04-22_kreise_gemeinden.xlsx": // its reader; every cell is compared in deutschlandatlas_test.go
		return outcome{verify: func(t *testing.T, name string, _ []byte, res *TableResult) {
			if len(res.Observations) < 400*50 {
				t.Errorf("%s: %d values", name, len(res.Observations))
			}
		}}, true
	case "destatis_gv_kreise_31122021_flaeche_bevoelkerung_nuts3.xlsx":
		return outcome{reason: "the Kreise list of the Gemeindeverzeichnis", fix: "import the Gemeinden list"}, true
	case "breitbandatlas_kreise_2021_privathaushalte_verfuegbarkeit.csv", "gerda_inkar_kreise_1995_2022.csv",
		"gerda_zensus2022_gemeinden.csv", "npm_landkreise-deutschland_3.0.0_kreise_31122018.csv",
		"rki_gisd_2025v1_kreise_1998_2021.csv", "destatis_migration_integration_regionen_kreise_2017-2019_daten.csv":
		return spec, true
	}
	return outcome{}, false
}

// verifyGENESIS reads a raw GENESIS file by plain splitting: rows before
// the footer, date (or the header's date), key, name, category labels,
// values with a decimal comma; every value of a Land or Kreis must be
// imported as the number (or, for a special value, as no number).
func verifyGENESIS(t *testing.T, name string, data []byte, res *TableResult) {
	text := string(data)
	if !utf8.Valid(data) {
		b, _ := charmap.ISO8859_1.NewDecoder().Bytes(data)
		text = string(b)
	}
	table := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(text, "\n", 2)[0], "GENESIS-Tabelle:"))
	headerYear := 0
	for y := range res.Dates.years {
		headerYear = y
	}
	checked := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "__________") {
			break
		}
		f := strings.Split(strings.TrimRight(line, "\r"), ";")
		year, i := headerYear, 0
		switch {
		case len(f[0]) == 10 && f[0][2] == '.':
			year, _ = strconv.Atoi(f[0][6:])
			i = 1
		case len(f[0]) == 4 && strings.Trim(f[0], "0123456789") == "" && len(f) > 1 && f[1] != "":
			year, _ = strconv.Atoi(f[0])
			i = 1
		}
		if len(f) < i+3 || !(len(f[i]) == 2 || len(f[i]) == 5) || strings.Trim(f[i], "0123456789") != "" {
			continue
		}
		key, j, cat := f[i], i+2, ""
		for ; j < len(f) && strings.Trim(f[j], "0123456789,.-x/ ") != ""; j++ {
			cat = f[j]
		}
		for c := j; c < len(f); c++ {
			id := makeID("rdb", table) + "_c" + strconv.Itoa(c+1)
			if cat != "" {
				id = makeID(id, cat)
			}
			o, ok := find(res.Observations, id, key, year)
			want, isNum := rawNumber(f[c])
			switch {
			case !ok && strings.TrimSpace(f[c]) == "":
			case !ok:
				t.Errorf("%s: %s %s %d (raw %q): not imported", name, id, key, year, f[c])
			case isNum && o.Value != want, !isNum && o.Valued():
				t.Errorf("%s: %s %s %d = %v, raw %q", name, id, key, year, o.Value, f[c])
			default:
				checked++
			}
		}
	}
	if checked < 10 {
		t.Errorf("%s: only %d values checked", name, checked)
	}
}

func verifyINKAR(t *testing.T, name string, data []byte, res *TableResult) {
	names, years, rows := rawINKAR(t, data)
	checked := 0
	for _, r := range rows[:len(rows)-1] { // the last line of the excerpt may be cut
		for j := 3; j < len(names) && j < len(r); j++ {
			y, _ := strconv.Atoi(years[j])
			o, ok := find(res.Observations, makeID("inkar", names[j]), r[0], y)
			want, err := strconv.ParseFloat(strings.Replace(strings.ReplaceAll(r[j], ".", ""), ",", ".", 1), 64)
			if !ok || (err == nil && o.Value != want) || (err != nil && o.Valued()) {
				t.Errorf("%s: %s %s %d = %+v (found %v), raw %q", name, r[0], names[j], y, o, ok, r[j])
			}
			checked++
		}
	}
	if checked < 10 {
		t.Errorf("%s: only %d values checked", name, checked)
	}
}

// verifyGV compares with the seeds' hand-written spec of the same file
// (the generic column reader, another code path).
func verifyGV(t *testing.T, name string, data []byte, res *TableResult) {
	m, known := seedManifest(t)
	spec := seedSpec(t, m, "gv_gemeinden_2023")
	if w, err := readWorkbook(name, data); err == nil {
		for _, s := range w.names {
			if strings.HasPrefix(s, "Onlineprodukt_Gemeinden") {
				spec.Sheet = s // the same layout in the edition of another date
			}
		}
	}
	handed, err := ReadTable(spec.File, data, spec, known)
	if err != nil {
		t.Fatal(err)
	}
	sameObservations(t, name, res.Observations, handed.Observations)
}
