package tlv

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	// EF.COM of the ICAO Doc 9303-11 appendix D example.
	com := []byte{0x60, 0x14, 0x5F, 0x01, 0x04, '0', '1', '0', '6', 0x5F, 0x36, 0x06, '0', '4', '0', '0', '0', '0', 0x5C, 0x02, 0x61, 0x75}
	objs, err := Decode(com)
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, Tag(0x60), objs[0].Tag)
	require.Len(t, objs[0].Children, 3)
	assert.Equal(t, Tag(0x5F01), objs[0].Children[0].Tag)
	assert.Equal(t, []byte("0106"), objs[0].Children[0].Value)
	assert.Equal(t, []byte{0x61, 0x75}, objs[0].Children[2].Value)

	long := append([]byte{0x5F, 0x2E, 0x82, 0x01, 0x00}, bytes.Repeat([]byte{0xAA}, 256)...)
	objs, err = Decode(long)
	require.NoError(t, err)
	assert.Equal(t, Tag(0x5F2E), objs[0].Tag)
	assert.Len(t, objs[0].Value, 256)
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   []byte
		off  int
	}{
		{"truncated tag", []byte{0x5F}, 0},
		{"truncated length", []byte{0x04, 0x82, 0x01}, 0},
		{"value too short", []byte{0x04, 0x05, 1, 2}, 0},
		{"indefinite", []byte{0x30, 0x80, 0, 0}, 0},
		{"second object bad", []byte{0x04, 0x00, 0x04, 0x02, 0x01}, 2},
		{"nested bad", []byte{0x30, 0x03, 0x04, 0x05, 0x00}, 2},
		{"tag too long", []byte{0x1F, 0x81, 0x81, 0x81, 0x01, 0x00}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			objs, err := Decode(tc.in)
			require.ErrorIs(t, err, ErrSyntax)
			assert.Nil(t, objs)
			var se *SyntaxError
			require.True(t, errors.As(err, &se))
			assert.Equal(t, tc.off, se.Offset, "Decode(%X) offset", tc.in)
		})
	}
}

func TestBuilder(t *testing.T) {
	t.Parallel()
	var b Builder
	b.AddConstructed(0x7C, func(b *Builder) {
		b.Add(0x81, bytes.Repeat([]byte{1}, 200))
	})
	out := b.Bytes()
	assert.Equal(t, []byte{0x7C, 0x81, 0xCB, 0x81, 0x81, 0xC8}, out[:6])
	v, err := Unwrap(out, 0x7C)
	require.NoError(t, err)
	x, ok := Find(v, 0x81)
	require.True(t, ok)
	assert.Len(t, x, 200)
	_, err = Unwrap(append(out, 0), 0x7C)
	require.ErrorIs(t, err, ErrSyntax)
	_, err = Unwrap(out, 0x7D)
	require.ErrorIs(t, err, ErrSyntax)
	for _, n := range []int{0, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 0x1000000} {
		l, h, ok := readLen(AppendLength(nil, n))
		require.True(t, ok || n > maxLen, "length %d", n)
		if ok {
			assert.Equal(t, n, l)
			assert.Equal(t, len(AppendLength(nil, n)), h)
		}
	}
}

func TestTag(t *testing.T) {
	t.Parallel()
	assert.True(t, Tag(0x7F49).Constructed())
	assert.False(t, Tag(0x5F1F).Constructed())
	assert.True(t, Tag(0x61).Constructed())
	assert.Equal(t, "5F1F", Tag(0x5F1F).String())
	assert.Equal(t, []byte{0x5F, 0x1F}, AppendTag(nil, 0x5F1F))
}

func encodeAll(objs []Object) []byte {
	var out []byte
	for _, o := range objs {
		out = Append(out, o.Tag, o.Value)
	}
	return out
}

// FuzzDecode checks that Decode never panics, never returns objects with
// an error, and that re-encoding what it returns decodes to the same.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0x60, 0x14, 0x5F, 0x01, 0x04, '0', '1', '0', '6', 0x5F, 0x36, 0x06, '0', '4', '0', '0', '0', '0', 0x5C, 0x02, 0x61, 0x75})
	f.Add([]byte{0x7C, 0x0A, 0x85, 0x08, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{0x30, 0x82, 0x00, 0x02, 0x05, 0x00})
	f.Add([]byte{0x1F, 0x81, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		objs, err := Decode(b)
		if err != nil {
			if objs != nil {
				t.Fatalf("Decode(%X) returned objects with error %v", b, err)
			}
			return
		}
		re := encodeAll(objs)
		objs2, err := Decode(re)
		if err != nil {
			t.Fatalf("re-encoding of Decode(%X) = %X does not decode: %v", b, re, err)
		}
		if !bytes.Equal(encodeAll(objs2), re) {
			t.Fatalf("round trip mismatch for %X", b)
		}
		p := Parser(b)
		for !p.Empty() {
			var tag Tag
			var v []byte
			if !p.Read(&tag, &v) {
				t.Fatalf("Parser.Read failed on input Decode accepted: %X", b)
			}
		}
	})
}
