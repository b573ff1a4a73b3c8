package server

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// decode reads a JSON body strictly: JSON content type, valid UTF-8, no
// unknown fields, one value. Errors name the field where one is at fault.
func decode(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); ct != "" && (err != nil || mt != "application/json") {
		return errf(CodeUnsupported, "Content-Type must be application/json")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errf(CodeTooLarge, "request body is larger than %d bytes", tooBig.Limit)
		}
		return errf(CodeInvalid, "cannot read request body")
	}
	if !utf8.Valid(body) {
		return errf(CodeInvalid, "request body is not valid UTF-8")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return errf(CodeInvalid, "request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return fieldErr(map[string]string{typeErr.Field: "must be a " + typeErr.Type.String()})
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return fieldErr(map[string]string{f: "unknown field"})
		default:
			return errf(CodeInvalid, "request body is not valid JSON: %v", err)
		}
	}
	if dec.More() {
		return errf(CodeInvalid, "request body must hold one JSON object")
	}
	return nil
}

// fields collects per-field validation messages.
type fields map[string]string

func (f fields) check(ok bool, field, msg string) {
	if !ok {
		if _, seen := f[field]; !seen {
			f[field] = msg
		}
	}
}

func (f fields) err() error {
	if len(f) == 0 {
		return nil
	}
	return fieldErr(f)
}
