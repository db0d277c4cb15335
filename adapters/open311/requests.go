package open311

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// maxDescription is the spec's limit on a request's description, in
// characters.
const maxDescription = 4000

// maxResults and window are what GET requests answers without dates: the
// spec's default, the last 90 days or 1,000 results.
const (
	maxResults = 1000
	window     = 90 * 24 * time.Hour
)

// maxPublicIDs bounds the IDs the public may look up in one request, so
// that its allowance bounds its lookups too.
const maxPublicIDs = 10

// The refusals of a caller without a valid api_key, saying why one is
// needed.
const (
	needKeyToSend = "合作方须持乡镇发放的 api_key 提交"
	needKeyToRead = "纠纷含当事人信息，只有提交它的合作方可以查看"
)

// posted is what a POST requests form asks, read and checked for both
// kinds of work.
type posted struct {
	offer       offer
	description string
	location    grid.CellID
	phone       string
	mediaURL    string
	photo       *attachment.Clean // the media_url's picture, fetched and cleaned
}

func (h *handler) create(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	who, ok := h.caller(w, r, needKeyToSend)
	if !ok {
		return
	}
	p, status, problem, err := h.read(r, who)
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	if problem != "" {
		writeError(w, f, status, problem)
		return
	}
	var created request
	if p.offer.dispute != "" {
		created, err = h.register(r, who, p)
	} else {
		created, err = h.report(r.Context(), who, p)
	}
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	list := []request{created}
	write(w, f, http.StatusCreated, requests{Requests: list}, list)
}

// read is what r posts, or the status and, in Chinese, the text of its
// refusal; err is a failure to find out.
func (h *handler) read(r *http.Request, who caller) (p posted, status int, problem string, err error) {
	o, ok := h.offer(r.FormValue("service_code"))
	switch {
	case !ok:
		return p, http.StatusBadRequest, "service_code 无效：请从 services 中选择", nil
	case who.public && !o.public:
		return p, http.StatusForbidden, "此项服务须由持 api_key 的合作方提交：矛盾纠纷含当事人个人信息，不接受匿名提交", nil
	}
	p = posted{offer: o, description: r.FormValue("description"), phone: r.FormValue("phone"), mediaURL: r.FormValue("media_url")}
	if utf8.RuneCountInString(p.description) > maxDescription {
		return p, http.StatusBadRequest, fmt.Sprintf("description 过长：至多 %d 字", maxDescription), nil
	}
	if p.location, problem, err = h.place(r); problem != "" || err != nil {
		return p, http.StatusBadRequest, problem, err
	}
	if p.mediaURL != "" {
		clean, err := h.fetch(r.Context(), p.mediaURL)
		if err != nil {
			h.cfg.Logger.InfoContext(r.Context(), "open311: media_url refused", "url", p.mediaURL, "err", err)
			return p, http.StatusBadRequest, "media_url 不予接收：只取乡镇允许的主机上可用的图片", nil
		}
		p.photo = &clean
	}
	return p, 0, "", nil
}

// place is the cell of the township a request's location names, or, in
// Chinese, what is wrong with it; err is a failure to find it.
func (h *handler) place(r *http.Request) (grid.CellID, string, error) {
	lat, long := r.FormValue("lat"), r.FormValue("long")
	switch {
	case lat != "" || long != "":
		p, ok := parsePoint(lat, long)
		if !ok {
			return "", "lat/long 无效：请给出 WGS-84 的纬度和经度", nil
		}
		if h.cfg.Locate == nil {
			return "", "lat/long 无法定位：辖区网格未绘制边界，请改给 address_string", nil
		}
		id, err := h.cfg.Locate(r.Context(), h.cfg.Township, p)
		switch {
		case fourplusn.ErrorCode(err) == fourplusn.NotFound:
			return "", "lat/long 不在辖区任何网格内：请核对位置（WGS-84），或改给 address_string", nil
		case err != nil:
			return "", "", fmt.Errorf("open311: locate the request: %w", err)
		}
		return id, "", nil
	case r.FormValue("address_string") != "":
		id, problem := h.cellNamed(r.FormValue("address_string"))
		return id, problem, nil
	}
	return "", "缺少位置：请给出 lat/long 或 address_string", nil
}

// parsePoint reads a position in WGS-84, [longitude, latitude].
func parsePoint(lat, long string) (orb.Point, bool) {
	y, errY := strconv.ParseFloat(lat, 64)
	x, errX := strconv.ParseFloat(long, 64)
	if errY != nil || errX != nil || math.IsNaN(x) || math.IsNaN(y) || math.Abs(x) > 180 || math.Abs(y) > 90 {
		return orb.Point{}, false
	}
	return orb.Point{x, y}, true
}

// cellNamed is the one cell of the township named name.
func (h *handler) cellNamed(name string) (grid.CellID, string) {
	name = strings.TrimSpace(name)
	cells, err := h.cfg.Cells().Tree().Descendants(h.cfg.Township)
	if err != nil {
		return "", "address_string 无法识别：辖区没有网格"
	}
	var found []grid.CellID
	for _, c := range cells {
		if c.Name == name && !c.Retired {
			found = append(found, c.ID)
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return "", "address_string 无法识别：须为辖区内一个网格的名称，如“" + h.anyCellName() + "”"
	}
	return "", "address_string 不明确：辖区内有多个同名网格，请改给 lat/long"
}

// anyCellName is a cell's name to show as an example of an address.
func (h *handler) anyCellName() string {
	c, err := h.cfg.Cells().Tree().Cell(h.cfg.Township)
	if err != nil {
		return ""
	}
	return c.Name
}

// fetch fetches u through Media within mediaTimeout, cleaned to keep.
func (h *handler) fetch(ctx context.Context, u string) (attachment.Clean, error) {
	if h.cfg.Media == nil {
		return attachment.Clean{}, fmt.Errorf("open311: no hosts allowed for media_url")
	}
	ctx, cancel := context.WithTimeout(ctx, mediaTimeout)
	defer cancel()
	body, err := h.cfg.Media.Fetch(ctx, u, "")
	if err != nil {
		return attachment.Clean{}, fmt.Errorf("open311: fetch media_url: %w", err)
	}
	defer body.Close()
	return attachment.Sanitize(body, attachment.DefaultLimits)
}

// attached is the notice of a request whose picture attach kept, or,
// when it failed, the notice saying so: the request itself is in, and a
// partner told it failed would send it again.
func (h *handler) attached(ctx context.Context, notice string, attach func() error) string {
	if err := attach(); err != nil {
		h.cfg.Logger.ErrorContext(ctx, "open311: keep the media_url's picture", "err", err)
		return notice + "；media_url 的图片未能保存，请另行提供"
	}
	return notice
}

// upload is p's picture as an upload.
func (p posted) upload() attachment.Upload {
	return attachment.Upload{Kind: attachment.Photo, File: *p.photo}
}

// cellName is the name of the cell at path p, or its ID for a cell no
// longer in the tree.
func (h *handler) cellName(p grid.Path) string {
	if c, err := h.cfg.Cells().Tree().Cell(p.Cell()); err == nil {
		return c.Name
	}
	return string(p.Cell())
}

// dueText writes a deadline in a notice.
func dueText(t time.Time) string { return t.In(work.Zone).Format("2006年1月2日15时04分") }

// find is request id as who may read it: a case or a hazard it sent.
// The public reads only hazards, the ones it reported.
func (h *handler) find(ctx context.Context, who caller, id string) (request, error) {
	if !who.public {
		switch r, err := h.sentCase(ctx, who, id); {
		case err == nil:
			return r, nil
		case fourplusn.ErrorCode(err) != fourplusn.NotFound:
			return request{}, err
		}
	}
	if h.cfg.Hazards != nil {
		return h.sentHazard(ctx, who, id)
	}
	return request{}, notSent(who, id)
}

// notSent is the error of a request who did not send.
func notSent(who caller, id string) error {
	return fourplusn.Errorf(fourplusn.NotFound, "open311: request %s was not sent by %s", id, who.referrer)
}

// reader is who r comes from, answering a refusal when it may not read.
func (h *handler) reader(w http.ResponseWriter, r *http.Request) (caller, bool) {
	return h.caller(w, r, needKeyToRead)
}

func (h *handler) get(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	who, ok := h.reader(w, r)
	if !ok {
		return
	}
	req, err := h.find(r.Context(), who, trimFormat(r.PathValue("id")))
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	list := []request{req}
	write(w, f, http.StatusOK, requests{Requests: list}, list)
}

func (h *handler) token(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	who, ok := h.reader(w, r)
	if !ok {
		return
	}
	// Requests are created at once: a token is the request's ID.
	req, err := h.find(r.Context(), who, trimFormat(r.PathValue("token")))
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	list := []request{{ID: req.ID, Token: req.ID}}
	write(w, f, http.StatusOK, requests{Requests: list}, list)
}

// query is what GET requests' filters ask for.
type query struct {
	offer    *offer // the service asked for; nil for all
	from, to time.Time
	status   string // "open", "closed", or "" for both
}

// wants reports whether q asks for the work of o's kind: disputes when o
// is a dispute service.
func (q query) wants(dispute bool) bool {
	return q.offer == nil || (q.offer.dispute != "") == dispute
}

// listed is a request as GET requests lists it, with when it was made.
type listed struct {
	at  time.Time
	req request
}

func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	who, ok := h.reader(w, r)
	if !ok {
		return
	}
	out := []request{} // an empty list is [] in JSON, not null
	if ids := r.FormValue("service_request_id"); ids != "" {
		if who.public && strings.Count(ids, ",") >= maxPublicIDs {
			writeError(w, f, http.StatusBadRequest, fmt.Sprintf("service_request_id 过多：匿名查询一次至多 %d 个", maxPublicIDs))
			return
		}
		for id := range strings.SplitSeq(ids, ",") {
			req, err := h.find(r.Context(), who, strings.TrimSpace(id))
			if fourplusn.ErrorCode(err) == fourplusn.NotFound {
				continue
			}
			if err != nil {
				h.fail(w, r, f, err)
				return
			}
			out = append(out, req)
		}
		write(w, f, http.StatusOK, requests{Requests: out}, out)
		return
	}
	if who.public {
		writeError(w, f, http.StatusForbidden, "匿名查询须给出 service_request_id：即上报时所得的 token")
		return
	}
	q, problem := h.query(r)
	if problem != "" {
		writeError(w, f, http.StatusBadRequest, problem)
		return
	}
	var found []listed
	if q.wants(true) {
		cases, err := h.sentCases(r.Context(), who, q)
		if err != nil {
			h.fail(w, r, f, err)
			return
		}
		found = append(found, cases...)
	}
	if h.cfg.Hazards != nil && q.wants(false) {
		hazards, err := h.sentHazards(r.Context(), who, q)
		if err != nil {
			h.fail(w, r, f, err)
			return
		}
		found = append(found, hazards...)
	}
	// Each kind lists its newest maxResults: together, the newest
	// maxResults of both are among them.
	slices.SortStableFunc(found, func(a, b listed) int { return b.at.Compare(a.at) })
	for _, l := range found[:min(len(found), maxResults)] {
		out = append(out, l.req)
	}
	write(w, f, http.StatusOK, requests{Requests: out}, out)
}

// query is the listing GET requests' filters ask for, or, in Chinese,
// what is wrong with them.
func (h *handler) query(r *http.Request) (query, string) {
	var q query
	if code := r.FormValue("service_code"); code != "" {
		o, ok := h.offer(code)
		if !ok {
			return q, "service_code 无效：请从 services 中选择"
		}
		q.offer = &o
	}
	for _, d := range []struct {
		name string
		to   *time.Time
	}{{"start_date", &q.from}, {"end_date", &q.to}} {
		if v := r.FormValue(d.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return q, d.name + " 无效：须为带时区的 ISO 8601 时间，如 2026-01-02T08:00:00+08:00"
			}
			*d.to = t
		}
	}
	if q.from.IsZero() {
		to := q.to
		if to.IsZero() {
			to = h.cfg.Now()
		}
		q.from = to.Add(-window)
	}
	switch q.status = r.FormValue("status"); q.status {
	case "", "open", "closed":
	default:
		return q, "status 无效：须为 open 或 closed"
	}
	return q, ""
}

// states are the states of S for which open reports whether they are
// open, the ones status asks for; nil, all of them, for no status.
func states[S any](status string, all []S, open func(S) bool) []S {
	if status == "" {
		return nil
	}
	var out []S
	for _, s := range all {
		if open(s) == (status == "open") {
			out = append(out, s)
		}
	}
	return out
}

// updatedAt is the latest of the times something happened to a request.
func updatedAt(times ...time.Time) time.Time {
	return slices.MaxFunc(times, time.Time.Compare)
}
