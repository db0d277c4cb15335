package pilot_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/mediation"
)

// upload is a file a form sends: its name and bytes.
type upload struct {
	name string
	data []byte
}

// postFiles posts fields and files, each in the form's input field, as a
// multipart form, with the CSRF token of the page at page.
func (c *client) postFiles(path, page, field string, files []upload, fields url.Values) (*http.Response, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields.Set("csrf", c.csrfOf(page))
	for k, vs := range fields {
		for _, v := range vs {
			require.NoError(c.t, mw.WriteField(k, v))
		}
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile(field, f.name)
		require.NoError(c.t, err)
		_, err = fw.Write(f.data)
		require.NoError(c.t, err)
	}
	require.NoError(c.t, mw.Close())
	resp, err := c.http.Post(c.base+path, mw.FormDataContentType(), &buf)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp, string(b)
}

// photo returns a small JPEG of one colour, as a phone's camera would
// send one (without its EXIF).
func photo(t testing.TB, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, nil))
	return b.Bytes()
}

// scan is a whole (if empty) PDF document.
var scan = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// pngDeclaring returns a PNG's signature and header declaring w × h
// pixels, and nothing more: a decompression bomb's first bytes.
func pngDeclaring(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

// refusedUploads are files the pilot refuses, with the Chinese reason its
// pages give for each.
var refusedUploads = []struct {
	file   upload
	reason string
}{
	{upload{"说明.txt", []byte("这是一段文字，不是照片。")}, "只接受JPEG、PNG、WebP照片或PDF文件"},
	{upload{"IMG_0001.HEIC", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 64)...)}, "不接受HEIC格式的照片"},
	{upload{"巨图.png", pngDeclaring(30000, 30000)}, "图片像素过多"},
	{upload{"坏照片.jpg", append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte{0x42}, 100)...)}, "文件已损坏"},
	{upload{"半份.pdf", []byte("%PDF-1.4\n1 0 obj")}, "PDF文件不完整或已损坏"},
	{upload{"超大.jpg", append([]byte("\xff\xd8\xff"), make([]byte, attachment.DefaultLimits.MaxBytes)...)}, "文件超过20MB"},
}

// version returns the stored version of case id, as a form sends it.
func version(t *testing.T, app *pilot.App, id mediation.ID) string {
	t.Helper()
	c, err := app.DB.Cases().Get(context.Background(), id)
	require.NoError(t, err)
	return strconv.FormatInt(c.Version, 10)
}

// TestAttachFiles checks the case page's upload: several files attached
// at once and shown — photos as thumbnails, a PDF by name and size —,
// served with their own type to those who see the case and to no one
// else, the refused ones named in Chinese, and a file sent twice attached
// once.
func TestAttachFiles(t *testing.T) {
	app, ts := newPilot(t)
	head := headClient(t, ts.URL)
	kase, page, _ := openCase(t, app, head)

	resp, body := head.postFiles(page+"/attach", page, "file",
		[]upload{{"院墙.jpg", photo(t, 640, 480, color.RGBA{0x80, 0x60, 0x40, 0xff})}, {"欠条.pdf", scan}},
		url.Values{"version": {version(t, app, kase.ID)}, "kind": {"evidence"}, "of": {"session:1"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	assert.Equal(t, page+"#attachments", resp.Header.Get("Location"))
	stored, err := app.DB.Cases().Get(context.Background(), kase.ID)
	require.NoError(t, err)
	require.Len(t, stored.Attachments, 2)
	assert.Equal(t, attachment.Evidence, stored.Attachments[0].Kind)
	assert.Equal(t, "session:1", stored.Attachments[1].Of)

	_, body = head.get(page)
	assert.Contains(t, body, `<img src="`+page+`/attachments/1/thumbnail" alt="证据材料1"`)
	assert.Contains(t, body, `<a href="`+page+`/attachments/2" target="_blank" rel="noopener">证据材料2（PDF，`)
	assert.Contains(t, body, "第1次调解")
	assert.Contains(t, body, `accept="image/*,application/pdf" multiple`)
	assert.Contains(t, body, `<option value="identity_document">身份证明</option>`, "the head sees the parties unmasked")

	for _, tc := range []struct {
		path, typ, csp string
	}{
		{"/attachments/1/thumbnail", attachment.JPEG, "sandbox"},
		{"/attachments/1", attachment.JPEG, "sandbox"},
		{"/attachments/2", attachment.PDF, "frame-ancestors 'none'"},
	} {
		resp, body := head.get(page + tc.path)
		require.Equal(t, http.StatusOK, resp.StatusCode, tc.path)
		assert.Equal(t, tc.typ, resp.Header.Get("Content-Type"), tc.path)
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), tc.path)
		assert.Equal(t, "private, no-store", resp.Header.Get("Cache-Control"), tc.path)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), tc.csp, tc.path)
		assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline; "), tc.path)
		if tc.typ == attachment.PDF {
			assert.Equal(t, string(scan), body, "a PDF is kept as uploaded")
		}
	}
	anon := newClient(t, ts.URL)
	resp, _ = anon.get(page + "/attachments/1")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "no file without signing in")
	other := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, other.login("wuguiqiao-head", pilot.DemoPassword).StatusCode)
	resp, _ = other.get(page + "/attachments/1/thumbnail")
	assert.NotEqual(t, http.StatusOK, resp.StatusCode, "another village's head sees no file of the case")

	t.Run("the same file again", func(t *testing.T) {
		head.t = t
		resp, body := head.postFiles(page+"/attach", page, "file", []upload{{"欠条（重发）.pdf", scan}},
			url.Values{"version": {version(t, app, kase.ID)}, "kind": {"evidence"}, "of": {"session:1"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		stored, err := app.DB.Cases().Get(context.Background(), kase.ID)
		require.NoError(t, err)
		assert.Len(t, stored.Attachments, 2, "a retried form attaches nothing twice")
	})

	t.Run("refusals in Chinese", func(t *testing.T) {
		head.t = t
		files := []upload{{"好照片.jpg", photo(t, 200, 300, color.White)}}
		for _, r := range refusedUploads {
			files = append(files, r.file)
		}
		v := version(t, app, kase.ID)
		resp, body := head.postFiles(page+"/attach", page, "file", files, url.Values{"version": {v}, "kind": {"photo"}, "of": {""}})
		require.Equal(t, http.StatusOK, resp.StatusCode, "one was attached: the page shows it")
		assert.Contains(t, body, `id="attach-message"`)
		for _, r := range refusedUploads {
			assert.Contains(t, body, "“"+r.file.name+"”："+r.reason)
		}
		assert.NotContains(t, body, "“好照片.jpg”")
		assertChineseOnly(t, body)
		stored, err := app.DB.Cases().Get(context.Background(), kase.ID)
		require.NoError(t, err)
		assert.Len(t, stored.Attachments, 3, "the good photo only")

		resp, body = head.postFiles(page+"/attach", page, "file", []upload{refusedUploads[0].file}, url.Values{"version": {version(t, app, kase.ID)}, "kind": {"photo"}})
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "none attached")
		assertChineseOnly(t, body)

		resp, body = head.postFiles(page+"/attach", page, "file", nil, url.Values{"version": {version(t, app, kase.ID)}, "kind": {"photo"}})
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, "请选择要上传的文件。")

		resp, body = head.postFiles(page+"/attach", page, "file", files[:1], url.Values{"version": {version(t, app, kase.ID)}, "kind": {"photo"}, "of": {"followup:1"}})
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the case has no follow-up visit")
		assert.Contains(t, body, "所属部分不存在")
		assertChineseOnly(t, body)
	})

	t.Run("an identity document and a masked viewer", func(t *testing.T) {
		head.t = t
		resp, body := head.postFiles(page+"/attach", page, "file", []upload{{"身份证.jpg", photo(t, 320, 200, color.RGBA{0x20, 0x40, 0x90, 0xff})}},
			url.Values{"version": {version(t, app, kase.ID)}, "kind": {"identity_document"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		stored, err := app.DB.Cases().Get(context.Background(), kase.ID)
		require.NoError(t, err)
		id := stored.Attachments[len(stored.Attachments)-1].ID
		_, body = head.get(page)
		assert.Contains(t, body, `alt="身份证明`+id+`"`, "the head sees it")

		// 马园's grid worker mediates, and sees the parties masked.
		worker := newClient(t, ts.URL)
		worker.t = t
		require.Equal(t, http.StatusSeeOther, worker.login("mayuan-security", pilot.DemoPassword).StatusCode)
		resp, body = worker.get(page)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, `id="attach-form"`, "the worker may attach")
		assert.NotContains(t, body, "身份证明"+id, "no identity document is listed, nor named on the timeline")
		assert.Contains(t, body, "附件"+id+"，仅对可查看当事人信息的人员显示")
		assert.NotContains(t, body, `value="identity_document"`, "nor offered")
		for _, path := range []string{"/attachments/" + id, "/attachments/" + id + "/thumbnail"} {
			resp, _ := worker.get(page + path)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		}
		resp, _ = worker.get(page + "/attachments/1/thumbnail")
		assert.Equal(t, http.StatusOK, resp.StatusCode, "the other files are the worker's to see")
	})
}

// TestFileRefusals checks that each reason for refusing a file that
// attachment.Sanitize gives is said in Chinese, so that a change of its
// wording is found here.
func TestFileRefusals(t *testing.T) {
	app, ts := newPilot(t)
	head := headClient(t, ts.URL)
	kase, page, _ := openCase(t, app, head)
	for _, r := range refusedUploads {
		t.Run(r.file.name, func(t *testing.T) {
			head.t = t
			_, err := attachment.Sanitize(bytes.NewReader(r.file.data), attachment.DefaultLimits)
			require.Error(t, err, "the domain refuses it")
			resp, body := head.postFiles(page+"/attach", page, "file", []upload{r.file}, url.Values{"version": {version(t, app, kase.ID)}, "kind": {"evidence"}})
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Contains(t, body, r.reason)
			assert.NotContains(t, body, "文件无法接收", "the reason is known")
		})
	}
}

// TestApplyWithPhotos checks that a resident's photos are attached to
// their application as they send it, and that a refused one is named in
// Chinese with the application registered all the same.
func TestApplyWithPhotos(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	before := countCases(t, app)
	form := applyForm(c, "photos-key-0001")
	resp, body := c.postFiles("/apply", "/apply", "photos", []upload{
		{"地头1.jpg", photo(t, 400, 300, color.RGBA{0x30, 0x90, 0x30, 0xff})},
		{"地头2.jpg", photo(t, 300, 400, color.RGBA{0x90, 0x90, 0x30, 0xff})},
		refusedUploads[0].file,
	}, form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `id="code"`, "the application is registered")
	assert.Contains(t, body, "已随申请上传照片 2 张")
	assert.Contains(t, body, "“说明.txt”：只接受JPEG、PNG、WebP照片或PDF文件")
	assertChineseOnly(t, body)
	require.Equal(t, before+1, countCases(t, app))

	m, ok := app.Member("gc-secretary")
	require.True(t, ok)
	page, err := app.Cases.List(context.Background(), m.Actor(), mediation.Filter{Limit: 1})
	require.NoError(t, err)
	kase := page.Cases[0]
	require.Len(t, kase.Attachments, 2)
	for _, a := range kase.Attachments {
		assert.Equal(t, attachment.Photo, a.Kind)
		assert.True(t, strings.HasPrefix(a.AddedBy, "r-"), "added by the resident")
	}

	// The same form sent again is the same application with the same
	// photos.
	c.postFiles("/apply", "/apply", "photos", []upload{{"地头1.jpg", photo(t, 400, 300, color.RGBA{0x30, 0x90, 0x30, 0xff})}}, applyForm(c, "photos-key-0001"))
	again, err := app.DB.Cases().Get(context.Background(), kase.ID)
	require.NoError(t, err)
	assert.Len(t, again.Attachments, 2)
	assert.Equal(t, before+1, countCases(t, app))

	// Photos make a form larger, not what it says.
	long := applyForm(c, "photos-key-0002")
	long.Set("facts", strings.Repeat("事", 64<<10/3+1))
	resp, body = c.postFiles("/apply", "/apply", "photos", []upload{{"地头1.jpg", photo(t, 40, 30, color.Black)}}, long)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "a form's text over 64 KiB")
	assert.Contains(t, body, "提交的内容过多")
	assert.Equal(t, before+1, countCases(t, app))
}

// TestVerifyFindsFilesChanged checks that pilot verify finds a file
// attached to a case changed or gone, in the directory -files names, and
// names the case and the event that recorded it.
func TestVerifyFindsFilesChanged(t *testing.T) {
	dir := t.TempDir()
	app, _, _ := startPilot(t, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost, Files: dir}, pilot.ServerOptions{})
	ctx := context.Background()
	kase := mediatingCase(t, app)
	head, ok := app.Member("mayuan-head")
	require.True(t, ok)
	clean, err := attachment.Sanitize(bytes.NewReader(photo(t, 64, 48, color.Black)), attachment.DefaultLimits)
	require.NoError(t, err)
	kase, err = app.Cases.Attach(ctx, head.Actor(), kase.ID, kase.Version, attachment.Upload{Kind: attachment.Photo, File: clean})
	require.NoError(t, err)
	_, broken, err := app.VerifyAll(ctx)
	require.NoError(t, err)
	require.Empty(t, broken)
	events, err := app.Cases.Timeline(ctx, head.Actor(), kase.ID)
	require.NoError(t, err)
	seq := events[len(events)-1].Seq

	// stored returns the path of the file kept under sum in dir.
	stored := func(sum attachment.Sum) string {
		var path string
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(sum.String(), d.Name()) {
				path = p
			}
			return err
		}))
		require.NotEmpty(t, path, "the file is kept in the directory given")
		return path
	}
	for _, tc := range []struct {
		name   string
		sum    attachment.Sum
		tamper func(path string) error
		says   string
	}{
		{"a photo changed", kase.Attachments[0].Sum, func(p string) error { return os.WriteFile(p, photo(t, 64, 48, color.White), 0o600) }, "now hashes to"},
		{"a thumbnail gone", kase.Attachments[0].Thumbnail, os.Remove, "is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := stored(tc.sum)
			keep, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, tc.tamper(path))
			t.Cleanup(func() { require.NoError(t, os.WriteFile(path, keep, 0o600)) })
			_, broken, err := app.VerifyAll(ctx)
			require.NoError(t, err)
			require.Len(t, broken, 1)
			assert.Equal(t, "case", broken[0].Kind)
			assert.Equal(t, string(kase.ID), broken[0].ID)
			assert.Contains(t, broken[0].Err.Error(), "event "+strconv.FormatInt(seq, 10)+":")
			assert.Contains(t, broken[0].Err.Error(), tc.says)
		})
	}
}

// TestFilesBesideTheDatabase checks that a SQLite pilot keeps its files
// in "files" beside its database file unless told otherwise.
func TestFilesBesideTheDatabase(t *testing.T) {
	dir := t.TempDir()
	app, _, err := pilot.Open(context.Background(), "file:"+filepath.Join(dir, "pilot.db")+"?_pragma=busy_timeout(5000)", slog.New(slog.DiscardHandler), pilot.Options{})
	require.NoError(t, err)
	defer app.Close()
	info, err := os.Stat(filepath.Join(dir, "files"))
	require.NoError(t, err)
	assert.True(t, info.IsDir())
}
