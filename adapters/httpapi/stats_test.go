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

			type count struct{ Registered int64 }
			var summary struct {
				Period            string
				Current, Previous count
				YearEarlier       count `json:"year_earlier"`
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

			type tally struct {
				Kind    string
				AtRisk  int64 `json:"at_risk"`
				Overdue int64
			}
			var tracking struct {
				Total     tally
				Counts    []tally
				Deadlines []struct{ Subject, Kind, Status string }
				Next      string
			}
			res = secretary.get("/api/v1/stats/tracking?cell=gucheng")
			require.Equal(t, http.StatusOK, res.Code, res)
			res.decode(t, &tracking)
			require.Len(t, tracking.Deadlines, 1, "only November's case is late; December's are in time")
			assert.Equal(t, november, tracking.Deadlines[0].Subject)
			assert.Equal(t, "accept", tracking.Deadlines[0].Kind)
			assert.Equal(t, "overdue", tracking.Deadlines[0].Status)
			assert.Equal(t, tally{Overdue: 1}, tracking.Total)
			assert.Equal(t, []tally{{Kind: "accept", Overdue: 1}}, tracking.Counts)
			assert.Empty(t, tracking.Next, "one page")
			for _, bad := range []struct{ query, field string }{{"&after=nonsense", "after"}, {"&limit=0", "limit"}, {"&overdue=maybe", "overdue"}} {
				res = secretary.get("/api/v1/stats/tracking?cell=gucheng" + bad.query)
				assert.Equal(t, http.StatusBadRequest, res.Code, bad.query)
				assert.Contains(t, string(res.Body), `"`+bad.field+`"`, bad.query)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestStatsSummaryLikeForLike: on 1 December the month in progress is
// compared with the same part of November, not all of it; November read
// afterwards is whole; a range of days is compared with as many days
// before it; a rate without a denominator has no value; and a range half
// given or not of dates is refused naming the field.
func TestStatsSummaryLikeForLike(t *testing.T) {
	e := newEnv(t)
	duty := e.as("gc-duty-1")
	register := func() {
		res := duty.post("/api/v1/cases", walkIn())
		require.Equal(t, http.StatusCreated, res.Code, res)
	}
	register() // 1 November, 09:00
	e.clock.Advance(10 * day)
	register() // 11 November
	e.clock.Advance(20 * day)
	register() // 1 December, 09:00
	secretary := e.as("gc-secretary")

	type rate struct {
		Num, Den int64
		Value    *float64
	}
	type figures struct {
		Range      struct{ From, To string }
		Registered int64
		Resolution rate
	}
	var r struct {
		Period            *string
		Partial           bool
		Range             struct{ From, To string }
		Current, Previous figures
		YearEarlier       figures `json:"year_earlier"`
	}
	get := func(query string) {
		t.Helper()
		r.Period = nil
		res := secretary.get("/api/v1/stats/summary?cell=gucheng&" + query)
		require.Equal(t, http.StatusOK, res.Code, res)
		res.decode(t, &r)
	}
	get("period=month") // times are in UTC: 16:00Z is midnight in Shanghai
	assert.True(t, r.Partial, "December is in progress")
	assert.Equal(t, "2022-11-30T16:00:00Z", r.Range.From)
	assert.Equal(t, "2022-12-31T16:00:00Z", r.Range.To)
	assert.EqualValues(t, 1, r.Current.Registered)
	assert.EqualValues(t, 1, r.Previous.Registered, "1 November up to 09:00, not the month's 2")
	assert.Equal(t, "2022-10-31T16:00:00Z", r.Previous.Range.From)
	assert.Equal(t, "2022-11-01T01:00:00.000000001Z", r.Previous.Range.To)
	assert.Equal(t, rate{}, r.Current.Resolution, "nothing concluded: no value, neither 0 nor 1")

	get("period=month&at=2022-11-15T00:00:00%2B08:00")
	assert.False(t, r.Partial, "November has ended")
	assert.EqualValues(t, 2, r.Current.Registered)
	assert.Equal(t, "2022-11-30T16:00:00Z", r.Current.Range.To)
	assert.Equal(t, "2022-09-30T16:00:00Z", r.Previous.Range.From)

	get("from=2022-11-01&to=2022-11-10")
	assert.Nil(t, r.Period, "a range of days has no period")
	assert.False(t, r.Partial)
	assert.EqualValues(t, 1, r.Current.Registered)
	assert.Equal(t, "2022-11-10T16:00:00Z", r.Current.Range.To, "to is inclusive")
	assert.Equal(t, "2022-10-21T16:00:00Z", r.Previous.Range.From, "as many days before")
	assert.Equal(t, "2021-10-31T16:00:00Z", r.YearEarlier.Range.From)

	for query, field := range map[string]string{
		"from=2022-11-01":                            "to",
		"to=2022-11-01":                              "from",
		"from=2022-11-01&to=11-30":                   "to",
		"from=2022-11-10&to=2022-11-01":              "to",
		"from=2022-11-01&to=2022-11-30&period=month": "from",
	} {
		res := secretary.get("/api/v1/stats/summary?cell=gucheng&" + query)
		assert.Equal(t, http.StatusBadRequest, res.Code, query)
		assert.Equal(t, field, res.errorField(), query)
	}
}
