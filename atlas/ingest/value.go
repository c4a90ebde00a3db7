package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// specialValues are the GENESIS/Regionaldatenbank special characters and
// other markers for "no number", mapped to flags. They never become zero.
var specialValues = map[string]atlas.Flag{
	"":    atlas.FlagMissing,
	"NA":  atlas.FlagMissing,
	"-":   atlas.FlagZero,
	".":   atlas.FlagSecret,
	"...": atlas.FlagNotYet,
	"…":   atlas.FlagNotYet,
	"x":   atlas.FlagNotMeaningful,
	"X":   atlas.FlagNotMeaningful,
	"/":   atlas.FlagUnreliable,
}

// ParseValue parses one cell. Numbers use decimal as the decimal mark; with
// ",", dots, spaces and non-breaking spaces between digits are thousands
// separators. A value in parentheses "(12,3)" is kept with FlagLimited.
// Special values become NaN with a flag; anything else is an error.
func ParseValue(cell, decimal string) (float64, atlas.Flag, error) {
	s := strings.TrimSpace(cell)
	if f, ok := specialValues[s]; ok {
		return math.NaN(), f, nil
	}
	flag := atlas.FlagNone
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[1 : len(s)-1])
		flag = atlas.FlagLimited
		if s == "" {
			return math.NaN(), atlas.FlagLimited, nil
		}
	}
	s = strings.NewReplacer("\u00a0", "", "\u202f", "", " ", "").Replace(s)
	if decimal == "," {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	} else if strings.Count(s, ",") > 0 && !strings.Contains(s, ".") && !looksThousands(s) {
		return 0, "", fmt.Errorf("%q: decimal comma in a file declared with decimal point", cell)
	} else {
		s = strings.ReplaceAll(s, ",", "")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, "", fmt.Errorf("%q is not a number or a known special value", cell)
	}
	return v, flag, nil
}

// looksThousands reports whether s is digits with commas every three digits ("1,234,567").
func looksThousands(s string) bool {
	parts := strings.Split(strings.TrimPrefix(s, "-"), ",")
	if len(parts) < 2 || len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}
