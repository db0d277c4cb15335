package pilot

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAllowedAny: each action of the panel alone opens it; correcting and
// attaching, which have sections of their own, do not, and nothing open
// shows no panel. A new action is in the panel unless named here.
func TestAllowedAny(t *testing.T) {
	own := map[string]bool{"Correct": true, "Parties": true, "Attach": true}
	assert.False(t, allowed{}.Any(), "nothing open")
	typ := reflect.TypeFor[allowed]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		t.Run(name, func(t *testing.T) {
			var a allowed
			reflect.ValueOf(&a).Elem().Field(i).SetBool(true)
			assert.Equal(t, !own[name], a.Any())
		})
	}
}
