package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// readCSV reads the two tables of a CSV file, each from its heading row,
// found by its first cell, to the next table's heading row or the end.
// The text is UTF-8 (with or without a byte-order mark) or, failing that,
// GB18030, which includes GBK: what Excel in China saves.
func readCSV(data []byte) ([len(tables)][]row, error) {
	var rows [len(tables)][]row
	if bytes.IndexByte(data, 0) >= 0 {
		return rows, fileProblem("文件既不是 Excel 工作簿（.xlsx），也不是 CSV 文本文件")
	}
	text, bom := bytes.CutPrefix(data, utf8BOM)
	switch {
	case utf8.Valid(text):
	case bom:
		return rows, fileProblem("文件标明是 UTF-8 编码，其中却有不是 UTF-8 的文字：请重新保存为 UTF-8 或 GBK 编码的 CSV 文件")
	default:
		var err error
		if text, err = simplifiedchinese.GB18030.NewDecoder().Bytes(text); err != nil {
			return rows, fileProblem("文件的文字编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV 文件")
		}
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	var ps []Problem
	current := -1
	for {
		record, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			msg := "CSV 格式有误"
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote) {
				msg = "CSV 格式有误：引号不成对"
			} else if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote) {
				msg = "CSV 格式有误：未加引号的字段中有引号"
			}
			line := 0
			if pe != nil {
				line = pe.StartLine
			}
			return rows, problems(append(ps, Problem{Row: line, Message: msg}))
		}
		line, _ := r.FieldPos(0)
		rw, blank := trimmed(line, record)
		if blank {
			continue
		}
		if t := startedBy(rw.cell(0)); t >= 0 {
			if rows[t] != nil {
				ps = append(ps, Problem{Row: line, Message: "“" + tables[t].name + "”表的表头行只能有一行"})
				current = t
				continue
			}
			current = t
		}
		if current < 0 {
			ps = append(ps, Problem{Row: line, Message: "此行在表头行之前，不知属于哪张表：网格表从“" +
				cellTable.headings[0] + "”开头的表头行起，人员表从“" + memberTable.headings[0] + "”开头的表头行起"})
			continue
		}
		rows[current] = append(rows[current], rw)
	}
	for i, t := range tables {
		if rows[i] == nil {
			ps = append(ps, Problem{Message: "缺少“" + t.name + "”表：应有一行以“" + t.headings[0] + "”开头的表头行"})
		}
	}
	return rows, problems(ps)
}

// startedBy returns the index of the table whose heading row starts with
// first, or -1.
func startedBy(first string) int {
	for i, t := range tables {
		if first == t.headings[0] {
			return i
		}
	}
	return -1
}

// trimmed returns the row numbered n of cells trimmed, and whether all of
// them are empty.
func trimmed(n int, cells []string) (row, bool) {
	blank := true
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
		blank = blank && cells[i] == ""
	}
	return row{n: n, cells: cells}, blank
}
