package pilot

import (
	"net/http"
	"strings"

	"github.com/fourplusn/fourplusn/adapters/open311"
	"github.com/fourplusn/fourplusn/adapters/wecom"
)

// machine reports whether r is for an interface that machines call with
// their own credentials and no cookies — the JSON API and Open311 — and
// that answers bad input for itself.
func machine(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, open311.Prefix)
}

// mountOpen311 serves Open311 for the intake member's township on mux, if
// partners have keys or the public may report hazards without one. The
// public's requests are counted in the database's rate limits, whichever
// the engine: each creates a hazard there anyway, and several pilots on
// one PostgreSQL count them together.
func mountOpen311(mux *http.ServeMux, app *App, opts ServerOptions) error {
	intake, ok := app.Intake()
	if len(opts.Open311Keys) == 0 && !opts.Open311Public || !ok {
		return nil
	}
	keys := make(map[string]open311.Key, len(opts.Open311Keys))
	for k, partner := range opts.Open311Keys {
		keys[k] = open311.Key{Partner: partner, Member: intake.Actor()}
	}
	cfg := open311.Config{
		Cases: app.Cases, Hazards: app.Hazards, Cells: func() open311.Cells { return app.Grid.Directory() },
		Township: intake.Actor().Township, Locate: app.Geo.Locate, Keys: keys,
		Contact: app.CellNameByID(intake.Actor().Township) + "矛盾纠纷调解中心", URL: open311.Prefix,
		Logger: app.Logger, Now: app.Now,
	}
	if opts.Open311Public {
		cfg.Public = &open311.Public{Member: intake.Actor(), Limits: app.DB.Limits()}
	}
	if len(opts.Open311MediaHosts) > 0 {
		cfg.Media = wecom.PicURLs{Hosts: opts.Open311MediaHosts}
	}
	h, err := open311.New(cfg)
	if err != nil {
		return err
	}
	mux.Handle(open311.Prefix, h)
	return nil
}
