package open311

import (
	"net/http"
	"strconv"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/peer"
)

// publicReferrer is who passed on what the public sends without an
// api_key, as the hazard records it: no partner may take the name.
const publicReferrer = "匿名公众"

// caller is who posts or reads requests: a partner by its api_key, or,
// where the township allows, the public without one.
type caller struct {
	// referrer is who the work records as having passed a request on:
	// the partner's name, or publicReferrer.
	referrer string
	// member registers what the caller sends, and reads it back.
	member grid.Actor
	public bool
}

// caller is who r comes from, answering a refusal when r may not be
// taken: a wrong api_key, none where the township takes none (refused
// says why it is needed), or a client past its allowance. A request
// without a valid api_key is counted against its client's address
// before anything else is read, so that neither guessing keys nor
// guessing tokens goes faster than the allowance.
func (h *handler) caller(w http.ResponseWriter, r *http.Request, refused string) (caller, bool) {
	f := formatOf(r.URL.Path)
	given := r.FormValue("api_key")
	if k, ok := h.cfg.Keys[given]; ok && given != "" {
		return caller{referrer: k.Partner, member: k.Member}, true
	}
	p := h.cfg.Public
	if p == nil {
		writeError(w, f, http.StatusForbidden, "api_key 无效："+refused)
		return caller{}, false
	}
	ok, err := p.Limits.Allow(r.Context(), "open311 "+peer.Key(r.RemoteAddr), p.Every, p.Burst, h.cfg.Now())
	switch {
	case err != nil:
		// What the request asks needs the same store: it could not be
		// answered either.
		h.cfg.Logger.WarnContext(r.Context(), "open311: the rate limits failed", "err", err)
		writeError(w, f, http.StatusServiceUnavailable, "服务暂时不可用，请稍后再试")
		return caller{}, false
	case !ok:
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(p.Every.Seconds()))))
		writeError(w, f, http.StatusTooManyRequests, "请求过于频繁：同一网络地址的匿名请求已达上限，请稍后再试")
		return caller{}, false
	case given != "":
		writeError(w, f, http.StatusForbidden, "api_key 无效：请核对乡镇发放的 api_key，或不带 api_key 匿名上报安全隐患")
		return caller{}, false
	}
	return caller{referrer: publicReferrer, member: p.Member, public: true}, true
}
