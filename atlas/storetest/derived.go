package storetest

import (
	"context"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

// RunDerived runs the contract of atlas.DerivedStore: data derived from a
// level's regions are stored with them and replaced with them, so that a
// reader never gets data of other regions than those stored. raw, when
// not nil, changes the regions of a level outside Store.Write (as an
// instance of an earlier build or a hand edit would) with the SQL given:
// the level's derived data must be gone after it.
func RunDerived(t *testing.T, open Open, raw func(t *testing.T, s atlas.Store, sql string)) {
	ctx := context.Background()
	s := open(t)
	ds, ok := s.(atlas.DerivedStore)
	if !ok {
		t.Fatalf("%T does not implement atlas.DerivedStore", s)
	}
	get := func(l atlas.Level, name string) string {
		t.Helper()
		m, err := ds.Derived(ctx, l, []string{name, "other"})
		if err != nil {
			t.Fatalf("Derived(%s, %s): %v", l, name, err)
		}
		b, ok := m[name]
		if !ok {
			return "<none>"
		}
		return string(b)
	}
	write := func(b atlas.BoundaryChange) {
		t.Helper()
		if _, err := s.Write(ctx, atlas.Change{Release: atlas.Release{Source: "boundaries_" + b.Set.Level.String()}, Boundaries: []atlas.BoundaryChange{b}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := get(atlas.LevelLand, "a"); got != "<none>" {
		t.Errorf("empty store: derived a = %q", got)
	}
	lr := Laender(t)
	gr := Gemeinden(t)
	write(atlas.BoundaryChange{Set: lr.Set, Regions: lr.Regions, Derived: []atlas.Derived{{Name: "a", Data: []byte("land 1")}, {Name: "b", Data: []byte("land 1b")}}})
	write(atlas.BoundaryChange{Set: gr.Set, Regions: gr.Regions, Derived: []atlas.Derived{{Name: "a", Data: []byte("gemeinde 1")}}})
	if a, b, g := get(atlas.LevelLand, "a"), get(atlas.LevelLand, "b"), get(atlas.LevelGemeinde, "a"); a != "land 1" || b != "land 1b" || g != "gemeinde 1" {
		t.Errorf("after two writes: land a %q, b %q, gemeinde a %q", a, b, g)
	}
	if m, err := ds.Derived(ctx, atlas.LevelLand, []string{"b", "a", "c"}); err != nil || len(m) != 2 || string(m["a"]) != "land 1" || string(m["b"]) != "land 1b" {
		t.Errorf("Derived(land, b a c) = %q, %v", m, err)
	}
	if got := get(atlas.LevelKreis, "a"); got != "<none>" {
		t.Errorf("level without boundaries: derived a = %q", got)
	}
	// Observations leave the boundaries and what is derived from them.
	ind, obs := Unemployment(t)
	if _, err := Import(ctx, s, atlas.Release{Source: "obs"}, []atlas.Indicator{ind}, obs); err != nil {
		t.Fatal(err)
	}
	if got := get(atlas.LevelLand, "a"); got != "land 1" {
		t.Errorf("after an import of observations: land a %q", got)
	}
	// New boundaries replace the level's derived data as a whole.
	write(atlas.BoundaryChange{Set: lr.Set, Regions: lr.Regions, Derived: []atlas.Derived{{Name: "a", Data: []byte("land 2")}}})
	if a, b, g := get(atlas.LevelLand, "a"), get(atlas.LevelLand, "b"), get(atlas.LevelGemeinde, "a"); a != "land 2" || b != "<none>" || g != "gemeinde 1" {
		t.Errorf("after new Länder: land a %q, b %q, gemeinde a %q", a, b, g)
	}
	// Boundaries written without derived data drop the earlier ones.
	if err := ReplaceBoundaries(ctx, s, lr.Set, lr.Regions); err != nil {
		t.Fatal(err)
	}
	if a, g := get(atlas.LevelLand, "a"), get(atlas.LevelGemeinde, "a"); a != "<none>" || g != "gemeinde 1" {
		t.Errorf("after Länder without derived data: land a %q, gemeinde a %q", a, g)
	}
	if raw == nil {
		return
	}
	for _, sql := range []string{
		`UPDATE regions SET name = name || '' WHERE level = 'gemeinde'`,
		`DELETE FROM regions WHERE level = 'gemeinde' AND key = (SELECT min(key) FROM regions WHERE level = 'gemeinde')`,
	} {
		write(atlas.BoundaryChange{Set: gr.Set, Regions: gr.Regions, Derived: []atlas.Derived{{Name: "a", Data: []byte("gemeinde 2")}}})
		raw(t, s, sql)
		if g := get(atlas.LevelGemeinde, "a"); g != "<none>" {
			t.Errorf("after %s: gemeinde a %q, want none", sql, g)
		}
	}
}
