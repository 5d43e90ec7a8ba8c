package deploy

import (
	"fmt"
	"time"
)

// Plan is a deployment plan: the installations of one or more plan tables,
// the training hubs per region and the prefectures' training dates.
//
// Circular is the circular the plan was read from ([Parse] recognises it
// by its heading, or takes [ParseOptions.Circular]); it decides which
// milestones and phase apply. Statements are the facts the circular states
// in prose (deadlines, counts, endpoints), in input order.
//
// Problems lists the table rows that could not be read, in input order; a
// Plan built in code has none. The zero Plan is empty and valid.
type Plan struct {
	Circular      Circular       `json:"circular,omitempty"`
	Installations []Installation `json:"installations"`
	Hubs          []Hub          `json:"hubs,omitempty"`
	Trainings     []Training     `json:"trainings,omitempty"`
	Statements    []Statement    `json:"statements,omitempty"`
	Problems      []*RowError    `json:"-"`
}

// Installation is one row of a plan table: the installation of the
// workstations of one comune and the training of its operators.
//
// Dates are civil dates at midnight UTC. Fields a table does not carry are
// zero: the national table has Region, Province, TrainingHub and Operators
// but no Workstations or TimeSlot; the Naples table has Workstations and
// TimeSlot but no Region, Province or Operators (its Province comes from
// [ParseOptions.Province]).
type Installation struct {
	Line         int       `json:"line,omitempty"` // 1-based line in the source, 0 if unknown
	Region       string    `json:"region,omitempty"`
	Comune       string    `json:"comune"`
	Province     string    `json:"province,omitempty"` // sigla, e.g. "NA"
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	TrainingHub  string    `json:"training_hub,omitempty"` // polo formativo
	Course       time.Time `json:"course,omitzero"`        // date of the operators' course
	TimeSlot     TimeSlot  `json:"time_slot,omitzero"`
	Operators    int       `json:"operators,omitempty"`
	Workstations int       `json:"workstations,omitempty"` // postazioni di lavoro (PDL)
}

// Hub is a region's training hubs ("poli formativi"), from the table of
// Allegato 3.
type Hub struct {
	Line   int      `json:"line,omitempty"`
	Region string   `json:"region"`
	Cities []string `json:"cities"`
}

// Training is a prefecture's classroom dates for the operators' courses,
// from the table of Allegato 3.
type Training struct {
	Line       int         `json:"line,omitempty"`
	Prefecture string      `json:"prefecture"`
	Dates      []time.Time `json:"dates"`
}

// TimeSlot is a course's time of day, in minutes after midnight. The zero
// TimeSlot means "not given".
type TimeSlot struct {
	From, To int
}

// IsZero reports whether s is the zero TimeSlot.
func (s TimeSlot) IsZero() bool { return s == TimeSlot{} }

// String formats s as "09:00-13:00", or "" for the zero TimeSlot.
func (s TimeSlot) String() string {
	if s.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.From/60, s.From%60, s.To/60, s.To%60)
}

// MarshalText implements encoding.TextMarshaler.
func (s TimeSlot) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it accepts what
// [TimeSlot.String] produces and the documents' "09:00 - 13:00".
func (s *TimeSlot) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = TimeSlot{}
		return nil
	}
	v, err := parseTimeSlot(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
