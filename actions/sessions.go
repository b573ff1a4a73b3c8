package actions

// Page sessions and passwords: what the pages need of accounts beyond the
// API's bearer tokens.

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"zhucun/errs"
	"zhucun/store"
)

// Session lengths: a page session ends after SessionIdle unused, and after
// SessionMaxAge in any case.
const (
	SessionIdle   = 30 * time.Minute
	SessionMaxAge = 12 * time.Hour
)

// StartSession checks a username and password as Login does and opens a
// page session; the answer is the cookie's value.
func (a *Actions) StartSession(ctx context.Context, req LoginRequest) (string, User, error) {
	u, err := a.checkPassword(ctx, req)
	if err != nil {
		return "", User{}, err
	}
	tok, err := a.store.CreateSession(ctx, u.ID, SessionMaxAge)
	return tok, u, err
}

// ResumeSession is the user of a live page session, which it keeps alive.
func (a *Actions) ResumeSession(ctx context.Context, token string) (User, error) {
	u, err := a.store.SessionUser(ctx, token, SessionIdle)
	if errors.Is(err, store.ErrNotFound) {
		return User{}, errs.New(errs.Unauthenticated, errs.MsgSessionEnded)
	}
	return u, err
}

// EndSession revokes a page session (logout).
func (a *Actions) EndSession(ctx context.Context, token string) error {
	return a.store.RevokeSession(ctx, token)
}

// PasswordRequest changes the caller's own password.
type PasswordRequest struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
	Repeat  string `json:"repeat_password"`
	// Session is the page session to keep; every other one ends.
	Session string `json:"-"`
}

// commonPasswords are refused whatever their length: the first guesses of
// anyone trying accounts.
var commonPasswords = []string{"12345678", "123456789", "1234567890", "87654321", "11111111", "88888888",
	"00000000", "66666666", "password", "password1", "qwertyui", "qwerty123", "abc12345", "a1234567",
	"iloveyou", "zhucun-demo", "zhucun123", "admin123", "woaini1314", "1qaz2wsx", "qq123456"}

// CheckNewPassword: at least 8 characters, not the username, not a
// common password.
func CheckNewPassword(f errs.Fields, field, username, password string) {
	f.Check(utf8.RuneCountInString(password) >= 8, field, errs.MsgPasswordShort)
	lower := strings.ToLower(password)
	f.Check(lower != strings.ToLower(username), field, errs.MsgPasswordUsername)
	for _, c := range commonPasswords {
		f.Check(lower != c, field, errs.MsgPasswordCommon)
	}
}

// ChangePassword sets a new password after checking the current one; the
// user's other sessions and tokens end.
func (a *Actions) ChangePassword(ctx context.Context, u User, req PasswordRequest) error {
	f := errs.Fields{}
	f.Check(req.Current != "", "current_password", errs.MsgRequired)
	CheckNewPassword(f, "new_password", u.Username, req.New)
	f.Check(req.Repeat == req.New, "repeat_password", errs.MsgPasswordRepeat)
	if err := f.Err(); err != nil {
		return err
	}
	err := a.store.ChangePassword(ctx, u.ID, req.Current, req.New, req.Session)
	a.caches.drop(store.ChangeAuth) // here at once; elsewhere by the notice
	if errors.Is(err, store.ErrBadCredentials) {
		return errs.Field("current_password", errs.MsgPasswordWrong)
	}
	return err
}
