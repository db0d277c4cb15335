package pilot

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn/grid"
)

// Hub tells the open duty consoles that something changed, so that they
// reload their list without the officer reloading the page. A message
// carries no data, only the nudge: each console then fetches the list its
// own member may see, so nothing leaks between scopes.
type Hub struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// NewHub returns a hub with no subscribers.
func NewHub() *Hub { return &Hub{subs: map[chan struct{}]struct{}{}} }

// Publish nudges every subscriber. A subscriber that has not taken its
// last nudge keeps that one: one pending reload covers any number of
// changes.
func (h *Hub) Publish() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (h *Hub) subscribe() chan struct{} {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch
}

func (h *Hub) unsubscribe(ch chan struct{}) {
	h.mu.Lock()
	delete(h.subs, ch)
	h.mu.Unlock()
}

// heartbeat is how often a console is nudged even when nothing changed:
// waiting times move on, deadlines pass, and records written by the API
// or by other processes appear within it.
const heartbeat = 15 * time.Second

// consoleEvents streams server-sent events to one console until the
// client goes away or the server shuts down.
func (s *Server) consoleEvents(w http.ResponseWriter, r *http.Request, _ grid.Member) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	ch := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)
	// The browser reconnects after retry ms if the stream breaks.
	fmt.Fprint(w, "retry: 3000\n\n")
	flusher.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-ch:
			fmt.Fprint(w, "event: changed\ndata: {}\n\n")
		case <-tick.C:
			fmt.Fprint(w, "event: tick\ndata: {}\n\n")
		}
		flusher.Flush()
	}
}
