package atlas

import (
	"math"
	"strconv"
	"strings"
)

// FormatDE formats v with the given number of decimals in German notation:
// decimal comma and a dot between thousands ("1.633,5").
func FormatDE(v float64, decimals int) string { return formatNumber(v, decimals, '.', ',') }

// FormatEN formats v with the given number of decimals in English notation:
// decimal point and a comma between thousands ("1,633.5").
func FormatEN(v float64, decimals int) string { return formatNumber(v, decimals, ',', '.') }

func formatNumber(v float64, decimals int, thousands, point byte) string {
	if math.IsNaN(v) {
		return ""
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(thousands)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte(point)
		b.WriteString(frac)
	}
	return b.String()
}

// labelDecimals returns the smallest number of decimals (at least min, at
// most 6) at which all bounds print distinctly.
func labelDecimals(bounds []float64, min int) int {
	for d := min; d < 6; d++ {
		ok := true
		for i := 1; i < len(bounds); i++ {
			if bounds[i] != bounds[i-1] && strconv.FormatFloat(bounds[i], 'f', d, 64) == strconv.FormatFloat(bounds[i-1], 'f', d, 64) {
				ok = false
				break
			}
		}
		if ok {
			return d
		}
	}
	return 6
}

// formatSignedDE is FormatDE with a sign: "+1,25", "−0,50" (minus sign), "±0,00".
func formatSignedDE(v float64, decimals int) string {
	s := FormatDE(math.Abs(v), decimals)
	switch {
	case v > 0:
		return "+" + s
	case v < 0:
		return "−" + s
	}
	return "±" + s
}
