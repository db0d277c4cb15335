// Command loadgen measures the JSON API under load: it serves the API on a
// loopback port over a fresh SQLite file holding the demo township, then
// drives it with concurrent clients over real HTTP connections — first
// reading one case, then registering cases — and prints the requests per
// second and the latency percentiles of each.
//
//	go run ./examples/loadgen -c 8 -d 10s
//
// With -url it drives an API already running elsewhere instead (say, the
// pilot server), as the staff member whose bearer token -token gives; that
// member must be allowed to register cases at the demo township's
// 马园一组 (mayuan-1), where the registrations are filed:
//
//	go run ./examples/loadgen -url http://127.0.0.1:8080 -token fpn_…
//
// With -db as well, it acts as the members of a county that
// examples/gendata -townships filled, against the pilots serving that
// database at the comma-separated -url, round robin: each generated member
// gets a token of their own, and the clients send a mix of registrations
// (intake), case lists, dashboards' figures, tracking views, searches and
// monthly reports, as each may — the figures only as a township's grid
// head — printing each kind's rate and p50, p95 and p99:
//
//	go run ./examples/loadgen -db postgres://… -url http://127.0.0.1:8081,http://127.0.0.1:8082 -c 16 -d 30s
//
// Server and clients share the machine, as they do on a township's one
// server with its users' browsers elsewhere: the figures are a floor.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

func main() {
	clients := flag.Int("c", 8, "concurrent clients")
	duration := flag.Duration("d", 10*time.Second, "how long each phase runs")
	url := flag.String("url", "", "the base URL of a running API (no /api/v1); empty: serve one in process")
	token := flag.String("token", "", "with -url, the bearer token to send")
	dsn := flag.String("db", "", "with -url, the database of a county that examples/gendata filled, which the pilots at -url serve: act as its members")
	mix := flag.String("mix", "intake=1,list=4,dashboard=1,tracking=2,search=2,report=1", "with -db, the weight of each kind of request")
	flag.Parse()
	if *dsn != "" {
		if err := runCounty(context.Background(), *dsn, *url, *mix, *clients, *duration); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
		return
	}
	if *url != "" && *token == "" {
		fmt.Fprintln(os.Stderr, "loadgen: -url needs -token")
		os.Exit(2)
	}
	if err := run(context.Background(), *clients, *duration, *url, *token); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// runCounty acts as the members of the county in dsn against the pilots
// at the comma-separated urls.
func runCounty(ctx context.Context, dsn, urls, mixFlag string, clients int, d time.Duration) error {
	mix, err := parseMix(mixFlag)
	if err != nil {
		return err
	}
	var bases []string
	for u := range strings.SplitSeq(urls, ",") {
		if u = strings.TrimSuffix(strings.TrimSpace(u), "/"); u != "" {
			bases = append(bases, u)
		}
	}
	if len(bases) == 0 {
		return errors.New("-db needs -url, the pilots serving it")
	}
	actors, err := countyActors(ctx, dsn, d+time.Hour)
	if err != nil {
		return err
	}
	return county(ctx, bases, actors, mix, clients, d)
}

// walkIn is the registration every client sends: a neighbours' quarrel
// brought to the duty officer.
const walkIn = `{"channel":"walk_in","category":"neighbour","facts":"两家因排水沟堵塞互相指责。","location":"mayuan-1",` +
	`"applicants":[{"name":"王某某","phone":"13900001111"}],"respondents":[{"name":"张某某"}]}`

// run loads the API at url with token, or, when url is empty, one it
// serves itself on a loopback port over a fresh SQLite file.
func run(ctx context.Context, clients int, d time.Duration, url, token string) error {
	where := "the API at " + url
	if url == "" {
		dir, err := os.MkdirTemp("", "loadgen")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		db, err := bunstore.Open(ctx, filepath.Join(dir, "load.db"))
		if err != nil {
			return err
		}
		defer db.Close()
		var handler http.Handler
		handler, token, err = api(ctx, db)
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Shutdown(ctx)
		url, where = "http://"+ln.Addr().String(), "the API in process on a SQLite file"
	}
	base := strings.TrimSuffix(url, "/") + "/api/v1"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}

	status, body, err := send(ctx, client, http.MethodPost, base+"/cases", token, walkIn)
	if err != nil || status != http.StatusCreated {
		return fmt.Errorf("register the case to read: %d %s %v", status, body, err)
	}
	var created struct{ ID string }
	if err := json.Unmarshal(body, &created); err != nil {
		return err
	}
	fmt.Printf("%d clients, %s a phase, over HTTP; %s\n", clients, d, where)
	for _, phase := range []struct {
		name, method, url, body string
		want                    int
	}{
		{"read a case", http.MethodGet, base + "/cases/" + created.ID, "", http.StatusOK},
		{"register a case", http.MethodPost, base + "/cases", walkIn, http.StatusCreated},
	} {
		lat, failed := load(clients, d, func() bool {
			status, _, err := send(ctx, client, phase.method, phase.url, token, phase.body)
			return err == nil && status == phase.want
		})
		if len(lat) == 0 {
			return fmt.Errorf("%s: no request succeeded", phase.name)
		}
		slices.Sort(lat)
		fmt.Printf("%-16s %8.0f req/s   p50 %7.2f ms   p99 %7.2f ms   (%d requests, %d failed)\n", phase.name,
			float64(len(lat))/d.Seconds(), ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), len(lat), failed)
		if failed > 0 {
			return errors.New(phase.name + ": some requests failed")
		}
	}
	return nil
}

// load runs do from clients goroutines for d and returns the latencies of
// the requests that succeeded and the number that failed.
func load(clients int, d time.Duration, do func() bool) ([]time.Duration, int) {
	var mu sync.Mutex
	var all []time.Duration
	failed := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				start := time.Now()
				if do() {
					mine = append(mine, time.Since(start))
				} else {
					bad++
				}
			}
			mu.Lock()
			all, failed = append(all, mine...), failed+bad
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, failed
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// api returns the API over db with the demo township, and a token of its
// duty officer.
func api(ctx context.Context, db *bunstore.DB) (http.Handler, string, error) {
	demo := gridtest.Gucheng()
	cells, err := demo.Found(ctx, memstore.NewGridStore())
	if err != nil {
		return nil, "", err
	}
	policy := grid.DefaultPolicy()
	cases, err := mediation.NewService(mediation.Config{Store: db.Cases(), Cells: cells, Policy: policy, Rules: mediation.DefaultRules()})
	if err != nil {
		return nil, "", err
	}
	hazards, err := hazard.NewService(hazard.Config{Store: db.Hazards(), Cells: cells, Policy: policy, Rules: hazard.DefaultRules(), Converter: cases})
	if err != nil {
		return nil, "", err
	}
	statistics, err := stats.NewService(stats.Config{
		Source: db.Stats(), Indicators: db.Indicators(), Cells: cells, Policy: policy,
		Cases: db.Cases(), CaseRules: cases.Rules(), Hazards: db.Hazards(), HazardRules: hazards.Rules(),
	})
	if err != nil {
		return nil, "", err
	}
	auth := httpapi.NewTokenAuth(nil)
	token, err := auth.IssueToken(ctx, demo.Member("gc-duty-1").Actor())
	if err != nil {
		return nil, "", err
	}
	h, err := httpapi.New(httpapi.Config{
		Cases: cases, Stats: statistics, Hazards: hazards, Grid: cells,
		Auth: auth, Logger: slog.New(slog.DiscardHandler),
	})
	return h, token, err
}
