package pilot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// DemoPassword is the password of every demo account. The pilot prints it
// on start: the demo data is for trying the pilot, not for real work.
const DemoPassword = "gucheng2023"

// DemoLogins are the accounts the start-up message suggests, one per kind
// of work, with what each shows.
var DemoLogins = []struct{ ID, What string }{
	{"gc-duty-1", "值班员：值班台，受理与分派"},
	{"mayuan-head", "马园村委书记：本村案件、调解、协议书"},
	{"gc-east-head", "东片区网格长：片区看板"},
	{"gc-secretary", "办事处党委书记（一级网格长）：全办事处看板"},
}

// The seed marker's values: the seed writes "started" before its first
// record and "done" after its last, so that an interrupted seed is never
// run a second time over what it already wrote.
const (
	seedKey     = "demo_seed"
	seedStarted = "started"
	seedDone    = "done"
)

// seedOnce loads the demo township into db unless it was loaded before.
func seedOnce(ctx context.Context, db *bunstore.DB, accts *accounts.Accounts, logger *slog.Logger) (bool, error) {
	mark, err := setting(ctx, db.Bun(), seedKey)
	if err != nil {
		return false, err
	}
	switch mark {
	case seedDone:
		return false, nil
	case seedStarted:
		logger.Warn("an earlier loading of the demo data was interrupted; it is not loaded again, to avoid duplicates")
		return false, nil
	}
	if err := setSetting(ctx, db.Bun(), seedKey, seedStarted); err != nil {
		return false, err
	}
	if err := Seed(ctx, db, accts, time.Now()); err != nil {
		return false, fmt.Errorf("load the demo data: %w", err)
	}
	return true, setSetting(ctx, db.Bun(), seedKey, seedDone)
}

// clock is the seed's clock: the demo's history is written as if it had
// happened over the weeks before now, so that the dashboard has a previous
// month to compare with.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// seeder writes the demo's records through the domain services, so that
// every record has its timeline, exactly as if members had entered it.
type seeder struct {
	ctx   context.Context
	demo  *gridtest.Demo
	clock *clock
	// hazardClock is the hazards' own clock in their pass over the weeks;
	// while it is zero they follow clock.
	hazardClock *clock
	cases       *mediation.Service
	hazards     *hazard.Service
	err         error
}

// Seed writes the demo township into db: the grid of gridtest.Gucheng with
// its members and their accounts (every one's password DemoPassword), the
// seed's three stories, a month and a half of further cases and hazards
// ending at now, and the month's crime indicators. It is what the seed
// subcommand runs; Open runs it once in demo mode.
func Seed(ctx context.Context, db *bunstore.DB, accts *accounts.Accounts, now time.Time) error {
	demo := gridtest.Gucheng()
	if _, err := demo.Found(ctx, db.Grid()); err != nil {
		return fmt.Errorf("set the demo township up: %w", err)
	}
	// Rectangles for Gucheng's cells, about where the sub-district lies,
	// so that the map has something to show.
	ground := orb.Bound{Min: orb.Point{114.00, 32.95}, Max: orb.Point{114.06, 33.00}}
	for _, b := range gridtest.Boundaries(demo.Tree, gridtest.GuchengID, ground) {
		if err := db.Boundaries().PutBoundary(ctx, gridtest.GuchengID, b); err != nil {
			return fmt.Errorf("set the demo township's boundaries: %w", err)
		}
	}
	logins := make([]accounts.Member, len(demo.Members))
	for i, m := range demo.Members {
		logins[i] = accounts.Member{ID: string(m.ID), Township: string(m.Township)}
	}
	if err := accts.Demo(ctx, logins, DemoPassword); err != nil {
		return fmt.Errorf("the demo accounts: %w", err)
	}
	clk, own := &clock{t: now.Add(-45 * 24 * time.Hour)}, &clock{}
	hazardClock := func() time.Time {
		if own.t.IsZero() {
			return clk.t
		}
		return own.t
	}
	a := &App{DB: db, Policy: grid.DefaultPolicy()}
	if err := a.services(ctx, clk.Now, hazardClock); err != nil {
		return err
	}
	s := &seeder{ctx: ctx, demo: demo, clock: clk, hazardClock: own, cases: a.Cases, hazards: a.Hazards}
	s.stories(now)
	s.history(now)
	if s.err != nil {
		return s.err
	}
	return s.indicators(db, now)
}

// at sets the seed's clock to t. Each story runs forward from its own
// start; the stories overlap in time as real cases do.
func (s *seeder) at(t time.Time) { s.clock.t = t }

func (s *seeder) actor(id grid.MemberID) grid.Actor { return s.demo.Member(id).Actor() }

// do runs one step unless an earlier one failed, and keeps the case it
// returns.
func (s *seeder) do(c **mediation.Case, step string, fn func(c *mediation.Case) (*mediation.Case, error)) {
	if s.err != nil {
		return
	}
	next, err := fn(*c)
	if err != nil {
		s.err = fmt.Errorf("%s: %w", step, err)
		return
	}
	*c = next
}

func (s *seeder) register(by grid.MemberID, in mediation.Intake) *mediation.Case {
	var c *mediation.Case
	s.do(&c, "register "+in.Facts, func(*mediation.Case) (*mediation.Case, error) {
		return s.cases.Register(s.ctx, s.actor(by), in)
	})
	return c
}

func (s *seeder) session(c **mediation.Case, by grid.MemberID, place mediation.Place, outcome mediation.Outcome, attendees ...string) {
	s.do(c, "session", func(c *mediation.Case) (*mediation.Case, error) {
		return s.cases.RecordSession(s.ctx, s.actor(by), c.ID, c.Version, mediation.Session{
			At: s.clock.Now(), Place: place, Attendees: attendees, Notes: "听取双方意见，释法明理，讲清利害。", Outcome: outcome,
		})
	})
}

// team adds the participants to c's 4+N team.
func (s *seeder) team(c **mediation.Case, by grid.MemberID, ps []mediation.Participant) {
	for _, p := range ps {
		s.do(c, "join", func(c *mediation.Case) (*mediation.Case, error) {
			return s.cases.Join(s.ctx, s.actor(by), c.ID, c.Version, p)
		})
	}
}

// sessions records n sessions of c, step apart and in turn at the places
// given, the last one settling the dispute.
func (s *seeder) sessions(c **mediation.Case, by grid.MemberID, n int, step time.Duration, places []mediation.Place, attendees ...string) {
	for i := range n {
		outcome := mediation.Progress
		if i == n-1 {
			outcome = mediation.Settled
		}
		s.at(s.clock.t.Add(step))
		s.session(c, by, places[i%len(places)], outcome, attendees...)
	}
}

// idCard returns a valid resident ID number (GB 11643) for a demo party
// of the age given at the seed's clock, who had their birthday a hundred
// days before, and of the sex given: a number of this township's county
// (确山县, 411725), the party's seq telling the demo's people apart.
func (s *seeder) idCard(age int, sex mediation.Sex, seq int) string {
	y, m, d := s.clock.t.In(work.Zone).Date()
	birth := time.Date(y-age, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -100)
	// The 17th digit is odd for men, even for women.
	order := 2*seq + 1
	if sex == mediation.Female {
		order++
	}
	body := "411725" + birth.Format("20060102") + fmt.Sprintf("%03d", order%1000)
	return body + string(fourplusn.IDCardCheck(body))
}

// identified returns parties with an ID number each, as the case file's
// proof of identity (当事人身份证明) needs, numbered from seq on.
func (s *seeder) identified(seq int, parties ...mediation.Party) []mediation.Party {
	for i := range parties {
		parties[i].IDCard = s.idCard(parties[i].Age, parties[i].Sex, seq+i)
	}
	return parties
}

// rights records that by gave every party of c the notice of rights and
// duties, in the manner given, as mediators do before they mediate.
func (s *seeder) rights(c **mediation.Case, by grid.MemberID, manner mediation.RightsManner) {
	s.do(c, "give the notice of rights", func(c *mediation.Case) (*mediation.Case, error) {
		var names []string
		for _, p := range c.Parties() {
			names = append(names, p.Name)
		}
		return s.cases.GiveRights(s.ctx, s.actor(by), c.ID, c.Version, mediation.RightsGiving{Parties: names, Manner: manner})
	})
}

func (s *seeder) accept(c **mediation.Case, by grid.MemberID) {
	s.do(c, "accept", func(c *mediation.Case) (*mediation.Case, error) {
		return s.cases.Accept(s.ctx, s.actor(by), c.ID, c.Version)
	})
}

// written is the draft of c's written agreement, mediated by member
// mediator, who holds post.
func (s *seeder) written(c *mediation.Case, mediator grid.MemberID, post, disputes, terms string, pay int64) mediation.Agreement {
	at := s.clock.t
	a := mediation.Agreement{
		Form: mediation.Written, Facts: c.Facts, Disputes: disputes, Responsibilities: "双方各负其责",
		Terms: terms, Manner: "当面履行", Place: "村委会", PerformBy: at.AddDate(0, 1, 0),
		Mediator: s.demo.Member(mediator).Name, MediatorPost: post, Committee: "古城办事处人民调解委员会",
	}
	if pay > 0 && len(c.Respondents) > 0 && len(c.Applicants) > 0 {
		a.Payments = []mediation.Payment{{Payer: c.Respondents[0].Name, Payee: c.Applicants[0].Name, Amount: pay, Due: at.AddDate(0, 1, 0)}}
	}
	return a
}

// sign drafts c's written agreement a, and records, two hours later,
// that every party, the mediator and the committee marked the printed
// draft, which puts it in effect.
func (s *seeder) sign(c **mediation.Case, by grid.MemberID, a mediation.Agreement) {
	s.do(c, "draft the agreement", func(c *mediation.Case) (*mediation.Case, error) {
		return s.cases.DraftAgreement(s.ctx, s.actor(by), c.ID, c.Version, a)
	})
	s.at(s.clock.t.Add(2 * time.Hour))
	s.do(c, "record the signing", func(c *mediation.Case) (*mediation.Case, error) {
		sg := mediation.Signing{Revision: c.Draft.Revision, MediatorSigned: true, Sealed: true}
		for _, p := range c.Parties() {
			sg.Marks = append(sg.Marks, mediation.Signature{Party: p.Name, Mark: mediation.Signed})
		}
		return s.cases.RecordSigning(s.ctx, s.actor(by), c.ID, c.Version, sg)
	})
}

func (s *seeder) agree(c **mediation.Case, by grid.MemberID, a mediation.Agreement) {
	s.do(c, "agreement", func(c *mediation.Case) (*mediation.Case, error) {
		return s.cases.RecordAgreement(s.ctx, s.actor(by), c.ID, c.Version, a)
	})
}

func (s *seeder) followUpAndClose(c **mediation.Case, by grid.MemberID, notes string) {
	s.do(c, "follow-up", func(c *mediation.Case) (*mediation.Case, error) {
		return s.cases.FollowUp(s.ctx, s.actor(by), c.ID, c.Version, mediation.FollowUp{Performed: true, Notes: notes})
	})
	s.do(c, "close", func(c *mediation.Case) (*mediation.Case, error) {
		return s.cases.Close(s.ctx, s.actor(by), c.ID, c.Version, "调解成功")
	})
}

const day = 24 * time.Hour

// stories writes the seed's three stories, as mediation's story tests
// tell them.
func (s *seeder) stories(now time.Time) {
	start := now.Add(-44 * day)
	// Story 1: the injury claim; a threat to petition sends it to the sector.
	s.at(start)
	c := s.register("mayuan-police", mediation.Intake{
		Channel:     work.ChannelPolice,
		Category:    mediation.Injury,
		Applicants:  s.identified(1, mediation.Party{Name: "章某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 81, Occupation: "农民", Phone: "13800001234", Address: "马园一组"}),
		Respondents: s.identified(2, mediation.Party{Name: "李某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 70, Occupation: "农民", Phone: "13800005678", Address: "马园一组"}),
		Facts:       "章某某称被李某某推倒致左胯骨骨折，住院手术费用共计26000元；李某某否认推人。无证人，无视频监控。",
		Claims:      []mediation.Claim{{Description: "医疗费及赔偿", Amount: 5_000_000}},
		Location:    "mayuan-1",
	})
	s.accept(&c, "mayuan-police")
	s.rights(&c, "mayuan-police", mediation.RightsWritten)
	for range 2 {
		s.at(s.clock.t.Add(day))
		s.session(&c, "mayuan-police", mediation.PlaceHome, mediation.Progress, "马园民警")
	}
	s.do(&c, "raise risk", func(c *mediation.Case) (*mediation.Case, error) {
		return s.cases.RaiseRisk(s.ctx, s.actor("mayuan-police"), c.ID, c.Version, mediation.PetitionThreat)
	})
	s.do(&c, "approve", func(c *mediation.Case) (*mediation.Case, error) {
		return s.cases.ApproveEscalation(s.ctx, s.actor("gc-east-head"), c.ID, c.Version)
	})
	s.team(&c, "gc-east-head", []mediation.Participant{
		{Department: "police", MemberID: "mayuan-police", Name: "马园民警", Role: "社区民警"},
		{Department: "grid", MemberID: "mayuan-head", Name: "马园村委书记", Role: "村书记"},
		{Department: "justice", MemberID: "gc-justice", Name: "高敬", Role: "司法所长"},
		{Department: "grid", MemberID: "mayuan-security", Name: "胡得才", Role: "村治安主任"},
		{Department: "grid", MemberID: "mayuan-1-head", Name: "马园一组组长", Role: "村民组长"},
		{Department: "partner", Body: "有威望的亲戚", Name: "章家亲戚"},
		{Department: "partner", Body: "有威望的亲戚", Name: "李家亲戚"},
	})
	places := []mediation.Place{mediation.PlaceVillageCommittee, mediation.PlaceHome, mediation.PlaceStation, mediation.PlaceField}
	s.sessions(&c, "gc-justice", 11, day, places, "高敬", "马园民警", "章家亲戚", "李家亲戚")
	if c != nil {
		s.sign(&c, "gc-justice", s.written(c, "gc-justice", "司法所长", "赔偿数额", "双方今后和睦相处，不再因此事发生争执。", 3_000_000))
	}
	s.at(s.clock.t.Add(7 * day))
	s.followUpAndClose(&c, "gc-east-head", "赔偿款已付清，双方满意。")

	// Story 2: the whistle on a homestead wall quarrel likely to end in a fight.
	s.at(start.Add(3 * day))
	c = s.register("honggoumiao-security", mediation.Intake{
		Channel:     work.ChannelGridHead,
		Category:    mediation.Homestead,
		Applicants:  s.identified(3, mediation.Party{Name: "仝某某", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 52, Occupation: "农民", Phone: "13700002222", Address: "洪沟庙二组"}),
		Respondents: s.identified(4, mediation.Party{Name: "赵某某", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 49, Occupation: "农民", Phone: "13700003333", Address: "洪沟庙二组"}),
		Facts:       "仝某某与邻居赵某某因宅基地墙与墙之间留出距离问题发生纠纷，矛盾僵持不下。",
		Location:    "honggoumiao-2",
		Risks:       mediation.LikelyFight,
	})
	s.accept(&c, "honggoumiao-head")
	s.rights(&c, "honggoumiao-head", mediation.RightsWritten)
	s.team(&c, "honggoumiao-head", []mediation.Participant{
		{Department: "police", MemberID: "honggoumiao-police", Name: "洪沟庙民警", Role: "社区民警"},
		{Department: "justice", MemberID: "gc-justice", Name: "高敬", Role: "司法所长"},
		{Department: "grid", MemberID: "honggoumiao-security", Name: "刘保柱", Role: "村治保主任"},
		{Department: "mediation_committee", MemberID: "gc-mediator", Name: "孙某", Role: "人民调解员"},
		{Department: "partner", MemberID: "gc-land", Body: "土地所", Name: "郑某"},
	})
	s.sessions(&c, "honggoumiao-head", 11, 12*time.Hour, places, "洪沟庙村委书记", "刘保柱", "郑某")
	if c != nil {
		s.sign(&c, "honggoumiao-head", s.written(c, "gc-mediator", "人民调解员", "两家院墙之间的间距", "两家院墙之间各退让0.5米，留出1米通道，共同出资硬化。", 0))
	}

	// Story 3: first-inquiry responsibility for a village moved away.
	s.at(start.Add(10 * day))
	c = s.register("gc-duty-1", mediation.Intake{
		Channel:     work.ChannelWalkIn,
		Category:    mediation.Neighbour,
		Applicants:  s.identified(5, mediation.Party{Name: "朱某某", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 56, Occupation: "农民", Phone: "13600004444", Address: "确山县朗陵村委朱里庄"}),
		Respondents: s.identified(6, mediation.Party{Name: "朱某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 54, Occupation: "农民", Phone: "13600005555", Address: "确山县朗陵村委朱里庄"}),
		Facts:       "申请人之妻与邻居之妻多年争吵，两家积怨。",
		Outside:     "确山县朗陵村委朱里庄",
	})
	s.accept(&c, "gc-duty-1")
	// Told by word of mouth at the first visit home, which neither party
	// signs for.
	s.rights(&c, "gc-mediator", mediation.RightsOral)
	s.sessions(&c, "gc-mediator", 3, 6*time.Hour, []mediation.Place{mediation.PlaceHome}, "孙某")
	if c != nil {
		s.agree(&c, "gc-mediator", mediation.Agreement{
			Form: mediation.Oral, Facts: c.Facts, Disputes: "两家妻子长期争吵",
			Terms: "为两家待娶待嫁子女留下好名声，两家言归于好，不再为琐事争吵。", Mediator: "孙某",
		})
	}
	s.at(s.clock.t.Add(2 * day))
	s.followUpAndClose(&c, "gc-mediator", "两家和好。")
}

// everyday are the further disputes of the demo, one per community: who
// registers it, where, what, and how far it has come.
var everyday = []struct {
	by       grid.MemberID
	location grid.CellID
	category mediation.Category
	facts    string
	// stage: 0 registered only, 1 accepted, 2 in mediation, 3 agreed.
	stage int
}{
	{"wuguiqiao-police", "wuguiqiao-1", mediation.Neighbour, "两户因排水沟堵塞互相指责。", 3},
	{"dayuzhuang-head", "dayuzhuang-2", mediation.Family, "兄弟二人因赡养老人费用分担发生争执。", 3},
	{"guchengjie-police", "guchengjie-1", mediation.Tenancy, "租户拖欠两个月房租，房东锁门。", 2},
	{"nanguan-head", "nanguan-2", mediation.Debt, "邻居借款三千元逾期未还。", 3},
	{"xiaoyuzhuang-police", "xiaoyuzhuang-1", mediation.Neighbour, "楼上漏水浸湿楼下天花板。", 1},
	{"zhaiwan-head", "zhaiwan-1", mediation.Labour, "包工头拖欠三名村民工钱。", 2},
	{"mayuan-police", "mayuan-2", mediation.Neighbour, "两家因鸡鸭进入菜地发生口角。", 3},
	{"honggoumiao-police", "honggoumiao-1", mediation.Family, "夫妻因家务琐事长期争吵。", 0},
	{"wuguiqiao-police", "wuguiqiao-2", mediation.Neighbour, "两户因门前堆放杂物发生争执。", 0},
}

// history writes a month and a half of everyday cases and hazards, spread
// over both months so that the dashboard's month-on-month figures mean
// something, and a few waiting at the watch, one of them overdue.
func (s *seeder) history(now time.Time) {
	span := 40 * day
	for i, e := range everyday {
		s.at(now.Add(-span + time.Duration(i)*span/time.Duration(len(everyday))))
		if e.stage == 0 {
			// Waiting for acceptance, the last ones recently: the console
			// shows them, the older one past its deadline.
			s.at(now.Add(-time.Duration(len(everyday)-i) * 20 * time.Hour))
		}

		channel := work.ChannelGridHead
		if strings.HasSuffix(string(e.by), "-police") {
			channel = work.ChannelPolice
		}
		c := s.register(e.by, mediation.Intake{
			Channel: channel, Category: e.category,
			Applicants:  []mediation.Party{{Name: fmt.Sprintf("申请人%d", i+1), Sex: mediation.Male, Age: 40 + i, Phone: fmt.Sprintf("1390000%04d", i+1)}},
			Respondents: []mediation.Party{{Name: fmt.Sprintf("被申请人%d", i+1), Sex: mediation.Female, Age: 38 + i}},
			Facts:       e.facts, Location: e.location,
		})
		if s.err != nil || c == nil {
			return
		}
		handler := s.handler(c)
		if e.stage >= 1 {
			s.accept(&c, handler)
		}
		if e.stage >= 2 {
			s.at(s.clock.t.Add(4 * time.Hour))
			outcome := mediation.Progress
			if e.stage >= 3 {
				outcome = mediation.Settled
			}
			s.session(&c, handler, mediation.PlaceVillageCommittee, outcome, s.demo.Member(handler).Name)
		}
		if e.stage >= 3 && c != nil {
			s.at(s.clock.t.Add(4 * time.Hour))
			s.agree(&c, handler, mediation.Agreement{Form: mediation.Oral, Facts: c.Facts, Disputes: "责任分担", Terms: "双方互谅互让，当场和解。", Mediator: s.demo.Member(handler).Name})
		}
	}
	// An online application from a resident, waiting at the watch.
	s.at(now.Add(-2 * time.Hour))
	resident := grid.ResidentActor("r-demo-1", gridtest.GuchengID)
	if s.err == nil {
		_, err := s.cases.Register(s.ctx, resident, mediation.Intake{
			Channel: work.ChannelOnline, Consent: mediation.CurrentPrivacyNotice.Version, Category: mediation.Neighbour,
			Applicants:  []mediation.Party{{Name: "钱某某", Sex: mediation.Female, Age: 63, Phone: "13500001111"}},
			Respondents: []mediation.Party{{Name: "孔某某"}},
			Facts:       "邻居家的狗夜里常吠，多次沟通无果。", Location: "nanguan-1",
		})
		if err != nil {
			s.err = fmt.Errorf("online application: %w", err)
		}
	}
	s.hazardHistory(now)
}

// handler returns the head of the cell handling c, who accepts and
// mediates it in the demo.
func (s *seeder) handler(c *mediation.Case) grid.MemberID {
	return grid.MemberID(string(c.Handling.Cell()) + "-head")
}

// hazardHistory writes the seed's 25 hazards rectified on the spot, spread
// over the weeks, and two whistle reports still open.
func (s *seeder) hazardHistory(now time.Time) {
	communities := []grid.CellID{"mayuan", "wuguiqiao", "dayuzhuang", "honggoumiao", "guchengjie", "nanguan", "xiaoyuzhuang", "zhaiwan"}
	categories := []hazard.Category{hazard.Fire, hazard.Electrical, hazard.Structural, hazard.Gas, hazard.Traffic, hazard.Flood, hazard.Other}
	span := 40 * day
	for i := range 25 {
		if s.err != nil {
			return
		}
		// The seed's clock only moves forward, so the hazards are written
		// after the cases, in their own pass over the same weeks: their
		// times are set on a clock of their own.
		at := now.Add(-span + time.Duration(i)*span/25)
		s.hazardClock.t = at
		c := communities[i%len(communities)]
		h, err := s.hazards.Report(s.ctx, s.actor(grid.MemberID(string(c)+"-police")), hazard.Report{
			Category: categories[i%len(categories)], Location: grid.CellID(fmt.Sprintf("%s-1", c)),
			Description: fmt.Sprintf("排查发现第%d处隐患", i+1),
			OnTheSpot:   &hazard.Rectification{Evidence: "当场整改完毕"},
		})
		if err != nil {
			s.err = fmt.Errorf("hazard %d: %w", i+1, err)
			return
		}
		// The township verifies them the next day, all but the last few,
		// which are still waiting.
		if i >= 22 {
			continue
		}
		next := at.Add(day)
		s.hazardClock.t = next
		if _, err := s.hazards.Verify(s.ctx, s.actor("gc-secretary"), h.ID, h.Version, hazard.Verification{Passed: true, Notes: "整改到位，予以销号。"}); err != nil {
			s.err = fmt.Errorf("verify hazard %d: %w", i+1, err)
		}
	}
	for i, r := range []struct {
		by       grid.MemberID
		location grid.CellID
		category hazard.Category
		text     string
		ago      time.Duration
	}{
		{"honggoumiao-security", "honggoumiao-2", hazard.Electrical, "村民组仓库私拉电线，线头裸露。", 80 * time.Hour},
		{"mayuan-1-head", "mayuan-1", hazard.Fire, "巷道内堆放大量秸秆，堵塞消防通道。", 3 * time.Hour},
	} {
		at := now.Add(-r.ago)
		s.hazardClock.t = at
		if _, err := s.hazards.Report(s.ctx, s.actor(r.by), hazard.Report{Category: r.category, Location: r.location, Description: r.text}); err != nil && s.err == nil {
			s.err = fmt.Errorf("whistle %d: %w", i+1, err)
		}
	}
}

// indicators records the month's and the previous month's crime figures,
// which come from the police's own systems: the seed reports their fall.
func (s *seeder) indicators(db *bunstore.DB, now time.Time) error {
	root := s.demo.Path(gridtest.GuchengID)
	cur := stats.Month.Of(now)
	prev := stats.Month.Previous(cur)
	for _, v := range []struct {
		name      string
		prev, cur int64
	}{{stats.RuralPropertyCrime, 20, 13}, {stats.ThreeVehicleTheft, 9, 6}, {stats.TelecomFraud, 13, 7}} {
		for _, in := range []stats.Indicator{
			{Name: v.name, Cell: root, Period: stats.Month, Start: prev.From, Value: v.prev},
			{Name: v.name, Cell: root, Period: stats.Month, Start: cur.From, Value: v.cur},
		} {
			if err := db.Indicators().Put(s.ctx, in); err != nil {
				return fmt.Errorf("indicator %s: %w", v.name, err)
			}
		}
	}
	return nil
}
