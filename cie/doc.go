// Package cie is the data model of the Italian electronic identity card
// (Carta d'Identità Elettronica, CIE 3.0) and the rules that apply to it:
// the TD1 machine readable zone, the card number, the codice fiscale, the
// validity and expatriation rules, the fees, and the places of birth.
//
// Most programs start from one of these entry points:
//
//   - [ParseMRZ] and [EncodeMRZ] read and write the three 30-character lines
//     on the back of the card; [MRZ.String] renders them; [RepairMRZ] mends
//     lines read by OCR and lists what it changed.
//   - [ParseCodiceFiscale], [ComputeCodiceFiscale] and [CodiceFiscale.Decode]
//     handle the tax code printed on the back (and as a Code 39 barcode, see
//     [ParseCodiceFiscaleBarcode]).
//   - [Expiry] and [EspatrioEligible] apply the issuance rules.
//   - [LookupPlace] and [FindComune] resolve places of birth as of a date;
//     [DecodeANPR] and [Places] refresh the tables from ANPR files at run time.
//   - [PaperCardAllowed] and [DeliveryDeadline] apply the issuance rules of
//     the circulars.
//
// The model itself is [Card]: the holder ([Person]), the physical document
// ([Document]) and what the comune records (residence, parents of a minor,
// organ-donation choice, birth-act reference). [Card.Validate] checks it;
// [Card.Review] also checks the birthplace and returns findings.
//
// # Invalid or odd
//
// Validation keeps two outcomes apart. An error means the data is invalid:
// a wrong check character, an impossible date, an unknown place code. A
// [Finding] means the data is valid but worth a look, and the application
// decides: [FindingPlaceOutOfPeriod] (a real birthplace code that was not
// valid on the birth date, such as I603 SENALE-SAN FELICE, instituted 1974,
// in the code of a person born in 1951: such codes were issued and are the
// person's identifier; the finding carries the record nearest the birth
// date and its period), [FindingOmocodia] and [FindingCeasedState].
// [CodiceFiscale.Decode] and [Card.Review] return them.
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
// The embedded table is a snapshot ([PlaceTable.Snapshot]: the latest
// record update in the ANPR files, 2023-05-16 for this build). When ANPR
// publishes new comuni, mergers or renames, a program loads the files as
// ANPR publishes them with [DecodeANPR] (readers) or [ReadANPRFiles] (paths)
// and gets a [*PlaceTable] with the same methods as the package-level
// lookups; a [Places] value holds the table in force and keeps it when a
// new file is corrupt or truncated ([*PlaceDataError] names the file, the
// line and the column). [DiffPlaces] and the command cie/cmd/anprdiff list
// what changed against the embedded snapshot and write a new embedded
// table. The package downloads nothing.
//
// # Issuance rules
//
// [PaperCardAllowed] applies the exception of Circ. Min. Interno 4/2017
// (the paper identity card only for a documented urgency of health,
// travel, elections or public competitions, or for AIRE citizens), and
// [DeliveryDeadline] its delivery time of six working days. Each rule's
// doc comment quotes the circular, and its [*RuleError] names the source.
//
// # Security
//
// Errors never contain a whole MRZ line, codice fiscale or record: only the
// position, the field and at most the offending character.
//
// # Concurrency
//
// All functions are safe for concurrent use; place tables, embedded or
// loaded, are read-only, and [Places] swaps them atomically.
package cie
