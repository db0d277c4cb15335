package mediation_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// Example follows a neighbours' quarrel in 马园 one group of the demo
// township, 古城, on the memory store: the group's grid head registers it,
// accepts it, records the session that settled it, and drafts the written
// agreement; the draft is printed and signed on paper, and its marks are
// recorded, which puts it in effect. It prints the case's state and the
// signature lines of the agreement as printed before and after signing.
func Example() {
	ctx := context.Background()
	town := gridtest.Gucheng()
	now := time.Date(2022, 11, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	svc := exitOnError(mediation.NewService(mediation.Config{
		Store: memstore.NewCases(), Cells: memstore.Grid{Tree: town.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules(),
		Now: func() time.Time { return now },
	}))
	head := town.Member("mayuan-1-head").Actor()
	c := exitOnError(svc.Register(ctx, head, mediation.Intake{
		Channel: work.ChannelGridHead, Category: mediation.Neighbour, Location: "mayuan-1", Facts: "两家因排水沟堵塞多次争吵。",
		Applicants: []mediation.Party{{Name: "王某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 45, Occupation: "农民",
			Phone: "13900001111", Address: "马园一组"}},
		Respondents: []mediation.Party{{Name: "张某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 47, Occupation: "个体经营",
			Phone: "13900002222", Address: "马园一组"}},
	}))
	c = exitOnError(svc.Accept(ctx, head, c.ID, c.Version))
	c = exitOnError(svc.RecordSession(ctx, head, c.ID, c.Version, mediation.Session{
		At: now, Place: mediation.PlaceHome, Attendees: []string{"王某某", "张某某"}, Notes: "释法明理。", Outcome: mediation.Settled}))
	c = exitOnError(svc.DraftAgreement(ctx, head, c.ID, c.Version, mediation.Agreement{
		Form: mediation.Written, Number: "古调字〔2022〕第1号", Facts: c.Facts, Disputes: "疏通排水沟", Terms: "张某某三日内疏通排水沟。",
		Manner: "自行疏通", Place: "马园一组", PerformBy: now.AddDate(0, 0, 3),
		Mediator: "高敬", MediatorPost: "司法所长", Committee: "古城办事处人民调解委员会"}))
	fmt.Println(c.State)
	printSignatures(c.Draft, c)

	c = exitOnError(svc.RecordSigning(ctx, head, c.ID, c.Version, mediation.Signing{Revision: c.Draft.Revision, Marks: []mediation.Signature{
		{Party: "王某某", Mark: mediation.Signed}, {Party: "张某某", Mark: mediation.Fingerprinted},
	}, MediatorSigned: true, Sealed: true}))
	fmt.Println(c.State)
	printSignatures(c.Agreement, c)
	// Output:
	// mediating
	// 当事人（签名/盖章/按指印）：王某某
	// 当事人（签名/盖章/按指印）：张某某
	// 人民调解员（签名）：高敬（司法所长）
	// 人民调解委员会（盖章）：古城办事处人民调解委员会
	// agreed
	// 当事人（签名/盖章/按指印）：王某某  签名  2022年11月1日
	// 当事人（签名/盖章/按指印）：张某某  按指印  2022年11月1日
	// 人民调解员（签名）：高敬（司法所长）  2022年11月1日
	// 人民调解委员会（盖章）：古城办事处人民调解委员会（已盖章）
}

// printSignatures prints the signature lines of agreement a of case c as
// Render prints it.
func printSignatures(a *mediation.Agreement, c *mediation.Case) {
	var doc strings.Builder
	if err := a.Render(&doc, c); err != nil {
		log.Fatal(err)
	}
	for line := range strings.Lines(doc.String()) {
		if strings.Contains(line, "（签名") || strings.Contains(line, "（盖章）：") {
			fmt.Print(line)
		}
	}
}

// exitOnError returns v, or ends the program with err.
func exitOnError[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}
