// Package placeimport reads places (organisations and offers) from CSV and
// GeoJSON, places them in their Gemeinde, Kreis and Land by point in
// polygon, and derives per-region counts as indicators.
package placeimport

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/geo"
)

// Spec describes a places file.
type Spec struct {
	Source   atlas.PlaceSource `json:"source"`
	File     string            `json:"file"`
	Category string            `json:"category"` // for rows without a category column
	Status   string            `json:"status,omitempty"`
	// Columns maps fields (name, lat, lon, category, address, postcode, city,
	// website, email, phone, languages, ags, description, last_verified) to
	// header names; unmapped fields are found by common header names.
	Columns map[string]string `json:"columns,omitempty"`
}

var headerNames = map[string][]string{
	"name":          {"name", "bezeichnung", "titel", "organisation"},
	"lat":           {"lat", "latitude", "breite", "breitengrad", "y"},
	"lon":           {"lon", "long", "lng", "longitude", "laenge", "länge", "laengengrad", "längengrad", "x"},
	"category":      {"category", "kategorie"},
	"address":       {"address", "adresse", "strasse", "straße"},
	"postcode":      {"postcode", "plz", "postleitzahl"},
	"city":          {"city", "ort", "stadt"},
	"website":       {"website", "homepage", "url", "web"},
	"email":         {"email", "e-mail", "mail"},
	"phone":         {"phone", "telefon", "tel"},
	"languages":     {"languages", "sprachen"},
	"ags":           {"ags", "gemeindeschluessel", "gemeindeschlüssel"},
	"description":   {"description", "beschreibung"},
	"last_verified": {"last_verified", "stand", "geprueft", "geprüft"},
}

// Locator assigns points to Gemeinde, Kreis and Land.
type Locator struct {
	gemeinden []atlas.Region
	kreise    []atlas.Region
	gIndex    *geo.Index
	kIndex    *geo.Index
}

// NewLocator indexes the Gemeinde and Kreis boundaries.
func NewLocator(gemeinden, kreise []atlas.Region) *Locator {
	l := &Locator{gemeinden: gemeinden, kreise: kreise}
	polys := func(rs []atlas.Region) []orb.MultiPolygon {
		out := make([]orb.MultiPolygon, len(rs))
		for i, r := range rs {
			out[i] = r.Geom
		}
		return out
	}
	l.gIndex, l.kIndex = geo.NewIndex(polys(gemeinden)), geo.NewIndex(polys(kreise))
	return l
}

// Assign sets the Gemeinde, Kreis and Land of p from its coordinates; false
// when the point lies in no Kreis.
func (l *Locator) Assign(p *atlas.Place) bool {
	pt := orb.Point{p.Lon, p.Lat}
	if i, ok := l.gIndex.Locate(pt); ok {
		p.Gemeinde = l.gemeinden[i].Key
	}
	i, ok := l.kIndex.Locate(pt)
	if !ok {
		return false
	}
	p.Kreis = l.kreise[i].Key
	p.Land = p.Kreis[:2]
	return true
}

// ReferencePoint returns a point inside the Gemeinde with key (the centroid
// of its largest part when that lies inside, else a vertex-based fallback).
func (l *Locator) ReferencePoint(ags string) (orb.Point, bool) {
	for _, g := range l.gemeinden {
		if g.Key != ags {
			continue
		}
		var best orb.Polygon
		bestArea := -1.0
		for _, poly := range g.Geom {
			if a := math.Abs(planar.Area(poly)); a > bestArea {
				best, bestArea = poly, a
			}
		}
		c, _ := planar.CentroidArea(best)
		if planar.PolygonContains(best, c) {
			return c, true
		}
		// Midpoint between the first vertex and the vertex farthest from it
		// is inside for most shapes; else the first vertex itself.
		r := best[0]
		far := r[0]
		for _, p := range r {
			if planar.Distance(r[0], p) > planar.Distance(r[0], far) {
				far = p
			}
		}
		mid := orb.Point{(r[0][0] + far[0]) / 2, (r[0][1] + far[1]) / 2}
		if planar.PolygonContains(best, mid) {
			return mid, true
		}
		return r[0], true
	}
	return orb.Point{}, false
}

// Result is what reading a places file produced.
type Result struct {
	Places []atlas.Place
	Report []string
}

func placeID(source, name string, lon, lat float64) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%.6f|%.6f", source, name, lon, lat)))
	return source + ":" + hex.EncodeToString(h[:6])
}

// Read reads a CSV (UTF-8, delimiter detected) or GeoJSON file of places.
// Rows without coordinates but with an AGS are set on the Gemeinde's
// reference point and flagged approximate; rows with neither are reported
// and left out; a malformed value fails the whole file naming row and column.
func Read(name string, data []byte, spec Spec, loc *Locator) (*Result, error) {
	if spec.Source.ID == "" || spec.Source.Licence == "" || spec.Source.Attribution == "" {
		return nil, fmt.Errorf("%s: source id, licence and attribution are required", name)
	}
	if spec.Status == "" {
		spec.Status = atlas.PlacePublished
	}
	lower := strings.ToLower(name)
	var rows []map[string]string
	var lines []int
	var err error
	if strings.HasSuffix(lower, ".geojson") || strings.HasSuffix(lower, ".json") {
		rows, lines, err = geojsonRows(name, data)
	} else {
		rows, lines, err = csvRows(name, data, spec)
	}
	if err != nil {
		return nil, err
	}
	res := &Result{}
	var problems []error
	for i, row := range rows {
		line := lines[i]
		p := atlas.Place{Name: strings.TrimSpace(row["name"]), Category: orDefault(row["category"], spec.Category), Address: row["address"],
			Postcode: row["postcode"], City: row["city"], Website: row["website"], Email: row["email"], Phone: row["phone"],
			Description: row["description"], LastVerified: orDefault(row["last_verified"], spec.Source.Date), Source: spec.Source.ID,
			Licence: spec.Source.Licence, Attribution: spec.Source.Attribution, Status: spec.Status}
		if l := row["languages"]; l != "" {
			for _, s := range strings.FieldsFunc(l, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
				p.Languages = append(p.Languages, strings.TrimSpace(s))
			}
		}
		if p.Name == "" {
			problems = append(problems, fmt.Errorf("%s: row %d: name missing", name, line))
			continue
		}
		latS, lonS := strings.TrimSpace(row["lat"]), strings.TrimSpace(row["lon"])
		switch {
		case latS != "" && lonS != "":
			lat, err1 := strconv.ParseFloat(strings.Replace(latS, ",", ".", 1), 64)
			lon, err2 := strconv.ParseFloat(strings.Replace(lonS, ",", ".", 1), 64)
			if err1 != nil || err2 != nil {
				problems = append(problems, fmt.Errorf("%s: row %d, column lat/lon: %q, %q are not numbers", name, line, latS, lonS))
				continue
			}
			p.Lat, p.Lon = lat, lon
		case row["ags"] != "":
			pt, ok := loc.ReferencePoint(strings.TrimSpace(row["ags"]))
			if !ok {
				problems = append(problems, fmt.Errorf("%s: row %d, column ags: %q is not a Gemeinde of the boundary set", name, line, row["ags"]))
				continue
			}
			p.Lon, p.Lat, p.Approximate = pt[0], pt[1], true
		default:
			res.Report = append(res.Report, fmt.Sprintf("%s: row %d (%s): no coordinates and no AGS, left out", name, line, p.Name))
			continue
		}
		p.ID = placeID(spec.Source.ID, p.Name, p.Lon, p.Lat)
		if err := p.Validate(); err != nil {
			problems = append(problems, fmt.Errorf("%s: row %d: %w", name, line, err))
			continue
		}
		if !loc.Assign(&p) {
			problems = append(problems, fmt.Errorf("%s: row %d (%s): %v, %v lies in no Kreis of the boundary set", name, line, p.Name, p.Lon, p.Lat))
			continue
		}
		res.Places = append(res.Places, p)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %d problem(s), nothing imported: %w", name, len(problems), errors.Join(problems...))
	}
	return res, nil
}

func orDefault(s, d string) string {
	if strings.TrimSpace(s) != "" {
		return strings.TrimSpace(s)
	}
	return d
}

func csvRows(name string, data []byte, spec Spec) ([]map[string]string, []int, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: header: %w", name, err)
	}
	col := map[string]int{}
	for field, names := range headerNames {
		want := names
		if h, ok := spec.Columns[field]; ok {
			want = []string{h}
		}
		for i, h := range header {
			for _, w := range want {
				if strings.EqualFold(strings.TrimSpace(h), w) {
					if _, dup := col[field]; !dup {
						col[field] = i
					}
				}
			}
		}
	}
	if _, ok := col["name"]; !ok {
		return nil, nil, fmt.Errorf("%s: no name column (header: %s)", name, strings.Join(header, ", "))
	}
	var rows []map[string]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		row := map[string]string{}
		for field, i := range col {
			if i < len(rec) {
				row[field] = strings.TrimSpace(rec[i])
			}
		}
		rows = append(rows, row)
		lines = append(lines, line)
	}
	return rows, lines, nil
}

func geojsonRows(name string, data []byte) ([]map[string]string, []int, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	var rows []map[string]string
	var lines []int
	for i, f := range fc.Features {
		row := map[string]string{}
		for field, names := range headerNames {
			for _, n := range names {
				if v, ok := f.Properties[n]; ok && v != nil {
					row[field] = strings.TrimSpace(fmt.Sprint(v))
					break
				}
			}
		}
		if pt, ok := f.Geometry.(orb.Point); ok {
			row["lon"], row["lat"] = strconv.FormatFloat(pt[0], 'f', -1, 64), strconv.FormatFloat(pt[1], 'f', -1, 64)
		} else if f.Geometry != nil {
			return nil, nil, fmt.Errorf("%s: feature %d: geometry %s, want Point", name, i+1, f.Geometry.GeoJSONType())
		}
		rows = append(rows, row)
		lines = append(lines, i+1)
	}
	return rows, lines, nil
}
