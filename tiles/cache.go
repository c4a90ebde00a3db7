package tiles

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"
)

// flightTimeout bounds a shared computation that outlives its first caller.
const flightTimeout = 2 * time.Minute

// tileKey identifies a tile in the cache.
type tileKey struct {
	version int64
	layer   string
	z       uint8
	x, y    uint32
	values  string // ValueQuery.Key
}

// keyOf is the cache key of tile z/x/y of a layer in data version v, with
// the values of q.
func keyOf(v int64, layer string, z int, x, y uint32, q ValueQuery) tileKey {
	return tileKey{version: v, layer: layer, z: uint8(z), x: x, y: y, values: q.Key}
}

// lru is a byte-bounded least-recently-used cache of tiles. It is safe for
// concurrent use.
type lru struct {
	mu   sync.Mutex
	max  int64
	size int64
	// version is the data version whose tiles the cache holds (set by
	// dropOlder); a tile of another version rendered by a request that
	// started before the switch is not stored.
	version int64
	ll      *list.List // front = most recently used; values are *lruEntry
	items   map[tileKey]*list.Element
}

type lruEntry struct {
	key  tileKey
	tile *Tile
	size int64 // accounted bytes: gzip, identity copy once made, overhead
}

// entryOverhead approximates the bytes of one entry besides its bodies:
// the Tile (with its header values and ETag), the list element, the map
// entry.
const entryOverhead = 400

func newLRU(maxBytes int64) *lru {
	return &lru{version: -1, max: maxBytes, ll: list.New(), items: map[tileKey]*list.Element{}}
}

func (c *lru) get(k tileKey) (*Tile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruEntry).tile, true
	}
	return nil, false
}

func (c *lru) put(k tileKey, t *Tile) {
	n := int64(len(t.Gzip) + entryOverhead)
	if n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k.version != c.version {
		return
	}
	if e, ok := c.items[k]; ok {
		ent := e.Value.(*lruEntry)
		c.size -= ent.size
		ent.tile, ent.size = t, n
		c.ll.MoveToFront(e)
	} else {
		c.items[k] = c.ll.PushFront(&lruEntry{key: k, tile: t, size: n})
	}
	c.size += n
	c.evict()
}

// addIdentity accounts the identity copy of a cached tile (made when a
// client without gzip asked for it): it counts against the same bound.
func (c *lru) addIdentity(k tileKey, t *Tile, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok || e.Value.(*lruEntry).tile != t {
		return
	}
	e.Value.(*lruEntry).size += int64(n)
	c.size += int64(n)
	c.evict()
}

// evict drops the least recently used tiles until the cache is within its
// bound. c.mu must be held.
func (c *lru) evict() {
	for c.size > c.max {
		e := c.ll.Back()
		ent := e.Value.(*lruEntry)
		c.ll.Remove(e)
		delete(c.items, ent.key)
		c.size -= ent.size
	}
}

// dropOlder removes the tiles of data versions other than v and accepts
// only tiles of v from now on.
func (c *lru) dropOlder(v int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version = v
	for k, e := range c.items {
		if k.version != v {
			c.size -= e.Value.(*lruEntry).size
			c.ll.Remove(e)
			delete(c.items, k)
		}
	}
}

// stats returns the number of cached tiles and their accounted bytes.
func (c *lru) stats() (n int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.size
}

// flight runs one computation per key at a time and shares its result with
// concurrent callers (a minimal singleflight). The computation runs with a
// context that is not cancelled when the first caller goes away, so that
// one client hanging up does not fail the others; each caller still stops
// waiting when its own context ends.
type flight[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*flightCall[V]
}

type flightCall[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func (f *flight[K, V]) do(ctx context.Context, k K, fn func(context.Context) (V, error)) (V, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[K]*flightCall[V]{}
	}
	c, ok := f.calls[k]
	if !ok {
		c = &flightCall[V]{done: make(chan struct{})}
		f.calls[k] = c
		go func() {
			defer func() {
				if r := recover(); r != nil {
					c.err = fmt.Errorf("tiles: panic: %v", r)
				}
				f.mu.Lock()
				delete(f.calls, k)
				f.mu.Unlock()
				close(c.done)
			}()
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flightTimeout)
			defer cancel()
			c.v, c.err = fn(wctx)
		}()
	}
	f.mu.Unlock()
	select {
	case <-c.done:
		return c.v, c.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}
