package notify

import "log/slog"

// Config is a deployment's notification settings, as a program reads them
// from its flags or environment. Empty settings leave a notifier out.
type Config struct {
	WebhookURL    string // the township's receiver; needs WebhookSecret
	WebhookSecret string // the HMAC-SHA256 key the receiver checks
	// WebhookFullPhones sends contacts' phone numbers in full, for a
	// receiver that texts them.
	WebhookFullPhones bool
	RobotKey          string // a WeCom group robot's webhook key
	RobotMarkdown     bool   // send markdown when nobody is mentioned
}

// Notifiers returns the notifiers cfg asks for: always the log (so that
// every notification leaves a trace), then the webhook and the WeCom robot
// when they are configured. Returns Invalid, naming the setting, for a
// webhook URL without a secret.
func (cfg Config) Notifiers(log *slog.Logger) ([]Notifier, error) {
	out := []Notifier{Log{Logger: log}}
	if cfg.WebhookURL != "" || cfg.WebhookSecret != "" {
		w, err := NewWebhook(cfg.WebhookURL, []byte(cfg.WebhookSecret))
		if err != nil {
			return nil, err
		}
		w.FullPhones = cfg.WebhookFullPhones
		out = append(out, w)
	}
	if cfg.RobotKey != "" {
		r, err := NewRobot(cfg.RobotKey)
		if err != nil {
			return nil, err
		}
		r.Markdown = cfg.RobotMarkdown
		out = append(out, r)
	}
	return out, nil
}
