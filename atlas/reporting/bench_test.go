package reporting_test

import (
	"context"
	"testing"

	"github.com/standortatlas/standortatlas/atlas/reporting"
	"github.com/standortatlas/standortatlas/atlas/storetest"
)

// BenchmarkStatusAndPublish: the coordinator's view of a period in which
// all 96 Kreise of Bayern reported (one upload of a test cycle), and the
// publication of that period (96 × 2 observations, one release).
func BenchmarkStatusAndPublish(b *testing.B) {
	ctx := context.Background()
	c := newCycle(b)
	def := storetest.TestReportDefinition()
	if _, err := c.svc.Define(ctx, coordinator(), "bench", def); err != nil {
		b.Fatal(err)
	}
	regions, err := c.svc.Regions(ctx, def)
	if err != nil {
		b.Fatal(err)
	}
	csv := []byte("key;plaetze;belegt\n")
	for _, r := range regions {
		csv = append(csv, r.Key+";100;50\n"...)
	}
	if _, err := c.svc.Upload(ctx, coordinator(), "bench", def.ID, 202610, "test.csv", csv); err != nil {
		b.Fatal(err)
	}
	b.Run("Status", func(b *testing.B) {
		for b.Loop() {
			st, err := c.svc.Status(ctx, def.ID, 202610)
			if err != nil || st.Reported != 96 {
				b.Fatal(st.Reported, err)
			}
		}
	})
	b.Run("Publish", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.svc.Publish(ctx, coordinator(), "bench", def.ID, 202610); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ReadUpload", func(b *testing.B) {
		for b.Loop() {
			if _, err := reporting.ReadUpload(def, "test.csv", csv); err != nil {
				b.Fatal(err)
			}
		}
	})
}
