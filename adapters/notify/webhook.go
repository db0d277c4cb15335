package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/work"
)

// The headers of a webhook request.
const (
	// HeaderKey carries the notification's Key: a receiver that has seen
	// it already drops the request (deliveries are at least once).
	HeaderKey = "Idempotency-Key"
	// HeaderTimestamp carries the Unix time, in seconds, the request was
	// signed at.
	HeaderTimestamp = "X-Fourplusn-Timestamp"
	// HeaderSignature carries "sha256=" and the hexadecimal HMAC-SHA256,
	// keyed with the shared secret, of the timestamp, a full stop and the
	// body: timestamp + "." + body. Signing the timestamp lets a receiver
	// refuse an old request replayed.
	HeaderSignature = "X-Fourplusn-Signature"
)

// Webhook posts each message as JSON to a URL the township runs — its own
// SMS gateway, a duty screen, a county system — signed with a shared
// secret. The body is the notification's fields with "contacts", the
// people it reaches, whose phone numbers — the contacts' and a resident's
// in "to" (work.Recipient.Phone) — are masked unless FullPhones is set.
// A township's SMS gateway behind it, with FullPhones, texts a notice to a
// resident's phone: a lost tracking code sent again.
type Webhook struct {
	URL    string
	Secret []byte // the HMAC-SHA256 key; required
	// FullPhones sends contacts' phone numbers in full, for a receiver that
	// texts them; otherwise they are masked (138****8000).
	FullPhones bool
	Client     *http.Client // nil: a client with a ten-second timeout
	Now        func() time.Time
}

// NewWebhook returns a Webhook that posts to url signed with secret.
// Returns Invalid for an empty url or secret.
func NewWebhook(url string, secret []byte) (*Webhook, error) {
	switch {
	case url == "":
		return nil, fourplusn.FieldError("url", "required")
	case len(secret) == 0:
		return nil, fourplusn.FieldError("secret", "required: the receiver checks every request's signature")
	}
	return &Webhook{URL: url, Secret: secret, Client: &http.Client{Timeout: 10 * time.Second}, Now: time.Now}, nil
}

// Name returns "webhook".
func (w *Webhook) Name() string { return "webhook" }

// webhookBody is what a Webhook posts.
type webhookBody struct {
	work.Notice
	Contacts []Contact `json:"contacts"`
	Attempt  int       `json:"attempt"`
}

// Notify posts m. A 2xx answer is success; 408, 425, 429 and 5xx answers
// and network errors are retried; any other answer is Permanent.
func (w *Webhook) Notify(ctx context.Context, m Message) error {
	n, contacts := m.Notice, m.Contacts
	if !w.FullPhones {
		contacts = maskContacts(contacts)
		n.To = maskRecipients(n.To)
	}
	body, err := json.Marshal(webhookBody{Notice: n, Contacts: contacts, Attempt: m.Attempt})
	if err != nil {
		return Permanent(fmt.Errorf("encode: %w", err))
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(HeaderKey, m.Key)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, Sign(w.Secret, ts, body))
	_, err = post(ctx, w.Client, w.URL, h, body)
	return err
}

// Sign returns the signature header value of a webhook request: "sha256="
// and the hexadecimal HMAC-SHA256 of timestamp + "." + body under secret.
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a webhook request's signature in constant time, as a
// receiver written in Go would.
func Verify(secret []byte, timestamp string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}

// maxAnswer bounds how much of a receiver's answer is read.
const maxAnswer = 64 << 10

// post sends body to url and returns the answer's body. Network errors
// and answers a later attempt may cure (408, 425, 429, 5xx) are plain
// errors; other non-2xx answers are Permanent.
func post(ctx context.Context, client *http.Client, to string, h http.Header, body []byte) ([]byte, error) {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		return nil, Permanent(fmt.Errorf("request: %w", err))
	}
	req.Header = h
	resp, err := client.Do(req)
	if err != nil {
		return nil, redact(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return answer, nil
	case c == http.StatusRequestTimeout, c == http.StatusTooEarly, c == http.StatusTooManyRequests, c >= 500:
		return nil, fmt.Errorf("receiver answered %s", resp.Status)
	default:
		return nil, Permanent(fmt.Errorf("receiver refused the message: %s", resp.Status))
	}
}

// redact drops the URL from a transport error: a robot's URL holds its
// key, which must not reach the logs or the outbox.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("send: %w", ue.Err)
	}
	return fmt.Errorf("send: %w", err)
}

// maskRecipients returns to with residents' phone numbers masked.
func maskRecipients(to []work.Recipient) []work.Recipient {
	out := slices.Clone(to)
	for i := range out {
		if out[i].Phone != "" {
			out[i].Phone = fourplusn.MaskPhone(out[i].Phone)
		}
	}
	return out
}

// maskContacts returns contacts with their phone numbers masked.
func maskContacts(cs []Contact) []Contact {
	out := make([]Contact, len(cs))
	for i, c := range cs {
		c.Phone = fourplusn.MaskPhone(c.Phone)
		out[i] = c
	}
	return out
}
