package pmtiles

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/paulmach/orb"
)

// HeaderLen is the size of the fixed PMTiles v3 header.
const HeaderLen = 127

// maxRootLen bounds the root directory so that header and root fit into the
// first 16 KiB, as the specification requires.
const maxRootLen = 16384 - HeaderLen

// Compression and tile type codes of the header.
const (
	compressionGzip = 2
	tileTypeMVT     = 1
)

// TileID returns the PMTiles tile ID of tile (z, x, y): the number of tiles
// of all lower zooms plus the tile's position on the Hilbert curve of zoom z.
func TileID(z uint8, x, y uint32) uint64 {
	acc := (uint64(1)<<(2*uint64(z)) - 1) / 3
	n := uint64(1) << z
	xx, yy := uint64(x), uint64(y)
	var d uint64
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint64
		if xx&s != 0 {
			rx = 1
		}
		if yy&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		if ry == 0 {
			if rx == 1 {
				xx, yy = n-1-xx, n-1-yy
			}
			xx, yy = yy, xx
		}
	}
	return acc + d
}

// Header holds what the writer cannot know from the tiles.
type Header struct {
	MinZoom, MaxZoom int
	Bounds           orb.Bound // WGS84
	Center           orb.Point // WGS84
	CenterZoom       int
}

// entry is a directory entry.
type entry struct {
	tileID    uint64
	offset    uint64
	length    uint32
	runLength uint32 // 0 for a leaf directory pointer
}

// Writer collects gzipped MVT tiles, in increasing tile ID order, in a
// temporary file and writes the archive with Finish. Close removes the
// temporary file.
type Writer struct {
	tmp     *os.File
	buf     *bufio.Writer
	dataLen uint64
	entries []entry
	byHash  map[[32]byte]entry // content → where it is stored
	lastID  uint64
	any     bool

	addressed, contents uint64
}

// NewWriter returns a Writer that keeps tile data in a temporary file in
// dir ("" = the system's temporary directory).
func NewWriter(dir string) (*Writer, error) {
	f, err := os.CreateTemp(dir, "standortatlas-*.pmtiles-data")
	if err != nil {
		return nil, fmt.Errorf("pmtiles: %w", err)
	}
	return &Writer{tmp: f, buf: bufio.NewWriterSize(f, 1<<20), byHash: map[[32]byte]entry{}}, nil
}

// Add adds a tile. Tiles must come in strictly increasing tile ID order
// (TileID); data is the tile as stored (gzipped MVT).
func (w *Writer) Add(z uint8, x, y uint32, data []byte) error {
	id := TileID(z, x, y)
	if w.any && id <= w.lastID {
		return fmt.Errorf("pmtiles: tile %d/%d/%d (id %d) added after id %d: tiles must come in tile ID order", z, x, y, id, w.lastID)
	}
	if len(data) == 0 {
		return fmt.Errorf("pmtiles: tile %d/%d/%d is empty", z, x, y)
	}
	h := sha256.Sum256(data)
	w.addressed++
	if prev, ok := w.byHash[h]; ok {
		// The same content as an earlier tile: extend the run when it is the
		// previous tile, else point to the stored copy.
		if n := len(w.entries); n > 0 && w.entries[n-1].offset == prev.offset && w.entries[n-1].tileID+uint64(w.entries[n-1].runLength) == id {
			w.entries[n-1].runLength++
		} else {
			w.entries = append(w.entries, entry{tileID: id, offset: prev.offset, length: prev.length, runLength: 1})
		}
	} else {
		if _, err := w.buf.Write(data); err != nil {
			return fmt.Errorf("pmtiles: %w", err)
		}
		e := entry{tileID: id, offset: w.dataLen, length: uint32(len(data)), runLength: 1}
		w.dataLen += uint64(len(data))
		w.byHash[h] = e
		w.entries = append(w.entries, e)
		w.contents++
	}
	w.lastID, w.any = id, true
	return nil
}

// Finish writes the archive to out: header, root directory, metadata (a
// JSON document, stored gzipped), leaf directories and tile data.
func (w *Writer) Finish(out io.Writer, h Header, metadata []byte) error {
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	root, leaves, err := buildDirectories(w.entries)
	if err != nil {
		return err
	}
	meta, err := gzipBytes(metadata)
	if err != nil {
		return err
	}
	hd := make([]byte, HeaderLen)
	copy(hd, "PMTiles")
	hd[7] = 3
	le := binary.LittleEndian
	rootOff := uint64(HeaderLen)
	metaOff := rootOff + uint64(len(root))
	leafOff := metaOff + uint64(len(meta))
	dataOff := leafOff + uint64(len(leaves))
	for i, v := range []uint64{rootOff, uint64(len(root)), metaOff, uint64(len(meta)), leafOff, uint64(len(leaves)), dataOff, w.dataLen,
		w.addressed, uint64(len(w.entries)), w.contents} {
		le.PutUint64(hd[8+8*i:], v)
	}
	hd[96] = 1 // clustered: tile data is in tile ID order
	hd[97] = compressionGzip
	hd[98] = compressionGzip
	hd[99] = tileTypeMVT
	hd[100] = uint8(h.MinZoom)
	hd[101] = uint8(h.MaxZoom)
	e7 := func(v float64) uint32 { return uint32(int32(math.Round(v * 1e7))) }
	le.PutUint32(hd[102:], e7(h.Bounds.Min[0]))
	le.PutUint32(hd[106:], e7(h.Bounds.Min[1]))
	le.PutUint32(hd[110:], e7(h.Bounds.Max[0]))
	le.PutUint32(hd[114:], e7(h.Bounds.Max[1]))
	hd[118] = uint8(h.CenterZoom)
	le.PutUint32(hd[119:], e7(h.Center[0]))
	le.PutUint32(hd[123:], e7(h.Center[1]))

	bw := bufio.NewWriterSize(out, 1<<20)
	for _, part := range [][]byte{hd, root, meta, leaves} {
		if _, err := bw.Write(part); err != nil {
			return fmt.Errorf("pmtiles: %w", err)
		}
	}
	if _, err := w.tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	if n, err := io.Copy(bw, w.tmp); err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	} else if uint64(n) != w.dataLen {
		return fmt.Errorf("pmtiles: copied %d bytes of tile data, want %d", n, w.dataLen)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	return nil
}

// Stats returns the counts that go into the header: addressed tiles,
// directory entries and distinct tile contents.
func (w *Writer) Stats() (addressed, entries, contents uint64) {
	return w.addressed, uint64(len(w.entries)), w.contents
}

// Close removes the temporary file.
func (w *Writer) Close() error {
	name := w.tmp.Name()
	err := w.tmp.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}

// buildDirectories returns the root directory and the leaf directories:
// everything in the root when it fits, else leaves of leafSize entries
// (from 4096, growing until the root of leaf pointers fits).
func buildDirectories(entries []entry) (root, leaves []byte, err error) {
	if root, err = serializeEntries(entries); err != nil {
		return nil, nil, err
	}
	if len(root) <= maxRootLen {
		return root, nil, nil
	}
	for leafSize := 4096; ; leafSize *= 2 {
		var ptrs []entry
		leaves = leaves[:0]
		for i := 0; i < len(entries); i += leafSize {
			leaf, err := serializeEntries(entries[i:min(i+leafSize, len(entries))])
			if err != nil {
				return nil, nil, err
			}
			ptrs = append(ptrs, entry{tileID: entries[i].tileID, offset: uint64(len(leaves)), length: uint32(len(leaf))})
			leaves = append(leaves, leaf...)
		}
		if root, err = serializeEntries(ptrs); err != nil {
			return nil, nil, err
		}
		if len(root) <= maxRootLen {
			return root, leaves, nil
		}
	}
}

// serializeEntries encodes a directory (gzipped): the number of entries,
// then the tile IDs as deltas, the run lengths, the lengths and the offsets
// (0 for "right after the previous entry", else offset + 1), all varints.
func serializeEntries(es []entry) ([]byte, error) {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(es)))
	last := uint64(0)
	for _, e := range es {
		b = binary.AppendUvarint(b, e.tileID-last)
		last = e.tileID
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, uint64(e.runLength))
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, uint64(e.length))
	}
	for i, e := range es {
		if i > 0 && e.offset == es[i-1].offset+uint64(es[i-1].length) {
			b = binary.AppendUvarint(b, 0)
		} else {
			b = binary.AppendUvarint(b, e.offset+1)
		}
	}
	return gzipBytes(b)
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("pmtiles: %w", err)
	}
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("pmtiles: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("pmtiles: %w", err)
	}
	return buf.Bytes(), nil
}
