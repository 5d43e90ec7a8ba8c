// Package sad implements SAD 2.8, the protocol between the CIE issuing
// workstation and the comune's population register (APR, Anagrafe della
// Popolazione Residente).
//
// During the issuance of an electronic identity card (CIE) the workstation
// reads the citizen's data from the APR, and afterwards tells the APR the
// number of the card issued, or that an issuance was cancelled or a card
// revoked. The Ministry of the Interior's circulars require every comune's
// APR software to speak "SAD in versione 2.8" with it, over http or ftp.
//
// Entry points:
//
//   - APR vendors implement [Registry] and serve it with [Server] (an
//     [net/http.Handler]) for the http transport, and with [Spool] for the
//     ftp transport. A vendor whose register is a relational database
//     describes it in a JSON mapping instead of writing Go: package
//     sad/sqlregistry. Package sad/sadcheck (and the command
//     sad/cmd/sadcheck) checks any SAD endpoint, in any language, against
//     this package's reading of the protocol.
//   - Integrators on the workstation side use [Client] with the
//     install-time parameters in [Config].
//   - [Codec] decodes messages ([Request], [Response]) from an [io.Reader]
//     and encodes them to an [io.Writer] in a [Dialect]; its zero value uses
//     [DefaultDialect], the reconstruction described below.
//
// # Terms
//
//   - APR: the comune's population register and the software that keeps it.
//   - Comune: an Italian municipality, identified here by its 6-digit ISTAT code.
//   - Codice fiscale: the 16-character tax code of a person.
//   - Espatrio: validity of the card for travel abroad ("validità per
//     l'espatrio"), encoded with a [Pair] of constants chosen at install time.
//   - AIRE: the register of Italians resident abroad.
//   - Esito: the outcome of a request ([Code]).
//
// # What is confirmed and what is reconstructed
//
// The SAD 2.8 document itself is not public. This package follows
// shared/spec/sad-2.8.md, which separates:
//
// Confirmed (public sources and the Ministry's circulars 4/2017 and 8/2017):
//   - the name SAD, version 2.8 required of APR software, and that SAD is
//     still in use (italia/anpr "cosa-cambia-comune-migrato",
//     italia/cie-middleware#175);
//   - the operations: citizen lookup ("Richiesta informazioni anagrafiche",
//     interrogazione), issued-card notice ("Invio dati della carta emessa"),
//     cancellation ("Annullamento emissione") and revocation ("Revoca"), each
//     answered by one response document ("Documento ricevuto");
//   - XML messages; transports http (recommended) or ftp;
//   - the install-time parameters: connection type, APR server address and
//     port, http service path, ftp upload directory (requests) and download
//     directory (responses), and the expatriation constants, one of S/N
//     (recommended), T/F, SI/NO, TRUE/FALSE, VERO/FALSO, 1/0;
//   - the card number format of CIE 3.0 (two letters, five digits, two
//     letters) and that CieOnline fetches minors' parents (italia/anpr#1144).
//
// Reconstructed (sad-2.8.md §3.3, marked [R] there; not the Ministry's text):
//   - every element and attribute name (RichiestaSAD, RispostaSAD,
//     IdRichiesta, CriteriRicerca, DatiCarta, Soggetto, Esito, ...), modelled
//     on the CIE 2.0 chip data and ANPR's CIE0Servizi.xsd vocabulary;
//   - no namespace, UTF-8, ISO dates (YYYY-MM-DD) and zone-less timestamps;
//   - the outcome codes 00, 01, 02, 03, 04, 05, 99;
//   - the http binding: POST of the raw XML body, 200 with the response;
//   - the ftp binding: <IdRichiesta>.tmp uploaded then renamed to
//     <IdRichiesta>.xml, the answer polled for as <IdRichiesta>.xml in the
//     download directory, then deleted;
//   - that the first constant of a pair means "valid for travel".
//
// Everything reconstructed is data in a [Dialect] (names, namespace, date
// layouts, charset, pairs, operation and outcome codes), so the official
// layout can be dropped in without changing the API. Decoders are tolerant
// as the reconstruction asks: element names match case-insensitively,
// namespace prefixes and unknown elements are ignored, several date layouts
// are accepted, ISO-8859-1 documents are converted. Coded values are not
// guessed: an unknown expatriation constant, operation or outcome code is
// an error, never a default.
//
// # Validation
//
// Decoding validates every field and reports the first problem as a
// [*SyntaxError] naming the element by path and line; codici fiscali and
// CIE card numbers are checked with package cie. Encoding runs the same
// rules and reports a [*ValidationError]: what encodes, decodes to the same
// message. Errors never contain personal data beyond a position.
//
// # Names and free text
//
// Names (Cognome, Nome, a foreign birth locality) must be in the character
// set that the CIE's printing and MRZ and ANPR carry: Latin letters with the
// Italian and common foreign accents (Latin-1 Supplement, Latin Extended-A
// and -B), apostrophe, space and hyphen. Free text (descriptions,
// addresses, reasons) adds digits and printable punctuation. Control
// characters (C0 and C1), bidirectional overrides such as U+202E, other
// scripts and emoji are refused with a [*TextError] naming the field and
// the 1-based position, when decoding and when encoding; a [Server] answers
// 99 rather than send a register row that breaks the rule.
//
// # Security
//
// Documents come from the network or from a shared ftp directory and are
// untrusted. [Server.MaxInFlight] caps the requests answered at once; the
// [Spool] claims in bounded batches and answers while it claims. Decoders
// read at most [Limits.MaxBytes], bound nesting depth
// and element count, reject any DOCTYPE (and so every entity declaration,
// including external entities and "billion laughs") and every entity
// reference beyond the five predefined ones, and hold memory proportional
// to the bounded input. The decoders are fuzzed. The ftp password is a
// [Password], which prints redacted everywhere (fmt verbs, errors, slog,
// JSON), also inside [Config] and [Client]; the library does not log unless
// given a [log/slog.Logger].
//
// # Compatibility
//
// The protocol version is data ([Dialect.Version], "2.8"), and decoding
// accepts any version attribute. The http handler also accepts the XML in a
// form field named "xml", for legacy workstations.
package sad
