package secret_test

import (
	"fmt"
	"testing"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/internal/secret/secrettest"
)

type pin struct{ secret.Value }

type holder struct {
	name string
	pin  pin
	PIN  pin
}

func TestRedactedEverywhere(t *testing.T) {
	raw := []byte("12345678")
	v := secret.New(raw)
	secrettest.Check(t, v, raw)
	secrettest.Check(t, pin{v}, raw)
	secrettest.Check(t, holder{name: "x", pin: pin{v}, PIN: pin{v}}, raw)
	secrettest.Check(t, &holder{pin: pin{v}}, raw)
}

func TestCheckerCatchesLeaks(t *testing.T) {
	type plain struct{ b []byte }
	raw := []byte("hunter22")
	if secrettest.Leak(plain{raw}, raw) == "" {
		t.Fatal("a plain byte slice in a struct was not reported as a leak")
	}
	if secrettest.Leak(string(raw), raw) == "" {
		t.Fatal("a plain string was not reported as a leak")
	}
}

func TestValue(t *testing.T) {
	a, b := secret.New([]byte("0000")), secret.New([]byte("0000"))
	if !secret.Equal(a, b) || secret.Equal(a, secret.New([]byte("0001"))) {
		t.Fatal("Equal")
	}
	src := []byte("abcd")
	c := secret.New(src)
	src[0] = 'z'
	if string(secret.Reveal(c)) != "abcd" {
		t.Fatal("New must copy")
	}
	d := c
	c.Zero()
	if string(secret.Reveal(d)) != "\x00\x00\x00\x00" || d.Len() != 4 {
		t.Fatal("Zero must wipe every copy")
	}
	var z secret.Value
	if !z.IsZero() || secret.Reveal(z) != nil || fmt.Sprint(z) != secret.Redacted {
		t.Fatal("zero Value")
	}
}
