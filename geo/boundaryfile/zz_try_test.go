package boundaryfile
import ("testing";"time")
func TestTryReal(t *testing.T) {
	for _, n := range []string{"laender_vg1000","kreise_vg1000","gemeinden_vg5000","vwg_vg5000"} {
		st := time.Now()
		ls, err := Read("/work/shared/data/boundaries/"+n+".shp")
		if err != nil { t.Errorf("%s: %v", n, err); continue }
		l := ls[0]
		t.Logf("%s: %d features srid %d in %v; first %v", n, len(l.Features), l.SRID, time.Since(st), l.Features[0].Props)
	}
}
