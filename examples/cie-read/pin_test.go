package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPINCommands(t *testing.T) {
	tests := []struct {
		name, action, input, want, wantErr string
	}{
		{"verify", "verify", "12345678\n", "PIN verified", ""},
		{"verify wrong", "verify", "11112222\n", "", "wrong code, 2 tries left"},
		{"verify short", "verify", "1234\n", "", "8 digits"},
		{"change", "change", "12345678\n24681357\n", "PIN changed", ""},
		{"change wrong old", "change", "99998888\n24681357\n", "", "wrong code, 2 tries left"},
		{"unblock", "unblock", "87654321\n24681357\n", "PIN unblocked and replaced", ""},
		{"unblock wrong PUK", "unblock", "11111111\n24681357\n", "", "wrong code, 9 tries left"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := runPIN(t.Context(), []string{tc.action, "-pin-stdin"}, strings.NewReader(tc.input), &out, &errb)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
			} else {
				require.NoError(t, err, "stderr: %s", errb.String())
				assert.Contains(t, out.String(), tc.want)
			}
			for _, secret := range strings.Fields(tc.input) {
				assert.NotContains(t, out.String()+errb.String(), secret, "a PIN or PUK was printed")
				if err != nil {
					assert.NotContains(t, err.Error(), secret)
				}
			}
		})
	}
	err := runPIN(t.Context(), []string{"frobnicate"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	require.ErrorContains(t, err, "unknown pin action")
}
