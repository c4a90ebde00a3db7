package atlas

import (
	"slices"
	"sort"
	"strings"
)

// divergingSchemes returns the diverging colour schemes from ColorBrewer
// (Cynthia Brewer, Pennsylvania State University; Apache-2.0), both marked
// colour-blind safe there, by number of classes. Classes run from the first
// colour (low values) to the last (high values): RdBu from red to blue, PuOr
// from orange to purple.
func divergingSchemes() map[string][][]string {
	return map[string][][]string{
		"RdBu": {
			3: {"#ef8a62", "#f7f7f7", "#67a9cf"},
			4: {"#ca0020", "#f4a582", "#92c5de", "#0571b0"},
			5: {"#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"},
			6: {"#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"},
			7: {"#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac"},
			8: {"#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"},
			9: {"#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"},
		},
		"PuOr": {
			3: {"#f1a340", "#f7f7f7", "#998ec3"},
			4: {"#e66101", "#fdb863", "#b2abd2", "#5e3c99"},
			5: {"#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"},
			6: {"#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"},
			7: {"#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"},
			8: {"#b35806", "#e08214", "#fdb863", "#fee0b6", "#d8daeb", "#b2abd2", "#8073ac", "#542788"},
			9: {"#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7", "#d8daeb", "#b2abd2", "#8073ac", "#542788"},
		},
	}
}

// reversedSuffix marks a scheme whose colours run the other way ("RdBu_r").
const reversedSuffix = "_r"

// Schemes lists the selectable colour scheme names: the sequential and the
// diverging ones, each also reversed with the suffix "_r".
func Schemes() []string {
	var out []string
	for name := range sequential {
		out = append(out, name, name+reversedSuffix)
	}
	for name := range divergingSchemes() {
		out = append(out, name, name+reversedSuffix)
	}
	sort.Strings(out)
	return out
}

// ParseScheme checks a scheme name (case-insensitive) and returns its
// canonical spelling; "" selects the default of the indicator's direction.
func ParseScheme(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	for _, name := range Schemes() {
		if strings.EqualFold(name, s) {
			return name, nil
		}
	}
	return "", &ParamError{Param: "scheme", Value: s, Reason: "must be one of " + strings.Join(Schemes(), ", ")}
}

// IsDiverging reports whether a scheme is diverging (has a neutral middle).
func IsDiverging(scheme string) bool {
	_, ok := divergingSchemes()[strings.TrimSuffix(scheme, reversedSuffix)]
	return ok
}

// DivergingFor returns the default diverging scheme of a direction, oriented
// so that the "good" end is blue: capacity high = blue (RdBu), need high =
// red (RdBu reversed), context PuOr (no judgement).
func DivergingFor(d Direction) string {
	switch d {
	case DirectionCapacity:
		return "RdBu"
	case DirectionNeed:
		return "RdBu" + reversedSuffix
	}
	return "PuOr"
}

// SchemeColors returns n colours (1..9) of a sequential or diverging scheme,
// reversed for names ending in "_r". Unknown names fall back to Purples as
// Colors does; use ParseScheme to reject them first.
func SchemeColors(scheme string, n int) []string {
	base, rev := strings.CutSuffix(scheme, reversedSuffix)
	var out []string
	if d, ok := divergingSchemes()[base]; ok {
		switch {
		case n <= 0:
			return nil
		case n == 1:
			out = []string{d[3][1]}
		case n == 2:
			out = []string{d[4][0], d[4][3]}
		default:
			out = d[min(n, 9)]
		}
	} else {
		out = Colors(base, n)
	}
	out = slices.Clone(out)
	if rev {
		slices.Reverse(out)
	}
	return out
}
