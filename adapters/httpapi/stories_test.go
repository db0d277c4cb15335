package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

// The seed's three stories, step by step, purely over HTTP, in the shape
// of mediation/stories_test.go. Every action names the version it saw with
// If-Match, as a careful client would.

// caseView is the part of a case response the stories read.
type caseView struct {
	ID                 string `json:"id"`
	TrackingCode       string `json:"tracking_code"`
	Version            int64  `json:"version"`
	Source             string `json:"source"`
	Grade              string `json:"grade"`
	Handling           string `json:"handling"`
	State              string `json:"state"`
	Accountable        string `json:"accountable"`
	FirstResponder     string `json:"first_responder"`
	FirstResponderCell string `json:"first_responder_cell"`
	OutOfJurisdiction  bool   `json:"out_of_jurisdiction"`
	Facts              string `json:"facts"`
	Applicants         []struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"applicants"`
	Respondents []struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"respondents"`
	Escalation *struct {
		To string `json:"to"`
	} `json:"escalation"`
	Team []struct {
		Department string `json:"department"`
	} `json:"team"`
	Sessions  []any `json:"sessions"`
	Agreement *struct {
		Form                      string `json:"form"`
		TotalFen                  int64  `json:"total_fen"`
		Signatures                []any  `json:"signatures"`
		EffectiveAt               string `json:"effective_at"`
		CourtConfirmationDeadline string `json:"court_confirmation_deadline"`
	} `json:"agreement"`
	Rights []struct {
		Party  string `json:"party"`
		Manner string `json:"manner"`
		At     string `json:"at"`
		By     string `json:"by"`
	} `json:"rights"`
}

// story follows one case over HTTP, keeping the ETag of the last answer.
type story struct {
	t    *testing.T
	e    *env
	c    caseView
	etag string
}

// register registers a case as member who and starts the story.
func (e *env) story(t *testing.T, who string, intake map[string]any) *story {
	t.Helper()
	res := e.as(who).post("/api/v1/cases", intake)
	require.Equal(t, http.StatusCreated, res.Code, res)
	s := &story{t: t, e: e}
	s.read(res)
	assert.Equal(t, "/api/v1/cases/"+s.c.ID, res.Header.Get("Location"))
	return s
}

func (s *story) read(res *response) {
	s.t.Helper()
	s.c = caseView{}
	res.decode(s.t, &s.c)
	s.etag = res.Header.Get("ETag")
	require.NotEmpty(s.t, s.etag)
}

// act does an action as member who and requires success.
func (s *story) act(who, action string, body any) {
	s.t.Helper()
	res := s.try(who, action, body)
	require.Equal(s.t, http.StatusOK, res.Code, "%s by %s: %s", action, who, res)
	s.read(res)
}

// try does an action as member who and returns the answer.
func (s *story) try(who, action string, body any) *response {
	s.t.Helper()
	return s.e.as(who).post("/api/v1/cases/"+s.c.ID+"/"+action, body, "If-Match", s.etag)
}

func (s *story) session(who, place, outcome string, attendees ...string) {
	s.t.Helper()
	if len(attendees) == 0 {
		attendees = []string{"高敬"}
	}
	s.act(who, "sessions", map[string]any{
		"at": s.e.clock.Now().UTC().Format(time.RFC3339), "place": place, "attendees": attendees,
		"notes": "听取双方意见，释法明理。", "outcome": outcome,
	})
}

// written returns a written agreement signed by every party of the case
// as the mediator sees it, the first respondent paying the first applicant
// amount fen.
func (s *story) written(amount int64) map[string]any {
	now := s.e.clock.Now().UTC()
	var signatures []map[string]any
	for _, p := range s.c.Applicants {
		signatures = append(signatures, map[string]any{"party": p.Name, "mark": "signed", "at": now.Format(time.RFC3339)})
	}
	for _, p := range s.c.Respondents {
		signatures = append(signatures, map[string]any{"party": p.Name, "mark": "fingerprinted", "at": now.Format(time.RFC3339)})
	}
	a := map[string]any{
		"form": "written", "number": "古调字〔2022〕第12号", "facts": s.c.Facts, "disputes": "赔偿数额",
		"responsibilities": "双方各负其责", "terms": "双方今后和睦相处，不再因此事发生争执。",
		"manner": "现金一次性支付", "place": "村委会", "perform_by": now.AddDate(0, 1, 0).Format(time.RFC3339),
		"signatures": signatures, "mediator": "高敬", "mediator_signed_at": now.Format(time.RFC3339),
		"committee": "古城办事处人民调解委员会", "sealed": true,
	}
	if amount > 0 {
		a["payments"] = []map[string]any{{"payer": s.c.Respondents[0].Name, "payee": s.c.Applicants[0].Name, "amount_fen": amount, "due": now.AddDate(0, 1, 0).Format(time.RFC3339)}}
	}
	return a
}

// rights records, as member who, that the notice of rights and duties was
// given to the parties named, in manner, now.
func (s *story) rights(who, manner string, parties ...string) {
	s.t.Helper()
	s.act(who, "rights", map[string]any{"parties": parties, "manner": manner})
}

// missing returns the names of the required items of the case's file
// that are missing, as who sees the file, and those of them that keep the
// case from being closed.
func (s *story) missing(who string) (missing, lacking []string) {
	s.t.Helper()
	res := s.e.as(who).get("/api/v1/cases/" + s.c.ID + "/file")
	require.Equal(s.t, http.StatusOK, res.Code, res)
	var file struct {
		Items []struct {
			Name     string `json:"name"`
			Required bool   `json:"required"`
			Status   string `json:"status"`
		} `json:"items"`
		Lacking []string `json:"lacking"`
	}
	res.decode(s.t, &file)
	require.Len(s.t, file.Items, 13)
	missing = []string{}
	for _, it := range file.Items {
		if it.Required && it.Status == "missing" {
			missing = append(missing, it.Name)
		}
	}
	return missing, file.Lacking
}

// complete checks that the case's file, as who sees it, misses no
// required item.
func (s *story) complete(who string) {
	s.t.Helper()
	missing, lacking := s.missing(who)
	assert.Empty(s.t, missing, "the file is complete")
	assert.Empty(s.t, lacking)
}

// actions returns the actions of the case's timeline, as who sees it.
func (s *story) actions(who string) []timeline.Action {
	s.t.Helper()
	res := s.e.as(who).get("/api/v1/cases/" + s.c.ID + "/timeline")
	require.Equal(s.t, http.StatusOK, res.Code, res)
	var tl struct {
		Events []struct {
			Action timeline.Action `json:"action"`
		} `json:"events"`
	}
	res.decode(s.t, &tl)
	out := make([]timeline.Action, len(tl.Events))
	for i, ev := range tl.Events {
		out[i] = ev.Action
	}
	return out
}

// Story 1: an 81-year-old says a 70-year-old pushed her over; her surgery
// cost 26,000 yuan and she asks 50,000, and threatens to petition. The 4+N
// team meets more than ten times; they agree on 30,000 yuan.
func story1InjuryClaim(t *testing.T, e *env) {
	s := e.story(t, "mayuan-police", map[string]any{
		"channel": "police", "category": "injury",
		"applicants":  []map[string]any{{"name": "章某某", "sex": "female", "ethnicity": "汉族", "age": 81, "occupation": "农民", "phone": "13800001234", "id_card": "110105194101010023", "address": "马园一组"}},
		"respondents": []map[string]any{{"name": "李某某", "sex": "female", "ethnicity": "汉族", "age": 70, "occupation": "农民", "phone": "13800005678", "id_card": "110105195201010025", "address": "马园一组"}},
		"facts":       "章某某称被李某某推倒致左胯骨骨折，住院手术费用共计26000元；李某某否认推人。无证人，无视频监控。",
		"claims":      []map[string]any{{"description": "医疗费及赔偿", "amount_fen": 5_000_000}},
		"location":    "mayuan-1",
	})
	assert.Equal(t, "ordinary", s.c.Grade, "an injury claim of 50,000 yuan starts yellow")
	assert.Equal(t, "/gucheng/gc-east/mayuan", s.c.Handling)
	assert.Equal(t, "mayuan-police", s.c.Accountable)

	s.act("mayuan-police", "accept", nil)
	s.rights("mayuan-police", "written", "章某某", "李某某")
	require.Len(t, s.c.Rights, 2)
	assert.Equal(t, "章某某", s.c.Rights[0].Party)
	assert.Equal(t, "written", s.c.Rights[0].Manner)
	assert.Equal(t, "mayuan-police", s.c.Rights[1].By)
	e.clock.Advance(day)
	for range 2 {
		s.session("mayuan-police", "home", "progress", "马园民警")
		e.clock.Advance(2 * day)
	}
	s.act("mayuan-police", "risks", map[string]any{"risks": []string{"petition_threat"}})
	assert.Equal(t, "major", s.c.Grade, "a threat to petition makes it red at once")
	require.NotNil(t, s.c.Escalation)
	assert.Equal(t, "/gucheng/gc-east", s.c.Escalation.To)

	s.act("gc-east-head", "approve", nil)
	assert.Equal(t, "/gucheng/gc-east", s.c.Handling)
	assert.Equal(t, "gc-east-head", s.c.Accountable)
	res := s.try("mayuan-police", "sessions", map[string]any{"at": e.clock.Now().Format(time.RFC3339), "place": "home", "attendees": []string{"马园民警"}, "notes": "走访", "outcome": "progress"})
	assert.Equal(t, http.StatusForbidden, res.Code, "handled above his cell: he sees it, but may not act: %s", res)

	for _, p := range []map[string]any{
		{"department": "police", "member_id": "mayuan-police", "name": "马园民警", "role": "社区民警"},
		{"department": "grid", "member_id": "mayuan-head", "name": "马园村委书记", "role": "村书记"},
		{"department": "justice", "member_id": "gc-justice", "name": "高敬", "role": "司法所长"},
		{"department": "grid", "member_id": "mayuan-security", "name": "胡得才", "role": "村治安主任"},
		{"department": "grid", "member_id": "mayuan-1-head", "name": "马园一组组长", "role": "村民组长"},
		{"department": "partner", "body": "有威望的亲戚", "name": "章家亲戚"},
		{"department": "partner", "body": "有威望的亲戚", "name": "李家亲戚"},
	} {
		s.act("gc-east-head", "team", p)
	}
	places := []string{"village_committee", "home", "station", "field"}
	for i := range 11 {
		outcome := "progress"
		if i == 10 {
			outcome = "settled"
		}
		s.session("gc-justice", places[i%len(places)], outcome, "高敬", "马园民警", "章家亲戚", "李家亲戚")
		e.clock.Advance(day)
	}
	assert.Len(t, s.c.Sessions, 13, "more than ten sessions")
	assert.Equal(t, "章某某", s.c.Applicants[0].Name, "the justice office sees the parties in full")

	s.act("gc-justice", "agreement", s.written(3_000_000))
	assert.Equal(t, "agreed", s.c.State)
	require.NotNil(t, s.c.Agreement)
	assert.Equal(t, int64(3_000_000), s.c.Agreement.TotalFen, "30,000 yuan")
	assert.Equal(t, e.clock.Now().UTC().Add(30*day).Format(time.RFC3339), s.c.Agreement.CourtConfirmationDeadline)

	res = e.as("gc-justice").get("/api/v1/cases/" + s.c.ID + "/agreement?format=text")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
	text := string(res.Body)
	assert.Contains(t, text, "人民调解协议书")
	assert.Contains(t, text, "叁万元整")
	assert.Contains(t, text, "13800001234", "the justice office prints the parties' particulars in full")
	res = e.as("gc-land").get("/api/v1/cases/"+s.c.ID+"/agreement", "Accept", "text/plain")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.NotContains(t, string(res.Body), "13800001234", "a partner's copy is masked")
	assert.Contains(t, string(res.Body), "138****1234")

	e.clock.Advance(30 * day)
	s.act("gc-east-head", "follow-ups", map[string]any{"performed": true, "notes": "赔偿款已付清，双方满意，相约送锦旗。"})
	s.act("gc-east-head", "close", map[string]any{"note": "调解成功"})
	assert.Equal(t, "closed", s.c.State)
	s.complete("gc-east-head")

	departments := map[string]bool{}
	for _, p := range s.c.Team {
		departments[p.Department] = true
	}
	assert.Equal(t, map[string]bool{"police": true, "justice": true, "grid": true, "partner": true}, departments, "4+N")
	acts := s.actions("gc-east-head")
	assert.Equal(t, []timeline.Action{mediation.ActionRegistered, mediation.ActionAccepted, mediation.ActionRightsGiven, mediation.ActionSession, mediation.ActionSession, mediation.ActionRiskRaised, mediation.ActionApproved}, acts[:7])
	assert.Equal(t, mediation.ActionClosed, acts[len(acts)-1])
	require.NoError(t, e.cases.CheckTimeline(ctx, e.member("gc-east-head"), mediation.ID(s.c.ID)), "the timeline's hash chain holds")
}

// Story 2: a level-4 grid head blows the whistle on a homestead quarrel
// likely to end in a fight; the 4+N team meets more than ten times and the
// parties sign a people's mediation agreement.
func story2Whistle(t *testing.T, e *env) {
	s := e.story(t, "honggoumiao-security", map[string]any{
		"channel": "grid_head", "category": "homestead",
		"applicants":  []map[string]any{{"name": "仝某某", "sex": "male", "ethnicity": "汉族", "age": 52, "occupation": "农民", "phone": "13700002222", "id_card": "110105197001010118", "address": "洪沟庙二组"}},
		"respondents": []map[string]any{{"name": "赵某某", "sex": "male", "ethnicity": "回族", "age": 49, "occupation": "个体经营者", "phone": "13700003333", "id_card": "110105197301010136", "address": "洪沟庙二组"}},
		"facts":       "仝某某与邻居赵某某因宅基地墙与墙之间留出距离问题发生纠纷，矛盾僵持不下。",
		"location":    "honggoumiao-2",
		"risks":       []string{"likely_fight"},
	})
	assert.Equal(t, "own", s.c.Source, "the grid's own whistle")
	assert.Equal(t, "ordinary", s.c.Grade)
	assert.Equal(t, "/gucheng/gc-west/honggoumiao", s.c.Handling)
	assert.Equal(t, "honggoumiao-security", s.c.Accountable)
	assert.Equal(t, "/gucheng/gc-west/honggoumiao/honggoumiao-2", s.c.FirstResponderCell)

	res := s.try("honggoumiao-security", "accept", nil)
	assert.Equal(t, http.StatusForbidden, res.Code, "刘保柱 heads only his group: %s", res)

	s.act("honggoumiao-police", "accept", nil)
	assert.Equal(t, "honggoumiao-police", s.c.Accountable)
	s.rights("honggoumiao-police", "written", "仝某某")
	s.rights("honggoumiao-police", "oral", "赵某某")
	s.rights("honggoumiao-police", "written", "赵某某")
	assert.Len(t, s.c.Rights, 3, "a party given the notice again keeps both")
	for _, p := range []map[string]any{
		{"department": "police", "member_id": "honggoumiao-police", "name": "洪沟庙民警", "role": "社区民警"},
		{"department": "grid", "member_id": "honggoumiao-head", "name": "洪沟庙村委书记", "role": "村支书"},
		{"department": "justice", "member_id": "gc-justice", "name": "高敬", "role": "司法所长"},
		{"department": "grid", "member_id": "honggoumiao-2-head", "name": "洪沟庙二组组长", "role": "村民组长"},
		{"department": "partner", "body": "家族中有威望的亲戚", "name": "仝家长辈"},
		{"department": "partner", "body": "家族中有威望的亲戚", "name": "赵家长辈"},
	} {
		s.act("honggoumiao-police", "team", p)
	}
	for i := range 11 {
		outcome := "progress"
		if i == 10 {
			outcome = "settled"
		}
		s.session("honggoumiao-police", "field", outcome, "洪沟庙民警", "高敬", "仝家长辈", "赵家长辈")
		e.clock.Advance(12 * time.Hour)
	}
	a := s.written(0)
	a["terms"] = "两家院墙之间各退让0.5米，留出1米通道，共同出资硬化。"
	s.act("honggoumiao-police", "agreement", a)
	require.NotNil(t, s.c.Agreement)
	assert.Equal(t, "written", s.c.Agreement.Form)
	assert.Len(t, s.c.Agreement.Signatures, 2, "both parties signed")
	s.act("honggoumiao-police", "follow-ups", map[string]any{"performed": true, "notes": "通道已留出。"})
	s.act("honggoumiao-police", "close", nil)
	assert.Equal(t, "closed", s.c.State)
	s.complete("honggoumiao-police")
	require.NoError(t, e.cases.CheckTimeline(ctx, e.member("honggoumiao-police"), mediation.ID(s.c.ID)))
}

// Story 3: a resident of a village moved to another county walks in; the
// officer applies first-inquiry responsibility and mediates anyway.
func story3OutOfJurisdiction(t *testing.T, e *env) {
	res := e.as("gc-duty-1").get("/api/v1/grid/cells/zhulizhuang")
	assert.Equal(t, http.StatusNotFound, res.Code, "朗陵村委朱里庄 is not in the township's grid")

	s := e.story(t, "gc-duty-1", map[string]any{
		"channel": "walk_in", "category": "neighbour",
		"applicants":  []map[string]any{{"name": "朱某某", "sex": "male", "ethnicity": "汉族", "age": 56, "occupation": "农民", "phone": "13600004444", "address": "马园二组"}},
		"respondents": []map[string]any{{"name": "朱某", "sex": "female", "ethnicity": "汉族", "age": 54, "occupation": "农民", "phone": "13600005555", "address": "马园二组"}},
		"facts":       "申请人之妻与邻居之妻多年争吵，两家积怨。",
		"outside":     "确山县朗陵村委朱里庄",
	})
	assert.True(t, s.c.OutOfJurisdiction)
	assert.Equal(t, "/gucheng", s.c.Handling, "handled by the first responder's own cell")
	assert.Equal(t, "gc-duty-1", s.c.Accountable)

	res = s.try("gc-duty-1", "reject", map[string]any{"reason": "不属本辖区", "advice": "请到确山县"})
	assert.Equal(t, http.StatusConflict, res.Code, "never dropped for jurisdiction: %s", res)
	assert.Equal(t, "conflict", res.errorCode())

	s.act("gc-duty-1", "accept", nil)
	accepted := e.clock.Now().UTC().Format(time.RFC3339)
	for i := range 3 {
		outcome := "progress"
		if i == 2 {
			outcome = "settled"
		}
		s.session("gc-mediator", "home", outcome, "孙某")
	}
	s.act("gc-mediator", "agreement", map[string]any{
		"form": "oral", "facts": s.c.Facts, "disputes": "两家妻子长期争吵",
		"terms": "为两家待娶待嫁子女留下好名声，两家言归于好，不再为琐事争吵。", "mediator": "孙某",
	})
	require.NotNil(t, s.c.Agreement)
	assert.Empty(t, s.c.Agreement.CourtConfirmationDeadline, "an oral agreement is not confirmed by a court")
	s.act("gc-mediator", "follow-ups", map[string]any{"performed": true, "notes": "两家和好。"})

	// Closed in haste: nobody registered the parties' ID cards or gave
	// them the notice of rights, and the file says so.
	res = s.try("gc-mediator", "close", nil)
	require.Equal(t, http.StatusConflict, res.Code, res)
	var refusal struct {
		Error struct {
			Code    string   `json:"code"`
			Missing []string `json:"missing"`
		} `json:"error"`
	}
	res.decode(t, &refusal)
	assert.Equal(t, "conflict", refusal.Error.Code)
	assert.Equal(t, []string{"权利义务告知书", "当事人身份证明"}, refusal.Error.Missing)
	missing, lacking := s.missing("gc-mediator")
	assert.Equal(t, refusal.Error.Missing, lacking, "the refusal lists what the file lacks")
	assert.Equal(t, []string{"权利义务告知书", "当事人身份证明", "封底"}, missing, "and the back cover, which closing makes")

	s.act("gc-mediator", "corrections", map[string]any{
		"reason":      "补登当事人身份证号",
		"applicants":  []map[string]any{{"name": "朱某某", "sex": "male", "ethnicity": "汉族", "age": 56, "occupation": "农民", "phone": "13600004444", "id_card": "11010519660101015X", "address": "马园二组"}},
		"respondents": []map[string]any{{"name": "朱某", "sex": "female", "ethnicity": "汉族", "age": 54, "occupation": "农民", "phone": "13600005555", "id_card": "110105196801010242", "address": "马园二组"}},
	})
	_, lacking = s.missing("gc-mediator")
	assert.Equal(t, []string{"权利义务告知书"}, lacking, "the ID cards are in the file now")
	// The notice was read out at the first session; it is recorded now,
	// dated then.
	s.act("gc-mediator", "rights", map[string]any{"parties": []string{"朱某", "朱某某"}, "manner": "oral", "at": accepted})
	s.act("gc-mediator", "close", nil)
	assert.Equal(t, "closed", s.c.State)
	s.complete("gc-mediator")

	res = e.as("lz-secretary").get("/api/v1/cases/" + s.c.ID)
	assert.Equal(t, http.StatusNotFound, res.Code, "the neighbouring township never sees it")

	res = e.anonymous().get("/api/v1/track/" + s.c.TrackingCode)
	require.Equal(t, http.StatusOK, res.Code, res)
	track := res.object(t)
	assert.Equal(t, "closed", track["state"])
	assert.Equal(t, "古城办事处", track["handling"], "the handling cell by name")
	assert.NotContains(t, string(res.Body), "朱某", "no personal data in the public lookup")
}

// TestStoriesOverHTTP replays the seed's three stories through the API
// alone, on the in-memory store and on SQLite.
func TestStoriesOverHTTP(t *testing.T) {
	for _, story := range []struct {
		name string
		run  func(*testing.T, *env)
	}{
		{"injury claim", story1InjuryClaim},
		{"whistle", story2Whistle},
		{"out of jurisdiction", story3OutOfJurisdiction},
	} {
		t.Run(story.name, func(t *testing.T) {
			t.Run("memstore", func(t *testing.T) { story.run(t, newEnvOn(t, memStores())) })
			t.Run("sqlite", func(t *testing.T) { story.run(t, newEnvOn(t, sqliteStores(t))) })
		})
	}
}
