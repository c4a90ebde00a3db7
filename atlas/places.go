package atlas

import (
	"context"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"sort"
	"strings"

	"github.com/paulmach/orb"
)

// Category is one kind of place where integration work happens.
type Category struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	TitleEN     string `json:"title_en"`
	Description string `json:"description"`
	// OpenData says where open data for this category exists, or that none
	// is known (then the atlas offers the import and says so).
	OpenData string `json:"open_data"`
}

// Categories is the place taxonomy of the atlas.
func Categories() []Category {
	return []Category{
		{"anerkennungsberatung", "Anerkennungsberatung", "Recognition counselling", "Beratung zur Anerkennung ausländischer Berufsqualifikationen (z. B. IQ-Netzwerk, Kammern).", "Keine offene, landesweite Liste mit Koordinaten bekannt; Import der eigenen Liste möglich."},
		{"weiterbildung", "Weiterbildung und Qualifizierung", "Further training and qualification", "Träger von Weiterbildung, Qualifizierung und Sprachförderung im Beruf.", "Keine offene, landesweite Liste mit Koordinaten bekannt; Import möglich."},
		{"integrationskurs", "Integrationskurs", "Integration course", "Träger zugelassener Integrationskurse (BAMF).", "Keine offene Liste mit Koordinaten bekannt; Import möglich."},
		{"migrationsberatung", "Migrationsberatung (MBE/JMD)", "Migration counselling (MBE/JMD)", "Migrationsberatung für erwachsene Zuwanderer und Jugendmigrationsdienste.", "Keine offene Liste mit Koordinaten bekannt; Import möglich."},
		{"auslaenderbehoerde", "Ausländerbehörde", "Immigration office", "Untere Ausländerbehörden der Kreise und kreisfreien Städte.", "Keine offene Liste mit Koordinaten bekannt; Import möglich."},
		{"unterkunft", "Unterkunft", "Accommodation", "Aufnahmeeinrichtungen und Gemeinschaftsunterkünfte.", "Keine offene Liste bekannt; Standorte werden oft aus Schutzgründen nicht veröffentlicht."},
		{"initiative", "Verein, Initiative, Migrantenorganisation", "Association, initiative, migrant organisation", "Zivilgesellschaftliche Initiativen, Helferkreise, Vereine und Migrantenorganisationen.", "Helferkreise in München und Umgebung (Münchner Flüchtlingsrat, ODbL, Stand 2020); sonst Import möglich."},
		{"demokratiefoerderung", "Demokratieförderung", "Democracy promotion", "Partnerschaften für Demokratie und ähnliche Projekte.", "Keine offene Liste mit Koordinaten bekannt; Import möglich."},
	}
}

// CategoryByID returns a category of the taxonomy.
func CategoryByID(id string) (Category, bool) {
	for _, c := range Categories() {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// Place status: only published places are served.
const (
	PlacePublished = "published"
	PlacePending   = "pending"
)

// Place is an organisation or offer on the map.
type Place struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
	// Lon and Lat are WGS84. Approximate marks places set on the reference
	// point of their Gemeinde because the source gave only an address key.
	Lon         float64  `json:"lon"`
	Lat         float64  `json:"lat"`
	Approximate bool     `json:"approximate,omitempty"`
	Address     string   `json:"address,omitempty"`
	Postcode    string   `json:"postcode,omitempty"`
	City        string   `json:"city,omitempty"`
	Website     string   `json:"website,omitempty"`
	Email       string   `json:"email,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Languages   []string `json:"languages,omitempty"`
	Description string   `json:"description,omitempty"`
	// Regions the place lies in (point in polygon): Gemeinde AGS, Kreis, Land.
	Gemeinde string `json:"gemeinde,omitempty"`
	Kreis    string `json:"kreis,omitempty"`
	Land     string `json:"land,omitempty"`
	// Source identifies the data set; Licence and Attribution travel with
	// every answer that shows the place.
	Source       string `json:"source"`
	Licence      string `json:"licence"`
	Attribution  string `json:"attribution"`
	LastVerified string `json:"last_verified,omitempty"`
	Status       string `json:"status"`
	SubmittedBy  string `json:"submitted_by,omitempty"`
}

// Validate checks a place before it is stored.
func (p *Place) Validate() error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return fmt.Errorf("place %s: name missing", p.ID)
	case math.IsNaN(p.Lon) || math.IsNaN(p.Lat) || p.Lon < 5 || p.Lon > 16 || p.Lat < 47 || p.Lat > 55.2:
		return fmt.Errorf("place %q: coordinates %v, %v are not in Germany (WGS84 lon/lat)", p.Name, p.Lon, p.Lat)
	case p.Source == "" || p.Licence == "":
		return fmt.Errorf("place %q: source and licence are required", p.Name)
	case p.Status != PlacePublished && p.Status != PlacePending:
		return fmt.Errorf("place %q: status %q must be published or pending", p.Name, p.Status)
	}
	if _, ok := CategoryByID(p.Category); !ok {
		return fmt.Errorf("place %q: unknown category %q", p.Name, p.Category)
	}
	if p.Website != "" && !ValidWebsite(p.Website) {
		return fmt.Errorf("place %q: website %q must be an http or https address", p.Name, Shorten(p.Website, 80))
	}
	if p.Email != "" && !ValidEmail(p.Email) {
		return fmt.Errorf("place %q: e-mail %q is not an e-mail address", p.Name, Shorten(p.Email, 80))
	}
	return nil
}

// ValidWebsite reports whether s is an absolute http or https URL with a
// host and nothing a browser would run or a page would mis-render
// (javascript:, data:, spaces, quotes, angle brackets).
func ValidWebsite(s string) bool {
	if len(s) > 2000 || strings.ContainsAny(s, " \t\r\n\"'<>`") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// ValidEmail reports whether s is a bare e-mail address (no display name,
// no markup): local@domain with a dot in the domain.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, "<>\"'` ") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// PlaceSource describes one data set of places: the regions it covers, so
// that a region without a place of the category reads "0" only where the
// source looked, and "no data" elsewhere.
type PlaceSource struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Categories  []string `json:"categories"`
	Coverage    []string `json:"coverage"` // key prefixes (Land "09", Kreis "09162", …); empty = all of Germany
	Licence     string   `json:"licence"`
	Attribution string   `json:"attribution"`
	Date        string   `json:"date,omitempty"`
}

// Covers reports whether the source covers the whole region with key (a
// region only partly covered is not: its count would understate).
func (s PlaceSource) Covers(key string) bool {
	if len(s.Coverage) == 0 {
		return true
	}
	for _, c := range s.Coverage {
		if strings.HasPrefix(key, c) {
			return true
		}
	}
	return false
}

// PlaceQuery selects places.
type PlaceQuery struct {
	Bound      *orb.Bound // WGS84; nil = everywhere
	Categories []string   // empty = all
	Status     string     // "" = published
	Limit      int        // 0 = no limit
}

// PlaceStore reads places; stores implement it optionally. Places are
// written with Store.Write (Change.Places).
type PlaceStore interface {
	Places(ctx context.Context, q PlaceQuery) ([]Place, error)
	PlaceSources(ctx context.Context) ([]PlaceSource, error)
}

// PlaceCounts derives, for one category, the number of published places per
// region of level and the number per 100,000 inhabitants (population by
// key). Regions outside every source's coverage get no value (flag
// missing), covered regions without a place get 0.
func PlaceCounts(category string, level Level, regions []Region, places []Place, sources []PlaceSource, population map[string]float64, period int) (counts, per100k []Observation) {
	n := map[string]int{}
	for _, p := range places {
		if p.Category != category || p.Status != PlacePublished {
			continue
		}
		var key string
		switch level {
		case LevelLand:
			key = p.Land
		case LevelKreis:
			key = p.Kreis
		case LevelGemeinde:
			key = p.Gemeinde
		}
		if key != "" {
			n[key]++
		}
	}
	covering := func(key string) bool {
		for _, s := range sources {
			for _, c := range s.Categories {
				if c == category && s.Covers(key) {
					return true
				}
			}
		}
		return false
	}
	sorted := append([]Region(nil), regions...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	for _, r := range sorted {
		c := Observation{Indicator: "places_" + category + "_count", Level: level, Key: r.Key, Period: period, Value: math.NaN(), Flag: FlagMissing}
		d := Observation{Indicator: "places_" + category + "_per100k", Level: level, Key: r.Key, Period: period, Value: math.NaN(), Flag: FlagMissing}
		if covering(r.Key) {
			c.Value, c.Flag = float64(n[r.Key]), FlagNone
			if pop, ok := population[r.Key]; ok && pop > 0 {
				d.Value, d.Flag = math.Round(float64(n[r.Key])/pop*1e5*100)/100, FlagNone
			}
		}
		counts = append(counts, c)
		per100k = append(per100k, d)
	}
	return counts, per100k
}
