package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
)

// staticFiles serves the embedded front end with content ETags (embedded
// files have no modification time).
type staticFiles struct {
	files map[string]staticFile
}

type staticFile struct {
	body  []byte
	gz    []byte // gzip copy for text types, nil otherwise
	etag  string
	ctype string
}

// compressible reports whether a content type benefits from gzip.
func compressible(ctype string) bool {
	for _, p := range []string{"text/", "application/javascript", "application/json", "image/svg+xml"} {
		if strings.HasPrefix(ctype, p) {
			return true
		}
	}
	return false
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(b)                                       // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	return buf.Bytes()
}

func newStaticFiles(fsys fs.FS) (*staticFiles, error) {
	st := &staticFiles{files: map[string]staticFile{}}
	if fsys == nil {
		return st, nil
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		f := staticFile{body: b, etag: `"` + hex.EncodeToString(h[:10]) + `"`, ctype: ct}
		if compressible(ct) && len(b) > 512 {
			f.gz = gzipBytes(b)
		}
		st.files[p] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return st, nil
}

func (st *staticFiles) serve(c echo.Context, name string, cacheControl string) error {
	f, ok := st.files[name]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	hd := c.Response().Header()
	hd.Set("ETag", f.etag)
	hd.Set("Cache-Control", cacheControl)
	hd.Add("Vary", "Accept-Encoding")
	if etagMatches(c.Request().Header.Get("If-None-Match"), f.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if f.gz != nil && acceptsGzip(c) {
		return writeBody(c, f.ctype, f.gz, true)
	}
	return writeBody(c, f.ctype, f.body, false)
}

// page serves an HTML page; pages are revalidated on every load.
func (st *staticFiles) page(name string) echo.HandlerFunc {
	return func(c echo.Context) error { return st.serve(c, name, "no-cache") }
}

// asset serves /static/<path>.
func (st *staticFiles) asset(c echo.Context) error {
	p := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
	return st.serve(c, p, "public, max-age=300")
}
