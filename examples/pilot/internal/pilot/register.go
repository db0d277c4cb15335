package pilot

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// A member's registration of a dispute received in person, by phone or
// chat, or referred (登记), routed in the same step (分派): the form names
// the cell to handle it, the rules' choice unless the member picks
// another, and the case then waits for that cell to accept it, once.

// registerInputs are the inputs of the registration form.
var registerInputs = []input{
	{"channel", "受理渠道", "请从列表中选择受理渠道；社区民警渠道须由民警登记，网格长上报须由三至五级网格长登记。", []string{"channel"}},
	{"referred_by", "移送单位", "移送的纠纷请填写移送单位，不超过200个字。", []string{"referred_by"}},
	{"name", "申请人姓名", "请填写申请人姓名，不超过50个字，不含特殊字符。", []string{"applicants", "applicants[].name"}},
	{"phone", "手机号码", "请填写11位手机号码，或留空。", []string{"applicants[].phone"}},
	{"address", "住址", "住址不超过200个字，不含特殊字符。", []string{"applicants[].address"}},
	{"respondent", "对方姓名", "对方姓名不超过50个字，不含特殊字符。", []string{"respondents", "respondents[].name"}},
	{"category", "纠纷类别", "请从列表中选择纠纷类别。", []string{"category"}},
	{"location", "纠纷发生地", "请从列表中选择本办事处的纠纷发生地。", []string{"location", "outside"}},
	{"claim", "请求金额", "请以元为单位填写金额，如 1500 或 1500.50，最多两位小数。", []string{"claims", "claims[].amount", "claims[].description"}},
	{"risk", "风险", "请从列表中选择风险。", []string{"risks"}},
	{"facts", "纠纷经过", "请填写纠纷经过，不超过5000字，不含控制字符等特殊字符。", []string{"facts"}},
	{"route", "分派至", "请选择本办事处的网格；改派须有分派权限。", []string{"handling"}},
}

// registerChannels are the channels a member registers through, in the
// form's order: online applications are the residents' own.
var registerChannels = []work.Channel{
	work.ChannelWalkIn, work.ChannelGridHead, work.ChannelPolice, work.ChannelWeChat,
	work.ChannelWeCom, work.ChannelReferral, work.ChannelScreening,
}

// riskChoice is a risk the registration form offers.
type riskChoice struct {
	ID    string
	Label string
	Flag  mediation.RiskFlags
}

// riskChoices are the registration form's risks, one at most: the one
// that raises the grade most is what matters at registration.
var riskChoices = []riskChoice{
	{"", "无", 0},
	{"fight", "可能引发打架斗殴", mediation.LikelyFight},
	{"criminal", "可能民转刑", mediation.CivilToCriminal},
	{"petition", "扬言上访", mediation.PetitionThreat},
	{"group", "群体性纠纷", mediation.GroupDispute},
}

// mayRegister reports whether m may register a dispute through any post.
func (s *Server) mayRegister(m grid.Member) bool {
	return len(s.app.Policy.Scope(m.Actor(), grid.Register)) > 0
}

func (s *Server) registerForm(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.renderRegister(w, r, m, http.StatusOK, formState{Values: url.Values{}})
}

// renderRegister shows the registration form as st left it.
func (s *Server) renderRegister(w http.ResponseWriter, r *http.Request, m grid.Member, status int, st formState) {
	if !s.mayRegister(m) {
		s.fail(w, r, http.StatusForbidden, "您的岗位不能登记纠纷。")
		return
	}
	key, err := formKey(st.Values)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	channels := make([]map[string]string, len(registerChannels))
	for i, c := range registerChannels {
		channels[i] = map[string]string{"ID": c.String(), "Label": c.Title()}
	}
	cats := make([]map[string]string, len(categoryOrder))
	for i, c := range categoryOrder {
		cats[i] = map[string]string{"ID": string(c), "Label": c.Title()}
	}
	township := m.Actor().Township
	s.render(w, r, status, "register", map[string]any{
		"Title": "登记纠纷", "Form": st.Values, "Errors": st.Errors, "Message": st.Message, "Key": key,
		"Channels": channels, "Categories": cats, "Risks": riskChoices,
		"Places": s.places(township, 3, 4), "Targets": s.places(township, 1, 2, 3, 4),
	})
}

// register registers the dispute of the form and routes it to the cell
// chosen, or where the rules route it, then shows the case with what
// happens next.
func (s *Server) register(w http.ResponseWriter, r *http.Request, m grid.Member) {
	f := r.PostForm
	key := f.Get("key")
	if len(key) < 8 || len(key) > 64 {
		s.renderRegister(w, r, m, http.StatusBadRequest, formState{Values: url.Values{}, Message: "表单已过期，请重新填写。"})
		return
	}
	var v fourplusn.Validation
	channel, err := work.ParseChannel(f.Get("channel"))
	if err != nil {
		v.Fail("channel", "no such channel")
	}
	in := mediation.Intake{
		Channel: channel, ReferredBy: f.Get("referred_by"), Category: mediation.Category(f.Get("category")),
		Applicants: []mediation.Party{{Name: f.Get("name"), Phone: strings.TrimSpace(f.Get("phone")), Address: f.Get("address")}},
		Facts:      f.Get("facts"), Location: grid.CellID(f.Get("location")), Handling: grid.CellID(f.Get("route")),
		IdempotencyKey: key,
	}
	readRespondentAndClaim(f, &v, &in)
	i := slices.IndexFunc(riskChoices, func(c riskChoice) bool { return c.ID == f.Get("risk") })
	if i < 0 {
		v.Fail("risks", "no such risk")
	} else {
		in.Risks = riskChoices[i].Flag
	}
	if !v.OK() {
		v.Add(in.Validate(s.app.Cases.Rules()))
		s.renderRegister(w, r, m, http.StatusBadRequest, refused("register", registerInputs, f, v.Err()))
		return
	}
	c, err := s.app.Cases.Register(r.Context(), m.Actor(), in)
	if fourplusn.ErrorCode(err) == fourplusn.Invalid || fourplusn.ErrorCode(err) == fourplusn.NotFound && fourplusn.ErrorField(err) != "" {
		s.renderRegister(w, r, m, http.StatusBadRequest, refused("register", registerInputs, f, err))
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.hub.Publish()
	how := "按规则分派至"
	if in.Handling != "" {
		how = "已分派至"
	}
	msg := "已登记为" + caseName(c) + "，" + how + s.app.CellName(c.Handling) + "，等待其受理。"
	// At registration the registrar is shown the likely duplicates, on
	// the case's page; the sentence says there are some.
	if dups, err := s.app.Cases.Duplicates(r.Context(), m.Actor(), c.ID); err == nil {
		msg += duplicatesNote(len(dups))
	}
	done(w, r, "/cases/"+url.PathEscape(string(c.ID)), msg)
}
