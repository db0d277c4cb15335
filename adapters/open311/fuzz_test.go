package open311_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/open311"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

// unlimited lets every request through, so that fuzzing is not stopped
// by the allowance.
type unlimited struct{}

func (unlimited) Allow(context.Context, string, time.Duration, int, time.Time) (bool, error) {
	return true, nil
}

// newest are the IDs of the newest case and hazard stored.
func (e *env) newest(t *testing.T) [2]string {
	var out [2]string
	cases, err := e.cases.List(context.Background(), duty, mediation.Filter{Limit: 1})
	require.NoError(t, err)
	if len(cases.Cases) > 0 {
		out[0] = string(cases.Cases[0].ID)
	}
	hazards, err := e.hazards.List(context.Background(), duty, hazard.Filter{Limit: 1})
	require.NoError(t, err)
	if len(hazards.Hazards) > 0 {
		out[1] = string(hazards.Hazards[0].ID)
	}
	return out
}

// FuzzPost posts any service code, position, address, description,
// phone and respondent, with the partner's key or none: the answer is
// never a server error; a request created reads back, and one refused
// comes as the spec's list of one error in Chinese with nothing stored.
func FuzzPost(f *testing.F) {
	e := newEnv(f, func(c *open311.Config) { c.Public = &open311.Public{Member: duty, Limits: unlimited{}} })
	f.Add(true, "dispute.neighbour", "32.95", "114.05", "", "邻居堆放柴草。", "13800001234", "李某")
	f.Add(false, "hazard.fire", "32.95", "114.05", "", "巷道堵塞。", "", "")
	f.Add(false, "hazard.flood", "", "", "马园一组", "积水。", "13800001234", "")
	f.Add(true, "hazard.other", "NaN", "Inf", "火星", "\x00", "12345", "")
	f.Add(false, "dispute.other", "-91", "1e400", " 马园 ", "", "", "")
	f.Add(true, "hazard.", "0x1p-2", "+114", "马园一组\u200b", "\u202e", "+86 138 0000 1234", "\xff")
	f.Fuzz(func(t *testing.T, keyed bool, code, lat, long, address, description, phone, respondent string) {
		form := url.Values{
			"service_code": {code}, "lat": {lat}, "long": {long}, "address_string": {address},
			"description": {description}, "phone": {phone}, "attribute[respondent]": {respondent},
		}
		if keyed {
			form.Set("api_key", partnerKey)
		}
		before := e.newest(t)
		w := e.do(http.MethodPost, "/open311/v2/requests.json", form)
		switch {
		case w.Code == http.StatusCreated:
			var created []map[string]any
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &created))
			require.Len(t, created, 1)
			id := created[0]["service_request_id"].(string)
			w = e.do(http.MethodGet, "/open311/v2/requests/"+id+".json", url.Values{"api_key": form["api_key"]})
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		case w.Code >= 500:
			t.Fatalf("status %d for %v: %s", w.Code, form, w.Body.String())
		default:
			assertErrorList(t, "json", w.Body.Bytes(), w.Code)
			require.Equal(t, before, e.newest(t), "nothing stored after a refusal: %s", w.Body.String())
		}
	})
}

// FuzzQuery reads requests back by any filters and IDs, with the
// partner's key or none: the answer is never a server error, and a
// refusal is the spec's list of one error in Chinese.
func FuzzQuery(f *testing.F) {
	e := newEnv(f, func(c *open311.Config) { c.Public = &open311.Public{Member: duty, Limits: unlimited{}} })
	f.Add(true, "", "hazard.fire", "2026-10-01T00:00:00+08:00", "", "open")
	f.Add(false, "H000001,C000002", "", "", "", "")
	f.Add(true, " , ,H\x00", "dispute.", "2026-13-01T00:00:00Z", "0000-01-01T00:00:00Z", "closed")
	f.Add(false, "", "hazard.other", "", "9999-12-31T23:59:59+14:00", "opened")
	f.Fuzz(func(t *testing.T, keyed bool, ids, code, start, end, status string) {
		form := url.Values{"service_code": {code}, "start_date": {start}, "end_date": {end}, "status": {status}}
		if ids != "" {
			form.Set("service_request_id", ids)
		}
		if keyed {
			form.Set("api_key", partnerKey)
		}
		w := e.do(http.MethodGet, "/open311/v2/requests.json", form)
		switch {
		case w.Code >= 500:
			t.Fatalf("status %d for %v: %s", w.Code, form, w.Body.String())
		case w.Code != http.StatusOK:
			assertErrorList(t, "json", w.Body.Bytes(), w.Code)
		}
	})
}
