package crs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrUnknownPRJ is returned (wrapped) by SRIDFromPRJ when the WKT names no
// EPSG code and no CRS name this package knows.
var ErrUnknownPRJ = errors.New("crs: CRS of WKT not recognised")

// SRIDFromPRJ returns the EPSG code of a CRS given as WKT, typically the
// content of a shapefile's .prj file.
//
// An EPSG authority of the outermost element (WKT1 AUTHORITY["EPSG",n] or
// WKT2 ID["EPSG",n]) wins. Without one, the name of the outermost PROJCS,
// GEOGCS, PROJCRS or GEOGCRS is matched against the ESRI and EPSG names of
// the CRSs used for German data (for example "DHDN_3_Degree_Gauss_Zone_3" →
// 31467, "ETRS_1989_UTM_Zone_32N" → 25832, "GCS_WGS_1984" → 4326).
func SRIDFromPRJ(wkt string) (int, error) {
	root, err := parseWKT(wkt)
	if err != nil {
		return 0, err
	}
	for _, c := range root.children {
		kw := strings.ToUpper(c.keyword)
		if (kw == "AUTHORITY" || kw == "ID") && len(c.args) >= 2 && strings.EqualFold(c.args[0], "EPSG") {
			n, err := strconv.Atoi(strings.TrimSpace(c.args[1]))
			if err != nil || n <= 0 {
				return 0, fmt.Errorf("%w: bad EPSG code %q", ErrUnknownPRJ, c.args[1])
			}
			return n, nil
		}
	}
	if len(root.args) == 0 {
		return 0, fmt.Errorf("%w: %s without a name", ErrUnknownPRJ, root.keyword)
	}
	name := root.args[0]
	if srid, ok := sridFromName(name); ok {
		return srid, nil
	}
	return 0, fmt.Errorf("%w: %s[%q]", ErrUnknownPRJ, root.keyword, name)
}

// normalizeName lower-cases a CRS name and turns every run of characters
// other than letters and digits into one underscore, so that ESRI
// ("ETRS_1989_UTM_Zone_32N") and EPSG spellings ("ETRS89 / UTM zone 32N")
// compare in a simple way.
func normalizeName(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		case r == 'ü':
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteString("u")
		default:
			sep = true
		}
	}
	return b.String()
}

func sridFromName(name string) (int, bool) {
	n := normalizeName(name)
	switch n {
	case "gcs_wgs_1984", "wgs_84", "wgs_1984", "wgs84":
		return 4326, true
	case "gcs_etrs_1989", "etrs89", "etrs_1989":
		return 4258, true
	case "gcs_deutsches_hauptdreiecksnetz", "dhdn", "deutsches_hauptdreiecksnetz":
		return 4314, true
	case "wgs_1984_web_mercator_auxiliary_sphere", "wgs_1984_web_mercator", "wgs_84_pseudo_mercator",
		"web_mercator", "popular_visualisation_crs_mercator", "google_maps_global_mercator":
		return 3857, true
	case "etrs_1989_laea", "etrs89_laea_europe", "etrs89_extended_laea_europe", "etrs_1989_laea_europe":
		return 3035, true
	case "etrs_1989_utm_zone_n32", "etrs_1989_utm_zone_32n_ze_n", "etrs89_utm_zone_32n_ze_n":
		return 4647, true
	case "etrs_1989_utm_zone_n33", "etrs_1989_utm_zone_33n_ze_n", "etrs89_utm_zone_33n_ze_n":
		return 5650, true
	}
	// DHDN Gauss-Krüger: "DHDN_3_Degree_Gauss_Zone_3", "DHDN / 3-degree
	// Gauss-Kruger zone 3", "DHDN / Gauss-Kruger zone 3", ESRI's older
	// "Germany_Zone_3" and "DHDN_Gauss_Kruger_Zone_3".
	for _, prefix := range []string{"dhdn_3_degree_gauss_zone_", "dhdn_3_degree_gauss_kruger_zone_",
		"dhdn_gauss_kruger_zone_", "dhdn_gauss_zone_", "germany_zone_"} {
		if z, ok := zoneSuffix(n, prefix, ""); ok && z >= 2 && z <= 5 {
			return 31464 + z, true
		}
	}
	// UTM: "ETRS_1989_UTM_Zone_32N", "ETRS89 / UTM zone 32N", "WGS_1984_UTM_Zone_33N".
	for _, prefix := range []string{"etrs_1989_utm_zone_", "etrs89_utm_zone_"} {
		if z, ok := zoneSuffix(n, prefix, "n"); ok && z >= 28 && z <= 38 {
			return 25800 + z, true
		}
	}
	for _, prefix := range []string{"wgs_1984_utm_zone_", "wgs_84_utm_zone_"} {
		if z, ok := zoneSuffix(n, prefix, "n"); ok && z >= 1 && z <= 60 {
			return 32600 + z, true
		}
		if z, ok := zoneSuffix(n, prefix, "s"); ok && z >= 1 && z <= 60 {
			return 32700 + z, true
		}
	}
	return 0, false
}

// zoneSuffix parses n as prefix + number + suffix.
func zoneSuffix(n, prefix, suffix string) (int, bool) {
	rest, ok := strings.CutPrefix(n, prefix)
	if !ok {
		return 0, false
	}
	rest, ok = strings.CutSuffix(rest, suffix)
	if !ok || rest == "" {
		return 0, false
	}
	z, err := strconv.Atoi(rest)
	if err != nil {
		return 0, false
	}
	return z, true
}
