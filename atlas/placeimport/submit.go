package placeimport

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

// SubmissionSource is the place source of submissions made through the API.
var submissionSource = atlas.PlaceSource{
	ID: "submissions", Title: "Einreichungen von Organisationen (moderiert)", Categories: nil,
	Licence: "CC BY 4.0", Attribution: "Angaben der einreichenden Organisationen (moderiert), CC BY 4.0",
}

// Submission is a place an organisation submits; it stays pending until a
// moderator publishes it.
type Submission struct {
	Name        string   `json:"name"`
	Category    string   `json:"category"`
	Lat         float64  `json:"lat"`
	Lon         float64  `json:"lon"`
	Address     string   `json:"address,omitempty"`
	Postcode    string   `json:"postcode,omitempty"`
	City        string   `json:"city,omitempty"`
	Website     string   `json:"website,omitempty"`
	Email       string   `json:"email,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Languages   []string `json:"languages,omitempty"`
	Description string   `json:"description,omitempty"`
}

// Submit checks a submission, places it in its regions, and stores it as
// pending. allowKey, when set, must accept the place's Kreis key (token
// scope). It returns the stored place.
func Submit(ctx context.Context, s atlas.Store, sub Submission, by string, allowKey func(key string) bool, now time.Time) (atlas.Place, error) {
	ps, err := asPlaceStore(s)
	if err != nil {
		return atlas.Place{}, err
	}
	p := atlas.Place{Name: strings.TrimSpace(sub.Name), Category: sub.Category, Lat: sub.Lat, Lon: sub.Lon, Address: sub.Address,
		Postcode: sub.Postcode, City: sub.City, Website: sub.Website, Email: sub.Email, Phone: sub.Phone, Languages: sub.Languages,
		Description: sub.Description, Source: submissionSource.ID, Licence: submissionSource.Licence, Attribution: submissionSource.Attribution,
		LastVerified: now.Format("2006-01-02"), Status: atlas.PlacePending, SubmittedBy: by}
	p.ID = placeID(p.Source, p.Name, p.Lon, p.Lat)
	if err := p.Validate(); err != nil {
		return p, &atlas.ParamError{Param: "place", Value: p.Name, Reason: err.Error()}
	}
	loc, err := NewStoreLocator(ctx, s)
	if err != nil {
		return p, err
	}
	if !loc.Assign(&p) {
		return p, &atlas.ParamError{Param: "place", Value: fmt.Sprintf("%v,%v", p.Lat, p.Lon), Reason: "lies in no Kreis of the atlas"}
	}
	if allowKey != nil && !allowKey(p.Kreis) {
		return p, &atlas.ScopeError{Token: by, Keys: []string{p.Kreis}}
	}
	if err := ps.AddPlace(ctx, p); err != nil {
		return p, err
	}
	return p, nil
}

// SetStatus publishes or withdraws a place and recounts the per-region
// indicators (published places only count).
func SetStatus(ctx context.Context, s atlas.Store, id, status string) ([]string, error) {
	ps, err := asPlaceStore(s)
	if err != nil {
		return nil, err
	}
	if err := ps.SetPlaceStatus(ctx, id, status); err != nil {
		return nil, err
	}
	return Recount(ctx, s)
}
