package deploy

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Classroom requirements of Allegato 3 to Circ. 4/2017 (seed 000): "I poli
// suindicati devono assicurare la disponibilità di aule con capienza di 60
// discenti con le seguenti dotazioni: N° 1 ampia scrivania per allestimento
// postazione docente (PC, Proiettore, postazione di lavoro completa) con la
// presenza di almeno 2 prese di corrente; N° 10 ampie scrivanie per
// allestimento postazioni allievo (notebook, scanner biometrico) con la
// presenza di altrettante prese di corrente. Ogni postazione allievo dovrà
// ospitare 6 sedie, per un totale di 60 sedie; Connessione di rete." The
// rooms are needed "nei giorni indicati (orario 8-18)".
const (
	ClassroomSeats             = 60 // "capienza di 60 discenti"
	ClassroomTeacherDesks      = 1  // "N° 1 ampia scrivania per allestimento postazione docente"
	ClassroomTeacherSockets    = 2  // "almeno 2 prese di corrente"
	ClassroomStudentDesks      = 10 // "N° 10 ampie scrivanie per allestimento postazioni allievo"
	ClassroomSocketsPerStudent = 1  // "altrettante prese di corrente"
	ClassroomChairsPerDesk     = 6  // "Ogni postazione allievo dovrà ospitare 6 sedie"
	ClassroomFromHour          = 8  // "orario 8-18"
	ClassroomToHour            = 18
)

// Classroom is what a prefecture offers for the operators' courses.
type Classroom struct {
	Seats          int
	TeacherDesks   int
	TeacherSockets int // sockets at the teacher's desk
	StudentDesks   int
	StudentSockets int // sockets at the student desks, in all
	Network        bool
}

// ErrClassroom is what every error of [CheckClassroom] unwraps to.
var ErrClassroom = errors.New("deploy: classroom requirement not met")

// CheckClassroom compares a classroom with Allegato 3's requirements and
// returns nil, or every shortfall joined, each a [*ShortfallError] that
// unwraps to [ErrClassroom] and cites "Circ. 4/2017 All. 3".
func CheckClassroom(c Classroom) error {
	var errs []error
	need := func(what string, need, have int) {
		if have < need {
			errs = append(errs, &ShortfallError{What: what, Need: float64(need), Have: float64(have), Source: classroomSource, kind: ErrClassroom})
		}
	}
	need("classroom seats", ClassroomSeats, c.Seats)
	need("teacher desks", ClassroomTeacherDesks, c.TeacherDesks)
	need("sockets at the teacher's desk", ClassroomTeacherSockets, c.TeacherSockets)
	need("student desks", ClassroomStudentDesks, c.StudentDesks)
	need("sockets at the student desks", ClassroomStudentDesks*ClassroomSocketsPerStudent, c.StudentSockets)
	if !c.Network {
		need("network connection", 1, 0)
	}
	return errors.Join(errs...)
}

var classroomSource = Source{Doc: CircularNational, Section: "All. 3", Quote: "aule con capienza di 60 discenti"}

// checkClassrooms reports course days on which one hub trains more
// operators than a classroom seats.
func checkClassrooms(p *Plan) []*Inconsistency {
	type key struct {
		hub string
		day time.Time
	}
	load := map[key]int{}
	first := map[key]int{}
	names := map[key]string{}
	for _, in := range p.Installations {
		if in.TrainingHub == "" || in.Course.IsZero() || in.Operators == 0 {
			continue
		}
		k := key{fold(in.TrainingHub), in.Course}
		if _, ok := first[k]; !ok {
			first[k], names[k] = in.Line, in.TrainingHub
		}
		load[k] += in.Operators
	}
	keys := make([]key, 0, len(load))
	for k, n := range load {
		if n > ClassroomSeats {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Compare(first[a], first[b]) })
	var out []*Inconsistency
	for _, k := range keys {
		out = append(out, &Inconsistency{Line: first[k], Err: ErrClassroomFull,
			Detail:  fmt.Sprintf("%s on %s: %d operators for %d seats", names[k], formatDate(k.day), load[k], ClassroomSeats),
			Sources: []Source{classroomSource}})
	}
	return out
}
