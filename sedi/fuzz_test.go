package sedi

import (
	"errors"
	"strings"
	"testing"
)

// FuzzValidIBAN: no panic; the answer does not depend on spaces or case;
// a valid IBAN stops being valid when one digit of its BBAN changes
// (ISO 7064 mod 97-10 detects every single substitution).
func FuzzValidIBAN(f *testing.F) {
	f.Add("IT60X0542811101000000123456")
	f.Add("it60 x054 2811 1010 0000 0123 456")
	f.Add("GB82WEST12345698765432")
	f.Add("IT60X05428111010000001234$6")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		ok := ValidIBAN(s)
		// Lower case changes nothing (for ASCII input: other letters may
		// not survive a case round trip).
		if got := ValidIBAN(strings.ToLower(s)); got != ok && isASCII(s) {
			t.Fatalf("ValidIBAN(%q) = %v, lower case %v", s, ok, got)
		}
		if !ok {
			return
		}
		c := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
		if spaced := c[:4] + " " + c[4:]; !ValidIBAN(spaced) {
			t.Fatalf("ValidIBAN(%q) = false, but %q is valid", spaced, s)
		}
		for i := 4; i < len(c); i++ {
			if c[i] < '0' || c[i] > '9' {
				continue
			}
			b := []byte(c)
			b[i] = '0' + (b[i]-'0'+1)%10
			if ValidIBAN(string(b)) {
				t.Fatalf("ValidIBAN(%q) and ValidIBAN(%q): a changed digit went unnoticed", c, b)
			}
		}
	})
}

// FuzzValidPartitaIVA: no panic; for any ten digits exactly one check
// digit is valid.
func FuzzValidPartitaIVA(f *testing.F) {
	f.Add("02438750586")
	f.Add("00488410010")
	f.Add("0048841001A")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		ok := ValidPartitaIVA(s)
		if ok && (len(s) != 11 || !allDigits(s)) {
			t.Fatalf("ValidPartitaIVA(%q) = true for a non-11-digit string", s)
		}
		if len(s) < 10 || !allDigits(s[:10]) {
			return
		}
		n := 0
		for d := byte('0'); d <= '9'; d++ {
			if ValidPartitaIVA(s[:10] + string(d)) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d valid check digits for %q, want 1", n, s[:10])
		}
	})
}

// FuzzSedeDataValidate and FuzzReferenteDataValidate: no panic; every
// problem is a *RuleError of the manual's section that names a field and
// unwraps to ErrInvalid; the messages never repeat the data (personal data
// stays out of errors).
func FuzzSedeDataValidate(f *testing.F) {
	f.Add("Ufficio anagrafe", "Via Roma", "12/A", "00186", "02438750586", "IT60X0542811101000000123456", 3, 6, "PagoPA", "http")
	f.Add("", "", "", "", "", "", 0, -1, "", "")
	f.Add(" ", "x", "SNC", "0O186", "RSSMRA80A01H501U", "it60", 1001, 10001, "\x00", "pigeon")
	f.Fuzz(func(t *testing.T, name, addr, num, cap, tax, iban string, ws, ops int, pay, conn string) {
		d := SedeData{Name: name, Address: addr, StreetNumber: num, CAP: cap, TaxCode: tax, IBAN: iban,
			Workstations: ws, Operators: ops, Payment: pay, Connection: Connection(conn)}
		checkRuleErrors(t, d.Validate(), "3.1.1", name, addr, num, cap, tax, iban, pay, conn)
	})
}

func FuzzReferenteDataValidate(f *testing.F) {
	f.Add("Dirigente", "Mario", "Rossi", "m.rossi@comune.example.it", "RSSMRA80A01H501U", "+39 06 1234567", "", "Comune di Roma")
	f.Add("", "", "", "Mario <m@x.it>", "RSSMRA80B31H501W", "06-CALLME", "12", "")
	f.Fuzz(func(t *testing.T, title, given, surname, email, cf, p1, p2, org string) {
		d := ReferenteData{Title: title, GivenName: given, Surname: surname, Email: email, CodiceFiscale: cf, Phone1: p1, Phone2: p2, Organization: org}
		checkRuleErrors(t, d.Validate(), "3.1.2", title, given, surname, email, cf, p1, p2, org)
	})
}

func checkRuleErrors(t *testing.T, err error, section string, data ...string) {
	t.Helper()
	if err == nil {
		return
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		re, ok := e.(*RuleError)
		if !ok {
			t.Fatalf("error %T %v, want *RuleError", e, e)
		}
		if re.Field == "" || re.Section != section || !errors.Is(re, ErrInvalid) {
			t.Fatalf("RuleError %+v: want a field, section %s and ErrInvalid", re, section)
		}
		msg := re.Error() + re.Message("it") + re.Message("en")
		for _, v := range data {
			// Values that are themselves part of the fixed texts prove
			// nothing.
			if len(v) >= 6 && strings.Contains(msg, v) && !strings.Contains(fixedTexts(re), v) {
				t.Fatalf("error %q repeats the input %q", msg, v)
			}
		}
	}
}

// fixedTexts is what the messages of re say whatever the input.
func fixedTexts(re *RuleError) string {
	var b strings.Builder
	b.WriteString(re.Field + " " + re.Section + " " + re.Rule.Source() + " " + re.Rule.Seed() + " sedi: seed ")
	for _, m := range messages {
		b.WriteString(m.it + " " + m.en + " ")
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
