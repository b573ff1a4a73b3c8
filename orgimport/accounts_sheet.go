package orgimport

import (
	"io"

	"github.com/xuri/excelize/v2"

	"zhucun/errs"
	"zhucun/store"
)

// WriteAccounts writes the accounts sheet handed to a county: each new
// account's username, who it is, and its one-time password, which is
// shown here once and must be changed at the first login.
func WriteAccounts(w io.Writer, accounts []store.IssuedAccount) error {
	f := excelize.NewFile()
	defer f.Close()
	const name = "账号"
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"用户名", "姓名或名称", "角色", "县区", "一次性密码（首次登录须修改）"}); err != nil {
		return err
	}
	for i, a := range accounts {
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, []any{a.Username, a.DisplayName, errs.AccountRoleName(a.Role), a.CountyID, a.Password}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
