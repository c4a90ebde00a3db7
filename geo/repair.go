package geo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// ProblemKind classifies why a MultiPolygon is not valid.
type ProblemKind int

// Kinds of validity problems, in the order Validate checks for them.
const (
	ProblemNonFinite        ProblemKind = iota + 1 // NaN or infinite coordinate
	ProblemUnclosedRing                            // first point differs from last
	ProblemTooFewPoints                            // fewer than 4 points or 3 distinct points
	ProblemSelfIntersection                        // a ring crosses or touches itself (bow-tie, spike)
	ProblemRingsIntersect                          // two rings of a polygon cross or touch along a line
	ProblemHoleOutside                             // a hole is not inside its outer ring
	ProblemNestedHoles                             // a hole lies inside another hole
	ProblemDisconnected                            // rings touch so that the interior is split
	ProblemPolygonsOverlap                         // polygons of the MultiPolygon overlap or share an edge
	ProblemOther                                   // any other violation reported by the geometry library
)

var problemNames = map[ProblemKind]string{
	ProblemNonFinite:        "non-finite coordinate",
	ProblemUnclosedRing:     "unclosed ring",
	ProblemTooFewPoints:     "ring too short",
	ProblemSelfIntersection: "ring self-intersection",
	ProblemRingsIntersect:   "rings intersect",
	ProblemHoleOutside:      "hole outside outer ring",
	ProblemNestedHoles:      "nested holes",
	ProblemDisconnected:     "disconnected interior",
	ProblemPolygonsOverlap:  "polygons overlap",
	ProblemOther:            "invalid geometry",
}

func (k ProblemKind) String() string {
	if s, ok := problemNames[k]; ok {
		return s
	}
	return fmt.Sprintf("ProblemKind(%d)", int(k))
}

// Problem describes why a polygon is invalid (self-intersection, ring too
// short, unclosed ring, ...). Validate returns it as an error; use errors.As
// to inspect it.
type Problem struct {
	Kind    ProblemKind
	Polygon int   // index of the polygon in the MultiPolygon, -1 if not specific
	Ring    int   // index of the ring in the polygon (0 = outer), -1 if not specific
	Err     error // underlying error of the geometry library, may be nil
}

func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Kind.String())
	if p.Polygon >= 0 {
		fmt.Fprintf(&b, " in polygon %d", p.Polygon)
	}
	if p.Ring >= 0 {
		fmt.Fprintf(&b, " ring %d", p.Ring)
	}
	if p.Err != nil {
		b.WriteString(": ")
		b.WriteString(p.Err.Error())
	}
	return b.String()
}

func (p *Problem) Unwrap() error { return p.Err }

// Validate returns nil when mp is valid in the OGC simple-features sense:
// finite coordinates, closed simple rings of at least four points, holes
// inside their outer ring and not nested, rings touching in at most single
// points without disconnecting the interior, and polygons whose interiors do
// not overlap. Otherwise it returns a *Problem. Ring orientation is not part
// of validity. An empty MultiPolygon is valid.
func Validate(mp orb.MultiPolygon) error {
	for pi, poly := range mp {
		for ri, r := range poly {
			if prob := ringProblem(r); prob != 0 {
				return &Problem{Kind: prob, Polygon: pi, Ring: ri}
			}
		}
	}
	for pi, poly := range mp {
		for ri, r := range poly {
			simple := false
			if err := guard("validate ring", func() error { simple = sfRing(r).IsSimple(); return nil }); err != nil {
				return &Problem{Kind: ProblemOther, Polygon: pi, Ring: ri, Err: err}
			}
			if !simple {
				return &Problem{Kind: ProblemSelfIntersection, Polygon: pi, Ring: ri}
			}
		}
		var err error
		if gerr := guard("validate polygon", func() error { err = sfPolygon(poly).Validate(); return nil }); gerr != nil {
			err = gerr
		}
		if err != nil {
			return &Problem{Kind: classify(err), Polygon: pi, Ring: -1, Err: err}
		}
	}
	if len(mp) > 1 {
		var err error
		if gerr := guard("validate multipolygon", func() error { err = sfMultiPolygon(mp).Validate(); return nil }); gerr != nil {
			err = gerr
		}
		if err != nil {
			return &Problem{Kind: classify(err), Polygon: -1, Ring: -1, Err: err}
		}
	}
	return nil
}

// ringProblem checks the cheap per-ring rules.
func ringProblem(r orb.Ring) ProblemKind {
	for _, p := range r {
		if !finite(p) {
			return ProblemNonFinite
		}
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		return ProblemUnclosedRing
	}
	if len(r) < 4 {
		return ProblemTooFewPoints
	}
	// At least three distinct points.
	var d [3]orb.Point
	nd := 0
	for _, p := range r {
		dup := false
		for k := 0; k < nd; k++ {
			if d[k] == p {
				dup = true
				break
			}
		}
		if !dup {
			d[nd] = p
			if nd++; nd == 3 {
				break
			}
		}
	}
	if nd < 3 {
		return ProblemTooFewPoints
	}
	return 0
}

// classify maps a simplefeatures validation error to a ProblemKind by the
// rule text it carries (its error type is not exported).
func classify(err error) ProblemKind {
	msg := err.Error()
	for _, m := range []struct {
		text string
		kind ProblemKind
	}{
		{"Inf not allowed", ProblemNonFinite},
		{"NaN not allowed", ProblemNonFinite},
		{"only one distinct XY", ProblemTooFewPoints},
		{"polygon ring empty", ProblemTooFewPoints},
		{"ring not closed", ProblemUnclosedRing},
		{"ring not simple", ProblemSelfIntersection},
		{"nested rings", ProblemNestedHoles},
		{"interior ring outside of exterior ring", ProblemHoleOutside},
		{"disconnected interior", ProblemDisconnected},
		{"rings intersect at multiple points", ProblemRingsIntersect},
		{"child polygons touch at multiple points", ProblemPolygonsOverlap},
	} {
		if strings.Contains(msg, m.text) {
			return m.kind
		}
	}
	return ProblemOther
}

// Repair returns a valid MultiPolygon covering the same area as mp and
// whether anything was changed. A valid mp is returned as it is (changed ==
// false).
//
// The repair follows the "structure" approach of GEOS MakeValid, with each
// ring read by the even-odd rule:
//   - a ring is closed and cleaned of consecutive duplicate points, then
//     noded at its self-intersections and cut into simple loops wherever it
//     visits a vertex twice; zero-area loops (spikes, back-and-forth
//     segments) vanish; the area a ring encloses is the symmetric difference
//     of its loops, so both lobes of a bow-tie are kept;
//   - a polygon is the area of its outer ring minus the union of the areas
//     of its holes;
//   - the MultiPolygon is the union of its polygons.
//
// The even-odd reading keeps coverages consistent: when a shared border is
// self-intersecting, the winding numbers of the two neighbours add up to one
// at every point near it, so exactly one of them claims each point and the
// repaired neighbours neither overlap nor leave a gap.
//
// The overlay uses github.com/peterstace/simplefeatures. The result has RFC
// 7946 orientation. Rings that are degenerate (fewer than three distinct
// points) vanish; non-finite coordinates cannot be repaired and yield an error.
func Repair(mp orb.MultiPolygon) (orb.MultiPolygon, bool, error) {
	verr := Validate(mp)
	if verr == nil {
		return mp, false, nil
	}
	var prob *Problem
	if errors.As(verr, &prob) && prob.Kind == ProblemNonFinite {
		return nil, false, fmt.Errorf("repair: %w", verr)
	}
	parts := make([]geom.Geometry, 0, len(mp))
	for pi, poly := range mp {
		g, err := repairPolygon(poly)
		if err != nil {
			return nil, false, fmt.Errorf("repair polygon %d: %w", pi, err)
		}
		if !g.IsEmpty() {
			parts = append(parts, g)
		}
	}
	var out orb.MultiPolygon
	switch len(parts) {
	case 0:
	case 1:
		out = orbAreal(nil, parts[0])
	default:
		u, err := sfUnionMany(parts)
		if err != nil {
			return nil, false, fmt.Errorf("repair: %w", err)
		}
		out = orbAreal(nil, u)
	}
	if err := Validate(out); err != nil {
		return out, true, fmt.Errorf("repair: result still invalid: %w", err)
	}
	return out, true, nil
}

// repairPolygon returns the area of a polygon: its outer ring's area minus
// the union of its holes' areas.
func repairPolygon(poly orb.Polygon) (geom.Geometry, error) {
	if len(poly) == 0 {
		return geom.Geometry{}, nil
	}
	shell, err := ringRegion(poly[0])
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("outer ring: %w", err)
	}
	if shell.IsEmpty() || len(poly) == 1 {
		return shell, nil
	}
	holes := make([]geom.Geometry, 0, len(poly)-1)
	for hi, h := range poly[1:] {
		g, err := ringRegion(h)
		if err != nil {
			return geom.Geometry{}, fmt.Errorf("hole %d: %w", hi, err)
		}
		if !g.IsEmpty() {
			holes = append(holes, g)
		}
	}
	if len(holes) == 0 {
		return shell, nil
	}
	hu, err := sfUnionMany(holes)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("holes: %w", err)
	}
	return sfBinary("difference", geom.Difference, shell, hu)
}

// ringRegion returns the area enclosed by a ring under the even-odd rule as
// a valid (Multi)Polygon geometry, or an empty geometry.
func ringRegion(r orb.Ring) (geom.Geometry, error) {
	loops := ringLoops(r)
	gs := make([]geom.Geometry, 0, len(loops))
	for _, l := range loops {
		gs = append(gs, geom.NewPolygon([]geom.LineString{sfRing(l)}).ForceCCW().AsGeometry())
	}
	// Symmetric difference, folded pairwise so that large loop counts stay
	// balanced.
	for len(gs) > 1 {
		next := gs[:0:0]
		for i := 0; i+1 < len(gs); i += 2 {
			g, err := sfBinary("symmetric difference", geom.SymmetricDifference, gs[i], gs[i+1])
			if err != nil {
				return geom.Geometry{}, err
			}
			next = append(next, g)
		}
		if len(gs)%2 == 1 {
			next = append(next, gs[len(gs)-1])
		}
		gs = next
	}
	if len(gs) == 0 {
		return geom.Geometry{}, nil
	}
	return gs[0], nil
}
