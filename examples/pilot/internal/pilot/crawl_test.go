package pilot_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/work"
)

// crawlRoles are the demo's members, one for each role and level: every
// kind of post a township gives.
var crawlRoles = []string{
	"gc-secretary", "gc-justice", "gc-mediator", "gc-duty-1", "gc-land", "gc-admin",
	"gc-east-head", "mayuan-head", "mayuan-police", "mayuan-1-head", "mayuan-security",
	"mayuan-aux", "mayuan-residents", "mayuan-1-zhang-elder",
}

// crawlLimit bounds the pages visited per member: the demo's pages are
// fewer, so the bound is only a guard against a loop of new addresses.
const crawlLimit = 400

// latinWord is a word of Latin letters, which no page may show: every
// word a person reads is Chinese.
var latinWord = regexp.MustCompile(`[A-Za-z]{2,}`)

// allowedWords are the words in Latin letters a Chinese page may show:
// the file formats and the unit of a file's size as Chinese offices
// write them (照片或PDF文件, 每张不超过20MB, .xlsx 或 .csv).
var allowedWords = []string{"PDF", "JPEG", "PNG", "MB", "xlsx", "csv"}

// TestCrawlChineseOnly signs in as every demo role and follows every link
// from the home page, breadth first: no page shows a word in Latin
// letters, and no link leads to a page the member may not open.
func TestCrawlChineseOnly(t *testing.T) {
	app, ts := newPilot(t)
	// What the console shows only when something went wrong: a
	// notification that failed for good, a chat message that could not
	// be registered, each with its technical reason, in English.
	ctx, now := context.Background(), time.Now()
	box := app.DB.Outbox()
	require.NoError(t, box.Enqueue(ctx, now, work.Notice{
		Key: "crawl-failure", Township: gridtest.GuchengID, SubjectKind: work.SubjectCase, Subject: "C1",
		Kind: work.NoticeAlert, Action: "accept", Title: "【超时未受理】测试通知", Text: "测试", At: now,
		To: []work.Recipient{work.ToDuty(gridtest.GuchengID)},
	}))
	claimed, err := box.Claim(ctx, now, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.NoError(t, box.Record(ctx, claimed[0].ID, claimed[0].Claim, outbox.Result{State: outbox.Failed, LastError: "webhook answered 410"}))
	m, _, err := app.DB.ChannelMessages().Receive(ctx, inbox.Message{
		ID: "in-1", Channel: work.ChannelWeCom, SourceID: "msg-1", Sender: "wx-wang", Received: now,
		Body: "王某 13900001111 马园一组 院墙被推倒", Status: inbox.Received,
	})
	require.NoError(t, err)
	m.Status, m.Error = inbox.Failed, "database is locked"
	require.NoError(t, app.DB.ChannelMessages().Settle(ctx, m))
	for _, role := range crawlRoles {
		t.Run(role, func(t *testing.T) {
			c := newClient(t, ts.URL)
			require.Equal(t, http.StatusSeeOther, c.login(role, pilot.DemoPassword).StatusCode)
			seen := map[string]bool{"/": true}
			queue := []string{"/"}
			for len(queue) > 0 && len(seen) < crawlLimit {
				page := queue[0]
				queue = queue[1:]
				resp, body := c.get(page)
				if resp.StatusCode == http.StatusSeeOther || resp.StatusCode == http.StatusFound {
					link := sameOrigin(ts.URL, page, resp.Header.Get("Location"))
					if link != "" && !seen[link] {
						seen[link] = true
						queue = append(queue, link)
					}
					continue
				}
				if resp.StatusCode == http.StatusForbidden || resp.StatusCode >= 500 {
					t.Errorf("%s: a link leads to %s, which answers %d", role, page, resp.StatusCode)
					continue
				}
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					continue
				}
				doc, err := html.Parse(strings.NewReader(body))
				require.NoError(t, err)
				for _, word := range english(doc) {
					t.Errorf("%s: %s shows %q", role, page, word)
				}
				for _, href := range links(doc) {
					link := sameOrigin(ts.URL, page, href)
					if link != "" && !seen[link] {
						seen[link] = true
						queue = append(queue, link)
					}
				}
			}
			t.Logf("%s: %d pages", role, len(seen))
		})
	}
}

// english returns the words in Latin letters of doc's visible text and
// of the attributes people read (a placeholder, a title, an image's
// alternative, a button's value), but the allowed ones.
func english(doc *html.Node) []string {
	var out []string
	check := func(s string) {
		for _, w := range latinWord.FindAllString(s, -1) {
			if !slices.Contains(allowedWords, w) {
				out = append(out, w+" in "+strings.TrimSpace(s))
			}
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "svg":
				// Not text: a chart's figures are checked as the page's.
				if n.Data != "svg" {
					return
				}
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "placeholder", "title", "alt", "aria-label":
					check(a.Val)
				case "value":
					if attr(n, "type") == "submit" || attr(n, "type") == "button" {
						check(a.Val)
					}
				}
			}
		}
		if n.Type == html.TextNode && !copied(n) {
			check(n.Data)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return out
}

// copied reports whether text n is an identifier a person types or
// copies as it is — a login name, a cell's code, a tracking code —,
// which the pages set in a <code> element.
func copied(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "code" {
			return true
		}
	}
	return false
}

// links returns the addresses of doc's links and of its forms that GET.
func links(doc *html.Node) []string {
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			if href := attr(n, "href"); href != "" {
				out = append(out, href)
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// sameOrigin returns href, read on page, as a path and query on the
// server at base, or "" for another origin, a fragment of the same page,
// or a file to download.
func sameOrigin(base, page, href string) string {
	b, _ := url.Parse(base)
	p, err := b.Parse(page)
	if err != nil {
		return ""
	}
	u, err := p.Parse(href)
	if err != nil || u.Host != b.Host || u.Scheme != b.Scheme {
		return ""
	}
	if strings.HasSuffix(u.Path, ".xlsx") || strings.HasPrefix(u.Path, "/static/") || strings.HasPrefix(u.Path, "/api/") {
		return ""
	}
	u.Fragment = ""
	return u.RequestURI()
}
