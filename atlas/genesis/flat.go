package genesis

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Canonical returns the content of a flat-CSV download in a form that is
// the same whenever the data are the same, so that a re-download of
// unchanged data is recognised (by the SHA-256 the import path keeps):
//
//   - a zip is unpacked (it holds exactly one CSV): the zip's time stamps
//     and the member's name, which carries the number of the request
//     (12531-0043_673843136_flat.csv), are not content;
//   - the header line is kept as it is, the data lines are sorted, because
//     the service does not promise an order of the rows.
//
// Lines are sorted only when no field is quoted (a quoted field might span
// lines); otherwise the CSV is returned unchanged. The flat CSV carries no
// retrieval date or other volatile field in its rows or header.
func Canonical(f *File) ([]byte, error) {
	data := f.Body
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		var err error
		if data, err = unzipOne(f.Name, data); err != nil {
			return nil, err
		}
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: empty file", f.Name)
	}
	if bytes.IndexByte(data, '"') >= 0 {
		return data, nil
	}
	text := strings.TrimRight(string(data), "\r\n")
	header, rest, _ := strings.Cut(text, "\n")
	lines := strings.Split(rest, "\n")
	if rest == "" {
		lines = nil
	}
	sort.Strings(lines)
	var b bytes.Buffer
	b.Grow(len(data) + 1)
	b.WriteString(header)
	b.WriteByte('\n')
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// unzipOne returns the single CSV file of a zip, at most MaxBody bytes.
func unzipOne(name string, data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable zip: %w", name, err)
	}
	var files []*zip.File
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() {
			files = append(files, f)
		}
	}
	if len(files) != 1 || !strings.HasSuffix(strings.ToLower(files[0].Name), ".csv") {
		return nil, fmt.Errorf("%s: want a zip with exactly one CSV file, found %d file(s)", name, len(files))
	}
	rc, err := files[0].Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, files[0].Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, files[0].Name, err)
	}
	if len(b) > MaxBody {
		return nil, fmt.Errorf("%s: %s: more than %d MiB uncompressed", name, files[0].Name, MaxBody>>20)
	}
	return b, nil
}
