package mediation

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// FileStatus is where an item of a case file stands.
type FileStatus uint8

// The statuses of an item of a case file.
const (
	FilePresent       FileStatus = iota + 1 // made from the case's records and timeline
	FileMissing                             // not recorded, or not yet made
	FileNotApplicable                       // the case has no use for it (no agent, an oral agreement)
)

var fileStatusNames = []string{"", "present", "missing", "not_applicable"}

// String returns the status's stable name.
func (s FileStatus) String() string { return enumName(fileStatusNames, s, "file_status") }

// FileItem is one item of a case file (卷宗).
type FileItem struct {
	Order    int    // its place in the Ministry of Justice's order, from 1
	Name     string // its name in the Ministry's formats, e.g. 调解记录
	Required bool   // the Ministry requires it of this case (its * items)
	Status   FileStatus
	Summary  string  // what it is made from, or what is missing, in Chinese
	Events   []int64 // the Seq of each timeline event it is made from
}

// CaseFile is a case's file (卷宗): the items the Ministry of Justice's
// formats for people's mediation (人民调解文书格式) set, in their order.
type CaseFile struct {
	Items []FileItem

	c      *Case            // the case it was made from, for RenderHTML
	events []timeline.Event // and its timeline
}

// Case returns the case the file was made from, as the file presents it:
// masked for a viewer who may not see the parties. The file speaks of
// this version of the case only, its timeline cut where the case's ends.
func (f CaseFile) Case() *Case { return f.c }

// File assembles c's case file from c and events, its timeline, oldest
// first. An item is present when the records it is made from exist; the
// summaries name the parties as c names them, so a masked case gives a
// masked file. Events only say what an item is made from: c alone
// decides where each stands, so c.File(nil) does too.
//
// Which items are required follows the Ministry's starred items and what
// became of the case: the intake record always; once the case was
// accepted for mediation, the notice of rights and duties given to every
// party and their proof of identity; the record of the sessions once
// there were any; for an agreement its follow-up visit, and for a written
// one the agreement in effect; the back cover (封底), made at closing.
//
// The platform records no investigation, no evidence and no court
// confirmation: those items are missing until it does. Events after the
// case's own end of its timeline, recorded since the case was read, are
// left out, so that the file speaks of one version of the case.
func (c *Case) File(events []timeline.Event) CaseFile {
	events = events[:min(int64(len(events)), c.Chain.Len)]
	accepted := !c.AcceptedAt.IsZero()
	// ended is a case that finished without an agreement, which has no
	// use for what follows one.
	ended := c.Agreement == nil && !c.State.Open()
	agreed := c.Agreement != nil
	items := []FileItem{
		c.intakeItem(events),
		c.rightsItem(events, accepted),
		c.identityItem(accepted),
		c.agentsItem(),
		{Name: "调查记录", Status: FileMissing, Summary: "尚无调查记录"},
		{Name: "证据材料", Status: FileMissing, Summary: "尚无证据材料"},
		made(FileItem{Name: "调解记录", Required: len(c.Sessions) > 0 || agreed}, len(c.Sessions) > 0,
			seqs(events, ActionSession), fmt.Sprintf("调解%d次", len(c.Sessions)), "尚无调解记录"),
		c.agreementItem(events, ended),
		after(ended, made(FileItem{Name: "履行凭证"}, c.performed(), performed(events), "回访确认已按协议履行", "尚无履行记录")),
		after(ended, made(FileItem{Name: "回访记录", Required: agreed}, len(c.FollowUps) > 0, seqs(events, ActionFollowUp),
			fmt.Sprintf("回访%d次", len(c.FollowUps)), "尚无回访记录")),
		c.confirmationItem(),
	}
	closing := seqs(events, ActionClosed)
	closed := "结案于" + chineseDate(c.ClosedAt)
	items = append(items,
		made(FileItem{Name: "卷宗情况说明"}, c.State == Closed, closing, closed, "结案时制作"),
		made(FileItem{Name: madeAtClosing, Required: true}, c.State == Closed, closing, closed, "结案时制作"))
	for i := range items {
		items[i].Order = i + 1
	}
	return CaseFile{Items: items, c: c, events: events}
}

// madeAtClosing is the item closing makes, so the closing check leaves it
// out.
const madeAtClosing = "封底"

// Lacking returns the required items of the file that are missing: what
// keeps its case from being closed.
func (f CaseFile) Lacking() []FileItem {
	var out []FileItem
	for _, it := range f.Items {
		if it.Required && it.Status == FileMissing && it.Name != madeAtClosing {
			out = append(out, it)
		}
	}
	return out
}

// ErrFileIncomplete refuses to close a case whose file lacks a required
// item. The error Close returns wraps it in a *FileIncompleteError that
// names the items.
var ErrFileIncomplete = &fourplusn.Error{Code: fourplusn.Conflict, Message: "the case file lacks required items"}

// FileIncompleteError names the required items of a case file that are
// missing, by their names in the Ministry's formats.
type FileIncompleteError struct {
	Case    ID
	Missing []string
}

// Error names the case and the items it lacks.
func (e *FileIncompleteError) Error() string {
	return fmt.Sprintf("case %s cannot be closed: its file lacks %s", e.Case, strings.Join(e.Missing, ", "))
}

// Is reports that e is ErrFileIncomplete.
func (e *FileIncompleteError) Is(target error) bool { return target == ErrFileIncomplete }

// made returns it present with events and summary when present, or
// missing with why otherwise.
func made(it FileItem, present bool, events []int64, summary, why string) FileItem {
	if !present {
		it.Status, it.Summary = FileMissing, why
		return it
	}
	it.Status, it.Summary, it.Events = FilePresent, summary, events
	return it
}

// after returns it, an item that follows an agreement, as not applicable
// when the case ended without one.
func after(ended bool, it FileItem) FileItem {
	if ended {
		it.Status, it.Summary, it.Events, it.Required = FileNotApplicable, "未达成调解协议", nil, false
	}
	return it
}

// intakeItem is the first item: an online application's 申请书, or the
// 受理登记表 of a case received through any other channel.
func (c *Case) intakeItem(events []timeline.Event) FileItem {
	it := FileItem{Name: "受理登记表", Required: true}
	summary := "来源：" + sourceWords[c.Channel.Source()] + "；"
	if c.Channel == work.ChannelOnline {
		it.Name, summary = "申请书", ""
	}
	summary += "申请人：" + namesOf(c.Applicants) + "；被申请人：" + namesOf(c.Respondents) +
		"；登记于" + chineseDate(c.RegisteredAt)
	return made(it, true, seqs(events, ActionRegistered, ActionCorrected), summary, "")
}

// sourceWords name the sources of a case as the 受理登记表 does.
var sourceWords = map[work.Source]string{
	work.SourceApplication: "当事人申请", work.SourceOwn: "调委会主动调解", work.SourceReferral: "有关部门移交",
}

// rightsItem is the notice of rights and duties: present when every party
// has been given it, and required once the case was accepted.
func (c *Case) rightsItem(events []timeline.Event, accepted bool) FileItem {
	it := FileItem{Name: "权利义务告知书", Required: accepted}
	var lacking []string
	parties := c.Parties()
	for i, p := range parties {
		if c.rightsGiven(i) == nil {
			lacking = append(lacking, flatten(p.Name))
		}
	}
	summary := fmt.Sprintf("已向%d名当事人告知", len(parties))
	why := "尚未告知：" + strings.Join(lacking, "、")
	return made(it, len(lacking) == 0, seqs(events, ActionRightsGiven), summary, why)
}

// identityItem is the parties' proof of identity: present when every party
// has an ID-card number, and required once the case was accepted.
func (c *Case) identityItem(accepted bool) FileItem {
	it := FileItem{Name: "当事人身份证明", Required: accepted}
	var lacking []string
	parties := c.Parties()
	for _, p := range parties {
		if p.IDCard == "" {
			lacking = append(lacking, flatten(p.Name))
		}
	}
	summary := fmt.Sprintf("%d名当事人的身份证号已登记", len(parties))
	return made(it, len(lacking) == 0, nil, summary, "未登记身份证号："+strings.Join(lacking, "、"))
}

// agentsItem is the authorisations of the parties' agents, if they have
// any.
func (c *Case) agentsItem() FileItem {
	it := FileItem{Name: "授权委托书"}
	var agents []string
	for _, p := range c.Parties() {
		for _, a := range p.Agents {
			agents = append(agents, flatten(a.Name)+"（受"+flatten(p.Name)+"委托，"+authorityLabels[a.Authority]+"）")
		}
	}
	if len(agents) == 0 {
		it.Status, it.Summary = FileNotApplicable, "当事人未委托代理人"
		return it
	}
	it.Status, it.Summary = FilePresent, "代理人："+strings.Join(agents, "、")
	return it
}

// agreementItem is the written agreement in effect. An oral agreement has
// none; a draft not yet signed makes it missing, and required.
func (c *Case) agreementItem(events []timeline.Event, ended bool) FileItem {
	it := FileItem{Name: "调解协议书"}
	switch a := c.Agreement; {
	case a != nil && a.Form == Oral:
		it.Status, it.Summary = FileNotApplicable, "口头协议，不制作协议书"
	case a != nil && c.Draft != nil:
		it.Required, it.Status = true, FileMissing
		it.Summary = fmt.Sprintf("变更协议第%d稿尚未签署生效", c.Draft.Revision)
		it.Events = revisionEvents(events, c.Draft.Revision)
	case a != nil:
		it.Required = true
		summary := fmt.Sprintf("第%d稿，%s生效", a.Revision, chineseDate(a.EffectiveAt))
		return made(it, true, revisionEvents(events, a.Revision), summary, "")
	case c.Draft != nil && !ended:
		it.Required, it.Status = true, FileMissing
		it.Summary = fmt.Sprintf("第%d稿尚未签署生效", c.Draft.Revision)
		it.Events = revisionEvents(events, c.Draft.Revision)
	case ended:
		it.Status, it.Summary = FileNotApplicable, "未达成调解协议"
	default:
		it.Status, it.Summary = FileMissing, "尚未达成调解协议"
	}
	return it
}

// confirmationItem is the court's confirmation of a written agreement
// (司法确认), which the platform does not yet record.
func (c *Case) confirmationItem() FileItem {
	it := FileItem{Name: "司法确认材料"}
	if a := c.Agreement; a == nil || a.Form != Written {
		it.Status, it.Summary = FileNotApplicable, "无书面调解协议"
		return it
	}
	it.Status = FileMissing
	it.Summary = "尚无司法确认记录；双方可于" + chineseDate(c.Agreement.CourtConfirmationDeadline()) + "前共同申请"
	return it
}

// performed reports whether a follow-up visit found c's agreement
// performed.
func (c *Case) performed() bool {
	return slices.ContainsFunc(c.FollowUps, func(f FollowUp) bool { return f.Performed })
}

// namesOf lists the names of ps, as 甲、乙.
func namesOf(ps []Party) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = flatten(p.Name)
	}
	return strings.Join(names, "、")
}

// seqs returns the Seq of each of events that records one of actions.
func seqs(events []timeline.Event, actions ...timeline.Action) []int64 {
	return matching(events, func(e timeline.Event) bool { return slices.Contains(actions, e.Action) })
}

// revisionEvents returns the Seq of each of events that drafted, signed or
// recorded the agreement's text revision.
func revisionEvents(events []timeline.Event, revision int) []int64 {
	rev := strconv.Itoa(revision)
	return matching(events, func(e timeline.Event) bool {
		switch e.Action {
		case ActionDrafted, ActionSigning, ActionAgreement:
			return e.Details["revision"] == rev
		}
		return false
	})
}

// performed returns the Seq of each follow-up visit of events that found
// the agreement performed.
func performed(events []timeline.Event) []int64 {
	return matching(events, func(e timeline.Event) bool {
		return e.Action == ActionFollowUp && e.Details["performed"] == "true"
	})
}

func matching(events []timeline.Event, ok func(timeline.Event) bool) []int64 {
	var out []int64
	for _, e := range events {
		if ok(e) {
			out = append(out, e.Seq)
		}
	}
	return out
}

// CaseFile returns the file (卷宗) of case id as actor may see it: made
// from the case as Get presents it and its timeline as Timeline does, so
// with the parties masked for those who may not see personal data.
// Returns NotFound for a case the actor may not see.
func (s *Service) CaseFile(ctx context.Context, actor grid.Actor, id ID) (CaseFile, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return CaseFile{}, err
	}
	events, err := s.Timeline(ctx, actor, id)
	if err != nil {
		return CaseFile{}, err
	}
	return c.File(events), nil
}
