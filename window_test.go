package fourplusn_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn"
)

func TestWindow(t *testing.T) {
	from := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	w := fourplusn.Window{From: from, To: to}
	for _, tc := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"the first moment", from, true},
		{"the last moment", to, true},
		{"inside", from.AddDate(0, 6, 0), true},
		{"a second before", from.Add(-time.Second), false},
		{"a second after", to.Add(time.Second), false},
		{"the end of time", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{"the zero time", time.Time{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := w.Check("session.at", tc.at)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, "session.at: must lie between 2022-01-01 and 2023-01-01", err.Error())
		})
	}
}
