package open311

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// Prefix is where the endpoints are served; a server mounts the handler
// there.
const Prefix = "/open311/v2/"

// Cases registers, reads and lists disputes, and attaches files to them;
// *mediation.Service is one.
type Cases interface {
	Rules() mediation.Rules
	Register(ctx context.Context, actor grid.Actor, in mediation.Intake) (*mediation.Case, error)
	Get(ctx context.Context, actor grid.Actor, id mediation.ID) (*mediation.Case, error)
	List(ctx context.Context, actor grid.Actor, f mediation.Filter) (mediation.Page, error)
	Attach(ctx context.Context, actor grid.Actor, id mediation.ID, version int64, u attachment.Upload) (*mediation.Case, error)
}

// Hazards reports, reads and lists safety hazards, and attaches files to
// them; *hazard.Service is one.
type Hazards interface {
	Rules() hazard.Rules
	Report(ctx context.Context, actor grid.Actor, in hazard.Report) (*hazard.Hazard, error)
	Get(ctx context.Context, actor grid.Actor, id hazard.ID) (*hazard.Hazard, error)
	List(ctx context.Context, actor grid.Actor, f hazard.Filter) (hazard.Page, error)
	Attach(ctx context.Context, actor grid.Actor, id hazard.ID, version int64, u attachment.Upload) (*hazard.Hazard, error)
}

// Cells names the township's cells; *grid.Service's Directory is one.
type Cells interface {
	Tree() *grid.Tree
}

// Media fetches a request's media_url; wecom.PicURLs, with the hosts the
// township allows, is one: it refuses any other host.
type Media interface {
	Fetch(ctx context.Context, url, _ string) (io.ReadCloser, error)
}

// Key is what an api_key stands for.
type Key struct {
	// Partner names the partner system in Chinese (12345热线): the case
	// or hazard records it as who referred it.
	Partner string
	// Member is the member who registers what the partner sends: one
	// who may register disputes and report hazards anywhere in the
	// township, as a duty officer may.
	Member grid.Actor
}

// Limits keeps rate limits where every process serving the endpoint
// counts them together; *bunstore.Limits is one.
type Limits interface {
	// Allow reports whether key may make one more request at now, under
	// a sustained rate of one request each interval in bursts of up to
	// burst, and counts it if so.
	Allow(ctx context.Context, key string, interval time.Duration, burst int, now time.Time) (bool, error)
}

// Public is how the township takes requests without an api_key: hazard
// reports only, each client address limited.
type Public struct {
	// Member reports what the public sends, as Key.Member does a
	// partner's; the hazard records 匿名公众 as who passed it on.
	Member grid.Actor
	// Limits counts each client address's requests, in the store every
	// instance shares, so that an address spreading its requests over
	// several gets no more than from one. Required.
	Limits Limits
	// Every and Burst are an address's allowance: one request each Every
	// on average, in bursts of up to Burst. Zero values mean one every
	// 30 seconds in bursts of 10.
	Every time.Duration
	Burst int
}

// Config is what the handler serves.
type Config struct {
	Cases Cases
	// Hazards, if set, publishes the hazard categories as services too.
	Hazards Hazards
	// Cells returns the cells as they stand now (grid.Service.Directory).
	Cells func() Cells
	// Township is the jurisdiction served: its cell ID is the
	// jurisdiction_id every endpoint takes.
	Township grid.CellID
	// Locate returns the lowest cell of township containing p, or
	// NotFound (grid/geo's Service.Locate): what routes a request given
	// by lat/long. Without it only address_string places a request.
	Locate func(ctx context.Context, township grid.CellID, p orb.Point) (grid.CellID, error)
	// Keys are the partners' api_keys.
	Keys map[string]Key
	// Public, if set, takes hazard reports without an api_key; nil, the
	// default, refuses every request without one.
	Public *Public
	// Media fetches media_urls; nil refuses every request with one.
	Media Media
	// Contact is discovery's contact, in Chinese: who answers for the
	// endpoint.
	Contact string
	// URL is the endpoint's address as partners reach it, for discovery.
	URL    string
	Logger *slog.Logger
	Now    func() time.Time // the clock; time.Now if nil
}

// mediaTimeout bounds fetching a media_url: the partner waits for the
// answer while the picture is fetched and cleaned.
const mediaTimeout = 5 * time.Second

// maxBody bounds a request's form: a description of 4,000 characters
// and the rest fit many times over.
const maxBody = 64 << 10

// changeset is when the endpoint's shape last changed, for discovery.
const changeset = "2026-12-01T00:00:00+08:00"

type handler struct {
	cfg Config
	mux *http.ServeMux
}

// New returns the Open311 handler for cfg, to be mounted at Prefix.
func New(cfg Config) (http.Handler, error) {
	if cfg.Cases == nil || cfg.Cells == nil || cfg.Township == "" {
		return nil, errors.New("open311: Cases, Cells and Township are required")
	}
	for _, k := range cfg.Keys {
		if k.Partner == publicReferrer {
			return nil, fmt.Errorf("open311: a partner may not be named %s, which names the public", publicReferrer)
		}
	}
	if p := cfg.Public; p != nil {
		if cfg.Hazards == nil || p.Limits == nil {
			return nil, errors.New("open311: requests without an api_key need Hazards, which they report, and Public.Limits")
		}
		pub := *p
		if pub.Every <= 0 {
			pub.Every = 30 * time.Second
		}
		if pub.Burst <= 0 {
			pub.Burst = 10
		}
		cfg.Public = &pub
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &handler{cfg: cfg, mux: http.NewServeMux()}
	for _, ext := range []string{".xml", ".json"} {
		h.mux.HandleFunc("GET "+Prefix+"discovery"+ext, h.discovery)
		h.mux.HandleFunc("GET "+Prefix+"services"+ext, h.services)
		h.mux.HandleFunc("GET "+Prefix+"requests"+ext, h.list)
		h.mux.HandleFunc("POST "+Prefix+"requests"+ext, h.create)
	}
	h.mux.HandleFunc("GET "+Prefix+"services/{code}", h.definition)
	h.mux.HandleFunc("GET "+Prefix+"requests/{id}", h.get)
	h.mux.HandleFunc("GET "+Prefix+"tokens/{token}", h.token)
	return h, nil
}

// format is how a request asked to be answered: its path's extension.
type format string

const (
	formatXML  format = "xml"
	formatJSON format = "json"
)

// ServeHTTP checks the format and the jurisdiction, which every endpoint
// takes, and serves the endpoint.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	if f == "" {
		writeError(w, formatXML, http.StatusNotFound, "未知的地址：请以 .xml 或 .json 结尾")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		writeError(w, f, http.StatusBadRequest, "请求无法读取：须为不超过 64 KB 的表单")
		return
	}
	if j := r.FormValue("jurisdiction_id"); j != "" && j != string(h.cfg.Township) {
		writeError(w, f, http.StatusNotFound, "未知的辖区："+j)
		return
	}
	if _, pattern := h.mux.Handler(r); pattern == "" {
		writeError(w, f, http.StatusNotFound, "没有这个接口")
		return
	}
	h.mux.ServeHTTP(w, r)
}

// formatOf is the format a path ends in, or "" for none the spec names.
func formatOf(path string) format {
	switch {
	case strings.HasSuffix(path, ".xml"):
		return formatXML
	case strings.HasSuffix(path, ".json"):
		return formatJSON
	}
	return ""
}

// trimFormat is a path segment without its format extension.
func trimFormat(s string) string {
	return strings.TrimSuffix(strings.TrimSuffix(s, ".xml"), ".json")
}

// write answers v in f; for JSON, list is what is written instead of
// v when the spec's JSON is an array where its XML is a wrapping element.
func write(w http.ResponseWriter, f format, status int, v, list any) {
	var body []byte
	var err error
	if f == formatJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if list == nil {
			list = v
		}
		body, err = json.Marshal(list)
	} else {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		body, err = xml.Marshal(v)
		body = append([]byte(xml.Header), body...)
	}
	if err != nil {
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	w.Write(body)
}

// writeError answers the spec's list of errors, with one error.
func writeError(w http.ResponseWriter, f format, status int, description string) {
	list := []apiError{{Code: status, Description: description}}
	write(w, f, status, apiErrors{Errors: list}, list)
}

// fail answers err: a refusal in the spec's list of errors, in Chinese,
// and anything unforeseen logged and answered without detail.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, f format, err error) {
	switch fourplusn.ErrorCode(err) {
	case fourplusn.Invalid:
		writeError(w, f, http.StatusBadRequest, invalidText(err))
	case fourplusn.NotFound:
		writeError(w, f, http.StatusNotFound, "没有这条请求")
	case fourplusn.Unauthorized, fourplusn.Forbidden:
		writeError(w, f, http.StatusForbidden, "无权办理此请求")
	case fourplusn.Conflict:
		writeError(w, f, http.StatusConflict, "请求与已有记录冲突")
	case fourplusn.Unavailable:
		writeError(w, f, http.StatusServiceUnavailable, "服务暂时不可用，请稍后再试")
	default:
		h.cfg.Logger.ErrorContext(r.Context(), "open311: request failed", "path", r.URL.Path, "err", err)
		writeError(w, f, http.StatusInternalServerError, "内部错误")
	}
}

// fieldTexts name the intake's fields in Chinese, as a refusal names them.
var fieldTexts = map[string]string{
	"location": "位置（lat/long 或 address_string）", "facts": "description（事情经过）",
	"description": "description（隐患情况）", "contact": "phone", "category": "service_code",
	"referred_by": "api_key 的合作方名称",
}

// invalidText says in Chinese which fields an Invalid error found at fault.
func invalidText(err error) string {
	var names []string
	for _, e := range fourplusn.ErrorFields(err) {
		name, ok := fieldTexts[e.Field]
		switch {
		case ok:
		case strings.HasPrefix(e.Field, "applicants"):
			name = "报告人（first_name、last_name、phone）"
		case strings.HasPrefix(e.Field, "respondents"):
			name = "对方当事人（attribute[respondent]）"
		case strings.HasPrefix(e.Field, "photos"):
			name = "media_url"
		default:
			name = e.Field
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return "请求有误：" + strings.Join(names, "、") + " 不合要求"
}

func (h *handler) discovery(w http.ResponseWriter, r *http.Request) {
	d := discovery{
		Changeset: changeset, Contact: h.cfg.Contact, KeyService: h.keyService(),
		Endpoints: []endpoint{{
			Specification: "http://wiki.open311.org/GeoReport_v2", URL: h.cfg.URL, Changeset: changeset,
			Type: "production", Formats: []string{"text/xml", "application/json"},
		}},
	}
	write(w, formatOf(r.URL.Path), http.StatusOK, d, nil)
}

// timeText writes t as the spec's times are, in the township's zone; ""
// for the zero time.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(work.Zone).Format(time.RFC3339)
}
