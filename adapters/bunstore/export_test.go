package bunstore

import (
	"context"

	"github.com/fourplusn/fourplusn/stats"
)

// CountWays answers m under q from the tally and from the records, for
// tests that compare the two.
func (s Stats) CountWays(ctx context.Context, m stats.Measure, q stats.Query) (fromTally, fromRecords []stats.Count, err error) {
	if fromTally, err = s.countFromTally(ctx, m, q); err != nil {
		return nil, nil, err
	}
	fromRecords, err = s.countSQL(ctx, m, q)
	return fromTally, fromRecords, err
}

// UsesTally is usesTally, for tests.
var UsesTally = usesTally
