package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
)

// buildPilot builds the program once for the test, as "go run
// ./examples/pilot" does before it runs it.
func buildPilot(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and starts the pilot binary")
	}
	bin := filepath.Join(t.TempDir(), "pilot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// process is a running pilot.
type process struct {
	cmd    *exec.Cmd
	url    string
	stderr *strings.Builder
	out    *syncWriter // what it printed on its standard output
}

// stdout returns what the process printed on its standard output so far.
func (p *process) stdout() string {
	p.out.mu.Lock()
	defer p.out.mu.Unlock()
	return p.out.w.(*strings.Builder).String()
}

var urlLine = regexp.MustCompile(`https?://[^/\s]+/`)

// start runs the pilot in dir with the given arguments on a free port and
// waits until it prints its URL.
func start(t *testing.T, bin, dir string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &process{cmd: cmd, stderr: &strings.Builder{}, out: &syncWriter{w: &strings.Builder{}}}
	cmd.Stderr = &syncWriter{w: p.stderr}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(p.out, sc.Text())
			if u := urlLine.FindString(sc.Text()); u != "" {
				select {
				case found <- u:
				default:
				}
			}
		}
	}()
	select {
	case p.url = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("the pilot printed no URL; stderr:\n%s", p.stderr)
	}
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, p.cmd.Wait(), "a clean exit on SIGTERM; stderr:\n%s", p.stderr)
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// runCmd runs a subcommand of the pilot in dir and returns its output.
func runCmd(t *testing.T, bin, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "pilot %v: %s", args, out)
	return string(out)
}

var checked = regexp.MustCompile(`checked (\d+) timelines: (\d+) intact, 0 broken`)

// TestFirstStart starts the pilot on an empty directory as the README
// says, with -demo and the address: it creates pilot.db there, loads the
// demo township, and serves /healthz and the home page. A second start
// finds the data and loads nothing again.
func TestFirstStart(t *testing.T) {
	bin := buildPilot(t)
	dir := t.TempDir()
	p := start(t, bin, dir, "-demo")
	c := &http.Client{Timeout: 10 * time.Second}
	status, body := get(t, c, p.url+"healthz")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "ok")
	status, body = get(t, c, p.url)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "在线申请调解")
	p.stop(t)
	_, err := os.Stat(filepath.Join(dir, "pilot.db"))
	require.NoError(t, err, "the database is a file beside it")
	first := checked.FindStringSubmatch(runCmd(t, bin, dir, "verify"))
	require.NotNil(t, first, "verify reports every timeline intact")
	require.NotEqual(t, "0", first[1], "the demo data is there")

	p = start(t, bin, dir, "-demo")
	status, _ = get(t, c, p.url+"healthz")
	assert.Equal(t, http.StatusOK, status)
	p.stop(t)
	assert.NotContains(t, p.stderr.String(), "loaded the demo township", "the second start loads nothing")
	second := checked.FindStringSubmatch(runCmd(t, bin, dir, "verify"))
	require.NotNil(t, second)
	assert.Equal(t, first[1], second[1], "no record was added by the second start")
	assert.Contains(t, runCmd(t, bin, dir, "seed"), "nothing done")
	assert.Equal(t, first[1], checked.FindStringSubmatch(runCmd(t, bin, dir, "verify"))[1], "nor by the seed command")

	// An API token issued by the token command authenticates after a
	// restart: its digest is kept in the database.
	token := strings.TrimSpace(strings.SplitN(runCmd(t, bin, dir, "token", "gc-secretary"), "\n", 2)[0])
	require.True(t, strings.HasPrefix(token, "fpn_"), "a token: %q", token)
	p = start(t, bin, dir)
	req, err := http.NewRequest(http.MethodGet, p.url+"api/v1/cases?limit=5", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	req.Header.Set("Authorization", "Bearer fpn_wrong")
	resp, err = c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	p.stop(t)

	// Listed, and revoked from the command line: it authenticates no more.
	list := runCmd(t, bin, dir, "tokens", "list", "gc-secretary")
	fields := strings.Fields(strings.Split(strings.TrimSpace(list), "\n")[1])
	require.NotEmpty(t, fields, list)
	assert.Equal(t, "gc-secretary", fields[1])
	assert.Contains(t, runCmd(t, bin, dir, "tokens", "revoke", fields[0]), "revoked")
	p = start(t, bin, dir, "-demo")
	req, err = http.NewRequest(http.MethodGet, p.url+"api/v1/cases?limit=5", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a revoked token")
	p.stop(t)
}

var codeRe = regexp.MustCompile(`<p class="code" id="code">([^<]+)</p>`)
var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestSIGTERMKeepsAcknowledgedWrites sends SIGTERM while residents'
// applications are in flight: every application that was answered with
// a tracking code is in the database after the pilot has stopped.
func TestSIGTERMKeepsAcknowledgedWrites(t *testing.T) {
	bin := buildPilot(t)
	dir := t.TempDir()
	p := start(t, bin, dir, "-demo")
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Timeout: 30 * time.Second, Jar: jar}
	status, page := get(t, c, p.url+"apply")
	require.Equal(t, http.StatusOK, status)
	csrf := csrfRe.FindStringSubmatch(page)
	require.NotNil(t, csrf)

	const n = 16
	var (
		mu    sync.Mutex
		codes []string
		wg    sync.WaitGroup
	)
	answered := make(chan struct{}, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { answered <- struct{}{} }()
			form := url.Values{
				"csrf": {csrf[1]}, "key": {"sigterm-test-key-" + string(rune('a'+i))},
				"name": {"申请人"}, "phone": {"13912345678"}, "respondent": {"对方"}, "consent": {mediation.CurrentPrivacyNotice.Version},
				"category": {"neighbour"}, "location": {"mayuan-1"}, "facts": {"关机测试中的申请。"},
			}
			resp, err := c.PostForm(p.url+"apply", form)
			if err != nil {
				return // refused after the signal: not acknowledged
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if m := codeRe.FindStringSubmatch(string(b)); resp.StatusCode == http.StatusOK && m != nil {
				mu.Lock()
				codes = append(codes, m[1])
				mu.Unlock()
			}
		}()
		if i == 3 {
			// Some answered, the rest still to come: now the signal.
			<-answered
			require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		}
	}
	wg.Wait()
	require.NoError(t, p.cmd.Wait(), "a clean exit; stderr:\n%s", p.stderr)
	require.NotEmpty(t, codes, "at least the applications answered before the signal")
	t.Logf("%d of %d applications acknowledged around SIGTERM", len(codes), n)

	p = start(t, bin, dir)
	for _, code := range codes {
		status, body := get(t, c, p.url+"track?code="+url.QueryEscape(code))
		assert.Equal(t, http.StatusOK, status, "acknowledged application %s is kept", code)
		assert.Contains(t, body, "待马园一组受理", "waiting for the group to accept it")
	}
	p.stop(t)
	assert.Contains(t, runCmd(t, bin, dir, "verify"), " 0 broken")
}

// TestInit sets a township up from the command line, as an operator
// would: the roster template, a filled-in roster, the one-time passwords
// in a file only the operator may read, and a start that needs no setup.
func TestInit(t *testing.T) {
	bin := buildPilot(t)
	dir := t.TempDir()
	assert.Contains(t, runCmd(t, bin, dir, "roster-template", "模板.xlsx"), "模板.xlsx")
	_, err := os.Stat(filepath.Join(dir, "模板.xlsx"))
	require.NoError(t, err)

	roster := "网格编号,网格名称,层级,上级网格编号\nqiaobei,桥北街道,1,\nqb-east,东片区,2,qiaobei\n\n" +
		"账号,姓名,手机号,部门,所属单位,岗位,岗位所在网格编号\nqb-secretary,程书记,13700000001,网格,,网格长,qiaobei\nqb-east-head,陈片长,13700000002,网格,,网格长,qb-east\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "花名册.csv"), []byte(roster), 0o644))
	bad := exec.Command(bin, "init", "-roster", "模板.xlsx")
	bad.Dir = dir
	out, err := bad.CombinedOutput()
	require.NoError(t, err, "the template's example rows are a valid roster: %s", out)
	assert.Contains(t, string(out), "one-time-passwords.csv")

	// A second township cannot be set up over the first.
	again := exec.Command(bin, "init", "-roster", "花名册.csv", "-passwords", "again.csv")
	again.Dir = dir
	out, err = again.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "set up already")
	_, err = os.Stat(filepath.Join(dir, "again.csv"))
	assert.True(t, os.IsNotExist(err), "no passwords file for a refused init")

	info, err := os.Stat(filepath.Join(dir, "one-time-passwords.csv"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "readable by the operator alone")
	b, err := os.ReadFile(filepath.Join(dir, "one-time-passwords.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(b), "\ufeff")), "\n")
	require.GreaterOrEqual(t, len(lines), 2)
	assert.Equal(t, "账号,姓名,岗位,一次性密码", lines[0])
	first := strings.Split(lines[1], ",")
	member, otp := first[0], first[len(first)-1]

	p := start(t, bin, dir)
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(p.url + "login")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "set up: the login page, not the setup")
	p.stop(t)
	assert.NotContains(t, p.stderr.String()+p.stdout(), "一次性设置码")

	// The operator gives a member who lost theirs a new one-time password.
	reset := runCmd(t, bin, dir, "password", member)
	assert.NotContains(t, reset, otp)
	assert.Regexp(t, `[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}`, reset)
	assert.Contains(t, runCmd(t, bin, dir, "verify"), " 0 broken")
}

// TestFirstStartNeedsSetup: without -demo a first start loads nothing,
// prints the one-time setup code, and sends every page to the setup.
func TestFirstStartNeedsSetup(t *testing.T) {
	bin := buildPilot(t)
	dir := t.TempDir()
	p := start(t, bin, dir)
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(p.url + "cases")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "/setup", resp.Header.Get("Location"))
	p.stop(t)
	assert.Regexp(t, `一次性设置码：[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}`, p.stdout())
	assert.NotContains(t, p.stdout(), "演示账号")
	assert.Contains(t, runCmd(t, bin, dir, "verify"), "checked 0 timelines")
}

// TestTLS serves HTTPS directly with -tls-cert and -tls-key: cookies are
// Secure and HSTS is sent; mismatched flags stop the start.
func TestTLS(t *testing.T) {
	bin := buildPilot(t)
	dir := t.TempDir()
	certFile, keyFile := selfSigned(t, dir)
	p := start(t, bin, dir, "-demo", "-tls-cert", certFile, "-tls-key", keyFile)
	require.True(t, strings.HasPrefix(p.url, "https://"), p.url)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Get(p.url + "login")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "max-age=31536000", resp.Header.Get("Strict-Transport-Security"))
	require.NotEmpty(t, resp.Cookies())
	for _, ck := range resp.Cookies() {
		assert.True(t, ck.Secure, ck.Name)
	}
	p.stop(t)

	only := exec.Command(bin, "-tls-cert", certFile)
	only.Dir = dir
	out, err := only.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "go together")
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
	return certFile, keyFile
}

// TestCasePrefixFlag: -case-prefix is read and checked before anything
// starts, and PILOT_CASE_PREFIX stands for it.
func TestCasePrefixFlag(t *testing.T) {
	cfg, _, err := parseFlags([]string{"-case-prefix", "gucheng=古调"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "古调", cfg.casePrefixes["gucheng"])

	_, _, err = parseFlags([]string{"-case-prefix", "gucheng=古调2026"}, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-case-prefix")

	t.Setenv("PILOT_CASE_PREFIX", "gucheng=城调")
	cfg, _, err = parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "城调", cfg.casePrefixes["gucheng"])
}

func TestPictureHostsFlag(t *testing.T) {
	cfg, _, err := parseFlags([]string{"-wecom-picture-hosts", " qpic.cn, , wework.qpic.cn "}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"qpic.cn", "wework.qpic.cn"}, cfg.watch.pictureHosts)
	cfg, _, err = parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Empty(t, cfg.watch.pictureHosts, "none by default: images are answered with a request for text")
}

// TestOpen311PublicFlag: the public's reports over Open311 are off unless
// -open311-public or PILOT_OPEN311_PUBLIC turns them on.
func TestOpen311PublicFlag(t *testing.T) {
	cfg, _, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.False(t, cfg.open311.Open311Public, "off by default")
	cfg, _, err = parseFlags([]string{"-open311-public"}, io.Discard)
	require.NoError(t, err)
	assert.True(t, cfg.open311.Open311Public)
	t.Setenv("PILOT_OPEN311_PUBLIC", "true")
	cfg, _, err = parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.True(t, cfg.open311.Open311Public)
}

func TestParseOpen311Keys(t *testing.T) {
	keys, err := parseOpen311Keys(" k1=12345热线, k2 = 综治中心 ,")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"k1": "12345热线", "k2": "综治中心"}; !maps.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	for _, bad := range []string{"k1", "=12345热线", "k1="} {
		if _, err := parseOpen311Keys(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
