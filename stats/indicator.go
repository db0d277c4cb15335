package stats

import (
	"context"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// Indicator is one recorded value of a series a township imports from
// elsewhere — the police's monthly count of rural property crime, "three
// vehicles" thefts or telecom fraud in a community, say — so that its trend
// can be shown beside the grid's own figures.
type Indicator struct {
	Name   string    // e.g. rural_property_crime
	Cell   grid.Path // the cell the count is for
	Period Period
	Start  time.Time // the start of the period, in work.Zone
	Value  int64
}

// Some indicator names the seed reports on.
const (
	RuralPropertyCrime = "rural_property_crime" // 农村侵财类案件
	ThreeVehicleTheft  = "three_vehicle_theft"  // 盗窃"三车"案件
	TelecomFraud       = "telecom_fraud"        // 电信网络诈骗
)

// CrimeIndicators are the police's indicators the seed reports on, in the
// order reports show them.
var CrimeIndicators = []string{RuralPropertyCrime, ThreeVehicleTheft, TelecomFraud}

var indicatorTitles = map[string]string{
	RuralPropertyCrime: "农村侵财类案件", ThreeVehicleTheft: "盗窃“三车”案件", TelecomFraud: "电信网络诈骗",
}

// IndicatorTitle returns indicator name's name in Chinese, or name itself
// for an indicator a township imports of its own.
func IndicatorTitle(name string) string {
	if t, ok := indicatorTitles[name]; ok {
		return t
	}
	return name
}

// Validate checks an indicator value, naming the field at fault: a name of
// 1 to 64 bytes, a cell, a period start that is the start of a period, and
// a value that is not negative.
func (in Indicator) Validate() error {
	switch {
	case in.Name == "" || len(in.Name) > 64:
		return fieldError("name", "a name of 1 to 64 bytes is required")
	case in.Cell.IsZero():
		return fieldError("cell", "required")
	case in.Period < Day || in.Period > Year:
		return fieldError("period", "unknown period %d", in.Period)
	case !in.Period.Of(in.Start).From.Equal(in.Start):
		return fieldError("start", "%s is not the start of a %s in %s", in.Start.In(work.Zone).Format(time.RFC3339), in.Period, work.Zone)
	case in.Value < 0:
		return fieldError("value", "must not be negative")
	}
	return nil
}

// Indicators stores indicator values.
type Indicators interface {
	// Put records v, replacing any value of the same name, cell, period and
	// start.
	Put(ctx context.Context, v Indicator) error
	// Sum adds up the values of name recorded for q's subtrees with
	// periods of kind p starting in q.Range.
	Sum(ctx context.Context, name string, p Period, q Query) (int64, error)
	// Recorded counts the values of name recorded for q's subtrees with
	// periods of kind p starting in q.Range, telling a sum of zeros from
	// a sum of nothing.
	Recorded(ctx context.Context, name string, p Period, q Query) (int64, error)
}

// IndicatorCounter counts indicator name over q's subtrees, for Series.
func IndicatorCounter(store Indicators, name string, p Period, q Query) Counter {
	return func(ctx context.Context, rs []Range) ([]int64, error) {
		out := make([]int64, len(rs))
		for i, r := range rs {
			q.Range = r
			var err error
			if out[i], err = store.Sum(ctx, name, p, q); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}
