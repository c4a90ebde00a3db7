package ingest

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// decodeAuto returns data as UTF-8 without a byte-order mark: UTF-8 when it
// is valid UTF-8, else ISO-8859-1 (the encoding of raw GENESIS downloads).
func decodeAuto(data []byte) (text []byte, encoding string, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return data, "UTF-8", nil
	}
	text, err = io.ReadAll(transform.NewReader(bytes.NewReader(data), charmap.ISO8859_1.NewDecoder()))
	return text, "ISO-8859-1", err
}

// isKeyCell reports whether s is a regional key of an official table: "DG"
// (Deutschland) or 2 (Land), 3 (Regierungsbezirk), 5 (Kreis), 8 (Gemeinde),
// 9 (Gemeindeverband) or 12 (ARS) digits.
func isKeyCell(s string) bool {
	if s == "DG" {
		return true
	}
	switch len(s) {
	case 2, 3, 5, 8, 9, 12:
		return allDigits(s)
	}
	return false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var (
	datePattern = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})$`)
	isoPattern  = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
)

// parsePeriod reads a year from "2020", "31.12.2020" or "2020-12-31" and
// returns the day-month part ("31.12.") when there is one.
func parsePeriod(s string) (year int, dayMonth string, ok bool) {
	s = strings.TrimSpace(s)
	if m := datePattern.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[3])
		return y, pad2(m[1]) + "." + pad2(m[2]) + ".", y >= 1800 && y <= 2200
	}
	if m := isoPattern.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y, m[3] + "." + m[2] + ".", y >= 1800 && y <= 2200
	}
	if len(s) == 4 && allDigits(s) {
		y, _ := strconv.Atoi(s)
		return y, "", y >= 1800 && y <= 2200
	}
	return 0, "", false
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// isValueCell reports whether s is a number (either decimal mark) or a
// GENESIS special value.
func isValueCell(s string) bool {
	s = strings.TrimSpace(s)
	if _, ok := specialValues[s]; ok && s != "" {
		return true
	}
	if _, _, err := ParseValue(s, ","); err == nil && s != "" {
		return true
	}
	return false
}

var spaces = regexp.MustCompile(`\s+`)

// clean collapses white space (header cells span lines).
func clean(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

var slugReplacer = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue")

// slug turns a title into the id alphabet: lower-case ASCII letters,
// digits and single underscores.
func slug(s string) string {
	s = strings.ToLower(slugReplacer.Replace(s))
	var b strings.Builder
	under := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// makeID builds an indicator id from prefix and parts, at most 64
// characters, starting with a letter.
func makeID(prefix string, parts ...string) string {
	id := prefix
	for _, p := range parts {
		if p = slug(p); p != "" {
			id += "_" + p
		}
	}
	if len(id) > 64 {
		id = strings.TrimRight(id[:64], "_")
	}
	return id
}

// decimalsOf counts the digits after the decimal mark of a number cell.
func decimalsOf(cell, decimal string) int {
	s := strings.TrimSpace(strings.Trim(strings.TrimSpace(cell), "()"))
	i := strings.LastIndex(s, decimal)
	if i < 0 {
		return 0
	}
	n := 0
	for _, r := range s[i+1:] {
		if r < '0' || r > '9' {
			break
		}
		n++
	}
	return n
}

// cellAt returns the trimmed cell i of rec, or "".
func cellAt(rec []string, i int) string {
	if i >= 0 && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}
