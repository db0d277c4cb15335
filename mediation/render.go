package mediation

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fourplusn/fourplusn/work"
)

// renderColumns is the width of a printed line, in monospace columns: an
// ASCII character takes one, a Chinese character two.
const renderColumns = 80

// Render writes the agreement as a printable people's mediation agreement
// (人民调解协议书) in the customary layout of the Ministry of Justice's model
// form: the title and number; the parties' particulars; the main facts and
// the points in dispute; the parties' responsibilities; the agreed terms,
// each payment first with its amount in words (大写); how, where and by when
// they are performed; the statutory sentence on when it takes effect, that
// it binds, and how many copies there are; the signature block and the
// date; the note on judicial confirmation (司法确认); and the revision of
// the text. A draft's signature block has each party's name, the
// mediator's and the committee's, with room to sign and seal by hand and
// a blank date: no mark prints before it is recorded. An agreement in
// effect prints with the marks recorded and the day it took effect. An
// oral agreement prints as a record (口头调解协议记录) signed by the
// mediator who kept it, without the parties' signature lines or the note,
// since it cannot be confirmed. RenderHTML prints the same as a page.
//
// The text is UTF-8 for monospace print, wrapped to 80 columns, a Chinese
// character counting as two; dates are in Asia/Shanghai. c is the case the
// agreement settles: its applicants, counted from the front of a.Parties,
// are printed as 申请人 and the rest as 被申请人 (as 当事人 if c is nil).
// When a.Parties is empty the case's parties are printed.
//
// The parties' phone and identity numbers and addresses are printed in full:
// this is the legal document the parties sign and keep, so the caller (the
// Service) decides who may render it.
//
// Render returns the first error from w, and writes nothing after it.
func (a *Agreement) Render(w io.Writer, c *Case) error {
	d := a.document(c)
	p := &pageWriter{w: w}
	p.line(strings.Repeat(" ", max(0, (renderColumns-textWidth(d.Title))/2)) + d.Title)
	p.blank()
	number := "编号：" + d.Number
	p.line(strings.Repeat(" ", max(0, min(48, renderColumns-textWidth(number)))) + number)
	p.blank()
	if d.Superseded != "" {
		p.paragraphs("本协议已于" + d.Superseded + "由变更后的调解协议取代。")
		p.blank()
	}

	for _, party := range d.Parties {
		p.field(party.Role+"：", party.Particulars)
		for _, agent := range party.Agents {
			p.field("委托代理人：", agent)
		}
	}
	p.blank()

	p.line("纠纷主要事实、争议事项：")
	p.paragraphs(d.Facts)
	if d.Disputes != "" {
		p.paragraphs("争议事项：" + d.Disputes)
	}
	p.blank()

	p.line("各方当事人责任：")
	p.paragraphs(d.Responsibilities)
	p.blank()

	p.line("经调解，自愿达成如下协议：")
	for i, term := range d.Terms {
		p.term(i+1, term)
	}
	if len(d.Terms) == 0 {
		p.paragraphs("无")
	}
	p.blank()

	if d.Performance {
		p.line("履行方式、时限：")
		if d.Manner != "" {
			p.field("    履行方式：", d.Manner)
		}
		if d.Place != "" {
			p.field("    履行地点：", d.Place)
		}
		if d.PerformBy != "" {
			p.field("    履行期限：", d.PerformBy)
		}
		p.blank()
	}

	p.paragraphs(d.Effect)
	p.blank()
	if !d.Written {
		p.field("记录人（人民调解员）：", d.Mediator)
		if d.Committee != "" {
			p.field("人民调解委员会：", d.Committee)
		}
		p.blank()
		p.dateLine(d.Date)
		p.revision(d.Revision)
		return p.err
	}

	for _, m := range d.Marks {
		p.field("当事人（签名/盖章/按指印）：", joinSpaced(m.Name, m.How, m.Date))
	}
	p.field("人民调解员（签名）：", joinSpaced(d.Mediator, d.MediatorSigned))
	committee := d.Committee
	if d.Sealed {
		committee += "（已盖章）"
	}
	p.field("人民调解委员会（盖章）：", committee)
	p.blank()
	p.dateLine(d.Date)
	p.blank()
	p.paragraphs(d.CourtNote)
	p.revision(d.Revision)
	return p.err
}

// joinSpaced joins the parts of a line that are not empty, two spaces
// apart.
func joinSpaced(parts ...string) string {
	var out []string
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "  ")
}

// partyParticulars lists a party's particulars as the agreement states
// them, the age as it is at at (when known).
func partyParticulars(p Party, at time.Time) string {
	sex := "未填"
	switch p.Sex {
	case Male:
		sex = "男"
	case Female:
		sex = "女"
	}
	age := "不详"
	switch {
	case !p.BirthDate.IsZero() && !at.IsZero():
		age = strconv.Itoa(p.AgeAt(at)) + "岁"
	case !p.BirthDate.IsZero():
		age = chineseDate(p.BirthDate) + "生"
	case p.Age > 0:
		age = strconv.Itoa(p.Age) + "岁"
	}
	parts := []string{flatten(p.Name), "性别：" + sex, "民族：" + orUnstated(p.Ethnicity.String()), "年龄：" + age,
		"职业或职务：" + orUnstated(p.Occupation)}
	if p.IDCard != "" {
		parts = append(parts, "身份证号："+flatten(p.IDCard))
	}
	parts = append(parts, "联系电话："+orUnstated(p.Phone))
	if p.Workplace != "" {
		parts = append(parts, "单位："+flatten(p.Workplace))
	}
	if p.Address != "" || p.Workplace == "" {
		parts = append(parts, "住址："+orUnstated(p.Address))
	}
	return strings.Join(parts, "，")
}

// agentKindLabels and authorityLabels are how the agreement names an
// agent's kind and the scope of their authorisation.
var (
	agentKindLabels = map[AgentKind]string{NearRelative: "近亲属", Lawyer: "律师", LegalWorker: "基层法律服务工作者", OtherAgent: "其他公民"}
	authorityLabels = map[Authority]string{GeneralAuthority: "一般授权", SpecialAuthority: "特别授权"}
)

// agentParticulars states an agent as the agreement names them under the
// party they act for.
func agentParticulars(a Agent) string {
	s := flatten(a.Name) + "，" + agentKindLabels[a.Kind] + "，" + authorityLabels[a.Authority]
	if a.Powers != "" {
		s += "：" + flatten(a.Powers)
	}
	return s
}

func orUnstated(s string) string {
	if s = flatten(s); s == "" {
		return "未填"
	}
	return s
}

// paymentTerm states a payment as a term of the agreement.
func paymentTerm(p Payment) string {
	var b strings.Builder
	b.WriteString(flatten(p.Payer))
	if !p.Due.IsZero() {
		b.WriteString("于" + chineseDate(p.Due) + "前")
	}
	b.WriteString("向" + flatten(p.Payee) + "支付人民币" + formatYuan(p.Amount) + "元（大写：" + capitalYuan(p.Amount) + "）。")
	return b.String()
}

// chineseDate writes t's date in Asia/Shanghai as 2022年12月1日.
func chineseDate(t time.Time) string {
	y, m, d := t.In(work.Zone).Date()
	return fmt.Sprintf("%d年%d月%d日", y, m, d)
}

// chineseCount writes a small count in Chinese numerals, as in 一式三份;
// from 100 on, in digits.
func chineseCount(n int) string {
	const digits = "零一二三四五六七八九"
	digit := func(d int) string { return string([]rune(digits)[d]) }
	switch {
	case n < 0 || n >= 100:
		return strconv.Itoa(n)
	case n < 10:
		return digit(n)
	case n < 20:
		if n == 10 {
			return "十"
		}
		return "十" + digit(n%10)
	case n%10 == 0:
		return digit(n/10) + "十"
	}
	return digit(n/10) + "十" + digit(n%10)
}

// formatYuan writes an amount in fen as yuan: 30000, or 30000.50 when there
// are fen.
func formatYuan(fen int64) string {
	sign, abs := splitSign(fen)
	s := sign + strconv.FormatUint(abs/100, 10)
	if f := abs % 100; f != 0 {
		s += fmt.Sprintf(".%02d", f)
	}
	return s
}

func splitSign(n int64) (string, uint64) {
	if n < 0 {
		return "-", uint64(-(n + 1)) + 1 // no overflow at math.MinInt64
	}
	return "", uint64(n)
}

// capitalYuan writes an amount in fen in Chinese capital numerals (大写), as
// the People's Bank's rules for filling in bills and vouchers require:
// 叁万元整, 壹拾万元整 (the leading 壹 is written), 壹万零伍元整 (a run of
// zeros inside the number is one 零), 壹仟陆佰捌拾元叁角贰分,
// 壹拾万零柒仟元伍角叁分, 壹万陆仟肆佰零玖元零贰分 (零 when the jiao is 0
// and the fen is not), 叁角伍分. An amount that ends at yuan or jiao ends
// with 整; one with fen does not. Zero is 零元整, a negative amount starts
// with 负.
func capitalYuan(fen int64) string {
	numerals := []rune("零壹贰叁肆伍陆柒捌玖")
	digit := func(d uint64) string { return string(numerals[d]) }
	place := [...]string{"", "拾", "佰", "仟"}         // within a group of four digits
	groups := [...]string{"", "万", "亿", "万亿", "亿亿"} // int64 fen stay below 10^17 yuan

	sign, abs := splitSign(fen)
	yuan, jiao, cents := abs/100, abs/10%10, abs%10

	var b strings.Builder
	if sign != "" {
		b.WriteString("负")
	}
	if yuan > 0 {
		ds := strconv.FormatUint(yuan, 10)
		zero, groupHas := false, false
		for i := 0; i < len(ds); i++ {
			d := uint64(ds[i] - '0')
			pos := len(ds) - 1 - i
			if d == 0 {
				zero = true
			} else {
				if zero {
					b.WriteString("零")
					zero = false
				}
				b.WriteString(digit(d) + place[pos%4])
				groupHas = true
			}
			if pos%4 == 0 {
				if groupHas {
					b.WriteString(groups[pos/4])
				}
				groupHas = false
			}
		}
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && cents == 0:
		if yuan == 0 {
			b.WriteString("零元")
		}
		b.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			b.WriteString("零")
		}
		b.WriteString(digit(cents) + "分")
	case cents == 0:
		b.WriteString(digit(jiao) + "角整")
	default:
		b.WriteString(digit(jiao) + "角" + digit(cents) + "分")
	}
	return b.String()
}

// pageWriter writes the agreement's lines, keeping the first error and
// writing nothing after it.
type pageWriter struct {
	w   io.Writer
	err error
}

func (p *pageWriter) line(s string) {
	if p.err != nil {
		return
	}
	_, p.err = io.WriteString(p.w, strings.TrimRight(s, " ")+"\n")
}

func (p *pageWriter) blank() { p.line("") }

// paragraphs writes text a paragraph a line of it, each indented two
// characters on its first line, as Chinese prose is.
func (p *pageWriter) paragraphs(text string) {
	for _, para := range paragraphs(text) {
		for _, l := range wrapText(para, "    ", "", renderColumns) {
			p.line(l)
		}
	}
}

// field writes label and value, the value's continuation lines aligned
// under its start.
func (p *pageWriter) field(label, value string) {
	for _, l := range wrapText(value, label, strings.Repeat(" ", textWidth(label)), renderColumns) {
		p.line(l)
	}
}

// term writes the nth agreed term, its continuation lines aligned under its
// text.
func (p *pageWriter) term(n int, text string) {
	label := "    " + strconv.Itoa(n) + ". "
	p.field(label, flatten(text))
}

// dateLine writes the date d flush right, or a blank date to fill in by
// hand when d is "".
func (p *pageWriter) dateLine(d string) {
	if d == "" {
		d = "    年    月    日"
	}
	p.line(strings.Repeat(" ", max(0, renderColumns-4-textWidth(d))) + d)
}

// revision writes, flush right, which revision of the agreement's text
// the page is, when that is known: what ties a signed paper to its
// record.
func (p *pageWriter) revision(n int) {
	if n > 0 {
		p.blank()
		r := "协议文本第" + strconv.Itoa(n) + "稿"
		p.line(strings.Repeat(" ", max(0, renderColumns-4-textWidth(r))) + r)
	}
}

// clean drops control and format characters (escape sequences, bidi
// overrides, zero-width characters) that have no place on a printed page,
// and turns tabs into spaces. It keeps newlines.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r == utf8.RuneError, unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}

// flatten cleans s and joins its lines, for a value printed on one field.
func flatten(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}

// runeWidth is how many monospace columns r takes: 2 for the East Asian
// wide and fullwidth ranges (CJK ideographs and punctuation, kana, hangul,
// fullwidth forms), 0 for combining marks, 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	case r >= 0x1100 && r <= 0x115F, // hangul jamo
		r >= 0x2E80 && r <= 0x303E, // CJK radicals … CJK symbols and punctuation
		r >= 0x3041 && r <= 0x33FF, // kana … CJK compatibility
		r >= 0x3400 && r <= 0x4DBF, // CJK extension A
		r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
		r >= 0xA000 && r <= 0xA4CF, // yi
		r >= 0xAC00 && r <= 0xD7A3, // hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions B on
		return 2
	}
	return 1
}

func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// Line-breaking rules (禁则): a line may not start with closing punctuation
// nor end with opening punctuation.
const (
	noLineStart = "，。、；：？！）》」』】〕〉〗〙］｝”’…—·％,.;:?!)]}%"
	noLineEnd   = "（《「『【〔〈〖〘［｛“‘([{￥$"
)

// chunk is a piece of text the wrapper does not break, and the spaces
// before it: kept within a line, dropped where the line breaks.
type chunk struct {
	sep   string
	text  string
	width int
}

// chunks splits s where a line may break: at spaces, around each wide
// character, but not inside a run of narrow characters (a number, a Latin
// word), not before closing nor after opening punctuation, and not between a
// number and the Chinese character after it (81岁, 2022年, 30000元).
func chunks(s string) []chunk {
	var out []chunk
	var sep strings.Builder
	glue := false // the next rune joins the last chunk
	for _, r := range s {
		if unicode.IsSpace(r) {
			if len(out) > 0 {
				if r != '\u3000' {
					r = ' '
				}
				sep.WriteRune(r)
			}
			glue = false
			continue
		}
		w := runeWidth(r)
		join := len(out) > 0 && sep.Len() == 0
		if join {
			prev, _ := utf8.DecodeLastRuneInString(out[len(out)-1].text)
			switch {
			case glue, w == 0, strings.ContainsRune(noLineStart, r):
			case w == 1 && runeWidth(prev) == 1: // inside a narrow run
			case w == 2 && prev >= '0' && prev <= '9': // 2022年
			default:
				join = false
			}
		}
		if join {
			out[len(out)-1].text += string(r)
			out[len(out)-1].width += w
		} else {
			out = append(out, chunk{sep: sep.String(), text: string(r), width: w})
			sep.Reset()
		}
		glue = strings.ContainsRune(noLineEnd, r)
	}
	return out
}

// wrapText breaks s into lines at most width columns wide, the first
// starting with first and the others with rest. A chunk too wide for any
// line is broken between runes.
func wrapText(s, first, rest string, width int) []string {
	var lines []string
	var b strings.Builder
	b.WriteString(first)
	col, empty := textWidth(first), true
	newLine := func() {
		lines = append(lines, b.String())
		b.Reset()
		b.WriteString(rest)
		col, empty = textWidth(rest), true
	}
	for _, c := range chunks(s) {
		sep := c.sep
		if empty {
			sep = ""
		}
		if col+textWidth(sep)+c.width > width && !empty && textWidth(rest)+c.width <= width {
			newLine()
			sep = ""
		}
		if col+textWidth(sep)+c.width <= width {
			b.WriteString(sep + c.text)
			col += textWidth(sep) + c.width
			empty = false
			continue
		}
		// Too wide for a line of its own: break it between runes.
		for _, r := range c.text {
			w := textWidth(sep) + runeWidth(r)
			if col+w > width && !empty {
				newLine()
				w, sep = runeWidth(r), ""
			}
			b.WriteString(sep)
			b.WriteRune(r)
			sep = ""
			col += w
			empty = false
		}
	}
	return append(lines, b.String())
}
