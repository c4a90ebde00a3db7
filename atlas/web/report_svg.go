package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// projector maps lon/lat into SVG user units: an equirectangular
// projection with the longitude scaled by the cosine of the middle
// latitude (true shape at the scale of a locator map), fitted to a width.
type projector struct {
	minLon, maxLat, kx, scale float64
}

func newProjector(b orb.Bound, width float64) (projector, float64) {
	mid := (b.Min[1] + b.Max[1]) / 2
	kx := math.Cos(mid * math.Pi / 180)
	dx, dy := (b.Max[0]-b.Min[0])*kx, b.Max[1]-b.Min[1]
	if dx <= 0 || dy <= 0 {
		return projector{minLon: b.Min[0], maxLat: b.Max[1], kx: kx, scale: 1}, width
	}
	scale := width / dx
	if dy*scale > width*1.3 { // tall regions: cap the height
		scale = width * 1.3 / dy
	}
	return projector{minLon: b.Min[0], maxLat: b.Max[1], kx: kx, scale: scale}, dy * scale
}

func (p projector) xy(pt orb.Point) (float64, float64) {
	return (pt[0] - p.minLon) * p.kx * p.scale, (p.maxLat - pt[1]) * p.scale
}

// pathData writes the rings of geometries as SVG path data, rounded to a
// tenth of a unit, leaving out points closer than minStep to the last one
// drawn and rings smaller than minRing across (tiny islands at locator
// scale).
func (p projector) pathData(geoms []orb.MultiPolygon, minStep, minRing float64) string {
	var b strings.Builder
	num := func(v float64) {
		b.WriteString(strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64))
	}
	for _, mp := range geoms {
		for _, poly := range mp {
			for _, ring := range poly {
				rb := ring.Bound()
				x0, y0 := p.xy(rb.Min)
				x1, y1 := p.xy(rb.Max)
				if math.Abs(x1-x0) < minRing && math.Abs(y1-y0) < minRing {
					continue
				}
				var lx, ly float64
				n := 0
				for i, pt := range ring {
					x, y := p.xy(pt)
					if i > 0 && i < len(ring)-1 && math.Hypot(x-lx, y-ly) < minStep {
						continue
					}
					if n == 0 {
						b.WriteByte('M')
					} else {
						b.WriteByte('L')
					}
					num(x)
					b.WriteByte(' ')
					num(y)
					lx, ly = x, y
					n++
				}
				b.WriteByte('Z')
			}
		}
	}
	return b.String()
}

// drawLocator draws context regions (outlined) and a highlighted region
// fitted to bound at the given width; a region too small to see gets a
// ring around it.
func drawLocator(title string, context []orb.MultiPolygon, highlight orb.MultiPolygon, bound orb.Bound, width float64) reportMap {
	pad := (bound.Max[0] - bound.Min[0]) * 0.02
	bound = bound.Pad(pad)
	pr, height := newProjector(bound, width)
	m := reportMap{Title: title, W: width, H: math.Ceil(height), Context: pr.pathData(context, 1.6, 1.5)}
	if highlight != nil {
		m.Highlight = pr.pathData([]orb.MultiPolygon{highlight}, 1, 0)
		hb := highlight.Bound()
		x0, y0 := pr.xy(hb.Min)
		x1, y1 := pr.xy(hb.Max)
		if math.Abs(x1-x0) < 8 && math.Abs(y1-y0) < 8 {
			m.Marker = &reportPoint{X: math.Round((x0+x1)/2*10) / 10, Y: math.Round((y0+y1)/2*10) / 10}
		}
	}
	return m
}
