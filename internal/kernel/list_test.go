package kernel

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/grid"
)

func TestScopeHolds(t *testing.T) {
	root := grid.RootPath("t")
	east, west := root.Child("east"), root.Child("west")
	subject := Subject{ID: "C1", Township: "t", Handling: east.Child("v1"), Location: west.Child("v2"), Owner: "r-1", Taker: "m-1"}
	tests := map[string]struct {
		scope Scope
		want  bool
	}{
		"the whole township":            {Scope{Township: "t", Within: []grid.Path{root}}, true},
		"by its handling cell":          {Scope{Township: "t", Within: []grid.Path{east}}, true},
		"by its location":               {Scope{Township: "t", Within: []grid.Path{west}}, true},
		"neither lies within":           {Scope{Township: "t", Within: []grid.Path{root.Child("north")}}, false},
		"no subtree at all":             {Scope{Township: "t"}, false},
		"the member who took it in":     {Scope{Township: "t", Taker: "m-1"}, true},
		"another member":                {Scope{Township: "t", Taker: "m-2"}, false},
		"another township":              {Scope{Township: "u", Within: []grid.Path{root}, Taker: "m-1"}, false},
		"its owner, within":             {Scope{Township: "t", Within: []grid.Path{root}, Owner: "r-1"}, true},
		"another owner, within":         {Scope{Township: "t", Within: []grid.Path{root}, Owner: "r-2"}, false},
		"another owner, taken in by m1": {Scope{Township: "t", Taker: "m-1", Owner: "r-2"}, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.scope.Holds(subject))
		})
	}
}
