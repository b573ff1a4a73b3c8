package actions

// The printable leave form (请假审批表, issue 20): one A4 page that an
// office files on paper, with the member, the unit, the team, the dates,
// the reason, every approval (office, name, comment, time) and the filing
// receipts, drawn from the same LeavePage the leave's page shows.
//
// Chinese needs a TrueType font: Debian's fonts-arphic-gbsn00lp by default
// (fpdf loads .ttf, not .ttc collections), another with ZHUCUN_PDF_FONT.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"
	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/workflows"
)

// PDFFontEnv names the TrueType font for PDFs; DefaultPDFFont is Debian's
// fonts-arphic-gbsn00lp (PDFFontPackage).
const (
	PDFFontEnv     = "ZHUCUN_PDF_FONT"
	DefaultPDFFont = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
	PDFFontPackage = "fonts-arphic-gbsn00lp"
)

// fonts keeps each font file read once: a CJK font is megabytes.
var fonts struct {
	sync.Mutex
	byPath map[string][]byte
}

func pdfFont() (string, []byte, error) {
	path := strings.TrimSpace(os.Getenv(PDFFontEnv))
	if path == "" {
		path = DefaultPDFFont
	}
	fonts.Lock()
	defer fonts.Unlock()
	if b, ok := fonts.byPath[path]; ok {
		return path, b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return path, nil, err
	}
	if fonts.byPath == nil {
		fonts.byPath = map[string][]byte{}
	}
	fonts.byPath[path] = b
	return path, b, nil
}

// LeaveForm is GET /leaves/{id}/form.pdf: the leave as its one-page form,
// for those who may see the leave (LeavePage's rule).
func (a *Actions) LeaveForm(ctx context.Context, u User, id string) ([]byte, error) {
	lp, err := a.LeavePage(ctx, u, id)
	if err != nil {
		return nil, err
	}
	path, font, err := pdfFont()
	if err != nil {
		a.logger(ctx).Error("leave form: the Chinese font is missing; install the Debian package "+PDFFontPackage+
			" or set "+PDFFontEnv+" to a .ttf file", zap.String("font", path), zap.Error(err))
		return nil, errs.New(errs.Unavailable, errs.MsgLeaveFormFont, path)
	}
	b, err := drawLeaveForm(lp, font, a.now())
	if err != nil {
		a.logger(ctx).Error("leave form not drawn", zap.String("font", path), zap.Error(err))
		return nil, errs.New(errs.Unavailable, errs.MsgLeaveFormFailed).WithDetail("%v", err)
	}
	return b, nil
}

// formSheet draws on one fpdf document with the form's measures.
type formSheet struct {
	*fpdf.Fpdf
	lineH float64
}

const formWidth = 180.0 // A4 less 15 mm margins

func drawLeaveForm(lp LeavePage, font []byte, now time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	pdf.AddUTF8FontFromBytes("cn", "", font)
	l, pl := lp.Leave, lp.Place
	pdf.SetTitle("请假审批表 "+l.MemberName, true)
	pdf.AddPage()
	s := formSheet{Fpdf: pdf, lineH: 6}
	s.SetFont("cn", "", 17)
	s.CellFormat(formWidth, 12, "驻村工作队员请假审批表", "", 1, "C", false, 0, "")
	s.SetFont("cn", "", 10.5)

	days := fmt.Sprintf("%d 天", l.Days)
	if lp.DayCounting == policy.CountWorking {
		days += "（按工作日计）"
	}
	s.pair("队员姓名", l.MemberName, "派出单位", pl.UnitName)
	s.pair("工作队", pl.TeamName, "驻村地点", pl.CountyName+pl.TownshipName+pl.VillageName)
	s.pair("请假类别", errs.LeaveKindName(l.Kind), "请假天数", days)
	s.row("起止日期", l.StartDate+" 至 "+l.EndDate)
	s.row("事由", l.Reason)
	s.row("审批路线", l.RouteReason)
	for _, e := range l.Extensions {
		s.row("续假", fmt.Sprintf("续至 %s，共 %d 天（%s）；事由：%s", e.EndDate, e.Days, errs.StatusName(e.Status), e.Reason))
	}
	back := "—"
	if l.ReturnedOn != nil {
		back = *l.ReturnedOn + " 返岗"
	}
	s.pair("当前状态", errs.StatusName(l.Status), "销假", back)
	s.row("提交时间", stamp(l.SubmittedAt))

	s.Ln(4)
	s.SetFont("cn", "", 12)
	s.CellFormat(formWidth, 8, "审批及备案", "", 1, "L", false, 0, "")
	s.SetFont("cn", "", 10)
	widths := []float64{24, 42, 30, 52, 32}
	s.cells(widths, "环节", "单位", "经办人", "意见", "时间")
	for _, st := range l.Steps {
		s.stepRows(widths, lp, st)
	}

	s.Ln(6)
	s.SetFont("cn", "", 8.5)
	s.MultiCell(formWidth, 4.5, fmt.Sprintf("编号：%s　打印时间：%s\n本表由驻村工作队管理系统按办理记录生成，与系统中的记录一致。",
		l.ID, stamp(now)), "", "L", false)
	var buf bytes.Buffer
	if err := s.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// stepRows are a step's decisions, or for a step still open whom it
// waits on.
func (s formSheet) stepRows(widths []float64, lp LeavePage, st workflows.Step) {
	title := workflows.StepTitle(st.Name)
	for _, d := range st.Decisions {
		what := didText(d.Decision)
		if d.Comment != "" {
			what += "：" + d.Comment
		}
		s.cells(widths, title, PartyName(workflows.PartyFromKey(d.Party), lp.Place), d.ByName, what, stamp(d.At))
	}
	if st.DoneAt == nil {
		for _, p := range st.WaitingOn {
			s.cells(widths, title, lp.Party(p), "", "待办理", "")
		}
	}
}

var didTexts = map[string]errs.Msg{"approve": errs.MsgDidApprove, "refuse": errs.MsgDidRefuse,
	"filed": errs.MsgDidFile, "returned": errs.MsgDidReturn}

func didText(d string) string {
	if m, ok := didTexts[d]; ok {
		return errs.Text(m)
	}
	return errs.StatusName(d)
}

func stamp(t time.Time) string { return t.In(policy.China).Format("2006-01-02 15:04") }

// row is a label and a value across the rest of the line, as tall as the
// value needs.
func (s formSheet) row(label, value string) {
	s.cells([]float64{28, formWidth - 28}, label, value)
}

// pair is two labels with their values on one line.
func (s formSheet) pair(l1, v1, l2, v2 string) {
	s.cells([]float64{28, 62, 28, 62}, l1, v1, l2, v2)
}

// cells draws one table row: each text wrapped in its column, every cell
// as tall as the tallest, starting a new page first if it would not fit.
func (s formSheet) cells(widths []float64, texts ...string) {
	lines := 1
	for i, t := range texts {
		lines = max(lines, len(s.SplitText(t, widths[i])))
	}
	h := float64(lines) * s.lineH
	_, pageH := s.GetPageSize()
	_, _, _, bottom := s.GetMargins()
	if s.GetY()+h > pageH-bottom {
		s.AddPage()
	}
	x, y := s.GetXY()
	for i, t := range texts {
		s.Rect(x, y, widths[i], h, "D")
		s.SetXY(x, y)
		s.MultiCell(widths[i], s.lineH, t, "", "L", false)
		x += widths[i]
	}
	s.SetXY(s.GetX(), y+h)
	lm, _, _, _ := s.GetMargins()
	s.SetX(lm)
}
