package ingest

import (
	"context"
	"fmt"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// Re-importing a newer download of a table replaces its values: the report
// (and so the release) says how many values change and lists the largest
// changes, and the derived catalogue entries take the new file's source
// details (copyright year, "Stand", footnotes).

// valueChange is one stored value a table replaces.
type valueChange struct {
	o        atlas.Observation
	old      atlas.Value
	distance float64
}

func (c valueChange) String() string {
	return fmt.Sprintf("%s %s %d: %s → %s", c.o.Indicator, c.o.Key, c.o.Period, valueText(c.old.Value, c.old.Flag), valueText(c.o.Value, c.o.Flag))
}

func valueText(v float64, f atlas.Flag) string {
	if math.IsNaN(v) {
		return "no value (" + string(f) + ")"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// changedValues compares a table's observations with the store's.
func changedValues(ctx context.Context, store atlas.Store, file string, obs []atlas.Observation) ([]string, error) {
	type group struct {
		ind    string
		level  atlas.Level
		period int
	}
	groups := map[group][]atlas.Observation{}
	for _, o := range obs {
		g := group{o.Indicator, o.Level, o.Period}
		groups[g] = append(groups[g], o)
	}
	var changes []valueChange
	compared := 0
	for g, list := range groups {
		stored, err := store.Values(ctx, g.ind, g.level, g.period)
		if err != nil {
			return nil, &StoreError{Err: err}
		}
		for _, o := range list {
			old, ok := stored[o.Key]
			if !ok {
				continue
			}
			compared++
			if c, differs := compareValue(o, old); differs {
				changes = append(changes, c)
			}
		}
	}
	if compared == 0 {
		return nil, nil
	}
	return changeReport(file, compared, changes), nil
}

func compareValue(o atlas.Observation, old atlas.Value) (valueChange, bool) {
	c := valueChange{o: o, old: old}
	oldNaN, newNaN := math.IsNaN(old.Value), math.IsNaN(o.Value)
	switch {
	case oldNaN && newNaN:
		return c, old.Flag != o.Flag
	case oldNaN || newNaN:
		c.distance = math.Inf(1)
		return c, true
	case old.Value != o.Value:
		c.distance = math.Abs(o.Value - old.Value)
		if old.Value != 0 {
			c.distance /= math.Abs(old.Value) // relative: comparable across indicators
		}
		return c, true
	}
	return c, false
}

func changeReport(file string, compared int, changes []valueChange) []string {
	if len(changes) == 0 {
		return []string{fmt.Sprintf("%s: all %d values already stored are unchanged", path.Base(file), compared)}
	}
	sort.Slice(changes, func(i, j int) bool {
		if changes[i].distance != changes[j].distance {
			return changes[i].distance > changes[j].distance
		}
		return changes[i].String() < changes[j].String()
	})
	var top []string
	for _, c := range changes[:min(len(changes), 5)] {
		top = append(top, c.String())
	}
	return []string{fmt.Sprintf("%s: %d of %d values already stored change; largest changes: %s", path.Base(file), len(changes), compared, strings.Join(top, "; "))}
}

// refreshSource gives a stored entry that an earlier import derived from
// the same table the source details of the newer file.
func refreshSource(old, derived atlas.Indicator) (atlas.Indicator, string) {
	if old.TableID == "" || old.TableID != derived.TableID || old.Topic != derived.Topic {
		return old, ""
	}
	next := old
	next.Source, next.Publisher, next.Licence, next.LicenceURL = derived.Source, derived.Publisher, derived.Licence, derived.LicenceURL
	next.Attribution, next.Notes = derived.Attribution, derived.Notes
	if next.Attribution == old.Attribution && next.Notes == old.Notes && next.Source == old.Source && next.Licence == old.Licence {
		return old, ""
	}
	return next, fmt.Sprintf("source details of %s updated from the newer file: %q → %q", old.ID, old.Attribution, next.Attribution)
}

var (
	zensus2011 = regexp.MustCompile(`(?i)zensus[ _]?2011|census[ _]?(20)?11\b`)
	zensus2022 = regexp.MustCompile(`(?i)zensus[ _]?2022|census[ _]?(20)?22\b`)
)

// censusBaseWarnings warns when a file whose population is based on one
// Zensus (2011 or 2022, named in the file) is mapped onto a series the
// catalogue labels with the other: the two bases differ by about 1.4
// million inhabitants, a break no map of one series may hide.
func censusBaseWarnings(file string, data []byte, obs []atlas.Observation, known map[string]atlas.Indicator) []string {
	head := string(data[:min(len(data), 1<<16)])
	fileBase := ""
	switch has11, has22 := zensus2011.MatchString(head), zensus2022.MatchString(head); {
	case has22 && !has11:
		fileBase = "Zensus 2022"
	case has11 && !has22:
		fileBase = "Zensus 2011"
	default:
		return nil
	}
	var out []string
	for _, id := range sortedKeys(indicatorSet(obs)) {
		ind := known[id]
		label := ind.PopulationBase + " " + ind.Title + " " + ind.Definition
		other := (fileBase == "Zensus 2022" && zensus2011.MatchString(label) && !zensus2022.MatchString(label)) ||
			(fileBase == "Zensus 2011" && zensus2022.MatchString(label) && !zensus2011.MatchString(label))
		if other {
			out = append(out, fmt.Sprintf("%s: WARNING: the file's values are based on the %s, but %s is labelled %q: the two bases are a break in the series, not a change; import them under an indicator of their own (-map COLUMN=ID) or relabel the catalogue entry", path.Base(file), fileBase, id, strings.TrimSpace(ind.PopulationBase)))
		}
	}
	return out
}
