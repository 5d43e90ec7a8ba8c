package scard

import (
	"context"
	"errors"
	"fmt"

	"github.com/ciekit/ciekit/internal/tlv"
)

// readChunk is the largest READ BINARY Le that keeps an SM-protected
// response (3DES or AES) within a short APDU (ICAO Doc 9303-10 advises
// 0xDF).
const readChunk = 0xDF

// readChunkExtended is the READ BINARY Le with extended lengths: a whole
// EF of the LDS in one response, with room for the SM data objects within
// the 65536-byte extended response.
const readChunkExtended = 0xFE00

// maxFile bounds the size of a file read, against a hostile card: a
// declared length over it is refused before anything is allocated.
const maxFile = 1 << 20

// fileBudget is the number of APDUs a file read of size bytes may take: 4
// per 223-byte chunk (a card on T=0 answers each READ BINARY with 61xx and
// a GET RESPONSE; the other factor 2 tolerates cards that return half
// chunks) plus 64. A card that hands a declared file out a byte at a time
// or stretches every answer over GET RESPONSE rounds ends in a
// [*DataError] once over it (a 1 MiB file: 18,873 APDUs; a 16-byte file:
// 68). The last command may overshoot by its own GET RESPONSE rounds
// (at most 1 + maxGetResponse).
func fileBudget(size int) int { return 4*((size+readChunk-1)/readChunk) + 64 }

// ReadBinary reads up to n bytes at offset from the currently selected
// EF. Offsets up to 0x7FFF use READ BINARY (B0); larger offsets use the
// odd-instruction READ BINARY (B1) with the offset in DO 54 (ISO/IEC
// 7816-4 clause 11.2.3). It returns fewer than n bytes at the end of the
// file (SW 6282), and an error unwrapping to [ErrWrongParameters] for an
// offset beyond the end.
func (c *Card) ReadBinary(ctx context.Context, offset, n int) ([]byte, error) {
	if offset < 0 || offset > 0xFFFFFF || n <= 0 || n > MaxExtendedNe {
		return nil, fmt.Errorf("scard: READ BINARY offset %d, length %d out of range", offset, n)
	}
	if offset <= 0x7FFF {
		r, err := c.Send(ctx, Command{INS: InsReadBinary, P1: byte(offset >> 8), P2: byte(offset), Ne: n})
		if err != nil {
			return nil, err
		}
		if r.SW != SWSuccess && r.SW != SWEndOfFile {
			return nil, r.Err(InsReadBinary)
		}
		return r.Data, nil
	}
	var off []byte
	if offset <= 0xFFFF {
		off = []byte{byte(offset >> 8), byte(offset)}
	} else {
		off = []byte{byte(offset >> 16), byte(offset >> 8), byte(offset)}
	}
	// Ask for the 53 header too.
	r, err := c.Send(ctx, Command{INS: InsReadBinaryOdd, Data: tlv.Append(nil, 0x54, off), Ne: min(n+4, MaxExtendedNe)})
	if err != nil {
		return nil, err
	}
	if r.SW != SWSuccess && r.SW != SWEndOfFile {
		return nil, r.Err(InsReadBinaryOdd)
	}
	v, ok := tlv.Find(r.Data, 0x53)
	if !ok {
		return nil, &DataError{File: "READ BINARY (B1)", Msg: "response without DO 53"}
	}
	return v, nil
}

// ReadTLVFile selects the EF fid under the current DF and reads it whole,
// using the length of its outer TLV object to know where it ends. name
// ("EF.COM", "DG2") is used in errors and passed to progress, which, if not
// nil, is called after each chunk with the bytes read so far and the file's
// size. It returns an error unwrapping to [ErrNotFound] for a missing file and
// a [*DataError] if the file is not TLV, declares more than 1 MiB (checked
// before anything is allocated), ends early, or takes more than
// 4·⌈size/223⌉ + 64 APDUs.
func (c *Card) ReadTLVFile(ctx context.Context, fid uint16, name string, progress func(string, int, int)) ([]byte, error) {
	if err := c.SelectEF(ctx, fid); err != nil {
		return nil, fmt.Errorf("selecting %s: %w", name, err)
	}
	// The first read asks for as much as a response can hold: the size
	// comes from the TLV header in its first bytes, and small files (EF.COM,
	// DG1, EF.SOD) need no second read.
	head, err := c.readChunk(ctx, 0, maxFile)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	_, l, h, ok := tlv.Header(head)
	if !ok {
		return nil, &DataError{File: name, Msg: "file does not start with a TLV header"}
	}
	total := h + l
	if total > maxFile {
		return nil, &DataError{File: name, Msg: fmt.Sprintf("declared length %d exceeds %d", total, maxFile)}
	}
	buf := make([]byte, 0, total)
	buf = append(buf, head[:min(len(head), total)]...)
	if progress != nil {
		progress(name, len(buf), total)
	}
	start, budget := c.apdus, fileBudget(total)
	for len(buf) < total {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if n := c.apdus - start; n > budget {
			return nil, &DataError{File: name, Msg: fmt.Sprintf("%d of %d bytes after %d APDUs (budget %d)", len(buf), total, n, budget)}
		}
		part, err := c.readChunk(ctx, len(buf), total-len(buf))
		if err != nil {
			return nil, fmt.Errorf("reading %s at offset %d: %w", name, len(buf), err)
		}
		if len(part) == 0 {
			return nil, &DataError{File: name, Msg: fmt.Sprintf("file ends at %d bytes, header says %d", len(buf), total)}
		}
		buf = append(buf, part...)
		if progress != nil {
			progress(name, min(len(buf), total), total)
		}
	}
	return buf[:total], nil
}

// readChunk reads up to n bytes at offset. Under secure messaging it
// always asks for 0xDF bytes (short Le in DO 97 and outer Le 00), as the
// CIE middleware, PagoPA's CIE SDK, JMRTD and OpenSC's npa-tool do on
// real CIEs and passports (SM.md): some chips answer an extended-length
// command with a bare 6700 without counting it in their send sequence
// counter, which a retry in the same session cannot recover from. In
// plain it asks for the largest Le the reader and the card allow:
// extended (readChunkExtended) unless [CardOptions.NoExtended] is set or
// the card refused an extended Le before with 67xx (wrong length), else
// 0xDF. The first refusal is retried with the short Le and remembered for
// the rest of the session.
func (c *Card) readChunk(ctx context.Context, offset, n int) ([]byte, error) {
	if c.opts.NoExtended || c.shortRead || c.sm != nil {
		return c.ReadBinary(ctx, offset, min(n, readChunk))
	}
	part, err := c.ReadBinary(ctx, offset, min(n, readChunkExtended))
	var se *StatusError
	if err != nil && n > readChunk && errors.As(err, &se) && se.SW>>8 == 0x67 {
		c.shortRead = true
		return c.ReadBinary(ctx, offset, min(n, readChunk))
	}
	return part, err
}

// ReadFile selects the EF fid under the current DF and reads it to its end
// (for files that are not TLV, such as the CIE's EF.ID_Servizi). The end is
// detected by a short read, SW 6282 or SW 6B00. A file over 1 MiB, or one
// that takes more than 18,873 APDUs, gives a [*DataError].
func (c *Card) ReadFile(ctx context.Context, fid uint16, name string) ([]byte, error) {
	if err := c.SelectEF(ctx, fid); err != nil {
		return nil, fmt.Errorf("selecting %s: %w", name, err)
	}
	var buf []byte
	start, budget := c.apdus, fileBudget(maxFile)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if n := c.apdus - start; n > budget {
			return nil, &DataError{File: name, Msg: fmt.Sprintf("%d bytes after %d APDUs (budget %d)", len(buf), n, budget)}
		}
		part, err := c.ReadBinary(ctx, len(buf), readChunk)
		if err != nil {
			if isEOF(err) && len(buf) > 0 {
				return buf, nil
			}
			return nil, fmt.Errorf("reading %s at offset %d: %w", name, len(buf), err)
		}
		buf = append(buf, part...)
		if len(part) < readChunk {
			return buf, nil
		}
		if len(buf) > maxFile {
			return nil, &DataError{File: name, Msg: fmt.Sprintf("file exceeds %d bytes", maxFile)}
		}
	}
}
