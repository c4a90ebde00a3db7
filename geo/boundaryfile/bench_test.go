package boundaryfile

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRead reads the test files and, when present, BKG's full files
// (directory $STANDORTATLAS_BOUNDARIES, default /work/shared/data/boundaries;
// skipped when absent, they are not part of the repository).
func BenchmarkRead(b *testing.B) {
	full := os.Getenv("STANDORTATLAS_BOUNDARIES")
	if full == "" {
		full = "/work/shared/data/boundaries"
	}
	files := []struct{ name, path string }{
		{"testdata/laender_vg1000", filepath.Join(testdataDir, "laender_vg1000.shp")},
		{"testdata/gemeinden_extract", filepath.Join(testdataDir, "gemeinden_vg5000_extract.shp")},
		{"testdata/gemeinden_extract_gpkg", filepath.Join(testdataDir, "gemeinden_vg5000_extract.gpkg")},
		{"full/laender_vg1000", filepath.Join(full, "laender_vg1000.shp")},
		{"full/kreise_vg1000", filepath.Join(full, "kreise_vg1000.shp")},
		{"full/gemeinden_vg5000", filepath.Join(full, "gemeinden_vg5000.shp")},
		{"full/vwg_vg5000", filepath.Join(full, "vwg_vg5000.shp")},
	}
	for _, f := range files {
		b.Run(f.name, func(b *testing.B) {
			if _, err := os.Stat(f.path); err != nil {
				b.Skipf("%s not available", f.path)
			}
			var n int
			for b.Loop() {
				layers, err := Read(f.path)
				if err != nil {
					b.Fatal(err)
				}
				n = len(layers[0].Features)
			}
			b.ReportMetric(float64(n), "features")
		})
	}
}
