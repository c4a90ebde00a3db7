package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"

	"github.com/standortatlas/standortatlas/atlas"
)

// The one text decoder of every reader: UTF-8 (with or without BOM),
// ISO-8859-1 or Windows-1252, declared or detected. A byte that cannot be
// read in the file's encoding is reported with its row and column, never
// turned into a wrong character.

// MaxTableBytes bounds an uncompressed table file (guards against gzip bombs).
const MaxTableBytes = 512 << 20

// decodeText returns data as UTF-8 without a byte-order mark. encoding is
// "" (detect: UTF-8 when the file is valid UTF-8, ISO-8859-1 when it has no
// UTF-8 sequences at all), "utf-8", "latin1"/"iso-8859-1" or
// "windows-1252". Errors name the first bad byte's line and column.
func decodeText(name string, data []byte, encoding string) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	switch enc := strings.ToLower(strings.ReplaceAll(encoding, "_", "-")); enc {
	case "":
		if utf8.Valid(data) {
			return data, nil
		}
		if hasUTF8Sequence(data) {
			line, col, b := firstInvalidUTF8(data)
			return nil, &CellError{File: name, Row: line, Column: columnAt(data, line, col),
				Reason: fmt.Sprintf("byte 0x%02x is not UTF-8, but the file has UTF-8 characters elsewhere: it mixes encodings; save it as UTF-8 (or declare \"encoding\")", b)}
		}
		return decodeSingleByte(name, data, charmap.ISO8859_1, "ISO-8859-1")
	case "utf-8", "utf8":
		if !utf8.Valid(data) {
			line, col, b := firstInvalidUTF8(data)
			return nil, &CellError{File: name, Row: line, Column: columnAt(data, line, col),
				Reason: fmt.Sprintf("byte 0x%02x is not UTF-8 (declare \"encoding\": \"latin1\" for ISO-8859-1 files)", b)}
		}
		return data, nil
	case "latin1", "latin-1", "iso-8859-1", "iso8859-1":
		return decodeSingleByte(name, data, charmap.ISO8859_1, "ISO-8859-1")
	case "windows-1252", "cp1252":
		return decodeSingleByte(name, data, charmap.Windows1252, "Windows-1252")
	}
	return nil, &atlas.ParamError{Param: "encoding", Value: encoding, Reason: "must be utf-8, latin1 or windows-1252"}
}

// decodeSingleByte decodes an 8-bit encoding; a C1 control byte
// (0x80–0x9f), which no table of these encodings holds in ISO-8859-1 (and
// five of which Windows-1252 leaves undefined), is reported with its line
// and column: it means a third encoding (e.g. DOS code page 850).
func decodeSingleByte(name string, data []byte, cm *charmap.Charmap, label string) ([]byte, error) {
	line, col := 1, 0
	for _, b := range data {
		col++
		if b == '\n' {
			line, col = line+1, 0
			continue
		}
		if b < 0x80 || b > 0x9f {
			continue
		}
		if cm == charmap.Windows1252 {
			if r := cm.DecodeByte(b); r != utf8.RuneError && r != '\ufffd' && b != 0x81 && b != 0x8d && b != 0x8f && b != 0x90 && b != 0x9d {
				continue
			}
		}
		return nil, &CellError{File: name, Row: line, Column: columnAt(data, line, col),
			Reason: fmt.Sprintf("byte 0x%02x is a control character in %s: the file mixes encodings (e.g. a DOS code page); fix the file", b, label)}
	}
	out, err := io.ReadAll(transform.NewReader(bytes.NewReader(data), cm.NewDecoder()))
	if err != nil {
		return nil, fmt.Errorf("%s: decode %s: %w", name, label, err)
	}
	return out, nil
}

// hasUTF8Sequence reports whether data has at least one valid multi-byte
// UTF-8 character.
func hasUTF8Sequence(data []byte) bool {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if n > 1 && r != utf8.RuneError {
			return true
		}
		i += n
	}
	return false
}

// firstInvalidUTF8 returns the 1-based line and column of the first byte
// that is not UTF-8.
func firstInvalidUTF8(data []byte) (line, col int, b byte) {
	line = 1
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		col++
		if r == utf8.RuneError && n <= 1 {
			return line, col, data[i]
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		i += n
	}
	return line, col, 0
}

// gunzipIfNamed decompresses data when name ends in .gz, within the
// decompression budget (inflate).
func gunzipIfNamed(ctx context.Context, name string, data []byte) ([]byte, error) {
	if !strings.HasSuffix(strings.ToLower(name), ".gz") {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: gunzip: %w", name, err)
	}
	return inflate(ctx, name, zr, len(data), 0)
}

// invalidf is an atlas.ErrInvalidData error with a message.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", atlas.ErrInvalidData, fmt.Sprintf(format, args...))
}

// columnAt names the column of a byte: "#2 (character 16 of the line)",
// counting delimiters (the line's most frequent of ; tab ,) outside quotes.
func columnAt(data []byte, line, col int) string {
	start := 0
	for l := 1; l < line && start < len(data); l++ {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			break
		}
		start += i + 1
	}
	text := data[start:min(len(data), start+col-1)]
	end := bytes.IndexByte(data[start:], '\n')
	if end < 0 {
		end = len(data) - start
	}
	delim := byte(',')
	whole := data[start : start+end]
	for _, d := range []byte{'\t', ';'} {
		if bytes.Count(whole, []byte{d}) > bytes.Count(whole, []byte{delim}) {
			delim = d
		}
	}
	field, quoted := 1, false
	for _, b := range text {
		switch {
		case b == '"':
			quoted = !quoted
		case b == delim && !quoted:
			field++
		}
	}
	return fmt.Sprintf("#%d (character %d of the line)", field, col)
}
