package boundaryfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
)

// Feature is one record of a boundary file.
type Feature struct {
	Props map[string]string // attribute values as text, trimmed (keys such as AGS stay text, leading zeros kept)
	Geom  orb.MultiPolygon  // EPSG:4326 lon/lat; empty for a null shape
}

// Layer is one shapefile, GeoPackage feature table or GeoJSON file.
type Layer struct {
	Name     string // file base name without extension, or GeoPackage table name
	SRID     int    // EPSG code of the source CRS
	Features []Feature
}

// Options adjust how files are read. The zero value is what Read uses.
type Options struct {
	// SRIDOverride, if non-zero, is taken as the source CRS of every layer
	// instead of what the file declares (.prj, gpkg_spatial_ref_sys, or
	// WGS84 for GeoJSON). It also allows shapefiles without a .prj.
	SRIDOverride int
	// Encoding, if non-empty, overrides the .cpg file and the dBASE
	// language driver byte, e.g. "UTF-8", "1252", "ISO-8859-1".
	Encoding string
}

var (
	// ErrUnsupportedFormat is returned for a file extension or a geometry
	// type this package does not read.
	ErrUnsupportedFormat = errors.New("unsupported format")
	// ErrMissingFile is returned when a required sibling file of a
	// shapefile (.dbf, .prj) is absent.
	ErrMissingFile = errors.New("missing file")
	// ErrTooLarge is returned when a zip entry exceeds the size or
	// compression-ratio limits.
	ErrTooLarge = errors.New("too large")
)

// Read reads a boundary file: .shp (with sibling .dbf/.prj/.cpg), .gpkg
// (every feature table), .geojson/.json (WGS84), or a .zip holding any of
// these (searched recursively, several layers per zip).
func Read(path string) ([]Layer, error) {
	return Options{}.Read(path)
}

// ReadFS is Read for a file in fsys (for example an embed.FS).
func ReadFS(fsys fs.FS, name string) ([]Layer, error) {
	return Options{}.ReadFS(fsys, name)
}

// Read is the package-level Read with options.
func (o Options) Read(name string) ([]Layer, error) {
	if strings.EqualFold(filepath.Ext(name), ".gpkg") {
		// SQLite needs a real file; read it in place.
		return o.readGPKGPath(name, name)
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	return o.read(source{fsys: os.DirFS(dir), name: base, display: name}, 0)
}

// ReadFS is the package-level ReadFS with options.
func (o Options) ReadFS(fsys fs.FS, name string) ([]Layer, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("%s: invalid fs path", name)
	}
	return o.read(source{fsys: fsys, name: name, display: name}, 0)
}

// source is one file to read: its fs.FS and name in it, and the name used
// in errors.
type source struct {
	fsys    fs.FS
	name    string
	display string
}

// sibling returns the source for another file next to s; name is its
// name in s.fsys.
func (s source) sibling(name string) source {
	display := strings.TrimSuffix(s.display, path.Base(s.name)) + path.Base(name)
	return source{fsys: s.fsys, name: name, display: display}
}

func (o Options) read(src source, depth int) ([]Layer, error) {
	switch strings.ToLower(path.Ext(src.name)) {
	case ".shp":
		l, err := o.readShapefile(src)
		if err != nil {
			return nil, err
		}
		return []Layer{l}, nil
	case ".geojson", ".json":
		l, err := o.readGeoJSONFile(src)
		if err != nil {
			return nil, err
		}
		return []Layer{l}, nil
	case ".gpkg":
		return o.readGPKGFS(src)
	case ".zip":
		return o.readZipFile(src, depth)
	}
	return nil, fmt.Errorf("%s: %w: extension %q (want .shp, .gpkg, .geojson, .json or .zip)",
		src.display, ErrUnsupportedFormat, path.Ext(src.name))
}

// readFile reads src whole. Errors name src.display (for zip entries
// "archive.zip: entry").
func readFile(src source) ([]byte, error) {
	b, err := fs.ReadFile(src.fsys, src.name)
	if err != nil {
		return nil, fileError(src, err)
	}
	return b, nil
}

// fileError names src in an error from opening or reading it, replacing
// the name an *fs.PathError carries.
func fileError(src source, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == src.name {
		err = pe.Err
	}
	return fmt.Errorf("%s: %w", src.display, err)
}

// layerName is the base name of a file without its extension.
func layerName(name string) string {
	base := path.Base(name)
	return strings.TrimSuffix(base, path.Ext(base))
}
