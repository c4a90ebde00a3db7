package atlas

import (
	"context"
	"fmt"
)

// DisplayRegions returns the regions of a level, ordered by key, with the
// display geometry of the current data version (coverage-simplified once,
// shared borders kept shared) and the boundary set they come from. The slice
// is shared with the service's cache: callers must not modify it.
func (s *Service) DisplayRegions(ctx context.Context, level Level) ([]Region, BoundarySet, error) {
	sh, err := s.shapesFor(ctx, level)
	if err != nil {
		return nil, BoundarySet{}, err
	}
	return sh.regions, sh.set, nil
}

// Cached returns the answer cached under name for the current data version,
// building and caching it on a miss. name must identify the answer
// completely (all parameters); the data version is added here, so answers
// are dropped when the data change.
func (s *Service) Cached(ctx context.Context, name string, build func(ctx context.Context) ([]byte, error)) (*Encoded, error) {
	v, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	ck := fmt.Sprintf("ext|%d|%s", v, name)
	if enc, ok := s.cache.get(ck); ok {
		return enc, nil
	}
	b, err := build(ctx)
	if err != nil {
		return nil, err
	}
	enc := NewEncoded(b)
	s.cache.put(ck, enc)
	return enc, nil
}
