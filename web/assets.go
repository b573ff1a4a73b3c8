package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"
)

// assets are the embedded static files, each served under a name with its
// content's hash ("app.3f2a9c1d.css"), so a browser may keep it for a year
// and a new binary's file is a new URL.
type assets struct {
	byURL  map[string][]byte // hashed name → content
	urls   map[string]string // file name → /static/hashed name
	styles []string          // every stylesheet's URL, in name order
}

func loadAssets() (*assets, error) {
	as := &assets{byURL: map[string][]byte{}, urls: map[string]string{}}
	names, err := fs.Glob(staticFS, "static/*")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := staticFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		base := path.Base(n)
		ext := path.Ext(base)
		hashed := strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		as.byURL[hashed] = b
		as.urls[base] = "/static/" + hashed
		if ext == ".css" {
			as.styles = append(as.styles, as.urls[base])
		}
	}
	return as, nil
}

// url is a file's fingerprinted address; "" for a file that is not there
// (the template shows it, and the page test fails).
func (as *assets) url(name string) string { return as.urls[name] }

func (as *assets) serve(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "name")
	b, ok := as.byURL[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}
