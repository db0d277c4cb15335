package pilot

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// The dashboard's charts are drawn here as small SVG documents rather than
// with a chart library: the two charts needed (grouped monthly bars and
// horizontal bars per community) take a few dozen lines, they must label
// in Chinese, which the browser's own fonts do for inline SVG text while
// a library measuring text with its embedded Latin font would misplace
// it, and they add no dependency to the module every integrator imports.

// palette colours the series, in order.
var palette = []string{"#c0392b", "#2e86c1", "#d68910", "#27ae60"}

// barChart draws series of counts side by side for each label, with a
// legend naming the series.
func barChart(labels []string, series [][]int64, names []string) template.HTML {
	const width, height, top, bottom, left = 640, 260, 30, 30, 36
	var most int64
	for _, s := range series {
		for _, v := range s {
			most = maxOf(most, v)
		}
	}
	ticks := niceTicks(most)
	max := ticks[len(ticks)-1]
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, width, height, html.EscapeString(strings.Join(names, "、")))
	plotH := float64(height - top - bottom)
	for _, tick := range ticks {
		y := float64(top) + plotH*float64(max-tick)/float64(max)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/>`, left, y, width, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="axis" text-anchor="end">%d</text>`, left-4, y+4, tick)
	}
	group := float64(width-left) / float64(maxOf(int64(len(labels)), 1))
	bar := group * 0.8 / float64(maxOf(int64(len(series)), 1))
	for i, label := range labels {
		x0 := float64(left) + group*float64(i) + group*0.1
		for j, s := range series {
			h := plotH * float64(s[i]) / float64(max)
			x := x0 + bar*float64(j)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s：%d</title></rect>`,
				x, float64(top)+plotH-h, bar-2, h, palette[j%len(palette)], html.EscapeString(label), html.EscapeString(names[j]), s[i])
			if s[i] > 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="value" text-anchor="middle">%d</text>`, x+bar/2-1, float64(top)+plotH-h-3, s[i])
			}
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>`, x0+group*0.4, height-10, html.EscapeString(label))
	}
	for j, n := range names {
		x := left + j*110
		fmt.Fprintf(&b, `<rect x="%d" y="6" width="12" height="12" fill="%s"/><text x="%d" y="16" class="axis">%s</text>`, x, palette[j%len(palette)], x+16, html.EscapeString(n))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceTicks returns the ticks of a count axis from 0 to at least most, by
// Heckbert's nice numbers: about five ticks a step of 1, 2 or 5 × 10^k
// apart, so that the labels read 0, 2, 4, 6, 8 at even spacing rather
// than 0, 1, 3, 5, 7. Counts are whole, so the step is at least 1.
func niceTicks(most int64) []int64 {
	most = maxOf(most, 1)
	const ticks = 5
	step := int64(math.Max(1, niceNumber(niceNumber(float64(most), false)/(ticks-1), true)))
	top := (most + step - 1) / step * step
	out := make([]int64, 0, top/step+1)
	for v := int64(0); v <= top; v += step {
		out = append(out, v)
	}
	return out
}

// niceNumber returns a number of 1, 2, 5 or 10 × 10^k near x: the nearest
// when round, else the smallest at least x.
func niceNumber(x float64, round bool) float64 {
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	var nice float64
	switch {
	case round && f < 1.5, !round && f <= 1:
		nice = 1
	case round && f < 3, !round && f <= 2:
		nice = 2
	case round && f < 7, !round && f <= 5:
		nice = 5
	default:
		nice = 10
	}
	return nice * math.Pow(10, exp)
}

// hbarChart draws one horizontal bar per label, longest scale first as
// given.
func hbarChart(labels []string, counts []int64) template.HTML {
	const width, row, left = 640, 26, 110
	height := row*len(labels) + 10
	max := int64(1)
	for _, v := range counts {
		max = maxOf(max, v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="分社区" xmlns="http://www.w3.org/2000/svg">`, width, maxOf(int64(height), 30))
	if len(labels) == 0 {
		b.WriteString(`<text x="10" y="20" class="axis">暂无数据</text>`)
	}
	for i, label := range labels {
		y := 5 + i*row
		w := float64(width-left-40) * float64(counts[i]) / float64(max)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="axis" text-anchor="end">%s</text>`, left-6, y+16, html.EscapeString(label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, left, y+3, w, row-8, palette[1])
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="value">%d</text>`, float64(left)+w+4, y+16, counts[i])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func maxOf(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
