package boundaryfile

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// gpkgHeader is the header of a GeoPackage geometry blob (GeoPackage 1.3,
// clause 2.1.3 "GeoPackageBinary").
type gpkgHeader struct {
	version  byte
	empty    bool
	extended bool
	srsID    int32
	envelope []float64 // 0, 4, 6 or 8 values
	size     int       // header length in bytes; the WKB follows
}

// parseGPKGHeader parses the header of a GeoPackage geometry blob.
func parseGPKGHeader(b []byte) (gpkgHeader, error) {
	if len(b) < 8 {
		return gpkgHeader{}, fmt.Errorf("geometry blob of %d bytes: %w", len(b), io.ErrUnexpectedEOF)
	}
	if b[0] != 'G' || b[1] != 'P' {
		return gpkgHeader{}, fmt.Errorf("geometry blob does not start with \"GP\"")
	}
	h := gpkgHeader{version: b[2]}
	if h.version != 0 {
		return h, fmt.Errorf("%w: GeoPackage binary version %d", ErrUnsupportedFormat, h.version)
	}
	flags := b[3]
	var order binary.ByteOrder = binary.BigEndian
	if flags&0x01 != 0 {
		order = binary.LittleEndian
	}
	h.empty = flags&0x10 != 0
	h.extended = flags&0x20 != 0
	var n int
	switch ind := (flags >> 1) & 0x07; ind {
	case 0:
	case 1:
		n = 4
	case 2, 3:
		n = 6
	case 4:
		n = 8
	default:
		return h, fmt.Errorf("invalid envelope indicator %d", ind)
	}
	h.size = 8 + 8*n
	if len(b) < h.size {
		return h, fmt.Errorf("geometry header of %d bytes with envelope, blob has %d: %w", h.size, len(b), io.ErrUnexpectedEOF)
	}
	h.srsID = int32(order.Uint32(b[4:8]))
	if n > 0 {
		h.envelope = make([]float64, n)
		for i := range h.envelope {
			h.envelope[i] = math.Float64frombits(order.Uint64(b[8+8*i:]))
		}
	}
	return h, nil
}

// parseGPKGGeometry decodes a GeoPackage geometry blob into polygons
// (source coordinates, rings closed, orientation as stored).
func parseGPKGGeometry(b []byte) (orb.MultiPolygon, error) {
	h, err := parseGPKGHeader(b)
	if err != nil {
		return nil, err
	}
	if h.extended {
		return nil, fmt.Errorf("%w: extended GeoPackage geometry", ErrUnsupportedFormat)
	}
	if h.empty {
		return nil, nil
	}
	flat, err := wkbTo2D(b[h.size:])
	if err != nil {
		return nil, err
	}
	g, err := wkb.Unmarshal(flat)
	if err != nil {
		return nil, fmt.Errorf("wkb: %w", err)
	}
	mp, err := polygonal(g)
	if err != nil {
		return nil, err
	}
	return closePolygons(mp)
}
