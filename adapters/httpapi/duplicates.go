package httpapi

import (
	"context"
	"net/http"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// routeDuplicates serves the duplicates across channels: the candidates
// of a case, and the two decisions on one — the same dispute, or not.
func (s *server) routeDuplicates(g *bunrouter.Group) {
	k, svc := s.cases, s.cfg.Cases
	s.handle(g, http.MethodGet, "/cases/:id/duplicates", s.caseDuplicates)
	action(k, g, "duplicate-of", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *duplicateOfJSON) (*mediation.Case, error) {
		return svc.LinkDuplicate(ctx, a, id, v, mediation.ID(b.Into))
	})
	action(k, g, "kept-apart", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *keptApartJSON) (*mediation.Case, error) {
		return svc.KeepApart(ctx, a, id, v, mediation.ID(b.Other), b.Reason)
	})
}

// caseDuplicates is GET /cases/{id}/duplicates: the cases likely the same
// dispute, best first, each as the actor may see it and with why.
func (s *server) caseDuplicates(w http.ResponseWriter, req bunrouter.Request) error {
	actor, id, err := s.cases.named(req)
	if err != nil {
		return err
	}
	found, err := s.cfg.Cases.Duplicates(req.Context(), actor, id)
	if err != nil {
		return err
	}
	now := s.now()
	out := duplicatesJSON{Candidates: make([]candidateJSON, len(found))}
	for i, c := range found {
		out.Candidates[i] = candidateJSON{
			Case:    caseOut(s.api, c.Case, view{masked: c.Case.Masked, overdue: c.Case.Overdue(now)}),
			Score:   c.Score,
			Reasons: reasonsOut(c.Reasons),
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// duplicatesJSON answers GET /cases/{id}/duplicates.
type duplicatesJSON struct {
	Candidates []candidateJSON `json:"candidates" desc:"at most ten, best first: most reasons, then most alike facts"`
}

// candidateJSON is a case likely the same dispute as another.
type candidateJSON struct {
	Case    caseJSON      `json:"case" desc:"the candidate, masked as GET /api/v1/cases/{id} masks it for the caller"`
	Score   float64       `json:"score" desc:"how alike the facts are: the share of their two-character grams, 0 to 1"`
	Reasons []gradingJSON `json:"reasons" desc:"why it was found, each with its code (dup:phone, dup:idcard, dup:cell, dup:near_cell, dup:name, dup:facts, dup:category) and its text in Chinese"`
}

// duplicateOfJSON links a case, as a duplicate, to the case that stays.
type duplicateOfJSON struct {
	Into string `json:"into" desc:"the ID of the case that stays the case: the same dispute, received earlier or through another channel"`
}

// keptApartJSON decides that two likely duplicates are different disputes.
type keptApartJSON struct {
	Other  string `json:"other" desc:"the ID of the case that is not the same dispute"`
	Reason string `json:"reason" desc:"why they are different disputes"`
}

// receiptJSON is an arrival of a case's dispute through another channel.
type receiptJSON struct {
	Case           string    `json:"case"`
	Number         string    `json:"number"`
	Channel        string    `json:"channel" oa:"enum=channel"`
	FirstResponder string    `json:"first_responder,omitempty"`
	RegisteredAt   timestamp `json:"registered_at"`
	LinkedBy       string    `json:"linked_by"`
	LinkedAt       timestamp `json:"linked_at"`
}

// apartJSON is a likely duplicate decided to be another dispute.
type apartJSON struct {
	Case   string    `json:"case"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     timestamp `json:"at"`
}

// duplicatesOut fills in what out says of c's duplicates.
func duplicatesOut(out *caseJSON, c *mediation.Case) {
	out.DuplicateOf = string(c.DuplicateOf)
	out.AlsoReceived = make([]receiptJSON, len(c.AlsoReceived))
	for i, r := range c.AlsoReceived {
		out.AlsoReceived[i] = receiptJSON{Case: string(r.Case), Number: r.Number.String(), Channel: r.Channel.String(),
			FirstResponder: r.FirstResponder, RegisteredAt: ts(r.RegisteredAt), LinkedBy: r.LinkedBy, LinkedAt: ts(r.LinkedAt)}
	}
	out.KeptApart = make([]apartJSON, len(c.KeptApart))
	for i, a := range c.KeptApart {
		out.KeptApart[i] = apartJSON{Case: string(a.Case), Reason: a.Reason, By: a.By, At: ts(a.At)}
	}
}
