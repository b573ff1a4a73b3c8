package errs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// declaredKeys parses every file of the package for each constant of type
// Msg, so a key added without text cannot hide from the test. (Keys may be
// declared in more than one file, e.g. catalogue_pages.go, each adding its
// texts to the catalogue in an init.)
func declaredKeys(t *testing.T) map[string]Msg {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]Msg{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		declaredIn(f, keys)
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys; the parser missed them", len(keys))
	}
	return keys
}

func declaredIn(f *ast.File, keys map[string]Msg) {
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Msg" {
				continue
			}
			for i, n := range vs.Names {
				lit := vs.Values[i].(*ast.BasicLit)
				keys[n.Name] = Msg(strings.Trim(lit.Value, `"`))
			}
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func TestEveryKeyHasChineseText(t *testing.T) {
	seen := map[Msg]string{}
	for name, key := range declaredKeys(t) {
		if other, dup := seen[key]; dup {
			t.Errorf("%s and %s share the key %q", name, other, key)
		}
		seen[key] = name
		text, ok := catalogue[key]
		if !ok {
			t.Errorf("%s (%q) has no text in the catalogue", name, key)
			continue
		}
		if !hasHan(text) {
			t.Errorf("%s (%q) is not Chinese: %q", name, key, text)
		}
	}
	for key := range catalogue {
		if _, ok := seen[key]; !ok {
			t.Errorf("catalogue text for %q, which no constant declares", key)
		}
	}
}

func TestEveryCodeHasStatusAndMessage(t *testing.T) {
	for _, c := range Codes {
		if Status(c) == 500 && c != Internal {
			t.Errorf("code %s has no status", c)
		}
		m, ok := CodeMessage(c)
		if !ok || !Known(m) {
			t.Errorf("code %s has no message", c)
		}
		if e := Generic(c); e.Code != c || !hasHan(e.Message) {
			t.Errorf("Generic(%s) = %+v", c, e)
		}
	}
}

func TestFieldsNameEachField(t *testing.T) {
	f := Fields{}
	f.Check(true, "kind", MsgRequired)
	f.Check(false, "end_date", MsgEndBeforeStart)
	f.Check(false, "end_date", MsgDate) // the first message stands
	e, ok := As(f.Err())
	if !ok || e.Code != Invalid || e.Fields["end_date"] != Text(MsgEndBeforeStart) || len(e.Fields) != 1 {
		t.Fatalf("got %+v", e)
	}
	if !strings.Contains(e.Message, "end_date") || !hasHan(e.Message) {
		t.Errorf("message %q should name the field in Chinese", e.Message)
	}
	if (Fields{}).Err() != nil {
		t.Error("no failed check must be no error")
	}
}

func TestRoleList(t *testing.T) {
	got := RoleList([]string{"county_org_dept", "county_bureau", "unit_head"})
	if got != "县委组织部、县乡村振兴局和派出单位" {
		t.Errorf("RoleList = %q", got)
	}
	if RoleList([]string{"township_committee"}) != "乡镇党委" {
		t.Error("one role")
	}
}
