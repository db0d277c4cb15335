package xlsx

import (
	"fmt"

	"github.com/fourplusn/fourplusn/stats"
)

// outcomeNames name the outcomes the register writes, by the measures
// that count them.
var outcomeNames = map[stats.Measure]string{
	stats.Agreed: "调解成功", stats.Failed: "调解不成功", stats.Withdrawn: "撤回",
	stats.Rejected: "不予受理", stats.TransferredOut: "移交外部",
}

// name returns the label of v in names, or v itself as text when there is
// none, so that a value added later shows up rather than vanishing.
func name[K comparable](names map[K]string, v K) string {
	if n, ok := names[v]; ok {
		return n
	}
	return fmt.Sprint(v)
}
