package pilot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

// postOpen311 posts form to the pilot at base's requests.json and returns
// the status and the new request's ID, if one was made.
func postOpen311(t *testing.T, base string, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(base+"/open311/v2/requests.json", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return resp.StatusCode, ""
	}
	var created []struct {
		ID string `json:"service_request_id"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&created))
	require.Len(t, created, 1)
	return resp.StatusCode, created[0].ID
}

// The pilot serves Open311 at /open311/v2/ to the partners it has keys
// for: a hotline's request, posted without the pages' cookies, becomes a
// case referred by the hotline, or a hazard it passed on.
func TestOpen311Mounted(t *testing.T) {
	app, ts, _ := startPilot(t, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost},
		pilot.ServerOptions{Open311Keys: map[string]string{"hotline-key": "12345热线"}})
	form := url.Values{
		"api_key": {"hotline-key"}, "service_code": {"dispute.neighbour"}, "address_string": {"马园一组"},
		"last_name": {"章"}, "first_name": {"某"}, "phone": {"13800001234"}, "attribute[respondent]": {"李某"},
		"description": {"邻居在公共通道堆放柴草。"},
	}
	status, id := postOpen311(t, ts.URL, form)
	require.Equal(t, http.StatusCreated, status)
	intake, ok := app.Intake()
	require.True(t, ok)
	c, err := app.Cases.Get(context.Background(), intake.Actor(), mediation.ID(id))
	require.NoError(t, err)
	assert.Equal(t, "12345热线", c.ReferredBy)
	assert.Equal(t, grid.CellID("mayuan-1"), c.Location.Cell())

	form.Set("service_code", "hazard.fire")
	status, id = postOpen311(t, ts.URL, form)
	require.Equal(t, http.StatusCreated, status)
	h, err := app.Hazards.Get(context.Background(), intake.Actor(), hazard.ID(id))
	require.NoError(t, err)
	assert.Equal(t, "12345热线", h.ReferredBy)
	assert.Equal(t, grid.CellID("mayuan-1"), h.Location.Cell())

	form.Set("api_key", "guess")
	status, _ = postOpen311(t, ts.URL, form)
	assert.Equal(t, http.StatusForbidden, status)
	form.Del("api_key")
	status, _ = postOpen311(t, ts.URL, form)
	assert.Equal(t, http.StatusForbidden, status, "the public is not taken unless the township says so")
}

// hazardForm is the public's report of a hazard in 马园一组.
var hazardForm = url.Values{
	"service_code": {"hazard.fire"}, "address_string": {"马园一组"}, "description": {"巷道内堆放秸秆，堵塞消防通道。"},
}

// With Open311Public and no partners, the pilot takes the public's
// hazards, registered by the duty officer, but not its disputes.
func TestOpen311Public(t *testing.T) {
	app, ts, _ := startPilot(t, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost}, pilot.ServerOptions{Open311Public: true})
	status, id := postOpen311(t, ts.URL, hazardForm)
	require.Equal(t, http.StatusCreated, status)
	intake, _ := app.Intake()
	h, err := app.Hazards.Get(context.Background(), intake.Actor(), hazard.ID(id))
	require.NoError(t, err)
	assert.Equal(t, "匿名公众", h.ReferredBy)
	assert.Equal(t, intake.Actor().ID, h.Reporter)

	resp, err := http.Get(ts.URL + "/open311/v2/tokens/" + id + ".json")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	form := url.Values{"service_code": {"dispute.neighbour"}, "address_string": {"马园一组"}, "description": {"邻居纠纷。"}}
	status, _ = postOpen311(t, ts.URL, form)
	assert.Equal(t, http.StatusForbidden, status)
}

// Two pilots on one PostgreSQL count the public's requests together: an
// address spreading its reports over both is refused past one allowance.
func TestOpen311PublicAcrossInstances(t *testing.T) {
	_, _, ta, tb := twoPilots(t, pilot.ServerOptions{Open311Public: true})
	made := 0
	for i := 0; ; i++ {
		base := []string{ta.URL, tb.URL}[i%2]
		status, _ := postOpen311(t, base, hazardForm)
		if status == http.StatusTooManyRequests {
			break
		}
		require.Equal(t, http.StatusCreated, status)
		made++
		require.Less(t, made, 100, "the allowance never ran out")
	}
	assert.Equal(t, 10, made, "one allowance for both")
	status, _ := postOpen311(t, []string{ta.URL, tb.URL}[(made+1)%2], hazardForm)
	assert.Equal(t, http.StatusTooManyRequests, status, "through the other too")
}
