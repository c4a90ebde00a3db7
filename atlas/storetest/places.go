package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/atlas"
)

// munichPlaces are three places at real addresses in and near München
// (coordinates WGS84) and one in Nürnberg, from two sources.
func munichPlaces() (atlas.PlaceSource, atlas.PlaceSource, []atlas.Place) {
	a := atlas.PlaceSource{ID: "muc_test", Title: "Helferkreise (Test)", Categories: []string{"initiative"}, Coverage: []string{"09162", "09184"},
		Licence: "ODbL 1.0", Attribution: "© Münchner Flüchtlingsrat, ODbL 1.0", Date: "2020-05-15"}
	b := atlas.PlaceSource{ID: "nbg_test", Title: "Beratung Nürnberg (Test)", Categories: []string{"migrationsberatung"}, Coverage: []string{"09564"},
		Licence: "dl-de/by-2-0", Attribution: "Stadt Nürnberg"}
	places := []atlas.Place{
		{ID: "muc-1", Name: "Helferkreis Rathaus", Category: "initiative", Lon: 11.5755, Lat: 48.1374, Address: "Marienplatz 8", Postcode: "80331", City: "München",
			Languages: []string{"de", "en", "ar"}, Gemeinde: "09162000", Kreis: "09162", Land: "09", Source: a.ID, Licence: a.Licence, Attribution: a.Attribution, Status: atlas.PlacePublished},
		{ID: "muc-2", Name: "Helferkreis Unterhaching", Category: "initiative", Lon: 11.6156, Lat: 48.0657, Approximate: true, City: "Unterhaching",
			Gemeinde: "09184148", Kreis: "09184", Land: "09", Source: a.ID, Licence: a.Licence, Attribution: a.Attribution, Status: atlas.PlacePublished},
		{ID: "muc-3", Name: "Helferkreis (gemeldet)", Category: "initiative", Lon: 11.5610, Lat: 48.1402, City: "München", SubmittedBy: "form",
			Gemeinde: "09162000", Kreis: "09162", Land: "09", Source: a.ID, Licence: a.Licence, Attribution: a.Attribution, Status: atlas.PlacePending},
		{ID: "nbg-1", Name: "Migrationsberatung Nürnberg", Category: "migrationsberatung", Lon: 11.0767, Lat: 49.4521, City: "Nürnberg",
			Gemeinde: "09564000", Kreis: "09564", Land: "09", Source: b.ID, Licence: b.Licence, Attribution: b.Attribution, Status: atlas.PlacePublished},
	}
	return a, b, places
}

func placeIDs(ps []atlas.Place) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

// testPlaces is the contract of atlas.PlaceStore.
func testPlaces(t *testing.T, s atlas.Store) {
	ps, ok := s.(atlas.PlaceStore)
	if !ok {
		t.Skipf("%T keeps no places", s)
	}
	ctx := context.Background()
	a, b, places := munichPlaces()
	write := func(pc atlas.PlaceChange) error {
		_, err := s.Write(ctx, atlas.Change{Release: atlas.Release{Source: "places"}, Places: pc})
		return err
	}
	replace := func(src atlas.PlaceSource, ps []atlas.Place) error {
		return write(atlas.PlaceChange{Source: &src, Replace: ps})
	}
	status := func(id, st string) error {
		return write(atlas.PlaceChange{Status: []atlas.PlaceStatus{{ID: id, Status: st}}})
	}
	add := func(p atlas.Place) error { return write(atlas.PlaceChange{Add: []atlas.Place{p}}) }
	v0, _ := s.DataVersion(ctx)
	if err := replace(a, places[:3]); err != nil {
		t.Fatal(err)
	}
	if err := replace(b, places[3:]); err != nil {
		t.Fatal(err)
	}
	if v1, _ := s.DataVersion(ctx); v1 <= v0 {
		t.Errorf("data version %d → %d after writing places", v0, v1)
	}
	query := func(q atlas.PlaceQuery) []atlas.Place {
		t.Helper()
		got, err := ps.Places(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := query(atlas.PlaceQuery{})
	if !reflect.DeepEqual(got, []atlas.Place{places[0], places[1], places[3]}) {
		t.Errorf("published places = %+v", got)
	}
	munich := orb.Bound{Min: orb.Point{11.3, 48.0}, Max: orb.Point{11.8, 48.3}}
	tests := []struct {
		name string
		q    atlas.PlaceQuery
		want []string
	}{
		{"bound", atlas.PlaceQuery{Bound: &munich}, []string{"muc-1", "muc-2"}},
		{"category", atlas.PlaceQuery{Categories: []string{"migrationsberatung"}}, []string{"nbg-1"}},
		{"two categories", atlas.PlaceQuery{Categories: []string{"migrationsberatung", "initiative"}}, []string{"muc-1", "muc-2", "nbg-1"}},
		{"limit", atlas.PlaceQuery{Limit: 2}, []string{"muc-1", "muc-2"}},
		{"pending", atlas.PlaceQuery{Status: atlas.PlacePending}, []string{"muc-3"}},
		{"bound and category", atlas.PlaceQuery{Bound: &munich, Categories: []string{"migrationsberatung"}}, nil},
	}
	for _, tt := range tests {
		if ids := placeIDs(query(tt.q)); !reflect.DeepEqual(ids, tt.want) {
			t.Errorf("%s: places %v, want %v", tt.name, ids, tt.want)
		}
	}
	if err := status("muc-3", atlas.PlacePublished); err != nil {
		t.Fatal(err)
	}
	if ids := placeIDs(query(atlas.PlaceQuery{Bound: &munich})); !reflect.DeepEqual(ids, []string{"muc-1", "muc-2", "muc-3"}) {
		t.Errorf("after publishing muc-3: %v", ids)
	}
	if got := query(atlas.PlaceQuery{Limit: 3})[2]; got.Status != atlas.PlacePublished || got.SubmittedBy != "form" {
		t.Errorf("published muc-3 = %+v", got)
	}
	if err := status("nope", atlas.PlacePublished); !errors.Is(err, atlas.ErrNotFound) {
		t.Errorf("status of an unknown place: %v, want ErrNotFound", err)
	}
	var pe *atlas.ParamError
	if err := status("muc-1", "deleted"); !errors.As(err, &pe) {
		t.Errorf("status %q: %v", "deleted", err)
	}
	// A place of another source refuses the whole replacement.
	if err := replace(a, []atlas.Place{places[0], places[3]}); !errors.Is(err, atlas.ErrInvalidData) {
		t.Errorf("a replacement with a place of another source: %v, want ErrInvalidData", err)
	}
	if n := len(query(atlas.PlaceQuery{})); n != 4 {
		t.Errorf("a refused replacement changed the places: %d", n)
	}
	// Replacing one source keeps the other's places.
	if err := replace(a, places[1:2]); err != nil {
		t.Fatal(err)
	}
	if ids := placeIDs(query(atlas.PlaceQuery{})); !reflect.DeepEqual(ids, []string{"muc-2", "nbg-1"}) {
		t.Errorf("after replacing muc_test by one place: %v", ids)
	}
	if err := add(places[0]); err != nil {
		t.Fatal(err)
	}
	if err := add(places[0]); err == nil {
		t.Error("AddPlace accepted a second place with the same id")
	}
	bad := places[0]
	bad.ID, bad.Lon = "muc-x", 2.35 // Paris
	if err := add(bad); !errors.Is(err, atlas.ErrInvalidData) {
		t.Errorf("a place outside Germany: %v, want ErrInvalidData", err)
	}
	sources, err := ps.PlaceSources(ctx)
	if err != nil || !reflect.DeepEqual(sources, []atlas.PlaceSource{a, b}) {
		t.Errorf("place sources = %+v, %v", sources, err)
	}
	// Every place change is a release that names what it changed.
	if rs, ok := s.(atlas.ReleaseStore); ok {
		list, err := rs.Releases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		last := list[len(list)-1]
		if len(last.Parts) != 1 || last.Parts[0] != "place muc-1 added" {
			t.Errorf("last release %+v, want parts [place muc-1 added]", last)
		}
	}
}
