package mediation_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// dups returns the candidates of case id shown to actor a.
func dups(t *testing.T, f *fixture, a grid.Actor, id mediation.ID) []mediation.Candidate {
	t.Helper()
	cands, err := f.svc.Duplicates(ctx, a, id)
	require.NoError(t, err)
	return cands
}

// events returns the stored timeline of case id.
func events(t *testing.T, f *fixture, id mediation.ID) []timeline.Event {
	t.Helper()
	events, err := f.store.Events(ctx, id)
	require.NoError(t, err)
	return events
}

// walkIn is neighbourDispute arriving again, told in other words, by the
// same applicant walking into the station.
func walkIn() mediation.Intake {
	in := neighbourDispute()
	in.Channel = work.ChannelWalkIn
	in.Facts = "王某某来所反映：与邻居张某某因排水沟堵塞多次争吵，要求处理。"
	in.Location = "mayuan-2"
	return in
}

// TestDuplicatesFoundLinkedAndKeptApart registers one dispute through a
// grid head and again as a walk-in, finds each as the other's candidate
// with its reasons, links them, and checks both timelines and that the
// figures count the dispute once; a different dispute of the same family
// is not offered.
func TestDuplicatesFoundLinkedAndKeptApart(t *testing.T) {
	f := newFixture(t)
	first := must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute()))
	f.clock.Advance(26 * time.Hour)
	again := must(t)(f.svc.Register(ctx, f.actor("gc-duty-1"), walkIn()))
	other := walkIn()
	other.Facts = "王某某与儿子因赡养费问题发生争执。"
	other.Category = mediation.Family
	family := must(t)(f.svc.Register(ctx, f.actor("gc-duty-1"), other))

	cands := dups(t, f, f.actor("gc-duty-1"), again.ID)
	require.Len(t, cands, 1, "the same family's other dispute is not a candidate")
	assert.Equal(t, first.ID, cands[0].Case.ID)
	var codes []string
	for _, r := range cands[0].Reasons {
		codes = append(codes, r.Code)
		assert.NotEmpty(t, r.Text)
	}
	assert.Equal(t, []string{mediation.ReasonPhone, mediation.ReasonIDCard, mediation.ReasonNearCell, mediation.ReasonName, mediation.ReasonFacts, mediation.ReasonSameCategory}, codes)

	linked := must(t)(f.svc.LinkDuplicate(ctx, f.actor("gc-duty-1"), again.ID, 0, first.ID))
	assert.Equal(t, mediation.Closed, linked.State)
	assert.Equal(t, first.ID, linked.DuplicateOf)
	kept := f.stored(t, first.ID)
	require.Len(t, kept.AlsoReceived, 1)
	assert.Equal(t, mediation.Receipt{Case: again.ID, Number: again.Number, Channel: work.ChannelWalkIn, FirstResponder: "gc-duty-1",
		RegisteredAt: again.RegisteredAt, LinkedBy: "gc-duty-1", LinkedAt: kept.AlsoReceived[0].LinkedAt}, kept.AlsoReceived[0])
	for id, action := range map[mediation.ID]string{again.ID: string(mediation.ActionLinked), first.ID: string(mediation.ActionReceivedAgain)} {
		evs := events(t, f, id)
		assert.Equal(t, action, string(evs[len(evs)-1].Action))
		require.NoError(t, f.svc.CheckTimeline(ctx, f.actor("gc-duty-1"), id))
	}
	assert.Empty(t, dups(t, f, f.actor("gc-duty-1"), first.ID), "a linked duplicate is offered no more")

	again2 := must(t)(f.svc.LinkDuplicate(ctx, f.actor("gc-duty-1"), again.ID, 0, first.ID))
	assert.Equal(t, linked.Version, again2.Version, "a retry changes nothing")
	assert.Len(t, f.stored(t, first.ID).AlsoReceived, 1)

	// The figures: two registrations, one dispute.
	var registered int64
	q := stats.Query{Township: "gucheng", Within: []grid.Path{f.demo.Path("gucheng")}, Range: stats.Range{From: first.RegisteredAt, To: family.RegisteredAt.Add(time.Hour)}}
	for _, c := range []*mediation.Case{f.stored(t, first.ID), f.stored(t, again.ID), f.stored(t, family.ID)} {
		stats.TallyCase(stats.Registered, q, c, func(string, int64) { registered++ })
	}
	assert.Equal(t, int64(2), registered, "the linked duplicate is not a second dispute found")

	// Kept apart: the pair is offered no more, either way round.
	f.clock.Advance(time.Hour)
	third := must(t)(f.svc.Register(ctx, f.actor("gc-duty-1"), walkIn()))
	require.Len(t, dups(t, f, f.actor("gc-duty-1"), third.ID), 1)
	_, err := f.svc.KeepApart(ctx, f.actor("gc-duty-1"), third.ID, 0, first.ID, "")
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
	assert.Equal(t, "reason", fourplusn.ErrorField(err))
	apart := must(t)(f.svc.KeepApart(ctx, f.actor("gc-duty-1"), third.ID, 0, first.ID, "排水沟已修好，这是新的堵塞"))
	assert.Equal(t, "排水沟已修好，这是新的堵塞", apart.KeptApart[0].Reason)
	assert.Empty(t, dups(t, f, f.actor("gc-duty-1"), third.ID))
	assert.Empty(t, dups(t, f, f.actor("mayuan-1-head"), first.ID))
}

// TestDuplicatePermissions: the registrar and the duty officer decide;
// others who see the case are Forbidden, those who do not get NotFound.
func TestDuplicatePermissions(t *testing.T) {
	table := []struct {
		actor string
		link  fourplusn.Code
	}{
		{"mayuan-2-head", ""},                 // registered the walk-in
		{"gc-duty-2", ""},                     // a duty officer who did not
		{"mayuan-head", fourplusn.Forbidden},  // the community head sees both but did not register it
		{"gc-land", fourplusn.Forbidden},      // an N-partner
		{"mayuan-1-head", fourplusn.NotFound}, // does not see the walk-in handled at 马园二组
		{"lz-secretary", fourplusn.NotFound},
	}
	for _, tc := range table {
		for _, action := range []string{"link", "keep_apart"} {
			t.Run(tc.actor+"/"+action, func(t *testing.T) {
				f := newFixture(t)
				in0 := neighbourDispute()
				in0.Location = "mayuan-2"
				first := must(t)(f.svc.Register(ctx, f.actor("mayuan-head"), in0))
				in := walkIn()
				in.Channel = work.ChannelGridHead
				again := must(t)(f.svc.Register(ctx, f.actor("mayuan-2-head"), in))
				before := f.stored(t, again.ID)
				a := f.actor(grid.MemberID(tc.actor))
				var err error
				if action == "link" {
					_, err = f.svc.LinkDuplicate(ctx, a, again.ID, 0, first.ID)
				} else {
					_, err = f.svc.KeepApart(ctx, a, again.ID, 0, first.ID, "不同的纠纷")
				}
				if tc.link == "" {
					require.NoError(t, err)
					return
				}
				assert.Equal(t, tc.link, fourplusn.ErrorCode(err), "%v", err)
				assert.Equal(t, before, f.stored(t, again.ID), "a refused action changes nothing")
			})
		}
	}
}

// TestLinkRefusals: a case cannot be linked to itself, nor once ended,
// nor to a linked duplicate.
func TestLinkRefusals(t *testing.T) {
	f := newFixture(t)
	duty := f.actor("gc-duty-1")
	a := must(t)(f.svc.Register(ctx, duty, walkIn()))
	b := must(t)(f.svc.Register(ctx, duty, walkIn()))
	c := must(t)(f.svc.Register(ctx, duty, walkIn()))
	_, err := f.svc.LinkDuplicate(ctx, duty, a.ID, 0, a.ID)
	assert.Equal(t, "into", fourplusn.ErrorField(err))
	must(t)(f.svc.LinkDuplicate(ctx, duty, b.ID, 0, a.ID))
	_, err = f.svc.LinkDuplicate(ctx, duty, c.ID, 0, b.ID)
	assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err), "into is itself a duplicate")
	_, err = f.svc.LinkDuplicate(ctx, duty, b.ID, 0, c.ID)
	assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err), "already linked elsewhere")
}

// TestDuplicateDetection measures the detector on a generated set with
// known duplicates (generateDuplicates) and logs its precision and
// recall: go test ./mediation -run TestDuplicateDetection -v.
func TestDuplicateDetection(t *testing.T) {
	store := memstore.NewCases()
	cases, truth := generateDuplicates(t, store, 400, rand.New(rand.NewPCG(20, 20)))
	var tp, fp, fn int
	for _, c := range cases {
		found, err := mediation.FindDuplicates(ctx, store, c, mediation.DefaultDuplicateWindow)
		require.NoError(t, err)
		got := map[mediation.ID]bool{}
		for _, cand := range found {
			got[cand.Case.ID] = true
			if truth[c.ID] == truth[cand.Case.ID] {
				tp++
			} else {
				fp++
			}
		}
		for _, d := range cases {
			if d.ID != c.ID && truth[d.ID] == truth[c.ID] && !got[d.ID] {
				fn++
			}
		}
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("cases %d, true pairs (ordered) %d: precision %.3f, recall %.3f (tp %d, fp %d, fn %d)", len(cases), tp+fn, precision, recall, tp, fp, fn)
	assert.GreaterOrEqual(t, precision, 0.9)
	assert.GreaterOrEqual(t, recall, 0.7)
}

// generateDuplicates stores n disputes, some arriving two or three times —
// through WeCom, a grid head and a walk-in, each retold in other words,
// with the applicant's phone, ID number, both or neither — and near misses:
// another dispute of the same family (same phone and ID), and another
// dispute in the same cell. It returns the cases and the dispute each is.
func generateDuplicates(t *testing.T, store *memstore.Cases, n int, r *rand.Rand) ([]*mediation.Case, map[mediation.ID]int) {
	t.Helper()
	f := newFixture(t)
	cells := []grid.CellID{"mayuan-1", "mayuan-2", "mayuan-1-zhang", "mayuan-1-li", "wuguiqiao"}
	topics := [][3]string{
		{"两家因排水沟堵塞互相指责，多次争吵", "邻居张某把排水沟堵了，雨水流进我家院子，吵了好几次", "反映排水沟堵塞，雨水倒灌，与邻居多次发生争吵"},
		{"因宅基地界墙间距发生争执，可能引发打架", "邻居建房占了我家宅基地，墙离得太近，两家快要打起来", "宅基地界墙间距纠纷，双方情绪激动"},
		{"租户拖欠房租三个月不交，拒不搬离", "房客欠了三个月租金，也不搬走", "反映租户拖欠三个月房租并拒绝搬离"},
		{"在工地务工被拖欠工资八千元", "包工头欠我工钱八千块一直不给", "反映工地老板拖欠务工工资八千元"},
		{"老人被邻居推倒摔伤，要求赔偿医药费", "我母亲被邻居推了一下摔断了腿，要他赔医药费", "老人被推倒受伤住院，双方就赔偿发生纠纷"},
		{"楼上漏水淹了楼下的厨房，物业推诿", "楼上家里水管漏水，把我家厨房天花板泡坏了", "反映楼上漏水致楼下厨房受损，要求赔偿"},
		{"夫妻因抚养孩子问题闹离婚", "老婆要离婚，孩子归谁抚养谈不拢", "夫妻感情破裂，就子女抚养问题发生争执"},
		{"借给亲戚五万元到期不还", "亲戚借了我五万块钱，说好年底还，现在不认账", "反映亲戚借款五万元逾期未还"},
		{"养狗扰民，夜里狗叫影响休息", "邻居家的狗天天晚上叫，吵得睡不着觉", "反映邻居养犬夜间吠叫扰民"},
		{"承包地边界不清，两户争种", "村里分的承包地和邻户的地界不清楚，他家多种了两垄", "承包地地界纠纷，两户争相耕种"},
	}
	channels := []work.Channel{work.ChannelWeCom, work.ChannelGridHead, work.ChannelWalkIn}
	registrars := map[work.Channel]grid.MemberID{work.ChannelWeCom: "gc-duty-1", work.ChannelGridHead: "gc-secretary", work.ChannelWalkIn: "gc-duty-2"}
	truth := map[mediation.ID]int{}
	var out []*mediation.Case
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, shanghai)
	id := 0
	register := func(dispute, person int, topic, wording int, cell grid.CellID, ch work.Channel, numbers int, when time.Time) {
		id++
		phone := fmt.Sprintf("139%08d", person)
		idcard := idCard(fmt.Sprintf("19%02d-%02d-%02d", 50+person%40, 1+person%12, 1+person%28), person%2 == 0)
		app := mediation.Party{Name: fmt.Sprintf("当事人%d", person), Sex: mediation.Male, Age: 40}
		if numbers&1 != 0 {
			app.Phone = phone
		}
		if numbers&2 != 0 {
			app.IDCard = idcard
		}
		c := &mediation.Case{
			ID: mediation.ID(fmt.Sprintf("G%06d", id)), Township: "gucheng", Channel: ch, Category: mediation.Neighbour,
			Applicants: []mediation.Party{app}, Respondents: []mediation.Party{{Name: fmt.Sprintf("对方%d", max(dispute, -dispute))}},
			Facts:    fmt.Sprintf("%s（第%d组）", topics[topic][wording], dispute%7+1),
			Location: f.demo.Path(cell), Handling: f.demo.Path(cell), FirstResponder: string(registrars[ch]),
			State: mediation.Registered, RegisteredAt: when, Version: 1,
			Number: mediation.Number{Prefix: "古调", Year: 2026},
		}
		got, err := store.Create(ctx, c, nil, work.IdempotencyKey{})
		require.NoError(t, err)
		truth[got.ID] = dispute
		out = append(out, got)
	}
	person := 1
	for d := 0; len(out) < n; d++ {
		topic, cell := r.IntN(len(topics)), cells[r.IntN(len(cells))]
		when := at.Add(time.Duration(d) * 7 * time.Hour)
		copies := 1 + r.IntN(3)
		for k := range copies {
			// Numbers given: both, only the phone, only the ID number;
			// the first arrival always gives at least one.
			numbers := []int{3, 1, 2, 3}[r.IntN(4)]
			c := cell
			if k > 0 && r.IntN(3) == 0 {
				c = cells[r.IntN(2)] // told as where the party lives, a neighbouring group
			}
			register(d, person, topic, (k+r.IntN(3))%3, c, channels[(d+k)%3], numbers, when.Add(time.Duration(k)*time.Duration(1+r.IntN(72))*time.Hour))
		}
		switch r.IntN(4) {
		case 0: // the same family, another dispute
			register(-d-1, person, (topic+1+r.IntN(len(topics)-1))%len(topics), r.IntN(3), cell, channels[r.IntN(3)], 3, when.Add(5*time.Hour))
		case 1: // the same cell, another dispute
			person++
			register(-d-1, person, (topic+1+r.IntN(len(topics)-1))%len(topics), r.IntN(3), cell, channels[r.IntN(3)], 3, when.Add(6*time.Hour))
		}
		person++
	}
	return out, truth
}

// countingStore counts the store's Nearby queries.
type countingStore struct {
	mediation.Store
	nearby int
}

func (s *countingStore) Nearby(ctx context.Context, q mediation.NearbyQuery) ([]*mediation.Case, error) {
	s.nearby++
	return s.Store.Nearby(ctx, q)
}

// newCountingService is a Service over store, counting its Nearby queries.
func newCountingService(t *testing.T, store mediation.Store) (*mediation.Service, *countingStore) {
	t.Helper()
	counted := &countingStore{Store: store}
	svc, err := mediation.NewService(mediation.Config{Store: counted, Cells: memstore.Grid{Tree: gridtest.Gucheng().Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules()})
	require.NoError(t, err)
	return svc, counted
}

// TestDuplicatesEach: on the generated set of duplicates, the candidates
// of a page of cases found at once are, case by case, those the detector
// finds for it alone (FindDuplicates), for the duty officer who sees them
// all; the page costs the store a Nearby query for every fifty cases; a
// linked duplicate has none; more than a page is refused naming the
// field.
func TestDuplicatesEach(t *testing.T) {
	store := memstore.NewCases()
	cases, _ := generateDuplicates(t, store, work.MaxPage, rand.New(rand.NewPCG(20, 21)))
	cases = cases[:work.MaxPage] // the last dispute's later arrivals may go beyond
	svc, counted := newCountingService(t, store)
	ids := make([]mediation.ID, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	each, err := svc.DuplicatesEach(ctx, gridtest.Gucheng().Member("gc-duty-1").Actor(), ids)
	require.NoError(t, err)
	assert.Equal(t, work.MaxPage/50, counted.nearby, "one query for every fifty cases")
	require.Len(t, each, len(ids))
	offered := 0
	for i, c := range cases {
		found, err := mediation.FindDuplicates(ctx, store, c, mediation.DefaultDuplicateWindow)
		require.NoError(t, err)
		require.Equal(t, found, each[i], "case %s", c.ID)
		offered += len(found)
	}
	assert.Greater(t, offered, 100)

	f := newFixture(t)
	first := must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute()))
	again := must(t)(f.svc.Register(ctx, f.actor("gc-duty-1"), walkIn()))
	must(t)(f.svc.LinkDuplicate(ctx, f.actor("gc-duty-1"), again.ID, 0, first.ID))
	each, err = f.svc.DuplicatesEach(ctx, f.actor("gc-duty-1"), []mediation.ID{again.ID, first.ID})
	require.NoError(t, err)
	assert.Equal(t, [][]mediation.Candidate{nil, nil}, each, "a linked duplicate and the case it was linked to have none")
	_, err = f.svc.DuplicatesEach(ctx, f.actor("mayuan-1-head"), []mediation.ID{first.ID, again.ID})
	assert.Equal(t, fourplusn.NotFound, fourplusn.ErrorCode(err), "a case the member may not see")
	_, err = f.svc.DuplicatesEach(ctx, f.actor("gc-duty-1"), make([]mediation.ID, work.MaxPage+1))
	assert.Equal(t, "ids", fourplusn.ErrorField(err))
}

// TestDuplicatesEachBeyondTheUnion: when the one query for many cases
// returns as many cases as it has room for, and they are all newer than
// the cases near one of them, that one is asked for alone, and gets the
// candidates it gets alone.
func TestDuplicatesEachBeyondTheUnion(t *testing.T) {
	store := memstore.NewCases()
	demo := gridtest.Gucheng()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, shanghai)
	n := 0
	add := func(cell grid.CellID, when time.Time, phone, facts string) *mediation.Case {
		n++
		c := &mediation.Case{
			ID: mediation.ID(fmt.Sprintf("G%06d", n)), Township: "gucheng", Channel: work.ChannelWalkIn, Category: mediation.Neighbour,
			Applicants: []mediation.Party{{Name: "王某某", Phone: phone}}, Respondents: []mediation.Party{{Name: "张某某"}},
			Facts: facts, Location: demo.Path(cell), Handling: demo.Path(cell), FirstResponder: "gc-duty-1",
			State: mediation.Registered, RegisteredAt: when, Version: 1, Number: mediation.Number{Prefix: "古调", Year: 2026},
		}
		got, err := store.Create(ctx, c, nil, work.IdempotencyKey{})
		require.NoError(t, err)
		return got
	}
	// Two arrivals of one dispute in 大余庄一组, then, ten days later, more
	// cases in 马园一组 than the query for three has room for.
	add("dayuzhuang-1", at.Add(-time.Hour), "13900001111", "两家因排水沟堵塞互相指责，多次争吵")
	old := add("dayuzhuang-1", at, "13900001111", "反映排水沟堵塞，与邻居多次发生争吵")
	var ids []mediation.ID
	for i := range 1000 {
		c := add("mayuan-1", at.Add(10*24*time.Hour+time.Duration(i)*time.Minute), fmt.Sprintf("139%08d", i), "楼上漏水淹了楼下的厨房")
		if i >= 998 {
			ids = append(ids, c.ID)
		}
	}
	ids = append(ids, old.ID)
	svc, counted := newCountingService(t, store)
	duty := demo.Member("gc-duty-1").Actor()
	each, err := svc.DuplicatesEach(ctx, duty, ids)
	require.NoError(t, err)
	assert.Equal(t, 2, counted.nearby, "the query for all, then the old case's alone")
	alone, err := svc.Duplicates(ctx, duty, old.ID)
	require.NoError(t, err)
	require.Len(t, alone, 1)
	assert.Equal(t, alone, each[len(ids)-1])
	for i, id := range ids[:len(ids)-1] {
		alone, err := svc.Duplicates(ctx, duty, id)
		require.NoError(t, err)
		assert.Equal(t, alone, each[i], "case %s", id)
	}
}
