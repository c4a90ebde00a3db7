package ingest

import (
	"os"
	"testing"
)

// Importer benchmarks on the seeds' real files, read exactly as the seed
// manifest reads them (go test -bench . -run ^$ ./atlas/ingest).

func benchSeedTable(b *testing.B, id string) {
	m, known := seedManifest(b)
	spec := seedSpec(b, m, id)
	data, err := os.ReadFile("../../seeds/" + spec.File)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		res, err := ReadTable(spec.File, data, spec, known)
		if err != nil {
			b.Fatal(err)
		}
		rows = len(res.Observations)
	}
	b.ReportMetric(float64(rows), "obs/op")
}

func BenchmarkReadGENESIS13211(b *testing.B) { benchSeedTable(b, "rdb_13211_2015_2020") }
func BenchmarkReadGENESIS12411(b *testing.B) { benchSeedTable(b, "rdb_12411_2021") }
func BenchmarkReadFFCSV12531(b *testing.B)   { benchSeedTable(b, "schutzsuchende_2023_kreise") }
func BenchmarkReadINKAR2017(b *testing.B)    { benchSeedTable(b, "inkar_2017_kreise") }
func BenchmarkReadGVGemeinden(b *testing.B)  { benchSeedTable(b, "gv_gemeinden_2023") }
func BenchmarkReadColumnsGERDA(b *testing.B) { benchSeedTable(b, "inkar_gerda_kreise") }
func BenchmarkReadKS(b *testing.B)           { benchSeedTable(b, "ks_gwk") }

func BenchmarkReadCanonical(b *testing.B) {
	spec, in := canonicalCSVSpec(b)
	data := readFixture(b, "canonical_unemployment_2019_excerpt.csv")
	for b.Loop() {
		if _, err := readTableWith("c.csv", data, spec, catalogue(), in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDetectFormat(b *testing.B) {
	data := readFixture(b, "genesis_13211-02-05-4_excerpt_latin1.csv")
	for b.Loop() {
		if _, err := DetectFormat("x.csv", data); err != nil {
			b.Fatal(err)
		}
	}
}
