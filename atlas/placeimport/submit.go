package placeimport

import (
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/atlas"
)

// SubmissionSource is the place source of submissions made through the API.
var SubmissionSource = atlas.PlaceSource{
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

// NewSubmission checks a submission and returns it as a pending place of
// the submissions source (not yet placed in its regions: Locator.Assign).
func NewSubmission(sub Submission, by string, now time.Time) (atlas.Place, error) {
	p := atlas.Place{Name: strings.TrimSpace(sub.Name), Category: sub.Category, Lat: sub.Lat, Lon: sub.Lon, Address: sub.Address,
		Postcode: sub.Postcode, City: sub.City, Website: sub.Website, Email: sub.Email, Phone: sub.Phone, Languages: sub.Languages,
		Description: sub.Description, Source: SubmissionSource.ID, Licence: SubmissionSource.Licence, Attribution: SubmissionSource.Attribution,
		LastVerified: now.Format("2006-01-02"), Status: atlas.PlacePending, SubmittedBy: by}
	p.ID = placeID(p.Source, p.Name, p.Lon, p.Lat)
	if err := p.Validate(); err != nil {
		return p, &atlas.ParamError{Param: "place", Value: p.Name, Reason: err.Error()}
	}
	return p, nil
}
