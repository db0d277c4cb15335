package timeline_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/timeline"
)

const sampleHex = "df83e0047700f096bc084158a311bc8e0bfb1ff3219f850aeec7db43b2a63b0e"

func TestHashText(t *testing.T) {
	h, err := timeline.ParseHash(sampleHex)
	require.NoError(t, err)
	assert.Equal(t, sampleHex, h.String())
	assert.False(t, h.IsZero())

	text, err := h.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, sampleHex, string(text))
	var back timeline.Hash
	require.NoError(t, back.UnmarshalText(text))
	assert.Equal(t, h, back)

	upper, err := timeline.ParseHash(strings.ToUpper(sampleHex))
	require.NoError(t, err)
	assert.Equal(t, h, upper)

	var zero timeline.Hash
	assert.True(t, zero.IsZero())
	assert.Equal(t, strings.Repeat("0", 64), zero.String())

	data, err := json.Marshal(map[string]timeline.Hash{"head": h})
	require.NoError(t, err)
	assert.JSONEq(t, `{"head":"`+sampleHex+`"}`, string(data))
}

func TestParseHashRejects(t *testing.T) {
	for name, s := range map[string]string{
		"empty":      "",
		"short":      sampleHex[:63],
		"long":       sampleHex + "0",
		"not hex":    "g" + sampleHex[1:],
		"space":      " " + sampleHex[1:],
		"prefixed":   "0x" + sampleHex[2:],
		"multi-byte": "张" + sampleHex[3:],
	} {
		t.Run(name, func(t *testing.T) {
			_, err := timeline.ParseHash(s)
			require.Error(t, err)
			assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			assert.Contains(t, err.Error(), "64 hexadecimal digits")

			h := timeline.Hash{7}
			require.Error(t, h.UnmarshalText([]byte(s)))
			assert.Equal(t, timeline.Hash{7}, h, "unchanged on error")
		})
	}
}

func FuzzHashText(f *testing.F) {
	for _, s := range []string{"", sampleHex, strings.ToUpper(sampleHex), strings.Repeat("0", 64), sampleHex[:63], "g" + sampleHex[1:], "张" + sampleHex[3:]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := timeline.ParseHash(s)
		var u timeline.Hash
		uerr := u.UnmarshalText([]byte(s))
		if err != nil {
			require.Error(t, uerr)
			require.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			require.True(t, u.IsZero())
			return
		}
		require.NoError(t, uerr)
		require.Equal(t, h, u)
		require.Equal(t, strings.ToLower(s), h.String())
		text, err := h.MarshalText()
		require.NoError(t, err)
		again, err := timeline.ParseHash(string(text))
		require.NoError(t, err)
		require.Equal(t, h, again)
	})
}
