package xlsx

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// Lister lists a page of cases as their viewer may see them:
// mediation.Service.List bound to the viewer, which masks the parties for
// a viewer who may not see personal data.
type Lister func(ctx context.Context, f mediation.Filter) (mediation.Page, error)

// registerColumns are the register's headings, and the width of each
// column in characters.
var registerColumns = []struct {
	name  string
	width float64
}{
	{"案件编号", 20}, {"登记时间", 17}, {"申请人", 16}, {"被申请人", 16}, {"纠纷类别", 14}, {"等级", 10},
	{"状态", 10}, {"发生地网格", 16}, {"承办网格", 16}, {"来源渠道", 14}, {"受理期限", 17}, {"办结期限", 17},
	{"受理时间", 17}, {"办结时间", 17}, {"结果", 10}, {"是否逾期", 8},
}

// WriteRegister writes the register (台账) of the cases f selects, newest
// first, as list presents them: one row per case with its number, when it
// was registered, the parties as the viewer sees them, its category,
// grade, state, cells (named by cellName), channel, deadlines, when it was
// accepted and ended, how it ended, and whether it is overdue at now. It
// reads the cases work.MaxPage at a time from f's cursor on, whatever
// f.Limit says, and writes each page's rows before it reads the next, so
// that it holds one page at a time. It returns how many cases it wrote.
func WriteRegister(ctx context.Context, w io.Writer, list Lister, f mediation.Filter, cellName func(grid.Path) string, now time.Time) (int, error) {
	b := newBook()
	widths := make([]float64, len(registerColumns))
	names := make([]string, len(registerColumns))
	for i, c := range registerColumns {
		names[i], widths[i] = c.name, c.width
	}
	s := b.sheet("案件台账", 1, widths...)
	s.heading(names...)
	f.Limit = work.MaxPage
	n := 0
	for {
		page, err := list(ctx, f)
		if err != nil {
			b.f.Close()
			return 0, fmt.Errorf("xlsx: list the cases: %w", err)
		}
		for _, c := range page.Cases {
			s.add(b.registerRow(c, cellName, now)...)
		}
		n += len(page.Cases)
		if b.err != nil || page.Next == "" {
			break
		}
		f.Before = page.Next
	}
	s.end()
	return n, b.write(w)
}

func (b *book) registerRow(c *mediation.Case, cellName func(grid.Path) string, now time.Time) []any {
	where := cellName(c.Location)
	if c.OutOfJurisdiction() {
		where = "辖区外：" + c.Outside
	}
	overdue := "否"
	if c.Overdue(now) {
		overdue = "是"
	}
	return []any{
		c.Number.String(), b.when(c.RegisteredAt), partyNames(c.Applicants), partyNames(c.Respondents),
		c.Category.Title(), c.Grade.Title(), c.State.Title(),
		where, cellName(c.Handling), c.Channel.Title(),
		b.when(c.AcceptDue), b.when(c.ResolveDue), b.when(c.AcceptedAt), b.when(c.ResolvedAt),
		outcome(c), overdue,
	}
}

// partyNames lists the parties' names as the case holds them: masked on a
// copy presented masked.
func partyNames(ps []mediation.Party) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, "、")
}

// outcome names how c ended, "" while it has not.
func outcome(c *mediation.Case) string {
	if m := stats.Outcome(c); m != "" {
		return name(outcomeNames, m)
	}
	return ""
}
