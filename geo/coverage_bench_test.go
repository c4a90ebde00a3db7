package geo

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

// BenchmarkCoverageSimplify measures NewCoverage + Simplify on synthetic
// grids of unit cells: 100×100 cells with 20 jagged vertices per edge
// (≈414k distinct vertices, more than the 225k of the Kreis layer) and
// 105×105 cells with 7 (≈11k polygons, ≈166k vertices, close to the
// 10,997 Gemeinden with 174k vertices). The "+islands" cases add tiny
// islands in the bays of the southern coast, which the coarse tolerance would
// swallow, to measure the conflict-resolution rounds.
func BenchmarkCoverageSimplify(b *testing.B) {
	for _, g := range []struct{ n, k int }{{100, 20}, {105, 7}} {
		in := jaggedGrid(g.n, g.n, g.k, 1)
		for _, tol := range []float64{0.01, 0.05, 0.3} {
			b.Run(fmt.Sprintf("grid%dx%d_k%d/tol%g/build+simplify", g.n, g.n, g.k, tol), func(b *testing.B) {
				var st SimplifyStats
				for b.Loop() {
					_, st = NewCoverage(in).SimplifyWithStats(tol)
				}
				b.ReportMetric(float64(st.ArcVerticesOut)/float64(st.ArcVerticesIn), "kept/vertex")
			})
		}
		withIslands := append(append([]orb.MultiPolygon(nil), in...), coastalIslands(in, g.n, g.k)...)
		b.Run(fmt.Sprintf("grid%dx%d_k%d+%dislands/tol0.3/build+simplify", g.n, g.n, g.k, len(withIslands)-len(in)), func(b *testing.B) {
			var st SimplifyStats
			for b.Loop() {
				_, st = NewCoverage(withIslands).SimplifyWithStats(0.3)
			}
			b.ReportMetric(float64(st.Rounds), "rounds")
			b.ReportMetric(float64(st.Refined), "refined")
		})
		b.Run(fmt.Sprintf("grid%dx%d_k%d/build", g.n, g.n, g.k), func(b *testing.B) {
			for b.Loop() {
				NewCoverage(in)
			}
		})
		cov := NewCoverage(in)
		b.Run(fmt.Sprintf("grid%dx%d_k%d/tol0.05/simplify", g.n, g.n, g.k), func(b *testing.B) {
			for b.Loop() {
				cov.Simplify(0.05)
			}
		})
	}
}
