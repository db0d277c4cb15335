package mediation_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/work"

	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
)

// Example follows a neighbours' quarrel in 马园 one group of the demo
// township, 古城, on the memory store: the group's grid head registers it,
// accepts it, records the session that settled it and the written
// agreement the parties signed. It prints the case's state and the head
// of the agreement as it is printed for the parties.
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
	signed := []mediation.Signature{{Party: "王某某", Mark: mediation.Signed, At: now}, {Party: "张某某", Mark: mediation.Signed, At: now}}
	c = exitOnError(svc.RecordAgreement(ctx, head, c.ID, c.Version, mediation.Agreement{
		Form: mediation.Written, Number: "古调字〔2022〕第1号", Facts: c.Facts, Disputes: "疏通排水沟", Terms: "张某某三日内疏通排水沟。",
		Manner: "自行疏通", Place: "马园一组", PerformBy: now.AddDate(0, 0, 3), Signatures: signed,
		Mediator: "高敬", MediatorSignedAt: now, Committee: "古城办事处人民调解委员会", Sealed: true}))

	var doc strings.Builder
	if err := c.Agreement.Render(&doc, c); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.State)
	lines := strings.FieldsFunc(doc.String(), func(r rune) bool { return r == '\n' }) // the lines that are not blank
	for _, line := range lines[:6] {
		fmt.Println(strings.TrimSpace(line))
	}
	// Output:
	// agreed
	// 人民调解协议书
	// 编号：古调字〔2022〕第1号
	// 申请人：王某某，性别：女，民族：汉族，年龄：45岁，职业或职务：农民，联系电话：
	// 13900001111，住址：马园一组
	// 被申请人：张某某，性别：女，民族：汉族，年龄：47岁，职业或职务：个体经营，联系电
	// 话：13900002222，住址：马园一组
}

// exitOnError returns v, or ends the program with err.
func exitOnError[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}
