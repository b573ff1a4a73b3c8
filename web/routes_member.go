package web

import "github.com/go-chi/chi/v5"

// memberRoutes are the member's pages (请假, 销假, 情况说明).
func (p *Pages) memberRoutes(r chi.Router) {}
