package open311

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
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

func (h *handler) create(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	key, ok := h.key(r)
	if !ok {
		writeError(w, f, http.StatusForbidden, "api_key 无效：合作方须持乡镇发放的 api_key 提交")
		return
	}
	in, problem := h.intake(r, key)
	if problem != "" {
		writeError(w, f, http.StatusBadRequest, problem)
		return
	}
	var photo *attachment.Clean
	if u := r.FormValue("media_url"); u != "" {
		clean, err := h.fetch(r.Context(), u)
		if err != nil {
			h.cfg.Logger.InfoContext(r.Context(), "open311: media_url refused", "url", u, "err", err)
			writeError(w, f, http.StatusBadRequest, "media_url 不予接收：只取乡镇允许的主机上可用的图片")
			return
		}
		photo = &clean
	}
	c, err := h.cfg.Cases.Register(r.Context(), key.Member, in)
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	if photo != nil {
		if c, err = h.cfg.Cases.Attach(r.Context(), key.Member, c.ID, c.Version, attachment.Upload{Kind: attachment.Photo, File: *photo}); err != nil {
			h.fail(w, r, f, err)
			return
		}
	}
	list := []request{{ID: string(c.ID), ServiceNotice: h.notice(c)}}
	write(w, f, http.StatusCreated, requests{Requests: list}, list)
}

// notice is what the partner may tell the resident once a dispute is in.
func (h *handler) notice(c *mediation.Case) string {
	return fmt.Sprintf("已登记，由%s办理，受理期限%s", h.cellName(c.Handling), c.AcceptDue.In(work.Zone).Format("2006年1月2日15时04分"))
}

// cellName is the name of the cell at path p, or its ID for a cell no
// longer in the tree.
func (h *handler) cellName(p grid.Path) string {
	if c, err := h.cfg.Cells().Tree().Cell(p.Cell()); err == nil {
		return c.Name
	}
	return string(p.Cell())
}

// intake is the dispute a POST requests form describes, or, in Chinese,
// what is wrong with it.
func (h *handler) intake(r *http.Request, key Key) (mediation.Intake, string) {
	cat, ok := h.category(r.FormValue("service_code"))
	if !ok {
		return mediation.Intake{}, "service_code 无效：请从 services 中选择"
	}
	desc := r.FormValue("description")
	if utf8.RuneCountInString(desc) > maxDescription {
		return mediation.Intake{}, fmt.Sprintf("description 过长：至多 %d 字", maxDescription)
	}
	in := mediation.Intake{
		Channel: work.ChannelReferral, ReferredBy: key.Partner, Category: cat, Facts: desc,
		Applicants: []mediation.Party{{
			Name:  strings.TrimSpace(r.FormValue("last_name") + r.FormValue("first_name")),
			Phone: r.FormValue("phone"),
		}},
		Respondents: []mediation.Party{{Name: strings.TrimSpace(r.FormValue("attribute[" + respondentAttribute + "]"))}},
	}
	lat, long := r.FormValue("lat"), r.FormValue("long")
	switch {
	case lat != "" || long != "":
		y, errY := strconv.ParseFloat(lat, 64)
		x, errX := strconv.ParseFloat(long, 64)
		if errY != nil || errX != nil {
			return mediation.Intake{}, "lat/long 无效：请给出 WGS-84 的纬度和经度"
		}
		in.Point = &orb.Point{x, y}
	case r.FormValue("address_string") != "":
		id, problem := h.cellNamed(r.FormValue("address_string"))
		if problem != "" {
			return mediation.Intake{}, problem
		}
		in.Location = id
	default:
		return mediation.Intake{}, "缺少位置：请给出 lat/long 或 address_string"
	}
	return in, ""
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

// requestOf is case c as the spec's service request.
func (h *handler) requestOf(c *mediation.Case) request {
	status := "closed"
	if c.State.Open() {
		status = "open"
	}
	expected := c.ResolveDue
	if c.State == mediation.Registered || expected.IsZero() {
		expected = c.AcceptDue
	}
	updated := c.RegisteredAt
	for _, t := range []time.Time{c.AcceptedAt, c.ResolvedAt, c.ClosedAt} {
		if t.After(updated) {
			updated = t
		}
	}
	out := request{
		ID: string(c.ID), Status: status, StatusNotes: c.State.Title(),
		ServiceName: c.Category.Title(), ServiceCode: string(c.Category), Description: c.Facts,
		AgencyResponsible: h.cellName(c.Handling), Requested: timeText(c.RegisteredAt),
		Updated: timeText(updated), Expected: timeText(expected),
	}
	if c.OutOfJurisdiction() {
		out.Address = c.Outside
	} else {
		out.Address, out.AddressID = h.cellName(c.Location), string(c.Location.Cell())
	}
	return out
}

// sent is the case id, if the partner of key sent it.
func (h *handler) sent(ctx context.Context, key Key, id string) (*mediation.Case, error) {
	c, err := h.cfg.Cases.Get(ctx, key.Member, mediation.ID(id))
	if err != nil {
		return nil, err
	}
	if c.Channel != work.ChannelReferral || c.ReferredBy != key.Partner {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "open311: case %s was not sent by %s", id, key.Partner)
	}
	return c, nil
}

// reader is the partner whose api_key r carries, answering a refusal when
// there is none.
func (h *handler) reader(w http.ResponseWriter, r *http.Request) (Key, bool) {
	key, ok := h.key(r)
	if !ok {
		writeError(w, formatOf(r.URL.Path), http.StatusForbidden, "api_key 无效：纠纷含当事人信息，只有提交它的合作方可以查看")
	}
	return key, ok
}

func (h *handler) get(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	key, ok := h.reader(w, r)
	if !ok {
		return
	}
	c, err := h.sent(r.Context(), key, trimFormat(r.PathValue("id")))
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	list := []request{h.requestOf(c)}
	write(w, f, http.StatusOK, requests{Requests: list}, list)
}

func (h *handler) token(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	key, ok := h.reader(w, r)
	if !ok {
		return
	}
	// Requests are created at once: a token is the request's ID.
	c, err := h.sent(r.Context(), key, trimFormat(r.PathValue("token")))
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	list := []request{{ID: string(c.ID), Token: string(c.ID)}}
	write(w, f, http.StatusOK, requests{Requests: list}, list)
}

func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	key, ok := h.reader(w, r)
	if !ok {
		return
	}
	out := []request{} // an empty list is [] in JSON, not null
	if ids := r.FormValue("service_request_id"); ids != "" {
		for id := range strings.SplitSeq(ids, ",") {
			c, err := h.sent(r.Context(), key, strings.TrimSpace(id))
			if fourplusn.ErrorCode(err) == fourplusn.NotFound {
				continue
			}
			if err != nil {
				h.fail(w, r, f, err)
				return
			}
			out = append(out, h.requestOf(c))
		}
		write(w, f, http.StatusOK, requests{Requests: out}, out)
		return
	}
	filter, problem := h.filter(r)
	if problem != "" {
		writeError(w, f, http.StatusBadRequest, problem)
		return
	}
	for len(out) < maxResults {
		page, err := h.cfg.Cases.List(r.Context(), key.Member, filter)
		if err != nil {
			h.fail(w, r, f, err)
			return
		}
		for _, c := range page.Cases {
			if c.ReferredBy == key.Partner && len(out) < maxResults {
				out = append(out, h.requestOf(c))
			}
		}
		if page.Next == "" {
			break
		}
		filter.Before = page.Next
	}
	write(w, f, http.StatusOK, requests{Requests: out}, out)
}

// filter is the listing GET requests' filters ask for, or, in Chinese,
// what is wrong with them.
func (h *handler) filter(r *http.Request) (mediation.Filter, string) {
	f := mediation.Filter{Township: h.cfg.Township, Channel: work.ChannelReferral, Limit: work.MaxPage}
	if code := r.FormValue("service_code"); code != "" {
		c, ok := h.category(code)
		if !ok {
			return f, "service_code 无效：请从 services 中选择"
		}
		f.Category = c
	}
	for _, d := range []struct {
		name string
		to   *time.Time
	}{{"start_date", &f.RegisteredFrom}, {"end_date", &f.RegisteredTo}} {
		if v := r.FormValue(d.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, d.name + " 无效：须为带时区的 ISO 8601 时间，如 2026-01-02T08:00:00+08:00"
			}
			*d.to = t
		}
	}
	if f.RegisteredFrom.IsZero() {
		to := f.RegisteredTo
		if to.IsZero() {
			to = h.cfg.Now()
		}
		f.RegisteredFrom = to.Add(-window)
	}
	switch r.FormValue("status") {
	case "":
	case "open":
		f.States = states(true)
	case "closed":
		f.States = states(false)
	default:
		return f, "status 无效：须为 open 或 closed"
	}
	return f, ""
}

// states are the case states open, or those closed, as the spec counts
// them.
func states(open bool) []mediation.State {
	var out []mediation.State
	for s := mediation.Registered; s.Valid(); s++ {
		if s.Open() == open {
			out = append(out, s)
		}
	}
	return out
}
