package geo_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/standortatlas/standortatlas/geo"
	"github.com/standortatlas/standortatlas/geo/boundaryfile"
)

func TestZZExplore(t *testing.T) {
	for _, f := range []string{"../testdata/boundaries/laender_vg1000.shp", "../testdata/boundaries/gemeinden_vg5000_extract.shp"} {
		ls, err := boundaryfile.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			var polys []orb.MultiPolygon
			for _, ft := range l.Features {
				n := 0
				for _, p := range ft.Geom {
					for _, r := range p {
						n += len(r)
					}
				}
				err := geo.Validate(ft.Geom)
				fmt.Printf("%s GF=%s AGS=%s GEN=%s parts=%d pts=%d valid=%v\n", l.Name, ft.Props["GF"], ft.Props["AGS"], ft.Props["GEN"], len(ft.Geom), n, err)
				if ft.Props["GF"] == "4" {
					polys = append(polys, ft.Geom)
				}
			}
			t0 := time.Now()
			cov := geo.NewCoverage(polys)
			fmt.Printf("%+v %v\n", cov.Stats(), time.Since(t0))
			for _, tol := range []float64{0.001, 0.01, 0.05} {
				t0 = time.Now()
				out, st := cov.SimplifyWithStats(tol)
				d := time.Since(t0)
				gap, ov, err := geo.CoverageDefects(polys, out)
				fmt.Printf("tol %v: %+v %v gap=%g overlap=%g err=%v (defects %v)\n", tol, st, d, gap, ov, err, time.Since(t0))
				for i := range out {
					if err := geo.Validate(out[i]); err != nil {
						fmt.Println("  invalid", i, err)
					}
				}
			}
		}
	}
}
