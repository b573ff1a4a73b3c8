package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"zhucun/errs"
	"zhucun/policy"
)

// writeJSON is every JSON answer: one encoding (no HTML escaping, so
// Chinese and "<" pass through as written), ending with a newline.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the status is sent; a broken connection is the client's
	return nil
}

// decode reads a JSON body strictly: JSON content type, valid UTF-8, no
// unknown fields, one value. Errors name the field where one is at fault.
func decode(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); ct != "" && (err != nil || mt != "application/json") {
		return errs.New(errs.Unsupported, errs.MsgUnsupported)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errs.New(errs.TooLarge, errs.MsgBodyTooLarge, tooBig.Limit)
		}
		return errs.New(errs.Invalid, errs.MsgBodyUnreadable).WithDetail("%v", err)
	}
	if !utf8.Valid(body) {
		return errs.New(errs.Invalid, errs.MsgBodyNotUTF8)
	}
	trimmed := strings.TrimSpace(string(body))
	if len(trimmed) == 0 {
		return errs.New(errs.Invalid, errs.MsgBodyEmpty)
	}
	if trimmed[0] != '{' {
		return errs.New(errs.Invalid, errs.MsgBodyNotObject)
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return errs.Field(typeErr.Field, errs.MsgFieldType, describeType(typeErr.Type))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			if f == "" {
				return errs.New(errs.Invalid, errs.MsgBodyEmptyKey)
			}
			return errs.Field(f, errs.MsgFieldUnknown)
		default:
			return errs.New(errs.Invalid, errs.MsgBodyNotJSON).WithDetail("%v", err)
		}
	}
	// Only white space may follow the object: More() would let a stray
	// "}" or "]" through.
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return errs.New(errs.Invalid, errs.MsgBodyOneObject)
	}
	if bad := strictStrings(body); bad != nil {
		return errs.Fields(bad).Err()
	}
	return nil
}

// strictStrings names the fields of a syntactically valid JSON body that
// decoding would silently accept but must not be: a key given twice
// (encoding/json keeps the last, matching names case-insensitively, while
// a proxy or log may read the first) and strings holding U+0000, which
// PostgreSQL cannot store in text or jsonb. Nil when there are none.
// (Keys are compared as struct fields are matched; no request body is a
// JSON map whose keys differ only in case.)
func strictStrings(body []byte) map[string]string {
	type frame struct {
		obj, wantKey bool
		path, key    string // this value's path; the path of the key being read
		keys         map[string]bool
	}
	var stack []*frame
	top := func() *frame {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	// valuePath is the path of the value the next token starts.
	valuePath := func() string {
		switch f := top(); {
		case f == nil:
			return ""
		case f.obj:
			return f.key
		default:
			return f.path
		}
	}
	valueDone := func() {
		if f := top(); f != nil && f.obj {
			f.wantKey = true
		}
	}
	bad := map[string]string{}
	set := func(path, msg string) {
		if path == "" {
			path = "body"
		}
		if _, seen := bad[path]; !seen {
			bad[path] = msg
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			break // io.EOF; syntax errors were reported by Decode
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				stack = append(stack, &frame{obj: v == '{', wantKey: v == '{', path: valuePath(), keys: map[string]bool{}})
				continue
			}
			stack = stack[:len(stack)-1]
		case string:
			if f := top(); f != nil && f.obj && f.wantKey {
				f.key, f.wantKey = v, false
				if f.path != "" {
					f.key = f.path + "." + v
				}
				if strings.ContainsRune(v, 0) {
					set(f.key, errs.Text(errs.MsgTextNotStorable))
				}
				k := foldKey(v)
				if f.keys[k] {
					set(f.key, errs.Text(errs.MsgFieldDuplicate))
				}
				f.keys[k] = true
				continue
			}
			if strings.ContainsRune(v, 0) {
				set(valuePath(), errs.Text(errs.MsgTextNotStorable))
			}
		}
		valueDone()
	}
	if len(bad) == 0 {
		return nil
	}
	return bad
}

// foldKey maps every name encoding/json would match to one field (it
// compares names like strings.EqualFold) to one key.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		b.WriteRune(min)
	}
	return b.String()
}

// describeType says what a JSON value of Go type t looks like, in the
// words of the catalogue, without Go's own type names.
func describeType(t reflect.Type) string {
	if t == reflect.TypeFor[policy.Duration]() {
		return errs.Text(errs.MsgTypeString) + `（时长，如 "24h"）`
	}
	switch t.Kind() {
	case reflect.String:
		return errs.Text(errs.MsgTypeString)
	case reflect.Bool:
		return errs.Text(errs.MsgTypeBool)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return errs.Text(errs.MsgTypeNumber)
	case reflect.Slice, reflect.Array:
		return errs.Text(errs.MsgTypeArray)
	}
	return errs.Text(errs.MsgTypeObject)
}

// checker is a request that validates its own fields once decoded.
type checker interface{ Check() error }

// decodeValid decodes a request body and runs the request's own checks.
func decodeValid(r *http.Request, req checker) error {
	if err := decode(r, req); err != nil {
		return err
	}
	return req.Check()
}
