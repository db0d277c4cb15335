package accounts

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// What the cache keeps and forgets, by the rules that keep a revocation
// from being undone by a read racing with it.
func TestCredCache(t *testing.T) {
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	entry := func(member string) verified {
		return verified{member: member, expires: now.Add(time.Hour), until: now.Add(cacheTTL)}
	}
	li, wang := cacheKey{tokenCredential, "li"}, cacheKey{sessionCredential, "wang"}
	for _, c := range []struct {
		name string
		do   func(c *credCache)
		kept map[cacheKey]bool
	}{
		{"kept when read with no drop since", func(c *credCache) {
			g := c.generation()
			c.put(li, entry("li.ming"), g)
		}, map[cacheKey]bool{li: true}},
		{"not kept when a drop came during the read", func(c *credCache) {
			g := c.generation()
			c.drop("someone.else")
			c.put(li, entry("li.ming"), g)
		}, map[cacheKey]bool{li: false}},
		{"a member's drop forgets only theirs", func(c *credCache) {
			g := c.generation()
			c.put(li, entry("li.ming"), g)
			c.put(wang, entry("wang.fang"), g)
			c.drop("li.ming")
		}, map[cacheKey]bool{li: false, wang: true}},
		{"a drop of anyone forgets all", func(c *credCache) {
			g := c.generation()
			c.put(li, entry("li.ming"), g)
			c.put(wang, entry("wang.fang"), g)
			c.drop("")
		}, map[cacheKey]bool{li: false, wang: false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cache := &credCache{entries: map[cacheKey]verified{}}
			c.do(cache)
			for k, want := range c.kept {
				_, ok := cache.get(k, now)
				assert.Equal(t, want, ok, "%v", k)
			}
		})
	}
	t.Run("bounded", func(t *testing.T) {
		cache := &credCache{entries: map[cacheKey]verified{}}
		for i := range cacheSize + 10 {
			cache.put(cacheKey{tokenCredential, fmt.Sprint(i)}, entry("li.ming"), 0)
		}
		assert.Len(t, cache.entries, cacheSize)
	})
	t.Run("nothing kept without a feed", func(t *testing.T) {
		var cache *credCache
		cache.put(li, entry("li.ming"), cache.generation())
		_, ok := cache.get(li, now)
		assert.False(t, ok)
	})
}
