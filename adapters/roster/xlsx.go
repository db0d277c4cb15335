package roster

import (
	"archive/zip"
	"bytes"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxUnzipped bounds what a workbook may hold once unzipped, so that a small
// file that unzips to gigabytes is refused before it is inflated. A roster
// at MaxSize unzips to a few times its size.
const maxUnzipped = 10 * MaxSize

// readWorkbook reads the two tables of an .xlsx workbook, from its sheets
// 网格 and 人员.
func readWorkbook(data []byte) ([len(tables)][]row, error) {
	var rows [len(tables)][]row
	if err := checkZip(data); err != nil {
		return rows, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped})
	if err != nil {
		return rows, damaged()
	}
	defer f.Close()
	var missing []Problem
	for i, t := range tables {
		if index, err := f.GetSheetIndex(t.name); err != nil || index < 0 {
			missing = append(missing, Problem{Message: "缺少工作表“" + t.name + "”"})
			continue
		}
		if rows[i], err = sheetRows(f, t.name); err != nil {
			return rows, damaged()
		}
	}
	return rows, problems(missing)
}

func damaged() error {
	return fileProblem("文件已损坏，无法作为 Excel 工作簿（.xlsx）读取")
}

// checkZip tells a zip archive that is no workbook, or one too large to
// unzip, from a workbook, before excelize inflates anything.
func checkZip(data []byte) error {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return damaged()
	}
	var size uint64
	workbook := false
	for _, f := range z.File {
		size += f.UncompressedSize64
		workbook = workbook || strings.EqualFold(f.Name, "xl/workbook.xml")
	}
	switch {
	case !workbook:
		return fileProblem("文件是压缩包，但不是 Excel 工作簿（.xlsx）")
	case size > maxUnzipped:
		return fileProblem("工作簿解压后超过 %d MB，不予读取", maxUnzipped>>20)
	}
	return nil
}

// sheetRows returns the non-blank rows of a sheet, trimmed. Values are read
// as stored, not as displayed, so that a number format cannot change them;
// a number stored with a decimal point or an exponent (a phone number typed
// as a number may be stored as 1.3800001234E10) is written out in full.
func sheetRows(f *excelize.File, sheet string) ([]row, error) {
	all, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, err
	}
	var rows []row
	for i, cells := range all {
		for j, v := range cells {
			if !strings.ContainsAny(v, ".eE") {
				continue
			}
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				continue
			}
			// Text that reads as a number ("1e3" as a cell ID) stays text.
			name, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if typ, err := f.GetCellType(sheet, name); err == nil && (typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber) {
				cells[j] = strconv.FormatFloat(n, 'f', -1, 64)
			}
		}
		if r, blank := trimmed(i+1, cells); !blank {
			rows = append(rows, r)
		}
	}
	return rows, nil
}
