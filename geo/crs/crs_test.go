package crs

import (
	"bufio"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// refPoint is one row of testdata/proj_reference.csv.
type refPoint struct {
	name     string
	srid     int
	x, y     float64
	method   string // "cs2cs": PROJ's default operation; "helmert": EPSG:1776 only
	lon, lat float64
}

func readReference(t testing.TB) []refPoint {
	t.Helper()
	f, err := os.Open("testdata/proj_reference.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pts []refPoint
	sc := bufio.NewScanner(f)
	header := true
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if header {
			header = false
			continue
		}
		col := strings.Split(text, ",")
		if len(col) != 7 {
			t.Fatalf("proj_reference.csv:%d: %d columns, want 7", line, len(col))
		}
		var nums [5]float64
		for i, s := range []string{col[1], col[2], col[3], col[5], col[6]} {
			if nums[i], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatalf("proj_reference.csv:%d: %v", line, err)
			}
		}
		pts = append(pts, refPoint{name: col[0], srid: int(nums[0]), x: nums[1], y: nums[2],
			method: col[4], lon: nums[3], lat: nums[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(pts) < 100 {
		t.Fatalf("proj_reference.csv has only %d points", len(pts))
	}
	return pts
}

// haversine returns the great-circle distance in metres.
func haversine(lon1, lat1, lon2, lat2 float64) float64 {
	const r = 6371008.8
	dLat := (lat2 - lat1) * deg
	dLon := (lon2 - lon1) * deg
	a := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1*deg)*math.Cos(lat2*deg)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

func isDHDN(srid int) bool { return srid == 4314 || srid >= 31466 && srid <= 31469 }

func TestToWGS84AgainstPROJ(t *testing.T) {
	pts := readReference(t)
	maxDev := map[string]float64{}
	for _, p := range pts {
		tol := 0.5 // metres, ETRS89/WGS84-based CRSs
		kind := "etrs89"
		switch {
		case p.method == "helmert":
			tol, kind = 0.01, "dhdn-helmert" // same operation as PROJ: only rounding differs
		case isDHDN(p.srid):
			tol, kind = 5, "dhdn"
		}
		tr, err := ToWGS84(p.srid)
		if err != nil {
			t.Fatalf("ToWGS84(%d): %v", p.srid, err)
		}
		lon, lat := tr(p.x, p.y)
		d := haversine(lon, lat, p.lon, p.lat)
		if d > tol || math.IsNaN(d) {
			t.Errorf("%s EPSG:%d (%s) %.3f %.3f: got %.9f %.9f, PROJ %.9f %.9f: %.3f m off, tolerance %.2f m",
				p.name, p.srid, p.method, p.x, p.y, lon, lat, p.lon, p.lat, d, tol)
		}
		maxDev[kind] = math.Max(maxDev[kind], d)
	}
	for kind, d := range maxDev {
		t.Logf("max deviation from PROJ, %s: %.4f m", kind, d)
	}
}

func TestToWGS84Unsupported(t *testing.T) {
	for _, srid := range []int{0, -1, 2154, 31463, 31470, 25831} {
		tr, err := ToWGS84(srid)
		if !errors.Is(err, ErrUnsupportedCRS) || tr != nil {
			t.Errorf("ToWGS84(%d) = %v, %v; want ErrUnsupportedCRS", srid, tr, err)
		}
		if err != nil && !strings.Contains(err.Error(), strconv.Itoa(srid)) {
			t.Errorf("ToWGS84(%d): error %q does not name the SRID", srid, err)
		}
	}
	for _, srid := range SupportedSRIDs() {
		if _, err := ToWGS84(srid); err != nil {
			t.Errorf("ToWGS84(%d) of SupportedSRIDs: %v", srid, err)
		}
	}
}

func TestOutOfDomain(t *testing.T) {
	for _, tt := range []struct {
		srid int
		x, y float64
	}{
		{25832, 500000, 1e12},
		{25832, 1e9, 5e6},
		{31467, 3500000, -2e7},
		{3035, 4.321e9, 3.21e9},
		{25832, math.NaN(), 5e6},
	} {
		tr, err := ToWGS84(tt.srid)
		if err != nil {
			t.Fatal(err)
		}
		if lon, lat := tr(tt.x, tt.y); !math.IsNaN(lon) && !math.IsNaN(lat) {
			t.Errorf("EPSG:%d %v %v -> %v %v, want NaN", tt.srid, tt.x, tt.y, lon, lat)
		}
	}
}

func TestLAEAOrigin(t *testing.T) {
	tr, err := ToWGS84(3035)
	if err != nil {
		t.Fatal(err)
	}
	lon, lat := tr(4321000, 3210000)
	if lon != 10 || lat != 52 {
		t.Errorf("LAEA false origin = %v %v, want 10 52", lon, lat)
	}
}

func BenchmarkToWGS84_31467(b *testing.B) {
	tr, err := ToWGS84(31467)
	if err != nil {
		b.Fatal(err)
	}
	x, y := 3691755.740, 5336475.416
	var sink float64
	for i := 0; b.Loop(); i++ {
		lon, lat := tr(x+float64(i%1000), y)
		sink += lon + lat
	}
	if math.IsNaN(sink) {
		b.Fatal("NaN")
	}
}

func BenchmarkToWGS84_25832(b *testing.B) {
	tr, err := ToWGS84(25832)
	if err != nil {
		b.Fatal(err)
	}
	var sink float64
	for i := 0; b.Loop(); i++ {
		lon, lat := tr(691603.032+float64(i%1000), 5334780.031)
		sink += lon + lat
	}
	if math.IsNaN(sink) {
		b.Fatal("NaN")
	}
}
