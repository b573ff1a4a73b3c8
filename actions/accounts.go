package actions

// Handing out and managing accounts: the one-time passwords of the
// accounts an import created, an administrator's reset and disabling, and
// the rule that a one-time password must be replaced before anything else.

import (
	"context"
	"errors"
	"strings"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
)

// canManageAccounts: accounts are the administrator's and the city
// bureau's, who import the organisation.
func canManageAccounts(u User) error {
	if u.Role != policy.RoleAdmin && u.Role != policy.RoleCityBureau {
		return errs.New(errs.Forbidden, errs.MsgAccountsAdmins)
	}
	return nil
}

// IssueAccounts hands out one-time passwords to the accounts in scope that
// have none yet; each is in the answer once, and never again.
func (a *Actions) IssueAccounts(ctx context.Context, u User, scope store.IssueScope) ([]store.IssuedAccount, error) {
	if err := canManageAccounts(u); err != nil {
		return nil, err
	}
	return a.store.IssueAccounts(ctx, scope)
}

// IssueImportAccounts issues the accounts of an import's counties, and the
// city-level ones, to its uploader: the accounts sheet of the import page.
func (a *Actions) IssueImportAccounts(ctx context.Context, u User, importID string) ([]store.IssuedAccount, error) {
	rep, applied, err := a.ImportUploadReport(ctx, u, importID)
	if err != nil {
		return nil, err
	}
	if !applied {
		return nil, errs.New(errs.Conflict, errs.MsgImportNotChecked)
	}
	return a.IssueAccounts(ctx, u, store.IssueScope{Counties: rep.Counties, CityLevel: true})
}

// AccountRequest names an account to manage.
type AccountRequest struct {
	Username string `json:"username"`
}

// ResetResult is a reset's one-time password, shown once.
type ResetResult struct {
	Username string `json:"username"`
	Password string `json:"one_time_password"`
}

// ResetPassword gives an account a new one-time password, which its holder
// must change at the next login; its sessions and tokens end.
func (a *Actions) ResetPassword(ctx context.Context, u User, req AccountRequest) (ResetResult, error) {
	if err := canManageAccounts(u); err != nil {
		return ResetResult{}, err
	}
	name := strings.TrimSpace(req.Username)
	if name == "" {
		return ResetResult{}, errs.Field("username", errs.MsgRequired)
	}
	pw, err := a.store.ResetPassword(ctx, name)
	a.caches.drop(store.ChangeAuth) // here at once; elsewhere by the notice
	if errors.Is(err, store.ErrNotFound) {
		return ResetResult{}, errs.Generic(errs.NotFound)
	}
	return ResetResult{Username: name, Password: pw}, err
}

// DisableAccount stops an account: it cannot log in, and its sessions
// and tokens stop working at once.
func (a *Actions) DisableAccount(ctx context.Context, u User, req AccountRequest) error {
	if err := canManageAccounts(u); err != nil {
		return err
	}
	name := strings.TrimSpace(req.Username)
	if name == "" {
		return errs.Field("username", errs.MsgRequired)
	}
	err := a.store.DisableAccount(ctx, name)
	a.caches.drop(store.ChangeAuth) // here at once; elsewhere by the notice
	if errors.Is(err, store.ErrNotFound) {
		return errs.Generic(errs.NotFound)
	}
	return err
}

// PasswordChangeFirst refuses everything but changing the password (and
// reading who one is, and logging out) to a user whose password is a
// one-time one.
func PasswordChangeFirst(u User) error {
	if u.MustChangePassword {
		return errs.New(errs.Forbidden, errs.MsgMustChangePassword)
	}
	return nil
}
