package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Webhook kinds.
const (
	KindWeCom    = "wecom"
	KindDingTalk = "dingtalk"
)

// WebhookDeliverer posts each notice to a WeCom (企业微信) or DingTalk
// (钉钉) group robot in the robot's markdown format, the item's link as a
// markdown link, @-mentioning the recipient by phone:
//
//	WeCom:    {"msgtype":"markdown","markdown":{"content":"..."}}
//	          or, to mention someone, {"msgtype":"text","text":{"content":"...",
//	          "mentioned_mobile_list":[...]}}: WeCom's markdown can mention
//	          only by WeCom user id, never by phone, so a notice that must
//	          reach a person by phone goes as text, the link written out.
//	DingTalk: {"msgtype":"markdown","markdown":{"title":"...","text":"... @phone"},
//	          "at":{"atMobiles":[...]}}
//
// A DingTalk robot with a signing secret (加签) gets timestamp and sign
// (base64 HMAC-SHA256 of "timestamp\nsecret" keyed by the secret) in the
// query. A non-2xx status, or a JSON answer whose errcode is not 0, is an
// error. Neither the URL (it holds the robot's key) nor the secret is ever
// in an error or a log line.
type WebhookDeliverer struct {
	URL string
	// Kind is KindWeCom or KindDingTalk ("" means KindWeCom).
	Kind string
	// Secret is DingTalk's signing secret; "" for an unsigned robot.
	Secret string
	// Client defaults to an http.Client with a 10 s timeout.
	Client *http.Client
	// Now is the signature's clock (default time.Now).
	Now func() time.Time
}

var defaultClient = &http.Client{Timeout: 10 * time.Second}

type robotAnswer struct {
	ErrCode json.Number `json:"errcode"`
	ErrMsg  string      `json:"errmsg"`
}

// Deliver posts the message.
func (d WebhookDeliverer) Deliver(ctx context.Context, m Message) error {
	kind := d.Kind
	if kind == "" {
		kind = KindWeCom
	}
	if kind != KindWeCom && kind != KindDingTalk {
		return fmt.Errorf("notify: unknown webhook kind %q (want %q or %q)", d.Kind, KindWeCom, KindDingTalk)
	}
	if d.URL == "" {
		return fmt.Errorf("notify: %s webhook URL is not set", kind)
	}
	target := d.URL
	var body any
	if kind == KindWeCom {
		body = weComBody(m)
	} else {
		body = dingTalkBody(m)
		if d.Secret != "" {
			target = d.signed(target)
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("notify: %s webhook: bad URL", kind)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	client := d.Client
	if client == nil {
		client = defaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// Do's *url.Error quotes the URL, which holds the robot's key
		// and, signed, the signature.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("notify: %s webhook: %w", kind, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("notify: %s webhook: HTTP %d: %s", kind, resp.StatusCode, snippet(answer))
	}
	var a robotAnswer
	if json.Unmarshal(answer, &a) == nil && a.ErrCode != "" && a.ErrCode != "0" {
		return fmt.Errorf("notify: %s webhook: errcode %s: %s", kind, a.ErrCode, a.ErrMsg)
	}
	return nil
}

// signed adds DingTalk's timestamp and sign to the robot's URL.
func (d WebhookDeliverer) signed(raw string) string {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	ts := strconv.FormatInt(now().UnixMilli(), 10)
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	return raw + sep + "timestamp=" + ts + "&sign=" + url.QueryEscape(Sign(ts, d.Secret))
}

// Sign is DingTalk's signature of a timestamp (milliseconds, as text).
func Sign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// markdown is the notice as the robots' markdown: the name in bold, the
// text, the link to the item.
func markdown(m Message) string {
	var b strings.Builder
	if m.Name != "" {
		b.WriteString("**" + m.Name + "**：")
	}
	b.WriteString(m.Text)
	if m.Link != "" {
		b.WriteString("\n\n[查看详情](" + m.Link + ")")
	}
	return b.String()
}

func weComBody(m Message) any {
	if len(m.Mobiles) == 0 {
		return map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": markdown(m)}}
	}
	content := m.Text
	if m.Name != "" {
		content = m.Name + "：" + content
	}
	if m.Link != "" {
		content += "\n查看详情：" + m.Link
	}
	return map[string]any{"msgtype": "text", "text": map[string]any{"content": content, "mentioned_mobile_list": m.Mobiles}}
}

func dingTalkBody(m Message) any {
	text := markdown(m)
	// DingTalk shows an @ only where the text names the phone.
	for _, p := range m.Mobiles {
		text += " @" + p
	}
	mobiles := m.Mobiles
	if mobiles == nil {
		mobiles = []string{}
	}
	return map[string]any{
		"msgtype":  "markdown",
		"markdown": map[string]string{"title": title(m.Text), "text": text},
		"at":       map[string]any{"atMobiles": mobiles, "isAtAll": false},
	}
}

// title is the conversation list's preview of a DingTalk markdown message.
func title(text string) string {
	first, _, _ := strings.Cut(text, "\n")
	return truncate(first, 30)
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = truncate(s, 200) + "..."
	}
	return s
}
