package httpapi_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
)

// bodyRoute is a route that takes a JSON body, with a complete valid body
// for it: every member the body may hold, required or not. {n} in a
// string of the body is a new number each time it is sent; the seed's
// placeholders ({uid}) are replaced as in the route.
type bodyRoute struct {
	name  string // the route, and which of its bodies when it has several
	route string // "METHOD /path", with {id} for the seeded record
	seed  string // as matrixRow.seed
	who   string // as matrixActors' ids; "anonymous" for none
	body  map[string]any
}

// parties are the seeded case's applicant and respondent (see homestead).
const applicant, respondent = "王某某", "张某某"

// bodyRoutes has a body for every route with a JSON body; the agreement,
// the review, the verification and the intake have one body for each way
// the document makes members required.
var bodyRoutes = []bodyRoute{
	{"intake in a cell", "POST /api/v1/cases", "", "gc-secretary", map[string]any{
		"channel": "walk_in", "category": "neighbour", "facts": "两家因排水沟堵塞互相指责。", "location": "mayuan-1", "risks": []any{"likely_fight"},
		"applicants": []any{map[string]any{
			"name": "李某", "sex": "female", "ethnicity": "汉族", "birth_date": "1949-12-31", "age": 72, "occupation": "农民", "workplace": "马园村",
			"phone": "13900004444", "id_card": "11010519491231002X", "address": "马园一组",
			"agents": []any{map[string]any{
				"name": "李小某", "kind": "near_relative", "phone": "13900006666", "id_card": "110105197001010011",
				"authority": "special", "powers": "代为参加调解、签署调解协议", "authorised_on": "2022-10-31",
			}},
		}},
		"respondents": []any{map[string]any{"name": "赵某", "phone": "13900005555", "address": "马园一组"}},
		"claims":      []any{map[string]any{"description": "赔偿损失", "amount_fen": 50000}},
	}},
	{"intake of a referral from outside", "POST /api/v1/cases", "", "gc-secretary", map[string]any{
		"channel": "referral", "referred_by": "驿城区人民法院", "category": "debt", "facts": "欠款未还。", "outside": "确山县朗陵村",
		"applicants":  []any{map[string]any{"name": "李某", "phone": "13900004444"}},
		"respondents": []any{map[string]any{"name": "赵某"}},
	}},
	{"application", "POST /api/v1/applications", "", "anonymous", map[string]any{
		"category": "neighbour", "facts": "邻居家狗夜里吠叫。", "location": "mayuan-1", "risks": []any{"petition_threat"},
		"applicants":  []any{map[string]any{"name": "李某", "phone": "13900004444", "address": "马园一组"}},
		"respondents": []any{map[string]any{"name": "赵某"}},
		"claims":      []any{map[string]any{"description": "赔礼道歉"}},
		"consent":     map[string]any{"version": mediation.CurrentPrivacyNotice.Version},
	}},
	{"resend", "POST /api/v1/track/resend", "", "anonymous", map[string]any{"phone": "13900001111"}},
	{"reject", "POST /api/v1/cases/{id}/reject", "case:registered", "gc-secretary", map[string]any{"reason": "已起诉", "advice": "等待法院判决"}},
	{"review, rejected", "POST /api/v1/cases/{id}/review", "case:registered", "gc-secretary", map[string]any{"decision": "reject", "reason": "已起诉", "advice": "等待法院判决"}},
	{"review, accepted", "POST /api/v1/cases/{id}/review", "case:registered", "gc-secretary", map[string]any{"decision": "accept"}},
	{"team", "POST /api/v1/cases/{id}/team", "case:accepted", "gc-secretary", map[string]any{"department": "partner", "body": "有威望的亲戚", "member_id": "gc-land", "name": "王家长辈", "role": "长辈"}},
	{"sessions", "POST /api/v1/cases/{id}/sessions", "case:accepted", "gc-secretary", map[string]any{
		"at": "2022-11-01T02:00:00Z", "place": "home", "place_note": "王家院内", "attendees": []any{"高敬"}, "notes": "释法明理。", "outcome": "progress",
	}},
	{"planned session", "POST /api/v1/cases/{id}/sessions/planned", "case:planned", "gc-secretary", map[string]any{
		"start": "2022-11-02T01:00:00Z", "end": "2022-11-02T03:00:00Z", "minutes": 120, "place": "village_committee", "place_note": "马园村委会议室",
		"team": []any{0}, "parties": []any{0, 1}, "note": "请带齐证明材料。",
	}},
	{"planned session changed", "POST /api/v1/cases/{id}/sessions/planned", "case:planned", "gc-secretary", map[string]any{
		"uid": "{uid}", "start": "2022-11-02T02:00:00Z", "end": "2022-11-02T03:00:00Z", "minutes": 60, "place": "station", "place_note": "司法所",
		"team": []any{0}, "parties": []any{0}, "note": "改到司法所。",
	}},
	{"planned session cancelled", "POST /api/v1/cases/{id}/sessions/planned/{uid}/cancel", "case:planned", "gc-secretary", map[string]any{"reason": "改期"}},
	{"written agreement", "POST /api/v1/cases/{id}/agreement", "case:mediating", "gc-secretary", map[string]any{
		"form": "written", "number": "古调字〔2022〕第1号", "facts": "院墙位置争执。", "disputes": "院墙位置", "responsibilities": "双方各负其责",
		"payments": []any{map[string]any{"payer": respondent, "payee": applicant, "amount_fen": 300000, "due": "2022-12-01T00:00:00Z"}},
		"terms":    "院墙后退0.3米。", "manner": "当面履行", "place": "村委会", "perform_by": "2022-12-01T00:00:00Z",
		"signatures": []any{
			map[string]any{"party": applicant, "mark": "signed", "at": "2022-11-01T01:00:00Z"},
			map[string]any{"party": respondent, "mark": "fingerprinted", "at": "2022-11-01T01:00:00Z"},
		},
		"mediator": "高敬", "mediator_signed_at": "2022-11-01T01:00:00Z", "committee": "古城办事处人民调解委员会", "sealed": true,
	}},
	{"oral agreement", "POST /api/v1/cases/{id}/agreement", "case:mediating", "gc-secretary", map[string]any{
		"form": "oral", "facts": "院墙位置争执。", "disputes": "院墙位置", "responsibilities": "双方各负其责", "terms": "院墙后退0.3米。", "place": "村委会", "mediator": "高敬",
	}},
	{"draft", "POST /api/v1/cases/{id}/agreement/draft", "case:mediating", "gc-secretary", draftBody()},
	{"signing", "POST /api/v1/cases/{id}/agreement/signing", "case:drafted", "gc-secretary", signingBody()},
	{"supersede", "POST /api/v1/cases/{id}/agreement/supersede", "case:agreed", "gc-secretary", map[string]any{"reason": "院墙改为栅栏", "draft": draftBody()}},
	{"corrections", "POST /api/v1/cases/{id}/corrections", "case:accepted", "gc-secretary", correctionBody()},
	{"fail", "POST /api/v1/cases/{id}/fail", "case:accepted", "gc-secretary", map[string]any{"reason": "一方拒绝", "route": "litigation"}},
	{"withdraw", "POST /api/v1/cases/{id}/withdraw", "case:accepted", "gc-secretary", map[string]any{"reason": "已私下和解"}},
	{"escalate", "POST /api/v1/cases/{id}/escalate", "case:accepted", "gc-secretary", map[string]any{"reason": "分歧大"}},
	{"return", "POST /api/v1/cases/{id}/return", "case:escalated", "gc-secretary", map[string]any{"instructions": "由社区继续调解"}},
	{"transfer", "POST /api/v1/cases/{id}/transfer", "case:accepted", "gc-secretary", map[string]any{"to": "mayuan-2", "reason": "属二组"}},
	{"transfer-out", "POST /api/v1/cases/{id}/transfer-out", "case:accepted", "gc-secretary", map[string]any{"name": "驿城区人民法院", "contact": "0396-0000000", "reason": "已立案"}},
	{"extend", "POST /api/v1/cases/{id}/extend", "case:accepted", "gc-secretary", map[string]any{"days": 7, "reason": "双方同意延期", "consent": true}},
	{"suspend", "POST /api/v1/cases/{id}/suspend", "case:accepted", "gc-secretary", map[string]any{"reason": "被申请人外出务工"}},
	{"risks", "POST /api/v1/cases/{id}/risks", "case:accepted", "gc-secretary", map[string]any{"risks": []any{"likely_fight"}}},
	{"follow-ups", "POST /api/v1/cases/{id}/follow-ups", "case:agreed", "gc-secretary", map[string]any{"performed": true, "notes": "已履行"}},
	{"reopen", "POST /api/v1/cases/{id}/reopen", "case:reopenable", "gc-secretary", map[string]any{"reason": "被申请人不满意"}},
	{"rights", "POST /api/v1/cases/{id}/rights", "case:accepted", "gc-secretary", map[string]any{"parties": []any{applicant, respondent}, "manner": "oral", "at": "2022-11-01T01:30:00Z"}},
	{"close", "POST /api/v1/cases/{id}/close", "case:closable", "gc-secretary", map[string]any{"note": "已引导诉讼"}},

	{"hazard report", "POST /api/v1/hazards", "", "gc-secretary", map[string]any{
		"category": "electrical", "grade": "ordinary", "location": "mayuan-1", "description": "路口电线裸露。", "photos": []any{"a.jpg"},
		"channel": "screening", "contact": "13900005555", "on_the_spot": map[string]any{"evidence": "已包扎电线。", "photos": []any{"b.jpg"}},
	}},
	{"rectify", "POST /api/v1/hazards/{id}/rectify", "hazard:open", "gc-secretary", map[string]any{"evidence": "已更换电线", "photos": []any{"c.jpg"}}},
	{"verify, failed", "POST /api/v1/hazards/{id}/verify", "hazard:rectified", "gc-secretary", map[string]any{"passed": false, "notes": "电线仍外露"}},
	{"verify, passed", "POST /api/v1/hazards/{id}/verify", "hazard:rectified", "gc-secretary", map[string]any{"passed": true, "notes": "已验收"}},
	{"reopen", "POST /api/v1/hazards/{id}/reopen", "hazard:rectified", "gc-secretary", map[string]any{"notes": "电线仍外露"}},
	{"convert", "POST /api/v1/hazards/{id}/convert", "hazard:lead", "gc-secretary", map[string]any{
		"category": "neighbour", "facts": "两户因排水沟争吵。", "risks": []any{"likely_fight"},
		"applicants":  []any{map[string]any{"name": "甲某", "phone": "13900001111"}},
		"respondents": []any{map[string]any{"name": "乙某"}},
		"claims":      []any{map[string]any{"description": "疏通水沟"}},
	}},

	{"new cell", "POST /api/v1/grid/cells", "", "gc-secretary", map[string]any{"id": "c-{n}", "parent": "mayuan", "name": "新网格"}},
	{"cell edit", "PATCH /api/v1/grid/cells/{id}", "cell", "gc-secretary", map[string]any{"name": "改名网格", "parent": "wuguiqiao"}},
	{"retire", "POST /api/v1/grid/cells/{id}/retire", "cell", "gc-secretary", map[string]any{"takeover": "mayuan"}},
	{"new member", "POST /api/v1/members", "", "gc-secretary", map[string]any{
		"id": "m-{n}", "name": "新成员", "phone": "13912345678", "department": "partner", "body": "土地所",
		"posts": []any{map[string]any{"role": "partner", "cell": "mayuan"}},
	}},
	{"member edit", "PATCH /api/v1/members/{id}", "member", "gc-secretary", map[string]any{"name": "改名", "phone": "13912345679", "department": "grid", "body": "东片区"}},
	{"grant", "POST /api/v1/members/{id}/posts", "member", "gc-secretary", map[string]any{"role": "partner", "cell": "mayuan-1"}},
	{"revoke", "POST /api/v1/members/{id}/posts/revoke", "member", "gc-secretary", map[string]any{"role": "mediator", "cell": "mayuan", "successor": "mayuan-head"}},
	{"deactivate", "POST /api/v1/members/{id}/deactivate", "member", "gc-secretary", map[string]any{"successor": "mayuan-head"}},
}

// TestDocumentedRequiredMembers checks, route by route, that the OpenAPI
// document's request schemas require exactly what the API refuses when
// it is left out: from a complete valid body, which the document accepts
// and the API too, each member (nested ones included) is left out in
// turn, and the document must reject that body exactly when the API
// answers 400 naming that member; otherwise the API must accept it.
func TestDocumentedRequiredMembers(t *testing.T) {
	e := newEnv(t)
	doc, _ := spec(t)
	for _, br := range bodyRoutes {
		t.Run(br.name, func(t *testing.T) {
			e.t = t
			method, target, _ := strings.Cut(br.route, " ")
			schema := requestSchema(t, doc, method, target)
			require.NoError(t, schema.VisitJSON(jsonValue(t, br.body)), "the document accepts the complete body")
			res := br.send(t, e, br.body)
			require.Less(t, res.Code, 300, "the API accepts the complete body: %s", res)
			for _, p := range memberPaths("", br.body) {
				less := without(br.body, p)
				documented := schema.VisitJSON(jsonValue(t, less)) != nil
				res := br.send(t, e, less)
				refused := res.Code == http.StatusBadRequest && slices.ContainsFunc(alternatives(schema, p), func(q string) bool { return res.names(t, q) })
				assert.Equal(t, documented, refused, "without %s: the document requires it: %t; the API: %s", p, documented, res)
				if !documented {
					assert.Less(t, res.Code, 300, "without %s: %s", p, res)
				}
			}
		})
	}
}

// TestBodyRoutesCoverTheDocument checks that every operation the document
// gives a JSON body with members has a body above.
func TestBodyRoutesCoverTheDocument(t *testing.T) {
	doc, _ := spec(t)
	covered := map[string]bool{
		// Two cases of one dispute, registered by their registrars:
		// TestDuplicatesAcrossChannels sends these without each member
		// and checks the error names it.
		"POST /api/v1/cases/{id}/duplicate-of": true,
		"POST /api/v1/cases/{id}/kept-apart":   true,
	}
	for _, br := range bodyRoutes {
		covered[br.route] = true
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			media := op.RequestBody.Value.Content.Get("application/json")
			if media == nil || len(media.Schema.Value.Properties) == 0 {
				continue
			}
			assert.True(t, covered[method+" "+path], "no body for %s %s", method, path)
		}
	}
}

// alternatives returns the members that may stand for the member at p: p
// itself and, for a member of a group of which exactly one is given
// (location or outside), the others of its group, which a refusal may
// name when none is given.
func alternatives(schema *openapi3.Schema, p string) []string {
	out := []string{p}
	for _, all := range schema.AllOf {
		var group []string
		for _, one := range all.Value.OneOf {
			group = append(group, one.Value.Required...)
		}
		if slices.Contains(group, p) {
			out = append(out, group...)
		}
	}
	return out
}

// requestSchema returns the document's schema of the JSON body of an
// operation.
func requestSchema(t *testing.T, doc *openapi3.T, method, path string) *openapi3.Schema {
	t.Helper()
	item := doc.Paths.Find(path)
	require.NotNil(t, item, "%s is documented", path)
	op := item.GetOperation(method)
	require.NotNil(t, op, "%s %s is documented", method, path)
	require.NotNil(t, op.RequestBody, "%s %s takes a body", method, path)
	media := op.RequestBody.Value.Content.Get("application/json")
	require.NotNil(t, media, "%s %s takes JSON", method, path)
	return media.Schema.Value
}

// send sends body to the route, on a record seeded anew, as br's actor;
// an anonymous application comes with a new Idempotency-Key.
func (br bodyRoute) send(t *testing.T, e *env, body map[string]any) *response {
	t.Helper()
	method, target, _ := strings.Cut(br.route, " ")
	who := br.who
	if who == "anonymous" {
		who = ""
	}
	seeded := strings.NewReplacer(e.seed(t, br.seed, who)...)
	path := seeded.Replace(target)
	b, err := json.Marshal(body)
	require.NoError(t, err)
	// A body may name the seeded record as the path does ({uid}).
	text := seeded.Replace(strings.ReplaceAll(string(b), "{n}", fmt.Sprint(seq.Add(1))))
	return e.clientFor(who).do(method, path, text, "Idempotency-Key", fmt.Sprintf("application-key-%d", seq.Add(1)))
}

// names reports whether an error response names the member at path p,
// as the decoder names it ("applicants[0].phone") or as the domain does,
// under the name of what the body is ("agreement.manner").
func (r *response) names(t *testing.T, p string) bool {
	t.Helper()
	return slices.ContainsFunc(r.errorFields(t), func(f string) bool { return f == p || strings.HasSuffix(f, "."+p) })
}

// errorFields returns the fields an error response lists.
func (r *response) errorFields(t testing.TB) []string {
	t.Helper()
	var e struct {
		Error struct {
			Field  string `json:"field"`
			Fields []struct {
				Field, Message string
			} `json:"fields"`
		} `json:"error"`
	}
	r.decode(t, &e)
	var out []string
	for _, f := range e.Error.Fields {
		out = append(out, f.Field)
	}
	if len(out) == 0 && e.Error.Field != "" {
		out = []string{e.Error.Field}
	}
	return out
}

// memberPaths lists the paths of every member of v, nested ones included
// (in the first item of a list), as the domain names fields.
func memberPaths(prefix string, v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, p)
			out = append(out, memberPaths(p, v[k])...)
		}
	case []any:
		if len(v) > 0 {
			out = append(out, memberPaths(prefix+"[0]", v[0])...)
		}
	}
	return out
}

// without returns a deep copy of body without the member at path p.
func without(body map[string]any, p string) map[string]any {
	b, _ := json.Marshal(body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	var at any = out
	parts := strings.Split(p, ".")
	for _, part := range parts[:len(parts)-1] {
		name, indexed := strings.CutSuffix(part, "[0]")
		at = at.(map[string]any)[name]
		if indexed {
			at = at.([]any)[0]
		}
	}
	delete(at.(map[string]any), parts[len(parts)-1])
	return out
}

// jsonValue returns v as encoding/json decodes it, numbers as float64, for
// the schema to check.
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}
