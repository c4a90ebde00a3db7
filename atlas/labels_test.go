package atlas

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestLabelPointInside(t *testing.T) {
	// a U shape: its centroid lies in the gap, the label point inside an arm
	u := orb.Polygon{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}}
	c, _ := planar.CentroidArea(u)
	if planar.PolygonContains(u, c) {
		t.Fatalf("test shape: centroid %v inside", c)
	}
	small := orb.Polygon{{{10, 10}, {10.1, 10}, {10.1, 10.1}, {10, 10.1}, {10, 10}}}
	p := LabelPoint(orb.MultiPolygon{small, u})
	if !planar.PolygonContains(u, p) {
		t.Errorf("label point %v not inside the largest polygon", p)
	}
}
