package web

import "github.com/go-chi/chi/v5"

// approverRoutes are the approving offices' and unit heads' pages (待办,
// 已办, 备案, 查岗).
func (p *Pages) approverRoutes(r chi.Router) {}
