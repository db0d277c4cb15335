package pilot

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

func TestSince(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		ago  time.Duration
		want string
	}{
		{30 * time.Second, "刚刚"},
		{5 * time.Minute, "5分钟"},
		{3*time.Hour + 7*time.Minute, "3小时7分"},
		{47*time.Hour + 59*time.Minute, "47小时59分"},
		{50 * time.Hour, "2天2小时"},
	} {
		assert.Equal(t, tc.want, since(now, now.Add(-tc.ago)), "%v", tc.ago)
	}
}

func TestAmountsAndRates(t *testing.T) {
	for _, tc := range []struct {
		fen  int64
		want string
	}{{3_000_000, "30000元"}, {150050, "1500.50元"}, {5, "0.05元"}} {
		assert.Equal(t, tc.want, yuan(tc.fen))
	}
	assert.Equal(t, "—", percent(stats.Rate{}), "no denominator")
	assert.Equal(t, "50.0%", percent(stats.Rate{Num: 1, Den: 2}))
	for _, tc := range []struct {
		cur, base float64
		want      string
	}{{13, 20, "−35%"}, {12, 8, "+50%"}, {5, 5, "持平"}, {3, 0, "—"}} {
		assert.Equal(t, tc.want, change(stats.Compare(tc.cur, tc.base)), "%v against %v", tc.cur, tc.base)
	}
	assert.Equal(t, "—", when(time.Time{}))
	assert.Equal(t, "2026-11-29 04:00", when(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)), "shown in Asia/Shanghai")
}

func TestCharts(t *testing.T) {
	svg := string(barChart([]string{"10月", "11月"}, [][]int64{{6, 8}, {5, 3}}, []string{"排查纠纷", "化<解>"}))
	// Two groups of two bars, and two legend squares.
	assert.Equal(t, 6, strings.Count(svg, "<rect"))
	assert.Contains(t, svg, "化&lt;解&gt;", "labels are escaped")
	assert.NotContains(t, svg, "化<解>")
	// The tallest bar fills the plot; a zero draws nothing above the axis.
	assert.Contains(t, svg, `height="200.0"`)

	h := string(hbarChart([]string{"马园村委", "吴桂桥村委"}, []int64{3, 0}))
	assert.Equal(t, 2, strings.Count(h, "<rect"))
	assert.Contains(t, h, `width="0.0"`)
	assert.Contains(t, string(hbarChart(nil, nil)), "暂无数据")
}

// TestHazardLabels checks that every action of a hazard's timeline and
// every part of a hazard a photo belongs to is named in Chinese.
func TestHazardLabels(t *testing.T) {
	for _, a := range []timeline.Action{hazard.ActionReported, hazard.ActionRectified, hazard.ActionVerified,
		hazard.ActionVerificationFailed, hazard.ActionConverted, hazard.ActionAttached, work.ActionHandedOver,
		work.ActionReassigned, work.ActionRelocated} {
		assert.NotEqual(t, string(a), name(eventNames, a), "%s has no label", a)
	}
	for _, tc := range []struct{ of, want string }{
		{"", "发现时"}, {"rectification:1", "第1次整改"}, {"verification:2", "第2次验收"},
	} {
		assert.Equal(t, tc.want, hazardOfLabel(tc.of), tc.of)
	}
	for _, tc := range []struct {
		e    timeline.Event
		want string
	}{
		{timeline.Event{Action: hazard.ActionRectified, Details: map[string]string{"on_the_spot": "true"}}, "当场整改"},
		{timeline.Event{Action: hazard.ActionRectified}, ""},
		{timeline.Event{Action: hazard.ActionVerificationFailed, Details: map[string]string{"notes": "电线仍裸露"}}, "电线仍裸露"},
		{timeline.Event{Action: hazard.ActionAttached, Details: map[string]string{"kind": "photo", "of": "rectification:1"}}, "照片，第1次整改"},
	} {
		assert.Equal(t, tc.want, hazardNote(tc.e), "%s", tc.e.Action)
	}
}
