package grid

import (
	"encoding/json"
	"fmt"

	"github.com/fourplusn/fourplusn/timeline"
)

// The actions of a township's administration log. Every event names the
// cell or the member it is about in its details ("cell", "member") and
// holds what that was before and after the change as JSON ("before",
// "after"; absent where there was nothing), so that the log alone tells
// who changed what, when, from what to what.
const (
	LogFounded           timeline.Action = "township_founded"   // the township was set up (details: cells, members)
	LogCellAdded         timeline.Action = "cell_added"         // after: the cell
	LogCellRenamed       timeline.Action = "cell_renamed"       // before, after: the cell
	LogCellMoved         timeline.Action = "cell_moved"         // before, after: the cell; its subtree moved with it
	LogCellRetired       timeline.Action = "cell_retired"       // before, after: the cell; takeover: the cell given its open work
	LogMemberAdded       timeline.Action = "member_added"       // after: the member
	LogMemberEdited      timeline.Action = "member_edited"      // before, after: the member
	LogMemberDeactivated timeline.Action = "member_deactivated" // before, after: the member; successor: who took over their work
	LogPostGranted       timeline.Action = "post_granted"       // before, after: the member; role, post: the post
	LogPostRevoked       timeline.Action = "post_revoked"       // before, after: the member; role, post: the post; successor
	LogRosterImported    timeline.Action = "roster_imported"    // a roster was applied; the changes follow as events of their own
)

// operatorID is the actor of the events of a township's founding: the
// deployment's operator, who sets a township up before it has any member.
const operatorID = "operator"

// logSubject is the subject of township's administration log: the
// township's ID.
func logSubject(township CellID) string { return string(township) }

// snapshot is the JSON of a cell or member as the log keeps it.
func snapshot(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("grid: log snapshot of %T: %v", v, err)) // cells and members always marshal
	}
	return string(b)
}

// VerifyLog checks township's administration log as a store returned it
// against where the log should end. It returns nil when the log is intact
// and an error matching timeline.ErrBroken at the first fault otherwise.
func VerifyLog(township CellID, events []timeline.Event, head timeline.Chain) error {
	return timeline.Verify(logSubject(township), events, head)
}
