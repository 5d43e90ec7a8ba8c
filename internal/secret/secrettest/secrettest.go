// Package secrettest checks that a value prints none of its secrets, under
// every fmt verb, wrapped in errors and structs, and through every log/slog
// handler and encoding/json.
package secrettest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// verbs are the fmt verbs a secret could leak through.
var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d", "%c", "%U", "%o", "%b", "%T", "%p", "%10.3v"}

type exported struct{ Field any }
type unexported struct{ field any }

// Renderings returns every way v is checked: each verb applied to v, to v in
// an exported and an unexported struct field, to a pointer to such a struct,
// and to an error wrapping v; each slog handler; encoding/json.
func Renderings(v any) []string {
	var out []string
	forms := []any{v, exported{v}, unexported{v}, &exported{v}, &unexported{v}, []any{v}, map[string]any{"k": v}}
	for _, verb := range verbs {
		for _, f := range forms {
			out = append(out, fmt.Sprintf(verb, f))
		}
		out = append(out, fmt.Errorf("op: "+verb, v).Error())
		out = append(out, fmt.Errorf("op: %w", fmt.Errorf(verb, v)).Error())
	}
	out = append(out, fmt.Sprint(v), fmt.Sprintln(v, exported{v}, unexported{v}))
	for _, f := range forms {
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, noTime)).Info("m", "v", f, slog.Any("any", f))
		slog.New(slog.NewJSONHandler(&buf, noTime)).Info("m", "v", f, slog.Any("any", f))
		out = append(out, buf.String())
		if b, err := json.Marshal(f); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// noTime drops the record time, whose digits could match a numeric secret
// by chance.
var noTime = &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}}

// addresses matches what fmt prints for a pointer or a func under the
// numeric verbs (0x-hex, and decimal, octal or binary runs of 7 digits or more). A numeric
// secret's four-byte windows could match such digits by chance, so the
// windows are looked for with addresses masked; the whole secret, and its
// hex and byte-list spellings, are looked for in the raw text.
var addresses = regexp.MustCompile(`0[xX][0-9a-fA-F]+|[0-9]{7,}`)

// Leak returns the first rendering of v that contains one of the secrets (as
// text, in hex, as a Go byte list or as decimal byte values), or "" when none
// does.
func Leak(v any, secrets ...[]byte) string {
	var needles, windows []string
	for _, s := range secrets {
		if len(s) == 0 {
			continue
		}
		needles = append(needles, string(s), fmt.Sprintf("%x", s), fmt.Sprintf("%X", s), fmt.Sprintf("% x", s), fmt.Sprint(s), fmt.Sprint([]rune(string(s))), quoteBytes(s), spaced(s))
		for i := 0; i+4 <= len(s); i++ { // four secret bytes in a row, however spelt
			windows = append(windows, string(s[i:i+4]))
		}
	}
	for _, r := range Renderings(v) {
		for _, n := range needles {
			if strings.Contains(r, n) {
				return r
			}
		}
		masked := addresses.ReplaceAllString(r, "#")
		for _, n := range windows {
			if strings.Contains(masked, n) {
				return r
			}
		}
	}
	return ""
}

func spaced(s []byte) string {
	var parts []string
	for _, c := range s {
		parts = append(parts, string(rune(c)))
	}
	return strings.Join(parts, " ")
}

func quoteBytes(s []byte) string {
	var parts []string
	for _, c := range s {
		parts = append(parts, strconv.Itoa(int(c)))
	}
	return strings.Join(parts, " ")
}

// Check fails t when v prints any of the secrets in any rendering.
func Check(t testing.TB, v any, secrets ...[]byte) {
	t.Helper()
	if r := Leak(v, secrets...); r != "" {
		t.Errorf("%T leaks a secret: %s", v, r)
	}
}
