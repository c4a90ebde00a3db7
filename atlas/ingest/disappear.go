package ingest

import (
	"fmt"
	"path"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// maxDisappearing is how many regions of a level a boundary file may
// remove without confirmation: a territorial reform merges a few Kreise or
// some dozens of Gemeinden (2 % of a level, at least 5); a file that drops
// more, or carries other keys altogether, is more likely the wrong file
// (an extract, another level, another key field).
func maxDisappearing(stored int) int { return max(5, stored/50) }

// checkDisappearing compares the regions of a boundary file with those the
// store holds for its level. Regions that disappear are listed in the
// set's report; more than maxDisappearing refuse the file (ErrConflict)
// unless replaceAll confirms it.
func checkDisappearing(spec BoundarySpec, r *BoundaryResult, stored []atlas.Region, replaceAll bool) error {
	if len(stored) == 0 {
		return nil
	}
	keep := make(map[string]bool, len(r.Regions))
	for _, reg := range r.Regions {
		keep[reg.Key] = true
	}
	var gone []string
	for _, reg := range stored {
		if !keep[reg.Key] {
			gone = append(gone, reg.Key+" "+reg.Name)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	list := gone
	if len(list) > 50 {
		list = append(list[:50:50], fmt.Sprintf("… (+%d)", len(gone)-50))
	}
	what := fmt.Sprintf("%d of the %d regions of level %s disappear (%d remain, %d new): %s",
		len(gone), len(stored), spec.Level, len(stored)-len(gone), len(r.Regions)-(len(stored)-len(gone)), strings.Join(list, ", "))
	if len(gone) > maxDisappearing(len(stored)) && !replaceAll {
		return fmt.Errorf("%s: %s; more than a territorial reform removes (at most %d without confirmation). Check the file and its -level, -layer and -key-field; to replace the level anyway, confirm with -replace-all: %w",
			path.Base(spec.File), what, maxDisappearing(len(stored)), atlas.ErrConflict)
	}
	r.Set.Report = append(r.Set.Report, what)
	return nil
}
