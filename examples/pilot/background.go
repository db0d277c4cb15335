package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/deadlines"
	"github.com/fourplusn/fourplusn/adapters/lease"
	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/adapters/wecom"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// watch is the pilot's 24-hour watch: what it runs beside the web server.
type watch struct {
	deadlines bool          // run the deadline runner
	tick      time.Duration // how often it looks for what is due
	// lease is the length of the lease by which one pilot among those on
	// a database runs the watch; it is renewed every third of it.
	lease        time.Duration
	notify       notify.Config // where notifications go besides the log
	wecom        wecom.Config  // the WeCom application's callback; off without a token
	wecomChannel string        // "wecom" or "wechat": what its applications count as
	// pictureHosts are the hosts of the PicUrls of WeCom's image
	// messages the callback fetches and attaches to the sender's case;
	// none leaves images answered with a request for text.
	pictureHosts []string
}

// start turns on the outbox, and starts with ctx the watch's leader,
// which runs the dispatcher and, if asked, the deadline runner while this
// pilot holds the watch's lease in the database: among several pilots on
// one database, one at a time runs them. It returns a handler for the
// WeCom callback (nil when it is off) and a function that waits for the
// watch to stop, and its lease to be released, once ctx is cancelled.
func (w watch) start(ctx context.Context, app *pilot.App, logger *slog.Logger) (callback http.Handler, wait func(), err error) {
	notifiers, err := w.notify.Notifiers(logger)
	if err != nil {
		return nil, nil, err
	}
	if w.wecom.Token != "" {
		if callback, err = w.callback(app); err != nil {
			return nil, nil, err
		}
	}
	// Every change from now on writes its notifications in its own
	// transaction; the demo data loaded before this notifies nobody.
	app.DB.EnableOutbox(mediation.Notices, hazard.Notices)
	var townships []grid.CellID
	for _, r := range app.Grid.Directory().Townships() {
		townships = append(townships, r.ID)
	}
	holder, err := holderName()
	if err != nil {
		return nil, nil, err
	}
	log := logger.With("holder", holder)
	leader := lease.New(app.DB.Lease(watchLease, holder, w.lease), w.lease)
	leader.Log, leader.Leading = log, app.Metrics.WatchLeader
	var wg sync.WaitGroup
	wg.Go(func() {
		leader.Run(ctx, func(ctx context.Context, token int64) {
			w.run(ctx, app, log, notifiers, townships, bunstore.Fence{Lease: watchLease, Token: token})
		})
	})
	return callback, wg.Wait, nil
}

// watchLease is the name of the lease of the watch in the database.
const watchLease = "watch"

// run runs the dispatcher and, if asked, the deadline runner until ctx is
// done, their writes fenced by f: while this pilot holds the watch's
// lease.
func (w watch) run(ctx context.Context, app *pilot.App, logger *slog.Logger, notifiers []notify.Notifier, townships []grid.CellID, f bunstore.Fence) {
	d := notify.NewDispatcher(app.DB.Outbox().Fenced(f), app.DB.Grid(), app.Policy, notifiers...)
	d.Log = logger
	var wg sync.WaitGroup
	run := func(name string, f func(context.Context) error) {
		wg.Go(func() {
			if err := f(ctx); err != nil && !errors.Is(err, context.Canceled) {
				logger.Error(name+" stopped", "err", err)
			}
		})
	}
	run("notification dispatcher", d.Run)
	if w.deadlines {
		r := deadlines.New(app.Cases, app.Hazards, app.DB.DeadlineActions().Fenced(f), app.DB.Outbox().Fenced(f), townships...)
		r.Interval, r.Log = w.tick, logger
		app.Metrics.WatchDeadlines(r)
		run("deadline runner", r.Run)
	}
	wg.Wait()
}

// holderName names this process as a holder of the watch's lease: its
// host, its process ID, and a random part, so that a restarted process
// with the same ID is another holder.
func holderName() (string, error) {
	host, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("host name: %w", err)
	}
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8]), nil
}

// callback returns the WeCom callback handler. Cases that arrive through
// it are registered by the township's first duty officer, who becomes
// their first responder, as for a call to the duty phone: the one on the
// grid as it stands when the message arrives.
func (w watch) callback(app *pilot.App) (http.Handler, error) {
	cfg := w.wecom
	switch w.wecomChannel {
	case "", "wecom":
		cfg.Channel = work.ChannelWeCom
	case "wechat":
		cfg.Channel = work.ChannelWeChat
	default:
		return nil, fmt.Errorf("-wecom-channel: %q is neither wecom nor wechat", w.wecomChannel)
	}
	intake := func(context.Context, string) (grid.Actor, error) {
		m, ok := app.Intake()
		if !ok {
			return grid.Actor{}, errors.New("the grid has no duty officer to register what arrives")
		}
		return m.Actor(), nil
	}
	places := wecom.TreePlaces{Tree: func() *grid.Tree { return app.Grid.Directory().Tree() }}
	h, err := wecom.New(cfg, app.DB.ChannelMessages(), app.Cases, places, intake)
	if err != nil || len(w.pictureHosts) == 0 {
		return h, err
	}
	h.Attach, h.Images = app.Cases, wecom.PicURLs{Hosts: w.pictureHosts}
	return h, nil
}
