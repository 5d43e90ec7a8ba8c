package sad

import (
	"fmt"
	"testing"

	"github.com/ciekit/ciekit/internal/secret/secrettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPasswordRedacted prints a Password, a Config holding one and the
// *Client built from it under every verb, in errors and structs, and through
// every slog handler and JSON, and finds no password.
func TestPasswordRedacted(t *testing.T) {
	pw := []byte("Qz7!kWv#9pXm@J4")
	cfg := Config{Transport: FTP, Host: "127.0.0.1", UploadDir: "u", DownloadDir: "d", User: "apr", Password: NewPassword(string(pw))}
	c, err := NewClient(cfg)
	require.NoError(t, err)
	for _, v := range []any{cfg.Password, cfg, &cfg, c} {
		secrettest.Check(t, v, pw)
	}
	assert.Equal(t, "[redacted]", fmt.Sprintf("%+v", cfg.Password))
	assert.Equal(t, string(pw), cfg.Password.reveal(), "the ftp login still gets the password")
	assert.True(t, cfg.Password.Equal(NewPassword(string(pw))))
	assert.False(t, cfg.Password.Equal(NewPassword("hunter2")))
	assert.True(t, Password{}.IsZero())
}
