package actions

// Importing an organisation from its 台账 workbook: from the command line
// (zhucun import org) and from the import page. All or nothing: a workbook
// with any problem writes nothing. Who is on which team is not written
// silently once a team has a ledger: each change opens a roster change
// (article 17) recorded by the county's bureau.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/orgimport"
	"zhucun/policy"
	"zhucun/store"
)

// ImportReport is what an import found and did: the workbook's problems
// (then nothing was written), or the counts of rows created, updated and
// unchanged and the roster changes, opened or (dry run) to open.
type ImportReport struct {
	ID       string              `json:"id,omitempty"`
	Filename string              `json:"filename"`
	DryRun   bool                `json:"dry_run"`
	Problems []orgimport.Problem `json:"problems,omitempty"`
	// More counts the problems not listed.
	More     int                   `json:"more,omitempty"`
	Counts   []store.ImportCount   `json:"counts,omitempty"`
	Changes  []store.PlannedChange `json:"changes,omitempty"`
	Opened   []OpenedChange        `json:"opened,omitempty"`
	Taken    []string              `json:"taken_usernames,omitempty"`
	Counties []string              `json:"counties,omitempty"`
	// Took: how long reading and each writing step took.
	Took []store.StepTime `json:"-"`
}

// OpenedChange is a roster change the import opened, or why it could not.
type OpenedChange struct {
	store.PlannedChange
	ID    string `json:"id,omitempty"`
	Error string `json:"error,omitempty"`
}

// OK: the workbook had no problem.
func (r ImportReport) OK() bool { return len(r.Problems) == 0 && r.More == 0 }

// canImport: an administrator or a city bureau (市级乡村振兴部门) loads
// the organisation.
func canImport(u User) error {
	if u.Role != policy.RoleAdmin && u.Role != policy.RoleCityBureau {
		return errs.New(errs.Forbidden, errs.MsgImportRecorders)
	}
	return nil
}

// ImportOrg reads a workbook and, unless dryRun, writes it and opens its
// roster changes. Without a Temporal client (the command line with no
// server to talk to) a workbook whose roster changes need opening is
// refused before anything is written.
func (a *Actions) ImportOrg(ctx context.Context, u User, filename string, r io.Reader, dryRun bool, progress orgimport.Progress) (ImportReport, error) {
	if err := canImport(u); err != nil {
		return ImportReport{}, err
	}
	rep := ImportReport{Filename: filename, DryRun: dryRun}
	known, err := a.store.KnownOrg(ctx)
	if err != nil {
		return rep, err
	}
	started := time.Now()
	res, err := orgimport.Read(r, known, progress)
	rep.Took = append(rep.Took, store.StepTime{Step: "read and check", Took: time.Since(started)})
	var fe *orgimport.FileError
	if errors.As(err, &fe) {
		return rep, errs.Field("file", errs.MsgImportFile, fe.Reason)
	}
	if err != nil {
		return rep, err
	}
	rep.Problems, rep.More = res.Problems, res.More
	if !rep.OK() {
		return rep, nil
	}
	for _, c := range res.Import.Counties {
		rep.Counties = append(rep.Counties, c.ID)
	}
	today := policy.DayOf(a.now())
	out, err := a.store.ApplyImport(ctx, res.Import, today, store.ImportOptions{DryRun: dryRun, NoRosterChanges: a.tc == nil})
	if errors.Is(err, store.ErrRosterChangesNeeded) {
		return rep, errs.New(errs.Conflict, errs.MsgImportNeedsTemporal)
	}
	if err != nil {
		return rep, err
	}
	rep.Counts, rep.Changes, rep.Taken = out.Counts, out.Changes, out.TakenUsernames
	rep.Took = append(rep.Took, out.Took...)
	if !dryRun {
		if err := a.importRobots(ctx, u, res.Import.Robots); err != nil {
			return rep, err
		}
		rep.Opened = a.openChanges(ctx, filename, out.Changes)
	}
	return rep, nil
}

// openChanges records each change that is not deferred as its county's
// bureau, through the roster action every other change takes; one that is
// refused (the ledger moved meanwhile) is reported, the others still open.
func (a *Actions) openChanges(ctx context.Context, filename string, cs []store.PlannedChange) []OpenedChange {
	var out []OpenedChange
	bureaus := map[string]User{}
	for _, c := range cs {
		if c.Deferred {
			continue
		}
		oc := OpenedChange{PlannedChange: c}
		bureau, ok := bureaus[c.CountyID]
		if !ok {
			b, err := a.store.CountyBureauUser(ctx, c.CountyID)
			if err != nil {
				oc.Error = errs.Text(errs.MsgNoBureauAccount, c.CountyID)
				out = append(out, oc)
				continue
			}
			bureau, bureaus[c.CountyID] = b, b
		}
		created, err := a.RecordRosterChange(withoutCreationLimit(ctx), bureau, RosterRequest{TeamID: c.TeamID, Change: c.Change,
			MemberID: c.MemberID, EffectiveOn: c.EffectiveOn, Reason: errs.Text(errs.MsgImportReason, filename)})
		if err != nil {
			e, _ := Explain(err)
			oc.Error = e.Message
			for _, m := range e.Fields {
				oc.Error += "；" + m
			}
		} else {
			oc.ID = created.ID
		}
		out = append(out, oc)
	}
	return out
}

// CheckImportUpload is the import page's first step: the upload is
// checked to be a real xlsx (by content) and no zip bomb, dry-run, and
// kept with its report for the confirmation.
func (a *Actions) CheckImportUpload(ctx context.Context, u User, filename string, r io.Reader) (ImportReport, error) {
	if err := canImport(u); err != nil {
		return ImportReport{}, err
	}
	b, err := orgimport.CheckUpload(r)
	var fe *orgimport.FileError
	if errors.As(err, &fe) {
		return ImportReport{}, errs.Field("file", errs.MsgImportFile, fe.Reason)
	}
	if err != nil {
		return ImportReport{}, err
	}
	rep, err := a.ImportOrg(ctx, u, filename, bytes.NewReader(b), true, nil)
	if err != nil {
		return rep, err
	}
	rep.ID = uuid.NewString()
	js, err := json.Marshal(rep)
	if err != nil {
		return rep, err
	}
	if !rep.OK() {
		b = []byte{} // nothing to confirm; the report is kept to be shown
	}
	return rep, a.store.SaveImportUpload(ctx, store.ImportUpload{ID: uuid.MustParse(rep.ID), UserID: u.ID,
		Filename: filename, Content: b, Report: js})
}

// ImportUploadReport is an upload's report, to its uploader.
func (a *Actions) ImportUploadReport(ctx context.Context, u User, id string) (ImportReport, bool, error) {
	if err := canImport(u); err != nil {
		return ImportReport{}, false, err
	}
	up, err := a.upload(ctx, u, id)
	if err != nil {
		return ImportReport{}, false, err
	}
	var rep ImportReport
	return rep, up.Applied, json.Unmarshal(up.Report, &rep)
}

func (a *Actions) upload(ctx context.Context, u User, id string) (store.ImportUpload, error) {
	uid, err := uuid.Parse(id)
	if err != nil {
		return store.ImportUpload{}, errs.Generic(errs.NotFound)
	}
	up, err := a.store.ImportUpload(ctx, uid)
	if err == nil && up.UserID != u.ID {
		err = store.ErrNotFound // another's upload is not theirs to see
	}
	return up, err
}

// ConfirmImport imports an upload its uploader has seen the dry run of.
// It is applied once: a second confirmation is refused.
func (a *Actions) ConfirmImport(ctx context.Context, u User, id string) (ImportReport, error) {
	if err := canImport(u); err != nil {
		return ImportReport{}, err
	}
	uid, err := uuid.Parse(id)
	if err != nil {
		return ImportReport{}, errs.Generic(errs.NotFound)
	}
	up, err := a.store.ClaimImportUpload(ctx, uid, u.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && len(up.Content) == 0) {
		return ImportReport{}, errs.New(errs.Conflict, errs.MsgImportNotChecked)
	}
	if err != nil {
		return ImportReport{}, err
	}
	rep, err := a.ImportOrg(ctx, u, up.Filename, bytes.NewReader(up.Content), false, nil)
	if err == nil && !rep.OK() {
		err = errs.New(errs.Conflict, errs.MsgImportFile, fmt.Sprint(rep.Problems[0]))
	}
	if err != nil {
		if uerr := a.store.UnclaimImportUpload(ctx, uid); uerr != nil {
			a.log.Warn("import: unclaim upload", zap.Error(uerr))
		}
		return rep, err
	}
	rep.ID = id
	js, err := json.Marshal(rep)
	if err != nil {
		return rep, err
	}
	return rep, a.store.SetImportReport(ctx, uid, js)
}
