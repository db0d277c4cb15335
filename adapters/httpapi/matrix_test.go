package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

// The authorization matrix: every route, asked by one actor of each role
// and relation to the record it touches, with the status written out by
// hand from the grid policy's table and the rules of the services — not
// computed from the policy, so that a change to either shows up here.
//
// The seeded case is resident r-owner's online application about a
// homestead quarrel in 马园一组 (mayuan-1), handled by the 马园 community
// (mayuan, level 3) of 东片区 (gc-east); the seeded hazards are r-owner's
// online reports from the same place, handled there too. The routes of
// the grid's administration act on a new cell below 马园, a new member
// posted there, or the township as a whole; only ManageGrid at the
// township (its head's and its admin post's, by default) reaches them. The
// columns are the actors, by their relation to the handling cell:
var matrixActors = []struct{ name, id string }{
	{"township head", "gc-secretary"},                         // 郭某, 古城办事处's party secretary
	{"township admin post", "gc-admin"},                       // 宋某, who keeps the grid and staff
	{"own cell, grid head", "mayuan-head"},                    // 马园 committee head
	{"own cell, community police", "mayuan-police"},           // 马园 officer
	{"own cell, grid worker", "mayuan-security"},              // 胡得才, security director
	{"descendant (the location), grid head", "mayuan-1-head"}, // 马园一组 leader: sees the case by its location
	{"ancestor, sector head", "gc-east-head"},                 // 东片区
	{"ancestor, justice office", "gc-justice"},                // 高敬, at the township
	{"ancestor, N-partner", "gc-land"},                        // the land office, at the township
	{"sibling, grid head", "wuguiqiao-head"},                  // 吴桂桥, another community of 东片区
	{"other township", "lz-secretary"},                        // 邻镇
	{"resident, not the applicant", "resident:r-other"},
	{"anonymous", ""},
	{"resident, the applicant", "resident:" + owner},
}

// Shorthand for the statuses.
const (
	ok    = http.StatusOK
	made  = http.StatusCreated
	sent  = http.StatusAccepted
	bad   = http.StatusBadRequest
	who   = http.StatusUnauthorized
	no    = http.StatusForbidden
	none  = http.StatusNotFound
	gone  = http.StatusNoContent
	clash = http.StatusConflict
)

// matrixRow is one route: what it needs seeded, the body it is sent, and
// the status each actor of matrixActors gets, in order. Everything is
// seeded anew for each actor, so that what one actor changes is not in
// the way of the next.
type matrixRow struct {
	// route is "METHOD /path", with {id}, {code} or {number} for the
	// seeded record and {base} for the query naming where Gucheng's
	// administration log ends.
	route string
	// seed is "case:<state>", "hazard:<state>"; "attachment:<kind>", an
	// accepted case with a file of that kind attached, {aid};
	// "hazard-attachment:<state>", a hazard in that state with a photo its
	// reporter attached, {aid}; "cell", a new cell below
	// 马园; "member", a new member holding two posts in 马园;
	// "token:own", an API token of the actor's; "token:head", one of the
	// township head's; or "" for none.
	seed string
	// body is sent as JSON; a string is JSON text in which {n} is a new
	// number each time, and a func(*env) any makes the body when it is sent.
	body any
	want [14]int
}

var matrix = []matrixRow{
	//                                                                           town admin | head police worker desc anc-h justice partner sibling other resident anon owner
	{"GET /healthz", "", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok}},
	{"GET /api/v1/openapi.json", "", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok}},

	{"GET /api/v1/grid/cells", "", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, no, who, no}},
	{"GET /api/v1/grid/cells.geojson", "", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, no, who, no}},
	{"GET /api/v1/grid/cells/mayuan", "", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, none, no, who, no}},
	{"GET /api/v1/grid/cells/mayuan/members", "", nil, [14]int{ok, no, ok, ok, ok, no, ok, ok, ok, no, none, no, who, no}},

	{"POST /api/v1/cases", "", walkIn(), [14]int{made, no, made, made, made, made, made, made, no, made, bad, no, who, no}},
	// An anonymous application is identified by its Idempotency-Key, which
	// the matrix sends none of: 400 (see TestAnonymousApplications).
	{"POST /api/v1/applications", "", application(), [14]int{no, no, no, no, no, no, no, no, no, no, no, made, bad, made}},
	{"GET /api/v1/cases", "case:registered", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, who, ok}},
	{"GET /api/v1/cases.xlsx", "case:registered", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, who, ok}},
	{"GET /api/v1/cases/{id}", "case:registered", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"GET /api/v1/cases/by-number/{number}", "case:registered", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"GET /api/v1/cases/{id}/timeline", "case:registered", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"GET /api/v1/cases/{id}/duplicates", "case:registered", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"POST /api/v1/cases/{id}/duplicate-of", "case:registered", func(e *env) any { return map[string]any{"into": e.seedCase(e.t, "registered").ID} }, [14]int{no, none, no, no, no, no, no, no, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/kept-apart", "case:registered", func(e *env) any {
		return map[string]any{"other": e.seedCase(e.t, "registered").ID, "reason": "一起是宅基地边界，一起是借款"}
	}, [14]int{no, none, no, no, no, no, no, no, no, none, none, none, who, no}},
	{"GET /api/v1/cases/{id}/file", "case:registered", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"GET /api/v1/cases/{id}/file?format=html", "case:agreed", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"GET /api/v1/cases/{id}/rights-notice", "case:accepted", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"GET /api/v1/cases/{id}/agreement", "case:agreed", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},

	{"POST /api/v1/cases/{id}/accept", "case:registered", nil, [14]int{ok, none, ok, ok, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/reject", "case:registered", map[string]any{"reason": "已起诉", "advice": "等待法院判决"}, [14]int{ok, none, ok, ok, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/review", "case:registered", map[string]any{"decision": "reject", "reason": "已起诉", "advice": "等待法院判决"}, [14]int{ok, none, ok, ok, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/team", "case:accepted", map[string]any{"department": "partner", "body": "有威望的亲戚", "name": "王家长辈"}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/sessions", "case:accepted", sessionBody("progress"), [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/sessions/planned", "case:accepted", planBody(), [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/sessions/planned/{uid}/cancel", "case:planned", map[string]any{"reason": "改期"}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"GET /api/v1/cases/{id}/sessions.ics", "case:planned", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"POST /api/v1/cases/{id}/agreement", "case:mediating", oralAgreement(), [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/agreement/draft", "case:mediating", draftBody(), [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/agreement/signing", "case:drafted", signingBody(), [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/agreement/supersede", "case:agreed", map[string]any{"reason": "院墙改为栅栏", "draft": draftBody()}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	// Correcting the facts needs Mediate; correcting the parties needs
	// ViewPersonal too, which the grid worker and the partner have not got.
	{"POST /api/v1/cases/{id}/corrections", "case:accepted", map[string]any{"reason": "笔误", "facts": "两家因宅基地边界的院墙位置发生争执，已持续两年。"}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/corrections", "case:accepted", correctionBody(), [14]int{ok, none, ok, ok, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/fail", "case:accepted", map[string]any{"reason": "一方拒绝", "route": "litigation"}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/withdraw", "case:accepted", map[string]any{"reason": "已私下和解"}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, ok}},
	{"POST /api/v1/cases/{id}/escalate", "case:accepted", map[string]any{"reason": "分歧大"}, [14]int{ok, none, ok, ok, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/approve", "case:escalated", nil, [14]int{ok, none, no, no, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/return", "case:escalated", map[string]any{"instructions": "由社区继续调解"}, [14]int{ok, none, no, no, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/transfer", "case:accepted", map[string]any{"to": "mayuan-2", "reason": "属二组"}, [14]int{ok, none, ok, ok, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/transfer-out", "case:accepted", map[string]any{"name": "驿城区人民法院", "contact": "0396-0000000", "reason": "已立案"}, [14]int{ok, none, ok, ok, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/extend", "case:accepted", map[string]any{"days": 7, "reason": "双方同意延期", "consent": true}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/suspend", "case:accepted", map[string]any{"reason": "被申请人外出务工"}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/resume", "case:suspended", nil, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/risks", "case:accepted", map[string]any{"risks": []string{"likely_fight"}}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/follow-ups", "case:agreed", map[string]any{"performed": true, "notes": "已履行"}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/reopen", "case:reopenable", map[string]any{"reason": "被申请人不满意"}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/rights", "case:accepted", map[string]any{"parties": []string{applicant, respondent}, "manner": "written"}, [14]int{ok, none, ok, ok, ok, no, ok, ok, ok, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/close", "case:closable", nil, [14]int{ok, none, ok, ok, no, no, ok, ok, no, none, none, none, who, no}},

	// Attaching needs Mediate, and ViewPersonal for an identity document;
	// the applicant adds photos to their application until it is accepted.
	{"POST /api/v1/cases/{id}/attachments", "case:registered", photoUpload, [14]int{made, none, made, made, made, no, made, made, made, none, none, none, who, made}},
	{"POST /api/v1/cases/{id}/attachments", "case:accepted", photoUpload, [14]int{made, none, made, made, made, no, made, made, made, none, none, none, who, no}},
	{"POST /api/v1/cases/{id}/attachments", "case:accepted", identityUpload, [14]int{made, none, made, made, no, no, made, made, no, none, none, none, who, no}},
	{"GET /api/v1/cases/{id}/attachments/{aid}", "attachment:photo", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"GET /api/v1/cases/{id}/attachments/{aid}/thumbnail", "attachment:photo", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	// An identity document does not exist for those who see the parties
	// masked: the grid worker, the partner, the head of the village the
	// dispute arose in, and the applicant, who sees their case as filed.
	{"GET /api/v1/cases/{id}/attachments/{aid}", "attachment:identity_document", nil, [14]int{ok, none, ok, ok, none, none, ok, ok, none, none, none, none, who, none}},
	{"GET /api/v1/cases/{id}/attachments/{aid}/thumbnail", "attachment:identity_document", nil, [14]int{ok, none, ok, ok, none, none, ok, ok, none, none, none, none, who, none}},

	{"POST /api/v1/track/resend", "case:accepted", map[string]any{"phone": "13900001111"}, [14]int{sent, sent, sent, sent, sent, sent, sent, sent, sent, sent, sent, sent, sent, sent}},
	{"GET /api/v1/privacy-notice", "", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok}},
	{"GET /api/v1/track/{code}", "case:accepted", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok}},

	{"POST /api/v1/hazards", "", hazardReport(), [14]int{made, no, made, made, made, made, made, made, made, made, bad, made, who, made}},
	{"GET /api/v1/hazards", "hazard:open", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, who, ok}},
	{"GET /api/v1/hazards/{id}", "hazard:open", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"GET /api/v1/hazards/{id}/timeline", "hazard:open", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"POST /api/v1/hazards/{id}/rectify", "hazard:open", map[string]any{"evidence": "已更换电线"}, [14]int{ok, none, ok, ok, ok, no, ok, no, no, none, none, none, who, no}},
	{"POST /api/v1/hazards/{id}/verify", "hazard:rectified", map[string]any{"passed": true}, [14]int{ok, none, no, no, no, no, ok, ok, no, none, none, none, who, no}},
	{"POST /api/v1/hazards/{id}/reopen", "hazard:rectified", map[string]any{"notes": "电线仍外露"}, [14]int{ok, none, no, no, no, no, ok, ok, no, none, none, none, who, no}},
	// Attaching to a hazard needs Rectify at the handling cell, or Verify
	// at its parent for a verification's file; the reporter adds photos
	// to their report until it is rectified; a closed hazard takes only
	// the files of the verification that closed it.
	{"POST /api/v1/hazards/{id}/attachments", "hazard:open", photoUpload, [14]int{made, none, made, made, made, no, made, no, no, none, none, none, who, made}},
	{"POST /api/v1/hazards/{id}/attachments", "hazard:rectified", ofUpload("proof_of_performance", "rectification:1"), [14]int{made, none, made, made, made, no, made, no, no, none, none, none, who, no}},
	{"POST /api/v1/hazards/{id}/attachments", "hazard:closed", ofUpload("photo", "verification:1"), [14]int{made, none, no, no, no, no, made, made, no, none, none, none, who, no}},
	{"GET /api/v1/hazards/{id}/attachments/{aid}", "hazard-attachment:open", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"GET /api/v1/hazards/{id}/attachments/{aid}/thumbnail", "hazard-attachment:open", nil, [14]int{ok, none, ok, ok, ok, ok, ok, ok, ok, none, none, none, who, ok}},
	{"POST /api/v1/hazards/{id}/convert", "hazard:lead", conversion(), [14]int{ok, none, ok, ok, ok, no, ok, ok, no, none, none, none, who, no}},

	{"GET /api/v1/stats/summary?cell=mayuan&period=month", "case:accepted", nil, [14]int{ok, no, ok, ok, no, no, ok, ok, no, no, no, no, who, no}},
	{"GET /api/v1/stats/series?cell=mayuan&measure=cases.registered&n=3", "case:accepted", nil, [14]int{ok, no, ok, ok, no, no, ok, ok, no, no, no, no, who, no}},
	{"GET /api/v1/stats/tracking?cell=mayuan", "case:accepted", nil, [14]int{ok, no, no, no, no, no, ok, ok, no, no, no, no, who, no}},
	{"GET /api/v1/stats/report.xlsx?cell=mayuan&period=month", "case:accepted", nil, [14]int{ok, no, ok, ok, no, no, ok, ok, no, no, no, no, who, no}},
	{"GET /api/v1/stats/ministry.xlsx?cell=mayuan&period=quarter", "case:accepted", nil, [14]int{ok, no, ok, ok, no, no, ok, ok, no, no, no, no, who, no}},

	{"GET /api/v1/notifications/failures", "", nil, [14]int{ok, no, no, no, no, no, no, ok, no, no, ok, no, who, no}},
	{"GET /api/v1/inbox", "", nil, [14]int{ok, no, no, no, no, no, no, ok, no, no, no, no, who, no}},

	{"POST /api/v1/grid/cells", "", `{"id":"c-{n}","parent":"mayuan","name":"新网格"}`, [14]int{made, made, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"PATCH /api/v1/grid/cells/{id}", "cell", map[string]any{"name": "改名网格", "parent": "wuguiqiao"}, [14]int{ok, ok, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"POST /api/v1/grid/cells/{id}/retire", "cell", nil, [14]int{ok, ok, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"PUT /api/v1/grid/cells/{id}/boundary", "cell", `{"type":"Polygon","coordinates":[[[114,32.9],[114.01,32.9],[114.01,32.91],[114,32.9]]]}`, [14]int{gone, gone, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"GET /api/v1/grid/log", "", nil, [14]int{ok, ok, no, no, no, no, no, no, no, no, ok, no, who, no}},
	{"GET /api/v1/grid/roster.xlsx", "", nil, [14]int{ok, ok, no, no, no, no, no, no, no, no, ok, no, who, no}},
	{"POST /api/v1/grid/roster", "", rosterBody, [14]int{ok, ok, no, no, no, no, no, no, no, no, bad, no, who, no}},
	{"POST /api/v1/grid/roster?{base}", "", rosterBody, [14]int{ok, ok, no, no, no, no, no, no, no, no, clash, no, who, no}},

	{"GET /api/v1/members", "", nil, [14]int{ok, ok, no, no, no, no, no, no, no, no, ok, no, who, no}},
	{"GET /api/v1/members/{id}", "member", nil, [14]int{ok, ok, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"POST /api/v1/members", "", `{"id":"m-{n}","name":"新成员","phone":"13912345678","department":"grid","posts":[{"role":"grid_worker","cell":"mayuan"}]}`, [14]int{made, made, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"PATCH /api/v1/members/{id}", "member", map[string]any{"name": "改名"}, [14]int{ok, ok, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"POST /api/v1/members/{id}/posts", "member", map[string]any{"role": "partner", "cell": "mayuan-1"}, [14]int{ok, ok, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"POST /api/v1/members/{id}/posts/revoke", "member", map[string]any{"role": "mediator", "cell": "mayuan"}, [14]int{ok, ok, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"POST /api/v1/members/{id}/deactivate", "member", nil, [14]int{ok, ok, no, no, no, no, no, no, no, no, none, no, who, no}},
	{"POST /api/v1/members/{id}/password", "member", nil, [14]int{ok, ok, no, no, no, no, no, no, no, no, none, no, who, no}},

	{"GET /api/v1/tokens", "", nil, [14]int{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, no, who, no}},
	{"DELETE /api/v1/tokens/{id}", "token:own", nil, [14]int{gone, gone, gone, gone, gone, gone, gone, gone, gone, gone, gone, no, who, no}},
	{"DELETE /api/v1/tokens/{id}", "token:head", nil, [14]int{gone, none, none, none, none, none, none, none, none, none, none, no, who, no}},
}

func walkIn() map[string]any {
	return map[string]any{
		"channel": "walk_in", "category": "neighbour", "facts": "两家因排水沟堵塞互相指责。", "location": "mayuan-1",
		"applicants":  []map[string]any{{"name": "王某某", "phone": "13900001111"}},
		"respondents": []map[string]any{{"name": "张某某"}},
	}
}

func application() map[string]any {
	return map[string]any{
		"category": "neighbour", "facts": "邻居家狗夜里吠叫。", "location": "mayuan-1",
		"applicants":  []map[string]any{{"name": "李某", "phone": "13900004444"}},
		"respondents": []map[string]any{{"name": "赵某"}},
		"consent":     map[string]any{"version": mediation.CurrentPrivacyNotice.Version},
	}
}

func sessionBody(outcome string) map[string]any {
	return map[string]any{"at": "2022-11-01T02:00:00Z", "place": "home", "attendees": []string{"高敬"}, "notes": "释法明理。", "outcome": outcome}
}

// planBody plans a session of the seeded case for the fixture's next
// day, inviting both parties.
func planBody() map[string]any {
	return map[string]any{"start": "2022-11-02T01:00:00Z", "minutes": 90, "place": "village_committee", "parties": []int{0, 1}}
}

func oralAgreement() map[string]any {
	return map[string]any{"form": "oral", "facts": "院墙位置争执。", "disputes": "院墙位置", "terms": "院墙后退0.3米。", "mediator": "高敬"}
}

// draftBody is a draft of a written agreement of the seeded case.
func draftBody() map[string]any {
	return map[string]any{
		"number": "古调字〔2022〕第1号", "facts": "院墙位置争执。", "disputes": "院墙位置", "responsibilities": "双方各负其责",
		"payments": []any{map[string]any{"payer": respondent, "payee": applicant, "amount_fen": 300000, "due": "2022-12-01T00:00:00Z"}},
		"terms":    "院墙后退0.3米。", "manner": "当面履行", "place": "村委会", "perform_by": "2022-12-01T00:00:00Z",
		"mediator": "高敬", "mediator_post": "司法所长", "committee": "古城办事处人民调解委员会",
	}
}

// signingBody is every mark on the seeded draft, the respondent's by his
// agent.
func signingBody() map[string]any {
	return map[string]any{
		"revision": 1,
		"marks": []any{
			map[string]any{"party": applicant, "mark": "fingerprinted", "at": "2022-11-01T01:00:00Z"},
			map[string]any{"party": respondent, "agent": agent, "mark": "signed", "at": "2022-11-01T01:00:00Z"},
		},
		"mediator_signed": true, "mediator_signed_at": "2022-11-01T01:00:00Z", "sealed": true, "sealed_at": "2022-11-01T01:00:00Z",
	}
}

// correctionBody corrects the seeded case's facts and every particular of
// its parties: the applicant as registered, the respondent's phone and
// workplace, and his agent's authorisation.
func correctionBody() map[string]any {
	return map[string]any{
		"reason": "当事人提供身份证件后核对更正", "facts": "两家因宅基地边界的院墙位置发生争执，已持续两年。",
		"applicants": []any{map[string]any{
			"name": applicant, "sex": "female", "ethnicity": "汉族", "birth_date": "1949-12-31", "age": 72, "occupation": "农民",
			"phone": "13900001111", "id_card": "11010519491231002X", "address": "驿城区古城办事处马园一组", "workplace": "马园村",
		}},
		"respondents": []any{map[string]any{
			"name": respondent, "sex": "male", "ethnicity": "汉", "age": 47, "occupation": "个体经营者", "phone": "13900002223",
			"address": "驻马店市驿城区古城办事处马园一组", "workplace": "马园建材店",
			"agents": []any{map[string]any{
				"name": agent, "kind": "near_relative", "phone": "13900003333", "id_card": "110105197001010011",
				"authority": "special", "powers": "代为参加调解、签署调解协议", "authorised_on": "2022-10-31",
			}},
		}},
	}
}

func hazardReport() map[string]any {
	return map[string]any{"category": "other", "location": "mayuan-1", "description": "路口井盖缺失。", "contact": "13900005555"}
}

func conversion() map[string]any {
	return map[string]any{
		"category":    "neighbour",
		"applicants":  []map[string]any{{"name": "周某", "phone": "13900006666"}},
		"respondents": []map[string]any{{"name": "吴某"}},
	}
}

// clientFor returns the client of a matrix actor.
func (e *env) clientFor(id string) *client {
	switch {
	case id == "":
		return e.anonymous()
	case strings.HasPrefix(id, "resident:"):
		return e.asResident(strings.TrimPrefix(id, "resident:"))
	}
	return e.as(id)
}

// runMatrix sends every request of the matrix and compares the statuses.
func runMatrix(t *testing.T, e *env) {
	for _, row := range matrix {
		t.Run(row.route, func(t *testing.T) {
			e.t = t
			method, target, _ := strings.Cut(row.route, " ")
			var got [14]int
			for i, a := range matrixActors {
				path := strings.NewReplacer(e.seed(t, row.seed, a.id)...).Replace(target)
				body := row.body
				switch b := body.(type) {
				case string:
					body = strings.ReplaceAll(b, "{n}", fmt.Sprint(seq.Add(1)))
				case func(*env) any:
					body = b(e)
				}
				res := e.clientFor(a.id).do(method, path, body)
				got[i] = res.Code
				if res.Code != row.want[i] {
					t.Logf("%s: %s", a.name, res)
				}
			}
			assert.Equal(t, describe(row.want), describe(got), "statuses by actor")
		})
	}
}

// seed seeds what a row needs before actor's request, and returns the
// replacements of the placeholders of its route.
func (e *env) seed(t *testing.T, seed, actor string) []string {
	head := e.grid.Directory().Head(gridtest.GuchengID)
	r := []string{"{base}", fmt.Sprintf("base_len=%d&base_head=%s", head.Len, head.Head)}
	kind, state, _ := strings.Cut(seed, ":")
	switch kind {
	case "":
	case "case":
		c := e.seedCase(t, state)
		r = append(r, "{id}", string(c.ID), "{code}", c.TrackingCode, "{number}", url.PathEscape(c.Number.String()))
		if len(c.Planned) > 0 {
			r = append(r, "{uid}", url.PathEscape(c.Planned[0].UID))
		}
	case "attachment":
		r = append(r, "{id}", string(e.seedAttachment(t, state)), "{aid}", "1")
	case "hazard":
		r = append(r, "{id}", string(e.seedHazard(t, state).ID))
	case "hazard-attachment":
		r = append(r, "{id}", string(e.seedHazardAttachment(t, state)), "{aid}", "1")
	case "cell":
		r = append(r, "{id}", string(e.seedCell(t)))
	case "member":
		r = append(r, "{id}", string(e.seedMember(t)))
	case "token":
		if state == "head" {
			actor = "gc-secretary"
		}
		r = append(r, "{id}", e.seedToken(t, actor))
	default:
		t.Fatalf("no seed %q", seed)
	}
	return r
}

// photoUpload and identityUpload are the forms of a photo of the dispute
// and of a party's ID card.
func photoUpload(e *env) any    { return photoForm(e.t, "photo", matrixPhoto(e.t)) }
func identityUpload(e *env) any { return photoForm(e.t, "identity_document", matrixPhoto(e.t)) }

// matrixPhoto is a small photo.
func matrixPhoto(t testing.TB) []byte { return jpegOf(t, picture(16, 12)) }

// seedAttachment seeds an accepted case with one file of the named kind
// attached by its mediator.
func (e *env) seedAttachment(t *testing.T, kind string) mediation.ID {
	c := e.seedCase(t, "accepted")
	k, err := attachment.ParseKind(kind)
	require.NoError(t, err)
	clean, err := attachment.Sanitize(bytes.NewReader(matrixPhoto(t)), attachment.DefaultLimits)
	require.NoError(t, err)
	_, err = e.cases.Attach(ctx, e.member("gc-justice"), c.ID, 0, attachment.Upload{Kind: k, File: clean})
	require.NoError(t, err)
	return c.ID
}

// ofUpload is the form of a photo of kind belonging to the part of, of
// a case or a hazard.
func ofUpload(kind, of string) func(*env) any {
	return func(e *env) any {
		return form(e.t, part{name: "kind", body: []byte(kind)}, part{name: "of", body: []byte(of)},
			part{name: "file", filename: "photo.jpg", contentType: "image/jpeg", body: matrixPhoto(e.t)})
	}
}

// seedHazardAttachment seeds a hazard in state with a photo of it as
// found, attached by the resident who reported it.
func (e *env) seedHazardAttachment(t *testing.T, state string) hazard.ID {
	h := e.seedHazard(t, state)
	clean, err := attachment.Sanitize(bytes.NewReader(matrixPhoto(t)), attachment.DefaultLimits)
	require.NoError(t, err)
	_, err = e.hazards.Attach(ctx, resident(owner), h.ID, 0, attachment.Upload{Kind: attachment.Photo, File: clean})
	require.NoError(t, err)
	return h.ID
}

// rosterBody is Gucheng's roster as it stands, exported by its head.
func rosterBody(e *env) any {
	res := e.as("gc-secretary").get("/api/v1/grid/roster.xlsx")
	require.Equal(e.t, http.StatusOK, res.Code, res)
	return raw{"text/csv", res.Body}
}

// describe pairs statuses with the actors' names, for readable failures.
func describe(statuses [14]int) []string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = fmt.Sprintf("%-38s %d", matrixActors[i].name, s)
	}
	return out
}

// TestAuthorizationMatrix runs the matrix on the in-memory store.
func TestAuthorizationMatrix(t *testing.T) {
	runMatrix(t, newEnv(t))
}

// TestAuthorizationMatrixSQLite runs the matrix on the SQL store, in a
// SQLite file.
func TestAuthorizationMatrixSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("the SQLite run is long")
	}
	runMatrix(t, newEnvOn(t, sqliteStores(t)))
}

// TestMatrixCoversEveryRoute checks that the matrix has a row for every
// route the API serves.
func TestMatrixCoversEveryRoute(t *testing.T) {
	e := newEnv(t)
	covered := map[string]bool{}
	for _, row := range matrix {
		method, target, _ := strings.Cut(row.route, " ")
		target, _, _ = strings.Cut(target, "?")
		target = strings.TrimSuffix(strings.ReplaceAll(target+"/", "/mayuan/", "/{id}/"), "/")
		covered[method+" "+target] = true
	}
	for _, r := range routesOf(e) {
		require.True(t, covered[r], "no matrix row for %s", r)
	}
}
