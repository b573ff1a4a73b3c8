package actions

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"zhucun/errs"
)

// TestSniffByContent: the type is the content's, whatever the name says;
// a file that only starts like an accepted one is refused too.
func TestSniffByContent(t *testing.T) {
	var j, p bytes.Buffer
	if err := jpeg.Encode(&j, image.NewRGBA(image.Rect(0, 0, 2, 2)), nil); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&p, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	pdf := "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
	for _, c := range []struct {
		name    string
		content []byte
		want    string // "" refused
	}{
		{"a.jpg", j.Bytes(), "image/jpeg"},
		{"a.pdf", p.Bytes(), "image/png"}, // a PNG named .pdf is a PNG
		{"a.png", []byte(pdf), "application/pdf"},
		{"elf.jpg", append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...), ""},
		{"mz.png", append([]byte("MZ\x90\x00"), make([]byte, 64)...), ""},
		{"half.jpg", j.Bytes()[:8], ""},
		{"fake.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...), ""},
		{"noeof.pdf", []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"), ""},
		{"script.pdf", []byte(strings.Replace(pdf, "/Catalog", "/Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>", 1)), ""},
		{"page.jpg", []byte("<html><script>alert(1)</script></html>"), ""},
	} {
		ct, ok := sniff(c.content)
		if (c.want == "") == ok || (ok && ct != c.want) {
			t.Errorf("%s: %q, %v; want %q", c.name, ct, ok, c.want)
		}
	}
}

func TestCheckUploadsLimits(t *testing.T) {
	var p bytes.Buffer
	if err := png.Encode(&p, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	code := func(files ...Upload) errs.Code {
		e, _ := errs.As(CheckUploads(files))
		if e == nil {
			return ""
		}
		if e.Fields["file"] == "" {
			t.Errorf("%s does not name the file field", e.Key)
		}
		return e.Code
	}
	ok := Upload{"a.png", p.Bytes()}
	if c := code(ok, ok, ok, ok, ok); c != "" {
		t.Errorf("five files: %s", c)
	}
	if c := code(ok, ok, ok, ok, ok, ok); c != errs.Conflict {
		t.Errorf("six files: %s", c)
	}
	if c := code(Upload{"big.png", append(p.Bytes(), make([]byte, MaxAttachmentBytes)...)}); c != errs.TooLarge {
		t.Errorf("too big: %s", c)
	}
	if c := code(Upload{"empty.png", nil}); c != errs.Invalid {
		t.Errorf("empty: %s", c)
	}
	if c := code(); c != errs.Invalid {
		t.Errorf("none: %s", c)
	}
	if got := cleanFilename(`C:\Users\x\病假"条` + "\x00.jpg"); got != "病假条.jpg" {
		t.Errorf("cleanFilename = %q", got)
	}
}
