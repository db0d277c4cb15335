package pilot

import (
	"context"
	"fmt"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// Broken is one record whose timeline failed its check.
type Broken struct {
	Kind string // "case", "hazard", or "grid" for a township's administration log
	ID   string
	Err  error
}

// VerifyAll checks the hash chain of every township's administration log
// and of every case's and hazard's timeline there, as the township's
// system actor, and returns how many it checked and those that failed.
func (a *App) VerifyAll(ctx context.Context) (checked int, broken []Broken, err error) {
	for _, root := range a.Grid.Directory().Townships() {
		checked++
		if err := a.Grid.VerifyLog(ctx, root.ID); err != nil {
			broken = append(broken, Broken{"grid", string(root.ID), err})
		}
		sys := grid.SystemActor(root.ID)
		var before mediation.ID
		for {
			page, err := a.Cases.List(ctx, sys, mediation.Filter{Before: before, Limit: work.MaxPage})
			if err != nil {
				return checked, broken, fmt.Errorf("list cases of %s: %w", root.ID, err)
			}
			for _, c := range page.Cases {
				checked++
				if err := a.Cases.CheckTimeline(ctx, sys, c.ID); err != nil {
					broken = append(broken, Broken{"case", string(c.ID), err})
				}
			}
			if page.Next == "" {
				break
			}
			before = page.Next
		}
		var hbefore hazard.ID
		for {
			page, err := a.Hazards.List(ctx, sys, hazard.Filter{Before: hbefore, Limit: work.MaxPage})
			if err != nil {
				return checked, broken, fmt.Errorf("list hazards of %s: %w", root.ID, err)
			}
			for _, h := range page.Hazards {
				checked++
				if err := a.Hazards.CheckTimeline(ctx, sys, h.ID); err != nil {
					broken = append(broken, Broken{"hazard", string(h.ID), err})
				}
			}
			if page.Next == "" {
				break
			}
			hbefore = page.Next
		}
	}
	return checked, broken, nil
}
