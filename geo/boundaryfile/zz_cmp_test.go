package boundaryfile
import ("testing";"math";"sort";"fmt";"github.com/paulmach/orb";"github.com/paulmach/orb/planar";"github.com/paulmach/orb/geo")
func sig(mp orb.MultiPolygon) (np, nr, nv int, counts []int) {
	for _, p := range mp { np++; for _, r := range p { nr++; nv += len(r); counts = append(counts, len(r)) } }
	sort.Ints(counts); return
}
func TestCmpGDAL(t *testing.T) {
	for _, n := range []string{"laender_vg1000","kreise_vg1000","gemeinden_vg5000","vwg_vg5000"} {
		mine, err := Read("/work/shared/data/boundaries/"+n+".shp")
		if err != nil { t.Fatal(err) }
		ref, err := Read("/tmp/gdalref/"+n+".geojson")
		if err != nil { t.Fatal(err) }
		a, b := mine[0].Features, ref[0].Features
		if len(a) != len(b) { t.Fatalf("%s: %d vs %d", n, len(a), len(b)) }
		var maxD float64; mism := 0; badOrient := 0; holes := 0
		for i := range a {
			for k, v := range b[i].Props { if a[i].Props[k] != v && !(k=="BEGINN"||k=="WSK") { if mism < 5 { t.Logf("%s %d %s: %q vs %q", n, i, k, a[i].Props[k], v) }; mism++ } }
			s1 := fmt.Sprint(sig(a[i].Geom)); s2 := fmt.Sprint(sig(b[i].Geom))
			if s1 != s2 { if mism < 10 {t.Logf("%s %d %s: geom sig %s vs %s", n, i, a[i].Props["GEN"], s1, s2)}; mism++ }
			c1, _ := planar.CentroidArea(a[i].Geom); c2, _ := planar.CentroidArea(b[i].Geom)
			maxD = math.Max(maxD, geo.Distance(c1, c2))
			for _, p := range a[i].Geom { for j, r := range p { if !r.Closed() { badOrient++ }; if j == 0 && r.Orientation() != orb.CCW || j > 0 && r.Orientation() != orb.CW { badOrient++ }; if j > 0 { holes++ } } }
		}
		t.Logf("%s: %d features, mismatches %d, max centroid dist %.3f m, bad orient/closed %d, holes %d", n, len(a), mism, maxD, badOrient, holes)
	}
}
