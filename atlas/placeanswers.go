package atlas

import (
	"context"
	"fmt"
)

// Places returns the published places of q and the sources they come from.
// A store that keeps no places answers ErrNotSupported.
func (s *Service) Places(ctx context.Context, q PlaceQuery) ([]Place, []PlaceSource, error) {
	ps, ok := s.store.(PlaceStore)
	if !ok {
		return nil, nil, fmt.Errorf("places: this store keeps none: %w", ErrNotSupported)
	}
	list, err := ps.Places(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	sources, err := ps.PlaceSources(ctx)
	if err != nil {
		return nil, nil, err
	}
	return list, sources, nil
}

// PlacesAttribution lists the attribution of every source the places come
// from: the registered source's, else the place's own (submissions).
func PlacesAttribution(sources []PlaceSource, places []Place) []string {
	bySource := map[string]string{}
	for _, s := range sources {
		bySource[s.ID] = s.Attribution
	}
	out := []string{}
	seen := map[string]bool{}
	for _, p := range places {
		a := bySource[p.Source]
		if a == "" {
			a = p.Attribution
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}
