// Package cie is the data model of the Italian electronic identity card
// (Carta d'Identità Elettronica, CIE 3.0) and the rules that apply to it:
// the TD1 machine readable zone, the card number, the codice fiscale, the
// validity and expatriation rules, the fees, and the places of birth.
//
// Most programs start from one of these entry points:
//
//   - [ParseMRZ] and [EncodeMRZ] read and write the three 30-character lines
//     on the back of the card; [MRZ.String] renders them.
//   - [ParseCodiceFiscale], [ComputeCodiceFiscale] and [CodiceFiscale.Decode]
//     handle the tax code printed on the back (and as a Code 39 barcode, see
//     [ParseCodiceFiscaleBarcode]).
//   - [Expiry] and [EspatrioEligible] apply the issuance rules.
//   - [LookupPlace] and [FindComune] resolve places of birth as of a date.
//
// The model itself is [Card]: the holder ([Person]), the physical document
// ([Document]) and what the comune records (residence, parents of a minor,
// organ-donation choice, birth-act reference). [Card.Validate] checks it.
//
// # Terms
//
// Italian proper nouns are kept where users speak them:
//
//   - Comune: an Italian municipality; the issuing authority of the CIE.
//   - Codice fiscale (CF): the 16-character tax code of a person.
//   - Belfiore code (codice catastale): the 4-character code of a comune
//     (H501 Roma) or, with a leading Z, of a foreign state (Z112 Germany).
//   - Espatrio: validity of the card for travel abroad.
//   - Omocodia: the substitution of letters for digits in a codice fiscale
//     that would otherwise collide with another person's.
//   - AIRE: the register of Italians resident abroad.
//   - ANSC: the national civil-status archive; its act identifiers appear in
//     the birth-act reference.
//
// # Dates
//
// Every date is a [time.Time] at midnight UTC standing for a calendar date;
// functions that take dates use only the year, month and day. Functions that
// depend on "today" take it as a parameter; nothing reads the clock.
//
// # Machine readable zone
//
// The CIE carries a TD1 MRZ (ICAO Doc 9303-5 §4.2): document code "C<",
// issuing State ITA, the 9-character card number, date of birth, sex, date
// of expiry, nationality, the composite check digit (§4.2.4) and the name
// (Doc 9303-3 §4.6). [ParseMRZ] validates every check digit and also reads
// foreign TD1 documents, including long document numbers (Doc 9303-5 note j).
// Names are transliterated with the Italian table of Circ. Min. Interno
// 1/2008 by default (Ä→AE); [MRZOptions] selects the ICAO alternative (Ä→A).
// Years have two digits: a date of birth takes the latest century that
// does not put it after a reference date, an expiry date is always 20YY.
//
// # Codice fiscale
//
// Computation and validation follow DM Finanze 23/12/1976. Any subset of the
// seven digits may be replaced by omocodia letters; [CodiceFiscale.Omocodes]
// lists all 128 forms. The century of birth is not encoded, so
// [CodiceFiscale.Decode] returns every candidate date whose place of birth
// existed on that date.
//
// # Validity
//
// [Expiry] estimates the expiry date: 3, 5 or 10 years by age band, aligned
// to the holder's birthday (DL 5/2012 art. 7; since 19 September 2022 adults
// expire on the last birthday within 10 years, EU Reg. 2019/1157 art. 4), or
// 12 months when fingerprints cannot be taken. The ministry's software is
// authoritative; the open edge cases are policy switches in [ExpiryOptions].
// [EspatrioEligible] requires an explicit choice and never defaults to
// "valid for travel". [FeeSchedule] computes fees in cents; the State fee is
// 13.76 EUR + 22% VAT = 16.79 EUR (DM MEF 25/05/2016).
//
// # Places
//
// Comuni and foreign states come from the ANPR archives (CC BY 4.0, see
// internal/anpr/NOTICE.md), embedded with their periods of validity, so that
// a Belfiore code resolves to the place it denoted on a given date: ceased
// comuni (Gallico D877, until 1927), renamed ones and homonyms. [Place]
// values are records of one period; [PlaceHistory] lists all of a code.
//
// # Security
//
// Errors never contain a whole MRZ line, codice fiscale or record: only the
// position, the field and at most the offending character.
//
// # Concurrency
//
// All functions are safe for concurrent use; the embedded place tables are
// read-only.
package cie
