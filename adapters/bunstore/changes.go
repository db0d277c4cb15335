package bunstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// Topics of the changes a database announces.
const (
	TopicCase   = "case"   // a case was registered, changed or imported
	TopicHazard = "hazard" // a hazard was reported, changed or imported
	TopicGrid   = "grid"   // a township's grid or roster changed
	// TopicAccounts: a member's sessions, tokens, password or account
	// changed so that what authenticated them may not any more; its ID is
	// the member, empty when many changed. It is announced by the accounts
	// through [DB.Topic], in their own transactions.
	TopicAccounts = "accounts"
	// TopicAll says that changes may have been missed — the connection
	// that hears them broke and was made again — so that a listener
	// treats everything as changed.
	TopicAll = "all"
)

// Change is one change committed to the database, as heard by [DB.Subscribe]:
// what kind of thing changed and which one (a case's or hazard's ID, a
// township's ID for the grid; empty when a batch changed many). It carries
// no data: whoever hears it reads what it may see through the usual reads.
type Change struct {
	Topic string
	ID    string
}

// changesChannel returns the PostgreSQL channel the changes of a
// database whose schema is schema are announced on. A channel belongs to
// the whole database, not to a schema: deployments kept in schemas of one
// database each have their own, so that they do not hear each other.
func changesChannel(schema string) string {
	if schema == "" || schema == "public" {
		return "fourplusn_changes"
	}
	return "fourplusn_changes_" + schema
}

// feed hands the changes heard to the database's subscribers, and on
// PostgreSQL runs the one listening connection that hears them.
type feed struct {
	mu     sync.Mutex
	subs   map[int]func(Change)
	next   int
	cancel context.CancelFunc // stops the listener; nil while none runs
	done   chan struct{}      // closed when the listener has stopped
	// channel is the PostgreSQL channel of the changes, set by Open.
	channel string
	// ln is the listener's connection, closed by stop to end a wait for
	// a notification at once.
	ln *pgdriver.Listener
}

// Subscribe calls heard with every change committed to the database from
// now on, by this process or, on PostgreSQL, by any process sharing the
// database (LISTEN/NOTIFY), until the returned cancel is called. heard is
// called from one goroutine, one change at a time, and must not block: a
// listener that has slow work to do hands it to a goroutine of its own.
// A change is heard after its transaction committed, so a read made on
// hearing it sees the change.
func (db *DB) Subscribe(heard func(Change)) (cancel func()) {
	f := &db.changes
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs = map[int]func(Change){}
	}
	id := f.next
	f.next++
	f.subs[id] = heard
	if db.postgres && f.cancel == nil {
		ctx, stop := context.WithCancel(context.Background())
		f.cancel, f.done = stop, make(chan struct{})
		go db.listen(ctx, f.done)
	}
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, id)
	}
}

// publish hands c to every subscriber.
func (f *feed) publish(c Change) {
	f.mu.Lock()
	subs := make([]func(Change), 0, len(f.subs))
	for _, s := range f.subs {
		subs = append(subs, s)
	}
	f.mu.Unlock()
	for _, s := range subs {
		s(c)
	}
}

// stop ends the listener, if one runs, and waits for it.
func (f *feed) stop() {
	f.mu.Lock()
	cancel, done, ln := f.cancel, f.done, f.ln
	f.cancel = nil
	f.mu.Unlock()
	if cancel != nil {
		cancel()
		if ln != nil {
			ln.Close()
		}
		<-done
	}
}

// announce makes c heard by every subscriber once tx commits, and not at
// all if it rolls back. On PostgreSQL it is a NOTIFY inside the
// transaction: the server delivers it at commit, to every process
// listening, after the change is visible, and drops it on rollback; a
// NOTIFY sent after the commit instead would be lost if this process died
// between the two, and would cost a round trip of its own. On SQLite,
// where only this process writes, c waits in the transaction and is
// published by runInTx after the commit.
func (tx writeTx) announce(ctx context.Context, c Change) error {
	if tx.db.postgres {
		_, err := tx.ExecContext(ctx, "SELECT pg_notify(?, ?)", tx.db.changes.channel, c.Topic+":"+c.ID)
		return err
	}
	*tx.pending = append(*tx.pending, c)
	return nil
}

// listenTimeout is how long the listener waits for a notification before
// it checks its connection with one of its own.
const listenTimeout = 5 * time.Second

// firstPingRetry is how often a listener just connected pings until it
// hears its ping, for up to listenTimeout.
const firstPingRetry = 100 * time.Millisecond

// listen hears the changes announced on PostgreSQL and publishes them
// until ctx ends. Its connection is checked when it has been quiet for
// listenTimeout, by a NOTIFY on a channel only this listener hears; when
// that goes unanswered, or the connection fails, the listener connects
// again and publishes TopicAll, as changes may have been missed meanwhile.
func (db *DB) listen(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	ping := "fourplusn_ping_" + strings.ToLower(rand.Text())
	for ctx.Err() == nil {
		ln := pgdriver.NewListener(db.write)
		db.changes.mu.Lock()
		db.changes.ln = ln
		db.changes.mu.Unlock()
		if ctx.Err() != nil { // stop came before ln was known to it
			ln.Close()
			return
		}
		err := ln.Listen(ctx, db.changes.channel, ping)
		if err == nil {
			err = db.hear(ctx, ln, ping)
		}
		ln.Close()
		if ctx.Err() != nil {
			return
		}
		slog.WarnContext(ctx, "bunstore: the connection hearing changes failed; connecting again", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// hear publishes what ln receives until ctx ends or the connection fails.
// The first notification received after connecting — the ping — tells
// that the connection hears, and from then on nothing is missed: it is
// then that TopicAll covers what went by before.
func (db *DB) hear(ctx context.Context, ln *pgdriver.Listener, ping string) error {
	if err := pgdriver.Notify(ctx, db.write, ping, ""); err != nil {
		return err
	}
	waiting := true // for the answer to a ping
	first := true
	sent := time.Now()
	for {
		timeout := listenTimeout
		if first {
			timeout = firstPingRetry
		}
		channel, payload, err := ln.ReceiveTimeout(ctx, timeout)
		var ne net.Error
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil && errors.As(err, &ne) && ne.Timeout():
			if first && time.Since(sent) < listenTimeout {
				// The listener sends its LISTEN without waiting for
				// the server's answer, so the first ping may come
				// before the server listens, and be lost: it is sent
				// again until one is heard.
				if err := pgdriver.Notify(ctx, db.write, ping, ""); err != nil {
					return err
				}
				continue
			}
			if waiting {
				return errors.New("bunstore: no answer to the listener's ping")
			}
			if err := pgdriver.Notify(ctx, db.write, ping, ""); err != nil {
				return err
			}
			waiting = true
			continue
		case err != nil:
			return err
		}
		waiting = false
		if first {
			first = false
			db.changes.publish(Change{Topic: TopicAll})
		}
		if channel != db.changes.channel {
			continue
		}
		topic, id, _ := strings.Cut(payload, ":")
		db.changes.publish(Change{Topic: topic, ID: id})
	}
}

// TopicFeed is the change feed of one topic for a package that writes on
// the store's database in transactions of its own, through [DB.Bun] — the
// accounts — and so cannot announce through the store's writes. It is
// made by [DB.Topic]; its zero value is not usable.
type TopicFeed struct {
	db    *DB
	topic string
}

// Topic returns the feed of topic on db.
func (db *DB) Topic(topic string) TopicFeed { return TopicFeed{db: db, topic: topic} }

// Announce makes a change of id heard by the feed's subscribers — on
// PostgreSQL those of every process sharing the database — once tx, a
// transaction on [DB.Bun], commits, and by none if it rolls back. The
// caller calls committed once tx has committed, and not otherwise: on
// SQLite, where only this process writes, that is when the change is
// published; on PostgreSQL the NOTIFY sent in tx is delivered by the server
// at commit, and committed does nothing.
func (f TopicFeed) Announce(ctx context.Context, tx bun.Tx, id string) (committed func(), err error) {
	c := Change{Topic: f.topic, ID: id}
	if f.db.postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_notify(?, ?)", f.db.changes.channel, c.Topic+":"+c.ID); err != nil {
			return nil, fmt.Errorf("bunstore: announce a change of %s: %w", f.topic, err)
		}
		return func() {}, nil
	}
	return func() { f.db.changes.publish(c) }, nil
}

// Subscribe calls heard with the ID of every change of the feed's topic,
// as [DB.Subscribe] does, and with "" when anything may have changed: for
// a change of many and for [TopicAll], when changes may have been missed.
// heard must not block.
func (f TopicFeed) Subscribe(heard func(id string)) (cancel func()) {
	return f.db.Subscribe(func(c Change) {
		switch c.Topic {
		case f.topic:
			heard(c.ID)
		case TopicAll:
			heard("")
		}
	})
}
