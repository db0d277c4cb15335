package pilot

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestNiceTicks: a count axis steps by 1, 2 or 5 × 10^k from 0 to at
// least the largest value.
func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		most int64
		want []int64
	}{
		{0, []int64{0, 1}},
		{1, []int64{0, 1}},
		{2, []int64{0, 1, 2}},
		{3, []int64{0, 1, 2, 3}},
		{7, []int64{0, 2, 4, 6, 8}},
		{10, []int64{0, 2, 4, 6, 8, 10}},
		{20, []int64{0, 5, 10, 15, 20}},
		{42, []int64{0, 10, 20, 30, 40, 50}},
		{102, []int64{0, 50, 100, 150}},
		{1234, []int64{0, 500, 1000, 1500}},
		{1000000, []int64{0, 200000, 400000, 600000, 800000, 1000000}},
	} {
		assert.Equal(t, tc.want, niceTicks(tc.most), "largest %d", tc.most)
	}
}
