package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/grid"
)

// actor is a member the load acts as: their token and the cell of their
// post, where they register cases and whose figures they read.
type actor struct {
	id    grid.MemberID
	head  bool // a township's grid head, who reads its figures
	cell  string
	token string
}

// kind is one kind of request of the mix.
type kind struct {
	name   string
	heads  bool // sent only as a township's grid head
	want   int
	method string
	target func(a actor, r *rand.Rand) (path, body string)
}

// figuresAt is the moment the figures are read at: within the two years
// examples/gendata fills, a fortnight before they end.
const figuresAt = "2026-10-15T12:00:00%2B08:00"

// kinds are the requests a county's members make, by the names of -mix.
var kinds = []kind{
	{name: "intake", want: http.StatusCreated, method: http.MethodPost, target: func(a actor, r *rand.Rand) (string, string) {
		return "/cases", `{"channel":"walk_in","category":"neighbour","facts":"两家因排水沟堵塞互相指责。","location":` + strconv.Quote(a.cell) +
			`,"applicants":[{"name":"王某某","phone":"139` + fmt.Sprintf("%08d", r.IntN(1e8)) + `"}],"respondents":[{"name":"张某某"}]}`
	}},
	{name: "list", want: http.StatusOK, method: http.MethodGet, target: func(a actor, _ *rand.Rand) (string, string) {
		return "/cases?cell=" + url.QueryEscape(a.cell), ""
	}},
	{name: "dashboard", heads: true, want: http.StatusOK, method: http.MethodGet, target: func(a actor, _ *rand.Rand) (string, string) {
		return "/stats/summary?cell=" + url.QueryEscape(a.cell) + "&at=" + figuresAt, ""
	}},
	{name: "tracking", heads: true, want: http.StatusOK, method: http.MethodGet, target: func(a actor, _ *rand.Rand) (string, string) {
		return "/stats/tracking?cell=" + url.QueryEscape(a.cell) + "&at=" + figuresAt, ""
	}},
	{name: "search", want: http.StatusOK, method: http.MethodGet, target: func(a actor, r *rand.Rand) (string, string) {
		words := []string{"琐事", "争执", "排水沟", "互不相让"}
		return "/cases?q=" + url.QueryEscape(words[r.IntN(len(words))]), ""
	}},
	{name: "report", heads: true, want: http.StatusOK, method: http.MethodGet, target: func(a actor, _ *rand.Rand) (string, string) {
		return "/stats/report.xlsx?cell=" + url.QueryEscape(a.cell) + "&at=" + figuresAt, ""
	}},
}

// parseMix reads -mix, "intake=1,list=4,…": each kind's weight.
func parseMix(s string) (map[string]int, error) {
	mix := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 0 || !slices.ContainsFunc(kinds, func(k kind) bool { return k.name == name }) {
			return nil, fmt.Errorf("-mix: %q is not KIND=WEIGHT with a kind of intake, list, dashboard, tracking, search, report", part)
		}
		mix[name] = n
	}
	return mix, nil
}

// countyActors gives every member examples/gendata made (their IDs start
// "gen-") an account if they have none, and a token for this run, ttl
// long, issued in the database the pilots serve: each of them is then one
// of the load's users.
func countyActors(ctx context.Context, dsn string, ttl time.Duration) ([]actor, error) {
	db, err := bunstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	cells, err := db.Grid().Cells(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the grid: %w", err)
	}
	var members []grid.Member
	for _, c := range cells {
		if c.Level() != 1 {
			continue
		}
		ms, err := db.Grid().Members(ctx, c.ID)
		if err != nil {
			return nil, fmt.Errorf("read the members of %s: %w", c.ID, err)
		}
		members = append(members, ms...)
	}
	accts, err := accounts.Open(ctx, db.Bun(), accounts.Options{Reader: db.Reader(), Feed: db.Topic(bunstore.TopicAccounts)})
	if err != nil {
		return nil, err
	}
	var out []actor
	for _, m := range members {
		if !strings.HasPrefix(string(m.ID), "gen-") || m.Inactive || len(m.Posts) == 0 {
			continue
		}
		if _, err := accts.Account(ctx, string(m.ID)); fourplusn.ErrorCode(err) == fourplusn.NotFound {
			// A password no one is told: the load signs in by token only.
			if err := accts.Demo(ctx, []accounts.Member{{ID: string(m.ID), Township: string(m.Township)}}, crand.Text()); err != nil {
				return nil, fmt.Errorf("an account for %s: %w", m.ID, err)
			}
		} else if err != nil {
			return nil, err
		}
		token, _, err := accts.IssueToken(ctx, string(m.ID), "loadgen", ttl)
		if err != nil {
			return nil, fmt.Errorf("a token for %s: %w", m.ID, err)
		}
		cell := m.Posts[0].Cell
		out = append(out, actor{id: m.ID, head: cell.Level() == 1, cell: string(cell.Cell()), token: token})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no member of examples/gendata in the database")
	}
	return out, nil
}

// county drives the pilots at urls, round robin, as the county's actors,
// from clients goroutines for d, with requests of each kind in the
// proportions of mix, and prints each kind's rate and latencies.
func county(ctx context.Context, urls []string, actors []actor, mix map[string]int, clients int, d time.Duration) error {
	var heads []actor
	for _, a := range actors {
		if a.head {
			heads = append(heads, a)
		}
	}
	var wheel []int // indices into kinds, each as often as its weight
	for i, k := range kinds {
		for range mix[k.name] {
			wheel = append(wheel, i)
		}
	}
	if len(wheel) == 0 {
		return fmt.Errorf("-mix weighs nothing")
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: time.Minute}
	var next atomic.Uint64 // the round robin over urls
	type result struct {
		lat    []time.Duration
		failed int
		sample string // the first failure's answer
	}
	var mu sync.Mutex
	results := make([]result, len(kinds))
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 7))
			mine := make([]result, len(kinds))
			for time.Now().Before(deadline) && ctx.Err() == nil {
				ki := wheel[r.IntN(len(wheel))]
				k := kinds[ki]
				pool := actors
				if k.heads {
					pool = heads
				}
				a := pool[r.IntN(len(pool))]
				path, body := k.target(a, r)
				base := urls[next.Add(1)%uint64(len(urls))]
				start := time.Now()
				status, answer, err := send(ctx, client, k.method, base+"/api/v1"+path, a.token, body)
				if err == nil && status == k.want {
					mine[ki].lat = append(mine[ki].lat, time.Since(start))
					continue
				}
				if mine[ki].failed++; mine[ki].sample == "" {
					mine[ki].sample = fmt.Sprintf("%s as %s: %d %.200s %v", path, a.id, status, answer, err)
				}
			}
			mu.Lock()
			for i := range mine {
				results[i].lat = append(results[i].lat, mine[i].lat...)
				results[i].failed += mine[i].failed
				if results[i].sample == "" {
					results[i].sample = mine[i].sample
				}
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	fmt.Printf("%d clients for %s, as %d members (%d grid heads), round robin over %s\n", clients, d, len(actors), len(heads), strings.Join(urls, ", "))
	failed := false
	total := 0
	for i, k := range kinds {
		res := results[i]
		if mix[k.name] == 0 {
			continue
		}
		total += len(res.lat)
		if len(res.lat) == 0 {
			fmt.Printf("%-10s no request succeeded (%d failed): %s\n", k.name, res.failed, res.sample)
			failed = true
			continue
		}
		slices.Sort(res.lat)
		q := func(p int) float64 { return ms(res.lat[(len(res.lat)-1)*p/100]) }
		fmt.Printf("%-10s %8.1f req/s   p50 %8.2f ms   p95 %8.2f ms   p99 %8.2f ms   (%d requests, %d failed)\n",
			k.name, float64(len(res.lat))/d.Seconds(), q(50), q(95), q(99), len(res.lat), res.failed)
		if res.failed > 0 {
			fmt.Printf("           first failure: %s\n", res.sample)
			failed = true
		}
	}
	fmt.Printf("%-10s %8.1f req/s\n", "all", float64(total)/d.Seconds())
	if failed {
		return fmt.Errorf("some requests failed")
	}
	return nil
}

// send makes one request with token and returns the answer's status and
// body.
func send(ctx context.Context, client *http.Client, method, target, token, body string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewBufferString(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
