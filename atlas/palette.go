package atlas

// Colour schemes from ColorBrewer (Cynthia Brewer, Pennsylvania State
// University; Apache-2.0). The sequential single-hue schemes used here are
// colour-blind safe and print-friendly.
var sequential = map[string][][]string{
	"Blues": {
		3: {"#deebf7", "#9ecae1", "#3182bd"},
		4: {"#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"},
		5: {"#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"},
		6: {"#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"},
		7: {"#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"},
		8: {"#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"},
		9: {"#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"},
	},
	"OrRd": {
		3: {"#fee8c8", "#fdbb84", "#e34a33"},
		4: {"#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"},
		5: {"#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"},
		6: {"#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"},
		7: {"#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"},
		8: {"#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"},
		9: {"#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000"},
	},
	"Purples": {
		3: {"#efedf5", "#bcbddc", "#756bb1"},
		4: {"#f2f0f7", "#cbc9e2", "#9e9ac8", "#6a51a3"},
		5: {"#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"},
		6: {"#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"},
		7: {"#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"},
		8: {"#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"},
		9: {"#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d"},
	},
}

// NoDataColor is the fill of regions without a value.
const NoDataColor = "#d9d9d9"

// SchemeFor returns the default colour scheme of a direction: blues for
// capacity, orange-reds for need, purples for context.
func SchemeFor(d Direction) string {
	switch d {
	case DirectionCapacity:
		return "Blues"
	case DirectionNeed:
		return "OrRd"
	}
	return "Purples"
}

// Colors returns n colours of a scheme (n in 1..9); an unknown scheme falls
// back to Purples.
func Colors(scheme string, n int) []string {
	s, ok := sequential[scheme]
	if !ok {
		s = sequential["Purples"]
	}
	switch {
	case n <= 0:
		return nil
	case n == 1:
		return []string{s[3][1]}
	case n == 2:
		return []string{s[3][0], s[3][2]}
	case n > 9:
		n = 9
	}
	return s[n]
}
