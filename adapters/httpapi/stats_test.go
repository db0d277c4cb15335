package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatsOverHTTP registers one case in November and two in December
// through the API, then reads December's summary, the two months' series
// with 环比 (month on month) and 同比 (year on year), and the tracking
// view, which shows only November's case, still not accepted, on the in-memory store and on SQLite.
func TestStatsOverHTTP(t *testing.T) {
	for _, st := range []stores{memStores(), sqliteStores(t)} {
		t.Run(st.name, func(t *testing.T) {
			e := newEnvOn(t, st)
			duty := e.as("gc-duty-1")
			register := func() string {
				res := duty.post("/api/v1/cases", walkIn())
				require.Equal(t, http.StatusCreated, res.Code, res)
				return res.object(t)["id"].(string)
			}
			november := register()
			e.clock.Advance(30 * day) // 1 December
			register()
			register()
			secretary := e.as("gc-secretary")

			var summary struct {
				Period                         string
				Current, Previous, YearEarlier struct{ Registered int64 }
			}
			res := secretary.get("/api/v1/stats/summary?cell=gucheng&period=month")
			require.Equal(t, http.StatusOK, res.Code, res)
			res.decode(t, &summary)
			assert.Equal(t, "month", summary.Period)
			assert.EqualValues(t, 2, summary.Current.Registered, "December")
			assert.EqualValues(t, 1, summary.Previous.Registered, "November, for 环比")
			assert.EqualValues(t, 0, summary.YearEarlier.Registered, "December 2021, for 同比")

			type change struct {
				Current, Base float64
				Defined       bool
				Percent       *int
			}
			var series struct {
				Points []struct {
					N        int64
					MoM, YoY change
				}
			}
			res = secretary.get("/api/v1/stats/series?cell=gucheng&measure=cases.registered&period=month&n=2")
			require.Equal(t, http.StatusOK, res.Code, res)
			res.decode(t, &series)
			require.Len(t, series.Points, 2)
			assert.EqualValues(t, 1, series.Points[0].N, "November")
			dec := series.Points[1]
			assert.EqualValues(t, 2, dec.N)
			assert.Equal(t, change{Current: 2, Base: 1, Defined: true, Percent: ptr(100)}, dec.MoM, "环比: doubled")
			assert.False(t, dec.YoY.Defined, "同比 from nothing is undefined")
			assert.Nil(t, dec.YoY.Percent)

			var tracking struct {
				Deadlines []struct{ Subject, Kind, Status string }
			}
			res = secretary.get("/api/v1/stats/tracking?cell=gucheng")
			require.Equal(t, http.StatusOK, res.Code, res)
			res.decode(t, &tracking)
			require.Len(t, tracking.Deadlines, 1, "only November's case is late; December's are in time")
			assert.Equal(t, november, tracking.Deadlines[0].Subject)
			assert.Equal(t, "accept", tracking.Deadlines[0].Kind)
			assert.Equal(t, "overdue", tracking.Deadlines[0].Status)
		})
	}
}

func ptr[T any](v T) *T { return &v }
