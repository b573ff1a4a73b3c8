package orgimport

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// clean is a cell as typed, understood: surrounding spaces of any kind
// (full-width, no-break) gone, full-width letters, digits and signs turned
// into their ASCII forms. Names keep their inner characters.
func clean(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\ufeff' })
	if !hasFullWidth(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(narrow(r))
	}
	return b.String()
}

func hasFullWidth(s string) bool {
	for _, r := range s {
		if r >= 0xff01 && r <= 0xff5e || r == '\u3000' {
			return true
		}
	}
	return false
}

// narrow maps a full-width ASCII variant (０, Ａ, －) to ASCII.
func narrow(r rune) rune {
	switch {
	case r >= 0xff01 && r <= 0xff5e:
		return r - 0xff01 + '!'
	case r == '\u3000':
		return ' '
	}
	return r
}

// validID: ids are letters, digits, '-', '_' and '.', at most 64, the
// first a letter or digit, as they appear in URLs and usernames. (A loop,
// not a regexp: a country's roster checks two million ids.)
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// cleanID is an id cell: cleaned, and with inner spaces dropped (a space
// typed in an id is never meant).
func cleanID(s string) string { return strings.ReplaceAll(clean(s), " ", "") }

var dateForms = []*regexp.Regexp{
	regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`),
	regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日?$`),
	regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`),
}

// excelEpoch is day 0 of Excel's 1900 date system (with its 1900 leap
// year bug folded in: serial 60 is the non-existent 1900-02-29).
var excelEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a date as people type it in a sheet: 2025-03-01,
// 2025/3/1, 2025.3.1, 2025年3月1日, 20250301, or an Excel date serial
// (the raw value of a date cell). The answer is midnight UTC of that day.
func parseDate(s string) (time.Time, bool) {
	s = strings.ReplaceAll(clean(s), " ", "")
	if s == "" {
		return time.Time{}, false
	}
	// "2025-03-01 00:00:00" as some tools export it.
	if i := strings.IndexAny(s, "T"); i == 10 {
		s = s[:i]
	} else if len(s) > 10 && strings.HasSuffix(s, "00:00:00") {
		s = strings.TrimSuffix(s, "00:00:00")
	}
	if isDigits(s) && len(s) == 5 { // an Excel date serial, the usual case
		if f, _ := strconv.Atoi(s); f >= 32874 && f < 73051 {
			return excelEpoch.AddDate(0, 0, f), true
		}
		return time.Time{}, false
	}
	for _, re := range dateForms {
		if m := re.FindStringSubmatch(s); m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[3])
			t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
			if t.Year() != y || int(t.Month()) != mo || t.Day() != d || y < 1990 || y > 2100 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 32874 && f < 73051 { // 1990..2100
		return excelEpoch.AddDate(0, 0, int(f)), true
	}
	return time.Time{}, false
}

// validPhone: a digit or '+', then 4 to 19 digits or '-'.
func validPhone(s string) bool {
	if len(s) < 5 || len(s) > 20 || !(s[0] == '+' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !(s[i] == '-' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// cleanPhone drops spaces and dashes people type inside numbers.
func cleanPhone(s string) string {
	s = strings.ReplaceAll(clean(s), " ", "")
	return s
}
