package peer_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/internal/peer"
)

func TestKey(t *testing.T) {
	for _, tt := range []struct{ remote, want string }{
		{"192.0.2.7:52100", "192.0.2.7"},
		{"[::ffff:192.0.2.7]:52100", "192.0.2.7"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "2001:db8:1:2::/64"},
		{"192.0.2.7", "192.0.2.7"},
		{"pipe", "pipe"},
	} {
		assert.Equal(t, tt.want, peer.Key(tt.remote), tt.remote)
	}
}
