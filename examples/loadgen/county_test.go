package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMix(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]int
		bad  bool
	}{
		{in: "intake=1,list=4", want: map[string]int{"intake": 1, "list": 4}},
		{in: " search=2 , report=0", want: map[string]int{"search": 2, "report": 0}},
		{in: "dashboard=1,tracking=3", want: map[string]int{"dashboard": 1, "tracking": 3}},
		{in: "browse=1", bad: true},  // no such kind
		{in: "list", bad: true},      // no weight
		{in: "list=-1", bad: true},   // a negative weight
		{in: "list=many", bad: true}, // not a number
		{in: "list=1,,", bad: true},  // an empty part
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseMix(tc.in)
			if tc.bad {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
