package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/grid"
)

// sameOptions compare the suite's records field by field, as strictly as
// reflect.DeepEqual, through the two kinds of value they hold whose fields
// are unexported.
var sameOptions = cmp.Options{
	// A path is its cells and its level; it is comparable.
	cmp.Comparer(func(a, b grid.Path) bool { return a == b }),
	// A time is the same if it is the same instant, to the nanosecond, in
	// the same zone: time.Time.Equal alone would take a store that hands
	// back another zone than it was given for one that keeps it.
	cmp.Comparer(func(a, b time.Time) bool {
		aName, aOffset := a.Zone()
		bName, bOffset := b.Zone()
		return a.Equal(b) && aName == bName && aOffset == bOffset
	}),
}

// same checks that got is want, field by field, and if it is not, fails
// the test with the fields that differ and nothing else, so that a case
// of forty fields that lost one reads as that one field.
func same(t *testing.T, want, got any, msgAndArgs ...any) bool {
	t.Helper()
	diff := cmp.Diff(want, got, sameOptions)
	if diff == "" {
		return true
	}
	return assert.Fail(t, "not the same (-want +got):\n"+diff, msgAndArgs...)
}
