package boundaryfile

import (
	"encoding/binary"
	"fmt"
	"io"
)

// WKB geometry type codes.
const (
	wkbPoint              = 1
	wkbLineString         = 2
	wkbPolygon            = 3
	wkbMultiPoint         = 4
	wkbMultiLineString    = 5
	wkbMultiPolygon       = 6
	wkbGeometryCollection = 7
)

// maxWKBDepth bounds the nesting of geometry collections.
const maxWKBDepth = 16

// wkbTo2D rewrites a WKB geometry (OGC/ISO, with Z, M or ZM in either
// encoding: ISO type+1000/2000/3000 or EWKB flag bits, EWKB SRID allowed)
// as plain little-endian 2D WKB, which orb's decoder reads. It checks every
// length against the input, so that the result is always well formed.
func wkbTo2D(b []byte) ([]byte, error) {
	w := wkbWriter{out: make([]byte, 0, len(b))}
	rest, err := w.geometry(b, 0)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("wkb: %d trailing bytes", len(rest))
	}
	return w.out, nil
}

type wkbWriter struct {
	out []byte
}

func (w *wkbWriter) u32(v uint32) { w.out = binary.LittleEndian.AppendUint32(w.out, v) }

var errWKBShort = fmt.Errorf("wkb: %w", io.ErrUnexpectedEOF)

func (w *wkbWriter) geometry(b []byte, depth int) ([]byte, error) {
	if depth > maxWKBDepth {
		return nil, fmt.Errorf("wkb: geometry nested deeper than %d", maxWKBDepth)
	}
	if len(b) < 5 {
		return nil, errWKBShort
	}
	var order binary.ByteOrder
	switch b[0] {
	case 0:
		order = binary.BigEndian
	case 1:
		order = binary.LittleEndian
	default:
		return nil, fmt.Errorf("wkb: byte order marker %d", b[0])
	}
	typ := order.Uint32(b[1:5])
	b = b[5:]
	dims := 2
	if typ&0x80000000 != 0 { // EWKB Z
		dims++
	}
	if typ&0x40000000 != 0 { // EWKB M
		dims++
	}
	if typ&0x20000000 != 0 { // EWKB SRID
		if len(b) < 4 {
			return nil, errWKBShort
		}
		b = b[4:]
	}
	typ &^= 0xE0000000
	switch typ / 1000 {
	case 1, 2: // ISO Z or M
		dims++
	case 3: // ISO ZM
		dims += 2
	}
	base := typ % 1000
	if typ >= 4000 || base < wkbPoint || base > wkbGeometryCollection || dims > 4 {
		return nil, fmt.Errorf("%w: wkb geometry type %d", ErrUnsupportedFormat, typ)
	}
	w.out = append(w.out, 1)
	w.u32(base)
	switch base {
	case wkbPoint:
		return w.points(b, order, dims, 1)
	case wkbLineString:
		return w.countedPoints(b, order, dims)
	case wkbPolygon:
		n, b, err := count(b, order, 4)
		if err != nil {
			return nil, err
		}
		w.u32(n)
		for range n {
			if b, err = w.countedPoints(b, order, dims); err != nil {
				return nil, err
			}
		}
		return b, nil
	default: // multi geometries and collections
		n, b, err := count(b, order, 9)
		if err != nil {
			return nil, err
		}
		w.u32(n)
		for range n {
			if b, err = w.geometry(b, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
}

// count reads a uint32 count and checks that n elements of at least
// minSize bytes each fit into the rest of the input.
func count(b []byte, order binary.ByteOrder, minSize int) (uint32, []byte, error) {
	if len(b) < 4 {
		return 0, nil, errWKBShort
	}
	n := order.Uint32(b)
	b = b[4:]
	if int64(n)*int64(minSize) > int64(len(b)) {
		return 0, nil, fmt.Errorf("wkb: count %d exceeds the data: %w", n, io.ErrUnexpectedEOF)
	}
	return n, b, nil
}

func (w *wkbWriter) countedPoints(b []byte, order binary.ByteOrder, dims int) ([]byte, error) {
	n, b, err := count(b, order, 8*dims)
	if err != nil {
		return nil, err
	}
	w.u32(n)
	return w.points(b, order, dims, int(n))
}

// points copies n points of dims coordinates, keeping x and y.
func (w *wkbWriter) points(b []byte, order binary.ByteOrder, dims, n int) ([]byte, error) {
	size := 8 * dims
	if len(b) < n*size {
		return nil, errWKBShort
	}
	for i := range n {
		p := b[i*size:]
		w.out = binary.LittleEndian.AppendUint64(w.out, order.Uint64(p[0:8]))
		w.out = binary.LittleEndian.AppendUint64(w.out, order.Uint64(p[8:16]))
	}
	return b[n*size:], nil
}
