package server

// Routes of issue 20: 委托 (delegations), 转交 (hand-over) and 抄送我的.

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/store"
)

func (s *Server) delegationRoutes(r chi.Router) {
	r.Get("/delegations", s.handle(s.listDelegations))
	r.Post("/delegations", s.handle(s.createDelegation))
	r.Post("/delegations/{id}/end", s.handle(get(s.act.EndDelegation)))
	r.Post("/processes/{id}/handover", s.handle(step(s.act.HandOver)))
	r.Get("/copies", s.handle(list(s.act.CopiedToMe)))
}

func (s *Server) listDelegations(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return actions.NoQuery(r.URL.Query())
	}
	return answer[actions.List[store.Delegation]](w)(s.act.Delegations(r.Context(), userOf(r)))
}

func (s *Server) createDelegation(w http.ResponseWriter, r *http.Request) error {
	var req actions.DelegationRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	d, err := s.act.CreateDelegation(r.Context(), userOf(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, d)
}
