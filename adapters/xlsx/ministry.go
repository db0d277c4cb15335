package xlsx

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/fourplusn/fourplusn/stats"
)

// WriteMinistry writes the Ministry of Justice's table of people's
// mediation (人民调解工作统计表) of the subtree called cellName for the
// period or range b reports on, t being the table over b.Current (the
// whole of it, or the elapsed part of one in progress):
// a row for each of the Ministry's dispute types, the cases ended in the
// span by outcome (调解成功, 调解不成功, 其他) and in all, with a total
// row; and, on a second sheet, which of the township's categories m
// reports under each type.
func WriteMinistry(w io.Writer, cellName string, b stats.Basis, t stats.MinistryTable, m stats.MinistryMap) error {
	bk := newBook()
	s := bk.sheet("人民调解工作统计表", 4, 20, 12, 12, 16, 12)
	s.caption(fmt.Sprintf("%s 人民调解工作统计表（%s）", cellName, periodTitle(b.Period, b.Whole)), t.Range, b.Partial)
	note := "统计期间内调解终结的案件。"
	if b.Partial {
		note = "本期尚未结束，统计至 " + until(t.Range) + " 调解终结的案件。"
	}
	s.add("说明", note)
	s.heading("纠纷类型", "调解成功", "调解不成功", "其他（撤回、不予受理、移交）", "合计")
	for _, r := range t.Rows {
		s.add(r.Type.Title(), r.Agreed, r.Failed, r.Other, r.Total())
	}
	total := t.Total()
	s.add(excelize.Cell{StyleID: bk.head, Value: "合计"}, total.Agreed, total.Failed, total.Other, total.Total())
	s.end()

	s = bk.sheet("类别对照", 1, 18, 20)
	s.heading("本乡镇纠纷类别", "司法部纠纷类型")
	cats := slices.Sorted(maps.Keys(m))
	for _, ty := range stats.MinistryTypes() {
		for _, c := range cats {
			if m[c] == ty {
				s.add(c.Title(), ty.Title())
			}
		}
	}
	s.end()
	return bk.write(w)
}
