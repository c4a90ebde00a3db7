package boundaryfile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Limits for zip archives.
const (
	maxZipEntrySize  = 1 << 30 // bytes, uncompressed
	maxZipRatio      = 200     // uncompressed/compressed
	minRatioChecked  = 1 << 20 // entries below this size are not ratio-checked
	maxZipDepth      = 4       // zips inside zips
	maxZipCandidates = 10000   // layers searched in one archive
)

// readZipFile opens the zip src and reads every boundary file in it.
func (o Options) readZipFile(src source, depth int) ([]Layer, error) {
	f, err := src.fsys.Open(src.name)
	if err != nil {
		return nil, fileError(src, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fileError(src, err)
	}
	ra, ok := f.(io.ReaderAt)
	size := st.Size()
	if !ok {
		b, err := io.ReadAll(io.LimitReader(f, maxZipEntrySize+1))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.display, err)
		}
		if len(b) > maxZipEntrySize {
			return nil, fmt.Errorf("%s: %w: more than %d bytes", src.display, ErrTooLarge, maxZipEntrySize)
		}
		ra, size = bytes.NewReader(b), int64(len(b))
	}
	return o.readZip(ra, size, src.display, depth)
}

// readZip reads every .shp, .gpkg, .geojson, GeoJSON .json and nested .zip
// in the archive, in lexical path order.
func (o Options) readZip(ra io.ReaderAt, size int64, display string, depth int) ([]Layer, error) {
	if depth >= maxZipDepth {
		return nil, fmt.Errorf("%s: %w: zip nested more than %d deep", display, ErrTooLarge, maxZipDepth)
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	zfs := limitFS{zr}
	var names []string
	err = fs.WalkDir(zfs, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := d.Name()
		if d.IsDir() {
			if base == "__MACOSX" {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(base, "._") {
			return nil
		}
		switch strings.ToLower(path.Ext(base)) {
		case ".shp", ".gpkg", ".geojson", ".json", ".zip":
			names = append(names, name)
		}
		if len(names) > maxZipCandidates {
			return fmt.Errorf("%w: more than %d files to read", ErrTooLarge, maxZipCandidates)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	var layers []Layer
	for _, name := range names {
		src := source{fsys: zfs, name: name, display: display + ": " + name}
		var ls []Layer
		switch strings.ToLower(path.Ext(name)) {
		case ".json":
			// Zips often carry JSON metadata next to the data.
			b, err := readFile(src)
			if err != nil {
				return nil, err
			}
			if !isGeoJSON(b) {
				continue
			}
			l, err := o.parseGeoJSON(b, layerName(name))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", src.display, err)
			}
			ls = []Layer{l}
		case ".zip":
			b, err := readFile(src)
			if err != nil {
				return nil, err
			}
			ls, err = o.readZip(bytes.NewReader(b), int64(len(b)), src.display, depth+1)
			if err != nil {
				return nil, err
			}
		default:
			ls, err = o.read(src, depth+1)
			if err != nil {
				return nil, err
			}
		}
		layers = append(layers, ls...)
	}
	if len(layers) == 0 {
		return nil, fmt.Errorf("%s: no .shp, .gpkg or GeoJSON file in the zip", display)
	}
	return layers, nil
}

// limitFS is a zip archive as fs.FS that refuses entries over the size and
// compression-ratio limits (zip bombs) before they are decompressed.
type limitFS struct {
	zr *zip.Reader
}

func (l limitFS) Open(name string) (fs.File, error) {
	f, err := l.zr.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if h, ok := st.Sys().(*zip.FileHeader); ok && !st.IsDir() {
		if err := checkZipEntry(h); err != nil {
			f.Close()
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
	}
	return f, nil
}

func (l limitFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return fs.ReadDir(l.zr, name)
}

// checkZipEntry applies the zip bomb limits to an entry's declared sizes.
// archive/zip fails reading an entry that inflates beyond its declared
// size, so the declared size can be trusted.
func checkZipEntry(h *zip.FileHeader) error {
	u, c := h.UncompressedSize64, h.CompressedSize64
	if u > maxZipEntrySize {
		return fmt.Errorf("%w: %d bytes uncompressed, limit %d", ErrTooLarge, u, maxZipEntrySize)
	}
	if u >= minRatioChecked && (c == 0 || u/c > maxZipRatio) {
		return fmt.Errorf("%w: compression ratio %d:%d exceeds %d:1", ErrTooLarge, u, c, maxZipRatio)
	}
	return nil
}
