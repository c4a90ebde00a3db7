package ingest

import (
	"context"
	"fmt"
	"io/fs"
	"path"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/placeimport"
)

// Places go through the Intake like every other write: a places file, a
// submission and a moderation step are each one release, in which the
// per-region counts (placeimport.Counts) are written together with the
// places, so that map and places never disagree.

// PlacesResult reports a places import.
type PlacesResult struct {
	Places  int
	Report  []string
	Release atlas.Release
}

// ImportPlaces reads a places file (CSV or GeoJSON, placeimport.Read),
// places every point in its regions and replaces the places of
// spec.Source.ID with them, with the recounted indicators, as one release.
func (in *Intake) ImportPlaces(ctx context.Context, name string, data []byte, spec placeimport.Spec, actor string, dryRun bool) (*PlacesResult, error) {
	audit := atlas.AuditEntry{Actor: actor, Action: atlas.AuditPlaces, Format: "places", File: name, SHA256: sha(data)}
	res, err := in.readPlaces(ctx, name, data, spec)
	if err != nil {
		in.refused(ctx, audit, err)
		return nil, err
	}
	out := &PlacesResult{Places: len(res.Places), Report: res.Report}
	if dryRun {
		in.dryRun(ctx, audit, res.Report)
		return out, nil
	}
	ps, err := placeStore(in.Store)
	if err != nil {
		return nil, err
	}
	others, err := ps.Places(ctx, atlas.PlaceQuery{})
	if err != nil {
		return nil, &StoreError{Err: err}
	}
	var published []atlas.Place
	for _, p := range others {
		if p.Source != spec.Source.ID {
			published = append(published, p)
		}
	}
	for _, p := range res.Places {
		if p.Status == atlas.PlacePublished {
			published = append(published, p)
		}
	}
	sources, err := ps.PlaceSources(ctx)
	if err != nil {
		return nil, &StoreError{Err: err}
	}
	sources = replaceSource(sources, spec.Source)
	src := spec.Source
	c := atlas.Change{Release: atlas.Release{Source: "places_" + src.ID, File: name, SHA256: audit.SHA256, Report: res.Report},
		Places: atlas.PlaceChange{Source: &src, Replace: res.Places}}
	rep, err := in.addCounts(ctx, &c, published, sources)
	if err != nil {
		return nil, err
	}
	out.Report = append(out.Report, rep...)
	c.Release.Report = out.Report
	if out.Release, err = in.Commit(ctx, actor, c, audit); err != nil {
		return nil, err
	}
	return out, nil
}

func (in *Intake) readPlaces(ctx context.Context, name string, data []byte, spec placeimport.Spec) (*placeimport.Result, error) {
	loc, err := placeimport.NewStoreLocator(ctx, in.Store)
	if err != nil {
		return nil, err
	}
	res, err := placeimport.Read(name, data, spec, loc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", atlas.ErrInvalidData, err)
	}
	return res, nil
}

func replaceSource(list []atlas.PlaceSource, src atlas.PlaceSource) []atlas.PlaceSource {
	out := []atlas.PlaceSource{src}
	for _, s := range list {
		if s.ID != src.ID {
			out = append(out, s)
		}
	}
	return out
}

// addCounts adds the per-region counts of published (places after the
// change) to c.
func (in *Intake) addCounts(ctx context.Context, c *atlas.Change, published []atlas.Place, sources []atlas.PlaceSource) ([]string, error) {
	inds, obs, report, err := placeimport.Counts(ctx, in.Store, published, sources)
	if err != nil {
		return nil, &StoreError{Err: err}
	}
	c.Indicators, c.Observations = append(c.Indicators, inds...), append(c.Observations, obs...)
	return report, nil
}

func placeStore(s atlas.Store) (atlas.PlaceStore, error) {
	ps, ok := s.(atlas.PlaceStore)
	if !ok {
		return nil, fmt.Errorf("places: %w", atlas.ErrNotSupported)
	}
	return ps, nil
}

// SubmitPlace stores a place an organisation submits as pending (served
// only after a moderator publishes it), as one release. scope, when set,
// must allow the place's Kreis (a token's key prefixes).
func (in *Intake) SubmitPlace(ctx context.Context, sub placeimport.Submission, actor string, scope *atlas.Token) (atlas.Place, error) {
	audit := atlas.AuditEntry{Actor: actor, Action: atlas.AuditPlaceSubmit, Format: "place"}
	p, err := in.newSubmission(ctx, sub, actor, scope)
	audit.Detail = p.ID + " " + p.Name
	if err != nil {
		in.refused(ctx, audit, fmt.Errorf("%s %s: %w", p.ID, p.Name, err))
		return p, err
	}
	c := atlas.Change{Release: atlas.Release{Source: placeimport.SubmissionSource.ID, File: "submission " + p.ID}, Places: atlas.PlaceChange{Add: []atlas.Place{p}}}
	_, err = in.Commit(ctx, actor, c, audit)
	return p, err
}

func (in *Intake) newSubmission(ctx context.Context, sub placeimport.Submission, actor string, scope *atlas.Token) (atlas.Place, error) {
	p, err := placeimport.NewSubmission(sub, actor, in.now())
	if err != nil {
		return p, err
	}
	loc, err := placeimport.NewStoreLocator(ctx, in.Store)
	if err != nil {
		return p, err
	}
	if !loc.Assign(&p) {
		return p, &atlas.ParamError{Param: "place", Value: fmt.Sprintf("%v,%v", p.Lat, p.Lon), Reason: "lies in no Kreis of the atlas"}
	}
	if scope != nil && !scope.AllowsKey(p.Kreis) {
		return p, &atlas.ScopeError{Token: scope.Name, Keys: []string{p.Kreis}, Rows: 1}
	}
	return p, nil
}

// SetPlaceStatus publishes or withdraws a place and recounts the
// per-region indicators, as one release.
func (in *Intake) SetPlaceStatus(ctx context.Context, id, status, actor string) (atlas.Release, []string, error) {
	audit := atlas.AuditEntry{Actor: actor, Action: atlas.AuditPlaceStatus, Format: "place", Detail: "place " + id + " " + status}
	c := atlas.Change{Release: atlas.Release{Source: "place_status", File: "place " + id},
		Places: atlas.PlaceChange{Status: []atlas.PlaceStatus{{ID: id, Status: status}}}}
	if err := c.Validate(); err != nil {
		in.refused(ctx, audit, err)
		return atlas.Release{}, nil, err
	}
	published, sources, err := in.placesAfterStatus(ctx, id, status)
	if err != nil {
		in.refused(ctx, audit, err)
		return atlas.Release{}, nil, err
	}
	report, err := in.addCounts(ctx, &c, published, sources)
	if err != nil {
		return atlas.Release{}, nil, err
	}
	c.Release.Report = report
	rel, err := in.Commit(ctx, actor, c, audit)
	return rel, report, err
}

// placesAfterStatus returns the published places as they will be after
// place id gets status, and the place sources.
func (in *Intake) placesAfterStatus(ctx context.Context, id, status string) ([]atlas.Place, []atlas.PlaceSource, error) {
	ps, err := placeStore(in.Store)
	if err != nil {
		return nil, nil, err
	}
	var published []atlas.Place
	found := false
	for _, st := range []string{atlas.PlacePublished, atlas.PlacePending} {
		list, err := ps.Places(ctx, atlas.PlaceQuery{Status: st})
		if err != nil {
			return nil, nil, &StoreError{Err: err}
		}
		for _, p := range list {
			if p.ID == id {
				found, p.Status = true, status
			}
			if p.Status == atlas.PlacePublished {
				published = append(published, p)
			}
		}
	}
	if !found {
		return nil, nil, atlas.PlaceNotFoundError(id)
	}
	sources, err := ps.PlaceSources(ctx)
	if err != nil {
		return nil, nil, &StoreError{Err: err}
	}
	return published, sources, nil
}

// SeedResult reports what Seed wrote.
type SeedResult struct {
	*LoadResult
	Places []*PlacesResult
}

// Seed loads a data set the way `standortatlas seed` does: the manifest
// (forced: every file is written again) and then the places files listed
// in placesSpecs (a JSON list of placeimport.Spec; "" for none), all from
// fsys and all through the Intake.
func (in *Intake) Seed(ctx context.Context, fsys fs.FS, manifest, placesSpecs, actor string) (*SeedResult, error) {
	m, err := ReadManifest(fsys, manifest)
	if err != nil {
		return nil, err
	}
	mr, err := in.ImportManifest(ctx, fsys, m, ManifestRequest{Force: true, Actor: actor})
	if err != nil {
		return nil, err
	}
	res := &SeedResult{LoadResult: mr.LoadResult}
	if placesSpecs == "" {
		return res, nil
	}
	specs, err := placeimport.ReadSpecs(fsys, placesSpecs)
	if err != nil {
		return res, err
	}
	for _, spec := range specs {
		data, err := fs.ReadFile(fsys, spec.File)
		if err != nil {
			return res, err
		}
		pr, err := in.ImportPlaces(ctx, path.Base(spec.File), data, spec, actor, false)
		if err != nil {
			return res, fmt.Errorf("places %s: %w", spec.File, err)
		}
		res.Places = append(res.Places, pr)
	}
	return res, nil
}
