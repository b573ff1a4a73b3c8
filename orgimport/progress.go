package orgimport

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// IsTerminal reports whether f is a terminal (a character device), where
// progress is drawn in place; elsewhere (a log, a pipe) it is plain lines.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Meter draws the progress of an import on w: on a terminal a bar
// redrawn in place (the rows are streamed, so the bar fills against the
// expected count and then keeps counting), otherwise a line per 100,000
// rows and per step.
type Meter struct {
	w        io.Writer
	terminal bool
	expect   int
	start    time.Time
	lastLine int
}

// NewMeter is a meter on w; expect is the rows expected in the big sheet
// (0 if unknown).
func NewMeter(w io.Writer, terminal bool, expect int) *Meter {
	return &Meter{w: w, terminal: terminal, expect: expect, start: time.Now()}
}

// Rows is a Progress.
func (m *Meter) Rows(sheet string, rows int) {
	el := time.Since(m.start).Seconds()
	if !m.terminal {
		if rows/100000 > m.lastLine/100000 || (rows < 100000 && sheet != SheetTeams) {
			fmt.Fprintf(m.w, "读取“%s”：%d 行（%.1f 秒）\n", sheet, rows, el)
		}
		m.lastLine = rows
		return
	}
	const width = 30
	fill := 0
	if m.expect > 0 && sheet == SheetTeams {
		fill = min(width, rows*width/m.expect)
	}
	fmt.Fprintf(m.w, "\r读取“%s” [%s%s] %d 行 %.1f 秒   ", sheet, strings.Repeat("█", fill), strings.Repeat("·", width-fill), rows, el)
}

// Step reports a step after reading (writing, checking...).
func (m *Meter) Step(what string) {
	if m.terminal {
		fmt.Fprintln(m.w)
	}
	fmt.Fprintf(m.w, "%s（%.1f 秒）\n", what, time.Since(m.start).Seconds())
}
