package atlas

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// Issue 15, item 3: the write path refuses a region whose geometry is not
// a finite WGS84 longitude/latitude (whatever reader made it), and the
// hand-written encoders write null, never NaN or Inf, so their output is
// always JSON.
func TestNoInfiniteCoordinateOrValue(t *testing.T) {
	square := func(x float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, 48}, {12, 48}, {12, 49}, {x, 48}}}}
	}
	for _, x := range []float64{math.Inf(1), math.NaN(), 1e308, 181} {
		c := Change{Boundaries: []BoundaryChange{{Set: BoundarySet{Level: LevelLand}, Regions: []Region{{Level: LevelLand, Key: "09", Geom: square(x)}}}}}
		if err := c.Validate(); !errors.Is(err, ErrInvalidData) || !strings.Contains(err.Error(), "region 09") {
			t.Errorf("x = %g: %v", x, err)
		}
	}
	ok := Change{Boundaries: []BoundaryChange{{Set: BoundarySet{Level: LevelLand}, Regions: []Region{{Level: LevelLand, Key: "09", Geom: square(11)}}}}}
	if err := ok.Validate(); err != nil {
		t.Errorf("a finite region: %v", err)
	}

	b := AppendGeometryJSON(nil, square(math.Inf(1)))
	if !json.Valid(b) || strings.Contains(string(b), "Inf") {
		t.Errorf("geometry with +Inf encodes as %s", b)
	}
	for _, x := range []float64{math.Inf(-1), math.NaN(), 3.5} {
		if b := appendNumber([]byte("["), x); !json.Valid(append(b, ']')) {
			t.Errorf("%g encodes as %s", x, b)
		}
	}
}
