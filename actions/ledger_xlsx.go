package actions

import (
	"time"

	"github.com/xuri/excelize/v2"

	"zhucun/policy"
	"zhucun/store"
)

// ledgerSheet and ledgerHeaders are the ledger (台账) spreadsheet as the
// county bureaus keep it on paper today: one row per membership.
const ledgerSheet = "台账"

var ledgerHeaders = []any{"县", "乡镇", "村", "工作队", "队员", "派出单位", "队长", "起始日期", "结束日期"}

// ledgerFileName is e.g. "台账-xiping-2026-11-30.xlsx"; "全市" for every
// county, "历史" for the whole history.
func ledgerFileName(county string, on *time.Time) string {
	scope, when := county, "历史"
	if scope == "" {
		scope = "全市"
	}
	if on != nil {
		when = policy.FormatDate(*on)
	}
	return "台账-" + scope + "-" + when + ".xlsx"
}

// fillLedger writes dates as "YYYY-MM-DD" text so no spreadsheet's zone
// or locale can shift them.
func fillLedger(f *excelize.File, rows []store.LedgerRow) error {
	if err := f.SetSheetName("Sheet1", ledgerSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(ledgerSheet)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		from, to int
		width    float64
	}{{1, 3, 12}, {4, 4, 24}, {5, 9, 14}} {
		if err := sw.SetColWidth(c.from, c.to, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", ledgerHeaders); err != nil {
		return err
	}
	for i, l := range rows {
		leader, to := "", ""
		if l.IsLeader {
			leader = "是"
		}
		if l.To != nil {
			to = l.To.Format(time.DateOnly)
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, []any{l.CountyName, l.TownshipName, l.VillageName, l.TeamName, l.MemberName,
			l.UnitName, leader, l.From.Format(time.DateOnly), to}); err != nil {
			return err
		}
	}
	return sw.Flush()
}
