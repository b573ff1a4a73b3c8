package orgimport

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
)

// MaxUpload is the largest workbook accepted from a browser.
const MaxUpload = 20 << 20

// CheckUpload reads an uploaded file (at most MaxUpload bytes) and checks
// by its content, not its name, that it is an xlsx workbook: a zip
// archive holding [Content_Types].xml and xl/workbook.xml, whose parts
// unzip to no more than MaxUnzipped (a zip bomb is refused here, before
// anything is inflated).
func CheckUpload(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxUpload+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxUpload {
		return nil, &FileError{fmt.Sprintf("文件超过 %d MB", MaxUpload>>20)}
	}
	if len(b) < 4 || !bytes.Equal(b[:4], []byte("PK\x03\x04")) {
		return nil, &FileError{"文件不是有效的 Excel 工作簿（.xlsx）：请上传 Excel 保存的 .xlsx 文件"}
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, &FileError{"文件不是有效的 Excel 工作簿（.xlsx）：压缩包已损坏"}
	}
	var total uint64
	parts := map[string]bool{}
	for _, f := range zr.File {
		total += f.UncompressedSize64
		parts[f.Name] = true
	}
	if total > uint64(MaxUnzipped) {
		return nil, &FileError{fmt.Sprintf("文件解压后超过 %d MB，已拒绝读取（可能是压缩炸弹）", MaxUnzipped>>20)}
	}
	if !parts["[Content_Types].xml"] || !parts["xl/workbook.xml"] {
		return nil, &FileError{"文件不是有效的 Excel 工作簿（.xlsx）：缺少工作簿内容"}
	}
	return b, nil
}
