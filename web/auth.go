package web

// Logging in and out, the home page, changing one's password.

import (
	"net/http"

	"zhucun/actions"
	"zhucun/internal/throttle"
	"zhucun/policy"
	"zhucun/store"
)

func (p *Pages) loginPage(w http.ResponseWriter, r *http.Request) error {
	if _, ok := userOf(r); ok {
		return redirect(w, r, localPath(r.URL.Query().Get("next")), "")
	}
	p.render(w, r, http.StatusOK, "login", page{Title: "登录", Form: r.URL.Query()})
	return nil
}

func (p *Pages) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	req := actions.LoginRequest{Username: r.PostForm.Get("username"), Password: r.PostForm.Get("password"),
		Address: throttle.Address(r.RemoteAddr)}
	token, _, err := p.act.StartSession(r.Context(), req)
	if err != nil {
		pg := page{Title: "登录"}
		if !formError(err, &pg, r) {
			e, _ := actions.Explain(err)
			if e.Code != "unauthenticated" && e.Code != "rate_limited" {
				return err
			}
			pg.Form, pg.Error = r.PostForm, e.Message
		}
		pg.Form.Del("password") // never sent back
		p.render(w, r, http.StatusOK, "login", pg)
		return nil
	}
	setSession(w, r, token, int(actions.SessionMaxAge.Seconds()))
	return redirect(w, r, localPath(r.PostForm.Get("next")), "")
}

func (p *Pages) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := p.act.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	setSession(w, r, "", -1)
	return redirect(w, r, "/login", "已退出登录")
}

// homeData: what waits on the user (待办), and a member's own processes.
type homeData struct {
	Waiting []store.InboxItem
	// WaitingNext is the cursor of 待办's next page, "" when it all fits.
	WaitingNext string
	Mine        []store.Process
}

func (p *Pages) home(w http.ResponseWriter, r *http.Request) error {
	u := mustUser(r)
	inbox, err := p.act.Inbox(r.Context(), u, nil)
	if err != nil {
		return err
	}
	d := homeData{Waiting: inbox.Items, WaitingNext: inbox.Next}
	if u.Role == policy.RoleMember {
		mine, err := p.act.ListProcesses(r.Context(), u, map[string][]string{"limit": {"50"}})
		if err != nil {
			return err
		}
		d.Mine = mine.Items
	}
	p.render(w, r, http.StatusOK, "home", page{Title: "首页", Nav: "home", Data: d})
	return nil
}

func (p *Pages) passwordPage(w http.ResponseWriter, r *http.Request) error {
	p.render(w, r, http.StatusOK, "password", page{Title: "修改密码", Nav: "password"})
	return nil
}

func (p *Pages) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	req := actions.PasswordRequest{Current: r.PostForm.Get("current_password"), New: r.PostForm.Get("new_password"),
		Repeat: r.PostForm.Get("repeat_password")}
	if c, err := r.Cookie(sessionCookie); err == nil {
		req.Session = c.Value
	}
	if err := p.act.ChangePassword(r.Context(), mustUser(r), req); err != nil {
		pg := page{Title: "修改密码", Nav: "password"}
		if !formError(err, &pg, r) {
			return err
		}
		pg.Form = nil // passwords are never sent back
		p.render(w, r, http.StatusOK, "password", pg)
		return nil
	}
	return redirect(w, r, "/", "密码已修改；其他设备上的登录已退出")
}
