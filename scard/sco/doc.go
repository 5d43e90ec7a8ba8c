// Package sco is a client for the operator card (SCO, "Smart Card
// Operatore"): the card with which registry officers of the comuni log into
// the Ministry's CIEOnline portal and sign CIE requests (Circolare del
// Ministero dell'Interno n. 4/2017).
//
// The SCO's technical specification, applet, AID, file system, key
// references and PIN policy are NOT public, and neither is the protocol of
// its activation by the Security Officer with the "master password". What
// the circulars describe is the behaviour: the operator logs in with a PIN,
// the Security Officer activates the card with the master password,
// associates it to a sede (the municipal office), and revokes it; the card
// signs and authenticates with the operator's certificate.
//
// ciekit therefore defines an APDU profile of its own around that
// behaviour, implemented by [Client] and by the simulator
// scard/cardsim.SCO, so that it can be exercised end to end. The profile is
// IAS-like but it is ciekit's invention: a real SCO will not answer it. A
// client for the real card will replace it once the protocol is known.
package sco
