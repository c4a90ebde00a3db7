package atlas

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
)

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

// lru is a small LRU of answers to queries (map views, encoded answers),
// counting hits and misses into the service's counters.
type lru struct {
	hits, misses *atomic.Int64

	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type cacheEntry struct {
	key string
	val any
}

func newLRU(max int, hits, misses *atomic.Int64) *lru {
	return &lru{max: max, ll: list.New(), items: map[string]*list.Element{}, hits: hits, misses: misses}
}

func (c *lru) get(key string) (any, bool) {
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

func (c *lru) put(key string, val any) {
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

func (c *lru) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	c.items = map[string]*list.Element{}
}
