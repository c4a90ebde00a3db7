package boundaryfile

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/standortatlas/standortatlas/geo/crs"
)

// readShapefile reads src (a .shp) with its sibling .dbf, .prj and .cpg.
func (o Options) readShapefile(src source) (Layer, error) {
	shpBytes, err := readFile(src)
	if err != nil {
		return Layer{}, err
	}
	siblings, err := findSiblings(src.fsys, src.name, ".dbf", ".prj", ".cpg")
	if err != nil {
		return Layer{}, fmt.Errorf("%s: %w", src.display, err)
	}

	srid := o.SRIDOverride
	if srid == 0 {
		prjName, ok := siblings[".prj"]
		if !ok {
			return Layer{}, fmt.Errorf("%s: %w: no .prj file gives the CRS (set Options.SRIDOverride)", src.display, ErrMissingFile)
		}
		prj := src.sibling(prjName)
		wkt, err := readFile(prj)
		if err != nil {
			return Layer{}, err
		}
		if srid, err = crs.SRIDFromPRJ(string(wkt)); err != nil {
			return Layer{}, fmt.Errorf("%s: %w", prj.display, err)
		}
	}
	toWGS84, area, err := projection(srid)
	if err != nil {
		return Layer{}, fmt.Errorf("%s: %w", src.display, err)
	}

	shp, err := parseSHP(shpBytes)
	if err != nil {
		return Layer{}, fmt.Errorf("%s: %w", src.display, err)
	}

	dbfName, ok := siblings[".dbf"]
	if !ok {
		return Layer{}, fmt.Errorf("%s: %w: no .dbf file with the attributes", src.display, ErrMissingFile)
	}
	dbfSrc := src.sibling(dbfName)
	dbfBytes, err := readFile(dbfSrc)
	if err != nil {
		return Layer{}, err
	}
	var cpg []byte
	cpgName, cpgFound := siblings[".cpg"]
	if cpgFound {
		cpgSrc := src.sibling(cpgName)
		if cpg, err = readFile(cpgSrc); err != nil {
			return Layer{}, err
		}
	}
	dec, err := chooseDecoder(o.Encoding, string(cpg), cpgFound, dbfBytes)
	if err != nil {
		if cpgFound && o.Encoding == "" {
			return Layer{}, fmt.Errorf("%s: %w", src.sibling(cpgName).display, err)
		}
		return Layer{}, fmt.Errorf("%s: %w", dbfSrc.display, err)
	}
	dbf, err := parseDBF(dbfBytes, dec)
	if err != nil {
		return Layer{}, fmt.Errorf("%s: %w", dbfSrc.display, err)
	}
	if dbf.n != len(shp.records) {
		return Layer{}, fmt.Errorf("%s: %d shapes, but %s has %d records", src.display, len(shp.records), dbfSrc.display, dbf.n)
	}

	layer := Layer{Name: layerName(src.name), SRID: srid, Features: make([]Feature, 0, dbf.n)}
	for i, rec := range shp.records {
		if dbf.deleted(i) {
			continue
		}
		props, err := dbf.record(i, dec)
		if err != nil {
			return Layer{}, fmt.Errorf("%s: %w", dbfSrc.display, recordError(i+1, err))
		}
		mp, err := assembleESRI(rec.rings)
		if err == nil {
			err = transform(mp, toWGS84, area)
		}
		if err != nil {
			return Layer{}, fmt.Errorf("%s: %w", src.display, recordError(i+1, err))
		}
		orient(mp)
		if len(mp) == 0 {
			mp = nil
		}
		layer.Features = append(layer.Features, Feature{Props: props, Geom: mp})
	}
	return layer, nil
}

// findSiblings looks for files with the same base name as shp and the given
// extensions, matching the extension case-insensitively (BKG ships .shp and
// .dbf, others .SHP and .DBF). It returns extension → name in fsys.
func findSiblings(fsys fs.FS, shp string, exts ...string) (map[string]string, error) {
	dir := path.Dir(shp)
	stem := strings.TrimSuffix(shp, path.Ext(shp))
	found := map[string]string{}
	missing := false
	for _, ext := range exts {
		for _, cand := range []string{stem + ext, stem + strings.ToUpper(ext)} {
			if _, err := fs.Stat(fsys, cand); err == nil {
				found[ext] = cand
				break
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
		if _, ok := found[ext]; !ok {
			missing = true
		}
	}
	if !missing {
		return found, nil
	}
	// Mixed case such as "Kreise.Dbf": scan the directory.
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return found, nil // a directory we cannot list has no further siblings
	}
	base := path.Base(stem)
	for _, e := range entries {
		name := e.Name()
		ext := path.Ext(name)
		if !strings.EqualFold(strings.TrimSuffix(name, ext), base) {
			continue
		}
		for _, want := range exts {
			if _, ok := found[want]; !ok && strings.EqualFold(ext, want) {
				found[want] = path.Join(dir, name)
			}
		}
	}
	return found, nil
}
