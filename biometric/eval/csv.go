package eval

import (
	"encoding/csv"
	"io"
	"strconv"
)

// WriteScoresCSV writes one line per score, after a header:
// set,finger_a,impression_a,finger_b,impression_b,genuine,score
// (fingers and impressions 1-based, as in FVC file names 101_1: finger
// 101 is 1). set names the database of the scores.
func WriteScoresCSV(w io.Writer, set string, ss []Score, header bool) error {
	cw := csv.NewWriter(w)
	if header {
		if err := cw.Write([]string{"set", "finger_a", "impression_a", "finger_b", "impression_b", "genuine", "score"}); err != nil {
			return err
		}
	}
	for _, s := range ss {
		rec := []string{
			set,
			strconv.Itoa(s.A.Finger + 1), strconv.Itoa(s.A.Impression + 1),
			strconv.Itoa(s.B.Finger + 1), strconv.Itoa(s.B.Impression + 1),
			strconv.FormatBool(s.Genuine),
			strconv.FormatFloat(s.Score, 'f', 3, 64),
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
