package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"zhucun/demo"
	"zhucun/policy"
)

// api is a small HTTP client for the product side of the comparison. Over
// several api processes it sends each request to the next one in turn;
// any of them accepts any token, since tokens live in PostgreSQL.
type api struct {
	bases  []string
	next   atomic.Uint64
	http   *http.Client
	tokens sync.Map // username → token
	users  map[string]map[string]any
}

func newAPI(bases ...string) *api {
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	return &api{bases: bases, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}, users: map[string]map[string]any{}}
}

// base is the api process the next request goes to.
func (a *api) base() string {
	return a.bases[(a.next.Add(1)-1)%uint64(len(a.bases))]
}

func (a *api) call(ctx context.Context, token, method, path string, body any, want int) (map[string]any, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base()+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]any{}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode != want {
		return out, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return out, nil
}

func (a *api) login(ctx context.Context, user string) (string, error) {
	out, err := a.call(ctx, "", "POST", "/api/v1/login", map[string]string{"username": user, "password": demo.Password}, 200)
	if err != nil {
		return "", err
	}
	a.users[user] = out["user"].(map[string]any)
	return out["token"].(string), nil
}

// members logs in every demo member and their township committee.
func (a *api) members(ctx context.Context) ([]string, map[string]string, error) {
	var members []string
	committee := map[string]string{}
	for _, acc := range demo.Accounts() {
		if acc.Role != policy.RoleMember {
			continue
		}
		members = append(members, acc.Username)
		committee[acc.Username] = acc.TownshipID + "-committee"
	}
	for _, u := range members {
		for _, name := range []string{u, committee[u]} {
			if _, ok := a.tokens.Load(name); ok {
				continue
			}
			tok, err := a.login(ctx, name)
			if err != nil {
				return nil, nil, fmt.Errorf("demo account %s (is the demo organisation loaded? run api with --demo): %w", name, err)
			}
			a.tokens.Store(name, tok)
		}
	}
	return members, committee, nil
}

func (a *api) token(user string) string { t, _ := a.tokens.Load(user); return t.(string) }

// product drives POST /leaves then POST /leaves/{id}/decision, as raw drives
// ExecuteWorkflow then UpdateWorkflow, at the same concurrency.
type product struct {
	api       *api
	members   []string
	committee map[string]string
	first     time.Time    // the first day no earlier leave holds
	seq       atomic.Int64 // a fresh day for every leave: no overlaps
	ids       []string
}

func (p *product) submit(ctx context.Context, i int) error {
	n := p.seq.Add(1)
	m := p.members[int(n)%len(p.members)]
	day := policy.FormatDate(policy.AddDays(p.first, int(n)/len(p.members)))
	out, err := p.api.call(ctx, p.api.token(m), "POST", "/api/v1/leaves",
		map[string]any{"kind": "personal", "start_date": day, "end_date": day, "reason": "bench"}, 201)
	if err != nil {
		return err
	}
	p.ids[i] = out["id"].(string) + "|" + m
	return nil
}

func (p *product) decide(ctx context.Context, i int) error {
	id, m, _ := strings.Cut(p.ids[i], "|")
	if id == "" {
		return fmt.Errorf("no leave %d to decide", i)
	}
	_, err := p.api.call(ctx, p.api.token(p.committee[m]), "POST", "/api/v1/leaves/"+id+"/decision",
		map[string]any{"decision": "approve"}, 200)
	return err
}

// raw GETs a path and drains the body, failing on anything but 200.
func (a *api) raw(ctx context.Context, token, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", a.base()+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		return int(n), fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return int(n), nil
}
