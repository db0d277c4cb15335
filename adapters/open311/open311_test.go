package open311_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/files"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/adapters/open311"
	"github.com/fourplusn/fourplusn/adapters/wecom"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

var shanghai = time.FixedZone("CST", 8*3600)

const (
	partnerKey = "hotline-12345-key"
	otherKey   = "another-partner-key"
)

type env struct {
	t       testing.TB
	handler http.Handler
	cfg     open311.Config
	cases   *mediation.Service
	hazards *hazard.Service
	bounds  []geo.Boundary
	tree    *grid.Tree
	media   *httptest.Server
	now     *time.Time // the clock of the services and the handler, which a test may move
	remote  string     // the client address requests come from
}

// newEnv serves Gucheng over Open311, its cells drawn by gridtest's
// boundaries and located by the geo service, with its disputes and its
// hazards, two partner keys registering as the duty officer, and pictures
// allowed from one test server's host; change adjusts the handler's
// configuration.
func newEnv(t testing.TB, change ...func(*open311.Config)) *env {
	t.Helper()
	ctx := context.Background()
	demo := gridtest.Gucheng()
	gs, err := demo.Found(ctx, memstore.NewGridStore())
	require.NoError(t, err)
	store := memstore.NewBoundaries()
	ground := orb.Bound{Min: orb.Point{114.0, 32.9}, Max: orb.Point{114.1, 33.0}}
	bounds := gridtest.Boundaries(demo.Tree, gridtest.GuchengID, ground)
	for _, b := range bounds {
		require.NoError(t, store.PutBoundary(ctx, gridtest.GuchengID, b))
	}
	locator := geo.NewService(store, gs)
	dir, err := files.Open(t.TempDir())
	require.NoError(t, err)
	var seq atomic.Int64
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, shanghai)
	clock := func() time.Time { return now }
	cases, err := mediation.NewService(mediation.Config{
		Store: memstore.NewCases(), Cells: gs, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules(),
		Files: dir, Now: clock,
		NewID: func() mediation.ID { return mediation.ID(fmt.Sprintf("C%06d", seq.Add(1))) },
	})
	require.NoError(t, err)
	hazards, err := hazard.NewService(hazard.Config{
		Store: memstore.NewHazards(), Cells: gs, Policy: grid.DefaultPolicy(), Rules: hazard.DefaultRules(),
		Files: dir, Now: clock,
		NewID: func() hazard.ID { return hazard.ID(fmt.Sprintf("H%06d", seq.Add(1))) },
	})
	require.NoError(t, err)
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		img := image.NewRGBA(image.Rect(0, 0, 40, 30))
		for i := range img.Pix {
			img.Pix[i] = byte(i)
		}
		img.Set(1, 1, color.White)
		png.Encode(w, img)
	}))
	t.Cleanup(media.Close)
	mu, _ := url.Parse(media.URL)
	cfg := open311.Config{
		Cases: cases, Hazards: hazards, Cells: func() open311.Cells { return gs.Directory() }, Township: gridtest.GuchengID,
		Locate: locator.Locate,
		Keys: map[string]open311.Key{
			partnerKey: {Partner: "12345热线", Member: demo.Member("gc-duty-1").Actor()},
			otherKey:   {Partner: "综治中心", Member: demo.Member("gc-duty-1").Actor()},
		},
		Media:   wecom.PicURLs{Hosts: []string{mu.Hostname()}, Client: media.Client()},
		Contact: "古城办事处矛盾纠纷调解中心", URL: "https://example.org/open311/v2/",
		Logger: slog.New(slog.DiscardHandler), Now: clock,
	}
	for _, c := range change {
		c(&cfg)
	}
	h, err := open311.New(cfg)
	require.NoError(t, err)
	return &env{t: t, handler: h, cfg: cfg, cases: cases, hazards: hazards, bounds: bounds, tree: demo.Tree, media: media, now: &now, remote: "192.0.2.1:1234"}
}

// duty is the duty officer, who registers what the partners send.
var duty = gridtest.Gucheng().Member("gc-duty-1").Actor()

func (e *env) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	} else if form != nil {
		path += "?" + form.Encode()
	}
	r := httptest.NewRequest(method, path, body)
	r.RemoteAddr = e.remote
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, r)
	return w
}

// centre is the middle of cell id's boundary.
func (e *env) centre(id grid.CellID) orb.Point {
	for _, b := range e.bounds {
		if b.Cell == id {
			return b.Shape.Bound().Center()
		}
	}
	e.t.Fatalf("no boundary for %s", id)
	return orb.Point{}
}

// dispute is a request for a neighbour dispute at p.
func dispute(p orb.Point) url.Values {
	return url.Values{
		"api_key": {partnerKey}, "jurisdiction_id": {"gucheng"}, "service_code": {"dispute.neighbour"},
		"lat": {fmt.Sprint(p.Lat())}, "long": {fmt.Sprint(p.Lon())},
		"first_name": {"某"}, "last_name": {"章"}, "phone": {"13800001234"},
		"description": {"邻居在公共通道堆放柴草，多次协商未果。"}, "attribute[respondent]": {"李某"},
	}
}

// element is any XML element, with its children, for comparing shapes.
type element struct {
	XMLName  xml.Name
	Children []element `xml:",any"`
	Text     string    `xml:",chardata"`
}

// names are the names of e's children.
func (e element) names() []string {
	var out []string
	for _, c := range e.Children {
		out = append(out, c.XMLName.Local)
	}
	return out
}

func (e element) child(name string) element {
	for _, c := range e.Children {
		if c.XMLName.Local == name {
			return c
		}
	}
	return element{}
}

func parseXML(t *testing.T, w *httptest.ResponseRecorder) element {
	t.Helper()
	assert.Contains(t, w.Header().Get("Content-Type"), "text/xml")
	require.True(t, strings.HasPrefix(w.Body.String(), "<?xml"), w.Body.String())
	var e element
	require.NoError(t, xml.Unmarshal(w.Body.Bytes(), &e), w.Body.String())
	return e
}

// The spec's example of GET services.xml: a <services> of <service>
// elements, each with these children, in this order: the dispute
// categories in the group 矛盾纠纷, the hazard categories in 安全隐患, their
// codes apart though both sets have an "other".
func TestServicesXML(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodGet, "/open311/v2/services.xml", url.Values{"jurisdiction_id": {"gucheng"}})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	doc := parseXML(t, w)
	assert.Equal(t, "services", doc.XMLName.Local)
	require.Len(t, doc.Children, len(mediation.DefaultRules().Categories)+len(hazard.DefaultRules().Categories))
	titles, groups, metadata := map[string]string{}, map[string]string{}, map[string]string{}
	for _, s := range doc.Children {
		assert.Equal(t, "service", s.XMLName.Local)
		assert.Equal(t, []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}, s.names())
		assert.Equal(t, "realtime", s.child("type").Text)
		code := s.child("service_code").Text
		assert.NotContains(t, titles, code, "codes are unique")
		titles[code], groups[code], metadata[code] = s.child("service_name").Text, s.child("group").Text, s.child("metadata").Text
	}
	for code, want := range map[string][3]string{
		"dispute.neighbour": {"邻里纠纷", "矛盾纠纷", "true"},
		"dispute.homestead": {"宅基地纠纷", "矛盾纠纷", "true"},
		"dispute.other":     {"其他纠纷", "矛盾纠纷", "true"},
		"hazard.fire":       {"消防隐患", "安全隐患", "false"},
		"hazard.other":      {"其他隐患", "安全隐患", "false"},
	} {
		assert.Equal(t, want, [3]string{titles[code], groups[code], metadata[code]}, code)
	}
}

// The spec's JSON is an array of services.
func TestServicesJSON(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodGet, "/open311/v2/services.json", nil)
	require.Equal(t, http.StatusOK, w.Code)
	var list []map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &list), w.Body.String())
	require.NotEmpty(t, list)
	for _, k := range []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"} {
		assert.Contains(t, list[0], k)
	}
	assert.Equal(t, true, list[0]["metadata"])
	last := list[len(list)-1]
	assert.Equal(t, "hazard.traffic", last["service_code"])
	assert.Equal(t, false, last["metadata"])
	assert.NotContains(t, last["description"], "api_key", "the public is not told it may report where it may not")

	// Without hazards, the disputes alone.
	e = newEnv(t, func(c *open311.Config) { c.Hazards = nil })
	require.NoError(t, json.Unmarshal(e.do(http.MethodGet, "/open311/v2/services.json", nil).Body.Bytes(), &list))
	assert.Len(t, list, len(mediation.DefaultRules().Categories))
}

func TestServiceDefinition(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodGet, "/open311/v2/services/dispute.neighbour.xml", nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	doc := parseXML(t, w)
	assert.Equal(t, "service_definition", doc.XMLName.Local)
	assert.Equal(t, []string{"service_code", "attributes"}, doc.names())
	attr := doc.child("attributes").child("attribute")
	assert.Equal(t, []string{"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}, attr.names())

	w = e.do(http.MethodGet, "/open311/v2/services/dispute.neighbour.json", nil)
	assert.JSONEq(t, `{"service_code":"dispute.neighbour","attributes":[{"variable":true,"code":"respondent","datatype":"string","required":true,
		"datatype_description":"姓名或单位名称","order":1,"description":"对方当事人（被申请人）","values":[]}]}`, w.Body.String())

	// A hazard asks nothing beyond the spec's own fields.
	w = e.do(http.MethodGet, "/open311/v2/services/hazard.fire.json", nil)
	assert.JSONEq(t, `{"service_code":"hazard.fire","attributes":[]}`, w.Body.String())
	doc = parseXML(t, e.do(http.MethodGet, "/open311/v2/services/hazard.fire.xml", nil))
	assert.Equal(t, []string{"service_code", "attributes"}, doc.names())
	assert.Empty(t, doc.child("attributes").Children)

	for _, code := range []string{"feud", "neighbour", "fire", "hazard.neighbour", "dispute.fire"} {
		w = e.do(http.MethodGet, "/open311/v2/services/"+code+".json", nil)
		assert.Equal(t, http.StatusNotFound, w.Code, code)
	}
}

func TestDiscovery(t *testing.T) {
	e := newEnv(t)
	doc := parseXML(t, e.do(http.MethodGet, "/open311/v2/discovery.xml", nil))
	assert.Equal(t, "discovery", doc.XMLName.Local)
	assert.Equal(t, []string{"changeset", "contact", "key_service", "endpoints"}, doc.names())
	ep := doc.child("endpoints").child("endpoint")
	assert.Equal(t, []string{"specification", "url", "changeset", "type", "formats"}, ep.names())
	assert.Equal(t, []string{"format", "format"}, ep.child("formats").names())

	var d map[string]any
	require.NoError(t, json.Unmarshal(e.do(http.MethodGet, "/open311/v2/discovery.json", nil).Body.Bytes(), &d))
	eps := d["endpoints"].([]any)
	require.Len(t, eps, 1)
	assert.Equal(t, []any{"text/xml", "application/json"}, eps[0].(map[string]any)["formats"])
}

// A partner's client posts a dispute with its position: it is registered
// in the lowest cell whose boundary holds the position, and reads back as
// the spec's request.
func TestPostByPosition(t *testing.T) {
	e := newEnv(t)
	for _, cell := range []grid.CellID{"mayuan-1", "mayuan-1-zhang", "gc-east"} {
		t.Run(string(cell), func(t *testing.T) {
			p := e.centre(cell)
			// A sector's centre may lie in a child; the lowest cell is
			// what the index says.
			want, ok := geo.NewIndex(e.tree, e.bounds).Locate(p)
			require.True(t, ok)
			w := e.do(http.MethodPost, "/open311/v2/requests.json", dispute(p))
			require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
			var created []map[string]any
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &created), w.Body.String())
			require.Len(t, created, 1)
			id := created[0]["service_request_id"].(string)
			assert.Contains(t, created[0]["service_notice"], "已登记")

			c, err := e.cases.Get(context.Background(), duty, mediation.ID(id))
			require.NoError(t, err)
			assert.Equal(t, want, c.Location.Cell())
			assert.Equal(t, "12345热线", c.ReferredBy)

			var got []map[string]any
			w = e.do(http.MethodGet, "/open311/v2/requests/"+id+".json", url.Values{"api_key": {partnerKey}})
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
			require.Len(t, got, 1)
			assert.Equal(t, "open", got[0]["status"])
			assert.Equal(t, "dispute.neighbour", got[0]["service_code"])
			assert.Equal(t, "邻里纠纷", got[0]["service_name"])
			assert.Equal(t, e.tree.MustCell(c.Handling.Cell()).Name, got[0]["agency_responsible"])
			assert.Equal(t, c.AcceptDue.In(shanghai).Format(time.RFC3339), got[0]["expected_datetime"])
			assert.Equal(t, e.tree.MustCell(want).Name, got[0]["address"])
		})
	}
}

// The spec's example of GET requests.xml: <service_requests> of <request>.
func TestRequestsXML(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodPost, "/open311/v2/requests.xml", dispute(e.centre("mayuan-2")))
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	doc := parseXML(t, w)
	assert.Equal(t, "service_requests", doc.XMLName.Local)
	assert.Equal(t, []string{"service_request_id", "service_notice"}, doc.child("request").names())
	id := doc.child("request").child("service_request_id").Text

	doc = parseXML(t, e.do(http.MethodGet, "/open311/v2/requests.xml", url.Values{"api_key": {partnerKey}, "status": {"open"}}))
	require.Len(t, doc.Children, 1)
	r := doc.Children[0]
	assert.Equal(t, "request", r.XMLName.Local)
	assert.Equal(t, []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id"}, r.names())
	assert.Equal(t, id, r.child("service_request_id").Text)
	assert.Equal(t, "open", r.child("status").Text)

	for name, f := range map[string]url.Values{
		"closed only":        {"status": {"closed"}},
		"another category":   {"service_code": {"dispute.debt"}},
		"before it was made": {"end_date": {"2026-10-01T00:00:00+08:00"}},
		"another id":         {"service_request_id": {"C999999"}},
	} {
		f.Set("api_key", partnerKey)
		doc := parseXML(t, e.do(http.MethodGet, "/open311/v2/requests.xml", f))
		assert.Empty(t, doc.Children, name)
	}
	doc = parseXML(t, e.do(http.MethodGet, "/open311/v2/requests.xml", url.Values{"api_key": {partnerKey}, "service_request_id": {id}}))
	assert.Len(t, doc.Children, 1)

	doc = parseXML(t, e.do(http.MethodGet, "/open311/v2/tokens/"+id+".xml", url.Values{"api_key": {partnerKey}}))
	assert.Equal(t, []string{"service_request_id", "token"}, doc.child("request").names())
}

func TestPostByAddress(t *testing.T) {
	e := newEnv(t)
	f := dispute(orb.Point{})
	f.Del("lat")
	f.Del("long")
	f.Set("address_string", "马园一组")
	w := e.do(http.MethodPost, "/open311/v2/requests.json", f)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())

	f.Set("address_string", "火星")
	w = e.do(http.MethodPost, "/open311/v2/requests.json", f)
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.Contains(t, w.Body.String(), "address_string")
}

// Refusals come as the spec's list of errors, in Chinese.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	inside := e.centre("mayuan-1")
	for _, tt := range []struct {
		name   string
		change func(url.Values)
		status int
	}{
		{"no api_key", func(f url.Values) { f.Del("api_key") }, 403},
		{"a wrong api_key", func(f url.Values) { f.Set("api_key", "guess") }, 403},
		{"another jurisdiction", func(f url.Values) { f.Set("jurisdiction_id", "linzhen") }, 404},
		{"an unknown service", func(f url.Values) { f.Set("service_code", "feud") }, 400},
		{"a category without its kind", func(f url.Values) { f.Set("service_code", "neighbour") }, 400},
		{"a position out of range", func(f url.Values) { f.Set("lat", "91") }, 400},
		{"a position that is no number", func(f url.Values) { f.Set("long", "NaN") }, 400},
		{"no location", func(f url.Values) { f.Del("lat"); f.Del("long") }, 400},
		{"outside every cell", func(f url.Values) { f.Set("lat", "30"); f.Set("long", "120") }, 400},
		{"a description too long", func(f url.Values) { f.Set("description", strings.Repeat("长", 4001)) }, 400},
		{"no phone", func(f url.Values) { f.Del("phone") }, 400},
		{"a body too large", func(f url.Values) { f.Set("first_name", strings.Repeat("长", 30000)) }, 400},
		{"no respondent", func(f url.Values) { f.Del("attribute[respondent]") }, 400},
		{"media from a host not allowed", func(f url.Values) { f.Set("media_url", "https://evil.example/a.png") }, 400},
		{"a media_url that is no web address", func(f url.Values) { f.Set("media_url", "file:///etc/passwd") }, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []string{"xml", "json"} {
				f := dispute(inside)
				tt.change(f)
				w := e.do(http.MethodPost, "/open311/v2/requests."+format, f)
				require.Equal(t, tt.status, w.Code, w.Body.String())
				assertErrorList(t, format, w.Body.Bytes(), tt.status)
			}
		})
	}
	t.Run("reading needs the key", func(t *testing.T) {
		w := e.do(http.MethodGet, "/open311/v2/requests.json", nil)
		assert.Equal(t, http.StatusForbidden, w.Code)
	})
}

// A media_url on an allowed host is fetched into a photo of the case.
func TestMediaURL(t *testing.T) {
	e := newEnv(t)
	f := dispute(e.centre("mayuan-1"))
	f.Set("media_url", e.media.URL+"/photo.png")
	w := e.do(http.MethodPost, "/open311/v2/requests.json", f)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	var created []map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &created))
	c, err := e.cases.Get(context.Background(), duty, mediation.ID(created[0]["service_request_id"].(string)))
	require.NoError(t, err)
	require.Len(t, c.Attachments, 1)
	assert.True(t, strings.HasPrefix(c.Attachments[0].Type, "image/"), c.Attachments[0].Type)
}

// A partner reads back only what it sent: another partner's key finds
// neither the request nor its token, and lists none.
func TestOnlyTheSender(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodPost, "/open311/v2/requests.json", dispute(e.centre("mayuan-1")))
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	var created []map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &created))
	id := created[0]["service_request_id"].(string)

	other := url.Values{"api_key": {otherKey}}
	for _, path := range []string{"/open311/v2/requests/" + id + ".json", "/open311/v2/tokens/" + id + ".json", "/open311/v2/requests/C999999.json"} {
		w := e.do(http.MethodGet, path, other)
		assert.Equal(t, http.StatusNotFound, w.Code, path)
		var errs []map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &errs), w.Body.String())
		require.Len(t, errs, 1)
		assert.EqualValues(t, 404, errs[0]["code"])
	}
	w = e.do(http.MethodGet, "/open311/v2/requests.json", other)
	assert.JSONEq(t, "[]", w.Body.String())
}
