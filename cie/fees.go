package cie

import (
	"fmt"
)

// Cents is an amount of money in euro cents.
type Cents int64

// String formats the amount in euro with two decimals and a full stop, e.g.
// "16.79".
func (c Cents) String() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, int64(c)/100, int64(c)%100)
}

// IssueReason is why a card is issued; it selects the municipal fee.
type IssueReason uint8

const (
	// IssueFirst is a first issue or a renewal (the zero value).
	IssueFirst IssueReason = iota
	// IssueDuplicate replaces a card that was lost, stolen or damaged.
	IssueDuplicate
)

// Default fees (DM MEF 25/05/2016; typical municipal amounts).
const (
	// DefaultStateNet is the State fee before VAT: 13.76 EUR.
	DefaultStateNet Cents = 1376
	// DefaultVATBasisPoints is the VAT rate on the State fee: 22%.
	DefaultVATBasisPoints = 2200
)

// FeeSchedule holds the fees of one comune. The zero value is valid: the
// State fee takes its legal default and the municipal fees are zero (each
// comune sets its own; typical values are 5.16 fixed and 0.26 secretariat).
type FeeSchedule struct {
	// StateNet is the State fee before VAT. Zero means [DefaultStateNet].
	StateNet Cents
	// VATBasisPoints is the VAT rate in hundredths of a percent (2200 is
	// 22%). Zero means [DefaultVATBasisPoints]; a negative value means no VAT.
	VATBasisPoints int
	// MunicipalFixed is the comune's fixed fee for a first issue or renewal.
	MunicipalFixed Cents
	// MunicipalDuplicate is the comune's fixed fee for a duplicate. Zero
	// means twice MunicipalFixed.
	MunicipalDuplicate Cents
	// Secretariat is the secretariat fee ("diritti di segreteria").
	Secretariat Cents
}

// StateFee returns the State fee including VAT, rounded half up to the cent:
// 13.76 + 22% = 16.79 EUR with the defaults.
func (f FeeSchedule) StateFee() Cents {
	net := f.StateNet
	if net == 0 {
		net = DefaultStateNet
	}
	bp := f.VATBasisPoints
	switch {
	case bp == 0:
		bp = DefaultVATBasisPoints
	case bp < 0:
		bp = 0
	}
	vat := (int64(net)*int64(bp) + 5000) / 10000
	return net + Cents(vat)
}

// Total returns what the holder pays for a card issued for reason: the
// State fee plus the municipal fixed (or duplicate) fee plus the
// secretariat fee. With the State defaults, 5.16 fixed and 0.26 secretariat
// it is 22.21 EUR, or 27.37 EUR for a duplicate.
func (f FeeSchedule) Total(reason IssueReason) Cents {
	fixed := f.MunicipalFixed
	if reason == IssueDuplicate {
		fixed = f.MunicipalDuplicate
		if fixed == 0 {
			fixed = 2 * f.MunicipalFixed
		}
	}
	return f.StateFee() + fixed + f.Secretariat
}
