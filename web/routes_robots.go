package web

// 群机器人: the county bureau sets each office's, unit's and team's own
// group robot, to which their people's notices go.

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/notify"
)

func (p *Pages) robotRoutes(r chi.Router) {
	r.Get("/robots", p.handle(p.robotsPage))                       // Robots
	r.Get("/robots/{scope}/{id}", p.handle(p.robotForm))           // Robots (the group's line)
	r.Post("/robots/{scope}/{id}", p.handle(p.saveRobot))          // PutRobot
	r.Post("/robots/{scope}/{id}/delete", p.handle(p.removeRobot)) // DeleteRobot
}

func (p *Pages) robotsPage(w http.ResponseWriter, r *http.Request) error {
	list, err := p.act.Robots(r.Context(), mustUser(r))
	if err != nil {
		return err
	}
	pg := page{Title: "群机器人", Nav: "robots", Data: list.Items}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_robots", pg)
	return nil
}

// robotGroup is the group of the URL, from the county's list.
func (p *Pages) robotGroup(r *http.Request) (actions.RobotGroup, error) {
	list, err := p.act.Robots(r.Context(), mustUser(r))
	if err != nil {
		return actions.RobotGroup{}, err
	}
	scope, id := chi.URLParam(r, "scope"), chi.URLParam(r, "id")
	for _, g := range list.Items {
		if g.Scope == scope && g.ID == id {
			return g, nil
		}
	}
	return actions.RobotGroup{}, errs.New(errs.NotFound, errs.MsgRobotNoGroup, "群组", id)
}

func (p *Pages) robotForm(w http.ResponseWriter, r *http.Request) error {
	g, err := p.robotGroup(r)
	if err != nil {
		return err
	}
	pg := page{Title: g.Name + "的群机器人", Nav: "robots", Data: g}
	// The URL is never shown again: only its kind is filled in.
	pg.Form = url.Values{"kind": {notify.KindWeCom}}
	if g.Robot != nil {
		pg.Form.Set("kind", g.Robot.Kind)
	}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_robot", pg)
	return nil
}

func (p *Pages) saveRobot(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	req := actions.RobotRequest{Scope: chi.URLParam(r, "scope"), ID: chi.URLParam(r, "id"),
		Kind: f.Get("kind"), URL: f.Get("url")}
	// An empty secret box keeps the secret stored, as it is never shown;
	// the box "clear" removes it.
	if s := f.Get("secret"); s != "" {
		req.Secret = &s
	} else if f.Get("clear_secret") == "yes" {
		empty := ""
		req.Secret = &empty
	}
	_, err := p.act.PutRobot(r.Context(), mustUser(r), req)
	if err == nil {
		return redirect(w, r, "/robots", errs.Text(errs.MsgRobotSaved))
	}
	g, gerr := p.robotGroup(r)
	if gerr != nil {
		return gerr
	}
	pg := page{Title: g.Name + "的群机器人", Nav: "robots", Data: g}
	if !formError(err, &pg, r) {
		return err
	}
	// Never echo the secret back into the page.
	pg.Form.Del("secret")
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "office_robot", pg)
	return nil
}

func (p *Pages) removeRobot(w http.ResponseWriter, r *http.Request) error {
	if _, err := p.act.DeleteRobot(r.Context(), mustUser(r), chi.URLParam(r, "scope"), chi.URLParam(r, "id")); err != nil {
		return err
	}
	return redirect(w, r, "/robots", errs.Text(errs.MsgRobotRemoved))
}
