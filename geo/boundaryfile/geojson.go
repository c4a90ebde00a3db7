package boundaryfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// rawProps keeps GeoJSON property values undecoded so that numbers keep
// their digits.
type rawProps = map[string]json.RawMessage

func (o Options) readGeoJSONFile(src source) (Layer, error) {
	b, err := readFile(src)
	if err != nil {
		return Layer{}, err
	}
	l, err := o.parseGeoJSON(b, layerName(src.name))
	if err != nil {
		return Layer{}, fmt.Errorf("%s: %w", src.display, err)
	}
	return l, nil
}

// isGeoJSON reports whether b is a JSON object whose "type" is
// FeatureCollection or Feature.
func isGeoJSON(b []byte) bool {
	var head struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(b, &head) != nil {
		return false
	}
	return head.Type == "FeatureCollection" || head.Type == "Feature"
}

// parseGeoJSON reads a FeatureCollection or a single Feature.
func (o Options) parseGeoJSON(b []byte, name string) (Layer, error) {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	var head struct {
		Type string          `json:"type"`
		CRS  json.RawMessage `json:"crs"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Layer{}, fmt.Errorf("not GeoJSON: %w", err)
	}
	var features []*geojson.FeatureOf[rawProps]
	switch head.Type {
	case "FeatureCollection":
		var fc geojson.FeatureCollectionOf[rawProps]
		if err := json.Unmarshal(b, &fc); err != nil {
			return Layer{}, fmt.Errorf("feature collection: %w", err)
		}
		features = fc.Features
	case "Feature":
		var f geojson.FeatureOf[rawProps]
		if err := json.Unmarshal(b, &f); err != nil {
			return Layer{}, fmt.Errorf("feature: %w", err)
		}
		features = append(features, &f)
	default:
		return Layer{}, fmt.Errorf("%w: GeoJSON type %q, want FeatureCollection or Feature", ErrUnsupportedFormat, head.Type)
	}

	srid := 4326
	if err := checkGeoJSONCRS(head.CRS); err != nil {
		if o.SRIDOverride == 0 {
			return Layer{}, err
		}
	}
	if o.SRIDOverride != 0 {
		srid = o.SRIDOverride
	}
	toWGS84, area, err := projection(srid)
	if err != nil {
		return Layer{}, err
	}

	layer := Layer{Name: name, SRID: srid, Features: make([]Feature, 0, len(features))}
	for i, f := range features {
		if f == nil {
			return Layer{}, fmt.Errorf("feature %d: null", i+1)
		}
		props := make(map[string]string, len(f.Properties))
		for k, v := range f.Properties {
			s, err := jsonText(v)
			if err != nil {
				return Layer{}, fmt.Errorf("feature %d: property %s: %w", i+1, k, err)
			}
			props[k] = s
		}
		mp, err := polygonal(f.Geometry)
		if err == nil {
			mp, err = closePolygons(mp)
		}
		if err == nil {
			err = transform(mp, toWGS84, area)
		}
		if err != nil {
			return Layer{}, fmt.Errorf("feature %d: %w", i+1, err)
		}
		orient(mp)
		if len(mp) == 0 {
			mp = nil
		}
		layer.Features = append(layer.Features, Feature{Props: props, Geom: mp})
	}
	return layer, nil
}

// checkGeoJSONCRS accepts a missing crs member and the old-style named
// CRSs that mean WGS84 lon/lat.
func checkGeoJSONCRS(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var c struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("crs member: %w", err)
	}
	switch strings.ToUpper(c.Properties.Name) {
	case "URN:OGC:DEF:CRS:OGC:1.3:CRS84", "URN:OGC:DEF:CRS:OGC::CRS84", "CRS84", "OGC:CRS84",
		"EPSG:4326", "URN:OGC:DEF:CRS:EPSG::4326", "URN:OGC:DEF:CRS:EPSG:4326",
		"HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/4326":
		return nil
	}
	return fmt.Errorf("%w: crs %q: GeoJSON must be WGS84 lon/lat (RFC 7946); set Options.SRIDOverride to reproject",
		ErrUnsupportedFormat, c.Properties.Name)
}

// polygonal returns the polygons of g: a Polygon, MultiPolygon, null, or a
// GeometryCollection of those. The rings are copies.
func polygonal(g orb.Geometry) (orb.MultiPolygon, error) {
	switch g := g.(type) {
	case nil:
		return nil, nil
	case orb.Polygon:
		return orb.MultiPolygon{g.Clone()}, nil
	case orb.MultiPolygon:
		return g.Clone(), nil
	case orb.Collection:
		var mp orb.MultiPolygon
		for _, c := range g {
			sub, err := polygonal(c)
			if err != nil {
				return nil, err
			}
			mp = append(mp, sub...)
		}
		return mp, nil
	}
	return nil, fmt.Errorf("%w: geometry type %s is not polygonal", ErrUnsupportedFormat, g.GeoJSONType())
}

// jsonText renders a property value as text: strings trimmed, numbers
// without exponent, booleans as true/false, null as "", objects and arrays
// as compact JSON.
func jsonText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	case 't', 'f':
		return string(raw), nil
	case '{', '[':
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	s := string(raw)
	if strings.ContainsAny(s, ".eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return "", err
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	return s, nil
}
