//go:build !(cgo || windows) || ciekit_nopcsc

package pcsc

import (
	"context"
	"errors"
	"fmt"
)

// errUnsupported is what every function of the stub returns.
var errUnsupported = fmt.Errorf("pcsc: built without PC/SC support (cgo disabled or tag ciekit_nopcsc): %w", errors.ErrUnsupported)

type sysContext struct{}

type sysCard struct{}

func openSys() (*sysContext, error) { return nil, errUnsupported }

func (*sysContext) close() error                                  { return errUnsupported }
func (*sysContext) readers() ([]string, error)                    { return nil, errUnsupported }
func (*sysContext) wait(context.Context, string, bool) error      { return errUnsupported }
func (*sysContext) connect(string, ConnectOptions) (*Card, error) { return nil, errUnsupported }
func (*sysCard) transmit([]byte) ([]byte, error)                  { return nil, errUnsupported }
func (*sysCard) begin() error                                     { return errUnsupported }
func (*sysCard) end() error                                       { return errUnsupported }
func (*sysCard) close() error                                     { return errUnsupported }
