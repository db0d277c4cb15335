// Command pilot is fourplusn's pilot server: a township runs it as is.
// It keeps everything in one SQLite file (or a PostgreSQL database). On
// its first start it is set up with the township's roster — on the setup
// page, with the one-time code it prints, or with "pilot init" — or, with
// -demo, loads the demo township of Gucheng. It serves web pages in
// Chinese — online applications and progress lookups for residents; the
// duty console, cases, hazards, the dashboard and the grid's
// administration for staff — beside the JSON API under /api/v1.
//
// Usage:
//
//	pilot [flags] [command]
//
// Run "pilot -h" for the flags and the environment variables.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "pilot:", err)
		os.Exit(1)
	}
}

// config is what the flags and the environment set.
type config struct {
	addr            string
	dsn             string
	demo            bool
	tlsCert, tlsKey string // a certificate and its key: serve HTTPS directly
	trustedProxies  pilot.Proxies
	casePrefixes    map[grid.CellID]string
	files           string // the directory of the files attached to cases
	logLevel        slog.Level
	watch           watch
	open311         pilot.ServerOptions // only its Open311 fields: the partners' keys, the media hosts, the public's reports
}

const usage = `pilot — 古城“4+N”矛盾纠纷多元化解平台（试点服务器）

Usage:
  pilot [flags] [command]

Commands:
  serve          serve the web pages and the API (the default); on a first
                 start, print the one-time code of the setup page (/setup),
                 or with -demo load the demo township
  init -roster FILE [-passwords FILE]
                 set the township up from its roster (.xlsx or .csv) and
                 write every member's one-time password to a file only its
                 owner may read (default: one-time-passwords.csv)
  roster-template FILE.xlsx
                 write the empty roster a township fills in
  seed           load the demo township now, if it was never loaded
  verify         check the hash chain of every case's, hazard's and
                 township's administration log, and that every file
                 attached to a case is there, unchanged
  backup FILE [DIR]
                 copy the SQLite database, consistent as of the moment the
                 copy begins, to the new FILE, while the pilot serves, and
                 then the attached files to DIR (default FILE.files), which
                 gets only the files it lacks (on PostgreSQL: says what to
                 run instead)
  password MEMBER
                 give member MEMBER a new one-time password (their
                 sessions and tokens end)
  token [-label TEXT] [-ttl DURATION] MEMBER
                 issue an API bearer token for member MEMBER (e.g.
                 gc-duty-1), valid for -ttl (default 90 days: 2160h)
  tokens list [MEMBER]
                 list the tokens that have not expired, of MEMBER or of
                 every township
  tokens revoke ID
                 revoke the token ID that tokens list shows

Secrets are read from the environment only:
  PILOT_WEBHOOK_SECRET   the HMAC-SHA256 key of -webhook-url
  PILOT_WECOM_ROBOT_KEY  a WeCom group robot's key: notifications go to the group
  PILOT_WECOM_TOKEN      the WeCom application's callback Token; with
  PILOT_WECOM_AES_KEY    its EncodingAESKey, turns on /wecom/callback
  PILOT_OPEN311_KEYS     the partners' Open311 api_keys, as KEY=名称 pairs
                         comma-separated (k1=12345热线): turns on /open311/v2/,
                         whose disputes and hazards the duty officer registers

Flags (each may also be set by the environment variable shown):
`

func parseFlags(args []string, stderr io.Writer) (config, []string, error) {
	fs := flag.NewFlagSet("pilot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config{}
	fs.StringVar(&cfg.addr, "addr", env("PILOT_ADDR", ":8080"), "`address` to listen on (PILOT_ADDR)")
	fs.StringVar(&cfg.dsn, "db", env("PILOT_DB", "pilot.db"), "the database: a SQLite file `path`, created if missing, or a postgres:// DSN (PILOT_DB)")
	fs.BoolVar(&cfg.demo, "demo", env("PILOT_DEMO", "") == "1" || env("PILOT_DEMO", "") == "true", "load the demo township of Gucheng on the first start, with demo accounts whose password the login page shows (PILOT_DEMO=1)")
	fs.StringVar(&cfg.tlsCert, "tls-cert", env("PILOT_TLS_CERT", ""), "serve HTTPS with the certificate (chain) in this PEM `file`, with -tls-key (PILOT_TLS_CERT)")
	fs.StringVar(&cfg.tlsKey, "tls-key", env("PILOT_TLS_KEY", ""), "the private key of -tls-cert, a PEM `file` (PILOT_TLS_KEY)")
	proxies := fs.String("trusted-proxies", env("PILOT_TRUSTED_PROXIES", ""), "the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed, as comma-separated addresses or `CIDR`s, e.g. 127.0.0.1,10.0.0.0/8 (PILOT_TRUSTED_PROXIES)")
	prefixes := fs.String("case-prefix", env("PILOT_CASE_PREFIX", ""), "the prefix of a township's case numbers, as `TOWNSHIP=PREFIX` with the township's cell ID, e.g. gucheng=古调 numbers its cases 古调〔2026〕1号, 2号, …; comma-separated for several; a township not named takes its name's first character and 调 (PILOT_CASE_PREFIX)")
	fs.StringVar(&cfg.files, "files", env("PILOT_FILES", ""), "the `directory` that keeps the files attached to cases, created if missing; by default \"files\" beside the SQLite file, or the PostgreSQL database itself (PILOT_FILES)")
	level := fs.String("log-level", env("PILOT_LOG_LEVEL", "info"), "log `level`: debug, info, warn or error (PILOT_LOG_LEVEL)")
	w := &cfg.watch
	fs.BoolVar(&w.deadlines, "deadlines", env("PILOT_DEADLINES", "true") == "true", "run the deadline runner: reminders, automatic escalation, duty alerts (PILOT_DEADLINES)")
	fs.DurationVar(&w.tick, "deadline-tick", time.Minute, "how often the deadline runner looks for what is due")
	watchLease, err := time.ParseDuration(env("PILOT_WATCH_LEASE", "15s"))
	if err != nil {
		return cfg, nil, fmt.Errorf("PILOT_WATCH_LEASE: %w", err)
	}
	fs.DurationVar(&w.lease, "watch-lease", watchLease, "the length of the lease in the database by which one of the pilots on a database runs the watch (notifications and deadlines), renewed every third of it; another pilot takes the watch over at most about 1⅓ of it after its holder dies (PILOT_WATCH_LEASE)")
	fs.StringVar(&w.notify.WebhookURL, "webhook-url", env("PILOT_WEBHOOK_URL", ""), "`URL` to POST every notification to, signed with PILOT_WEBHOOK_SECRET (PILOT_WEBHOOK_URL)")
	fs.BoolVar(&w.notify.WebhookFullPhones, "webhook-full-phones", env("PILOT_WEBHOOK_FULL_PHONES", "") == "true", "send phone numbers to -webhook-url in full, for a township's SMS gateway that texts them: staff, and residents sent their lost tracking codes (PILOT_WEBHOOK_FULL_PHONES)")
	fs.StringVar(&w.wecom.CorpID, "wecom-corp-id", env("PILOT_WECOM_CORP_ID", ""), "the WeCom enterprise's `CorpID`, for the callback at /wecom/callback (PILOT_WECOM_CORP_ID)")
	fs.StringVar(&w.wecomChannel, "wecom-channel", env("PILOT_WECOM_CHANNEL", "wecom"), "what applications from the callback count as: wecom, or wechat for a relayed WeChat group (PILOT_WECOM_CHANNEL)")
	mediaHosts := fs.String("open311-media-hosts", env("PILOT_OPEN311_MEDIA_HOSTS", ""), "the `hosts` (comma-separated; a domain covers its subdomains) Open311 requests' media_urls may be fetched from; none refuses every media_url (PILOT_OPEN311_MEDIA_HOSTS)")
	fs.BoolVar(&cfg.open311.Open311Public, "open311-public", env("PILOT_OPEN311_PUBLIC", "") == "1" || env("PILOT_OPEN311_PUBLIC", "") == "true", "let the public report hazards over Open311 without an api_key, each address limited (a burst of 10, then one every 30 s); disputes still need a partner's key (PILOT_OPEN311_PUBLIC=true)")
	pictureHosts := fs.String("wecom-picture-hosts", env("PILOT_WECOM_PICTURE_HOSTS", ""), "the `hosts` (comma-separated; a domain covers its subdomains) WeCom serves image messages' pictures from: the callback fetches those and attaches them to the sender's case; none answers images with a request for text (PILOT_WECOM_PICTURE_HOSTS)")
	// Secrets come from the environment only, so that they never show in
	// a process list.
	w.notify.WebhookSecret = os.Getenv("PILOT_WEBHOOK_SECRET")
	w.notify.RobotKey = os.Getenv("PILOT_WECOM_ROBOT_KEY")
	w.wecom.Token = os.Getenv("PILOT_WECOM_TOKEN")
	w.wecom.EncodingAESKey = os.Getenv("PILOT_WECOM_AES_KEY")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, nil, err
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return cfg, nil, fmt.Errorf("-log-level: %w", err)
	}
	if (cfg.tlsCert == "") != (cfg.tlsKey == "") {
		return cfg, nil, errors.New("-tls-cert and -tls-key go together")
	}
	if cfg.trustedProxies, err = pilot.ParseProxies(*proxies); err != nil {
		return cfg, nil, fmt.Errorf("-trusted-proxies: %w", err)
	}
	if cfg.casePrefixes, err = pilot.ParseCasePrefixes(*prefixes); err != nil {
		return cfg, nil, fmt.Errorf("-case-prefix: %w", err)
	}
	cfg.open311.Open311MediaHosts = hostList(*mediaHosts)
	if cfg.open311.Open311Keys, err = parseOpen311Keys(os.Getenv("PILOT_OPEN311_KEYS")); err != nil {
		return cfg, nil, fmt.Errorf("PILOT_OPEN311_KEYS: %w", err)
	}
	w.pictureHosts = hostList(*pictureHosts)
	return cfg, fs.Args(), nil
}

// hostList is the comma-separated hosts of s.
func hostList(s string) []string {
	var out []string
	for h := range strings.SplitSeq(s, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// parseOpen311Keys reads KEY=名称 pairs, comma-separated.
func parseOpen311Keys(s string) (map[string]string, error) {
	out := map[string]string{}
	for pair := range strings.SplitSeq(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		key, name, ok := strings.Cut(pair, "=")
		if key, name = strings.TrimSpace(key), strings.TrimSpace(name); !ok || key == "" || name == "" {
			return nil, fmt.Errorf("%q is not KEY=名称", pair)
		}
		out[key] = name
	}
	return out, nil
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, rest, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	cmd := "serve"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	c, ok := commands[cmd]
	if !ok {
		return fmt.Errorf("unknown command %q; run pilot -h", cmd)
	}
	cmdArgs, err := c.parse(rest, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	// Signals cancel ctx: serve then shuts down gracefully, and the other
	// commands stop at their next database call.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	if c.offline != nil {
		return c.offline(cmdArgs, stdout)
	}
	app, seeded, err := pilot.Open(ctx, cfg.dsn, logger, pilot.Options{Demo: cfg.demo || cmd == "seed", CasePrefixes: cfg.casePrefixes, Files: cfg.files})
	if err != nil {
		return err
	}
	defer app.Close()
	if seeded {
		logger.Info("loaded the demo township", "db", cfg.dsn)
	}
	if cmd == "serve" {
		return serve(ctx, cfg, app, logger, stdout, start)
	}
	return c.run(ctx, app, cmdArgs, stdout)
}

// shutdownGrace is how long requests in flight may take to finish after a
// signal before the server closes their connections.
const shutdownGrace = 20 * time.Second

func serve(ctx context.Context, cfg config, app *pilot.App, logger *slog.Logger, stdout io.Writer, start time.Time) error {
	srv, err := pilot.NewServer(app, pilot.ServerOptions{
		Proxies: cfg.trustedProxies, Open311Keys: cfg.open311.Open311Keys, Open311MediaHosts: cfg.open311.Open311MediaHosts,
		Open311Public: cfg.open311.Open311Public,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	// The watch — notifications and deadlines — runs until ctx is
	// cancelled; serve waits for it (after the HTTP server has drained)
	// before the database is closed.
	callback, waitBackground, err := cfg.watch.start(ctx, app, logger)
	if err != nil {
		ln.Close()
		return err
	}
	if callback != nil {
		// WeCom authenticates by the signature on every message, not by a
		// login, so the callback sits beside the pages.
		mux := http.NewServeMux()
		mux.Handle("/wecom/callback", callback)
		mux.Handle("/", srv)
		hs.Handler = mux
	}

	https := cfg.tlsCert != ""
	if https {
		// Checked now, so that a wrong file stops the start with a clear
		// error rather than failing every connection.
		if _, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey); err != nil {
			ln.Close()
			waitBackground()
			return fmt.Errorf("-tls-cert, -tls-key: %w", err)
		}
	}
	printBanner(stdout, app, ln.Addr(), https, time.Since(start))
	errc := make(chan error, 1)
	go func() {
		if https {
			errc <- hs.ServeTLS(ln, cfg.tlsCert, cfg.tlsKey)
			return
		}
		errc <- hs.Serve(ln)
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: no new connections; finishing requests in flight")
	srv.Shutdown()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = hs.Shutdown(sctx)
	waitBackground()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped; closing the database")
	return nil
}

// printBanner tells whoever started the pilot where to point a browser and
// how to sign in: with the one-time setup code on a first start, with the
// demo accounts when the demo township is loaded.
func printBanner(w io.Writer, app *pilot.App, addr net.Addr, https bool, took time.Duration) {
	host, port, _ := net.SplitHostPort(addr.String())
	everywhere := host == "" || host == "::" || host == "0.0.0.0"
	if everywhere {
		host = "localhost"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	scheme := "http"
	if https {
		scheme = "https"
	}
	url := scheme + "://" + host + ":" + port + "/"
	fmt.Fprintf(w, "“4+N”试点已启动（%.0f ms）：%s\n", float64(took.Microseconds())/1000, url)
	if everywhere {
		fmt.Fprintf(w, "（在本机所有网络接口的 %s 端口上接受连接；本机可用上面的地址访问。）\n", port)
	}
	if code, ok := app.SetupCode(); ok {
		fmt.Fprintf(w, "尚未设置：请在浏览器打开 %ssetup，输入一次性设置码：%s\n", url, code)
		fmt.Fprintln(w, "（导入本办事处的花名册，或载入演示数据；也可用 pilot init -roster 花名册.xlsx 导入。）")
	} else if app.Demo() {
		fmt.Fprintf(w, "演示账号（密码均为 %s，仅供试用）：\n", pilot.DemoPassword)
		for _, l := range pilot.DemoLogins {
			fmt.Fprintf(w, "  %-14s %s\n", l.ID, l.What)
		}
	}
	fmt.Fprintln(w, "JSON API: /api/v1 (OpenAPI: /api/v1/openapi.json); health: /healthz. Ctrl-C stops it.")
}
