package atlas

import (
	"fmt"
	"strings"
)

// Level is a regional level of the atlas.
type Level uint8

// The levels of the atlas, from coarse to fine.
const (
	LevelLand Level = iota + 1
	LevelKreis
	LevelVWG
	LevelGemeinde
	// LevelGermany holds Germany's own values (key "DG") as official
	// sources publish them (the DG rows of a GENESIS table): a reference
	// for profiles, rankings and legends, never a map level. It is not in
	// AllLevels and not accepted by ParseLevel (no map, no tiles).
	LevelGermany
)

// GermanyKey is the key of Germany's own values (GENESIS "DG").
const GermanyKey = "DG"

// levelNames are the stable text forms of the levels, used in URLs and JSON.
var levelNames = [...]string{LevelLand: "land", LevelKreis: "kreis", LevelVWG: "vwg", LevelGemeinde: "gemeinde", LevelGermany: "deutschland"}

// AllLevels returns the levels from coarse to fine.
func AllLevels() []Level { return []Level{LevelLand, LevelKreis, LevelVWG, LevelGemeinde} }

func (l Level) String() string {
	if l >= LevelLand && l <= LevelGermany {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// Title is the German display name of the level.
func (l Level) Title() string {
	switch l {
	case LevelLand:
		return "Land"
	case LevelKreis:
		return "Kreis"
	case LevelVWG:
		return "Verwaltungsgemeinschaft"
	case LevelGemeinde:
		return "Gemeinde"
	case LevelGermany:
		return "Deutschland"
	}
	return l.String()
}

// KeyLength is the number of digits of a key of this level.
func (l Level) KeyLength() int {
	switch l {
	case LevelLand:
		return 2
	case LevelKreis:
		return 5
	case LevelVWG:
		return 9
	case LevelGemeinde:
		return 8
	case LevelGermany:
		return len(GermanyKey)
	}
	return 0
}

// ParseLevel parses "land", "kreis", "vwg" or "gemeinde" (case-insensitive).
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "land", "laender", "länder", "bundesland":
		return LevelLand, nil
	case "kreis", "kreise", "landkreis":
		return LevelKreis, nil
	case "vwg", "verwaltungsgemeinschaft", "gemeindeverband":
		return LevelVWG, nil
	case "gemeinde", "gemeinden":
		return LevelGemeinde, nil
	}
	return 0, &ParamError{Param: "level", Value: s, Reason: "must be one of land, kreis, vwg, gemeinde"}
}

// MarshalText encodes the level by name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText decodes a level name ("deutschland" too: table specs keep
// a source's Germany row with levels ["deutschland", …]).
func (l *Level) UnmarshalText(b []byte) error {
	if strings.EqualFold(strings.TrimSpace(string(b)), LevelGermany.String()) {
		*l = LevelGermany
		return nil
	}
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// LevelOfKey returns the level a key of this length denotes.
func LevelOfKey(key string) (Level, bool) {
	if key == GermanyKey {
		return LevelGermany, true
	}
	switch len(key) {
	case 2:
		return LevelLand, true
	case 5:
		return LevelKreis, true
	case 8:
		return LevelGemeinde, true
	case 9:
		return LevelVWG, true
	}
	return 0, false
}

// ValidKey reports whether key is a well-formed key of level l: the right
// number of ASCII digits.
func ValidKey(l Level, key string) bool {
	if l == LevelGermany || key == GermanyKey {
		return l == LevelGermany && key == GermanyKey
	}
	if len(key) != l.KeyLength() {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < '0' || key[i] > '9' {
			return false
		}
	}
	return true
}

// ParentKey returns the key of the region of level parent that contains the
// region with key (a key prefix), or "" when parent is not coarser.
func ParentKey(key string, parent Level) string {
	n := parent.KeyLength()
	if n == 0 || n >= len(key) {
		return ""
	}
	if parent == LevelVWG || parent == LevelGermany {
		return ""
	}
	return key[:n]
}
