package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// One rule for the special values of official tables, shared by every
// reader: the GENESIS/Regionaldatenbank special characters become flags and
// never zeros, and the quality marks of GENESIS flat files ("_q" columns)
// qualify a value or replace it.

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

// Quality marks of GENESIS flat files (value_q): e final, p/v preliminary,
// r revised, s estimated; a special character there replaces the value.
var qualityMarks = map[string]atlas.Flag{"": atlas.FlagNone, "e": atlas.FlagNone, "p": atlas.FlagNone, "v": atlas.FlagNone, "r": atlas.FlagNone, "s": atlas.FlagEstimated}

// ParseQualified parses a value with its quality mark q (a flat file's
// value_q column; "" when the file has none). An estimated value ("s")
// keeps its number with FlagEstimated; a special character in either cell
// replaces the number.
func ParseQualified(cell, q, decimal string) (float64, atlas.Flag, error) {
	v, flag, err := ParseValue(cell, decimal)
	if err != nil {
		return v, flag, err
	}
	q = strings.TrimSpace(q)
	if f, ok := specialValues[q]; ok && q != "" {
		return math.NaN(), f, nil
	}
	qf, ok := qualityMarks[strings.ToLower(q)]
	if !ok {
		return 0, "", fmt.Errorf("quality mark %q is not one of e, p, v, r, s or a special value", q)
	}
	if qf != atlas.FlagNone && flag == atlas.FlagNone && !math.IsNaN(v) {
		flag = qf
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

// sumAcc adds parts of one value (categories summed, pieces of a
// crosswalk). `-` is exactly nothing and adds 0, but a sum of nothing but
// `-` is `-` (flag zero, no number), never the number 0; any other special
// value makes the sum unknown (a partial sum would understate it).
type sumAcc struct {
	sum    float64
	valued int
	flag   atlas.Flag
}

func (a *sumAcc) add(v float64, f atlas.Flag) {
	switch {
	case !math.IsNaN(v):
		a.sum += v
		a.valued++
		if f == atlas.FlagEstimated || f == atlas.FlagLimited {
			a.qualify(f)
		}
	case f == atlas.FlagZero:
		if a.flag == atlas.FlagNone {
			a.flag = atlas.FlagZero
		}
	default:
		if a.flag == atlas.FlagNone || a.flag == atlas.FlagZero || a.flag == atlas.FlagEstimated || a.flag == atlas.FlagLimited {
			a.flag = f
		}
	}
}

func (a *sumAcc) qualify(f atlas.Flag) {
	if a.flag == atlas.FlagNone {
		a.flag = f
	}
}

// result returns the sum as a value and flag.
func (a *sumAcc) result() (float64, atlas.Flag) {
	switch a.flag {
	case atlas.FlagNone, atlas.FlagEstimated, atlas.FlagLimited:
		if a.valued == 0 {
			return math.NaN(), atlas.FlagMissing
		}
		return a.sum, a.flag
	case atlas.FlagZero:
		if a.valued == 0 {
			return math.NaN(), atlas.FlagZero
		}
		return a.sum, atlas.FlagNone
	}
	return math.NaN(), a.flag
}
