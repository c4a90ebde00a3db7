package ingest

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// keyFilter decides, for the format-aware readers, which keys of a table
// become observations. Official tables mix levels: Deutschland ("DG"),
// Länder, Regierungsbezirke, Kreise, and in Kreis tables a few 8-digit
// keys — Berlin's Bezirke (11001001 …) and cities inside a Kreis-level
// unit (03241001 Hannover in the Region Hannover, 05334002 Aachen,
// 10041100 Saarbrücken). None of those is a region of the atlas at the
// table's level; they are counted and reported, never imported as
// Gemeinden (a Gemeinde map needs every Gemeinde).
type keyFilter struct {
	gemeindeTable bool
	skipped       map[string][]string // reason → keys (with names)
	converted     int                 // 12-digit ARS turned into AGS
	germany       int                 // Deutschland (DG) rows kept as the official Germany value
}

// newKeyFilter looks at all keys of a table: it is a Gemeinde table when
// 8-digit keys outnumber 5-digit ones (Berlin's Bezirke aside).
func newKeyFilter(keys []string) *keyFilter {
	n5, n8 := 0, 0
	for _, k := range keys {
		switch len(k) {
		case 5:
			n5++
		case 8, 12:
			if !isBerlinBezirk(k) {
				n8++
			}
		}
	}
	return &keyFilter{gemeindeTable: n8 > n5, skipped: map[string][]string{}}
}

// isBerlinBezirk reports whether key is one of Berlin's Bezirke (11001001 …
// 11012012): Berlin is one Gemeinde, 11000000.
func isBerlinBezirk(key string) bool {
	return len(key) == 8 && strings.HasPrefix(key, "11") && key != "11000000"
}

// Reasons for skipped keys, in report order.
const (
	skipRegBez    = "Regierungsbezirke / statistische Regionen (3-digit keys): not a level of the atlas"
	skipBezirk    = "Berlin Bezirke: Berlin is one Gemeinde (11000000) and Kreis (11000); its Bezirke are not regions of the atlas"
	skipCityPart  = "Gemeinden listed in a Kreis table (cities inside Region Hannover, StädteRegion Aachen, Regionalverband Saarbrücken): not imported as Gemeinden — a Gemeinde map needs every Gemeinde"
	skipVWG       = "Gemeindeverbände (9-digit keys) in a Kreis table"
	skipMalformed = "not a regional key"
)

// keep returns the level and (possibly converted) key of a row, or false
// when the row is skipped (and recorded for the report).
func (f *keyFilter) keep(key, name string) (atlas.Level, string, bool) {
	label := key
	if name = clean(name); name != "" {
		label = key + " " + name
	}
	skip := func(reason string) (atlas.Level, string, bool) {
		f.skipped[reason] = append(f.skipped[reason], label)
		return 0, "", false
	}
	switch {
	case key == atlas.GermanyKey:
		f.germany++
		return atlas.LevelGermany, key, true
	case !allDigits(key):
		return skip(skipMalformed)
	case len(key) == 3:
		return skip(skipRegBez)
	case isBerlinBezirk(key):
		return skip(skipBezirk)
	case len(key) == 8 && !f.gemeindeTable:
		return skip(skipCityPart)
	case len(key) == 9 && !f.gemeindeTable:
		return skip(skipVWG)
	case len(key) == 12:
		if !f.gemeindeTable {
			return skip(skipCityPart)
		}
		f.converted++
		key = key[:5] + key[9:]
		if isBerlinBezirk(key) {
			return skip(skipBezirk)
		}
	}
	l, ok := atlas.LevelOfKey(key)
	if !ok {
		return skip(skipMalformed)
	}
	return l, key, true
}

// report lists the skipped rows by reason.
func (f *keyFilter) report(file string) []string {
	var out []string
	for _, reason := range []string{skipRegBez, skipBezirk, skipCityPart, skipVWG, skipMalformed} {
		keys := f.skipped[reason]
		if len(keys) == 0 {
			continue
		}
		uniq := map[string]bool{}
		var list []string
		for _, k := range keys {
			if !uniq[k] {
				uniq[k] = true
				list = append(list, k)
			}
		}
		sort.Strings(list)
		more := ""
		if len(list) > 12 {
			more = fmt.Sprintf(" … (+%d)", len(list)-12)
			list = list[:12]
		}
		out = append(out, fmt.Sprintf("%s: %d row(s) skipped — %s: %s%s", path.Base(file), len(keys), reason, strings.Join(list, "; "), more))
	}
	if f.germany > 0 {
		out = append(out, fmt.Sprintf("%s: %d Deutschland (DG) row(s) kept as the official Germany value (amtlich): a reference shown beside the regions, not a region of a map", path.Base(file), f.germany))
	}
	if f.converted > 0 {
		out = append(out, fmt.Sprintf("%s: %d 12-digit ARS turned into 8-digit AGS", path.Base(file), f.converted))
	}
	return out
}
