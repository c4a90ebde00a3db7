package ingest

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Dates of official tables, read the same way by every reader: a year
// ("2020"), a day ("31.12.2020", "30.06.2019", "01.03.2016", ISO
// "2020-12-31"), a year range ("2015-2017", "2018/2019", "2018/19": the
// period is the last year, the range is kept as the reference date), in a
// time column, in header lines (";;31.12.2021"), or in a title line
// ("Stichtag: 31.12.2018", "Stichtag 31.12.2018", "Jahr: 2019"). A date in
// the file beats a flag: a -period that contradicts it is an error, one that
// agrees is not needed and the report says so.

var (
	dmyPattern   = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})$`)
	isoPattern   = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	rangePattern = regexp.MustCompile(`^(\d{4})\s*(?:-|–|/|bis)\s*(\d{2}|\d{4})$`)
	// titleDate finds a date named in a title line: "Stichtag: 31.12.2018",
	// "Stichtag 31.12.2018", "Berichtsjahr 2019", "Jahr: 2019", "Stand: …" is not one.
	titleDate = regexp.MustCompile(`(?i)\b(stichtag|berichtsjahr|jahr|zeit|berichtszeitraum)\s*:?\s*(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}(?:\s*(?:-|–|/|bis)\s*(?:\d{4}|\d{2}))?)\b`)
)

// date is a date of a table: its year, and what it says beyond the year.
type date struct {
	year     int
	dayMonth string // "31.12." for a day; "" for a year
	text     string // the date as written
	rangeOf  string // "2018/19" for a range
}

// parseDate reads one date cell.
func parseDate(s string) (date, error) {
	s = strings.TrimSpace(s)
	d := date{text: s}
	switch {
	case len(s) == 4 && allDigits(s):
		d.year, _ = strconv.Atoi(s)
	case dmyPattern.MatchString(s):
		m := dmyPattern.FindStringSubmatch(s)
		d.year, _ = strconv.Atoi(m[3])
		d.dayMonth = pad2(m[1]) + "." + pad2(m[2]) + "."
	case isoPattern.MatchString(s):
		m := isoPattern.FindStringSubmatch(s)
		d.year, _ = strconv.Atoi(m[1])
		d.dayMonth = m[3] + "." + m[2] + "."
	case rangePattern.MatchString(s):
		m := rangePattern.FindStringSubmatch(s)
		from, _ := strconv.Atoi(m[1])
		to, _ := strconv.Atoi(m[2])
		if len(m[2]) == 2 {
			to = from/100*100 + to
			if to < from {
				to += 100
			}
		}
		if to < from || to-from > 10 {
			return d, fmt.Errorf("%q is not a year range", s)
		}
		d.year, d.rangeOf = to, s
	default:
		return d, fmt.Errorf("%q is not a year or date", s)
	}
	if d.year < 1800 || d.year > 2200 {
		return d, fmt.Errorf("%q: year %d out of range", s, d.year)
	}
	return d, nil
}

// labelledDate is a header cell naming its date: "Stichtag: 31.12.2018",
// "Stichtag 31.12.2018", "Jahr 2019".
var labelledDate = regexp.MustCompile(`(?i)^(?:stichtag|berichtsjahr|jahr|zeit|berichtszeitraum)\s*:?\s*(\S.*)$`)

// cellDate reads a date cell of a time column or header line, bare or
// labelled.
func cellDate(s string) (date, bool) {
	d, err := parseDate(s)
	if err == nil {
		return d, true
	}
	if m := labelledDate.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
		if d, err := parseDate(m[1]); err == nil {
			return d, true
		}
	}
	return date{}, false
}

// parsePeriod reads a year from a date cell and returns the day-month part.
func parsePeriod(s string) (year int, dayMonth string, ok bool) {
	d, err := parseDate(s)
	if err != nil {
		return 0, "", false
	}
	return d.year, d.dayMonth, true
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// titleDates reads the dates a title line names ("Stichtag: 31.12.2018").
func titleDates(line string) []date {
	var out []date
	for _, m := range titleDate.FindAllStringSubmatch(line, -1) {
		if d, err := parseDate(m[2]); err == nil {
			out = append(out, d)
		}
	}
	return out
}

// dateSet collects the dates a file states, with where each was found.
type dateSet struct {
	years map[int]string // year → first place
	days  map[string]bool
	texts map[string]bool
	// fromFlag is set when the period came from -period (the file has no date).
	fromFlag int
}

func (s *dateSet) add(d date, where string) {
	if s.years == nil {
		s.years, s.days, s.texts = map[int]string{}, map[string]bool{}, map[string]bool{}
	}
	if _, ok := s.years[d.year]; !ok {
		s.years[d.year] = where
	}
	if d.dayMonth != "" {
		s.days[d.dayMonth] = true
	}
	if d.rangeOf != "" {
		s.texts[d.rangeOf] = true
	}
}

func (s *dateSet) empty() bool { return s == nil || len(s.years) == 0 }

// referenceDate says what a period means: the common day ("31.12."), or
// the ranges ("2018/19").
func (s *dateSet) referenceDate() string {
	if s == nil {
		return ""
	}
	if len(s.days) == 1 {
		for d := range s.days {
			return d
		}
	}
	if len(s.texts) > 0 {
		return "Zeitraum " + strings.Join(sortedKeys(s.texts), ", ") + " (Periode = letztes Jahr)"
	}
	return ""
}

// checkPeriod compares a -period with the dates of the file: a
// contradiction is an error naming both, agreement a note.
func checkPeriod(file string, period int, s *dateSet) (string, error) {
	if period == 0 || s.empty() || s.fromFlag != 0 {
		return "", nil
	}
	var years []int
	for y := range s.years {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		if y != period {
			return "", invalidf("%s: -period %d (option period) contradicts the file, which dates its values %d (%s); a date in the file beats the flag — drop -period", path.Base(file), period, y, s.years[y])
		}
	}
	return fmt.Sprintf("%s: -period %d agrees with the file's date (%s) and was not needed", path.Base(file), period, s.years[period]), nil
}
