package ingest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// Extensive and intensive indicators. Values of parts combine differently
// when regions are merged or split (crosswalks) or categories are summed:
// counts, areas and amounts (extensive) are summed and split by a share;
// rates, shares and means (intensive) are weighted by a named base
// (population or area) and never summed. An indicator declares it
// (atlas.Indicator.Measure, Weight); without a declaration it is inferred
// from the unit, the title and the aggregation only where that is safe —
// otherwise the import asks (measureOf returns an error naming the field).

var (
	// Units of counts of persons, things and cases.
	countUnit = regexp.MustCompile(`(?i)^(anzahl|personen|einwohner(innen)?|ew\.?|fälle|betriebe|unternehmen|wohnungen|gebäude|plätze|stück|haushalte|kinder|beschäftigte|einrichtungen)$`)
	// Units of areas.
	areaUnit = regexp.MustCompile(`(?i)^(km²|km2|qkm|ha|hektar|m²|m2|qm|1 ?000 ?qm|1\.000 ?qm|1000 m²|tsd\.? ?qm)$`)
	// Units and titles of rates, shares and means.
	intensiveUnit  = regexp.MustCompile(`(?i)(%|‰|prozent|promille|\bje\b|\bpro\b|/|=100|\bindex\b|\bquote\b|\brate\b|anteil|jahre)`)
	intensiveTitle = regexp.MustCompile(`(?i)(durchschnitt|\bje\b|\bpro\b|anteil|quote|\brate\b|dichte|median|mittel|\bindex\b|veränderung|in %|prozent)`)
	// Units of amounts of money: extensive for sums ("Kaufsumme"),
	// intensive for means ("Kaufwert je qm"): decided by the title.
	moneyUnit = regexp.MustCompile(`(?i)^((tsd\.?|mill\.?|mio\.?|mrd\.?|1 ?000)\s*)?(eur|euro|€)$`)
)

// measureOf returns how an indicator's values combine: measure extensive or
// intensive, and the weight base ("population" or "area"). It refuses (with
// the reason and the field to declare) where the catalogue does not say and
// the unit does not tell safely.
func measureOf(ind atlas.Indicator) (measure, weight string, err error) {
	measure, weight = ind.Measure, ind.Weight
	if measure == "" {
		measure = inferMeasure(ind)
	}
	if measure == "" {
		return "", "", fmt.Errorf("indicator %s (unit %q): cannot tell from the unit whether it is a count, area or amount (extensive) or a rate, share or mean (intensive); declare \"measure\" (and \"weight\": population or area) in the catalogue, or -crosswalk-method %s=sum|mean|mean:area",
			ind.ID, ind.Unit, ind.ID)
	}
	if weight == "" {
		weight = inferWeight(ind, measure)
	}
	if weight == "" {
		return measure, "", fmt.Errorf("indicator %s (unit %q) is a rate, share or mean, but its base is not named; declare \"weight\": population or area in the catalogue, or -crosswalk-method %s=mean|mean:area",
			ind.ID, ind.Unit, ind.ID)
	}
	return measure, weight, nil
}

// inferMeasure infers the measure where it is safe, else "".
func inferMeasure(ind atlas.Indicator) string {
	unit := strings.TrimSpace(ind.Unit)
	switch ind.Aggregation {
	case "sum":
		return atlas.MeasureExtensive
	case "ratio", "mean":
		return atlas.MeasureIntensive
	}
	switch {
	case intensiveTitle.MatchString(ind.Title) && (intensiveUnit.MatchString(unit) || moneyUnit.MatchString(unit) || countUnit.MatchString(unit) || areaUnit.MatchString(unit)):
		return atlas.MeasureIntensive
	case intensiveUnit.MatchString(unit):
		return atlas.MeasureIntensive
	case countUnit.MatchString(unit) && ind.Decimals == 0:
		return atlas.MeasureExtensive
	case areaUnit.MatchString(unit):
		return atlas.MeasureExtensive
	case moneyUnit.MatchString(unit) && (strings.Contains(strings.ToLower(ind.Title), "summe") || strings.Contains(strings.ToLower(ind.Title), "betrag")):
		return atlas.MeasureExtensive
	}
	return ""
}

// inferWeight infers the base: areas are split by area and densities per
// area weighted by it; counts of persons, things and amounts are split by
// population, and rates per inhabitant weighted by it. Shares ("%") and
// means per thing have their own base, which a file does not name: "".
func inferWeight(ind atlas.Indicator, measure string) string {
	unit := strings.ToLower(strings.TrimSpace(ind.Unit))
	title := strings.ToLower(ind.Title)
	switch {
	case measure == atlas.MeasureExtensive && areaUnit.MatchString(unit):
		return atlas.WeightArea
	case measure == atlas.MeasureExtensive:
		return atlas.WeightPopulation
	case strings.Contains(unit, "km²") || strings.Contains(unit, "qkm") || strings.Contains(unit, "km2") || strings.Contains(title, "dichte"):
		return atlas.WeightArea
	case strings.Contains(unit, "einw") || strings.Contains(unit, "ew") || strings.Contains(title, "je einwohner") || strings.Contains(title, "je 1.000 einwohner") || strings.Contains(title, "je 100.000"):
		return atlas.WeightPopulation
	}
	return ""
}

// unitInTitle is a unit named at the end of a title: "Bevölkerung (Anzahl)".
var unitInTitle = regexp.MustCompile(`\(([^()]+)\)\s*$`)

// settleUnits checks the units of catalogue entries a reader derived from a
// file instead of copying them blindly: a count unit on a title that names
// a rate or share is not copied (the entry says so), a missing unit is
// taken from the title where it names one, and the measure (extensive or
// intensive) is declared where the unit tells it safely.
func settleUnits(file string, inds []atlas.Indicator) []string {
	var notes []string
	for i := range inds {
		ind := &inds[i]
		unit := strings.TrimSpace(ind.Unit)
		if m := unitInTitle.FindStringSubmatch(ind.Title); m != nil && (unit == "" || strings.HasPrefix(unit, "ohne Angabe")) && (countUnit.MatchString(m[1]) || areaUnit.MatchString(m[1]) || intensiveUnit.MatchString(m[1])) {
			ind.Unit = strings.TrimSpace(m[1])
			notes = append(notes, fmt.Sprintf("%s: %s: unit %q taken from the title", baseName(file), ind.ID, ind.Unit))
		}
		if countUnit.MatchString(unit) && intensiveTitle.MatchString(ind.Title) && !strings.Contains(strings.ToLower(ind.Title), "anzahl") {
			ind.Unit = "ohne Angabe (die Tabelle nennt „" + unit + "“, der Titel eine Quote, einen Anteil oder Durchschnitt)"
			notes = append(notes, fmt.Sprintf("%s: %s: the table's unit %q contradicts the title %q (a rate, share or mean): unit not copied; map the column to a catalogue entry with the right unit", baseName(file), ind.ID, unit, ind.Title))
		}
		if ind.Measure == "" {
			if m := inferMeasure(*ind); m != "" && !strings.HasPrefix(ind.Unit, "ohne Angabe") {
				ind.Measure = m
				if ind.Weight == "" {
					ind.Weight = inferWeight(*ind, m)
				}
			}
		}
	}
	return notes
}
