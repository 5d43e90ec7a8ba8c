package eval

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ciekit/ciekit/biometric"
)

// AppendXYT appends minutiae in NIST's .xyt text format to dst, one
// "x y θ q" line each: pixel coordinates with the origin top-left (read
// them with bozorth3 -m1), θ in whole degrees counter-clockwise (the ISO
// direction), q the minutia quality.
func AppendXYT(dst []byte, ms []biometric.Minutia) []byte {
	for _, m := range ms {
		dst = fmt.Appendf(dst, "%d %d %d %d\n", m.X, m.Y, int(float64(m.Angle)*360/256+0.5)%360, m.Quality)
	}
	return dst
}

// ReadScores reads one score per non-empty line (the first field; NIST
// bozorth3 -M prints this way) for the given pairs in order, and returns
// them as Scores. It fails on a line that is not a number and when the
// count of scores differs from len(pairs).
func ReadScores(r io.Reader, pairs []Pair) ([]Score, error) {
	var ss []Score
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("eval: scores line %d: %q is not a number", line, fields[0])
		}
		if len(ss) == len(pairs) {
			return nil, fmt.Errorf("eval: scores line %d: more scores than the %d pairs", line, len(pairs))
		}
		ss = append(ss, Score{Pair: pairs[len(ss)], Score: v})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: reading scores: %w", err)
	}
	if len(ss) != len(pairs) {
		return nil, fmt.Errorf("eval: %d scores for %d pairs", len(ss), len(pairs))
	}
	return ss, nil
}
