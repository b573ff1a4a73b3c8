package web

// Charts drawn on the server as inline SVG: no script, nothing fetched,
// scaled to the screen by its viewBox. Each chart carries its title for
// screen readers (role="img"); the page puts the same numbers in a table.
// Every label is escaped here: the SVG goes out as template.HTML.

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one bar: its label, its value, and where a click on it goes.
type Bar struct {
	Label string
	Value int
	Href  string
}

// barRow is the height of one bar's row in the viewBox.
const barRow = 28

// BarChart draws horizontal bars, one row each: a phone's narrow screen
// keeps long place names readable, where upright bars would crowd them.
func BarChart(title string, bars []Bar) template.HTML {
	const width, labelW, valueW = 360, 110, 44
	top := 6
	height := top + len(bars)*barRow + 6
	maxV := 0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart bars" viewBox="0 0 %d %d" role="img" aria-label="%s" preserveAspectRatio="xMinYMin meet">`,
		width, height, esc(title))
	fmt.Fprintf(&s, `<title>%s</title>`, esc(title))
	span := width - labelW - valueW
	for i, b := range bars {
		y := top + i*barRow
		w := 0
		if maxV > 0 {
			w = b.Value * span / maxV
		}
		if b.Value > 0 {
			w = max(w, 2)
		}
		open, close := "", ""
		if b.Href != "" {
			open, close = fmt.Sprintf(`<a href="%s">`, esc(b.Href)), `</a>`
		}
		fmt.Fprintf(&s, `<g class="bar" data-label="%s" data-value="%d">%s`, esc(b.Label), b.Value, open)
		fmt.Fprintf(&s, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+18, esc(clip(b.Label, 8)))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" rx="2"></rect>`, labelW, y+5, w, barRow-10)
		fmt.Fprintf(&s, `<text class="value" x="%d" y="%d">%d</text>`, labelW+w+4, y+18, b.Value)
		s.WriteString(close + `</g>`)
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// Series is one line of a line chart: a value per x label.
type Series struct {
	Name   string
	Class  string // the line's colour class: s1, s2...
	Values []int
}

// LineChart draws series over the same x labels (months), with a few
// gridlines and a legend; each point carries its value for the tests and
// a hover title.
func LineChart(title string, xs []string, series []Series) template.HTML {
	const width, height, left, right, top, bottom = 640, 260, 40, 12, 30, 30
	maxV := 0
	for _, se := range series {
		for _, v := range se.Values {
			maxV = max(maxV, v)
		}
	}
	step := niceStep(maxV)
	top4 := step * 4
	plotW, plotH := width-left-right, height-top-bottom
	x := func(i int) float64 {
		if len(xs) < 2 {
			return float64(left + plotW/2)
		}
		return float64(left) + float64(i*plotW)/float64(len(xs)-1)
	}
	y := func(v int) float64 { return float64(top+plotH) - float64(v*plotH)/float64(top4) }
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart lines" viewBox="0 0 %d %d" role="img" aria-label="%s">`, width, height, esc(title))
	fmt.Fprintf(&s, `<title>%s</title>`, esc(title))
	for g := 0; g <= 4; g++ {
		gy := y(g * step)
		fmt.Fprintf(&s, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"></line>`, left, width-right, gy, gy)
		fmt.Fprintf(&s, `<text class="axis" x="%d" y="%.1f" text-anchor="end">%d</text>`, left-4, gy+4, g*step)
	}
	for i, lbl := range xs {
		if len(xs) > 6 && i%2 == 1 && i != len(xs)-1 {
			continue // every other month on a narrow chart
		}
		fmt.Fprintf(&s, `<text class="axis" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(i), height-8, esc(lbl))
	}
	for k, se := range series {
		pts := make([]string, len(se.Values))
		for i, v := range se.Values {
			pts[i] = fmt.Sprintf("%.1f,%.1f", x(i), y(v))
		}
		fmt.Fprintf(&s, `<g class="series %s" data-series="%s">`, esc(se.Class), esc(se.Name))
		fmt.Fprintf(&s, `<polyline points="%s"></polyline>`, strings.Join(pts, " "))
		for i, v := range se.Values {
			lbl := ""
			if i < len(xs) {
				lbl = xs[i]
			}
			fmt.Fprintf(&s, `<circle cx="%.1f" cy="%.1f" r="3" data-x="%s" data-value="%d"><title>%s %s：%d</title></circle>`,
				x(i), y(v), esc(lbl), v, esc(se.Name), esc(lbl), v)
		}
		lx := left + k*150
		fmt.Fprintf(&s, `<rect class="key" x="%d" y="8" width="14" height="4"></rect><text class="legend" x="%d" y="15">%s</text></g>`,
			lx, lx+18, esc(se.Name))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// niceStep is a gridline step (1, 2 or 5 times a power of ten) so that
// four steps reach max.
func niceStep(maxV int) int {
	if maxV <= 4 {
		return 1
	}
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p*4 >= maxV {
				return m * p
			}
		}
	}
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// clip shortens a label to n characters, with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
