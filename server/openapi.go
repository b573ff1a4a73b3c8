package server

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the JSON API's OpenAPI 3.1 document (openapi.json, kept in
// the repository): every route under /api/v1 with its parameters, bodies,
// answers and errors. TestOpenAPIRoutes holds it to the router, and the
// end-to-end tests validate every request and answer they make against it.
//
//go:embed openapi.json
var OpenAPI []byte

// openAPI serves GET /api/v1/openapi.json, to anyone.
func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(OpenAPI)
}
