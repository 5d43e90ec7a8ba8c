package sedi

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Synthetic or specimen codici fiscali (cie-data-model.md §5.4).
const (
	cfRossi   = "RSSMRA80A01H501U"
	cfMoreno  = "MRNLCU00A01H501J"
	cfDAngelo = "DNGMTR01T71F205U"
	cfFo      = "FOXNCL99H05H501F"
	cfDeRossi = "DRSGFR75C15F839F"
	cfMuller  = "MLLJGN70B02Z112T"
)

const roma, milano = "H501", "F205"

func validSede() SedeData {
	return SedeData{
		Name: "Ufficio anagrafe centrale", Address: "Via Luigi Petroselli", StreetNumber: "50", CAP: "00186",
		TaxCode: "02438750586", IBAN: "IT60 X054 2811 1010 0000 0123 456",
		Workstations: 3, Operators: 6, Payment: "PagoPA", Connection: ConnectionHTTP,
	}
}

func person(nome, cognome, cf string) ReferenteData {
	return ReferenteData{Title: "Funzionario", GivenName: nome, Surname: cognome, Email: "referente@comune.example.it", CodiceFiscale: cf, Phone1: "+39 06 1234567"}
}

// stores runs a test against the in-memory store. The same behaviour on
// other stores is the business of the conformance suite in package
// seditest, which sqlitestore runs.
func stores(t *testing.T, test func(t *testing.T, r *Registry)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		r, err := NewRegistry(NewMemoryStore(), Options{})
		require.NoError(t, err)
		test(t, r)
	})
}

func requireRule(t *testing.T, err error, rule Rule) *RuleError {
	t.Helper()
	var re *RuleError
	require.ErrorAs(t, err, &re, "want rule %s", rule)
	// With joined errors, look for the rule among them.
	var found *RuleError
	var walk func(error)
	walk = func(e error) {
		if r, ok := e.(*RuleError); ok && r.Rule == rule && found == nil {
			found = r
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	require.NotNil(t, found, "error %v does not contain rule %s", err, rule)
	return found
}

// completeSede walks the whole flow for a new sede of comune with the
// given people: the first is Security Officer, the second installation
// contact, the third manager (they may repeat).
func completeSede(t *testing.T, r *Registry, comune string, people ...ReferenteData) (*Flow, []int64) {
	t.Helper()
	ctx := t.Context()
	f, err := r.Begin(ctx, comune)
	require.NoError(t, err)
	require.NoError(t, f.SetData(ctx, validSede()))
	var ids []int64
	for _, p := range people {
		id, err := f.AddReferente(ctx, p)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	require.NoError(t, f.NextReferenti(ctx))
	require.NoError(t, f.AddSecurityOfficer(ctx, ids[0], 6))
	require.NoError(t, f.NextSecurityOfficers(ctx))
	require.NoError(t, f.SetInstallContact(ctx, ids[min(1, len(ids)-1)]))
	require.NoError(t, f.NextInstallContact(ctx))
	require.NoError(t, f.SetManager(ctx, ids[min(2, len(ids)-1)]))
	require.NoError(t, f.NextManager(ctx))
	require.NoError(t, f.Confirm(ctx))
	return f, ids
}

// §3.1.1: the mandatory fields of the sede and their formats.
func TestSedeDataValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, validSede().Validate())
	for _, tc := range []struct {
		name  string
		edit  func(*SedeData)
		field string
		rule  Rule
	}{
		{"name required", func(d *SedeData) { d.Name = " " }, "Nome Sede", RuleRequired},
		{"address required", func(d *SedeData) { d.Address = "" }, "Indirizzo", RuleRequired},
		{"street number required", func(d *SedeData) { d.StreetNumber = "" }, "Numero civico", RuleRequired},
		{"street number format", func(d *SedeData) { d.StreetNumber = "bis" }, "Numero civico", RuleFormat},
		{"CAP required", func(d *SedeData) { d.CAP = "" }, "CAP", RuleRequired},
		{"CAP five digits", func(d *SedeData) { d.CAP = "0018" }, "CAP", RuleFormat},
		{"CAP digits only", func(d *SedeData) { d.CAP = "0O186" }, "CAP", RuleFormat},
		{"partita IVA check digit", func(d *SedeData) { d.TaxCode = "02438750587" }, "Codice Fiscale/Partita IVA", RuleTaxCode},
		{"personal codice fiscale check", func(d *SedeData) { d.TaxCode = "RSSMRA80A01H501X" }, "Codice Fiscale/Partita IVA", RuleTaxCode},
		{"IBAN mod 97", func(d *SedeData) { d.IBAN = "IT60X0542811101000000123457" }, "Codice IBAN", RuleIBAN},
		{"IBAN length for IT", func(d *SedeData) { d.IBAN = "IT60X054281110100000012345" }, "Codice IBAN", RuleIBAN},
		{"workstations", func(d *SedeData) { d.Workstations = 0 }, "Numero postazioni di emissione", RuleCount},
		{"operators", func(d *SedeData) { d.Operators = -1 }, "Numero operatori", RuleCount},
		{"payment required", func(d *SedeData) { d.Payment = "" }, "Tipo di pagamento", RuleRequired},
		{"connection required", func(d *SedeData) { d.Connection = "" }, "Tipo di collegamento", RuleRequired},
		{"connection value", func(d *SedeData) { d.Connection = "pigeon" }, "Tipo di collegamento", RuleFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := validSede()
			tc.edit(&d)
			re := requireRule(t, d.Validate(), tc.rule)
			assert.Equal(t, tc.field, re.Field)
			assert.Equal(t, "3.1.1", re.Section)
			assert.ErrorIs(t, re, ErrInvalid)
		})
	}
	// Optional fields may be empty; the person's CF is accepted too.
	d := validSede()
	d.TaxCode, d.IBAN = "", ""
	assert.NoError(t, d.Validate())
	d.TaxCode = cfRossi
	assert.NoError(t, d.Validate())
	// Everything wrong at once is reported at once.
	assert.Len(t, SedeData{}.Validate().(interface{ Unwrap() []error }).Unwrap(), 8)
}

// §3.1.2: the contact's mandatory fields.
func TestReferenteDataValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, person("Mario", "Rossi", cfRossi).Validate())
	for _, tc := range []struct {
		edit  func(*ReferenteData)
		field string
		rule  Rule
	}{
		{func(d *ReferenteData) { d.GivenName = "" }, "Nome", RuleRequired},
		{func(d *ReferenteData) { d.Surname = "" }, "Cognome", RuleRequired},
		{func(d *ReferenteData) { d.Email = "" }, "Email", RuleRequired},
		{func(d *ReferenteData) { d.Email = "Mario <m@x.it>" }, "Email", RuleFormat},
		{func(d *ReferenteData) { d.Email = "m@localhost" }, "Email", RuleFormat},
		{func(d *ReferenteData) { d.CodiceFiscale = "" }, "Codice Fiscale", RuleRequired},
		{func(d *ReferenteData) { d.CodiceFiscale = "RSSMRA80B31H501W" }, "Codice Fiscale", RuleTaxCode}, // 31 February
		{func(d *ReferenteData) { d.Phone1 = "" }, "Numero telefonico 1", RuleRequired},
		{func(d *ReferenteData) { d.Phone1 = "06-CALLME" }, "Numero telefonico 1", RuleFormat},
		{func(d *ReferenteData) { d.Phone2 = "12" }, "Numero telefonico 2", RuleFormat},
	} {
		d := person("Mario", "Rossi", cfRossi)
		tc.edit(&d)
		re := requireRule(t, d.Validate(), tc.rule)
		assert.Equal(t, tc.field, re.Field)
		assert.Equal(t, "3.1.2", re.Section)
	}
}

func TestChecksums(t *testing.T) {
	t.Parallel()
	assert.True(t, ValidPartitaIVA("02438750586"), "Roma Capitale")
	assert.True(t, ValidPartitaIVA("00488410010"))
	assert.False(t, ValidPartitaIVA("00488410011"))
	assert.False(t, ValidPartitaIVA("0048841001"))
	assert.False(t, ValidPartitaIVA("0048841001A"))
	assert.True(t, ValidIBAN("IT60X0542811101000000123456"), "the ECBS example IBAN")
	assert.True(t, ValidIBAN("it60 x054 2811 1010 0000 0123 456"))
	assert.True(t, ValidIBAN("GB82WEST12345698765432"))
	assert.False(t, ValidIBAN("IT60X0542811101000000123465"), "two digits swapped")
	assert.False(t, ValidIBAN("I160X0542811101000000123456"))
	assert.False(t, ValidIBAN("IT60X05428111010000001234$6"))
}

// §3.1 and §3.1.7: the six steps end with TRASMETTI DATI; the sede is
// COMPLETA and the master password is due about 60 days before
// installation.
func TestFlowComplete(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		f, ids := completeSede(t, r, roma, person("Mario", "Rossi", cfRossi), person("Luca", "Moreno", cfMoreno), person("Nicolò", "Fo", cfFo))
		sum, err := f.Summary(ctx)
		require.NoError(t, err)
		assert.Len(t, sum.Referenti, 3)
		assert.Equal(t, "Rossi", sum.SecurityOfficers[0].Surname)
		assert.Equal(t, "Moreno", sum.InstallContact.Surname)
		assert.Equal(t, "Fo", sum.Manager.Surname)

		install := time.Date(2017, 10, 2, 0, 0, 0, 0, time.UTC)
		evs, err := f.Transmit(ctx, install)
		require.NoError(t, err)
		assert.Equal(t, []Event{
			{Kind: EventMasterPassword, Comune: roma, SedeID: f.ID(), ReferenteID: ids[0], Cards: 6, Due: time.Date(2017, 8, 3, 0, 0, 0, 0, time.UTC)},
			{Kind: EventMonitoraUpdate, Comune: roma, SedeID: f.ID(), ReferenteID: ids[1], Cards: 6},
			{Kind: EventAgendaUpdate, Comune: roma, SedeID: f.ID(), ReferenteID: ids[2]},
		}, evs)
		s, err := f.Sede(ctx)
		require.NoError(t, err)
		assert.Equal(t, Complete, s.State)
		out, err := r.Events(ctx)
		require.NoError(t, err)
		assert.Equal(t, evs, out, "events are in the outbox")

		_, err = f.Transmit(ctx, install)
		requireRule(t, err, RuleStep)
	})
}

// §3.1 N.B.: an interrupted flow leaves the sede INCOMPLETA; it resumes
// where it stopped.
func TestFlowInterrupted(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		f, err := r.Begin(ctx, roma)
		require.NoError(t, err)
		require.NoError(t, f.SetData(ctx, validSede()))
		id, err := f.AddReferente(ctx, person("Mario", "Rossi", cfRossi))
		require.NoError(t, err)

		s, err := r.Sede(ctx, f.ID())
		require.NoError(t, err)
		assert.Equal(t, Incomplete, s.State)
		assert.Equal(t, StepData, s.Step)

		g, err := r.Resume(ctx, f.ID())
		require.NoError(t, err)
		require.NoError(t, g.NextReferenti(ctx))
		requireRule(t, g.SetManager(ctx, id), RuleStep) // step 5 before step 3
		require.NoError(t, g.AddSecurityOfficer(ctx, id, 6))
		require.NoError(t, g.NextSecurityOfficers(ctx))
		require.NoError(t, g.SetInstallContact(ctx, id))
		require.NoError(t, g.NextInstallContact(ctx))
		require.NoError(t, g.SetManager(ctx, id))
		require.NoError(t, g.NextManager(ctx))
		require.NoError(t, g.Confirm(ctx))
		_, err = g.Transmit(ctx, time.Time{})
		require.NoError(t, err)
	})
}

// §3.1: every step needs the ones before; each Next checks its step.
func TestFlowStepRules(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		f, err := r.Begin(ctx, roma)
		require.NoError(t, err)
		_, err = f.AddReferente(ctx, person("Mario", "Rossi", cfRossi))
		requireRule(t, err, RuleStep)
		requireRule(t, f.SetData(ctx, SedeData{}), RuleRequired)
		require.NoError(t, f.SetData(ctx, validSede()))
		requireRule(t, f.NextReferenti(ctx), RuleNeedReferente)
		id, err := f.AddReferente(ctx, person("Mario", "Rossi", cfRossi))
		require.NoError(t, err)
		require.NoError(t, f.NextReferenti(ctx))
		requireRule(t, f.NextSecurityOfficers(ctx), RuleNeedSecurityOff)
		require.NoError(t, f.AddSecurityOfficer(ctx, id, 6))
		require.NoError(t, f.NextSecurityOfficers(ctx))
		requireRule(t, f.NextInstallContact(ctx), RuleOneInstallContact)
		require.NoError(t, f.SetInstallContact(ctx, id))
		require.NoError(t, f.NextInstallContact(ctx))
		requireRule(t, f.NextManager(ctx), RuleNeedManager)
		_, err = f.Summary(ctx)
		requireRule(t, err, RuleStep)
		require.NoError(t, f.SetManager(ctx, id))
		require.NoError(t, f.NextManager(ctx))

		// Going back (INDIETRO) to step 2 and changing it undoes steps 2-5.
		other, err := f.AddReferente(ctx, person("Luca", "Moreno", cfMoreno))
		require.NoError(t, err)
		s, err := f.Sede(ctx)
		require.NoError(t, err)
		assert.Equal(t, StepData, s.Step)
		requireRule(t, f.Confirm(ctx), RuleStep)
		require.NoError(t, f.NextReferenti(ctx))
		require.NoError(t, f.NextSecurityOfficers(ctx))
		require.NoError(t, f.SetInstallContact(ctx, other))
		require.NoError(t, f.NextInstallContact(ctx))
		require.NoError(t, f.NextManager(ctx))
		require.NoError(t, f.Confirm(ctx))
	})
}

// §3.1.2: "La persona che si sta inserendo è già presente nell'elenco dei
// referenti".
func TestDuplicateReferente(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		f, err := r.Begin(ctx, roma)
		require.NoError(t, err)
		require.NoError(t, f.SetData(ctx, validSede()))
		_, err = f.AddReferente(ctx, person("Mario", "Rossi", cfRossi))
		require.NoError(t, err)
		dup := person("M.", "Rossi", "rssmra80a01h501u")
		_, err = f.AddReferente(ctx, dup)
		re := requireRule(t, err, RuleDuplicateReferente)
		assert.Equal(t, "Codice Fiscale: La persona che si sta inserendo è già presente nell'elenco dei referenti", re.Message("it"))
		assert.Equal(t, "Codice Fiscale: the person being added is already in the list of contacts", re.Message("en"))
		assert.ErrorIs(t, err, ErrConflict)

		// The list is per comune: the same person may be added in Milano.
		g, err := r.Begin(ctx, milano)
		require.NoError(t, err)
		require.NoError(t, g.SetData(ctx, validSede()))
		_, err = g.AddReferente(ctx, person("Mario", "Rossi", cfRossi))
		require.NoError(t, err)

		// Editing a contact into someone already listed is refused too.
		other, err := f.AddReferente(ctx, person("Luca", "Moreno", cfMoreno))
		require.NoError(t, err)
		requireRule(t, f.UpdateReferente(ctx, other, person("Mario", "Rossi", cfRossi)), RuleDuplicateReferente)
	})
}

// §3.1.3: a Security Officer may serve several sedi of one comune, never
// the same role in another comune.
func TestSecurityOfficerComune(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		rossi := person("Mario", "Rossi", cfRossi)
		_, _ = completeSede(t, r, roma, rossi, person("Luca", "Moreno", cfMoreno))

		// A second sede of Roma: Rossi is in the list already; associate.
		list, err := r.Referenti(ctx, roma)
		require.NoError(t, err)
		f, err := r.Begin(ctx, roma)
		require.NoError(t, err)
		require.NoError(t, f.SetData(ctx, validSede()))
		require.NoError(t, f.Associate(ctx, list[0].ID))
		require.NoError(t, f.NextReferenti(ctx))
		require.NoError(t, f.AddSecurityOfficer(ctx, list[0].ID, 6))

		// Milano: Rossi can be a contact, even installation contact, but
		// not Security Officer.
		g, err := r.Begin(ctx, milano)
		require.NoError(t, err)
		require.NoError(t, g.SetData(ctx, validSede()))
		id, err := g.AddReferente(ctx, rossi)
		require.NoError(t, err)
		require.NoError(t, g.NextReferenti(ctx))
		re := requireRule(t, g.AddSecurityOfficer(ctx, id, 6), RuleSecurityOffComune)
		assert.Equal(t, "3.1.3", re.Section)

		// Nor can a Milano Security Officer later be edited into Rossi.
		_, err = g.Dissociate(ctx, id, Delete)
		require.NoError(t, err)
		other, err := g.AddReferente(ctx, person("Maria Teresa", "D'Angelo", cfDAngelo))
		require.NoError(t, err)
		require.NoError(t, g.NextReferenti(ctx))
		require.NoError(t, g.AddSecurityOfficer(ctx, other, 6))
		requireRule(t, g.UpdateReferente(ctx, other, rossi), RuleSecurityOffComune)
	})
}

// §3.1.4: one installation contact per sede, who may serve other comuni.
func TestInstallContact(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		tech := person("Gianfranco", "De Rossi", cfDeRossi)
		completeSede(t, r, roma, person("Mario", "Rossi", cfRossi), tech)
		f, ids := completeSede(t, r, milano, person("Jürgen", "Müller", cfMuller), tech)
		s, err := f.Sede(ctx)
		require.NoError(t, err)
		assert.Equal(t, ids[1], s.InstallContact)

		// Setting another replaces: never two.
		g, err := r.Edit(ctx, f.ID())
		require.NoError(t, err)
		require.NoError(t, g.SetData(ctx, validSede()))
		require.NoError(t, g.NextReferenti(ctx))
		require.NoError(t, g.NextSecurityOfficers(ctx))
		require.NoError(t, g.SetInstallContact(ctx, ids[0]))
		s, err = g.Sede(ctx)
		require.NoError(t, err)
		assert.Equal(t, ids[0], s.InstallContact)
	})
}

// §3.1.2: role holders must be associated contacts of the sede.
func TestRoleNeedsAssociation(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		_, ids := completeSede(t, r, roma, person("Mario", "Rossi", cfRossi))
		f, err := r.Begin(ctx, roma)
		require.NoError(t, err)
		require.NoError(t, f.SetData(ctx, validSede()))
		mine, err := f.AddReferente(ctx, person("Luca", "Moreno", cfMoreno))
		require.NoError(t, err)
		require.NoError(t, f.NextReferenti(ctx))
		requireRule(t, f.AddSecurityOfficer(ctx, ids[0], 6), RuleRoleNotAssociated)
		require.NoError(t, f.AddSecurityOfficer(ctx, mine, 6))
		require.NoError(t, f.NextSecurityOfficers(ctx))
		requireRule(t, f.SetInstallContact(ctx, ids[0]), RuleRoleNotAssociated)
		requireRule(t, f.SetInstallContact(ctx, 9999), RuleRoleNotAssociated)

		// A contact of another comune's list cannot be associated.
		g, err := r.Begin(ctx, milano)
		require.NoError(t, err)
		require.NoError(t, g.SetData(ctx, validSede()))
		requireRule(t, g.Associate(ctx, mine), RuleOtherComune)
		requireRule(t, g.Associate(ctx, 9999), RuleNotFound)
	})
}

// §3.1.2: DISSOCIA, then ELIMINA or CONSERVA when the contact serves no
// other sede; dissociating drops the contact's roles.
func TestDissocia(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		f, ids := completeSede(t, r, roma, person("Mario", "Rossi", cfRossi), person("Luca", "Moreno", cfMoreno), person("Nicolò", "Fo", cfFo))
		_, err := f.Transmit(ctx, time.Time{})
		require.NoError(t, err)
		g, err := r.Edit(ctx, f.ID())
		require.NoError(t, err)
		require.NoError(t, g.SetData(ctx, validSede()))

		deleted, err := g.Dissociate(ctx, ids[2], Keep) // CONSERVA
		require.NoError(t, err)
		assert.False(t, deleted)
		deleted, err = g.Dissociate(ctx, ids[1], Delete) // ELIMINA
		require.NoError(t, err)
		assert.True(t, deleted)
		list, err := r.Referenti(ctx, roma)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, ids[2], list[1].ID, "kept in the comune's list")

		s, err := g.Sede(ctx)
		require.NoError(t, err)
		assert.Equal(t, []int64{ids[0]}, s.Referenti)
		assert.Zero(t, s.InstallContact, "roles go with the association")
		assert.Zero(t, s.Manager)
		assert.Equal(t, Incomplete, s.State)

		// A contact associated with another sede is never deleted.
		h, err := r.Begin(ctx, roma)
		require.NoError(t, err)
		require.NoError(t, h.SetData(ctx, validSede()))
		require.NoError(t, h.Associate(ctx, ids[0]))
		deleted, err = g.Dissociate(ctx, ids[0], Delete)
		require.NoError(t, err)
		assert.False(t, deleted)

		require.NoError(t, r.DeleteReferente(ctx, ids[2]))
		requireRule(t, r.DeleteReferente(ctx, ids[0]), RuleRoleNotAssociated)
	})
}

// §3.2: MODIFICA SEDE restarts the flow; a second transmission sends no
// second master password to the same Security Officer.
func TestEditSede(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		f, _ := completeSede(t, r, roma, person("Mario", "Rossi", cfRossi))
		_, err := f.Transmit(ctx, time.Time{})
		require.NoError(t, err)
		_, err = r.Resume(ctx, f.ID())
		requireRule(t, err, RuleStep)

		g, err := r.Edit(ctx, f.ID())
		require.NoError(t, err)
		s, err := g.Sede(ctx)
		require.NoError(t, err)
		assert.Equal(t, Incomplete, s.State)
		assert.Equal(t, "00186", s.CAP, "data kept")
		d := validSede()
		d.Workstations = 4
		require.NoError(t, g.SetData(ctx, d))
		for _, next := range []func(context.Context) error{g.NextReferenti, g.NextSecurityOfficers, g.NextInstallContact, g.NextManager, g.Confirm} {
			require.NoError(t, next(ctx))
		}
		evs, err := g.Transmit(ctx, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, []EventKind{EventMonitoraUpdate, EventAgendaUpdate}, kinds(evs))
	})
}

func kinds(evs []Event) []EventKind {
	var out []EventKind
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

// §3.2: RIMUOVI SEDE removes the sede from AgendaCIE, the Security
// Officers with their credentials, the installation contact's Monitora
// access and the manager.
func TestRemoveSede(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		f, ids := completeSede(t, r, roma, person("Mario", "Rossi", cfRossi), person("Luca", "Moreno", cfMoreno), person("Nicolò", "Fo", cfFo))
		_, err := f.Transmit(ctx, time.Time{})
		require.NoError(t, err)
		evs, err := r.RemoveSede(ctx, f.ID())
		require.NoError(t, err)
		assert.Equal(t, []Event{
			{Kind: EventAgendaRemoved, Comune: roma, SedeID: f.ID()},
			{Kind: EventCredentialsRevoked, Comune: roma, SedeID: f.ID(), ReferenteID: ids[0]},
			{Kind: EventMonitoraDisabled, Comune: roma, SedeID: f.ID(), ReferenteID: ids[1]},
			{Kind: EventManagerRemoved, Comune: roma, SedeID: f.ID(), ReferenteID: ids[2]},
		}, evs)
		_, err = r.Sede(ctx, f.ID())
		requireRule(t, err, RuleNotFound)
		assert.ErrorIs(t, err, ErrNotFound)
		list, err := r.Referenti(ctx, roma)
		require.NoError(t, err)
		assert.Len(t, list, 3, "contacts stay in the comune's list")

		// The manual's list is unconditional: "Rimuove i Security Officer
		// con le relative credenziali", "Rimuove il Referente per le
		// installazioni e ne disabilita l'accesso al portale della
		// fornitura Monitora" (§3.2), even for people who serve another
		// sede of the comune.
		a, idsA := completeSede(t, r, milano, person("Jürgen", "Müller", cfMuller))
		_, err = a.Transmit(ctx, time.Time{})
		require.NoError(t, err)
		b, err := r.Begin(ctx, milano)
		require.NoError(t, err)
		require.NoError(t, b.SetData(ctx, validSede()))
		require.NoError(t, b.Associate(ctx, idsA[0]))
		require.NoError(t, b.NextReferenti(ctx))
		require.NoError(t, b.AddSecurityOfficer(ctx, idsA[0], 6))
		require.NoError(t, b.NextSecurityOfficers(ctx))
		require.NoError(t, b.SetInstallContact(ctx, idsA[0]))
		require.NoError(t, b.NextInstallContact(ctx))
		require.NoError(t, b.SetManager(ctx, idsA[0]))
		require.NoError(t, b.NextManager(ctx))
		require.NoError(t, b.Confirm(ctx))
		evs, err = r.RemoveSede(ctx, a.ID())
		require.NoError(t, err)
		assert.Equal(t, []EventKind{EventAgendaRemoved, EventCredentialsRevoked, EventMonitoraDisabled, EventManagerRemoved}, kinds(evs))

		// The Security Officer lost the credentials, so the other sede's
		// transmission sends a new master password.
		evs, err = b.Transmit(ctx, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, []EventKind{EventMasterPassword, EventMonitoraUpdate, EventAgendaUpdate}, kinds(evs))
	})
}

// Issue 17 item 3: the installation contact of two comuni (different
// referente IDs, one per comune's list) loses the Monitora access of the
// removed sede; the old code looked for the same ID elsewhere and, the
// IDs being per comune, its exception could never apply as documented.
func TestRemoveSedeInstallContactOfTwoComuni(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		tech := person("Gianfranco", "De Rossi", cfDeRossi)
		f, ids := completeSede(t, r, roma, person("Mario", "Rossi", cfRossi), tech)
		_, idsM := completeSede(t, r, milano, person("Jürgen", "Müller", cfMuller), tech)
		require.NotEqual(t, ids[1], idsM[1], "one entry per comune's list")
		evs, err := r.RemoveSede(ctx, f.ID())
		require.NoError(t, err)
		assert.Contains(t, evs, Event{Kind: EventMonitoraDisabled, Comune: roma, SedeID: f.ID(), ReferenteID: ids[1]})
	})
}

// Issue 17 item 1. SediCIE manual §3.1.3: "un Security Officer può essere
// associato a più sedi dello stesso Comune, ma non può ricoprire
// contemporaneamente lo stesso ruolo in altri Comuni"; §3.1.4: the
// installation contact "potrà esserlo contemporaneamente per più Comuni
// differenti". A Security Officer of Roma who is installation contact in
// Milano can have the phone number edited in Milano.
func TestSecurityOfficerElsewhereOtherRole(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		rossi := person("Mario", "Rossi", cfRossi)
		completeSede(t, r, roma, rossi) // Security Officer in Roma
		f, ids := completeSede(t, r, milano, person("Jürgen", "Müller", cfMuller), rossi)
		g, err := r.Edit(ctx, f.ID())
		require.NoError(t, err)
		require.NoError(t, g.SetData(ctx, validSede()))
		edited := rossi
		edited.Phone1 = "+39 02 7654321"
		require.NoError(t, g.UpdateReferente(ctx, ids[1], edited), "installation contact in Milano")
		list, err := r.Referenti(ctx, milano)
		require.NoError(t, err)
		assert.Equal(t, "+39 02 7654321", list[1].Phone1)
		// A plain contact of Milano may be edited too.
		plain, err := g.AddReferente(ctx, person("Luca", "Moreno", cfMoreno))
		require.NoError(t, err)
		require.NoError(t, g.UpdateReferente(ctx, plain, person("Luca", "Moreno", cfMoreno)))
		// But Milano's Security Officer cannot become Roma's.
		requireRule(t, g.UpdateReferente(ctx, ids[0], rossi), RuleDuplicateReferente)
	})
}

// Operator cards: "indicando altresì, per ciascun Security Officer il
// numero di smart card operatore che egli dovrà consegnare e gestire"
// (seed 001, All. 2 §3); "smart card operatore (SCO) in numero pari al
// numero di ufficiali di anagrafe che avranno in cura il rilascio della
// CIE" (seed 000 and 001, All. 2 §1).
func TestSCOCount(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		f, err := r.Begin(ctx, roma)
		require.NoError(t, err)
		require.NoError(t, f.SetData(ctx, validSede())) // 6 operators
		a, err := f.AddReferente(ctx, person("Mario", "Rossi", cfRossi))
		require.NoError(t, err)
		b, err := f.AddReferente(ctx, person("Luca", "Moreno", cfMoreno))
		require.NoError(t, err)
		require.NoError(t, f.NextReferenti(ctx))
		for _, n := range []int{0, -1, MaxSCOCards + 1} {
			re := requireRule(t, f.AddSecurityOfficer(ctx, a, n), RuleSCOCount)
			assert.Contains(t, re.Error(), "seed 001", "the source is named")
		}
		require.NoError(t, f.AddSecurityOfficer(ctx, a, 4))
		re := requireRule(t, f.NextSecurityOfficers(ctx), RuleSCOCount)
		assert.Equal(t, "Numero operatori", re.Field)
		require.NoError(t, f.AddSecurityOfficer(ctx, b, 2))
		require.NoError(t, f.NextSecurityOfficers(ctx))
		s, err := f.Sede(ctx)
		require.NoError(t, err)
		assert.Equal(t, 6, s.SCOTotal())
		require.NoError(t, f.SetInstallContact(ctx, a))
		require.NoError(t, f.NextInstallContact(ctx))
		require.NoError(t, f.SetManager(ctx, b))
		require.NoError(t, f.NextManager(ctx))
		require.NoError(t, f.Confirm(ctx))
		evs, err := f.Transmit(ctx, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, 4, evs[0].Cards)
		assert.Equal(t, 2, evs[1].Cards)
		assert.Equal(t, EventMonitoraUpdate, evs[2].Kind)
		assert.Equal(t, 6, evs[2].Cards)

		// Dropping a Security Officer drops the cards: the total no longer
		// matches, and the sede cannot be confirmed until it does.
		g, err := r.Edit(ctx, f.ID())
		require.NoError(t, err)
		require.NoError(t, g.SetData(ctx, validSede()))
		require.NoError(t, g.NextReferenti(ctx))
		require.NoError(t, g.RemoveSecurityOfficer(ctx, b))
		requireRule(t, g.NextSecurityOfficers(ctx), RuleSCOCount)
	})
}

func TestRuleErrorMessages(t *testing.T) {
	t.Parallel()
	e := &RuleError{Rule: RuleNeedSecurityOff, Section: "3.1.3"}
	assert.Equal(t, "sedi: the sede needs at least one Security Officer (SediCIE manual §3.1.3, seed 004)", e.Error())
	assert.Equal(t, "la sede deve avere almeno un Security Officer", e.Message("it"))
	assert.True(t, errors.Is(e, ErrConflict))
	for rule := range messages {
		m := messages[rule]
		assert.NotEmpty(t, m.it, rule)
		assert.NotEmpty(t, m.en, rule)
	}
	// Personal data never enters the message.
	r, err := NewRegistry(NewMemoryStore(), Options{})
	require.NoError(t, err)
	_, err = r.Begin(t.Context(), "ROMA CAPITALE")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "ROMA")
}

// Issue 17 item 4: negative lead times are refused.
func TestNewRegistryOptions(t *testing.T) {
	t.Parallel()
	for _, days := range []int{-1, -60, MaxLeadDays + 1} {
		_, err := NewRegistry(NewMemoryStore(), Options{MasterPasswordDays: days})
		assert.ErrorIs(t, err, ErrOptions, "MasterPasswordDays %d", days)
	}
	r, err := NewRegistry(NewMemoryStore(), Options{MasterPasswordDays: 90})
	require.NoError(t, err)
	f, _ := completeSede(t, r, roma, person("Mario", "Rossi", cfRossi))
	evs, err := f.Transmit(t.Context(), time.Date(2017, 10, 2, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2017, 7, 4, 0, 0, 0, 0, time.UTC), evs[0].Due)
}
