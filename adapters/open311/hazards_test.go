package open311_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/work"
)

// hazardAt is a partner's request for a hazard of service code at p.
func hazardAt(code string, p orb.Point) url.Values {
	return url.Values{
		"api_key": {partnerKey}, "jurisdiction_id": {"gucheng"}, "service_code": {code},
		"lat": {fmt.Sprint(p.Lat())}, "long": {fmt.Sprint(p.Lon())}, "phone": {"13800001234"},
		"description": {"巷道内堆放大量秸秆，堵塞消防通道。"},
	}
}

// created is the service_request_id of a request answered as created.
func (e *env) created(w *httptest.ResponseRecorder) string {
	e.t.Helper()
	require.Equal(e.t, http.StatusCreated, w.Code, w.Body.String())
	var list []map[string]any
	require.NoError(e.t, json.Unmarshal(w.Body.Bytes(), &list), w.Body.String())
	require.Len(e.t, list, 1)
	return list[0]["service_request_id"].(string)
}

// post posts form as JSON and returns the new request's ID.
func (e *env) post(form url.Values) string {
	e.t.Helper()
	w := e.do(http.MethodPost, "/open311/v2/requests.json", form)
	return e.created(w)
}

// read reads request id back as JSON with form's credentials.
func (e *env) read(id string, form url.Values) map[string]any {
	e.t.Helper()
	w := e.do(http.MethodGet, "/open311/v2/requests/"+id+".json", form)
	require.Equal(e.t, http.StatusOK, w.Code, w.Body.String())
	var got []map[string]any
	require.NoError(e.t, json.Unmarshal(w.Body.Bytes(), &got))
	require.Len(e.t, got, 1)
	return got[0]
}

// A partner's hazard given by lat/long lies in the lowest cell whose
// boundary holds the position, and is rectified by that cell's ancestor
// at the level its category's grade gives; it reads back as the spec's
// request, with the state, the handling cell and the deadline.
func TestHazardByPosition(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		code     string
		at       grid.CellID // the cell whose centre is given
		handling string      // by the hazard rules' grades
	}{
		{"hazard.fire", "mayuan-1-zhang", "/gucheng/gc-east"},
		{"hazard.traffic", "mayuan-1-zhang", "/gucheng/gc-east/mayuan/mayuan-1"},
		{"hazard.flood", "mayuan-1-li", "/gucheng/gc-east/mayuan"},
		{"hazard.gas", "nanguan-2", "/gucheng/gc-south"},
		{"hazard.other", "zhaiwan-1", "/gucheng/gc-west/zhaiwan/zhaiwan-1"},
	} {
		t.Run(tt.code+" at "+string(tt.at), func(t *testing.T) {
			p := e.centre(tt.at)
			at, ok := geo.NewIndex(e.tree, e.bounds).Locate(p)
			require.True(t, ok)
			require.Equal(t, tt.at, at, "a leaf's centre lies in the leaf")
			w := e.do(http.MethodPost, "/open311/v2/requests.json", hazardAt(tt.code, p))
			id := e.created(w)
			assert.Contains(t, w.Body.String(), "已上报")

			z, err := e.hazards.Get(context.Background(), duty, hazard.ID(id))
			require.NoError(t, err)
			assert.Equal(t, tt.at, z.Location.Cell())
			assert.Equal(t, tt.handling, z.Handling.String())
			assert.Equal(t, work.ChannelReferral, z.Channel)
			assert.Equal(t, "12345热线", z.ReferredBy)
			assert.Equal(t, duty.ID, z.Reporter, "the duty officer reports it on the partner's behalf")
			assert.Equal(t, "13800001234", z.Contact)

			got := e.read(id, url.Values{"api_key": {partnerKey}})
			assert.Equal(t, "open", got["status"])
			assert.Equal(t, "待整改", got["status_notes"])
			assert.Equal(t, tt.code, got["service_code"])
			assert.Equal(t, z.Category.Title(), got["service_name"])
			assert.Equal(t, e.tree.MustCell(z.Handling.Cell()).Name, got["agency_responsible"])
			assert.Equal(t, z.RectifyDue.In(shanghai).Format(time.RFC3339), got["expected_datetime"])
			assert.Equal(t, e.tree.MustCell(tt.at).Name, got["address"])
			assert.Equal(t, string(tt.at), got["address_id"])
			assert.Equal(t, "巷道内堆放大量秸秆，堵塞消防通道。", got["description"])
		})
	}
}

// The spec's example of GET requests.xml, for a hazard through its
// lifecycle: open, then rectified (still open, expected by the
// verification's deadline), then verified and closed.
func TestHazardRequestsXML(t *testing.T) {
	e := newEnv(t)
	f := hazardAt("hazard.traffic", e.centre("mayuan-1-li"))
	f.Set("media_url", e.media.URL+"/photo.png")
	w := e.do(http.MethodPost, "/open311/v2/requests.xml", f)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	doc := parseXML(t, w)
	assert.Equal(t, "service_requests", doc.XMLName.Local)
	assert.Equal(t, []string{"service_request_id", "service_notice"}, doc.child("request").names())
	id := doc.child("request").child("service_request_id").Text

	z, err := e.hazards.Get(context.Background(), duty, hazard.ID(id))
	require.NoError(t, err)
	require.Len(t, z.Attachments, 1, "the media_url's picture is attached")
	assert.Equal(t, []string{e.media.URL + "/photo.png"}, z.Photos)

	key := url.Values{"api_key": {partnerKey}}
	listed := func(extra url.Values) []element {
		t.Helper()
		f := url.Values{"api_key": {partnerKey}}
		for k, v := range extra {
			f[k] = v
		}
		return parseXML(t, e.do(http.MethodGet, "/open311/v2/requests.xml", f)).Children
	}
	list := listed(url.Values{"status": {"open"}})
	require.Len(t, list, 1)
	r := list[0]
	assert.Equal(t, "request", r.XMLName.Local)
	assert.Equal(t, []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "media_url"}, r.names())
	assert.Equal(t, id, r.child("service_request_id").Text)
	assert.Equal(t, "交通隐患", r.child("service_name").Text)
	assert.Equal(t, "马园一组", r.child("agency_responsible").Text)
	assert.Equal(t, e.media.URL+"/photo.png", r.child("media_url").Text)

	for name, f := range map[string]url.Values{
		"closed only":        {"status": {"closed"}},
		"a dispute service":  {"service_code": {"dispute.neighbour"}},
		"another hazard":     {"service_code": {"hazard.fire"}},
		"before it was made": {"end_date": {"2026-10-01T00:00:00+08:00"}},
		"after it was made":  {"start_date": {"2026-11-03T00:00:00+08:00"}},
	} {
		assert.Empty(t, listed(f), name)
	}
	assert.Len(t, listed(url.Values{"service_code": {"hazard.traffic"}}), 1)
	assert.Len(t, listed(url.Values{"service_request_id": {id}}), 1)

	*e.now = e.now.Add(time.Hour)
	demo := gridtest.Gucheng()
	z, err = e.hazards.Rectify(context.Background(), demo.Member("mayuan-1-head").Actor(), hazard.ID(id), 0, hazard.Rectification{Evidence: "已清走杂物。"})
	require.NoError(t, err)
	r = parseXML(t, e.do(http.MethodGet, "/open311/v2/requests/"+id+".xml", key)).child("request")
	assert.Equal(t, "open", r.child("status").Text)
	assert.Equal(t, "待验收", r.child("status_notes").Text)
	assert.Equal(t, z.VerifyDue.In(shanghai).Format(time.RFC3339), r.child("expected_datetime").Text)
	assert.Equal(t, e.now.Format(time.RFC3339), r.child("updated_datetime").Text)

	*e.now = e.now.Add(time.Hour)
	_, err = e.hazards.Verify(context.Background(), demo.Member("mayuan-head").Actor(), hazard.ID(id), 0, hazard.Verification{Passed: true})
	require.NoError(t, err)
	r = parseXML(t, e.do(http.MethodGet, "/open311/v2/requests/"+id+".xml", key)).child("request")
	assert.Equal(t, "closed", r.child("status").Text)
	assert.Equal(t, "已销号", r.child("status_notes").Text)
	assert.Equal(t, e.now.Format(time.RFC3339), r.child("updated_datetime").Text)
	assert.Len(t, listed(url.Values{"status": {"closed"}}), 1)

	doc = parseXML(t, e.do(http.MethodGet, "/open311/v2/tokens/"+id+".xml", key))
	assert.Equal(t, []string{"service_request_id", "token"}, doc.child("request").names())
	assert.Equal(t, id, doc.child("request").child("token").Text)
}

// GET requests lists the partner's disputes and hazards together, newest
// first, and only the partner's.
func TestRequestsOfBothKinds(t *testing.T) {
	e := newEnv(t)
	first := e.post(dispute(e.centre("mayuan-1")))
	*e.now = e.now.Add(time.Minute)
	second := e.post(hazardAt("hazard.fire", e.centre("mayuan-2")))
	*e.now = e.now.Add(time.Minute)
	third := e.post(dispute(e.centre("mayuan-3")))
	other := hazardAt("hazard.fire", e.centre("mayuan-2"))
	other.Set("api_key", otherKey)
	theirs := e.post(other)

	var got []map[string]any
	require.NoError(t, json.Unmarshal(e.do(http.MethodGet, "/open311/v2/requests.json", url.Values{"api_key": {partnerKey}}).Body.Bytes(), &got))
	var ids []any
	for _, r := range got {
		ids = append(ids, r["service_request_id"])
	}
	assert.Equal(t, []any{third, second, first}, ids)

	w := e.do(http.MethodGet, "/open311/v2/requests/"+theirs+".json", url.Values{"api_key": {partnerKey}})
	assert.Equal(t, http.StatusNotFound, w.Code, "another partner's hazard")
	w = e.do(http.MethodGet, "/open311/v2/requests.json", url.Values{"api_key": {partnerKey}, "service_request_id": {first + "," + theirs + "," + second}})
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	assert.Len(t, got, 2)
}

// A hazard given by the name of a cell lies in it; a dispute lead is a
// hazard a partner may report.
func TestHazardByAddress(t *testing.T) {
	e := newEnv(t)
	f := hazardAt("hazard.dispute_lead", orb.Point{})
	f.Del("lat")
	f.Del("long")
	f.Set("address_string", "马园二组")
	id := e.post(f)
	z, err := e.hazards.Get(context.Background(), duty, hazard.ID(id))
	require.NoError(t, err)
	assert.Equal(t, grid.CellID("mayuan-2"), z.Location.Cell())
	assert.Equal(t, hazard.DisputeLead, z.Category)
}
