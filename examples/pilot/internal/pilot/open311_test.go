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
	"github.com/fourplusn/fourplusn/mediation"
)

// The pilot serves Open311 at /open311/v2/ to the partners it has keys
// for: a hotline's request, posted without the pages' cookies, becomes a
// case referred by the hotline.
func TestOpen311Mounted(t *testing.T) {
	app, ts, _ := startPilot(t, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost},
		pilot.ServerOptions{Open311Keys: map[string]string{"hotline-key": "12345热线"}})
	form := url.Values{
		"api_key": {"hotline-key"}, "service_code": {"neighbour"}, "address_string": {"马园一组"},
		"last_name": {"章"}, "first_name": {"某"}, "phone": {"13800001234"}, "attribute[respondent]": {"李某"},
		"description": {"邻居在公共通道堆放柴草。"},
	}
	resp, err := http.PostForm(ts.URL+"/open311/v2/requests.json", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var created []struct {
		ID string `json:"service_request_id"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&created))
	require.Len(t, created, 1)
	intake, ok := app.Intake()
	require.True(t, ok)
	c, err := app.Cases.Get(context.Background(), intake.Actor(), mediation.ID(created[0].ID))
	require.NoError(t, err)
	assert.Equal(t, "12345热线", c.ReferredBy)
	assert.Equal(t, grid.CellID("mayuan-1"), c.Location.Cell())

	form.Set("api_key", "guess")
	resp, err = http.PostForm(ts.URL+"/open311/v2/requests.xml", form)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}
