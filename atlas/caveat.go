package atlas

import (
	"fmt"
	"time"
)

// StaleYears is the age in years above which data carry a visible
// "Stand YEAR" mark.
const StaleYears = 5

// Caveat is what every channel (legend, profile, embed, PNG, CSV export)
// shows beside a map's values: the data year and its age, how many regions
// have a value and why the others do not, and the catalogue's notes.
type Caveat struct {
	Year     int    `json:"year"`
	Stand    string `json:"stand,omitempty"` // "Stand 2016" when older than StaleYears
	Coverage string `json:"coverage"`
	// Regions of Of regions of the level have a value (the numbers of
	// Coverage, for texts in other languages).
	Regions int    `json:"regions"`
	Of      int    `json:"of"`
	Partial bool   `json:"partial,omitempty"`
	Notes   string `json:"notes,omitempty"`
}

// CaveatOf builds the caveat of an indicator's values at a level and year:
// withValue of regions regions have a value; now is the current time (the
// age of the data is relative to it).
func CaveatOf(ind Indicator, level Level, year, withValue, regions int, now time.Time) Caveat {
	c := Caveat{Year: year, Partial: ind.Partial, Notes: ind.Notes, Regions: withValue, Of: regions}
	if year > 0 && now.Year()-year > StaleYears {
		c.Stand = fmt.Sprintf("Stand %d", year)
	}
	c.Coverage = fmt.Sprintf("Werte für %d von %d Gebieten der Ebene %s", withValue, regions, level.Title())
	switch {
	case ind.Partial:
		c.Coverage += " — die Quelle deckt nur einen Teil des Landes ab; gezeigt nur, wo sie Werte hat"
	case withValue < regions:
		c.Coverage += fmt.Sprintf("; %d ohne Wert (fehlend, geheim oder anderer Gebietsstand: siehe Hinweise)", regions-withValue)
	}
	return c
}
