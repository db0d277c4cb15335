package mediation_test

import (
	"testing"
	"time"

	"github.com/fourplusn/fourplusn/mediation"
)

// BenchmarkFullCase runs one case through its whole life on memstore:
// register, accept, three sessions, a written agreement, a follow-up visit,
// the notice of rights recorded, close — nine changes, each authorized, versioned and hash-chained.
func BenchmarkFullCase(b *testing.B) {
	f := newFixture(b)
	head := f.actor("mayuan-1-head")
	in := neighbourDispute()
	at := time.Date(2022, 11, 2, 9, 0, 0, 0, shanghai)
	b.ReportAllocs()
	for b.Loop() {
		c, err := f.svc.Register(ctx, head, in)
		if err != nil {
			b.Fatal(err)
		}
		if c, err = f.svc.Accept(ctx, head, c.ID, c.Version); err != nil {
			b.Fatal(err)
		}
		for range 3 {
			if c, err = f.svc.RecordSession(ctx, head, c.ID, c.Version, session(at, mediation.PlaceHome, mediation.Progress)); err != nil {
				b.Fatal(err)
			}
		}
		if c, err = f.svc.RecordAgreement(ctx, head, c.ID, c.Version, writtenAgreement(c, 100_000, at)); err != nil {
			b.Fatal(err)
		}
		if c, err = f.svc.FollowUp(ctx, head, c.ID, c.Version, mediation.FollowUp{Performed: true, Notes: "已履行"}); err != nil {
			b.Fatal(err)
		}
		if c, err = f.svc.GiveRights(ctx, head, c.ID, c.Version, mediation.RightsGiving{
			Parties: []string{in.Applicants[0].Name, in.Respondents[0].Name}, Manner: mediation.RightsWritten,
		}); err != nil {
			b.Fatal(err)
		}
		if _, err = f.svc.Close(ctx, head, c.ID, c.Version, ""); err != nil {
			b.Fatal(err)
		}
	}
}
