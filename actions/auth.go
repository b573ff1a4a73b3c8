package actions

// Accounts: log in, log out, who am I, and the token check every other
// action relies on.

import (
	"context"
	"errors"
	"time"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
)

// Authenticate is the user a bearer token stands for.
func (a *Actions) Authenticate(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, errs.New(errs.Unauthenticated, errs.MsgNoToken)
	}
	u, err := a.userByToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return User{}, errs.New(errs.Unauthenticated, errs.MsgBadToken)
	}
	return u, err
}

// Session is a login's answer: the token, when it expires, and who.
type Session struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
	User      Me     `json:"user"`
	// MustChangePassword: the password was a one-time one; every route
	// but POST /password (and /me, /logout) refuses until it is changed.
	MustChangePassword bool `json:"must_change_password,omitempty"`
}

// Login checks a username and password and issues a token. Unknown users
// and wrong passwords are answered alike.
func (a *Actions) Login(ctx context.Context, req LoginRequest) (Session, error) {
	u, err := a.checkPassword(ctx, req)
	if err != nil {
		return Session{}, err
	}
	tok, exp, err := a.store.IssueToken(ctx, u.ID, a.tokenTTL)
	if err != nil {
		return Session{}, err
	}
	return Session{Token: tok, ExpiresAt: exp.In(policy.China).Format(time.RFC3339), User: MeOf(u),
		MustChangePassword: u.MustChangePassword}, nil
}

// checkPassword is the user a username and password stand for, behind
// the login guard: a throttled address is refused before the password is
// read, and a failure counts against the address and the username.
func (a *Actions) checkPassword(ctx context.Context, req LoginRequest) (User, error) {
	if err := req.Check(); err != nil {
		return User{}, err
	}
	done, err := a.loginBegin(ctx, req.Username, req.Address)
	if err != nil {
		return User{}, err
	}
	u, err := a.store.Authenticate(ctx, req.Username, req.Password)
	done(err == nil)
	if errors.Is(err, store.ErrBadCredentials) {
		return User{}, errs.New(errs.Unauthenticated, errs.MsgBadCredentials)
	}
	return u, err
}

// Logout revokes the token.
func (a *Actions) Logout(ctx context.Context, token string) error {
	err := a.store.RevokeToken(ctx, token)
	a.caches.drop(store.ChangeAuth) // here at once; elsewhere by the notice
	return err
}

// Me is the user resource of the API contract: who, which role, and the
// ids that scope what they see and do.
type Me struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	// RoleName is the role as people read it (驻村队员, 县委组织部...).
	RoleName   string `json:"role_name"`
	MemberID   string `json:"member_id,omitempty"`
	UnitID     string `json:"unit_id,omitempty"`
	OfficeID   string `json:"office_id,omitempty"`
	TeamID     string `json:"team_id,omitempty"`
	TownshipID string `json:"township_id,omitempty"`
	CountyID   string `json:"county_id,omitempty"`
	// SeesAll: the user's scope is the whole city (city offices, admin).
	SeesAll bool `json:"sees_all"`
	// ActsFor is the party steps wait on when they wait on this user.
	ActsFor PartyView `json:"acts_for"`
	// Principal: a unit head who is the unit's principal (一把手) and so
	// signs absence explanations.
	Principal bool `json:"principal,omitempty"`
	// MustChangePassword: the password is a one-time one, to change first.
	MustChangePassword bool `json:"must_change_password,omitempty"`
}

// PartyView is a workflows.Party in the API's words.
type PartyView struct {
	Role     string `json:"role"`
	OfficeID string `json:"office_id,omitempty"`
	UnitID   string `json:"unit_id,omitempty"`
	MemberID string `json:"member_id,omitempty"`
}

// MeOf is u as the API shows them.
func MeOf(u User) Me {
	p := partyOf(u)
	return Me{ID: u.ID.String(), Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
		RoleName: errs.AccountRoleName(u.Role), MemberID: u.MemberID, UnitID: u.UnitID, OfficeID: u.OfficeID,
		TeamID: u.TeamID, TownshipID: u.TownshipID, CountyID: u.CountyID, SeesAll: scopeOf(u).All,
		ActsFor:   PartyView{Role: p.Role, OfficeID: p.OfficeID, UnitID: p.UnitID, MemberID: p.MemberID},
		Principal: u.Principal, MustChangePassword: u.MustChangePassword}
}

// WhoAmI is GET /me.
func (a *Actions) WhoAmI(_ context.Context, u User) (Me, error) { return MeOf(u), nil }
