package crs

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestSRIDFromPRJFiles reads testdata/prj/SRID_*.prj: WKT written by
// `projinfo EPSG:SRID -o WKT1_ESRI|WKT1_GDAL|WKT2_2019` (the ESRI flavour has
// no AUTHORITY, so it tests the name lookup) and the .prj files shipped by
// BKG with VG1000 and VG5000.
func TestSRIDFromPRJFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/prj/*.prj")
	if err != nil || len(files) < 10 {
		t.Fatalf("testdata/prj: %d files, %v", len(files), err)
	}
	for _, f := range files {
		want, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		if err != nil {
			t.Fatalf("%s: name does not start with an SRID", f)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := SRIDFromPRJ(string(b))
		if err != nil || got != want {
			t.Errorf("%s: SRIDFromPRJ = %d, %v; want %d", f, got, err, want)
		}
	}
}

func TestSRIDFromPRJNames(t *testing.T) {
	authority := regexp.MustCompile(`,AUTHORITY\["EPSG",\d+\]`)
	bkg, err := os.ReadFile("testdata/prj/31467_bkg_vg5000.prj")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		wkt  string
		want int
	}{
		{authority.ReplaceAllString(string(bkg), ""), 31467},
		{`PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989"]]`, 25832},
		{`PROJCS["ETRS89 / UTM zone 33N"]`, 25833},
		{`PROJCS["DHDN / 3-degree Gauss-Kruger zone 4"]`, 31468},
		{`PROJCS["DHDN / 3-degree Gauss-Krüger zone 2"]`, 31466},
		{`PROJCS["Germany_Zone_5"]`, 31469},
		{`PROJCS["WGS_1984_UTM_Zone_33N"]`, 32633},
		{`PROJCS["WGS_1984_UTM_Zone_33S"]`, 32733},
		{`GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]]`, 4326},
		{"\ufeff  GEOGCS[\"WGS 84\"]\r\n", 4326},
		{`GEOGCS("GCS_ETRS_1989")`, 4258},
		{`PROJCS["ETRS_1989_LAEA"]`, 3035},
		{`PROJCS["x",AUTHORITY["EPSG","31467"]]`, 31467},
		{`PROJCRS["x",ID["EPSG",3035]]`, 3035},
		// the AUTHORITY of the outermost element wins over nested ones
		{`PROJCS["x",GEOGCS["y",AUTHORITY["EPSG",4258]],AUTHORITY["EPSG",25833]]`, 25833},
	}
	for _, tt := range tests {
		got, err := SRIDFromPRJ(tt.wkt)
		if err != nil || got != tt.want {
			t.Errorf("SRIDFromPRJ(%.60q) = %d, %v; want %d", tt.wkt, got, err, tt.want)
		}
	}
}

func TestSRIDFromPRJErrors(t *testing.T) {
	for _, wkt := range []string{
		"",
		"   ",
		"PROJCS[",
		`PROJCS["unterminated`,
		`PROJCS["Lambert_Conformal_Conic_Custom"]`,
		`PROJCS["DHDN_3_Degree_Gauss_Zone_9"]`,
		`PROJCS["ETRS_1989_UTM_Zone_N"]`,
		`PROJCS["x",AUTHORITY["EPSG","abc"]]`,
		`PROJCS[]`,
		"[[[[",
		strings.Repeat("A[", 10000),
	} {
		srid, err := SRIDFromPRJ(wkt)
		if !errors.Is(err, ErrUnknownPRJ) {
			t.Errorf("SRIDFromPRJ(%.40q) = %d, %v; want ErrUnknownPRJ", wkt, srid, err)
		}
	}
}

func FuzzSRIDFromPRJ(f *testing.F) {
	files, _ := filepath.Glob("testdata/prj/*.prj")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, wkt string) {
		srid, err := SRIDFromPRJ(wkt)
		if err == nil && srid <= 0 {
			t.Errorf("SRIDFromPRJ returned %d without error", srid)
		}
	})
}
