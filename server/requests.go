package server

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"zhucun/errs"
)

// storable: text a PostgreSQL text column can hold and compare.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// checkRequestText names the first part of the request line or the
// Idempotency-Key that is not storable text: such a value matches no row,
// and PostgreSQL would fail the query rather than find none.
func checkRequestText(r *http.Request) error {
	if !storable(r.URL.Path) {
		return errs.Field("path", errs.MsgTextNotStorable)
	}
	if !storable(r.Header.Get("Idempotency-Key")) {
		return errs.Field("Idempotency-Key", errs.MsgTextNotStorable)
	}
	for k, vs := range r.URL.Query() {
		if !storable(k) {
			return errs.Field("query", errs.MsgTextNotStorable)
		}
		for _, v := range vs {
			if !storable(v) {
				if k == "" {
					k = "query"
				}
				return errs.Field(k, errs.MsgTextNotStorable)
			}
		}
	}
	return nil
}

// requestText is the middleware of checkRequestText.
func (s *Server) requestText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkRequestText(r); err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}
