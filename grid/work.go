package grid

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
)

// Work is a township's open work that lives in the grid's cells and is
// answered for by its members: its dispute cases or its safety hazards.
// The [Service] asks it before a cell is retired or a member loses a post,
// so that no open case or hazard is left in a retired cell or with nobody
// answering for it, and hands work over through it. The case and hazard
// services implement it.
type Work interface {
	// OpenWork returns the open items of township that q selects.
	OpenWork(ctx context.Context, township CellID, q WorkQuery) ([]WorkItem, error)
	// HandOver moves item as h says, recording it on the item's timeline
	// as done by actor, who must hold ManageGrid where the item is handled.
	HandOver(ctx context.Context, actor Actor, h Handover) error
}

// WorkQuery selects open work: the items handled in the subtree of
// Within, when it is set; or those that Member answers for, when it is
// set, found among the items that member first received and those handled
// in the subtrees of Scope, the cells of their posts.
type WorkQuery struct {
	Within Path
	Member MemberID
	Scope  []Path
}

// WorkItem is an open case or hazard as the grid's administration sees it.
type WorkItem struct {
	Kind        string    // "case" or "hazard"
	ID          string    // the case's or hazard's ID
	Category    string    // its category's stable name
	Since       time.Time // when it was registered or reported
	Handling    Path      // the cell whose posts handle it
	Accountable MemberID  // the member who answers for it now, or ""
	Via         Path      // the cell of the post through which Accountable answers for it
}

// Handover is what becomes of an open item when the grid changes under it,
// with the reason recorded on its timeline. Exactly one of three is set:
// To, a successor who answers for it now, when its member gives up the
// post; Cell, the cell that handles it now, when its cell is retired; or
// From and Onto, when the subtree From moved and now lies at Onto, so
// every path of the item under From moves with it (Rebase).
type Handover struct {
	Item       WorkItem
	To         MemberID
	Cell       Path
	From, Onto Path
	Reason     string
}

// BlockedError refuses a change of the grid that would leave open work
// behind: a cell to retire that still handles open items, or a post to
// revoke whose holder answers for some, when no successor was named. It
// lists the items, so that the admin can see them or name who takes them
// over. It carries the Conflict code.
type BlockedError struct {
	What  string     // the change refused, e.g. `retiring cell "mayuan-3"`
	Items []WorkItem // the open work in the way
}

// Error names the change and the items in its way.
func (e *BlockedError) Error() string {
	ids := make([]string, len(e.Items))
	for i, it := range e.Items {
		ids[i] = it.Kind + " " + it.ID
	}
	return fmt.Sprintf("%s would leave %d open items behind (%s): name who or which cell takes them over", e.What, len(e.Items), strings.Join(ids, ", "))
}

// Unwrap returns the error as a coded one, so that fourplusn.ErrorCode
// reads Conflict and fourplusn.ErrorMessage the message.
func (e *BlockedError) Unwrap() error {
	return &fourplusn.Error{Code: fourplusn.Conflict, Message: e.Error()}
}
