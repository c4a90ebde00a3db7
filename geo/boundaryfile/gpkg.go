package boundaryfile

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/standortatlas/standortatlas/geo/crs"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// readGPKGFS copies a GeoPackage out of fsys into a temporary file, as
// SQLite needs a real file, and reads it.
func (o Options) readGPKGFS(src source) ([]Layer, error) {
	f, err := src.fsys.Open(src.name)
	if err != nil {
		return nil, fileError(src, err)
	}
	defer f.Close()
	return o.readGPKGReader(f, src.display)
}

// readGPKGReader copies r into a temporary file and reads it as a
// GeoPackage; display names it in errors.
func (o Options) readGPKGReader(r io.Reader, display string) ([]Layer, error) {
	tmp, err := os.CreateTemp("", "boundaryfile-*.gpkg")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: copying to %s: %w", display, tmp.Name(), err)
	}
	return o.readGPKGPath(tmp.Name(), display)
}

// sqliteURI builds a read-only SQLite URI for a file name, escaping the
// characters that URIs reserve.
func sqliteURI(name string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(name)
	return "file:" + esc + "?mode=ro"
}

// gpkgTable is one feature table listed in gpkg_contents.
type gpkgTable struct {
	name, geomColumn string
	srsID            int64
}

func (o Options) readGPKGPath(name, display string) ([]Layer, error) {
	if _, err := os.Stat(name); err != nil {
		// SQLite would report a less helpful "unable to open".
		return nil, fileError(source{name: name, display: display}, err)
	}
	db, err := sql.Open("sqlite", sqliteURI(name))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	rows, err := db.Query(`SELECT c.table_name, g.column_name, g.srs_id
		FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
		WHERE c.data_type = 'features' ORDER BY c.table_name`)
	if err != nil {
		return nil, fmt.Errorf("%s: not a GeoPackage with features: %w", display, err)
	}
	var tables []gpkgTable
	for rows.Next() {
		var t gpkgTable
		if err := rows.Scan(&t.name, &t.geomColumn, &t.srsID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: gpkg_contents: %w", display, err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: gpkg_contents: %w", display, err)
	}
	if len(tables) == 0 {
		return nil, fmt.Errorf("%s: GeoPackage has no feature tables", display)
	}
	layers := make([]Layer, 0, len(tables))
	for _, t := range tables {
		l, err := o.readGPKGTable(db, t)
		if err != nil {
			return nil, fmt.Errorf("%s: table %s: %w", display, t.name, err)
		}
		layers = append(layers, l)
	}
	return layers, nil
}

// gpkgSRID maps a gpkg_spatial_ref_sys entry to an EPSG code.
func gpkgSRID(db *sql.DB, srsID int64) (int, error) {
	var org, def sql.NullString
	var orgID sql.NullInt64
	err := db.QueryRow(`SELECT organization, organization_coordsys_id, definition
		FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, srsID).Scan(&org, &orgID, &def)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("srs_id %d is not in gpkg_spatial_ref_sys", srsID)
	}
	if err != nil {
		return 0, fmt.Errorf("gpkg_spatial_ref_sys: %w", err)
	}
	if strings.EqualFold(org.String, "EPSG") && orgID.Int64 > 0 {
		return int(orgID.Int64), nil
	}
	if def.Valid && def.String != "" && !strings.EqualFold(def.String, "undefined") {
		if srid, err := crs.SRIDFromPRJ(def.String); err == nil {
			return srid, nil
		}
	}
	return 0, fmt.Errorf("srs_id %d (%s %d) is not an EPSG CRS (set Options.SRIDOverride)", srsID, org.String, orgID.Int64)
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func (o Options) readGPKGTable(db *sql.DB, t gpkgTable) (Layer, error) {
	srid := o.SRIDOverride
	if srid == 0 {
		var err error
		if srid, err = gpkgSRID(db, t.srsID); err != nil {
			return Layer{}, err
		}
	}
	toWGS84, area, err := projection(srid)
	if err != nil {
		return Layer{}, err
	}

	// Column names, declared types and the integer primary key (the
	// feature id, which is not an attribute).
	info, err := db.Query(`SELECT name, type, pk FROM pragma_table_info(?)`, t.name)
	if err != nil {
		return Layer{}, err
	}
	var cols, types []string
	pkCol := ""
	for info.Next() {
		var name, typ string
		var pk int
		if err := info.Scan(&name, &typ, &pk); err != nil {
			info.Close()
			return Layer{}, err
		}
		if pk == 1 && strings.EqualFold(typ, "INTEGER") {
			pkCol = name
		}
		cols = append(cols, name)
		types = append(types, strings.ToUpper(typ))
	}
	info.Close()
	if err := info.Err(); err != nil {
		return Layer{}, err
	}
	geomIdx := -1
	for i, c := range cols {
		if strings.EqualFold(c, t.geomColumn) {
			geomIdx = i
		}
	}
	if geomIdx < 0 {
		return Layer{}, fmt.Errorf("geometry column %q not found", t.geomColumn)
	}

	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	rows, err := db.Query("SELECT " + strings.Join(quoted, ", ") + " FROM " + quoteIdent(t.name))
	if err != nil {
		return Layer{}, err
	}
	defer rows.Close()
	layer := Layer{Name: t.name, SRID: srid}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for row := 1; rows.Next(); row++ {
		if err := rows.Scan(ptrs...); err != nil {
			return Layer{}, fmt.Errorf("row %d: %w", row, err)
		}
		where := "row " + strconv.Itoa(row)
		props := make(map[string]string, len(cols))
		for i, c := range cols {
			switch {
			case i == geomIdx:
			case c == pkCol:
				where = fmt.Sprintf("row %d (%s %s)", row, c, sqlText(vals[i], types[i]))
			default:
				props[c] = sqlText(vals[i], types[i])
			}
		}
		var blob []byte
		switch g := vals[geomIdx].(type) {
		case nil:
		case []byte:
			blob = g
		default:
			return Layer{}, fmt.Errorf("%s: column %s: geometry of type %T", where, t.geomColumn, g)
		}
		var f Feature
		f.Props = props
		if blob != nil {
			mp, err := parseGPKGGeometry(blob)
			if err == nil {
				err = transform(mp, toWGS84, area)
			}
			if err != nil {
				return Layer{}, fmt.Errorf("%s: column %s: %w", where, t.geomColumn, err)
			}
			orient(mp)
			if len(mp) > 0 {
				f.Geom = mp
			}
		}
		layer.Features = append(layer.Features, f)
	}
	if err := rows.Err(); err != nil {
		return Layer{}, err
	}
	return layer, nil
}

// sqlText renders an SQLite value as trimmed text.
func sqlText(v any, declType string) string {
	switch v := v.(type) {
	case nil:
		return ""
	case int64:
		if declType == "BOOLEAN" {
			return strconv.FormatBool(v != 0)
		}
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return strings.TrimSpace(v)
	case []byte:
		return strings.TrimSpace(string(v))
	case time.Time:
		if declType == "DATE" {
			return v.Format(time.DateOnly)
		}
		return v.Format(time.RFC3339Nano)
	}
	return strings.TrimSpace(fmt.Sprint(v))
}
