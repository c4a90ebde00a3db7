package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

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
	if len(id) > 64 { // never a shared prefix: the hash of the whole id keeps it unique
		h := sha256.Sum256([]byte(id))
		id = strings.TrimRight(id[:55], "_") + "_" + hex.EncodeToString(h[:4])
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
