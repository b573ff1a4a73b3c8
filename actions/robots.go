package actions

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/notify"
	"zhucun/policy"
	"zhucun/store"
)

// RobotView is a group robot as the API shows it: where it points, never
// its key or secret. The URL holds the robot's key and DingTalk's secret
// signs every call, so both must be read back in plaintext and cannot be
// hashed like a password: they are sealed at rest with a data key of
// keys.json (AES-256-GCM, seal.SealText), opened only by the notice sender,
// never logged and never answered (SecretSet says only whether one is).
type RobotView struct {
	Kind      string    `json:"kind"`
	Host      string    `json:"host"`
	SecretSet bool      `json:"secret_set"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RobotGroup is an office, unit or team of the county and its robot (nil:
// its notices go to the deployment's robot).
type RobotGroup struct {
	Scope string     `json:"scope"`
	ID    string     `json:"id"`
	Name  string     `json:"name"`
	Robot *RobotView `json:"robot"`
}

// RobotRequest sets a group's robot. Secret nil keeps the secret stored;
// "" removes it.
type RobotRequest struct {
	Scope  string  `json:"-"`
	ID     string  `json:"-"`
	Kind   string  `json:"kind"`
	URL    string  `json:"url"`
	Secret *string `json:"secret"`
}

// Check validates the request's fields; the URL's value is never quoted.
func (req RobotRequest) Check() error {
	f := errs.Fields{}
	f.Check(req.Kind == notify.KindWeCom || req.Kind == notify.KindDingTalk, "kind", errs.MsgRobotKind)
	u, err := url.Parse(req.URL)
	f.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(req.URL) <= 1000,
		"url", errs.MsgRobotURL)
	if req.Secret != nil && *req.Secret != "" {
		f.Check(len(*req.Secret) <= 200 && !strings.ContainsAny(*req.Secret, " \t\r\n"), "secret", errs.MsgRobotSecret)
		f.Check(req.Kind != notify.KindWeCom, "secret", errs.MsgRobotSecretKind)
	}
	return f.Err()
}

var robotScopeNames = map[string]string{store.RobotOffice: "单位（乡镇、部门）", store.RobotUnit: "派出单位", store.RobotTeam: "工作队"}

// Robots lists the county bureau's county's offices, units and teams with
// their robots.
func (a *Actions) Robots(ctx context.Context, u User) (List[RobotGroup], error) {
	if u.Role != policy.RoleCountyBureau {
		return List[RobotGroup]{}, errs.New(errs.Forbidden, errs.MsgRobotBureauOnly)
	}
	gs, err := a.store.CountyRobotGroups(ctx, u.CountyID)
	if err != nil {
		return List[RobotGroup]{}, err
	}
	out := List[RobotGroup]{Items: make([]RobotGroup, 0, len(gs))}
	for _, g := range gs {
		out.Items = append(out.Items, RobotGroup{Scope: g.Scope, ID: g.ID, Name: g.Name, Robot: robotView(g.Robot)})
	}
	return out, nil
}

func robotView(r *store.Robot) *RobotView {
	if r == nil {
		return nil
	}
	return &RobotView{Kind: r.Kind, Host: r.URLHost, SecretSet: r.SecretSealed != "", UpdatedBy: r.UpdatedBy,
		UpdatedAt: r.UpdatedAt.In(policy.China)}
}

// robotScope checks that u, a county bureau, may set the robot of the
// group: one of its county.
func (a *Actions) robotScope(ctx context.Context, u User, scope, id string) error {
	if u.Role != policy.RoleCountyBureau {
		return errs.New(errs.Forbidden, errs.MsgRobotBureauOnly)
	}
	name, ok := robotScopeNames[scope]
	if !ok {
		return errs.New(errs.NotFound, errs.MsgRobotScope)
	}
	county, err := a.store.RobotGroupCounty(ctx, scope, id)
	if errors.Is(err, store.ErrNotFound) {
		return errs.New(errs.NotFound, errs.MsgRobotNoGroup, name, id)
	}
	if err != nil {
		return err
	}
	if county != u.CountyID {
		return errs.New(errs.Forbidden, errs.MsgRobotCounty)
	}
	return nil
}

// PutRobot sets a group's robot, its URL and secret sealed.
func (a *Actions) PutRobot(ctx context.Context, u User, req RobotRequest) (RobotGroup, error) {
	if err := a.robotScope(ctx, u, req.Scope, req.ID); err != nil {
		return RobotGroup{}, err
	}
	if err := req.Check(); err != nil {
		return RobotGroup{}, err
	}
	if a.keys == nil {
		return RobotGroup{}, errs.New(errs.Invalid, errs.MsgRobotNoKeys)
	}
	r := store.Robot{Scope: req.Scope, ScopeID: req.ID, Kind: req.Kind, UpdatedBy: u.Username}
	parsed, _ := url.Parse(req.URL)
	r.URLHost = parsed.Host
	var err error
	if r.URLSealed, err = a.keys.SealText(req.URL, notify.RobotBind(req.Scope, req.ID, "url")); err != nil {
		return RobotGroup{}, err
	}
	keep := req.Secret == nil
	if !keep && *req.Secret != "" {
		if r.SecretSealed, err = a.keys.SealText(*req.Secret, notify.RobotBind(req.Scope, req.ID, "secret")); err != nil {
			return RobotGroup{}, err
		}
	}
	if req.Kind == notify.KindWeCom {
		keep, r.SecretSealed = false, "" // WeCom robots are not signed
	}
	if err := a.store.PutRobot(ctx, r, keep); err != nil {
		return RobotGroup{}, err
	}
	// Who set which group's robot, never its URL or secret.
	a.logger(ctx).Info("group robot set", zap.String("scope", req.Scope), zap.String("group", req.ID),
		zap.String("kind", req.Kind), zap.String("host", r.URLHost), zap.String("by", u.Username))
	return a.robotGroup(ctx, u, req.Scope, req.ID)
}

// DeleteRobot removes a group's robot: its notices go to the deployment's.
func (a *Actions) DeleteRobot(ctx context.Context, u User, scope, id string) (RobotGroup, error) {
	if err := a.robotScope(ctx, u, scope, id); err != nil {
		return RobotGroup{}, err
	}
	if err := a.store.DeleteRobot(ctx, scope, id); err != nil {
		return RobotGroup{}, err
	}
	a.logger(ctx).Info("group robot removed", zap.String("scope", scope), zap.String("group", id), zap.String("by", u.Username))
	return a.robotGroup(ctx, u, scope, id)
}

func (a *Actions) robotGroup(ctx context.Context, u User, scope, id string) (RobotGroup, error) {
	list, err := a.Robots(ctx, u)
	if err != nil {
		return RobotGroup{}, err
	}
	for _, g := range list.Items {
		if g.Scope == scope && g.ID == id {
			return g, nil
		}
	}
	return RobotGroup{}, errs.New(errs.NotFound, errs.MsgRobotNoGroup, robotScopeNames[scope], id)
}

// importRobots stores the group robots an imported workbook sets, sealed
// as PutRobot seals them (the importer is an admin or the city bureau,
// whom canImport let through).
func (a *Actions) importRobots(ctx context.Context, u User, rs []store.ImportRobot) error {
	if len(rs) == 0 {
		return nil
	}
	if a.keys == nil {
		return errs.New(errs.Invalid, errs.MsgRobotNoKeys)
	}
	for _, ir := range rs {
		r := store.Robot{Scope: ir.Scope, ScopeID: ir.ID, Kind: ir.Kind, UpdatedBy: u.Username}
		parsed, err := url.Parse(ir.URL)
		if err != nil {
			return err
		}
		r.URLHost = parsed.Host
		if r.URLSealed, err = a.keys.SealText(ir.URL, notify.RobotBind(ir.Scope, ir.ID, "url")); err != nil {
			return err
		}
		if ir.Secret != "" {
			if r.SecretSealed, err = a.keys.SealText(ir.Secret, notify.RobotBind(ir.Scope, ir.ID, "secret")); err != nil {
				return err
			}
		}
		if err := a.store.PutRobot(ctx, r, false); err != nil {
			return err
		}
	}
	a.logger(ctx).Info("group robots imported", zap.Int("robots", len(rs)), zap.String("by", u.Username))
	return nil
}
