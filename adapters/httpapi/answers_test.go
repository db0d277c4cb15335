package httpapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
)

// TestAnswersFollowViewerAndTime reads one case and one hazard, unchanged,
// by turns as a member who may see personal data and one who may not,
// before and after their deadlines pass, and after the case changes: each
// answer is the one for its viewer, its time and the record's version,
// however the reads before it went.
func TestAnswersFollowViewerAndTime(t *testing.T) {
	for _, st := range []stores{memStores(), sqliteStores(t)} {
		t.Run(st.name, func(t *testing.T) {
			e := newEnvOn(t, st)
			c := e.seedCase(t, "mediating")
			h := e.seedHazard(t, "open")
			phone, contact := c.Applicants[0].Phone, h.Contact
			masked := func(s string) string { return s[:3] + "****" + s[7:] }

			type answer struct {
				Version    int64
				Masked     bool
				Overdue    bool
				Contact    string
				Applicants []struct{ Phone string }
				Sessions   []struct{ Notes string }
			}
			read := func(member, url string) answer {
				t.Helper()
				res := e.as(member).get(url)
				require.Equal(t, http.StatusOK, res.Code, "%s %s: %s", member, url, res)
				var a answer
				res.decode(t, &a)
				assert.Equal(t, fmt.Sprintf("%q", fmt.Sprint(a.Version)), res.Header.Get("ETag"), "%s %s", member, url)
				return a
			}
			check := func(overdue bool, version int64, sessions int) {
				t.Helper()
				for range 2 {
					for _, v := range []struct {
						member string
						masked bool
					}{{"mayuan-head", false}, {"mayuan-security", true}, {"mayuan-head", false}} {
						got := read(v.member, "/api/v1/cases/"+string(c.ID))
						want := phone
						if v.masked {
							want = masked(phone)
						}
						assert.Equal(t, v.masked, got.Masked, v.member)
						assert.Equal(t, want, got.Applicants[0].Phone, v.member)
						assert.Equal(t, overdue, got.Overdue, v.member)
						assert.Equal(t, version, got.Version, v.member)
						assert.Len(t, got.Sessions, sessions, v.member)

						got = read(v.member, "/api/v1/hazards/"+string(h.ID))
						want = contact
						if v.masked {
							want = masked(contact)
						}
						assert.Equal(t, v.masked, got.Masked, v.member)
						assert.Equal(t, want, got.Contact, v.member)
						assert.Equal(t, overdue, got.Overdue, v.member)
					}
				}
			}
			check(false, c.Version, 1)
			e.clock.Advance(365 * day)
			check(true, c.Version, 1)

			c, err := e.cases.RecordSession(ctx, e.member("gc-justice"), c.ID, 0, mediation.Session{
				At: e.clock.Now(), Place: mediation.PlaceVillageCommittee, Attendees: []string{"高敬"}, Notes: "再次听取双方意见。", Outcome: mediation.Progress,
			})
			require.NoError(t, err)
			check(true, c.Version, 2)
		})
	}
}

// TestAnswersUnderConcurrentChanges reads one case from many goroutines as
// two viewers while the case changes: every answer is whole and belongs to
// its viewer, its ETag names the version in its body, and no reader sees a
// version go backwards.
func TestAnswersUnderConcurrentChanges(t *testing.T) {
	e := newEnvOn(t, sqliteStores(t))
	c := e.seedCase(t, "mediating")
	phone := c.Applicants[0].Phone
	url := "/api/v1/cases/" + string(c.ID)
	const changes = 20
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range changes {
			_, err := e.cases.RecordSession(ctx, e.member("gc-justice"), c.ID, 0, mediation.Session{
				At: e.clock.Now(), Place: mediation.PlaceVillageCommittee, Attendees: []string{"高敬"}, Notes: fmt.Sprint("第", i, "次"), Outcome: mediation.Progress,
			})
			assert.NoError(t, err)
		}
	})
	for _, member := range []string{"mayuan-head", "mayuan-security", "mayuan-head", "mayuan-security"} {
		wg.Go(func() {
			last := int64(0)
			for range 50 {
				res := e.as(member).get(url)
				if !assert.Equal(t, http.StatusOK, res.Code, res.String()) {
					return
				}
				var got struct {
					Version    int64
					Masked     bool
					Applicants []struct{ Phone string }
					Sessions   []struct{ Notes string }
				}
				res.decode(t, &got)
				assert.Equal(t, member == "mayuan-security", got.Masked, member)
				assert.Equal(t, got.Masked, got.Applicants[0].Phone != phone, member)
				assert.Equal(t, fmt.Sprintf(`"%d"`, got.Version), res.Header.Get("ETag"))
				assert.Equal(t, got.Version-c.Version+1, int64(len(got.Sessions)), "the body is the version it names")
				assert.GreaterOrEqual(t, got.Version, last, "a reader never sees a case go back")
				last = got.Version
			}
		})
	}
	wg.Wait()
	final := e.as("mayuan-head").get(url)
	assert.Equal(t, fmt.Sprintf(`"%d"`, c.Version+changes), final.Header.Get("ETag"))
}
