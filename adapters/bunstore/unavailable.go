package bunstore

import (
	"errors"

	"github.com/uptrace/bun/driver/pgdriver"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/fourplusn/fourplusn"
)

// errNoRoom is the message of a write refused for want of room. It says
// nothing of the disk or the server, which are the operator's to see in
// the log.
const errNoRoom = "the database has no room to store this now: try again later"

// unavailable returns err as a fourplusn.Unavailable error when the
// database refused it for want of room — SQLite's SQLITE_FULL (the disk, or
// max_page_count), PostgreSQL's disk_full, out_of_memory or
// too_many_connections — and err unchanged otherwise. Such a write is
// rolled back whole, and the same request succeeds once the operator has
// made room, so the caller is told to try again later rather than that
// the program failed.
func unavailable(err error) error {
	if err == nil || !noRoom(err) {
		return err
	}
	var coded *fourplusn.Error
	if errors.As(err, &coded) {
		return err
	}
	return &fourplusn.Error{Code: fourplusn.Unavailable, Message: errNoRoom, Err: err}
}

// noRoom reports whether err is a refusal for want of room on either
// engine.
func noRoom(err error) bool {
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code()&0xff == sqlite3.SQLITE_FULL
	}
	var pg pgdriver.Error
	if errors.As(err, &pg) {
		switch pg.Field('C') {
		case "53100", "53200", "53300": // disk_full, out_of_memory, too_many_connections
			return true
		}
	}
	return false
}
