package sedi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// EventKind names what the central systems do after an action (§3.1.7,
// §3.2).
type EventKind string

// Event kinds.
const (
	// EventMasterPassword: generate and send a Security Officer's master
	// password, about 60 days before the installation date (§3.1.7).
	EventMasterPassword EventKind = "master-password"
	// EventMonitoraUpdate: send the sede's data to the supply portal
	// Monitora (§3.1.7).
	EventMonitoraUpdate EventKind = "monitora-update"
	// EventAgendaUpdate: generate and send the AgendaCIE credentials to the
	// issuing-service manager and communicate the sede's changes (§3.1.7).
	EventAgendaUpdate EventKind = "agenda-update"
	// EventAgendaRemoved: the sede leaves AgendaCIE; no new bookings, and
	// the existing ones can no longer be managed (§3.2).
	EventAgendaRemoved EventKind = "agenda-removed"
	// EventCredentialsRevoked: a Security Officer who served no other sede
	// loses the credentials (§3.2).
	EventCredentialsRevoked EventKind = "security-officer-removed"
	// EventMonitoraDisabled: the installation contact loses access to
	// Monitora (§3.2).
	EventMonitoraDisabled EventKind = "monitora-access-disabled"
	// EventManagerRemoved: the issuing-service manager is removed (§3.2).
	EventManagerRemoved EventKind = "manager-removed"
)

// Event is an effect of an action, recorded in the store's outbox in the
// same transaction as the action. Due is when it should happen (zero:
// now); ReferenteID is the person concerned, if any. Cards is the number
// of operator cards (SCO) concerned: on an [EventMasterPassword], those the
// Security Officer is to activate and deliver for the sede; on an
// [EventMonitoraUpdate], the sede's total, which the installation contact
// confirms on Monitora ("indicare il numero di SCO da inviare alla propria
// sede", seed 001 All. 2 §3).
type Event struct {
	Kind        EventKind `json:"kind"`
	Comune      string    `json:"comune"`
	SedeID      int64     `json:"sede"`
	ReferenteID int64     `json:"referente,omitempty"`
	Cards       int       `json:"cards,omitempty"`
	Due         time.Time `json:"due,omitzero"`
}

// Options tunes a [Registry]. The zero value is valid.
type Options struct {
	// MasterPasswordDays is how many days before the installation date the
	// master password is due, 0 to [MaxLeadDays]; zero means 60 (SediCIE
	// manual §3.1.7: "circa 60 giorni prima della data di installazione").
	MasterPasswordDays int
}

// MaxLeadDays bounds [Options.MasterPasswordDays].
const MaxLeadDays = 3660

// ErrOptions is what [NewRegistry] returns, wrapped, for options out of
// range.
var ErrOptions = errors.New("sedi: invalid options")

// Registry applies the SediCIE rules to the data in a Store. It is safe
// for concurrent use; each action is one transaction.
type Registry struct {
	store Store
	opts  Options
}

// NewRegistry returns a Registry over s. The error wraps [ErrOptions] when
// opts is out of range (a negative lead time, issue 17 item 4).
func NewRegistry(s Store, opts Options) (*Registry, error) {
	if opts.MasterPasswordDays < 0 || opts.MasterPasswordDays > MaxLeadDays {
		return nil, fmt.Errorf("%w: MasterPasswordDays %d (want 0 to %d)", ErrOptions, opts.MasterPasswordDays, MaxLeadDays)
	}
	if opts.MasterPasswordDays == 0 {
		opts.MasterPasswordDays = 60
	}
	return &Registry{store: s, opts: opts}, nil
}

// Steps of the insertion flow (§3.1).
const (
	StepData             = 1 // PASSO 1: dati della sede
	StepReferenti        = 2 // PASSO 2: referenti
	StepSecurityOfficers = 3 // PASSO 3: Security Officer
	StepInstallContact   = 4 // PASSO 4: referente per le installazioni
	StepManager          = 5 // PASSO 5: responsabile del servizio
	StepSummary          = 6 // PASSO 6: riepilogo dati, confirmed
	StepTransmitted      = 7 // TRASMETTI DATI done
)

// Flow is one run of the six-step insertion flow for a sede (§3.1). Each
// method is one transaction, so a flow interrupted at any point leaves the
// sede INCOMPLETA with everything confirmed so far, and [Registry.Resume]
// takes it up again.
//
// An action of step N is allowed once steps 1 to N-1 are done; it undoes
// steps N and later (they must be walked again, as after INDIETRO), and
// Next completes step N. A Flow is as safe for concurrent use as its
// Registry.
type Flow struct {
	r  *Registry
	id int64
}

// Sede returns the flow's sede as stored now.
func (f *Flow) Sede(ctx context.Context) (*Sede, error) { return f.r.Sede(ctx, f.id) }

// ID is the sede's ID.
func (f *Flow) ID() int64 { return f.id }

// Begin starts the insertion of a new sede of the comune with cadastral
// code comune (AGGIUNGI, then INIZIA). The sede exists from now on, as
// INCOMPLETA.
func (r *Registry) Begin(ctx context.Context, comune string) (*Flow, error) {
	comune = strings.ToUpper(strings.TrimSpace(comune))
	if len(comune) != 4 {
		return nil, ruleErr(RuleFormat, "Comune", "3.1")
	}
	var id int64
	err := r.store.Update(ctx, func(tx Tx) error {
		var err error
		id, err = tx.PutSede(&Sede{Comune: comune, State: Incomplete})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Flow{r: r, id: id}, nil
}

// Edit starts the flow again for an existing sede (MODIFICA SEDE, §3.2):
// the sede is INCOMPLETA until transmitted again. Its data stay as they
// are, to be confirmed step by step.
func (r *Registry) Edit(ctx context.Context, id int64) (*Flow, error) {
	err := r.store.Update(ctx, func(tx Tx) error {
		s, err := tx.Sede(id)
		if err != nil {
			return err
		}
		s.State, s.Step = Incomplete, 0
		_, err = tx.PutSede(s)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Flow{r: r, id: id}, nil
}

// Resume returns the flow of an INCOMPLETA sede where it stopped.
func (r *Registry) Resume(ctx context.Context, id int64) (*Flow, error) {
	s, err := r.Sede(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.State == Complete {
		return nil, ruleErr(RuleStep, "", "3.2")
	}
	return &Flow{r: r, id: id}, nil
}

// Sede returns a sede by ID.
func (r *Registry) Sede(ctx context.Context, id int64) (*Sede, error) {
	return view(ctx, r.store, func(tx Tx) (*Sede, error) { return tx.Sede(id) })
}

// Sedi returns the sedi of a comune ("" for all), ordered by ID.
func (r *Registry) Sedi(ctx context.Context, comune string) ([]*Sede, error) {
	return view(ctx, r.store, func(tx Tx) ([]*Sede, error) { return tx.Sedi(comune) })
}

// Referenti returns a comune's list of contacts ("" for all).
func (r *Registry) Referenti(ctx context.Context, comune string) ([]*Referente, error) {
	return view(ctx, r.store, func(tx Tx) ([]*Referente, error) { return tx.Referenti(comune) })
}

// Events returns the outbox, oldest first.
func (r *Registry) Events(ctx context.Context) ([]Event, error) {
	return view(ctx, r.store, Tx.Events)
}

// view runs read in a read-only transaction of st and returns what it read.
func view[T any](ctx context.Context, st Store, read func(Tx) (T, error)) (T, error) {
	var out T
	err := st.View(ctx, func(tx Tx) error {
		var err error
		out, err = read(tx)
		return err
	})
	return out, err
}

// step runs one action of step n on the flow's sede in a transaction. The
// action undoes steps n and later.
func (f *Flow) step(ctx context.Context, n int, fn func(tx Tx, s *Sede) error) error {
	return f.update(ctx, n, func(tx Tx, s *Sede) error {
		if err := fn(tx, s); err != nil {
			return err
		}
		s.State = Incomplete
		s.Step = min(s.Step, n-1)
		return nil
	})
}

// next completes step n after checking it.
func (f *Flow) next(ctx context.Context, n int, check func(tx Tx, s *Sede) error) error {
	return f.update(ctx, n, func(tx Tx, s *Sede) error {
		if err := check(tx, s); err != nil {
			return err
		}
		s.Step = max(s.Step, n)
		return nil
	})
}

// update runs fn on the flow's sede in a read-write transaction, once
// steps 1 to n-1 are done and the sede is not complete, and stores the
// sede fn changed.
func (f *Flow) update(ctx context.Context, n int, fn func(tx Tx, s *Sede) error) error {
	return f.r.store.Update(ctx, func(tx Tx) error {
		s, err := tx.Sede(f.id)
		if err != nil {
			return err
		}
		if s.State == Complete || s.Step < n-1 {
			return ruleErr(RuleStep, "", "3.1")
		}
		if err := fn(tx, s); err != nil {
			return err
		}
		_, err = tx.PutSede(s)
		return err
	})
}

// require completes step n if ok holds for the sede, and otherwise
// returns the rule of the manual's section that it breaks.
func (f *Flow) require(ctx context.Context, n int, ok func(*Sede) bool, rule Rule, section string) error {
	return f.next(ctx, n, func(_ Tx, s *Sede) error {
		if !ok(s) {
			return ruleErr(rule, "", section)
		}
		return nil
	})
}

// setRole gives a role of step n to an associated contact.
func (f *Flow) setRole(ctx context.Context, n int, referente int64, field, section string, assign func(*Sede)) error {
	return f.step(ctx, n, func(tx Tx, s *Sede) error {
		if _, err := associated(tx, s, referente, field, section); err != nil {
			return err
		}
		assign(s)
		return nil
	})
}

// SetData saves the data of step 1 ("Dati della sede", SediCIE manual
// §3.1.1) and completes it (AVANTI) if they are valid; otherwise it returns
// every problem, joined.
func (f *Flow) SetData(ctx context.Context, d SedeData) error {
	if err := d.Validate(); err != nil {
		return err
	}
	d.CAP = strings.TrimSpace(d.CAP)
	d.IBAN = strings.ToUpper(strings.ReplaceAll(d.IBAN, " ", ""))
	if err := f.step(ctx, StepData, func(_ Tx, s *Sede) error { s.SedeData = d; return nil }); err != nil {
		return err
	}
	return f.next(ctx, StepData, func(Tx, *Sede) error { return nil })
}

// AddReferente inserts a new contact in the comune's list and associates it
// with the sede (step 2, ASSOCIA with new data). A person whose codice
// fiscale is already in the list is refused with
// [RuleDuplicateReferente].
func (f *Flow) AddReferente(ctx context.Context, d ReferenteData) (int64, error) {
	if err := d.Validate(); err != nil {
		return 0, err
	}
	d.CodiceFiscale = normCF(d.CodiceFiscale)
	var id int64
	err := f.step(ctx, StepReferenti, func(tx Tx, s *Sede) error {
		list, err := tx.Referenti(s.Comune)
		if err != nil {
			return err
		}
		for _, r := range list {
			if normCF(r.CodiceFiscale) == d.CodiceFiscale {
				return ruleErr(RuleDuplicateReferente, "Codice Fiscale", "3.1.2")
			}
		}
		id, err = tx.PutReferente(&Referente{Comune: s.Comune, ReferenteData: d})
		s.Referenti = append(s.Referenti, id)
		return err
	})
	return id, err
}

// Associate associates a contact already in the comune's list with the
// sede (ASSOCIA, step 2; SediCIE manual §3.1.2).
func (f *Flow) Associate(ctx context.Context, referente int64) error {
	return f.step(ctx, StepReferenti, func(tx Tx, s *Sede) error {
		r, err := tx.Referente(referente)
		if err != nil {
			return err
		}
		if r.Comune != s.Comune {
			return ruleErr(RuleOtherComune, "Referente", "3.1.2")
		}
		if !slices.Contains(s.Referenti, referente) {
			s.Referenti = append(s.Referenti, referente)
		}
		return nil
	})
}

// UpdateReferente changes a contact's data (MODIFICA, step 2; SediCIE
// manual §3.1.2). The change shows in every sede the contact is associated
// with. Changing the codice fiscale to one already in the list is refused
// ([RuleDuplicateReferente]); so is giving a Security Officer of this
// comune the codice fiscale of a Security Officer of another comune
// ([RuleSecurityOffComune]). Any other role held elsewhere is no obstacle:
// an installation contact may serve several comuni (§3.1.4).
func (f *Flow) UpdateReferente(ctx context.Context, referente int64, d ReferenteData) error {
	if err := d.Validate(); err != nil {
		return err
	}
	d.CodiceFiscale = normCF(d.CodiceFiscale)
	return f.step(ctx, StepReferenti, func(tx Tx, s *Sede) error {
		r, err := tx.Referente(referente)
		if err != nil {
			return err
		}
		if r.Comune != s.Comune {
			return ruleErr(RuleOtherComune, "Referente", "3.1.2")
		}
		list, err := tx.Referenti(s.Comune)
		if err != nil {
			return err
		}
		for _, o := range list {
			if o.ID != referente && normCF(o.CodiceFiscale) == d.CodiceFiscale {
				return ruleErr(RuleDuplicateReferente, "Codice Fiscale", "3.1.2")
			}
		}
		// §3.1.3 forbids holding "lo stesso ruolo in altri Comuni": the
		// check applies only to someone who is Security Officer here.
		so, err := isSecurityOfficerIn(tx, s.Comune, referente)
		if err != nil {
			return err
		}
		if so {
			if err := checkSecurityOfficerElsewhere(tx, s.Comune, d.CodiceFiscale); err != nil {
				return err
			}
		}
		r.ReferenteData = d
		_, err = tx.PutReferente(r)
		return err
	})
}

// Disposal is the choice the manual offers after DISSOCIA when the contact
// serves no other sede of the comune (§3.1.2).
type Disposal int

// Disposals.
const (
	Keep   Disposal = iota // CONSERVA: the contact stays in the comune's list
	Delete                 // ELIMINA: the contact's data are deleted
)

// Dissociate removes a contact from the sede (DISSOCIA, step 2; SediCIE
// manual §3.1.2), and from any role the contact held in it. If the contact
// is then associated with no other sede of the comune, d chooses between
// [Keep] and [Delete]; deleted reports the latter.
func (f *Flow) Dissociate(ctx context.Context, referente int64, d Disposal) (deleted bool, err error) {
	err = f.step(ctx, StepReferenti, func(tx Tx, s *Sede) error {
		if !slices.Contains(s.Referenti, referente) {
			return ruleErr(RuleNotFound, "Referente", "3.1.2")
		}
		dropRoles(s, referente)
		others, err := tx.Sedi(s.Comune)
		if err != nil {
			return err
		}
		for _, o := range others {
			if o.ID != s.ID && slices.Contains(o.Referenti, referente) {
				return nil
			}
		}
		if d != Delete {
			return nil
		}
		deleted = true
		return tx.DeleteReferente(referente)
	})
	return deleted, err
}

func dropRoles(s *Sede, referente int64) {
	s.Referenti = slices.DeleteFunc(s.Referenti, func(id int64) bool { return id == referente })
	s.SecurityOfficers = slices.DeleteFunc(s.SecurityOfficers, func(id int64) bool { return id == referente })
	delete(s.SCOCards, referente)
	if s.InstallContact == referente {
		s.InstallContact = 0
	}
	if s.Manager == referente {
		s.Manager = 0
	}
}

// NextReferenti completes step 2: the sede needs at least one contact.
func (f *Flow) NextReferenti(ctx context.Context) error {
	return f.require(ctx, StepReferenti, func(s *Sede) bool { return len(s.Referenti) > 0 }, RuleNeedReferente, "3.1.2")
}

// MaxSCOCards bounds the operator cards of one Security Officer in one sede.
const MaxSCOCards = 10000

// AddSecurityOfficer names an associated contact Security Officer of the
// sede (step 3), with the number of operator cards (SCO) that person is to
// deliver and manage for it: "indicando altresì, per ciascun Security
// Officer il numero di smart card operatore che egli dovrà consegnare e
// gestire" (seed 001, All. 2 §3). Naming the same person again replaces
// the count. cards must be 1 to [MaxSCOCards] ([RuleSCOCount]).
//
// A Security Officer may serve several sedi of the same comune, but
// "non può ricoprire contemporaneamente lo stesso ruolo in altri Comuni"
// (SediCIE manual §3.1.3): a person who is Security Officer of another
// comune is refused with [RuleSecurityOffComune].
func (f *Flow) AddSecurityOfficer(ctx context.Context, referente int64, cards int) error {
	if cards < 1 || cards > MaxSCOCards {
		return ruleErr(RuleSCOCount, "Numero di smart card operatore", "3")
	}
	return f.step(ctx, StepSecurityOfficers, func(tx Tx, s *Sede) error {
		r, err := associated(tx, s, referente, "Security Officer", "3.1.3")
		if err != nil {
			return err
		}
		if err := checkSecurityOfficerElsewhere(tx, s.Comune, r.CodiceFiscale); err != nil {
			return err
		}
		if !slices.Contains(s.SecurityOfficers, referente) {
			s.SecurityOfficers = append(s.SecurityOfficers, referente)
		}
		if s.SCOCards == nil {
			s.SCOCards = map[int64]int{}
		}
		s.SCOCards[referente] = cards
		return nil
	})
}

// RemoveSecurityOfficer takes the role away from a contact (step 3).
func (f *Flow) RemoveSecurityOfficer(ctx context.Context, referente int64) error {
	return f.step(ctx, StepSecurityOfficers, func(_ Tx, s *Sede) error {
		s.SecurityOfficers = slices.DeleteFunc(s.SecurityOfficers, func(id int64) bool { return id == referente })
		delete(s.SCOCards, referente)
		return nil
	})
}

// NextSecurityOfficers completes step 3: at least one Security Officer
// (SediCIE manual §3.1.3, [RuleNeedSecurityOff]), whose operator cards
// total the sede's number of operators ([RuleSCOCount]).
func (f *Flow) NextSecurityOfficers(ctx context.Context) error {
	return f.next(ctx, StepSecurityOfficers, func(_ Tx, s *Sede) error {
		if len(s.SecurityOfficers) == 0 {
			return ruleErr(RuleNeedSecurityOff, "", "3.1.3")
		}
		if s.SCOTotal() != s.Operators {
			return ruleErr(RuleSCOCount, "Numero operatori", "1")
		}
		return nil
	})
}

// SetInstallContact names the sede's one installation contact (step 4),
// replacing any previous one. The same person may be installation contact
// in other comuni too (§3.1.4).
func (f *Flow) SetInstallContact(ctx context.Context, referente int64) error {
	return f.setRole(ctx, StepInstallContact, referente, "Referente per le installazioni", "3.1.4", func(s *Sede) { s.InstallContact = referente })
}

// NextInstallContact completes step 4: exactly one installation contact.
func (f *Flow) NextInstallContact(ctx context.Context) error {
	return f.require(ctx, StepInstallContact, func(s *Sede) bool { return s.InstallContact != 0 }, RuleOneInstallContact, "3.1.4")
}

// SetManager names the sede's issuing-service manager (step 5, "Responsabile
// del servizio di emissione CIE", SediCIE manual §3.1.5), replacing any
// previous one. Allegato 2 §2.1 of Circ. 8/2017 (seed 001) wants a
// "Dirigente o facente funzioni in materia anagrafica"; the registry does
// not enforce it, because the manual's Qualifica ([ReferenteData.Title])
// is optional free text (§3.1.2): show it in the summary for a person to
// judge.
func (f *Flow) SetManager(ctx context.Context, referente int64) error {
	return f.setRole(ctx, StepManager, referente, "Responsabile del servizio di emissione CIE", "3.1.5", func(s *Sede) { s.Manager = referente })
}

// NextManager completes step 5: the manager is named.
func (f *Flow) NextManager(ctx context.Context) error {
	return f.require(ctx, StepManager, func(s *Sede) bool { return s.Manager != 0 }, RuleNeedManager, "3.1.5")
}

// Summary is the summary of step 6 ("Riepilogo dati", SediCIE manual
// §3.1.6): the sede, its contacts and its role holders.
type Summary struct {
	Sede             *Sede
	Referenti        []*Referente
	SecurityOfficers []*Referente
	InstallContact   *Referente
	Manager          *Referente
}

// Summary returns the summary of step 6 (RIEPILOGO DATI) after checking
// every rule; the error joins every violation found.
func (f *Flow) Summary(ctx context.Context) (*Summary, error) {
	var out *Summary
	err := f.r.store.View(ctx, func(tx Tx) error {
		s, err := tx.Sede(f.id)
		if err != nil {
			return err
		}
		if s.Step < StepManager {
			return ruleErr(RuleStep, "", "3.1.6")
		}
		if err := Validate(tx, s); err != nil {
			return err
		}
		out = &Summary{Sede: s}
		for _, id := range s.Referenti {
			r, err := tx.Referente(id)
			if err != nil {
				return err
			}
			out.Referenti = append(out.Referenti, r)
			if slices.Contains(s.SecurityOfficers, id) {
				out.SecurityOfficers = append(out.SecurityOfficers, r)
			}
			if id == s.InstallContact {
				out.InstallContact = r
			}
			if id == s.Manager {
				out.Manager = r
			}
		}
		return nil
	})
	return out, err
}

// Confirm completes step 6 (CONFERMA, SediCIE manual §3.1.6) after
// checking every rule.
func (f *Flow) Confirm(ctx context.Context) error {
	return f.next(ctx, StepSummary, Validate)
}

// Transmit sends the data (TRASMETTI DATI, SediCIE manual §3.1.7): the
// sede becomes COMPLETA and the events of the manual go to the outbox and
// are returned: a master password for each Security Officer who holds
// none for this comune (never sent, or revoked since), due
// MasterPasswordDays before installation (zero: not yet planned) and
// carrying the officer's SCO count, the update to Monitora with the sede's
// SCO total, and the update to AgendaCIE.
func (f *Flow) Transmit(ctx context.Context, installation time.Time) ([]Event, error) {
	var evs []Event
	err := f.r.store.Update(ctx, func(tx Tx) error {
		s, err := tx.Sede(f.id)
		if err != nil {
			return err
		}
		if s.State == Complete || s.Step < StepSummary {
			return ruleErr(RuleStep, "", "3.1.7")
		}
		if err := Validate(tx, s); err != nil {
			return err
		}
		past, err := tx.Events()
		if err != nil {
			return err
		}
		var due time.Time
		if !installation.IsZero() {
			due = installation.AddDate(0, 0, -f.r.opts.MasterPasswordDays)
		}
		for _, so := range s.SecurityOfficers {
			if !holdsMasterPassword(past, s.Comune, so) {
				evs = append(evs, Event{Kind: EventMasterPassword, Comune: s.Comune, SedeID: s.ID, ReferenteID: so, Cards: s.SCOCards[so], Due: due})
			}
		}
		evs = append(evs,
			Event{Kind: EventMonitoraUpdate, Comune: s.Comune, SedeID: s.ID, ReferenteID: s.InstallContact, Cards: s.SCOTotal()},
			Event{Kind: EventAgendaUpdate, Comune: s.Comune, SedeID: s.ID, ReferenteID: s.Manager})
		s.State, s.Step = Complete, StepTransmitted
		if _, err := tx.PutSede(s); err != nil {
			return err
		}
		return tx.AddEvents(evs...)
	})
	if err != nil {
		return nil, err
	}
	return evs, nil
}

// RemoveSede deletes a sede and its roles (RIMUOVI SEDE, SediCIE manual
// §3.2). The manual's confirmation screen lists what it does, without
// exception: "Elimina la sede dal portale AgendaCIE", "Rimuove i Security
// Officer con le relative credenziali", "Rimuove il Referente per le
// installazioni e ne disabilita l'accesso al portale della fornitura
// Monitora", "Rimuove il Responsabile del servizio di emissione CIE". So
// every Security Officer of the sede loses the credentials, and the
// installation contact the Monitora access, even if they serve other sedi;
// a Security Officer still serving another sede gets a new master password
// at that sede's next transmission. The contacts stay in the comune's
// list. It is irreversible.
func (r *Registry) RemoveSede(ctx context.Context, id int64) ([]Event, error) {
	var evs []Event
	err := r.store.Update(ctx, func(tx Tx) error {
		s, err := tx.Sede(id)
		if err != nil {
			return err
		}
		evs = append(evs, Event{Kind: EventAgendaRemoved, Comune: s.Comune, SedeID: id})
		for _, so := range s.SecurityOfficers {
			evs = append(evs, Event{Kind: EventCredentialsRevoked, Comune: s.Comune, SedeID: id, ReferenteID: so})
		}
		if s.InstallContact != 0 {
			evs = append(evs, Event{Kind: EventMonitoraDisabled, Comune: s.Comune, SedeID: id, ReferenteID: s.InstallContact})
		}
		if s.Manager != 0 {
			evs = append(evs, Event{Kind: EventManagerRemoved, Comune: s.Comune, SedeID: id, ReferenteID: s.Manager})
		}
		if err := tx.DeleteSede(id); err != nil {
			return err
		}
		return tx.AddEvents(evs...)
	})
	if err != nil {
		return nil, err
	}
	return evs, nil
}

// holdsMasterPassword reports whether the outbox sent the Security Officer
// of comune a master password not revoked since.
func holdsMasterPassword(past []Event, comune string, so int64) bool {
	holds := false
	for _, e := range past {
		if e.Comune != comune || e.ReferenteID != so {
			continue
		}
		switch e.Kind {
		case EventMasterPassword:
			holds = true
		case EventCredentialsRevoked:
			holds = false
		}
	}
	return holds
}

// DeleteReferente deletes a contact kept in the comune's list (after a
// CONSERVA). A contact still associated with a sede cannot be deleted.
func (r *Registry) DeleteReferente(ctx context.Context, id int64) error {
	return r.store.Update(ctx, func(tx Tx) error {
		ref, err := tx.Referente(id)
		if err != nil {
			return err
		}
		sedi, err := tx.Sedi(ref.Comune)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(sedi, func(s *Sede) bool { return slices.Contains(s.Referenti, id) }) {
			return ruleErr(RuleRoleNotAssociated, "Referente", "3.1.2")
		}
		return tx.DeleteReferente(id)
	})
}

// associated returns the contact if it is associated with the sede.
func associated(tx Tx, s *Sede, referente int64, field, section string) (*Referente, error) {
	if !slices.Contains(s.Referenti, referente) {
		return nil, ruleErr(RuleRoleNotAssociated, field, section)
	}
	return tx.Referente(referente)
}

// isSecurityOfficerIn reports whether the contact is Security Officer of
// any sede of comune.
func isSecurityOfficerIn(tx Tx, comune string, referente int64) (bool, error) {
	sedi, err := tx.Sedi(comune)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(sedi, func(s *Sede) bool { return slices.Contains(s.SecurityOfficers, referente) }), nil
}

// checkSecurityOfficerElsewhere refuses a person (by codice fiscale) who
// is Security Officer of a sede of another comune: "non può ricoprire
// contemporaneamente lo stesso ruolo in altri Comuni" (SediCIE manual
// §3.1.3). It is only called for someone who is, or is being made,
// Security Officer in comune.
func checkSecurityOfficerElsewhere(tx Tx, comune string, cf string) error {
	all, err := tx.Sedi("")
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.Comune == comune {
			continue
		}
		for _, so := range o.SecurityOfficers {
			r, err := tx.Referente(so)
			if err != nil {
				return err
			}
			if normCF(r.CodiceFiscale) == normCF(cf) {
				return ruleErr(RuleSecurityOffComune, "Security Officer", "3.1.3")
			}
		}
	}
	return nil
}

// Validate checks every rule of the manual on a sede as stored in tx and
// returns every violation, joined; nil if the sede could be transmitted.
func Validate(tx Tx, s *Sede) error {
	var errs []error
	if err := s.SedeData.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(s.Referenti) == 0 {
		errs = append(errs, ruleErr(RuleNeedReferente, "", "3.1.2"))
	}
	for _, id := range s.Referenti {
		r, err := tx.Referente(id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if r.Comune != s.Comune {
			errs = append(errs, ruleErr(RuleOtherComune, "Referente", "3.1.2"))
		}
	}
	holders := append(slices.Clone(s.SecurityOfficers), s.InstallContact, s.Manager)
	for _, id := range holders {
		if id != 0 && !slices.Contains(s.Referenti, id) {
			errs = append(errs, ruleErr(RuleRoleNotAssociated, "", "3.1.2"))
			break
		}
	}
	if len(s.SecurityOfficers) == 0 {
		errs = append(errs, ruleErr(RuleNeedSecurityOff, "", "3.1.3"))
	}
	for _, so := range s.SecurityOfficers {
		r, err := tx.Referente(so)
		if err == nil {
			err = checkSecurityOfficerElsewhere(tx, s.Comune, r.CodiceFiscale)
		}
		if err != nil {
			errs = append(errs, err)
		}
		if n := s.SCOCards[so]; n < 1 || n > MaxSCOCards {
			errs = append(errs, ruleErr(RuleSCOCount, "Numero di smart card operatore", "3"))
		}
	}
	// "smart card operatore (SCO) in numero pari al numero di ufficiali di
	// anagrafe che avranno in cura il rilascio della CIE" (seed 000 and
	// 001, All. 2 §1): the sede's cards match its operators.
	if len(s.SecurityOfficers) > 0 && s.SCOTotal() != s.Operators {
		errs = append(errs, ruleErr(RuleSCOCount, "Numero operatori", "1"))
	}
	if s.InstallContact == 0 {
		errs = append(errs, ruleErr(RuleOneInstallContact, "", "3.1.4"))
	}
	if s.Manager == 0 {
		errs = append(errs, ruleErr(RuleNeedManager, "", "3.1.5"))
	}
	return errors.Join(errs...)
}
