package cardsim

import "github.com/ciekit/ciekit/scard"

// paceState is the card side of a PACE run in progress.
type paceState struct{}

func (c *CIE) paceMSE(cmd scard.Command) scard.Response {
	return sw(scard.SWFunctionNotSupported)
}

func (c *CIE) generalAuthenticate(cmd scard.Command, chained bool) scard.Response {
	return sw(scard.SWConditionsNotSatisfied)
}
