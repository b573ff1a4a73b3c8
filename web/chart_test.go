package web

import (
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
)

// wellFormed parses an SVG as XML: a label that escaped badly breaks it.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v\n%s", err, svg)
			}
			return
		}
	}
}

func TestBarChartScalesAndEscapes(t *testing.T) {
	svg := string(BarChart("逾期 <按县>", []Bar{{Label: "西平县", Value: 10, Href: "/board/list?county=xiping&overdue=true"},
		{Label: `a"<b>&`, Value: 5}, {Label: "零", Value: 0}}))
	wellFormed(t, svg)
	widths := regexp.MustCompile(`<rect x="\d+" y="\d+" width="(\d+)"`).FindAllStringSubmatch(svg, -1)
	if len(widths) != 3 || widths[0][1] != "206" || widths[1][1] != "103" || widths[2][1] != "0" {
		t.Errorf("bar widths %v: the largest spans the plot, the others in proportion, zero has none", widths)
	}
	for _, want := range []string{`data-value="10"`, `data-value="5"`, `href="/board/list?county=xiping&amp;overdue=true"`,
		`aria-label="逾期 &lt;按县&gt;"`, `role="img"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %s in %s", want, svg)
		}
	}
	if strings.Contains(svg, "<b>") {
		t.Error("a label's markup went out unescaped")
	}
}

func TestLineChartPointsAndAxis(t *testing.T) {
	svg := string(LineChart("近12个月", []string{"1月", "2月", "3月"}, []Series{
		{Name: "离岗", Class: "s1", Values: []int{0, 7, 3}}, {Name: "逾期<说明>", Class: "s2", Values: []int{0, 1, 0}}}))
	wellFormed(t, svg)
	vals := regexp.MustCompile(`data-value="(\d+)"`).FindAllStringSubmatch(svg, -1)
	var got []string
	for _, v := range vals {
		got = append(got, v[1])
	}
	if strings.Join(got, ",") != "0,7,3,0,1,0" {
		t.Errorf("points %v", got)
	}
	// 7 at the top of four steps of 2: the axis reads 0 2 4 6 8.
	for _, tick := range []string{">0</text>", ">2</text>", ">8</text>"} {
		if !strings.Contains(svg, tick) {
			t.Errorf("axis tick %s missing", tick)
		}
	}
	if !strings.Contains(svg, "逾期&lt;说明&gt;") {
		t.Error("series name not escaped")
	}
}

func TestNiceStep(t *testing.T) {
	for maxV, want := range map[int]int{0: 1, 3: 1, 7: 2, 20: 5, 21: 10, 399: 100, 401: 200, 123456: 50000} {
		if got := niceStep(maxV); got != want || got*4 < maxV {
			t.Errorf("niceStep(%d) = %d, want %d", maxV, got, want)
		}
	}
}
