package tiles

import (
	"context"
	"errors"
	"testing"
)

// Cached answers from the cache for the version the source knows without
// waiting, renders nothing, and answers nil where only rendering or a read
// of the version could tell.
func TestCachedRendersNothing(t *testing.T) {
	ctx := context.Background()
	src := &seedSource{version: 1}
	s := NewServer(src, Options{})
	if tl, err := s.Cached("gemeinde", 8, 134, 86, ValueQuery{}); err != nil || tl != nil {
		t.Fatalf("before rendering: %v, %v", tl, err)
	}
	if src.loads != 0 {
		t.Errorf("Cached loaded %d layers", src.loads)
	}
	rendered, err := s.Tile(ctx, "gemeinde", 8, 134, 86, ValueQuery{})
	if err != nil || rendered.Empty() {
		t.Fatalf("render: %v (empty %v)", err, rendered == nil || rendered.Empty())
	}
	if tl, err := s.Cached("gemeinde", 8, 134, 86, ValueQuery{}); err != nil || tl != rendered {
		t.Errorf("after rendering: %p, %v, want the rendered tile %p", tl, err, rendered)
	}
	if tl, _ := s.Cached("kreis", 8, 134, 86, ValueQuery{}); tl != nil {
		t.Error("another layer's tile found")
	}
	src.setVersion(2)
	if tl, err := s.Cached("gemeinde", 8, 134, 86, ValueQuery{}); err != nil || tl != nil {
		t.Errorf("after the data changed: %v, %v, want nil (the tile of version 1 is not the current one)", tl, err)
	}
	if tl, err := NewServer(unknownVersion{src}, Options{}).Cached("gemeinde", 8, 134, 86, ValueQuery{}); err != nil || tl != nil {
		t.Errorf("version not known without a read: %v, %v", tl, err)
	}
	if _, err := s.Cached("gemeinde", 30, 0, 0, ValueQuery{}); !errors.Is(err, ErrInvalidTile) {
		t.Errorf("zoom 30: %v", err)
	}
}

// unknownVersion is a source that must read its version to know it.
type unknownVersion struct{ *seedSource }

func (unknownVersion) KnownVersion() (int64, bool) { return 0, false }
