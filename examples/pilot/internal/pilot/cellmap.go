package pilot

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
)

// The map is drawn from the cells' boundaries as inline SVG, as the
// charts are: no map tiles, since nothing outside may be fetched, and
// Chinese labels the browser's own fonts set.

// mapCell is one cell drawn on a map: its boundary, its name and the open
// work that colours it.
type mapCell struct {
	Shape geo.Shape
	Name  string
	Open  int
}

// cellMap draws cells coloured by their open work, the most open the
// darkest, each labelled with its name and count; what is counted is
// named by what (open cases and hazards, or hazards alone). It returns
// "" when no cell has a boundary.
func cellMap(cells []mapCell, what string) template.HTML {
	if len(cells) == 0 {
		return ""
	}
	var bound orb.Bound
	most := 1
	for i, c := range cells {
		if i == 0 {
			bound = c.Shape.Bound()
		} else {
			bound = bound.Union(c.Shape.Bound())
		}
		most = max(most, c.Open)
	}
	// Longitude shrinks by the cosine of the latitude: without that the
	// township would be drawn stretched east–west.
	const width = 640.0
	kx := math.Cos(bound.Center().Lat() * math.Pi / 180)
	w, h := (bound.Max.Lon()-bound.Min.Lon())*kx, bound.Max.Lat()-bound.Min.Lat()
	if w <= 0 || h <= 0 {
		return ""
	}
	scale := width / w
	height := h * scale
	xy := func(p orb.Point) (float64, float64) {
		return (p.Lon() - bound.Min.Lon()) * kx * scale, (bound.Max.Lat() - p.Lat()) * scale
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart cell-map" viewBox="-2 -2 %.0f %.0f" role="img" aria-label="网格地图：各网格%s" xmlns="http://www.w3.org/2000/svg">`, width+4, height+4, html.EscapeString(what))
	for _, c := range cells {
		var d strings.Builder
		for _, poly := range c.Shape {
			for _, ring := range poly {
				for i, p := range ring {
					x, y := xy(p)
					if i == 0 {
						fmt.Fprintf(&d, "M%.1f %.1f", x, y)
					} else {
						fmt.Fprintf(&d, "L%.1f %.1f", x, y)
					}
				}
				d.WriteString("Z")
			}
		}
		name := html.EscapeString(c.Name)
		fmt.Fprintf(&b, `<path d="%s" fill="%s" fill-rule="evenodd" stroke="#555" stroke-width="1"><title>%s：%s %d</title></path>`,
			d.String(), shade(c.Open, most), name, html.EscapeString(what), c.Open)
	}
	// Labels after every shape, so that no neighbour covers one.
	for _, c := range cells {
		x, y := xy(largest(c.Shape).Bound().Center())
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="map-label" text-anchor="middle">%s</text><text x="%.1f" y="%.1f" class="map-count" text-anchor="middle">%d</text>`,
			x, y-4, html.EscapeString(c.Name), x, y+18, c.Open)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// shade is the fill of a cell with n of most open items: from a pale
// green for none to a deep red for the most.
func shade(n, most int) string {
	if n == 0 {
		return "#e8f3ea"
	}
	t := float64(n) / float64(most)
	r := 250 - 58*t
	g := 215 - 158*t
	bl := 160 - 117*t
	return fmt.Sprintf("#%02x%02x%02x", int(r), int(g), int(bl))
}

// largest is the polygon of s with the widest bounding box: where its
// label goes.
func largest(s geo.Shape) orb.Polygon {
	best, area := s[0], -1.0
	for _, p := range s {
		b := p.Bound()
		if a := (b.Max.Lon() - b.Min.Lon()) * (b.Max.Lat() - b.Min.Lat()); a > area {
			best, area = p, a
		}
	}
	return best
}

// mapOf draws the cells at level within the subtree of cell that have a
// boundary, coloured by the open work of works counted in each (see
// geo.OpenWork); what names it.
func (s *Server) mapOf(ctx context.Context, cell grid.Cell, level grid.Level, what string, works ...grid.Work) (template.HTML, error) {
	township := cell.Path.Township()
	bounds, err := s.app.Geo.Boundaries(ctx, township)
	if err != nil || len(bounds) == 0 {
		return "", err
	}
	open := map[grid.CellID]int{}
	for _, w := range works {
		counts, err := geo.OpenWork(ctx, township, w)
		if err != nil {
			return "", err
		}
		for id, n := range counts {
			open[id] += n
		}
	}
	tree := s.app.Grid.Directory().Tree()
	var cells []mapCell
	for _, b := range bounds {
		c, err := tree.Cell(b.Cell)
		if err != nil || c.Retired || c.Level() != level || !cell.Path.Contains(c.Path) {
			continue
		}
		cells = append(cells, mapCell{Shape: b.Shape, Name: c.Name, Open: open[c.ID]})
	}
	return cellMap(cells, what), nil
}
