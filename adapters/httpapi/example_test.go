package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
)

// townshipSignIn is an integrator's own Authenticator: their gateway has
// signed the caller in already and passes the member's login on in a
// header.
type townshipSignIn struct{ grid *grid.Service }

// Authenticate returns the member the header names. A request without
// the header is anonymous; a login the grid does not know is refused.
func (a townshipSignIn) Authenticate(r *http.Request) (grid.Actor, error) {
	login := r.Header.Get("X-Township-User")
	if login == "" {
		return grid.Actor{}, nil
	}
	m, ok := a.grid.Directory().Member(grid.MemberID(login))
	if !ok {
		return grid.Actor{}, fourplusn.Errorf(fourplusn.Unauthorized, "unknown user")
	}
	return m.Actor(), nil
}

// Example_prefix mounts the API under /township/api in the integrator's
// own http.ServeMux, beside their own pages, with their own sign-in. The
// grid head of 马园 one group registers a neighbours' quarrel; the answer
// names where the case lives, below the prefix.
func Example_prefix() {
	ctx := context.Background()
	town := gridtest.Gucheng()
	grids := exitOnError(town.Found(ctx, memstore.NewGridStore()))
	cases := exitOnError(mediation.NewService(mediation.Config{
		Store: memstore.NewCases(), Cells: grids, Policy: grids.Policy(), Rules: mediation.DefaultRules(),
		NewID: func() mediation.ID { return "C0001" },
	}))
	api := exitOnError(httpapi.New(httpapi.Config{
		Cases: cases, Grid: grids, Auth: townshipSignIn{grids}, BasePath: "/township/api",
		Logger: slog.New(slog.DiscardHandler),
	}))

	mux := http.NewServeMux()
	mux.Handle("/township/api/", api)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "古城办事处") })

	body := `{"channel": "grid_head", "category": "neighbour", "location": "mayuan-1", "facts": "两家因排水沟堵塞多次争吵。",
		"applicants": [{"name": "王某某", "phone": "13900001111"}], "respondents": [{"name": "张某某"}]}`
	req := httptest.NewRequest(http.MethodPost, "/township/api/api/v1/cases", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Township-User", "mayuan-1-head")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, req)

	var c struct{ State string }
	if err := json.Unmarshal(w.Body.Bytes(), &c); err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.Code, c.State)
	fmt.Println(w.Header().Get("Location"))
	// Output:
	// 201 registered
	// /township/api/api/v1/cases/C0001
}

// exitOnError returns v, or ends the program with err.
func exitOnError[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}
