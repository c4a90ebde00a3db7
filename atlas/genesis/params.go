package genesis

import (
	"fmt"
	"strconv"
	"strings"
)

// regionalVariables maps the atlas's levels to the regional variables of
// the GENESIS databases.
var regionalVariables = map[string]string{
	"land":     "DLAND",
	"kreis":    "KREISE",
	"vwg":      "GEMVB", // Gemeindeverbände (Regionaldatenbank)
	"gemeinde": "GEMEIN",
}

// RegionalVariable returns the regional variable of a level (land, kreis,
// vwg, gemeinde).
func RegionalVariable(level string) (string, error) {
	v, ok := regionalVariables[strings.ToLower(strings.TrimSpace(level))]
	if !ok {
		return "", fmt.Errorf("genesis: level %q: want land, kreis, vwg or gemeinde (or name the regional variable, e.g. KREISE)", level)
	}
	return v, nil
}

// ParseYears reads "2023", "2015-2023", "2015-" or "-2023" (empty: no
// restriction) into the start and end year (0 = open).
func ParseYears(s string) (start, end int, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	year := func(t string) (int, error) {
		t = strings.TrimSpace(t)
		if t == "" {
			return 0, nil
		}
		y, err := strconv.Atoi(t)
		if err != nil || y < 1800 || y > 2200 {
			return 0, fmt.Errorf("genesis: years %q: want YYYY or YYYY-YYYY", s)
		}
		return y, nil
	}
	if start, err = year(a); err != nil {
		return 0, 0, err
	}
	end = start
	if isRange {
		if end, err = year(b); err != nil {
			return 0, 0, err
		}
	}
	if start == 0 && end == 0 || start != 0 && end != 0 && end < start {
		return 0, 0, fmt.Errorf("genesis: years %q: want YYYY or YYYY-YYYY", s)
	}
	return start, end, nil
}

// ParseClassifying reads "VARIABLE=KEY,KEY" (e.g. "GES=GESM,GESW").
func ParseClassifying(s string) (Classifying, error) {
	v, k, ok := strings.Cut(s, "=")
	v, k = strings.TrimSpace(v), strings.TrimSpace(k)
	if !ok || v == "" || k == "" || strings.ContainsAny(v, " ,") {
		return Classifying{}, fmt.Errorf("genesis: classifying %q: want VARIABLE=KEY[,KEY…] (e.g. GES=GESM,GESW)", s)
	}
	return Classifying{Variable: v, Keys: k}, nil
}
