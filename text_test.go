package fourplusn_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn"
)

func TestText(t *testing.T) {
	tests := []struct {
		name     string
		s        string
		required bool
		ok       bool
	}{
		{"present", "两家争吵", true, true},
		{"missing", "", true, false},
		{"optional and missing", "", false, true},
		{"five Chinese characters fit a limit of five", "一二三四五", true, true},
		{"six do not", "一二三四五六", true, false},
		{"invalid UTF-8", "\xff", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check := fourplusn.OptionalText
			if tc.required {
				check = fourplusn.RequireText
			}
			err := check("facts", tc.s, 5)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, "facts", fourplusn.ErrorField(err))
		})
	}
	assert.Error(t, fourplusn.RequireText("x", strings.Repeat("a", 6), 5))
}
