package bunstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/work"
)

// One holder at a time: the first takes the lease, the second is refused
// while it lasts, and takes it with a higher token once it has run out or
// been released; the first cannot renew a lease another took.
func TestLease(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			db := e.open(t)
			const ttl = 15 * time.Second
			a, b := db.Lease("watch", "a", ttl), db.Lease("watch", "b", ttl)
			t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

			steps := []struct {
				name  string
				lease *bunstore.Lease
				at    time.Duration
				want  int64
			}{
				{"the first takes a free lease", a, 0, 1},
				{"the second is refused while it lasts", b, 5 * time.Second, 0},
				{"the holder renews it", a, 10 * time.Second, 1},
				{"still held: renewed until 25 s", b, 20 * time.Second, 0},
				{"the holder paused past its expiry; the second takes it", b, 26 * time.Second, 2},
				{"the old holder wakes and cannot renew", a, 27 * time.Second, 0},
				{"the new holder renews", b, 30 * time.Second, 2},
			}
			for _, s := range steps {
				got, err := s.lease.Hold(ctx, t0.Add(s.at))
				require.NoError(t, err, s.name)
				assert.Equal(t, s.want, got, s.name)
			}

			require.NoError(t, b.Release(ctx))
			got, err := a.Hold(ctx, t0.Add(31*time.Second))
			require.NoError(t, err)
			assert.Equal(t, int64(3), got, "a released lease is taken at once, with a higher token")
			got, err = b.Hold(ctx, t0.Add(32*time.Second))
			require.NoError(t, err)
			assert.Zero(t, got, "the one that released it does not have it back")
		})
	}
}

// A paused leader's writes are refused: once another instance has taken
// the lease, the old one's enqueue, claim, record of a delivery and record
// of a deadline action fail with ErrFenced and store nothing, while the
// new leader's go through, and it claims at once what the old one had
// claimed and not recorded.
func TestFencing(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			db := e.open(t)
			const ttl = 15 * time.Second
			t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			a, b := db.Lease("watch", "a", ttl), db.Lease("watch", "b", ttl)
			ta, err := a.Hold(ctx, t0)
			require.NoError(t, err)
			require.NotZero(t, ta)
			oldOut := db.Outbox().Fenced(bunstore.Fence{Lease: "watch", Token: ta})
			oldActs := db.DeadlineActions().Fenced(bunstore.Fence{Lease: "watch", Token: ta})

			notice := func(key string) work.Notice {
				return work.Notice{Key: key, Township: "gucheng", SubjectKind: work.SubjectCase, Subject: "c1", Kind: work.NoticeReminder, At: t0}
			}
			require.NoError(t, oldOut.Enqueue(ctx, t0, notice("n1"), notice("n2")))
			require.NoError(t, oldActs.Record(ctx, "gucheng", "k1", "c1", t0))
			claimed, err := oldOut.Claim(ctx, t0, 2*time.Minute, 1)
			require.NoError(t, err)
			require.Len(t, claimed, 1)

			// a pauses: it does not renew; b takes the lease after it ran out.
			tb, err := b.Hold(ctx, t0.Add(ttl+time.Second))
			require.NoError(t, err)
			require.Greater(t, tb, ta)
			newOut := db.Outbox().Fenced(bunstore.Fence{Lease: "watch", Token: tb})
			newActs := db.DeadlineActions().Fenced(bunstore.Fence{Lease: "watch", Token: tb})

			delivered := outbox.Result{State: outbox.Delivered, Delivered: []string{"webhook"}}
			later := t0.Add(ttl + 2*time.Second)
			refused := map[string]error{
				"enqueue":           oldOut.Enqueue(ctx, later, notice("n3")),
				"record an action":  oldActs.Record(ctx, "gucheng", "k2", "c1", later),
				"record a delivery": oldOut.Record(ctx, claimed[0].ID, claimed[0].Claim, delivered),
			}
			_, err = oldOut.Claim(ctx, later, 2*time.Minute, 10)
			refused["claim"] = err
			for what, err := range refused {
				require.ErrorIs(t, err, bunstore.ErrFenced, what)
				assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err), what)
				assert.Contains(t, err.Error(), "lease has passed to another instance", what)
			}

			_, err = newOut.Find(ctx, "n3")
			assert.Equal(t, fourplusn.NotFound, fourplusn.ErrorCode(err), "the refused enqueue stored nothing")
			acted, err := newActs.Acted(ctx, "gucheng", []string{"k1", "k2"})
			require.NoError(t, err)
			assert.Equal(t, map[string]bool{"k1": true}, acted, "the refused action is not recorded")

			// The new leader claims both, the one the old held too, at once.
			again, err := newOut.Claim(ctx, later, 2*time.Minute, 10)
			require.NoError(t, err)
			require.Len(t, again, 2)
			assert.Equal(t, claimed[0].ID, again[0].ID)
			for _, d := range again {
				require.NoError(t, newOut.Record(ctx, d.ID, d.Claim, delivered))
			}
			require.NoError(t, newOut.Enqueue(ctx, later, notice("n3")))
			require.NoError(t, newActs.Record(ctx, "gucheng", "k2", "c1", later))
			d, err := newOut.Find(ctx, "n1")
			require.NoError(t, err)
			assert.Equal(t, 1, d.Attempts, "delivered once, by the new leader")
		})
	}
}
