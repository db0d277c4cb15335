package mediation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// ResendsPerDay is how many times a day, in work.Zone, a phone number
// may be sent its tracking codes again. The day is cut into that many
// equal periods, and a phone gets at most one message a period: asking
// again in the same period sends nothing more, so that a lost code cannot
// be used to flood a phone with messages.
const ResendsPerDay = 3

// ResendAnswer is the one answer to a request to send tracking codes
// again, whether or not the phone number applied for anything, so that
// the answer tells no one whether a case exists.
const ResendAnswer = "如该手机号有正在办理的申请，查询码将发送到该手机"

// Outbox takes the notices the Service sends outside any change of a
// case: tracking codes sent again. adapters/outbox's Store implements it.
type Outbox interface {
	// Enqueue stores notices, due at once; a notice whose Key is stored
	// already is skipped.
	Enqueue(ctx context.Context, now time.Time, ns ...work.Notice) error
}

// ResendCodes sends the tracking codes and numbers of the cases not yet
// closed whose applicants gave phone to that phone, through the outbox:
// one notice per township, addressed to the phone number itself
// (work.Recipient.Phone), at most once a period (see ResendsPerDay). It
// needs no actor: whoever holds the phone gets the codes, and anyone else
// learns nothing, as the caller answers ResendAnswer in every case.
// It looks the phone up and writes to the outbox the same way whether or
// not it finds cases.
//
// Returns Invalid, naming "phone", for what is not a mainland mobile
// number, and an internal error without an outbox (Config.Outbox).
func (s *Service) ResendCodes(ctx context.Context, phone string) error {
	phone, err := fourplusn.ParsePhone(phone)
	if err != nil {
		return fourplusn.WithField("phone", err)
	}
	if s.outbox == nil {
		return fourplusn.Errorf(fourplusn.Internal, "mediation: no outbox to send tracking codes through")
	}
	cases, err := s.store.ByApplicantPhone(ctx, phone)
	if err != nil {
		return err
	}
	now := s.now()
	return s.outbox.Enqueue(ctx, now, ResendNotices(phone, cases, now)...)
}

// ResendNotices returns the notices that send phone the tracking codes of
// cases at now: one per township, of the cases not yet closed that phone
// applied for, oldest first; none when there are none. A notice's key is
// the phone's pseudonym and the period of now (see ResendsPerDay), so
// that an outbox keeps one per township, phone and period. Its title
// holds nothing personal; its text holds the codes.
func ResendNotices(phone string, cases []*Case, now time.Time) []work.Notice {
	byTownship := map[grid.CellID][]*Case{}
	var townships []grid.CellID
	for _, c := range cases {
		if c.State == Closed || c.TrackingCode == "" || !c.appliedWith(phone) {
			continue
		}
		if _, ok := byTownship[c.Township]; !ok {
			townships = append(townships, c.Township)
		}
		byTownship[c.Township] = append(byTownship[c.Township], c)
	}
	slices.Sort(townships)
	period := resendPeriod(now)
	var out []work.Notice
	for _, t := range townships {
		cs := byTownship[t]
		slices.SortFunc(cs, func(a, b *Case) int { return strings.Compare(string(a.ID), string(b.ID)) })
		lines := make([]string, len(cs))
		for i, c := range cs {
			lines[i] = fmt.Sprintf("%s 查询码 %s", c.Number, c.TrackingCode)
		}
		out = append(out, work.Notice{
			Key:      fmt.Sprintf("resend/%s/%s/%s", t, phonePseudonym(phone), period.Format("2006010215")),
			Township: t, SubjectKind: work.SubjectCase, Subject: string(cs[len(cs)-1].ID),
			Kind: work.NoticeProgress, Action: "tracking_code.resent", Title: "【查询码】您申请的矛盾纠纷调解",
			Text: fmt.Sprintf("您申请调解的纠纷：%s。可在网上“查询进度”输入查询码查看办理情况。查询码请勿告诉他人。", strings.Join(lines, "；")),
			To:   []work.Recipient{work.ToPhone(phone)}, At: now,
		})
	}
	return out
}

// resendPeriod returns the start of the period of the day, in work.Zone,
// that t falls in.
func resendPeriod(t time.Time) time.Time {
	t = t.In(work.Zone)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, work.Zone)
	length := 24 * time.Hour / ResendsPerDay
	return day.Add(t.Sub(day) / length * length)
}

// phonePseudonym stands for a phone number in a notice's key, which is
// logged and sent: it tells which requests were of one phone without
// spelling the number out.
func phonePseudonym(phone string) string {
	sum := sha256.Sum256([]byte("fourplusn/resend/" + phone))
	return hex.EncodeToString(sum[:8])
}

// appliedWith reports whether one of c's applicants gave phone.
func (c *Case) appliedWith(phone string) bool {
	return slices.ContainsFunc(c.Applicants, func(p Party) bool { return p.Phone == phone })
}
