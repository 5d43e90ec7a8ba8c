package sadcheck

import (
	"encoding/xml"
	"io"
	"strconv"
	"time"
)

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure"`
	Skipped   *junitMessage `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// WriteJUnit writes the results as JUnit XML (one testsuite named
// "sadcheck", one testcase per case, classname "sadcheck"), the format CI
// systems (Jenkins, GitLab, GitHub Actions reporters) read.
func (r *Report) WriteJUnit(w io.Writer) error {
	s := junitSuite{Name: "sadcheck", Tests: len(r.Results)}
	var total time.Duration
	for _, x := range r.Results {
		total += x.Duration
		c := junitCase{Name: x.Case, Classname: "sadcheck", Time: seconds(x.Duration)}
		switch x.Outcome {
		case Fail:
			s.Failures++
			c.Failure = &junitMessage{Message: x.Detail, Text: x.Detail}
		case Skip:
			s.Skipped++
			c.Skipped = &junitMessage{Message: x.Detail}
		default:
			c.SystemOut = x.Detail
		}
		s.Cases = append(s.Cases, c)
	}
	s.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{s}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
