// Package scardtest is the test kit for code that talks to smart cards
// through [scard.Transmitter], in the spirit of net/http/httptest and
// testing/fstest. It imports testing and is meant for _test.go files.
//
//   - [Record] wraps a live Transmitter (a cardsim simulator, the vpcd
//     bridge or a real reader) and writes the session, when the test ends,
//     to a testdata/*.apdu transcript: one exchange per line pair, with a
//     comment naming each command and citing its specification clause.
//   - [Playback] replays a transcript as a Transmitter and fails the test,
//     with a byte-level diff, on the first command that differs from the
//     recording; leftover exchanges fail it too.
//   - [Replay] sends a transcript's commands to a live card and fails the
//     test at the first response that differs: Playback holds the
//     terminal to a recording, Replay holds the card to it. It resets the
//     card where the transcript notes a reset ([ResetComment]);
//     [ReplayExchanges] is the same without a testing.TB, and counts the
//     resets.
//   - [Hostile] is the adversary of the reader-side fuzz targets: a card
//     that answers from fuzzer-chosen bytes, raw ([DecodeResponses],
//     [RawCard]) or as mutations of a recorded simulated session ([Tape],
//     [Mutate], [MutatedCard]), and stops a reader that loops at its APDU
//     limit; [Sealed] wraps chosen plaintext in card-side secure messaging.
//     FUZZING.md at the module root describes the targets.
//   - [TestTransmitter] is the conformance suite every Transmitter must
//     pass: status words for bad input instead of panics, ctx cancellation,
//     concurrency, and, for the optional capabilities a device offers
//     (ATR, Remove/Insert, Reset), the behaviour of a physical card.
//
// # Transcript format
//
//	# ciekit APDU transcript v1
//	# SELECT by AID (ISO/IEC 7816-4 11.2.2; ICAO 9303-10 3.1)
//	> 00A4040C07A0000002471001
//	< 9000
//	# READ BINARY (ISO/IEC 7816-4 11.3.3)
//	> 00B0810004
//	< !card removed
//
// Lines starting with '>' hold a command APDU and lines starting with '<'
// its response in hex (spaces allowed); '< !' followed by a transport error
// name (see [ErrorName]) records a Transmit error instead. '#' starts a
// comment; blank lines are ignored. A comment line "# card reset"
// ([ResetComment]) before an exchange records a warm reset of the card
// before its command. Transcripts of secure-messaging
// sessions replay only if both sides drew the same randomness, which a
// cardsim card with cardsim.DeterministicRand and a scard.Card with a
// deterministic CardOptions.Rand do.
package scardtest
