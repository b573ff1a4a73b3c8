package orgimport

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"strings"
	"testing"

	"zhucun/store"
)

// bomb is a real zip bomb: a well-formed xlsx whose one sheet is n bytes
// of zeros, deflated to about a thousandth.
func bomb(t *testing.T, n int64) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		io.WriteString(w, "<x/>")
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(w, zeros{}, n); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestZipBombRefused(t *testing.T) {
	defer func(old int64) { MaxUnzipped = old }(MaxUnzipped)
	MaxUnzipped = 64 << 20 // the same check as at 1 GB, with a bomb quick to build
	b := bomb(t, 100<<20)
	if len(b) > 1<<20 {
		t.Fatalf("the bomb is %d bytes; not much of a bomb", len(b))
	}
	_, err := CheckUpload(bytes.NewReader(b))
	if fe, ok := err.(*FileError); !ok || !strings.Contains(fe.Reason, "压缩炸弹") {
		t.Errorf("upload check of a zip bomb: %v", err)
	}
	// And the reader, for a file that did not come through the page.
	_, err = Read(bytes.NewReader(b), empty(), nil)
	if fe, ok := err.(*FileError); !ok || !strings.Contains(fe.Reason, "压缩炸弹") {
		t.Errorf("reading a zip bomb: %v", err)
	}
}

func TestNotAWorkbookRefused(t *testing.T) {
	for name, b := range map[string][]byte{
		"text renamed .xlsx": []byte("县区编号,县区名称\nxiping,西平县\n"),
		"a zip, no workbook": func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("readme.txt")
			io.WriteString(w, "hello")
			zw.Close()
			return buf.Bytes()
		}(),
		"too big": append([]byte("PK\x03\x04"), make([]byte, MaxUpload)...),
	} {
		if _, err := CheckUpload(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if _, ok := err.(*FileError); !ok {
			t.Errorf("%s: %v is no FileError", name, err)
		}
	}
	_, err := Read(strings.NewReader("not a workbook"), store.KnownOrg{}, nil)
	if fe, ok := err.(*FileError); !ok || !strings.Contains(fe.Reason, "不是有效的") {
		t.Errorf("reading text: %v", err)
	}
	var tmpl bytes.Buffer
	if err := WriteTemplate(&tmpl); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckUpload(&tmpl); err != nil {
		t.Errorf("the template itself refused: %v", err)
	}
}
