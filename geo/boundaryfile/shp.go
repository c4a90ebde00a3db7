package boundaryfile

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
)

// Shape types of the ESRI shapefile specification this package reads.
const (
	shpNull     = 0
	shpPolygon  = 5
	shpPolygonZ = 15
	shpPolygonM = 25
)

const shpHeaderLen = 100

// shpFile is the parsed content of a .shp file in source coordinates.
type shpFile struct {
	shapeType int
	records   []shpRecord
}

// shpRecord is one shape: its rings as stored (ESRI orientation, source
// coordinates, not necessarily closed). No rings means a null shape.
type shpRecord struct {
	rings []orb.Ring
}

// recordError annotates an error with a 1-based record number.
func recordError(rec int, err error) error {
	return fmt.Errorf("record %d: %w", rec, err)
}

// parseSHP parses a .shp file. Errors do not name the file; the caller adds it.
func parseSHP(b []byte) (*shpFile, error) {
	if len(b) < shpHeaderLen {
		return nil, fmt.Errorf("header of %d bytes, want %d: %w", len(b), shpHeaderLen, io.ErrUnexpectedEOF)
	}
	if code := binary.BigEndian.Uint32(b[0:4]); code != 9994 {
		return nil, fmt.Errorf("not a shapefile: file code %d, want 9994", code)
	}
	fileLen := int64(binary.BigEndian.Uint32(b[24:28])) * 2
	if fileLen < shpHeaderLen {
		return nil, fmt.Errorf("header gives file length %d bytes, less than the header", fileLen)
	}
	if fileLen > int64(len(b)) {
		return nil, fmt.Errorf("header gives file length %d bytes, file has %d: %w", fileLen, len(b), io.ErrUnexpectedEOF)
	}
	b = b[:fileLen]
	f := &shpFile{shapeType: int(int32(binary.LittleEndian.Uint32(b[32:36])))}
	switch f.shapeType {
	case shpNull, shpPolygon, shpPolygonZ, shpPolygonM:
	default:
		return nil, fmt.Errorf("%w: shape type %d (%s), want polygons", ErrUnsupportedFormat, f.shapeType, shapeTypeName(f.shapeType))
	}
	for off, rec := shpHeaderLen, 1; off < len(b); rec++ {
		if len(b)-off < 8 {
			return nil, recordError(rec, fmt.Errorf("record header cut off: %w", io.ErrUnexpectedEOF))
		}
		contentLen := int64(binary.BigEndian.Uint32(b[off+4:off+8])) * 2
		if contentLen > int64(len(b)-off-8) {
			return nil, recordError(rec, fmt.Errorf("content of %d bytes runs past the end of the file: %w", contentLen, io.ErrUnexpectedEOF))
		}
		content := b[off+8 : off+8+int(contentLen)]
		off += 8 + int(contentLen)
		r, err := parseShape(content, f.shapeType)
		if err != nil {
			return nil, recordError(rec, err)
		}
		f.records = append(f.records, r)
	}
	return f, nil
}

// parseShape parses the content of one record.
func parseShape(c []byte, fileType int) (shpRecord, error) {
	if len(c) < 4 {
		return shpRecord{}, fmt.Errorf("content of %d bytes has no shape type: %w", len(c), io.ErrUnexpectedEOF)
	}
	st := int(int32(binary.LittleEndian.Uint32(c)))
	if st == shpNull {
		return shpRecord{}, nil
	}
	if st != fileType {
		return shpRecord{}, fmt.Errorf("shape type %d (%s) in a file of type %d (%s)", st, shapeTypeName(st), fileType, shapeTypeName(fileType))
	}
	// shape type, bbox (4 doubles), number of parts, number of points
	const fixed = 4 + 32 + 4 + 4
	if len(c) < fixed {
		return shpRecord{}, fmt.Errorf("polygon content of %d bytes, want at least %d: %w", len(c), fixed, io.ErrUnexpectedEOF)
	}
	numParts := int64(int32(binary.LittleEndian.Uint32(c[36:40])))
	numPoints := int64(int32(binary.LittleEndian.Uint32(c[40:44])))
	if numParts < 0 || numPoints < 0 {
		return shpRecord{}, fmt.Errorf("negative count: %d parts, %d points", numParts, numPoints)
	}
	if need := fixed + 4*numParts + 16*numPoints; need > int64(len(c)) {
		return shpRecord{}, fmt.Errorf("%d parts and %d points need %d bytes, record has %d: %w",
			numParts, numPoints, need, len(c), io.ErrUnexpectedEOF)
	}
	if numParts == 0 || numPoints == 0 {
		return shpRecord{}, nil
	}
	partStart := c[fixed : fixed+4*numParts]
	pts := make([]orb.Point, numPoints)
	xy := c[fixed+4*numParts:]
	for i := range pts {
		pts[i] = orb.Point{
			math.Float64frombits(binary.LittleEndian.Uint64(xy[16*i:])),
			math.Float64frombits(binary.LittleEndian.Uint64(xy[16*i+8:])),
		}
	}
	rings := make([]orb.Ring, 0, numParts)
	for p := range int(numParts) {
		start := int64(int32(binary.LittleEndian.Uint32(partStart[4*p:])))
		end := numPoints
		if p+1 < int(numParts) {
			end = int64(int32(binary.LittleEndian.Uint32(partStart[4*p+4:])))
		}
		if p == 0 && start != 0 {
			return shpRecord{}, fmt.Errorf("part 1 starts at point %d, want 0", start)
		}
		if start < 0 || end > numPoints || start > end {
			return shpRecord{}, fmt.Errorf("part %d spans points %d..%d of %d", p+1, start, end, numPoints)
		}
		// A full slice expression, so that closing a ring cannot overwrite
		// the next one.
		rings = append(rings, orb.Ring(pts[start:end:end]))
	}
	return shpRecord{rings: rings}, nil
}

func shapeTypeName(t int) string {
	switch t {
	case 0:
		return "null"
	case 1, 11, 21:
		return "point"
	case 3, 13, 23:
		return "polyline"
	case 5, 15, 25:
		return "polygon"
	case 8, 18, 28:
		return "multipoint"
	case 31:
		return "multipatch"
	}
	return "unknown"
}
