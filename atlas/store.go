package atlas

import (
	"context"
	"time"

	"github.com/paulmach/orb"
)

// Region is one administrative unit of a boundary set.
type Region struct {
	Level Level
	Key   string // AGS (Land 2, Kreis 5, Gemeinde 8 digits) or ARS prefix (VWG 9)
	ARS   string // 12-digit ARS where the source has it
	Name  string
	Type  string // BEZ: Landkreis, Kreisfreie Stadt, Gemeinde, Gemeindefreies Gebiet, ...
	// Gemeindefrei marks gemeindefreie Gebiete (uninhabited forests, lakes).
	Gemeindefrei bool
	// Geom is in EPSG:4326 (lon/lat), valid, outer rings counter-clockwise.
	Geom orb.MultiPolygon
}

// BoundarySet describes where the regions of one level come from.
type BoundarySet struct {
	Level        Level     `json:"level"`
	Name         string    `json:"name"`   // e.g. "BKG VG1000 Kreise"
	Source       string    `json:"source"` // file name
	Gebietsstand string    `json:"gebietsstand"`
	SourceSRID   int       `json:"source_srid"`
	Licence      string    `json:"licence"`
	Attribution  string    `json:"attribution"`
	ImportedAt   time.Time `json:"imported_at"`
	Report       []string  `json:"report,omitempty"` // repairs and filtered features
	Count        int       `json:"count"`
}

// Release is one numbered, all-or-nothing import of observations.
type Release struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Source    string    `json:"source"`
	File      string    `json:"file"`
	SHA256    string    `json:"sha256"`
	Rows      int       `json:"rows"`
	Report    []string  `json:"report,omitempty"`
	// Spec is the SHA-256 of the import spec (format and options); with
	// SHA256 it identifies a re-import of the same file the same way.
	Spec string `json:"spec,omitempty"`
	// Parts lists what the release wrote besides observations and catalogue
	// entries (boundaries, places); set by the store from the Change.
	Parts []string `json:"parts,omitempty"`
}

// Store persists boundaries, the indicator catalogue and observations. The
// embedded store and PostGIS implement it; one contract test suite runs
// against both.
type Store interface {
	// Write stores one Change as one new release, all or nothing, in one
	// transaction: boundaries (each replacing all regions of its level),
	// catalogue entries (upserted), observations (replacing those with the
	// same indicator, level, key and period; the last of duplicates wins),
	// places, and the change's audit entry. It checks the change with
	// Change.Validate; observations of indicators neither in the change nor
	// in the catalogue fail with UnknownIndicatorsError, an unknown place's
	// status change with PlaceNotFoundError. Write is the only write of data
	// (ingest.Intake is its one caller outside tests).
	Write(ctx context.Context, c Change) (Release, error)

	// BoundarySets lists the boundary set of each level.
	BoundarySets(ctx context.Context) ([]BoundarySet, error)
	// Regions returns the regions of a level, ordered by key.
	Regions(ctx context.Context, level Level) ([]Region, error)

	// Indicators lists the catalogue with levels, years and default year filled in.
	Indicators(ctx context.Context) ([]Indicator, error)
	// Values returns key → value of one indicator, level and period.
	Values(ctx context.Context, indicator string, level Level, period int) (map[string]Value, error)

	// Meta and SetMeta read and write small named settings (e.g. the seed
	// version the store was filled from).
	Meta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error

	// DataVersion changes whenever boundaries or observations change.
	DataVersion(ctx context.Context) (int64, error)
	Close() error
}

// DerivedStore is implemented by stores that keep BoundaryChange.Derived:
// written and replaced with the regions of its level in the same
// transaction, and dropped when the store could not keep the regions as
// given (a repair of their geometry), so that it always belongs to the
// regions stored.
type DerivedStore interface {
	// Derived returns the data stored for level under names, by name;
	// names with none are left out.
	Derived(ctx context.Context, level Level, names []string) (map[string][]byte, error)
}
