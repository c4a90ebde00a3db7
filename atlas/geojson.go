package atlas

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"

	"container/list"
	"github.com/klauspost/compress/gzip"
	"math"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// roundMultiPolygon rounds coordinates to the given decimals (5 ≈ 1 m) and
// drops consecutive duplicate points created by rounding. Shared vertices
// round identically, so shared borders stay shared.
func roundMultiPolygon(mp orb.MultiPolygon, decimals int) orb.MultiPolygon {
	p := math.Pow(10, float64(decimals))
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, poly := range mp {
		np := make(orb.Polygon, 0, len(poly))
		for _, ring := range poly {
			nr := make(orb.Ring, 0, len(ring))
			for _, pt := range ring {
				q := orb.Point{math.Round(pt[0]*p) / p, math.Round(pt[1]*p) / p}
				if len(nr) > 0 && nr[len(nr)-1] == q {
					continue
				}
				nr = append(nr, q)
			}
			if len(nr) >= 4 {
				np = append(np, nr)
			}
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	return out
}

// appendFeatureHead appends the start of a region's GeoJSON feature, up to
// and including its key, name and type properties; the caller adds further
// properties and closes the feature with "}}".
func appendFeatureHead(b []byte, r Region, geomJSON []byte) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendQuote(b, r.Key)
	b = append(b, `,"geometry":`...)
	b = append(b, geomJSON...)
	b = append(b, `,"properties":{"key":`...)
	b = strconv.AppendQuote(b, r.Key)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, r.Name)
	b = append(b, `,"type":`...)
	return appendJSONString(b, r.Type)
}

// AppendGeometryJSON appends mp as a GeoJSON MultiPolygon geometry.
func AppendGeometryJSON(b []byte, mp orb.MultiPolygon) []byte {
	b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
	for i, poly := range mp {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, ring := range poly {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for k, pt := range ring {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				b = strconv.AppendFloat(b, pt[0], 'f', -1, 64)
				b = append(b, ',')
				b = strconv.AppendFloat(b, pt[1], 'f', -1, 64)
				b = append(b, ']')
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return append(b, "]}"...)
}

// Encoded is an encoded answer with its strong ETag and a gzip copy made
// once on first use.
type Encoded struct {
	Body []byte
	ETag string // quoted, strong

	gzOnce sync.Once
	gz     []byte
}

// NewEncoded wraps body, deriving the ETag from its content.
func NewEncoded(body []byte) *Encoded {
	h := sha256.Sum256(body)
	return &Encoded{Body: body, ETag: `"` + hex.EncodeToString(h[:12]) + `"`}
}

// Gzipped returns the body gzip-compressed (computed once).
func (e *Encoded) Gzipped() []byte {
	e.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression) // the level is valid
		_, _ = zw.Write(e.Body)                                     // writes to a bytes.Buffer cannot fail
		_ = zw.Close()
		e.gz = buf.Bytes()
	})
	return e.gz
}

// responseCache is a small LRU of encoded answers.
type responseCache struct {
	hits, misses atomic.Int64

	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type cacheEntry struct {
	key string
	val *Encoded
}

func newResponseCache(max int) *responseCache {
	return &responseCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *responseCache) get(key string) (*Encoded, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		c.hits.Add(1)
		return e.Value.(*cacheEntry).val, true
	}
	c.misses.Add(1)
	return nil, false
}

func (c *responseCache) put(key string, val *Encoded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		e.Value.(*cacheEntry).val = val
		c.ll.MoveToFront(e)
		return
	}
	c.items[key] = c.ll.PushFront(&cacheEntry{key: key, val: val})
	for c.ll.Len() > c.max {
		e := c.ll.Back()
		c.ll.Remove(e)
		delete(c.items, e.Value.(*cacheEntry).key)
	}
}

func (c *responseCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	c.items = map[string]*list.Element{}
}
