package open311

import (
	"net/http"
	"slices"
	"strings"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

// The service codes: a dispute category's code behind disputePrefix, a
// hazard category's behind hazardPrefix. Both sets are the township's own
// and both have an "other", so a bare category could name either; the
// prefix says which work a request is, before the category does.
const (
	disputePrefix = "dispute."
	hazardPrefix  = "hazard."
)

// The groups services fall in, as the township's work is split.
const (
	disputeGroup = "矛盾纠纷"
	hazardGroup  = "安全隐患"
)

// offer is one service: a dispute category or a hazard category, as
// services answers it.
type offer struct {
	service
	dispute mediation.Category // the category of a dispute service
	hazard  hazard.Category    // the category of a hazard service
	// public is whether the public may post it without an api_key.
	public bool
}

// offers are the services, disputes then hazards, each in a fixed order.
func (h *handler) offers() []offer {
	var out []offer
	for _, c := range sortedKeys(h.cfg.Cases.Rules().Categories) {
		out = append(out, offer{service: service{
			Code: disputePrefix + string(c), Name: c.Title(), Description: c.Title() + "：由所在网格受理调解",
			Metadata: true, Type: "realtime", Keywords: "矛盾纠纷,调解", Group: disputeGroup,
		}, dispute: c})
	}
	if h.cfg.Hazards == nil {
		return out
	}
	for _, c := range sortedKeys(h.cfg.Hazards.Rules().Categories) {
		o := offer{service: service{
			Code: hazardPrefix + string(c), Name: c.Title(), Description: c.Title() + "：由所在网格整改，上级网格验收",
			Type: "realtime", Keywords: "安全隐患,整改", Group: hazardGroup,
		}, hazard: c, public: h.cfg.Public != nil && publicCategory(c)}
		if o.public {
			o.Description += "；无需 api_key 即可上报"
		}
		out = append(out, o)
	}
	return out
}

// publicCategory reports whether the public may report hazards of
// category c without an api_key: any but a dispute lead, which tells of
// people in a quarrel — the personal particulars a dispute carries, which
// only a partner the township knows may hand in.
func publicCategory(c hazard.Category) bool { return c != hazard.DisputeLead }

// sortedKeys are m's keys in order.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// offer is the service whose code is code, if there is one.
func (h *handler) offer(code string) (offer, bool) {
	if !strings.HasPrefix(code, disputePrefix) && !strings.HasPrefix(code, hazardPrefix) {
		return offer{}, false
	}
	for _, o := range h.offers() {
		if o.Code == code {
			return o, true
		}
	}
	return offer{}, false
}

func (h *handler) services(w http.ResponseWriter, r *http.Request) {
	var list []service
	for _, o := range h.offers() {
		list = append(list, o.service)
	}
	write(w, formatOf(r.URL.Path), http.StatusOK, services{Services: list}, list)
}

func (h *handler) definition(w http.ResponseWriter, r *http.Request) {
	f := formatOf(r.URL.Path)
	o, ok := h.offer(trimFormat(r.PathValue("code")))
	if !ok {
		writeError(w, f, http.StatusNotFound, "没有这项服务")
		return
	}
	attrs := []attribute{} // a hazard asks nothing beyond the spec's own fields
	if o.dispute != "" {
		attrs = disputeAttributes
	}
	write(w, f, http.StatusOK, definition{Code: o.Code, Attributes: attrs}, nil)
}

// respondentAttribute is the attribute naming the other party: a dispute
// is between people, and the spec's own fields name only the one who
// reports it.
const respondentAttribute = "respondent"

// disputeAttributes are what every dispute service asks beyond the spec's
// own fields.
var disputeAttributes = []attribute{{
	Variable: true, Code: respondentAttribute, Datatype: "string", Required: true,
	DatatypeDescription: "姓名或单位名称", Order: 1, Description: "对方当事人（被申请人）",
	Values: []value{},
}}

// keyService is discovery's key_service: where partners get a key, and
// what the public may do without one.
func (h *handler) keyService() string {
	s := "api_key 由乡镇（街道）矛盾纠纷调解中心发放"
	if h.cfg.Public != nil {
		s += "；无 api_key 者可上报安全隐患（矛盾纠纷线索除外），并凭所得 token 查询办理状态"
	}
	return s
}
