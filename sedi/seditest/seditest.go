// Package seditest holds the conformance suite for implementations of
// [sedi.Store]: the in-memory store of package sedi, the SQLite store of
// package sqlitestore and any store a user writes for another database
// run the same tests, as fstest.TestFS does for file systems.
//
//	func TestMyStore(t *testing.T) {
//		seditest.TestStore(t, func(t *testing.T) sedi.Store { return openMyStore(t) })
//	}
//
// [RandomOps] and [CheckInvariants] are the parts of the suite that a
// store's own tests reuse, for example to kill a process in the middle of
// a random walk and check the database afterwards.
package seditest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/sedi"
)

// Synthetic codici fiscali with correct check characters
// (cie-data-model.md §5.4).
const (
	cfRossi   = "RSSMRA80A01H501U"
	cfMoreno  = "MRNLCU00A01H501J"
	cfDAngelo = "DNGMTR01T71F205U"
	cfFo      = "FOXNCL99H05H501F"
	cfDeRossi = "DRSGFR75C15F839F"
	cfMuller  = "MLLJGN70B02Z112T"
)

// Cadastral codes of the comuni the suite uses: Roma, Milano, Torino.
const (
	roma   = "H501"
	milano = "F205"
	torino = "L219"
)

// operators is the number of operators of the suite's sedi, and so the
// operator cards their Security Officers hold.
const operators = 6

func sedeData() sedi.SedeData {
	return sedi.SedeData{
		Name: "Ufficio anagrafe centrale", Address: "Via Luigi Petroselli", StreetNumber: "50", CAP: "00186",
		TaxCode: "02438750586", IBAN: "IT60X0542811101000000123456",
		Workstations: 3, Operators: operators, Payment: "PagoPA", Connection: sedi.ConnectionHTTP,
	}
}

func person(given, surname, cf string) sedi.ReferenteData {
	return sedi.ReferenteData{Title: "Funzionario", GivenName: given, Surname: surname, Email: "referente@comune.example.it", CodiceFiscale: cf, Phone1: "+39 06 1234567"}
}

var people = []sedi.ReferenteData{
	person("Mario", "Rossi", cfRossi), person("Luca", "Moreno", cfMoreno), person("Maria Teresa", "D'Angelo", cfDAngelo),
	person("Nicolò", "Fo", cfFo), person("Gianfranco", "De Rossi", cfDeRossi), person("Jürgen", "Müller", cfMuller),
}

// TestStore runs the conformance suite against stores made by open, one
// fresh, empty store per subtest (open may register its cleanup with
// t.Cleanup; the suite closes each store itself too).
//
// It checks the [sedi.Tx] contract (IDs, copies, order, not-found errors),
// that Update is all-or-nothing and View read-only, that a cancelled
// context writes nothing, that concurrent Updates do not lose writes, and
// that a [sedi.Registry] over the store behaves as the SediCIE manual says,
// including under random sequences of actions ([CheckInvariants]). Random
// walks shrink under -short.
func TestStore(t *testing.T, open func(t *testing.T) sedi.Store) {
	t.Helper()
	run := func(name string, test func(t *testing.T, s sedi.Store)) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			test(t, s)
		})
	}
	run("Tx", testTx)
	run("Rollback", testRollback)
	run("ReadOnlyView", testReadOnly)
	run("Cancelled", testCancelled)
	run("Concurrent", testConcurrent)
	run("Registry", testRegistry)
	run("Invariants", testInvariants)
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantRule(t *testing.T, err error, rule sedi.Rule, what string) {
	t.Helper()
	var re *sedi.RuleError
	if !errors.As(err, &re) || !hasRule(err, rule) {
		t.Fatalf("%s = %v, want a *sedi.RuleError with rule %s", what, err, rule)
	}
}

func hasRule(err error, rule sedi.Rule) bool {
	if re, ok := err.(*sedi.RuleError); ok && re.Rule == rule {
		return true
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return slices.ContainsFunc(j.Unwrap(), func(e error) bool { return hasRule(e, rule) })
	}
	return false
}

func testTx(t *testing.T, s sedi.Store) {
	ctx := t.Context()
	var sedeID, refID, other int64
	must(t, s.Update(ctx, func(tx sedi.Tx) error {
		var err error
		if refID, err = tx.PutReferente(&sedi.Referente{Comune: roma, ReferenteData: people[0]}); err != nil {
			return err
		}
		sd := &sedi.Sede{Comune: roma, SedeData: sedeData(), State: sedi.Incomplete, Referenti: []int64{refID},
			SecurityOfficers: []int64{refID}, SCOCards: map[int64]int{refID: operators}}
		if sedeID, err = tx.PutSede(sd); err != nil {
			return err
		}
		other, err = tx.PutSede(&sedi.Sede{Comune: milano, State: sedi.Incomplete})
		return err
	}), "Update(put)")
	if sedeID == 0 || refID == 0 || other == 0 || sedeID == refID || sedeID == other {
		t.Fatalf("IDs %d, %d, %d: want distinct non-zero IDs", refID, sedeID, other)
	}
	must(t, s.View(ctx, func(tx sedi.Tx) error {
		got, err := tx.Sede(sedeID)
		if err != nil {
			return err
		}
		if got.Comune != roma || got.CAP != "00186" || got.SCOCards[refID] != operators || !slices.Equal(got.Referenti, []int64{refID}) {
			return fmt.Errorf("Sede(%d) = %+v, not what was put", sedeID, got)
		}
		got.Referenti[0] = 999 // a copy: changes nothing stored
		got.SCOCards[refID] = 1
		again, _ := tx.Sede(sedeID)
		if again.Referenti[0] != refID || again.SCOCards[refID] != operators {
			return errors.New("changing a returned Sede changed the store")
		}
		all, err := tx.Sedi("")
		if err != nil || len(all) != 2 || all[0].ID > all[1].ID {
			return fmt.Errorf("Sedi(\"\") = %d sedi, %v; want 2 in ID order", len(all), err)
		}
		mi, err := tx.Sedi(milano)
		if err != nil || len(mi) != 1 || mi[0].ID != other {
			return fmt.Errorf("Sedi(%q) = %v, %v; want sede %d", milano, mi, err, other)
		}
		refs, err := tx.Referenti(roma)
		if err != nil || len(refs) != 1 || refs[0].Surname != "Rossi" {
			return fmt.Errorf("Referenti(%q) = %v, %v", roma, refs, err)
		}
		if refs, _ := tx.Referenti(milano); len(refs) != 0 {
			return fmt.Errorf("Referenti(%q) = %v, want none", milano, refs)
		}
		return nil
	}), "View")
	must(t, s.Update(ctx, func(tx sedi.Tx) error {
		if _, err := tx.Sede(424242); !hasRule(err, sedi.RuleNotFound) {
			return fmt.Errorf("Sede(missing) = %v, want RuleNotFound", err)
		}
		if _, err := tx.Referente(424242); !hasRule(err, sedi.RuleNotFound) {
			return fmt.Errorf("Referente(missing) = %v, want RuleNotFound", err)
		}
		if _, err := tx.PutSede(&sedi.Sede{ID: 424242, Comune: roma}); !hasRule(err, sedi.RuleNotFound) {
			return fmt.Errorf("PutSede(unknown ID) = %v, want RuleNotFound", err)
		}
		if err := tx.DeleteSede(424242); !hasRule(err, sedi.RuleNotFound) {
			return fmt.Errorf("DeleteSede(missing) = %v, want RuleNotFound", err)
		}
		if err := tx.DeleteReferente(424242); !hasRule(err, sedi.RuleNotFound) {
			return fmt.Errorf("DeleteReferente(missing) = %v, want RuleNotFound", err)
		}
		sd, err := tx.Sede(other)
		if err != nil {
			return err
		}
		sd.Name = "Municipio 1"
		if _, err := tx.PutSede(sd); err != nil {
			return err
		}
		if err := tx.AddEvents(sedi.Event{Kind: sedi.EventMonitoraUpdate, Comune: roma, SedeID: sedeID, Cards: 6},
			sedi.Event{Kind: sedi.EventAgendaUpdate, Comune: roma, SedeID: sedeID}); err != nil {
			return err
		}
		return tx.DeleteReferente(refID)
	}), "Update(edit)")
	must(t, s.View(ctx, func(tx sedi.Tx) error {
		if sd, _ := tx.Sede(other); sd == nil || sd.Name != "Municipio 1" {
			return fmt.Errorf("Sede(%d) after PutSede = %+v", other, sd)
		}
		if _, err := tx.Referente(refID); !hasRule(err, sedi.RuleNotFound) {
			return fmt.Errorf("Referente(deleted) = %v, want RuleNotFound", err)
		}
		evs, err := tx.Events()
		if err != nil || len(evs) != 2 || evs[0].Kind != sedi.EventMonitoraUpdate || evs[0].Cards != 6 || evs[1].Kind != sedi.EventAgendaUpdate {
			return fmt.Errorf("Events() = %+v, %v; want the two events in order", evs, err)
		}
		return nil
	}), "View(after edit)")
}

func testRollback(t *testing.T, s sedi.Store) {
	ctx := t.Context()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx sedi.Tx) error {
		if _, err := tx.PutSede(&sedi.Sede{Comune: roma}); err != nil {
			return err
		}
		if err := tx.AddEvents(sedi.Event{Kind: sedi.EventAgendaUpdate, Comune: roma}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want the function's error", err)
	}
	must(t, s.View(ctx, func(tx sedi.Tx) error {
		all, _ := tx.Sedi("")
		evs, _ := tx.Events()
		if len(all) != 0 || len(evs) != 0 {
			return fmt.Errorf("after a failed Update: %d sedi and %d events, want none", len(all), len(evs))
		}
		return nil
	}), "View")
}

func testReadOnly(t *testing.T, s sedi.Store) {
	err := s.View(t.Context(), func(tx sedi.Tx) error {
		if _, err := tx.PutSede(&sedi.Sede{Comune: roma}); err == nil {
			return errors.New("PutSede in View succeeded")
		}
		if err := tx.AddEvents(sedi.Event{Kind: sedi.EventAgendaUpdate}); err == nil {
			return errors.New("AddEvents in View succeeded")
		}
		return nil
	})
	must(t, err, "View")
}

func testCancelled(t *testing.T, s sedi.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Update(ctx, func(tx sedi.Tx) error {
		_, err := tx.PutSede(&sedi.Sede{Comune: roma})
		return err
	})
	if err == nil {
		t.Fatal("Update with a cancelled context succeeded")
	}
	must(t, s.View(t.Context(), func(tx sedi.Tx) error {
		if all, _ := tx.Sedi(""); len(all) != 0 {
			return fmt.Errorf("%d sedi written under a cancelled context", len(all))
		}
		return nil
	}), "View")
}

func testConcurrent(t *testing.T, s sedi.Store) {
	r, err := sedi.NewRegistry(s, sedi.Options{})
	must(t, err, "NewRegistry")
	const n = 8
	ids := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			f, err := r.Begin(t.Context(), []string{roma, milano}[i%2])
			if err == nil {
				ids[i] = f.ID()
				err = f.SetData(t.Context(), sedeData())
			}
			errs[i] = err
		})
	}
	wg.Wait()
	must(t, errors.Join(errs...), "concurrent Begin and SetData")
	slices.Sort(ids)
	if len(slices.Compact(ids)) != n {
		t.Fatalf("concurrent Begin gave IDs %v, want %d distinct", ids, n)
	}
	all, err := r.Sedi(t.Context(), "")
	must(t, err, "Sedi")
	for _, sd := range all {
		if sd.Step != sedi.StepData {
			t.Errorf("sede %d at step %d after SetData, want %d", sd.ID, sd.Step, sedi.StepData)
		}
	}
	if len(all) != n {
		t.Errorf("Sedi() = %d sedi, want %d", len(all), n)
	}
}

// completeSede walks the six steps for a new sede of comune: the first
// person is Security Officer, the second installation contact, the third
// manager (they may repeat).
func completeSede(t *testing.T, r *sedi.Registry, comune string, ps ...sedi.ReferenteData) (*sedi.Flow, []int64) {
	t.Helper()
	ctx := t.Context()
	f, err := r.Begin(ctx, comune)
	must(t, err, "Begin")
	must(t, f.SetData(ctx, sedeData()), "SetData")
	var ids []int64
	for _, p := range ps {
		id, err := f.AddReferente(ctx, p)
		must(t, err, "AddReferente")
		ids = append(ids, id)
	}
	must(t, f.NextReferenti(ctx), "NextReferenti")
	must(t, f.AddSecurityOfficer(ctx, ids[0], operators), "AddSecurityOfficer")
	must(t, f.NextSecurityOfficers(ctx), "NextSecurityOfficers")
	must(t, f.SetInstallContact(ctx, ids[min(1, len(ids)-1)]), "SetInstallContact")
	must(t, f.NextInstallContact(ctx), "NextInstallContact")
	must(t, f.SetManager(ctx, ids[min(2, len(ids)-1)]), "SetManager")
	must(t, f.NextManager(ctx), "NextManager")
	must(t, f.Confirm(ctx), "Confirm")
	return f, ids
}

func testRegistry(t *testing.T, s sedi.Store) {
	ctx := t.Context()
	r, err := sedi.NewRegistry(s, sedi.Options{})
	must(t, err, "NewRegistry")
	tech := person("Gianfranco", "De Rossi", cfDeRossi)
	f, ids := completeSede(t, r, roma, people[0], tech, people[3])
	install := time.Date(2017, 10, 2, 0, 0, 0, 0, time.UTC)
	evs, err := f.Transmit(ctx, install)
	must(t, err, "Transmit")
	want := []sedi.Event{
		{Kind: sedi.EventMasterPassword, Comune: roma, SedeID: f.ID(), ReferenteID: ids[0], Cards: operators, Due: install.AddDate(0, 0, -60)},
		{Kind: sedi.EventMonitoraUpdate, Comune: roma, SedeID: f.ID(), ReferenteID: ids[1], Cards: operators},
		{Kind: sedi.EventAgendaUpdate, Comune: roma, SedeID: f.ID(), ReferenteID: ids[2]},
	}
	if !slices.EqualFunc(evs, want, eventEqual) {
		t.Fatalf("Transmit events = %+v, want %+v", evs, want)
	}
	out, err := r.Events(ctx)
	must(t, err, "Events")
	if !slices.EqualFunc(out, want, eventEqual) {
		t.Fatalf("outbox = %+v, want %+v", out, want)
	}
	sd, err := f.Sede(ctx)
	must(t, err, "Sede")
	if sd.State != sedi.Complete {
		t.Fatalf("state after Transmit = %s, want %s", sd.State, sedi.Complete)
	}

	// SediCIE manual §3.1.4: the installation contact "potrà esserlo
	// contemporaneamente per più Comuni differenti"; §3.1.3: a Security
	// Officer "non può ricoprire contemporaneamente lo stesso ruolo in
	// altri Comuni".
	g, gids := completeSede(t, r, milano, people[5], tech)
	h, err := r.Edit(ctx, g.ID())
	must(t, err, "Edit")
	must(t, h.SetData(ctx, sedeData()), "SetData")
	mid, err := h.AddReferente(ctx, people[0])
	must(t, err, "AddReferente(Rossi in Milano)")
	must(t, h.NextReferenti(ctx), "NextReferenti")
	wantRule(t, h.AddSecurityOfficer(ctx, mid, 1), sedi.RuleSecurityOffComune, "AddSecurityOfficer(Roma's Security Officer in Milano)")
	edited := people[0]
	edited.Phone1 = "+39 02 7654321"
	must(t, h.UpdateReferente(ctx, mid, edited), "UpdateReferente(Rossi's phone in Milano)")
	must(t, h.UpdateReferente(ctx, gids[1], tech), "UpdateReferente(installation contact of two comuni)")

	// The whole action is one transaction: a refused step leaves no trace.
	before, err := r.Sede(ctx, h.ID())
	must(t, err, "Sede")
	wantRule(t, h.SetManager(ctx, 424242), sedi.RuleStep, "SetManager before step 4")
	after, err := r.Sede(ctx, h.ID())
	must(t, err, "Sede")
	if after.Step != before.Step || !slices.Equal(after.Referenti, before.Referenti) {
		t.Fatalf("a refused action changed the sede: %+v, then %+v", before, after)
	}

	// RIMUOVI SEDE (SediCIE manual §3.2).
	rm, err := r.RemoveSede(ctx, f.ID())
	must(t, err, "RemoveSede")
	kinds := make([]sedi.EventKind, len(rm))
	for i, e := range rm {
		kinds[i] = e.Kind
	}
	wantKinds := []sedi.EventKind{sedi.EventAgendaRemoved, sedi.EventCredentialsRevoked, sedi.EventMonitoraDisabled, sedi.EventManagerRemoved}
	if !slices.Equal(kinds, wantKinds) {
		t.Fatalf("RemoveSede events = %v, want %v", kinds, wantKinds)
	}
	if _, err := r.Sede(ctx, f.ID()); !errors.Is(err, sedi.ErrNotFound) {
		t.Fatalf("Sede(removed) = %v, want ErrNotFound", err)
	}
}

func eventEqual(a, b sedi.Event) bool {
	return a.Kind == b.Kind && a.Comune == b.Comune && a.SedeID == b.SedeID && a.ReferenteID == b.ReferenteID && a.Cards == b.Cards && a.Due.Equal(b.Due)
}

func testInvariants(t *testing.T, s sedi.Store) {
	ctx := t.Context()
	r, err := sedi.NewRegistry(s, sedi.Options{})
	must(t, err, "NewRegistry")
	seeds, steps := 12, 60
	if testing.Short() {
		seeds = 3
	}
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		for range steps / 10 {
			if err := RandomOps(ctx, r, rng, 10); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if err := CheckInvariants(ctx, s); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
	}
	evs, err := r.Events(ctx)
	must(t, err, "Events")
	if len(evs) == 0 {
		t.Fatal("the random walks never transmitted a sede: the test proves little")
	}
}

// CheckInvariants verifies what must hold in s whatever the sequence of
// actions of a [sedi.Registry]: every COMPLETA sede passes every rule
// ([sedi.Validate]); role holders are associated contacts; associated
// contacts exist and are in the list of the sede's comune; a comune's list
// has no codice fiscale twice; nobody is Security Officer in two comuni.
// It returns the first violation found, or nil.
func CheckInvariants(ctx context.Context, s sedi.Store) error {
	return s.View(ctx, func(tx sedi.Tx) error {
		all, err := tx.Sedi("")
		if err != nil {
			return err
		}
		soComune := map[string]string{}
		for _, se := range all {
			if se.State == sedi.Complete {
				if err := sedi.Validate(tx, se); err != nil {
					return fmt.Errorf("sede %d is COMPLETA but: %w", se.ID, err)
				}
			}
			for _, id := range append(slices.Clone(se.SecurityOfficers), se.InstallContact, se.Manager) {
				if id != 0 && !slices.Contains(se.Referenti, id) {
					return fmt.Errorf("sede %d: role holder %d not associated", se.ID, id)
				}
			}
			for _, id := range se.Referenti {
				r, err := tx.Referente(id)
				if err != nil {
					return fmt.Errorf("sede %d: associated contact %d: %w", se.ID, id, err)
				}
				if r.Comune != se.Comune {
					return fmt.Errorf("sede %d: contact %d of comune %s", se.ID, id, r.Comune)
				}
			}
			for _, id := range se.SecurityOfficers {
				r, err := tx.Referente(id)
				if err != nil {
					return fmt.Errorf("sede %d: Security Officer %d: %w", se.ID, id, err)
				}
				cf := strings.ToUpper(r.CodiceFiscale)
				if c, ok := soComune[cf]; ok && c != se.Comune {
					return fmt.Errorf("a Security Officer in %s and %s", c, se.Comune)
				}
				soComune[cf] = se.Comune
			}
		}
		refs, err := tx.Referenti("")
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, r := range refs {
			k := r.Comune + "|" + strings.ToUpper(r.CodiceFiscale)
			if seen[k] {
				return fmt.Errorf("codice fiscale twice in the list of %s", r.Comune)
			}
			seen[k] = true
		}
		return nil
	})
}

// RandomOps runs n random actions of r, most of them legal, some not, on
// sedi of three comuni. Rule errors ([*sedi.RuleError]) are expected and
// ignored; any other error is returned.
func RandomOps(ctx context.Context, r *sedi.Registry, rng *rand.Rand, n int) error {
	comuni := []string{roma, milano, torino}
	var flows []*sedi.Flow
	for range n {
		if len(flows) == 0 || rng.IntN(8) == 0 {
			f, err := r.Begin(ctx, comuni[rng.IntN(len(comuni))])
			if err != nil {
				return err
			}
			flows = append(flows, f)
			continue
		}
		f := flows[rng.IntN(len(flows))]
		s, err := r.Sede(ctx, f.ID())
		if err != nil {
			flows = slices.DeleteFunc(flows, func(g *sedi.Flow) bool { return g == f })
			continue
		}
		refs, _ := r.Referenti(ctx, s.Comune)
		anyRef := func() int64 {
			if len(refs) == 0 || rng.IntN(10) == 0 {
				return int64(rng.IntN(50))
			}
			return refs[rng.IntN(len(refs))].ID
		}
		switch rng.IntN(16) {
		case 0:
			d := sedeData()
			if rng.IntN(4) == 0 {
				d.CAP = "bad"
			}
			err = f.SetData(ctx, d)
		case 1, 2:
			_, err = f.AddReferente(ctx, people[rng.IntN(len(people))])
		case 3:
			err = f.Associate(ctx, anyRef())
		case 4:
			_, err = f.Dissociate(ctx, anyRef(), sedi.Disposal(rng.IntN(2)))
		case 5:
			err = f.NextReferenti(ctx)
		case 6:
			cards := operators
			if rng.IntN(4) == 0 {
				cards = rng.IntN(operators + 2)
			}
			err = f.AddSecurityOfficer(ctx, anyRef(), cards)
		case 7:
			err = f.NextSecurityOfficers(ctx)
		case 8:
			err = f.SetInstallContact(ctx, anyRef())
		case 9:
			err = f.NextInstallContact(ctx)
		case 10:
			err = f.SetManager(ctx, anyRef())
		case 11:
			err = f.NextManager(ctx)
		case 12:
			err = f.Confirm(ctx)
		case 13:
			_, err = f.Transmit(ctx, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		case 14:
			if rng.IntN(3) == 0 {
				_, err = r.RemoveSede(ctx, f.ID())
			} else {
				var g *sedi.Flow
				g, err = r.Edit(ctx, f.ID())
				if err == nil {
					flows = append(flows, g)
				}
			}
		case 15:
			err = f.UpdateReferente(ctx, anyRef(), people[rng.IntN(len(people))])
		}
		if err != nil && !isRuleError(err) {
			return err
		}
	}
	return nil
}

func isRuleError(err error) bool {
	if _, ok := err.(*sedi.RuleError); ok {
		return true
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return slices.ContainsFunc(j.Unwrap(), isRuleError)
	}
	return false
}
