package pilot_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestBrowserUploadProgress sends a photo of 1.5 MB on a phone (390 × 844)
// over a connection that uploads 200 kB a second: the application form
// offers the camera beside the album; the case page's upload shows a bar
// that fills while the photo goes, with how much has gone in Chinese, and
// once it has gone the case page shows the photo's thumbnail.
func TestBrowserUploadProgress(t *testing.T) {
	exe := chromium(t)
	app, ts := newPilot(t)
	dir := screenshots(t)
	_, tab := browser(t, exe)
	base := ts.URL
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)

	// The resident's form: a camera input and an album one, one field.
	do(t, tab, "the application form", phone, chromedp.Navigate(base+"/apply"), chromedp.WaitVisible(chromedp.CSS(`label[for="photos-camera"]`)))
	camera, err := chromedp.Run(tab, chromedp.Evaluate[map[string]string](`(() => {
		const c = document.querySelector("#photos-camera"), a = document.querySelector("#photos");
		return {capture: c.getAttribute("capture"), accept: c.accept, type: c.type, name: c.name, album: a.name, multiple: String(a.multiple),
			labels: Array.from(document.querySelectorAll("#apply .file-choose label")).map(l => l.textContent).join("/")};
	})()`))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"capture": "environment", "accept": "image/*", "type": "file", "name": "photos", "album": "photos", "multiple": "true", "labels": "拍照/从相册选择"}, camera)

	// A case 马园's head mediates.
	head, _ := app.Member("mayuan-head")
	ctx := context.Background()
	c, err := app.Cases.Register(ctx, head.Actor(), mediation.Intake{
		Channel: work.ChannelWalkIn, Category: mediation.Neighbour, Location: grid.CellID("mayuan-1"), Facts: "两家因排水沟堵塞互相指责。",
		Applicants: []mediation.Party{{Name: "王某某", Phone: "13900001111"}}, Respondents: []mediation.Party{{Name: "张某某"}},
	})
	require.NoError(t, err)
	_, err = app.Cases.Accept(ctx, head.Actor(), c.ID, c.Version)
	require.NoError(t, err)
	big := filepath.Join(t.TempDir(), "现场.jpg")
	data := noisyPhoto(t, 1400, 1050)
	require.Greater(t, len(data), 1<<20, "a photo of more than 1 MB")
	require.NoError(t, os.WriteFile(big, data, 0o600))

	login(t, tab, base, "mayuan-head")
	do(t, tab, "the case page",
		phone,
		chromedp.Navigate(base+"/cases/"+string(c.ID)),
		chromedp.SetUploadFiles(chromedp.CSS("#attach-file"), []string{big}),
	)
	_, err = chromedp.Call(tab, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{DownloadThroughput: -1, UploadThroughput: 200_000}},
	})
	require.NoError(t, err)
	do(t, tab, "upload", chromedp.Click(chromedp.CSS("#do-attach")))

	// Watch the bar while the photo goes.
	type bar struct {
		Value    float64 `json:"value"`
		Line     string  `json:"line"`
		Disabled bool    `json:"disabled"`
	}
	var mid []bar
	pictured := false
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		b, err := chromedp.Run(tab, chromedp.Evaluate[*bar](`(() => {
			const p = document.querySelector("#attach-form .upload-progress progress");
			return p && {value: p.value, line: document.querySelector("#attach-form .upload-line").textContent, disabled: document.querySelector("#do-attach").disabled};
		})()`))
		if err != nil || b == nil {
			break // the result is loading
		}
		if b.Value >= 1 && b.Value <= 99 {
			if !pictured && b.Value >= 30 {
				shotOf(t, tab, dir, "pilot-upload-progress", "#attach-form")
				pictured = true
			}
			mid = append(mid, *b)
		}
		if b.Value == 100 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NotEmpty(t, mid, "the bar was seen filling")
	assert.Greater(t, len(mid), 3, "seen more than once as it filled")
	for _, b := range mid {
		assert.Regexp(t, `^正在上传：已传 \d+\.\d MB / 共 1\.\d MB（\d{1,2}%）$`, b.Line)
		assert.True(t, b.Disabled, "the button is disabled while the photo goes")
	}
	assert.Less(t, mid[0].Value, mid[len(mid)-1].Value, "it fills")

	// The photo landed: the case page, loaded again, shows its thumbnail.
	// The page navigates while it is asked, so a question may fail.
	landed := false
	for deadline := time.Now().Add(30 * time.Second); !landed && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		landed, _ = chromedp.Run(tab, chromedp.Evaluate[bool](`(() => {
			const i = document.querySelectorAll("#attachment-photos img");
			return !document.querySelector(".upload-progress") && i.length === 1 && i[0].complete && i[0].naturalWidth > 0;
		})()`))
	}
	require.True(t, landed, "the thumbnail of the photo sent")
	assert.Contains(t, text(t, tab, "#attachment-photos"), "照片1", "the photo sent")
	at, err := chromedp.Run(tab, chromedp.Location())
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(at, "#attachments"), "back at the attachments, as a form sent without the script is: %s", at)
	width, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	assert.LessOrEqual(t, width, 390, "nothing wider than the phone")
}

// noisyPhoto returns a w × h JPEG of noise, which compresses as badly as a
// photo of a busy scene does.
func noisyPhoto(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rnd := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(rnd.IntN(256)), uint8(rnd.IntN(256)), uint8(rnd.IntN(256)), 0xff})
		}
	}
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}))
	return b.Bytes()
}
